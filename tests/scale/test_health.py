"""/healthz: 200 with engine, storage and queue state; 503 when storage or the queue backend is gone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.scale.conftest import free_port
from tests.web.conftest import make_app
from web.core.tasks import CeleryJobs


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path)
    yield app
    app.extensions["bobao"].jobs.shutdown()


def test_healthy(app):
    body = app.test_client().get("/healthz")
    assert body.status_code == 200
    checks = body.json["checks"]
    assert body.json["status"] in ("ok", "degraded")
    assert checks["engine"] == {"ok": True, "name": "fake", "loaded": False}
    assert checks["cache"]["writable"] and checks["cache"]["entries"] == 0
    assert checks["queue"] == {"ok": True, "backend": "threads", "pending": 0}
    assert body.headers["Cache-Control"] == "no-store"


def test_deep_probe_loads_and_synthesizes(app):
    engine = app.test_client().get("/healthz?deep=1").json["checks"]["engine"]
    assert engine["ok"] and engine["loaded"] and engine["probe_ms"] >= 0
    assert app.test_client().get("/healthz").json["checks"]["engine"]["loaded"] is True


def test_unwritable_cache_is_503(app):
    root = Path(app.extensions["bobao"].cache.root)
    shutil.rmtree(root)
    root.write_text("not a folder")  # even root cannot create files under a regular file
    body = app.test_client().get("/healthz")
    assert body.status_code == 503
    assert body.json["status"] == "fail" and body.json["checks"]["cache"]["ok"] is False


def test_queue_backend_down_is_503(app):
    services = app.extensions["bobao"]
    services.jobs = CeleryJobs(f"redis://127.0.0.1:{free_port()}/0")
    body = app.test_client().get("/healthz")
    assert body.status_code == 503
    assert body.json["checks"]["queue"]["ok"] is False and body.json["checks"]["queue"]["backend"] == "celery"


def test_corrupt_voice_files_are_reported_plainly(tmp_path, monkeypatch):
    from audio.engines import kokoro_voices

    folder = tmp_path / "voices"
    shutil.copytree(Path(str(kokoro_voices.voice_folder())), folder)
    monkeypatch.setattr(kokoro_voices, "voice_folder", lambda: folder)
    (folder / "zf_xiaoxiao.bin").write_bytes(b"\0" * 100)
    for engine, code in (("offline", 503), ("auto", 200)):
        app = make_app(tmp_path / engine, TTS_ENGINE=engine)
        try:
            body = app.test_client().get("/healthz")
        finally:
            app.extensions["bobao"].jobs.shutdown()
        check = body.json["checks"]["engine"]
        assert body.status_code == code, engine
        assert check["voice_files"] == "missing or corrupt" and check["degraded"] is True
        assert any("zf_xiaoxiao.bin" in error for error in check["voice_file_errors"])


def test_sound_voice_files_are_ok(tmp_path):
    app = make_app(tmp_path, TTS_ENGINE="offline")
    try:
        check = app.test_client().get("/healthz").json["checks"]["engine"]
    finally:
        app.extensions["bobao"].jobs.shutdown()
    assert check["ok"] is True and check["voice_files"] == "ok"
