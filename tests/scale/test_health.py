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
