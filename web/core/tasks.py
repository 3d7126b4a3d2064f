"""Scale-out: synthesis jobs on Celery workers, with Redis as broker and as the job-state board.

Single machine (no broker): ``web.core.jobs.JobRunner`` runs jobs on threads in the web process.
With ``BOBAO_BROKER=redis://host:6379/0`` (or ``BOBAO_BROKER_URL``), the web process uses
``CeleryJobs`` instead: it only enqueues, and ``bobao worker`` processes on any number of machines
run the jobs. Workers and web processes share ``DOCUMENT_DIR`` and ``AUDIO_CACHE_DIR`` (an NFS/CIFS
mount or the same disk); every file lands there by temp-file-and-rename, so a job killed halfway
leaves finished clips and no partial file.

Scheduling (``web.core.schedule``): three broker queues, one per lane, named so that they sort in
order of urgency (``bobao.0-now``, ``bobao.1-ahead``, ``bobao.2-background``); workers consume them
with kombu's ``sorted`` queue order, so a worker always takes from the most urgent non-empty queue.
A task is one turn of one document: it synthesizes sentences until a message waits in its own or
a more urgent queue, then sends the document's next turn to the end of its lane and returns. A
listener's poll with ``?at=`` records the position in Redis and, if the document's turn is queued
in a less urgent lane, sends a turn in the urgent one (the stale turn later finds the work done, or
the document locked, and does nothing twice).

Delivery guarantees: tasks are acknowledged *after* they finish (``acks_late``), and a worker
process that dies mid-job makes its message be requeued (``reject_on_worker_lost``). If a whole
machine dies, Redis hands the unacknowledged message to another worker once
``BOBAO_VISIBILITY_TIMEOUT_S`` (default 300) has passed without a heartbeat. A running job beats
every third of that timeout, so a long page is never handed out twice while its worker lives, and
a dead machine's job moves on within minutes. Should a job still run twice, that is harmless:
clips already in the cache are not synthesized again, and a turn whose document is locked by
another worker ends at once. A turn sends the next one only after it has released the document,
and before its own message is acknowledged, so no work is lost in between.

Redis keys (``bobao:`` prefix): ``active:<doc>`` from submit until the job's final status (what
``is_active`` reads; it is deleted *before* the manifest gets its final status, and the manifest is
the one owner of status), ``queued:<doc>`` the lane of the document's queued turn, ``demand:<doc>``
a listener's sentence (expires after ``LISTEN_S``), ``error:<doc>`` the last failure,
``worker:<doc>`` the worker that last took the job.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from typing import Any

import redis
from celery import Celery

import audio
from web.config import environment
from web.core.schedule import LISTEN_S
from web.core.schedule import Lane

log = logging.getLogger(__name__)

TASK_NAME = "bobao.synthesize_document"
QUEUES = {Lane.NOW: "bobao.0-now", Lane.AHEAD: "bobao.1-ahead", Lane.BACKGROUND: "bobao.2-background"}
DEFAULT_BROKER = "redis://127.0.0.1:6379/0"
_PREFIX = "bobao:"
# How long "queued or running" is believed without news: longer than any backlog should last.
ACTIVE_TTL_S = 6 * 3600


def broker_url() -> str:
    """``BOBAO_BROKER`` or ``BOBAO_BROKER_URL`` from the environment."""
    return environment("BROKER") or environment("BROKER_URL") or DEFAULT_BROKER


def visibility_timeout_s() -> int:
    """How long Redis waits before it redelivers a job whose worker vanished."""
    return int(environment("VISIBILITY_TIMEOUT_S") or "300")


def make_celery(url: str | None = None) -> Celery:
    """The Celery app: late acks, one job prefetched per process, results not stored."""
    url = url or broker_url()
    app = Celery("bobao", broker=url)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_ignore_result=True,
        task_default_queue=QUEUES[Lane.BACKGROUND],
        worker_prefetch_multiplier=1,  # a long job must not sit prefetched behind another
        broker_transport_options=_transport_options(),
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        task_serializer="json",
        accept_content=["json"],
    )
    return app


def _transport_options() -> dict[str, int | str]:
    """Redis redelivery: sweep for abandoned jobs often enough relative to the visibility timeout."""
    timeout_s = visibility_timeout_s()
    return {
        "visibility_timeout": timeout_s,
        "unacked_restore_interval": max(1, min(10, timeout_s // 4)),
        "unacked_restore_throttle": 1,
        "queue_order_strategy": "sorted",  # the lane queues' names sort most urgent first
    }


celery_app = make_celery()


class CeleryJobs:
    """The same interface as ``web.core.jobs.JobRunner``, but jobs run on Celery workers."""

    def __init__(self, url: str | None = None, *, active_ttl_s: int | None = None) -> None:
        self.url = url or broker_url()
        self.celery = celery_app if self.url == celery_app.conf.broker_url else make_celery(self.url)
        self.redis = redis.Redis.from_url(self.url)
        self.active_ttl_s = active_ttl_s or ACTIVE_TTL_S

    def submit(self, doc_id: str, lane: Lane = Lane.BACKGROUND) -> bool:
        """Queue ``doc_id``; False when it is already queued or running somewhere (then maybe promoted)."""
        if not self.redis.set(_key("active", doc_id), "queued", nx=True, ex=self.active_ttl_s):
            self.promote(doc_id, lane)
            return False
        self.redis.delete(_key("error", doc_id))
        try:
            self.send_turn(doc_id, lane)
        except Exception:
            self.redis.delete(_key("active", doc_id))
            raise
        return True

    def send_turn(self, doc_id: str, lane: Lane) -> None:
        """Queue one turn of ``doc_id`` at the end of ``lane``."""
        self.redis.set(_key("queued", doc_id), int(lane), ex=self.active_ttl_s)
        self.celery.send_task(TASK_NAME, args=[doc_id], queue=QUEUES[lane])

    def promote(self, doc_id: str, lane: Lane) -> None:
        """Send an urgent turn when ``doc_id``'s queued one sits in a less urgent lane."""
        queued = self.redis.get(_key("queued", doc_id))
        if queued is not None and int(queued) > lane:
            self.send_turn(doc_id, lane)

    def taken(self, doc_id: str) -> None:
        """A worker took a turn of ``doc_id``: none is queued now (a running turn re-checks by itself)."""
        self.redis.delete(_key("queued", doc_id))

    def record_demand(self, doc_id: str, sentence_id: int) -> None:
        """A listener is at ``sentence_id`` of ``doc_id`` now."""
        self.redis.set(_key("demand", doc_id), int(sentence_id), ex=LISTEN_S)

    def demand(self, doc_id: str) -> int | None:
        """Where a listener of ``doc_id`` is, if one polled within ``LISTEN_S``."""
        value = self.redis.get(_key("demand", doc_id))
        return None if value is None else int(value)

    def should_yield(self, lane: Lane) -> bool:
        """True when a turn waits in ``lane``'s queue or a more urgent one."""
        return any(self.redis.llen(QUEUES[other]) for other in Lane if other <= lane)

    def finishing(self, doc_id: str, error: BaseException | None = None) -> None:
        """The job is about to save its final status: record the error, then drop "active"."""
        if error is not None:
            self.redis.set(_key("error", doc_id), f"{type(error).__name__}: {error}"[:500], ex=86400)
        self.redis.delete(_key("active", doc_id), _key("queued", doc_id))

    def is_active(self, doc_id: str) -> bool:
        """True while ``doc_id`` is queued or being synthesized on some worker."""
        return bool(self.redis.exists(_key("active", doc_id)))

    def error(self, doc_id: str) -> BaseException | None:
        """The failure of the last run of ``doc_id``, if it failed (as a RuntimeError with its text)."""
        message = self.redis.get(_key("error", doc_id))
        if message is None:
            return None
        text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
        return RuntimeError(text)

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
        return sum(int(self.redis.llen(queue)) for queue in QUEUES.values())

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
        from web.config import load_config
        from web.core import build_services

        _services = build_services(load_config())
    return _services


