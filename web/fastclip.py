"""A WSGI fast path for the hottest URL, ``GET /audio/<key>.mp3``, in front of the Flask app.

A page's player fetches one clip per sentence, so clips outnumber every other request. Through
Flask a clip costs about 1 ms of Python (routing, contexts, hooks, ``send_file``); here it costs a
``stat`` and a few headers, and the file goes to the server's ``wsgi.file_wrapper`` (``sendfile``
under gunicorn). The answer is the same as Flask's: a strong ETag (the key *is* the content hash),
a year-long immutable Cache-Control, single byte ranges, 304s, CORS for allowed origins, and the
security headers. Anything unusual — a missing file, a malformed key, multiple or invalid ranges,
``If-Range``, another method — goes on to Flask, which answers it the ordinary way.

``bench/serve.py`` measures the difference; ``tests/security/test_fastclip.py`` checks that both
paths answer alike.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from typing import Any

from flask import Flask
from werkzeug.http import http_date
from werkzeug.http import parse_date
from werkzeug.http import parse_range_header

from web.security import EXPOSE_HEADERS
from web.security import allowed_origins
from web.security import origin_allowed

CLIP_PATH = re.compile(r"/audio/([0-9a-f]{64})\.mp3")
MAX_AGE_S = 31_536_000
_CHUNK = 64 * 1024


class ClipFastPath:
    """Serve cached clips directly; hand every other request to ``app``."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.cache = app.extensions["bobao"].cache
        self.allowed = allowed_origins(app.config)
        self.own_origin = app.config.get("PUBLIC_ORIGIN") or None  # never the Host header (rebinding)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        match = CLIP_PATH.fullmatch(environ.get("PATH_INFO", ""))
        method = environ.get("REQUEST_METHOD")
        if match is None or method not in ("GET", "HEAD") or "HTTP_IF_RANGE" in environ:
            return self.app(environ, start_response)
        answer = self._answer(environ, match[1], head=method == "HEAD")
        if answer is None:
            return self.app(environ, start_response)
        status, headers, body = answer
        start_response(status, headers)
        return body

    def _answer(
        self, environ: dict[str, Any], key: str, *, head: bool
    ) -> tuple[str, list[tuple[str, str]], Iterable[bytes]] | None:
        path = self.cache.path_for(key)
        try:
            stat = os.stat(path)
        except OSError:
            return None
        size, mtime = stat.st_size, stat.st_mtime
        etag = f'"{key}"'
        headers = self._headers(environ, etag, mtime)
        if _not_modified(environ, etag, mtime):
            return "304 Not Modified", headers, []
        start, stop = 0, size
        status = "200 OK"
        if "HTTP_RANGE" in environ:
            ranges = parse_range_header(environ["HTTP_RANGE"])
            bounds = ranges.range_for_length(size) if ranges is not None and len(ranges.ranges) == 1 else None
            if bounds is None:
                return None  # invalid, unsatisfiable or multiple ranges: Flask answers those
            start, stop = bounds
            status = "206 Partial Content"
            headers.append(("Content-Range", f"bytes {start}-{stop - 1}/{size}"))
        headers.append(("Content-Length", str(stop - start)))
        if head:
            return status, headers, []
        return status, headers, _body(environ, path, start, stop, size)

    def _headers(self, environ: dict[str, Any], etag: str, mtime: float) -> list[tuple[str, str]]:
        headers = [
            ("Content-Type", "audio/mpeg"),
            ("ETag", etag),
            ("Last-Modified", http_date(mtime)),
            ("Cache-Control", f"public, max-age={MAX_AGE_S}, immutable"),
            ("Accept-Ranges", "bytes"),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "strict-origin-when-cross-origin"),
            ("Vary", "Origin"),
        ]
        origin = environ.get("HTTP_ORIGIN")
        if origin and origin_allowed(origin, self.allowed, self.own_origin):
            headers.append(("Access-Control-Allow-Origin", "*" if "*" in self.allowed else origin))
            headers.append(("Access-Control-Expose-Headers", EXPOSE_HEADERS))
        return headers


def _not_modified(environ: dict[str, Any], etag: str, mtime: float) -> bool:
    """If-None-Match decides when present (RFC 9110 13.2.2); otherwise If-Modified-Since."""
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return "*" in tags or etag in tags
    since = parse_date(environ.get("HTTP_IF_MODIFIED_SINCE"))
    return since is not None and int(mtime) <= since.timestamp()


def _body(environ: dict[str, Any], path: Any, start: int, stop: int, size: int) -> Iterable[bytes]:
    handle = open(path, "rb")  # noqa: SIM115 - the server closes it through the returned iterable
    if start == 0 and stop == size and "wsgi.file_wrapper" in environ:
        wrapped: Iterable[bytes] = environ["wsgi.file_wrapper"](handle, _CHUNK)
        return wrapped
    handle.seek(start)
    return _Slice(handle, stop - start)


class _Slice:
    """``length`` bytes of an open file, closed by the server when done."""

    def __init__(self, handle: Any, length: int) -> None:
        self._handle = handle
        self._left = length

    def __iter__(self) -> Iterator[bytes]:
        while self._left > 0:
            chunk = self._handle.read(min(_CHUNK, self._left))
            if not chunk:
                return
            self._left -= len(chunk)
            yield chunk

    def close(self) -> None:
        self._handle.close()
