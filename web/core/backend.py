"""The one protocol of job backends: threads in this process (``web.core.jobs.JobRunner``) or
Celery workers (``web.core.tasks.CeleryJobs``). ``Services`` talks to either through it.

A backend only queues turns and keeps its own bookkeeping (queued, demand, last error); a
document's status belongs to its manifest (``Services.is_active``), never to the backend.
"""

from __future__ import annotations

from typing import Protocol
from typing import runtime_checkable

from web.core.schedule import Lane

__all__ = ["JobBackend"]


@runtime_checkable
class JobBackend(Protocol):
    """What ``Services`` needs from whatever runs the synthesis turns."""

    def submit(self, doc_id: str, lane: Lane = Lane.BACKGROUND) -> bool:
        """Queue a turn of ``doc_id`` in ``lane``; False when it is queued already. Busy when full."""
        ...

    def promote(self, doc_id: str, lane: Lane) -> None:
        """Move a queued turn to a more urgent ``lane``."""
        ...

    def record_demand(self, doc_id: str, sentence_id: int) -> None:
        """A listener waits at ``sentence_id`` (forgotten after ``schedule.LISTEN_S``)."""
        ...

    def demand(self, doc_id: str) -> int | None:
        """The sentence a listener waits at, if one does."""
        ...

    def should_yield(self, lane: Lane) -> bool:
        """True when work in ``lane`` or a more urgent one waits for a turn."""
        ...

    def finishing(self, doc_id: str, error: BaseException | None = None) -> None:
        """Clear the backend's "active" mark just before the manifest gets its final status."""
        ...

    def is_active(self, doc_id: str) -> bool:
        """Queued or running, as far as this backend knows."""
        ...

    def error(self, doc_id: str) -> BaseException | None:
        """The last failure of ``doc_id``'s job, if the backend remembers one."""
        ...

    def wait(self, doc_id: str, timeout_s: float | None = None) -> bool:
        """Block until the backend has no more work of ``doc_id``; False on timeout."""
        ...

    def pending(self) -> int:
        """Turns waiting in the queue."""
        ...

    def shutdown(self, timeout_s: float = 5.0) -> None:
        """Stop taking work; wait up to ``timeout_s`` for running turns."""
        ...
