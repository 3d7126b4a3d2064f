"""A fake network for SSRF tests: a stub resolver, a recording connect guard, and a fixture web server.

The guard sees every ``socket.connect`` in the process. It records the address, forwards the few
addresses a test has "NATed" to a fixture server on 127.0.0.1, passes other loopback connects to
the suite-wide guard, and refuses everything else, so buggy code under test still sends no packet
outside loopback. The stub resolver answers from a table and never asks real DNS.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

import pytest


class BlockedConnect(ConnectionRefusedError):
    """The test guard refused a connect outside loopback."""


@dataclass
class FakeNet:
    """What the code under test resolved and where it tried to connect."""

    names: dict[str, list[str]] = field(default_factory=dict)
    nat: dict[tuple[str, int], int] = field(default_factory=dict)
    lookups: list[str] = field(default_factory=list)
    connects: list[tuple[str, int]] = field(default_factory=list)

    def answers(self, host: str) -> list[str]:
        """The stubbed DNS answer for ``host``; IP literals answer themselves and are not counted."""
        try:
            return [str(ipaddress.ip_address(host.strip("[]")))]
        except ValueError:
            self.lookups.append(host)
        if host not in self.names:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known (stub)")
        return list(self.names[host])


@pytest.fixture
def fakenet(monkeypatch: pytest.MonkeyPatch) -> FakeNet:
    """Install the stub resolver and the recording connect guard for one test."""
    net = FakeNet()
    inner_connect = socket.socket.connect

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):  # noqa: A002 - socket's own names
        result = []
        for ip in net.answers(str(host)):
            fam = socket.AF_INET6 if ":" in ip else socket.AF_INET
            addr = (ip, int(port or 0), 0, 0) if fam == socket.AF_INET6 else (ip, int(port or 0))
            result.append((fam, socket.SOCK_STREAM, 6, "", addr))
        return result

    def connect(self: socket.socket, address: object) -> None:
        if self.family not in (socket.AF_INET, socket.AF_INET6):
            return inner_connect(self, address)
        host, port = str(address[0]), int(address[1])  # type: ignore[index]
        net.connects.append((host, port))
        if (host, port) in net.nat:
            if self.family == socket.AF_INET6:
                return inner_connect(self, ("::1", net.nat[(host, port)], 0, 0))
            return inner_connect(self, ("127.0.0.1", net.nat[(host, port)]))
        if ipaddress.ip_address(host.split("%")[0]).is_loopback:
            return inner_connect(self, address)
        raise BlockedConnect(f"test guard blocked a connect to {host}:{port}")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    return net


PUBLIC_ALIAS_IP = "93.184.216.34"


def public_alias(net: FakeNet, loopback_url: str, host: str = "www.example.gov.cn") -> str:
    """``loopback_url`` (a fixture server on 127.0.0.1) as seen through a public name and address.

    The fetcher never reads loopback, so tests reach their servers the way a real page is reached:
    ``host`` resolves to a public address, and the connect guard forwards that address to the server.
    """
    parts = urlsplit(loopback_url)
    net.names[host] = [PUBLIC_ALIAS_IP]
    net.nat[(PUBLIC_ALIAS_IP, 80)] = int(parts.port or 80)
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


@dataclass
class Route:
    """What the fixture server answers for one path."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    body: bytes = (
        b"<html><head><title>t</title></head><body><p>\xe4\xbd\xa0\xe5\xa5\xbd\xe3\x80\x82</p></body></html>"
    )


@dataclass
class FixtureServer:
    """A tiny web server on 127.0.0.1 whose answers a test sets per path."""

    port: int
    routes: dict[str, Route]
    hits: list[str]

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture
def site() -> Iterator[FixtureServer]:
    """Serve ``routes`` on a free loopback port for one test."""
    routes: dict[str, Route] = {}
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            hits.append(self.path)
            route = routes.get(self.path, Route(status=404, body=b"not found"))
            self.send_response(route.status)
            for name, value in route.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            self.wfile.write(route.body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield FixtureServer(server.server_address[1], routes, hits)
    finally:
        server.shutdown()
        server.server_close()
