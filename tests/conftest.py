"""Suite-wide guards and modes.

* No test may open a connection outside the loopback range.
* Load mode (``--load`` or ``BOBAO_TEST_LOAD=1``): a CPU burner process per core runs for the whole
  session, as on a busy CI machine, so that a test which waits on the clock instead of a condition
  shows up.
"""

from __future__ import annotations

import ipaddress
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest

LOAD_ENV = "BOBAO_TEST_LOAD"
_BURN = "while True: pass"

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


class OutsideConnection(RuntimeError):
    """A test tried to reach an address outside loopback."""


def _check_address(sock: socket.socket, address: object) -> None:
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return
    host = address[0] if isinstance(address, tuple) else address
    try:
        ip = ipaddress.ip_address(str(host).split("%")[0])
    except ValueError as exc:  # a name reached connect() unresolved: refuse rather than resolve it
        raise OutsideConnection(f"test tried to connect to unresolved host {host!r}") from exc
    mapped = getattr(ip, "ipv4_mapped", None)
    if not (ip.is_loopback or (mapped is not None and mapped.is_loopback)):
        raise OutsideConnection(f"test tried to connect to {host}, outside loopback")


def _guarded_connect(self: socket.socket, address: object) -> None:
    _check_address(self, address)
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: object) -> int:
    _check_address(self, address)
    return _real_connect_ex(self, address)


@pytest.fixture(autouse=True, scope="session")
def _loopback_only() -> Iterator[None]:
    """Block (and fail loudly on) any connect outside 127.0.0.0/8 and ::1 in this process."""
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _real_connect_ex  # type: ignore[method-assign]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--load",
        action="store_true",
        help=f"keep every core busy with a CPU burner for the session (also: {LOAD_ENV}=1)",
    )


def load_mode(config: pytest.Config) -> bool:
    """True when the session runs under load (``--load`` or ``BOBAO_TEST_LOAD`` set to a true value)."""
    from_env = os.environ.get(LOAD_ENV, "").strip().lower() in ("1", "true", "yes", "on")
    return bool(config.getoption("--load", default=False)) or from_env


@pytest.fixture(autouse=True, scope="session")
def _cpu_load(request: pytest.FixtureRequest) -> Iterator[list[int]]:
    """In load mode, one burner process per core, at normal priority, killed at the end of the session."""
    if not load_mode(request.config):
        yield []
        return
    burners = [
        subprocess.Popen([sys.executable, "-c", _BURN], start_new_session=True)
        for _ in range(os.cpu_count() or 2)
    ]
    try:
        yield [proc.pid for proc in burners]
    finally:
        for proc in burners:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def pytest_report_header(config: pytest.Config) -> str | None:
    if load_mode(config):
        return f"load mode: {os.cpu_count() or 2} CPU burner processes for the session"
    return None