# Retry what can heal by itself (a busy disk, a flaky online engine); a broken document fails at once.
_TRANSIENT = (audio.EngineUnavailable, audio.CacheError, OSError)


@celery_app.task(name=TASK_NAME, bind=True, max_retries=3, acks_late=True, reject_on_worker_lost=True)
def synthesize_document(self: Any, doc_id: str) -> None:
    """One turn of one stored document (see the module docstring); the next turn is queued here."""
    services = worker_services()
    jobs: CeleryJobs = services.jobs
    worker = self.request.hostname or socket.gethostname()
    jobs.taken(doc_id)
    jobs.redis.set(_key("worker", doc_id), worker, ex=86400)
    jobs.redis.set(_key("active", doc_id), "running", ex=ACTIVE_TTL_S, xx=True)
    log.info("job %s started on %s", doc_id, worker)
    properties = getattr(self.request, "properties", None) or {}
    heartbeat = _Heartbeat(jobs.redis, properties.get("delivery_tag"))
    heartbeat.start()
    try:
        again = services.work(doc_id, jobs.should_yield)
    except _TRANSIENT as exc:
        if self.request.retries < self.max_retries:
            raise self.retry(exc=exc, countdown=2 ** (self.request.retries + 1)) from exc
        services.fail(doc_id, exc)
        raise
    except Exception as exc:
        services.fail(doc_id, exc)
        raise
    finally:
        heartbeat.stop()
    if again is not None:
        jobs.send_turn(doc_id, again)  # after the document's lock is released, before our ack
        log.info("job %s yielded on %s to lane %s", doc_id, worker, again.name)
    elif services.store.load(doc_id)["status"] in ("ready", "failed"):
        log.info("job %s finished on %s", doc_id, worker)
    else:  # a stale or duplicate turn: the worker that holds the document goes on with it
        log.info("job %s is held by another worker; turn on %s ends", doc_id, worker)


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


def main(argv: list[str]) -> int:
    """``bobao worker [celery worker options]``: run a worker until stopped."""
    args = list(argv)
    if not any(a.startswith(("-Q", "--queues")) for a in args):
        args.append(f"--queues={','.join(QUEUES.values())}")
    if not any(a.startswith(("-l", "--loglevel")) for a in args):
        args.append("--loglevel=INFO")
    celery_app.worker_main(["worker", *args])
    return 0
