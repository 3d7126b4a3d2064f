"""web.serving: both production servers start, serve, and write one JSON access-log line per request."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.scale.conftest import free_port
from tests.scale.conftest import wait_for_port
from tests.scale.conftest import wait_until
from web.serving import AccessLog
from web.serving import choose_server

SCRIPT = """
import sys
from flask import Flask
from web.serving import run
app = Flask("tiny")
app.add_url_rule("/hello", "hello", lambda: "hello " * 100)
run(app, "127.0.0.1", int(sys.argv[1]), int(sys.argv[2]), threads=2)
"""


@pytest.mark.parametrize(("server", "workers"), [("gunicorn", 2), ("waitress", 1)])
def test_server_serves_and_logs_json(tmp_path, server, workers):
    port = free_port()
    env = {**os.environ, "BOBAO_SERVER": server}
    log_path = tmp_path / "out.log"
    with log_path.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", SCRIPT, str(port), str(workers)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=os.getcwd(),
        )
    try:
        wait_for_port(port)
        for _ in range(3):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/hello", timeout=10) as response:
                assert response.read() == b"hello " * 100
        # The access log is written after the response: wait for it (and for every worker's boot line).
        wait_until(lambda: _log_complete(log_path, server, workers), 30, "3 access-log lines")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    lines = log_path.read_text().splitlines()
    records = [json.loads(line) for line in lines if line.startswith("{")]
    assert len(records) == 3, lines
    record = records[0]
    assert record["method"] == "GET" and record["path"] == "/hello" and record["status"] == 200
    assert record["bytes"] >= 600 and record["client"] == "127.0.0.1"
    assert 0 <= record["duration_ms"] < 5000 and record["time"].endswith("Z")
    if server == "gunicorn":
        assert sum("Booting worker" in line for line in lines) == workers


def _log_complete(log_path: Path, server: str, workers: int) -> bool:
    lines = log_path.read_text().splitlines()
    booted = server != "gunicorn" or sum("Booting worker" in line for line in lines) >= workers
    return booted and sum(line.startswith("{") for line in lines) >= 3


def test_choose_server_override(monkeypatch):
    monkeypatch.setenv("BOBAO_SERVER", "waitress")
    assert choose_server() == "waitress"
    monkeypatch.setenv("BOBAO_SERVER", "")
    assert choose_server() == ("gunicorn" if os.name == "posix" else "waitress")


def test_access_log_middleware_counts_bytes(caplog):
    def app(environ, start_response):
        start_response("404 NOT FOUND", [("Content-Type", "text/plain")])
        return [b"abc", b"de"]

    wrapped = AccessLog(app)
    with caplog.at_level("INFO", logger="bobao.access"):
        body = wrapped({"REQUEST_METHOD": "GET", "PATH_INFO": "/x", "REMOTE_ADDR": "::1"}, lambda *a: None)
        assert b"".join(body) == b"abcde"
        body.close()
    record = json.loads(caplog.records[-1].getMessage())
    assert (record["status"], record["bytes"], record["client"]) == (404, 5, "::1")
