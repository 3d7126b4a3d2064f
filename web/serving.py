"""The production HTTP server behind ``bobao serve``, with JSON-lines access logs.

Why gunicorn first, waitress second:

* Bobao's hot path is serving cached MP3 clips and manifests, plus a CPU-heavy synthesis that runs
  outside the request. Python threads serialize on the GIL, so one process tops out at one core;
  ``--workers N`` needs *processes*. gunicorn preforks N worker processes, and its ``gthread``
  worker gives each a thread pool so slow clients (a phone on 3G streaming a 30 MB page MP3) do not
  block a process. It also hands file responses to ``sendfile(2)``, so audio bytes never pass
  through Python. gunicorn is POSIX-only.
* waitress is pure Python, threaded and runs everywhere (Windows too), but is a single process.
  It is the fallback when gunicorn is missing or ``BOBAO_SERVER=waitress`` is set; there
  ``--workers`` only multiplies its thread count.

When given a Flask app, gunicorn loads it once in the master and forks it into the workers (the
app must not have started threads yet — the job runner starts its threads on the first job). When
given a factory, each worker calls it itself.

Both serve ``web.fastclip.ClipFastPath`` in front of the app, so sentence clips skip Flask.

Every request is logged as one JSON object per line on stdout: ``time, method, path, status, bytes,
duration_ms, client``, which log shippers parse without regexes.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from datetime import UTC
from datetime import datetime
from typing import Any

from flask import Flask

from web.config import environment

log = logging.getLogger(__name__)
ACCESS_LOGGER = "bobao.access"
DEFAULT_THREADS = 8
GRACEFUL_TIMEOUT_S = 1

AppOrFactory = Flask | Callable[[], Flask]


def access_record(
    *, method: str, path: str, status: int, size_bytes: int | None, duration_ms: float, client: str | None
) -> str:
    """One access-log line as JSON."""
    record = {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "method": method,
        "path": path,
        "status": status,
        "bytes": size_bytes,
        "duration_ms": round(duration_ms, 2),
        "client": client,
    }
    return json.dumps(record, ensure_ascii=False)


def choose_server() -> str:
    """``gunicorn`` on POSIX when installed, else ``waitress``; ``BOBAO_SERVER`` overrides."""
    forced = (environment("SERVER") or "").strip().lower()
    if forced in ("gunicorn", "waitress"):
        return forced
    if os.name == "posix":
        try:
            import gunicorn  # noqa: F401 - only probing availability
        except ImportError:
            return "waitress"
        return "gunicorn"
    return "waitress"


def run(
    app: AppOrFactory,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    *,
    threads: int | None = None,
) -> None:
    """Serve ``app`` until interrupted, with ``workers`` processes (gunicorn) of ``threads`` threads."""
    workers = max(1, int(workers))
    threads = max(1, int(threads or environment("THREADS") or DEFAULT_THREADS))
    server = choose_server()
    log.info(
        "serving on http://%s:%s with %s (%d workers x %d threads)", host, port, server, workers, threads
    )
    if server == "gunicorn":
        _run_gunicorn(app, host, port, workers, threads)
    else:
        _run_waitress(app, host, port, workers * threads)


def wsgi_app(app: AppOrFactory) -> Callable[..., Iterable[bytes]]:
    """The WSGI callable to serve: the Flask app behind the fast paths for clips and finished manifests."""
    from web.fastclip import ClipFastPath
    from web.fastmanifest import ManifestFastPath

    flask_app = app if isinstance(app, Flask) else app()
    if "bobao" not in flask_app.extensions:
        return flask_app
    return ManifestFastPath(ClipFastPath(flask_app), flask_app)


def _bind(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _run_gunicorn(app: AppOrFactory, host: str, port: int, workers: int, threads: int) -> None:
    from gunicorn.app.base import BaseApplication

    options: dict[str, Any] = {
        "bind": _bind(host, port),
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": 120,  # a worker busy this long on one request is stuck, not slow
        # SIGTERM ends `bobao serve` within 2 s: requests in flight get a second (audio players
        # resume with Range), then the worker leaves without waiting for synthesis (_worker_exit).
        "graceful_timeout": GRACEFUL_TIMEOUT_S,
        "worker_exit": _worker_exit,
        # gunicorn would create a control socket under ~/.gunicorn; Bobao writes only to its
        # instance folder and never uses gunicornc.
        "control_socket_disable": True,
        "keepalive": 5,
        "accesslog": "-",
        "errorlog": "-",
        "logger_class": _json_access_logger(),
        "preload_app": isinstance(app, Flask),
        "proc_name": "bobao",
    }

    class _App(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Callable[..., Iterable[bytes]]:
            return wsgi_app(app)

    sys.argv = sys.argv[:1]  # gunicorn parses sys.argv; ours belong to bobao, not to it
    _App().run()


def _worker_exit(_server: Any, worker: Any) -> None:
    """In a worker that is leaving, end the process now instead of at interpreter exit.

    Python's exit joins the synthesis pool's threads, which finish the sentence they are on: with
    the offline voice that is seconds per thread. Every finished clip and manifest is already on
    disk (both are written atomically), and an unfinished document resumes after the restart, so
    nothing finished is lost. gunicorn also calls this hook in the master when it reaps a worker.
    """
    if os.getpid() != worker.pid:
        return
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _json_access_logger() -> type:
    """gunicorn's Logger with ``access`` writing our JSON line (its own sendfile path stays intact)."""
    from gunicorn.glogging import Logger

    class JsonAccessLogger(Logger):  # type: ignore[misc]
        def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
            if not self.access_log_enabled:
                return
            status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
            self.access_log.info(
                access_record(
                    method=environ.get("REQUEST_METHOD", ""),
                    path=environ.get("PATH_INFO", ""),
                    status=int(status),
                    size_bytes=getattr(resp, "sent", None),
                    duration_ms=request_time.total_seconds() * 1000,
                    client=environ.get("REMOTE_ADDR"),
                )
            )

    return JsonAccessLogger


