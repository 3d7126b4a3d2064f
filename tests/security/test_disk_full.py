"""A full disk: 503 storage_error with Retry-After for new work, cached audio still served, and an
accepted document ends ``failed`` (not pending forever) and is retried once space returns (item 11).

ENOSPC is injected where every write in Bobao starts (``tempfile.mkstemp``: manifests, sources and
clips all go through a temporary file), so reads keep working as they do on a real full disk.
"""

from __future__ import annotations

import errno
import logging
import os
import tempfile
import time

import pytest

from tests.web.conftest import make_app


class Disk:
    """Switches ENOSPC on and off for every new file."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.full = False
        real = tempfile.mkstemp

        def mkstemp(*args, **kwargs):
            if self.full:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return real(*args, **kwargs)

        monkeypatch.setattr(tempfile, "mkstemp", mkstemp)


@pytest.fixture
def disk(monkeypatch):
    return Disk(monkeypatch)


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path, RATE_LIMIT="off")
    yield app
    app.extensions["bobao"].jobs.shutdown(timeout_s=2)


def test_new_documents_get_503_storage_error_and_cached_audio_is_still_served(app, disk, caplog):
    client = app.test_client()
    ready = client.post("/api/documents?wait=1", json={"text": "已经读好的一页。"}).json
    assert ready["status"] == "ready"
    disk.full = True
    refused = client.post("/api/documents", json={"text": "磁盘满了以后的新页面。"})
    assert refused.status_code == 503
    assert refused.json["error"]["code"] == "storage_error"
    assert int(refused.headers["Retry-After"]) > 0
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert client.get(f"/api/documents/{ready['id']}").status_code == 200
    audio = client.get(f"/documents/{ready['id']}.mp3")
    assert audio.status_code == 200 and audio.data[:3] in (b"ID3", b"\xff\xfb", b"\xff\xf3")


def wait_for(condition, timeout_s: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_accepted_document_fails_with_a_reason_and_is_retried_when_space_returns(tmp_path, disk):
    app = make_app(tmp_path, RATE_LIMIT="off", TTS_ENGINE="slowfake")
    services = app.extensions["bobao"]
    client = app.test_client()
    try:
        text = "".join(f"磁盘写满前接受的第{n}句。" for n in range(8))
        doc_id = client.post("/api/documents", json={"text": text}).json["id"]
        disk.full = True  # the disk fills while the job runs
        assert wait_for(lambda: not services.jobs.is_active(doc_id))
        for _ in range(3):  # asked again and again: still failed, and not queued again
            seen = client.get(f"/api/documents/{doc_id}").json
            assert seen["status"] == "failed" and seen["error"] == "storage_full"
            assert not services.jobs.is_active(doc_id)
        disk.full = False
        retried = client.get(f"/api/documents/{doc_id}").json
        assert retried["status"] in ("pending", "synthesizing")
        assert wait_for(lambda: client.get(f"/api/documents/{doc_id}").json["status"] == "ready", 20)
    finally:
        services.jobs.shutdown(timeout_s=2)
