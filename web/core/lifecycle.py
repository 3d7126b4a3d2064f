"""A graceful stop that leaves work resumable, and resuming that work when the server starts.

On SIGTERM gunicorn lets a worker finish its requests and exit; the interpreter then shuts down
while synthesis threads still run, and every new step of theirs fails ("cannot schedule new
futures after interpreter shutdown"). Marked ``failed``, those documents were never resumed: a
graceful stop was worse than kill -9. So, before the interpreter's own shutdown steps:

* ``stopping`` is set; a job sees it at its next sentence (``StopRequested`` from its progress
  callback) and ends without touching the document's status, which stays pending/synthesizing;
* queued jobs are dropped from the in-process queue (their manifests say ``pending``);
* the job threads get a few seconds to reach that point.

At start-up (``RESUME_ON_START``, set by ``bobao serve``) every unfinished document is queued again,
so nothing waits for a visitor's GET to be picked up.
"""

from __future__ import annotations

import logging
import threading
import weakref
from typing import Any

log = logging.getLogger(__name__)

STOP_WAIT_S = 10.0
stopping = threading.Event()
_services: weakref.WeakSet[Any] = weakref.WeakSet()
_hook_lock = threading.Lock()
_hooked = False


class StopRequested(Exception):
    """The process is stopping; the job leaves its document as it is, to be resumed."""


def watch(services: Any) -> None:
    """Stop ``services``' jobs gracefully when the interpreter begins to shut down."""
    global _hooked
    _services.add(services)
    with _hook_lock:
        if not _hooked:
            _register_early_exit_hook(begin_stop)
            _hooked = True


def begin_stop(timeout_s: float = STOP_WAIT_S) -> None:
    """Ask running jobs to stop at their next sentence and drop queued ones; wait a little for them."""
    stopping.set()
    for services in list(_services):
        try:
            services.jobs.shutdown(timeout_s)
        except Exception:  # one broken runner must not keep the others from stopping
            log.exception("stopping the job runner failed")


def check_stop() -> None:
    """Raise ``StopRequested`` when the process is stopping (called between sentences)."""
    if stopping.is_set():
        raise StopRequested("the server is stopping; the document will be resumed")


def resume_unfinished(services: Any, *, retry_s: float = 2.0) -> threading.Thread:
    """Queue every document left pending or synthesizing, from a background thread.

    The queue is bounded, so the thread feeds it as it drains (waiting ``retry_s`` on Busy) until
    every unfinished document is queued or the process stops; new requests share the queue meanwhile.
    """
    thread = threading.Thread(
        target=_feed_unfinished, args=(services, retry_s), name="bobao-resume", daemon=True
    )
    thread.start()
    return thread


def _feed_unfinished(services: Any, retry_s: float) -> None:
    from web.core.errors import Busy

    queued = 0
    for doc_id in services.store.ids():
        try:
            status = services.store.load(doc_id).get("status")
        except Exception:  # a damaged manifest is cache verify's business, not start-up's
            continue
        if status not in ("pending", "synthesizing") or services.store.is_locked(doc_id):
            continue
        while not stopping.is_set():
            try:
                queued += bool(services.resume(doc_id))
                break
            except Busy:
                stopping.wait(retry_s)
        if stopping.is_set():
            return
    if queued:
        log.info("resumed %d unfinished documents", queued)


def _register_early_exit_hook(hook: Any) -> None:
    """Run ``hook`` at interpreter shutdown before concurrent.futures refuses new work.

    ``threading._register_atexit`` hooks run (last registered first) when the main thread ends,
    before ``atexit``; concurrent.futures registers its own there at import, so ours, registered
    later, runs first. Without it (other interpreters), plain ``atexit`` is the best there is.
    """
    register = getattr(threading, "_register_atexit", None)
    if register is not None:
        try:
            register(hook)
            return
        except RuntimeError:  # already shutting down
            return
    import atexit

    atexit.register(hook)
