"""Scale-out: synthesis jobs on Celery workers, with Redis as broker and as the job-state board.

Single machine (no broker): ``web.jobs.JobRunner`` runs jobs on threads in the web process.
With ``BOBAO_BROKER=redis://host:6379/0`` (or ``BOBAO_BROKER_URL``), the web process uses
``CeleryJobs`` instead: it only enqueues, and ``bobao worker`` processes on any number of machines
run the jobs. Workers and web processes share ``DOCUMENT_DIR`` and ``AUDIO_CACHE_DIR`` (an NFS/CIFS
mount or the same disk); every file lands there by temp-file-and-rename, so a job killed halfway
leaves finished clips and no partial file.

Delivery guarantees: tasks are acknowledged *after* they finish (``acks_late``), and a worker
process that dies mid-job makes its message be requeued (``reject_on_worker_lost``). If a whole
machine dies, Redis hands the unacknowledged message to another worker once
``BOBAO_VISIBILITY_TIMEOUT_S`` (default 300) has passed without a heartbeat. A running job beats
every third of that timeout, so a long page is never handed out twice while its worker lives, and
a dead machine's job moves on within minutes. Should a job still run twice, that is harmless:
clips already in the cache are not synthesized again.

Redis keys (``bobao:`` prefix): ``active:<doc>`` while queued or running (what ``is_active`` reads),
``error:<doc>`` the last failure, ``worker:<doc>`` the worker that last took the job.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from typing import Any

import redis
from celery import Celery

import audio

log = logging.getLogger(__name__)

TASK_NAME = "bobao.synthesize_document"
QUEUE = "bobao"
DEFAULT_BROKER = "redis://127.0.0.1:6379/0"
_PREFIX = "bobao:"
# How long "queued or running" is believed without news: longer than any backlog should last.
ACTIVE_TTL_S = 6 * 3600


def broker_url() -> str:
    """``BOBAO_BROKER`` or ``BOBAO_BROKER_URL`` from the environment."""
    return os.environ.get("BOBAO_BROKER") or os.environ.get("BOBAO_BROKER_URL") or DEFAULT_BROKER


def visibility_timeout_s() -> int:
    """How long Redis waits before it redelivers a job whose worker vanished."""
    return int(os.environ.get("BOBAO_VISIBILITY_TIMEOUT_S", "300"))


def make_celery(url: str | None = None) -> Celery:
    """The Celery app: late acks, one job prefetched per process, results not stored."""
    url = url or broker_url()
    app = Celery("bobao", broker=url)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_ignore_result=True,
        task_default_queue=QUEUE,
        worker_prefetch_multiplier=1,  # a long job must not sit prefetched behind another
        broker_transport_options=_transport_options(),
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        task_serializer="json",
        accept_content=["json"],
    )
    return app


def _transport_options() -> dict[str, int]:
    """Redis redelivery: sweep for abandoned jobs often enough relative to the visibility timeout."""
    timeout_s = visibility_timeout_s()
    return {
        "visibility_timeout": timeout_s,
        "unacked_restore_interval": max(1, min(10, timeout_s // 4)),
        "unacked_restore_throttle": 1,
    }


celery_app = make_celery()


class CeleryJobs:
    """The same interface as ``web.jobs.JobRunner``, but jobs run on Celery workers."""

    def __init__(self, url: str | None = None, *, active_ttl_s: int | None = None) -> None:
        self.url = url or broker_url()
        self.celery = celery_app if self.url == celery_app.conf.broker_url else make_celery(self.url)
        self.redis = redis.Redis.from_url(self.url)
        self.active_ttl_s = active_ttl_s or ACTIVE_TTL_S

    def submit(self, doc_id: str) -> bool:
        """Queue ``doc_id``; False when it is already queued or running somewhere."""
        if not self.redis.set(_key("active", doc_id), "queued", nx=True, ex=self.active_ttl_s):
            return False
        self.redis.delete(_key("error", doc_id))
        try:
            self.celery.send_task(TASK_NAME, args=[doc_id], queue=QUEUE)
        except Exception:
            self.redis.delete(_key("active", doc_id))
            raise
        return True

    def is_active(self, doc_id: str) -> bool:
        """True while ``doc_id`` is queued or being synthesized on some worker."""
        return bool(self.redis.exists(_key("active", doc_id)))

    def error(self, doc_id: str) -> BaseException | None:
        """The failure of the last run of ``doc_id``, if it failed (as a RuntimeError with its text)."""
        message = self.redis.get(_key("error", doc_id))
        return None if message is None else RuntimeError(message.decode("utf-8", "replace"))

    def wait(self, doc_id: str, timeout_s: float | None = None) -> bool:
        """Poll until ``doc_id`` is no longer active; False on timeout."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        while self.is_active(doc_id):
            if deadline is not None and time.monotonic() >= deadline:
                return False
            time.sleep(0.2)
        return True

    def pending(self) -> int:
        """Jobs waiting in the broker queue (not counting running ones)."""
        return int(self.redis.llen(QUEUE))

    def shutdown(self, timeout_s: float = 5.0) -> None:
        """Close the Redis connection pool (jobs keep running on the workers)."""
        self.redis.close()


