"""A hostile upstream on 127.0.0.1: it answers, but drips its headers or body one byte at a time."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 100000\r\n\r\n"


@contextmanager
def dripping_server(*, drip_headers: bool = False, interval_s: float = 0.1) -> Iterator[int]:
    """Serve every connection by sending one byte per ``interval_s`` (headers too when asked).

    Yields the port. Connections are served until the client hangs up or the server is closed.
    """
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def drip(conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                head, body = (b"", HEAD) if drip_headers else (HEAD, b"")
                if head:
                    conn.sendall(head)
                payload = body + b"<p>" + "慢".encode() * 30000
                for i in range(len(payload)):
                    if stop.wait(interval_s):
                        return
                    conn.sendall(payload[i : i + 1])
            except OSError:
                return

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=drip, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        listener.close()
        time.sleep(0)
