"""``/healthz?deep=1`` is no free synthesis: concurrent and repeated calls share one probe (item 5)."""

from __future__ import annotations

import threading

from tests.web.conftest import make_app
from web import health


def test_concurrent_and_repeated_deep_checks_synthesize_once(tmp_path, monkeypatch):
    app = make_app(tmp_path)
    services = app.extensions["bobao"]
    engine = services.engine
    calls: list[str] = []
    real = engine.synthesize

    def counting(text, params):
        calls.append(text)
        return real(text, params)

    monkeypatch.setattr(engine, "synthesize", counting)
    statuses: list[int] = []

    def probe() -> None:
        response = app.test_client().get("/healthz?deep=1")
        statuses.append(response.status_code)
        assert response.json["checks"]["engine"]["ok"] is True

    threads = [threading.Thread(target=probe) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    for _ in range(10):
        probe()
    assert statuses == [200] * 16
    assert len(calls) == 1


def test_the_probe_runs_again_once_its_answer_is_stale(tmp_path, monkeypatch):
    app = make_app(tmp_path)
    engine = app.extensions["bobao"].engine
    calls: list[str] = []
    real = engine.synthesize
    monkeypatch.setattr(engine, "synthesize", lambda text, params: calls.append(text) or real(text, params))
    monkeypatch.setattr(health, "DEEP_TTL_S", 0.0)
    client = app.test_client()
    client.get("/healthz?deep=1")
    client.get("/healthz?deep=1")
    assert len(calls) == 2