def _key(kind: str, doc_id: str) -> str:
    return f"{_PREFIX}{kind}:{doc_id}"


_services: Any = None


def worker_services() -> Any:
    """The worker process's own ``Services``, built once from the ``BOBAO_*`` environment."""
    global _services
    if _services is None:
        from web import create_app

        _services = create_app().extensions["bobao"]
    return _services


# Retry what can heal by itself (a busy disk, a flaky online engine); a broken document fails at once.
_TRANSIENT = (audio.EngineUnavailable, audio.CacheError, OSError)


@celery_app.task(name=TASK_NAME, bind=True, max_retries=3, acks_late=True, reject_on_worker_lost=True)
def synthesize_document(self: Any, doc_id: str) -> None:
    """Synthesize and assemble one stored document into the shared folders."""
    board = redis.Redis.from_url(self.app.conf.broker_url)
    worker = self.request.hostname or socket.gethostname()
    board.set(_key("worker", doc_id), worker, ex=86400)
    board.set(_key("active", doc_id), "running", ex=ACTIVE_TTL_S)
    log.info("job %s started on %s", doc_id, worker)
    properties = getattr(self.request, "properties", None) or {}
    heartbeat = _Heartbeat(board, properties.get("delivery_tag"))
    heartbeat.start()
    try:
        worker_services().synthesize_document(doc_id)
    except _TRANSIENT as exc:
        if self.request.retries < self.max_retries:
            board.close()
            raise self.retry(exc=exc, countdown=2 ** (self.request.retries + 1)) from exc
        _finish(board, doc_id, exc)
        raise
    except Exception as exc:
        _finish(board, doc_id, exc)
        raise
    finally:
        heartbeat.stop()
    _finish(board, doc_id, None)
    log.info("job %s finished on %s", doc_id, worker)


class _Heartbeat(threading.Thread):
    """Keeps a running job's message from being redelivered while its worker is alive.

    kombu's Redis transport redelivers a message whose entry in the ``unacked_index`` sorted set is
    older than the visibility timeout; refreshing the entry's score marks the job as still held.
    ``xx=True`` only updates an existing entry, so a beat after the ack cannot resurrect it.
    """

    def __init__(self, board: redis.Redis, delivery_tag: str | None) -> None:
        super().__init__(name="bobao-heartbeat", daemon=True)
        self._board = board
        self._tag = delivery_tag
        self._stopped = threading.Event()
        self._interval_s = max(0.5, visibility_timeout_s() / 3)

    def run(self) -> None:
        while self._tag and not self._stopped.wait(self._interval_s):
            try:
                self._board.zadd("unacked_index", {self._tag: time.time()}, xx=True)
            except redis.RedisError:
                log.warning("heartbeat for message %s failed", self._tag)

    def stop(self) -> None:
        self._stopped.set()
        self.join(timeout=5)


def _finish(board: redis.Redis, doc_id: str, error: BaseException | None) -> None:
    if error is not None:
        board.set(_key("error", doc_id), f"{type(error).__name__}: {error}"[:500], ex=86400)
    board.delete(_key("active", doc_id))
    board.close()


def main(argv: list[str]) -> int:
    """``bobao worker [celery worker options]``: run a worker until stopped."""
    args = list(argv)
    if not any(a.startswith(("-Q", "--queues")) for a in args):
        args.append(f"--queues={QUEUE}")
    if not any(a.startswith(("-l", "--loglevel")) for a in args):
        args.append("--loglevel=INFO")
    celery_app.worker_main(["worker", *args])
    return 0
