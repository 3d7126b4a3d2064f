"""Slowloris (item 3): ``bobao serve`` alone does not shrug it off; the documented nginx in front does.

This starts a real ``bobao serve`` (gunicorn, 8 threads) on 127.0.0.1 and nginx with the server
block from docs/deployment.md, also on 127.0.0.1. Clients that send their headers a byte at a time
stall bobao when they reach it directly, and cost nothing when they reach it through nginx.
``bobao serve`` warns when bound to a non-loopback address without a proxy.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.security.served import free_port
from tests.security.served import serve
from web.cli import main
from web.exposure import exposure_warning

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "deployment.md"


@contextmanager
def dripping_clients(port: int, count: int, interval_s: float = 0.3) -> Iterator[None]:
    """``count`` connections that send a request's headers one byte every ``interval_s``, never ending."""
    socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(count)]
    stop = threading.Event()

    def drip() -> None:
        for sock in socks:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        while not stop.wait(interval_s):
            for sock in socks:
                try:
                    sock.sendall(b"X")
                except OSError:
                    pass

    thread = threading.Thread(target=drip, daemon=True)
    thread.start()
    time.sleep(0.5)  # every connection accepted and being read
    try:
        yield
    finally:
        stop.set()
        thread.join(2)
        for sock in socks:
            sock.close()


def healthz_s(port: int, timeout_s: float = 3.0) -> float:
    """Seconds /healthz took, or ``timeout_s`` when it did not answer in time."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=timeout_s) as response:
            response.read()
    except OSError:
        return timeout_s
    return time.monotonic() - started


def documented_server_block(listen_port: int, upstream_port: int) -> str:
    block = re.search(r"```nginx\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    assert block, "docs/deployment.md must show the nginx server block"
    text = block.group(1).replace("listen 80;", f"listen 127.0.0.1:{listen_port};")
    assert "127.0.0.1:8000" in text
    return text.replace("127.0.0.1:8000", f"127.0.0.1:{upstream_port}")


@contextmanager
def nginx(root: Path, listen_port: int, upstream_port: int) -> Iterator[None]:
    if not Path(NGINX).exists():
        pytest.fail("nginx is not installed (apt-get install nginx-light)")
    root.mkdir()
    conf = root / "nginx.conf"
    kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    temps = " ".join(f"{kind}_temp_path {root / kind};" for kind in kinds)
    conf.write_text(
        f"daemon off; master_process off; worker_processes 1; pid {root / 'nginx.pid'};\n"
        f"error_log {root / 'error.log'};\nevents {{ worker_connections 512; }}\n"
        f"http {{ access_log off; {temps}\n{documented_server_block(listen_port, upstream_port)}\n}}\n"
    )
    with (root / "stderr.log").open("wb") as stderr:
        proc = subprocess.Popen([NGINX, "-p", str(root), "-c", str(conf)], stderr=stderr)
    try:
        deadline = time.monotonic() + 10
        while healthz_s(listen_port, 1.0) >= 1.0:
            assert proc.poll() is None and time.monotonic() < deadline, (root / "error.log").read_text()
            time.sleep(0.1)
        yield
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture
def bobao(tmp_path):
    server = serve(tmp_path, {"BOBAO_TRUSTED_PROXIES": "1", "BOBAO_TTS_ENGINE": "fake",
                              "BOBAO_EXTRA_ENGINES": "fake=tests.fakes:create"})
    yield server
    server.terminate()
    server.kill()


def test_bobao_alone_is_stalled_by_slow_clients_and_nginx_in_front_is_not(bobao, tmp_path):
    assert healthz_s(bobao.port) < 1.0
    with dripping_clients(bobao.port, 10):
        assert healthz_s(bobao.port) >= 3.0  # every gunicorn thread waits on a dripping client
    assert healthz_s(bobao.port) < 1.0  # and the stall ends with them

    proxy_port = free_port()
    with nginx(tmp_path / "nginx", proxy_port, bobao.port):
        with dripping_clients(proxy_port, 40):
            times = [healthz_s(proxy_port) for _ in range(5)]
        assert max(times) < 1.0, times


@pytest.mark.parametrize(
    ("host", "proxies", "warned"),
    [("0.0.0.0", 0, True), ("::", 0, True), ("10.1.2.3", 0, True), ("read.example.gov.cn", 0, True),
     ("127.0.0.1", 0, False), ("localhost", 0, False), ("::1", 0, False), ("0.0.0.0", 1, False)],
)
def test_exposure_warning(host, proxies, warned):
    assert bool(exposure_warning(host, {"TRUSTED_PROXIES": proxies})) is warned


def test_serve_prints_the_warning_when_exposed(tmp_path, monkeypatch, capsys):
    """Checked without binding anything: the server itself is replaced by a recorder."""
    import web.serving

    for key in [k for k in __import__("os").environ if k.startswith("BOBAO_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("BOBAO_INSTANCE_PATH", str(tmp_path / "instance"))
    started: list[str] = []
    monkeypatch.setattr(web.serving, "run", lambda app, *, host, port, workers: started.append(host))
    assert main(["serve", "--host", "0.0.0.0", "--port", "8000"]) == 0
    assert started == ["0.0.0.0"]
    assert "no reverse proxy" in capsys.readouterr().err
    assert main(["serve", "--host", "127.0.0.1", "--port", "8000"]) == 0
    assert "no reverse proxy" not in capsys.readouterr().err
