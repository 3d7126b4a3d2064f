"""In-process background synthesis: demand-ordered tokens feeding a small pool of worker threads.

Each document with work left holds one token in a lane of ``web.core.schedule`` (``NOW``, ``AHEAD``,
``BACKGROUND``). A worker thread takes the most urgent token (first come first within a lane) and
calls ``work(doc_id, should_yield)``, which synthesizes sentences until ``should_yield`` says that
other work of the same or a more urgent lane waits, and returns the lane to put the document back
in (or None when the document is finished). So documents take turns sentence by sentence.

The number of waiting tokens is bounded on purpose: when it is full, ``submit`` raises ``Busy``
(503 + Retry-After) instead of letting memory grow with every request. A document already queued or
running is not queued twice; a more urgent submit moves its token up instead. Threads start on the
first submit, so building an app (tests build many) costs nothing. Progress and status live in the
document's manifest, which the work function saves as it goes; ``is_active`` here only says whether
a token or a worker holds the document.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable

from web.core.errors import Busy
from web.core.schedule import LISTEN_S
from web.core.schedule import Lane
from web.core.schedule import ShouldYield

log = logging.getLogger(__name__)

Work = Callable[[str, ShouldYield], "Lane | None"]
OnFailure = Callable[[str, BaseException], None]
OnRelease = Callable[[str], None]


class JobRunner:
    """Runs ``work(doc_id, should_yield)`` for submitted ids on ``workers`` daemon threads."""

    def __init__(
        self,
        work: Work,
        *,
        on_failure: OnFailure | None = None,
        on_release: OnRelease | None = None,
        workers: int = 1,
        queue_size: int = 16,
        retry_after_s: int = 30,
    ) -> None:
        self._work = work
        self._on_failure = on_failure
        self._on_release = on_release
        self._workers = max(1, int(workers))
        self._queue_size = max(1, int(queue_size))
        self._retry_after_s = retry_after_s
        self._cond = threading.Condition()
        self._heap: list[tuple[int, int, str]] = []  # (lane, sequence, doc_id); stale entries skipped
        self._queued: dict[str, tuple[int, int]] = {}  # doc_id -> (lane, sequence) of its live token
        self._sequence = itertools.count()
        self._active: dict[str, threading.Event] = {}  # queued or running -> set when finished
        self._errors: dict[str, BaseException] = {}
        self._demand: dict[str, tuple[int, float]] = {}  # doc_id -> (sentence id, expiry)
        self._threads: list[threading.Thread] = []
        self._stopping = False

    def submit(self, doc_id: str, lane: Lane = Lane.BACKGROUND) -> bool:
        """Queue ``doc_id``; False when it is already queued or running. Raises Busy when full."""
        with self._cond:
            if doc_id in self._active:
                self._promote(doc_id, lane)
                return False
            if len(self._queued) >= self._queue_size:
                raise Busy("synthesis queue is full", self._retry_after_s)
            self._active[doc_id] = threading.Event()
            self._errors.pop(doc_id, None)
            self._push(doc_id, lane)
            self._start_threads()
        return True

    def promote(self, doc_id: str, lane: Lane) -> None:
        """Move a queued ``doc_id`` up to ``lane`` (a running one re-checks its lane by itself)."""
        with self._cond:
            self._promote(doc_id, lane)

    def record_demand(self, doc_id: str, sentence_id: int) -> None:
        """A listener is at ``sentence_id`` of ``doc_id`` now."""
        with self._cond:
            self._demand[doc_id] = (sentence_id, time.monotonic() + LISTEN_S)

    def demand(self, doc_id: str) -> int | None:
        """Where a listener of ``doc_id`` is, if one polled within ``LISTEN_S``."""
        with self._cond:
            found = self._demand.get(doc_id)
            if found is None or found[1] < time.monotonic():
                self._demand.pop(doc_id, None)
                return None
            return found[0]

    def should_yield(self, lane: Lane) -> bool:
        """True when a token of ``lane`` or a more urgent one waits."""
        with self._cond:
            return any(queued_lane <= lane for queued_lane, _ in self._queued.values())

    def finishing(self, doc_id: str, error: BaseException | None = None) -> None:
        """Called by the work just before it saves a final status; here the runner clears up after it."""

    def is_active(self, doc_id: str) -> bool:
        """True while ``doc_id`` is queued or being synthesized."""
        with self._cond:
            return doc_id in self._active

    def error(self, doc_id: str) -> BaseException | None:
        """The exception the last run of ``doc_id`` ended with, if any."""
        with self._cond:
            return self._errors.get(doc_id)

    def wait(self, doc_id: str, timeout_s: float | None = None) -> bool:
        """Block until ``doc_id`` is no longer active; False on timeout."""
        with self._cond:
            event = self._active.get(doc_id)
        return True if event is None else event.wait(timeout_s)

    def pending(self) -> int:
        """How many documents wait for a worker (not counting running ones)."""
        with self._cond:
            return len(self._queued)

    def shutdown(self, timeout_s: float = 5.0) -> None:
        """Ask the threads to stop after their current sentence and wait briefly for them."""
        with self._cond:
            threads, self._threads = self._threads, []
            self._stopping = True
            dropped = list(self._queued)
            for doc_id in dropped:
                self._release(doc_id)
            self._queued.clear()
            self._heap.clear()
            self._cond.notify_all()
        for doc_id in dropped:
            self._released(doc_id)
        for thread in threads:
            thread.join(timeout_s)

    def _push(self, doc_id: str, lane: Lane) -> None:
        token = (int(lane), next(self._sequence))
        self._queued[doc_id] = token
        heapq.heappush(self._heap, (*token, doc_id))
        self._cond.notify()

    def _promote(self, doc_id: str, lane: Lane) -> None:
        queued = self._queued.get(doc_id)
        if queued is not None and queued[0] > lane:
            self._push(doc_id, lane)  # the old entry goes stale: it no longer matches _queued

    def _release(self, doc_id: str) -> None:
        event = self._active.pop(doc_id, None)
        if event is not None:
            event.set()

    def _start_threads(self) -> None:
        self._stopping = False
        while len(self._threads) < self._workers:
            thread = threading.Thread(
                target=self._loop, name=f"bobao-synth-{len(self._threads)}", daemon=True
            )
            self._threads.append(thread)
            thread.start()

    def _take(self) -> str | None:
        """The most urgent live token's document, waiting for one; None when stopping."""
        with self._cond:
            while not self._stopping:
                while self._heap:
                    lane, sequence, doc_id = heapq.heappop(self._heap)
                    if self._queued.get(doc_id) == (lane, sequence):
                        del self._queued[doc_id]
                        return doc_id
                self._cond.wait()
            return None

    def _loop(self) -> None:
        while (doc_id := self._take()) is not None:
            self._run(doc_id)

    def _run(self, doc_id: str) -> None:
        again: Lane | None = None
        try:
            again = self._work(doc_id, self.should_yield)
        except Exception as exc:  # a failed document must not kill the worker thread
            log.exception("synthesis of document %s failed", doc_id)
            self._report_failure(doc_id, exc)
            with self._cond:
                self._errors[doc_id] = exc
        with self._cond:
            requeued = again is not None and not self._stopping
            if requeued and again is not None:
                self._push(doc_id, again)  # a turn ended, not the job: no Busy for work already taken
            else:
                self._release(doc_id)
        if not requeued:
            self._released(doc_id)

    def _released(self, doc_id: str) -> None:
        """Tell the owner (outside our lock) that ``doc_id`` left this runner."""
        if self._on_release is not None:
            self._on_release(doc_id)

    def _report_failure(self, doc_id: str, exc: BaseException) -> None:
        if self._on_failure is None:
            return
        try:
            self._on_failure(doc_id, exc)
        except Exception:  # recording the failure failed too (a full disk): keep the thread alive
            log.exception("could not record the failure of document %s", doc_id)
