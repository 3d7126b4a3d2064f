"""Counted slots per client and in total, for work that holds a request thread (fetches, waits).

A request thread is the scarce thing in a threaded server: if strangers can hold all of them
(a slow upstream page, a long ``?wait=1``), ``/healthz`` and the widget stop answering. Whatever
may hold one takes a slot first, and a client over its own cap or a server over the total is
refused at once instead of queueing another blocked thread.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class NoSlot(Exception):
    """No slot is free: for this client (``per_client``) or for anyone."""

    def __init__(self, message: str, *, per_client: bool) -> None:
        super().__init__(message)
        self.per_client = per_client


class ClientSlots:
    """Counts holders per client key and in total; refuses one over either cap. Thread-safe."""

    def __init__(self, what: str, *, per_client: int, total: int) -> None:
        self.what = what
        self.per_client = max(1, per_client)
        self.total = max(1, total)
        self._lock = threading.Lock()
        self._held: dict[str, int] = {}

    @contextmanager
    def slot(self, key: str) -> Iterator[None]:
        """Hold one slot for ``key`` while the block runs; ``NoSlot`` when none is free."""
        with self._lock:
            if self._held.get(key, 0) >= self.per_client:
                raise NoSlot(f"at most {self.per_client} {self.what} at once per client", per_client=True)
            if sum(self._held.values()) >= self.total:
                raise NoSlot(f"the server already runs {self.total} {self.what}", per_client=False)
            self._held[key] = self._held.get(key, 0) + 1
        try:
            yield
        finally:
            with self._lock:
                left = self._held.pop(key) - 1
                if left:
                    self._held[key] = left

    def in_use(self) -> int:
        """Slots held right now, over all clients."""
        with self._lock:
            return sum(self._held.values())
