"""Held waits cannot exhaust the server: bounded, capped, and freed when the client hangs up (item 1).

These run a real threaded server on 127.0.0.1 (Werkzeug's, which exposes the client socket as
gunicorn does) with the slow tone engine, so a long document stays in progress for the whole test.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from tests.web.conftest import make_app

LONG_TEXT = "这是一句需要慢慢朗读的话。" * 200


@pytest.fixture
def served(tmp_path) -> Iterator[tuple]:
    app = make_app(
        tmp_path, TTS_ENGINE="slowfake", RATE_LIMIT="off", WAIT_MAX_S=30, WAIT_MAX_TOTAL=2, JOB_QUEUE_SIZE=64
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        app.extensions["bobao"].jobs.shutdown(timeout_s=1)


def post(base: str, body: dict, *, wait: bool = True, timeout_s: float = 40) -> tuple[int, dict, float]:
    request = urllib.request.Request(
        base + "/api/documents" + ("?wait=1" if wait else ""),
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    started = time.monotonic()
    with urllib.request.urlopen(request, timeout=timeout_s) as response:
        return response.status, json.load(response), time.monotonic() - started


def get_s(url: str) -> float:
    started = time.monotonic()
    with urllib.request.urlopen(url, timeout=5) as response:
        response.read()
    return time.monotonic() - started


def wait_for(condition, timeout_s: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_wait_is_bounded_by_wait_max_s(tmp_path):
    app = make_app(tmp_path, TTS_ENGINE="slowfake", RATE_LIMIT="off", WAIT_MAX_S=0.5)
    try:
        started = time.monotonic()
        response = app.test_client().post("/api/documents?wait=1", json={"text": LONG_TEXT})
        assert time.monotonic() - started < 2.0
        assert response.status_code == 201
        assert response.json["status"] in ("pending", "synthesizing")
        assert response.headers["Retry-After"] == "5"
    finally:
        app.extensions["bobao"].jobs.shutdown(timeout_s=1)


def test_many_waiting_clients_leave_the_server_answering(served):
    app, base = served
    gate = app.extensions["bobao.wait_gate"]
    results: list[tuple[int, dict, float]] = []
    threads = [
        threading.Thread(target=lambda i=i: results.append(post(base, {"text": f"第{i}篇。" + LONG_TEXT})))
        for i in range(8)
    ]
    for thread in threads:
        thread.start()
    assert wait_for(lambda: gate.in_use() == 1)  # one client (127.0.0.1): one wait at a time
    assert wait_for(lambda: len(results) == 7)  # the others were answered at once, to poll
    assert all(status == 201 and took < 3 for status, _, took in results)
    for path in ("/healthz", "/widget.js", "/healthz"):
        assert get_s(base + path) < 1.0
    assert gate.in_use() == 1


def test_a_hung_up_client_frees_its_wait(served):
    app, base = served
    gate = app.extensions["bobao.wait_gate"]
    body = json.dumps({"text": LONG_TEXT}).encode()
    port = int(base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(
            b"POST /api/documents?wait=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        assert wait_for(lambda: gate.in_use() == 1)
    hung_up = time.monotonic()
    assert wait_for(lambda: gate.in_use() == 0, timeout_s=3.0)
    assert time.monotonic() - hung_up < 1.5  # far below WAIT_MAX_S = 30
    status, manifest, took = post(base, {"text": "挂断之后的新请求。"}, timeout_s=10)
    assert status == 201 and took < 10


def test_waits_from_many_clients_leave_gunicorn_threads_for_healthz(tmp_path):
    """``bobao serve`` (gunicorn, 8 threads): twelve clients (behind the proxy, by X-Forwarded-For)
    all waiting on long documents; at most WAIT_MAX_TOTAL threads wait, and /healthz stays fast."""
    from tests.security.served import serve

    server = serve(tmp_path, {
        "BOBAO_TTS_ENGINE": "slowfake", "BOBAO_TRUSTED_PROXIES": "1", "BOBAO_RATE_LIMIT": "off",
        "BOBAO_EXTRA_ENGINES": "fake=tests.fakes:create,slowfake=tests.fakes:create_slow",
    })
    results: list[float] = []

    def wait_as(i: int) -> None:
        request = urllib.request.Request(
            server.base + "/api/documents?wait=1",
            data=json.dumps({"text": f"第{i}位读者。" + LONG_TEXT}).encode(),
            headers={"Content-Type": "application/json", "X-Forwarded-For": f"10.0.0.{i}"},
        )
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=90) as response:
                response.read()
        except (OSError, http.client.HTTPException):
            return  # the clients still waiting when the test stops the server are cut off
        results.append(time.monotonic() - started)

    threads = [threading.Thread(target=wait_as, args=(i,), daemon=True) for i in range(12)]
    try:
        for thread in threads:
            thread.start()
        assert wait_for(lambda: len(results) >= 9, timeout_s=15)  # all but WAIT_MAX_TOTAL answered at once
        for _ in range(5):
            assert get_s(server.base + "/healthz") < 1.0
    finally:
        server.terminate()
        server.kill()
