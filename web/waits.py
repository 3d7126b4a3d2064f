"""``?wait=1``: a bounded wait that gives its thread back early when the client hangs up.

A waiting request holds a server thread, so waits are short (``WAIT_MAX_S``), take a slot of
``ClientSlots`` (``WAIT_MAX_PER_CLIENT``, ``WAIT_MAX_TOTAL``: below the server's thread count, so
``/healthz`` and the widget always find a thread), and poll in slices. Between slices the client's
socket is peeked at, when the server exposes it (gunicorn and Werkzeug do): a closed connection
ends the wait at once. A request that gets no slot, or whose document is not done in time, is
answered at once with the manifest as it stands; the client polls ``GET /api/documents/<id>``.
"""

from __future__ import annotations

import select
import socket
import time
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

SLICE_S = 0.25
_SOCKET_KEYS = ("gunicorn.socket", "werkzeug.socket")


def wait_until_done(
    is_done: Callable[[float], bool], *, max_s: float, environ: Mapping[str, Any]
) -> bool:
    """Call ``is_done(slice_s)`` (which may block that long) until True, the time is up or the client left."""
    deadline = time.monotonic() + max_s
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or client_gone(environ):
            return False
        if is_done(min(SLICE_S, left)):
            return True


def client_gone(environ: Mapping[str, Any]) -> bool:
    """True when the request's connection is known to be closed by the client."""
    sock = next((environ[k] for k in _SOCKET_KEYS if isinstance(environ.get(k), socket.socket)), None)
    if sock is None:
        return False  # this server does not tell; the wait ends at its time limit instead
    try:
        readable, _, _ = select.select([sock], [], [], 0)
        if not readable:
            return False
        return bool(sock.recv(1, socket.MSG_PEEK) == b"")
    except (OSError, ValueError):  # closed or reset under us: gone as well
        return True