def _run_waitress(app: AppOrFactory, host: str, port: int, threads: int) -> None:
    import waitress

    _configure_access_logger()
    waitress.serve(AccessLog(wsgi_app(app)), host=host, port=port, threads=threads, ident="bobao")


def _configure_access_logger() -> None:
    logger = logging.getLogger(ACCESS_LOGGER)
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


class AccessLog:
    """WSGI middleware that writes one JSON line per request when its body has been sent."""

    def __init__(self, app: Callable[..., Iterable[bytes]], logger: logging.Logger | None = None) -> None:
        self.app = app
        self.logger = logger or logging.getLogger(ACCESS_LOGGER)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        started = time.perf_counter()
        seen: dict[str, int] = {}

        def recording_start_response(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            seen["status"] = int(status.split(None, 1)[0])
            return start_response(status, headers, *args)

        body = self.app(environ, recording_start_response)
        return _LoggedBody(body, lambda size: self._write(environ, seen.get("status", 0), size, started))

    def _write(self, environ: dict[str, Any], status: int, size: int, started: float) -> None:
        self.logger.info(
            access_record(
                method=environ.get("REQUEST_METHOD", ""),
                path=environ.get("PATH_INFO", ""),
                status=status,
                size_bytes=size,
                duration_ms=(time.perf_counter() - started) * 1000,
                client=environ.get("REMOTE_ADDR"),
            )
        )


class _LoggedBody:
    """Passes a WSGI body through, counting bytes, and reports once when the server closes it."""

    def __init__(self, body: Iterable[bytes], report: Callable[[int], None]) -> None:
        self._body = body
        self._report = report
        self._size = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._body:
            self._size += len(chunk)
            yield chunk

    def close(self) -> None:
        try:
            close = getattr(self._body, "close", None)
            if close is not None:
                close()
        finally:
            self._report(self._size)
