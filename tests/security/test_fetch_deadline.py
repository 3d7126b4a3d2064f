"""The fetch deadline covers connect, headers and body; fetches are capped; quota comes first (item 2)."""

from __future__ import annotations

import threading
import time

import pytest

from tests.security.conftest import Route
from tests.security.slowserver import dripping_server
from tests.web.conftest import make_app
from web.fetch import FetchTimeout
from web.fetch import fetch_url
from web.slots import ClientSlots
from web.slots import NoSlot

PUBLIC_IP = "93.184.216.34"
SLOW = "slow.example.gov.cn"


@pytest.mark.parametrize("drip_headers", [False, True], ids=["body", "headers"])
def test_dripping_server_cannot_hold_a_fetch_past_its_deadline(fakenet, drip_headers):
    with dripping_server(drip_headers=drip_headers, interval_s=0.05) as port:
        fakenet.names[SLOW] = [PUBLIC_IP]
        fakenet.nat[(PUBLIC_IP, 80)] = port
        started = time.monotonic()
        with pytest.raises(FetchTimeout):
            fetch_url(f"http://{SLOW}/", timeout_s=1.0)
        assert time.monotonic() - started < 1.5


def test_gate_counts_per_client_and_in_total():
    gate = ClientSlots("fetches", per_client=1, total=2)
    with gate.slot("a"):
        with pytest.raises(NoSlot) as mine:
            with gate.slot("a"):
                pass
        assert mine.value.per_client
        with gate.slot("b"):
            with pytest.raises(NoSlot) as everyone:
                with gate.slot("c"):
                    pass
            assert not everyone.value.per_client
    assert gate.in_use() == 0
    with gate.slot("a"):
        assert gate.in_use() == 1


@pytest.fixture
def slow_app(tmp_path, fakenet):
    def build(**config):
        app = make_app(tmp_path, RATE_LIMIT="off", FETCH_TIMEOUT_S=2.0, **config)
        apps.append(app)
        return app

    apps: list = []
    yield build
    for app in apps:
        app.extensions["bobao"].jobs.shutdown()


def _hold_fetches(app, port, fakenet, clients):
    """Start one slow URL fetch per client address and return once all are in flight."""
    fakenet.names[SLOW] = [PUBLIC_IP]
    fakenet.nat[(PUBLIC_IP, 80)] = port
    results: list[int] = []

    def post(addr: str) -> None:
        response = app.test_client().post(
            "/api/documents", json={"url": f"http://{SLOW}/"}, environ_base={"REMOTE_ADDR": addr}
        )
        results.append(response.status_code)

    threads = [threading.Thread(target=post, args=(addr,)) for addr in clients]
    for thread in threads:
        thread.start()
    gate = app.extensions["bobao.fetch_gate"]
    deadline = time.monotonic() + 2
    while gate.in_use() < len(clients) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert gate.in_use() == len(clients)
    return threads, results


def test_one_client_cannot_run_more_fetches_than_its_cap(slow_app, fakenet):
    app = slow_app(FETCH_MAX_PER_CLIENT=1, FETCH_MAX_TOTAL=8)
    with dripping_server(interval_s=0.05) as port:
        threads, results = _hold_fetches(app, port, fakenet, ["10.9.0.1"])
        started = time.monotonic()
        extra = app.test_client().post(
            "/api/documents", json={"url": f"http://{SLOW}/"}, environ_base={"REMOTE_ADDR": "10.9.0.1"}
        )
        assert extra.status_code == 429 and "Retry-After" in extra.headers
        assert time.monotonic() - started < 0.5
        for thread in threads:
            thread.join(5)
    assert results == [422]  # the held fetch itself ended at its deadline (fetch_failed)


def test_all_clients_together_cannot_exceed_the_total_cap(slow_app, fakenet):
    app = slow_app(FETCH_MAX_PER_CLIENT=1, FETCH_MAX_TOTAL=2)
    with dripping_server(interval_s=0.05) as port:
        threads, _ = _hold_fetches(app, port, fakenet, ["10.9.0.1", "10.9.0.2"])
        extra = app.test_client().post(
            "/api/documents", json={"url": f"http://{SLOW}/"}, environ_base={"REMOTE_ADDR": "10.9.0.3"}
        )
        assert extra.status_code == 503 and extra.json["error"]["code"] == "busy"
        assert "Retry-After" in extra.headers
        for thread in threads:
            thread.join(5)


def test_rate_limit_is_checked_before_any_fetch(tmp_path, fakenet, site):
    app = make_app(tmp_path, RATE_LIMIT="1/hour")
    fakenet.names["www.example.gov.cn"] = [PUBLIC_IP]
    fakenet.nat[(PUBLIC_IP, 80)] = site.port
    site.routes["/a"] = Route()
    site.routes["/b"] = Route()
    client = app.test_client()
    try:
        assert client.post("/api/documents", json={"url": "http://www.example.gov.cn/a"}).status_code == 201
        refused = client.post("/api/documents", json={"url": "http://www.example.gov.cn/b"})
        assert refused.status_code == 429
        assert site.hits == ["/a"]  # the refused request sent nothing upstream
    finally:
        app.extensions["bobao"].jobs.shutdown()
