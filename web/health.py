"""``GET /healthz``: can this process serve and synthesize? JSON, 200 when it can, 503 when it cannot.

Checked on every call, cheaply: the cache and document folders are writable (a probe file is
created and removed), free disk space, the job queue's depth (and, with Celery, that Redis
answers), and the default engine's state: whether it is loaded, whether the vendored voice files
match their pinned sha256 (hashing 4 MB: a few milliseconds) and, for online engines, whether
its circuit breaker is open (then pages still get read by the offline fallback, so that is
"degraded", not down). ``?deep=1`` also synthesizes a short text, loading the engine if needed:
use it for a start-up probe, not every few seconds. Anyone may call it, so its result is shared:
one probe runs at a time, and its answer is reused for ``DEEP_TTL_S`` seconds (a failed probe
only for ``DEEP_FAIL_TTL_S``, so recovery shows soon). Cache statistics walk the cache, so they are
recomputed at most every ``STATS_TTL_S`` seconds.
"""

from __future__ import annotations

import shutil
import threading
import time
import weakref
from pathlib import Path
from typing import Any

from flask import Blueprint
from flask import current_app
from flask import jsonify
from flask import request
from flask.typing import ResponseReturnValue

from audio import SpeechParams
from audio import voice_file_problems
from web.bodies import Health
from web.bodies import HealthQuery
from web.core import storage
from web.openapi.operation import operation
from web.openapi.replies import json_reply

bp = Blueprint("health", __name__)

STATS_TTL_S = 30.0
DEEP_TTL_S = 30.0
DEEP_FAIL_TTL_S = 5.0
USES_NATIVE_VOICES = ("offline", "auto")  # engines that speak with the vendored Kokoro styles
LOW_DISK_BYTES = 200 * 1024 * 1024
_stats_lock = threading.Lock()
_stats_memo: dict[str, tuple[float, dict[str, Any]]] = {}
_probe_lock = threading.Lock()  # one synthesis probe at a time, whoever asks
_probe_memo: weakref.WeakKeyDictionary[Any, tuple[float, dict[str, Any]]] = weakref.WeakKeyDictionary()


@bp.get("/healthz")
@operation("Engine, storage and queue state.", query=HealthQuery,
           responses={200: json_reply(Health, "Able to serve."), 503: json_reply(Health, "A check failed.")})
def healthz() -> ResponseReturnValue:
    """Report engine, storage and queue state; 503 when a request would fail."""
    services = current_app.extensions["bobao"]
    checks = {
        "engine": _engine_check(services, deep=request.args.get("deep") in ("1", "true")),
        "cache": _dir_check(Path(services.cache.root), stats=_cache_stats(services)),
        "documents": _dir_check(Path(services.store.root)),
        "queue": _queue_check(services.jobs),
    }
    failing = [name for name, check in checks.items() if not check["ok"]]
    degraded = [name for name, check in checks.items() if check.get("degraded")]
    status = "fail" if failing else ("degraded" if degraded else "ok")
    response = jsonify({"status": status, "checks": checks, "time": time.time()})
    response.status_code = 503 if failing else 200
    response.headers["Cache-Control"] = "no-store"
    return response


def _engine_check(services: Any, *, deep: bool) -> dict[str, Any]:
    name = current_app.config["TTS_ENGINE"]
    result: dict[str, Any] = {"ok": True, "name": name, "loaded": name in services.loaded_engines}
    if name in USES_NATIVE_VOICES:
        result.update(_voice_files_check(name))
    if result["loaded"]:
        breaker_open = services.get_engine(name).degraded()
        result["breaker_open"] = breaker_open
        result["degraded"] = result.get("degraded", False) or breaker_open
    if deep:
        result.update(_shared_probe(services))
    return result


def _shared_probe(services: Any) -> dict[str, Any]:
    """The last probe's result while fresh; otherwise probe now (callers meanwhile wait for it)."""
    with _probe_lock:
        memo = _probe_memo.get(services)
        if memo is not None:
            age = time.monotonic() - memo[0]
            if age < (DEEP_TTL_S if memo[1]["ok"] else DEEP_FAIL_TTL_S):
                return {**memo[1], "probe_age_s": round(age, 1)}
        result = _synthesis_probe(services)
        _probe_memo[services] = (time.monotonic(), result)
        return {**result, "probe_age_s": 0.0}


def _voice_files_check(name: str) -> dict[str, Any]:
    """The vendored native voice files: the offline engine refuses to speak without them.

    For ``auto`` they only matter while edge is down, so a problem there is "degraded", not down.
    """
    problems = voice_file_problems()
    if not problems:
        return {"voice_files": "ok"}
    return {"voice_files": "missing or corrupt", "voice_file_errors": problems,
            "ok": name != "offline", "degraded": True}


def _synthesis_probe(services: Any) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        engine = services.engine
        speech = engine.synthesize("你好。", SpeechParams(voice=services.default_voice(engine)))
    except Exception as exc:  # any failure here is exactly what the probe reports
        return {"ok": False, "error": type(exc).__name__, "loaded": False}
    return {"ok": bool(speech.mp3), "loaded": True, "probe_ms": round((time.perf_counter() - started) * 1000)}


def _dir_check(root: Path, stats: dict[str, Any] | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {"ok": True, "writable": storage.writable(root)}
    try:
        free = shutil.disk_usage(root).free
    except OSError:
        free = None
    result["free_bytes"] = free
    result["ok"] = result["writable"]
    # A full disk stops new audio, but everything cached is still served: degraded, not down.
    result["degraded"] = free is not None and free < LOW_DISK_BYTES
    if stats is not None:
        result.update(stats)
    return result


def _cache_stats(services: Any) -> dict[str, Any]:
    root = str(services.cache.root)
    with _stats_lock:
        memo = _stats_memo.get(root)
        if memo is not None and time.monotonic() - memo[0] < STATS_TTL_S:
            return memo[1]
    try:
        stats = services.cache.stats()
        value = {"entries": stats.entries, "total_bytes": stats.total_bytes, "max_bytes": stats.max_bytes}
    except Exception as exc:  # an unreadable cache is reported, not raised
        value = {"stats_error": type(exc).__name__}
    with _stats_lock:
        _stats_memo[root] = (time.monotonic(), value)
    return value


def _queue_check(jobs: Any) -> dict[str, Any]:
    kind = "celery" if type(jobs).__name__ == "CeleryJobs" else "threads"
    try:
        pending = int(jobs.pending())
    except Exception as exc:  # e.g. Redis down: the web process cannot hand out work
        return {"ok": False, "backend": kind, "error": type(exc).__name__}
    return {"ok": True, "backend": kind, "pending": pending}
