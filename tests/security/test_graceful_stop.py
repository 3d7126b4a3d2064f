"""SIGTERM leaves queued and running documents resumable, and a restart finishes them (item 10).

A real ``bobao serve`` (gunicorn) with the slow tone engine: five documents are accepted, two start
and three wait in the queue; then the server gets SIGTERM. None may end ``failed``, and after a
restart all five become ready without anyone asking for them.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from tests.security.served import serve

ENV = {
    "BOBAO_TTS_ENGINE": "slowfake",
    "BOBAO_EXTRA_ENGINES": "fake=tests.fakes:create,slowfake=tests.fakes:create_slow",
    "BOBAO_RATE_LIMIT": "off",
    "BOBAO_JOB_WORKERS": "2",
}


def statuses(root: Path) -> dict[str, str]:
    documents = root / "instance" / "documents"
    return {
        path.parent.name: json.loads(path.read_text())["status"] for path in documents.glob("*/manifest.json")
    }


def test_sigterm_keeps_documents_resumable_and_a_restart_finishes_them(tmp_path):
    server = serve(tmp_path, ENV)
    try:
        ids = []
        for i in range(5):
            text = "".join(f"第{i}篇的第{n}句话。" for n in range(6))
            status, manifest = server.post_json("/api/documents", {"text": text})
            assert status == 201, manifest
            ids.append(manifest["id"])
        time.sleep(0.8)  # two documents are being read, three are queued
        assert server.terminate() == 0
    finally:
        server.kill()
    left = statuses(tmp_path)
    assert set(left) == set(ids)
    assert "failed" not in left.values(), (left, server.log())
    assert set(left.values()) <= {"pending", "synthesizing", "ready"}
    assert "ready" not in left.values() or list(left.values()).count("ready") < 5

    again = serve(tmp_path, ENV)
    try:
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline and set(statuses(tmp_path).values()) != {"ready"}:
            time.sleep(0.2)
        assert statuses(tmp_path) == dict.fromkeys(ids, "ready"), again.log()
    finally:
        again.terminate()
        again.kill()
