"""In-process background synthesis: a bounded queue feeding a small pool of worker threads.

The queue is bounded on purpose: when it is full, ``submit`` raises ``Busy`` (503 + Retry-After)
instead of letting memory grow with every request. A document already queued or running is not
queued twice. Threads start on the first submit, so building an app (tests build many) costs nothing.
Progress itself lives in the document's manifest, which the work function saves as it goes.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

from web.errors import Busy

log = logging.getLogger(__name__)

_STOP = object()


class JobRunner:
    """Runs ``work(doc_id)`` for submitted ids on ``workers`` daemon threads."""

    def __init__(
        self, work: Callable[[str], None], *, workers: int = 1, queue_size: int = 16, retry_after_s: int = 30
    ) -> None:
        self._work = work
        self._workers = max(1, int(workers))
        self._queue: queue.Queue[object] = queue.Queue(maxsize=max(1, int(queue_size)))
        self._retry_after_s = retry_after_s
        self._lock = threading.Lock()
        self._active: dict[str, threading.Event] = {}  # queued or running -> set when finished
        self._errors: dict[str, BaseException] = {}
        self._threads: list[threading.Thread] = []

    def submit(self, doc_id: str) -> bool:
        """Queue ``doc_id``; False when it is already queued or running. Raises Busy when full."""
        with self._lock:
            if doc_id in self._active:
                return False
            try:
                self._queue.put_nowait(doc_id)
            except queue.Full:
                raise Busy("synthesis queue is full", self._retry_after_s) from None
            self._active[doc_id] = threading.Event()
            self._errors.pop(doc_id, None)
            self._start_threads()
        return True

    def is_active(self, doc_id: str) -> bool:
        """True while ``doc_id`` is queued or being synthesized."""
        with self._lock:
            return doc_id in self._active

    def error(self, doc_id: str) -> BaseException | None:
        """The exception the last run of ``doc_id`` ended with, if any."""
        with self._lock:
            return self._errors.get(doc_id)

    def wait(self, doc_id: str, timeout_s: float | None = None) -> bool:
        """Block until ``doc_id`` is no longer active; False on timeout."""
        with self._lock:
            event = self._active.get(doc_id)
        return True if event is None else event.wait(timeout_s)

    def pending(self) -> int:
        """How many ids wait in the queue (not counting running ones)."""
        return self._queue.qsize()

    def shutdown(self, timeout_s: float = 5.0) -> None:
        """Ask the threads to stop after their current job and wait briefly for them."""
        with self._lock:
            threads, self._threads = self._threads, []
            self._drain()
        for _ in threads:
            self._queue.put(_STOP)
        for thread in threads:
            thread.join(timeout_s)

    def _drain(self) -> None:
        """Drop queued (not running) jobs; their waiters are released."""
        while True:
            try:
                doc_id = self._queue.get_nowait()
            except queue.Empty:
                return
            event = self._active.pop(doc_id, None) if isinstance(doc_id, str) else None
            if event is not None:
                event.set()

    def _start_threads(self) -> None:
        while len(self._threads) < self._workers:
            thread = threading.Thread(
                target=self._loop, name=f"bobao-synth-{len(self._threads)}", daemon=True
            )
            self._threads.append(thread)
            thread.start()

    def _loop(self) -> None:
        while True:
            doc_id = self._queue.get()
            if doc_id is _STOP:
                return
            assert isinstance(doc_id, str)
            self._run(doc_id)

    def _run(self, doc_id: str) -> None:
        try:
            self._work(doc_id)
        except Exception as exc:  # a failed document must not kill the worker thread
            log.exception("synthesis of document %s failed", doc_id)
            with self._lock:
                self._errors[doc_id] = exc
        finally:
            with self._lock:
                event = self._active.pop(doc_id, None)
            if event is not None:
                event.set()
