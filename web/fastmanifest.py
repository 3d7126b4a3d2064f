"""A WSGI fast path for finished manifests, ``GET /api/documents/<id>``, in front of the Flask app.

Players and widgets poll their document's manifest; once it is finished it never changes (its id
covers input, engine, voice, rate and normalizer). So it is prebuilt once per process — the stored
bytes, their gzip and both ETags — and answered from memory with a ``stat`` and a few headers,
like a static file. The answer is the Flask route's own (``web.api.get_document`` with the hooks
of ``web.security``): the same body, ETags (weak for the gzip the hook makes), 304s, ``Vary``,
CORS for allowed origins and the security headers. Only documents Flask has already seen finished
are answered here (``Services.known_ready``: no file is parsed); HEAD, HTTPS, proxied requests and
everything else go on to Flask. ``tests/security/test_fastmanifest.py`` checks that both paths
answer alike; ``bench/serve.py`` measures them.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import threading
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import Flask

from web.api import GZIP_STORED_MIN_BYTES
from web.security import EXPOSE_HEADERS
from web.security import GZIP_MIN_BYTES
from web.security import allowed_origins
from web.security import origin_allowed

DOC_PATH = re.compile(r"/api/documents/([0-9a-f]{24})")
KEPT = 32  # prebuilt manifests kept per process (a long page's manifest is about 1 MB)


@dataclass(frozen=True, slots=True)
class Prebuilt:
    """One finished manifest as it is sent: plain, and gzipped when the route would gzip it."""

    body: bytes
    etag: str
    gzipped: bytes | None
    gzip_etag: str | None
    mtime_ns: int


class ManifestFastPath:
    """Answer finished manifests from memory; hand every other request to ``app``."""

    def __init__(self, app: Any, flask_app: Flask) -> None:
        self.app = app
        self.services = flask_app.extensions["bobao"]
        self.allowed = allowed_origins(flask_app.config)
        self.own_origin = flask_app.config.get("PUBLIC_ORIGIN") or None
        self._built: dict[str, Prebuilt] = {}
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        match = DOC_PATH.fullmatch(environ.get("PATH_INFO", ""))
        if match is None or not _plain_get(environ):
            return self._pass(environ, start_response)
        prebuilt = self._prebuilt(match[1])
        if prebuilt is None:
            return self._pass(environ, start_response)
        status, headers, body = self._answer(environ, prebuilt)
        start_response(status, headers)
        return [body]

    def _pass(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """Everything but a plain GET of a finished manifest goes on to Flask."""
        response: Iterable[bytes] = self.app(environ, start_response)
        return response

    def _prebuilt(self, doc_id: str) -> Prebuilt | None:
        path = self.services.known_ready(doc_id)
        if path is None:
            return None
        try:
            mtime_ns = os.stat(path).st_mtime_ns
        except OSError:
            return None  # removed: Flask answers (404)
        with self._lock:
            built = self._built.get(doc_id)
        if built is not None and built.mtime_ns == mtime_ns:
            return built
        built = _build(path.read_bytes(), mtime_ns)
        with self._lock:
            self._built[doc_id] = built
            while len(self._built) > KEPT:
                del self._built[next(iter(self._built))]
        return built

    def _answer(self, environ: dict[str, Any], built: Prebuilt) -> tuple[str, list[tuple[str, str]], bytes]:
        wants_gzip = "gzip" in environ.get("HTTP_ACCEPT_ENCODING", "").lower()
        stored_gzip = wants_gzip and built.gzip_etag is not None  # the route sends its .gz copy
        etag = built.gzip_etag if stored_gzip and built.gzip_etag else built.etag
        headers = [("Vary", "Accept-Encoding, Origin"), ("Cache-Control", "no-cache")]
        headers += _security_headers() + self._cors(environ)
        if _matches(environ.get("HTTP_IF_NONE_MATCH"), etag):
            return "304 NOT MODIFIED", [("ETag", f'"{etag}"'), *headers], b""
        body, tag = built.body, f'"{etag}"'
        if wants_gzip and built.gzipped is not None:
            body = built.gzipped
            tag = tag if stored_gzip else f"W/{tag}"  # the hook's gzip: same content, other bytes
            headers.append(("Content-Encoding", "gzip"))
        headers += [("Content-Type", "application/json"), ("Content-Length", str(len(body))), ("ETag", tag)]
        return "200 OK", headers, body

    def _cors(self, environ: dict[str, Any]) -> list[tuple[str, str]]:
        origin = environ.get("HTTP_ORIGIN")
        if not origin or not origin_allowed(origin, self.allowed, self.own_origin):
            return []
        allow = "*" if "*" in self.allowed else origin
        return [("Access-Control-Allow-Origin", allow), ("Access-Control-Expose-Headers", EXPOSE_HEADERS)]


def _plain_get(environ: dict[str, Any]) -> bool:
    """A GET over plain HTTP, not through a proxy (HSTS and forwarded headers stay Flask's)."""
    return (
        environ.get("REQUEST_METHOD") == "GET"
        and environ.get("wsgi.url_scheme") == "http"
        and not any(key.startswith("HTTP_X_FORWARDED_") for key in environ)
        and "HTTP_FORWARDED" not in environ
    )


def _build(body: bytes, mtime_ns: int) -> Prebuilt:
    # Below GZIP_STORED_MIN_BYTES the security hook gzips (it stops at GZIP_MAX_BYTES, far above);
    # from there on the route sends its stored .gz copy, made with the same settings.
    gzipped = gzip.compress(body, compresslevel=6, mtime=0) if GZIP_MIN_BYTES <= len(body) else None
    stored = gzipped is not None and len(body) >= GZIP_STORED_MIN_BYTES
    return Prebuilt(
        body=body,
        etag=hashlib.sha1(body).hexdigest(),  # noqa: S324 - an ETag, as werkzeug makes it
        gzipped=gzipped,
        gzip_etag=hashlib.sha1(gzipped).hexdigest() if stored and gzipped else None,  # noqa: S324
        mtime_ns=mtime_ns,
    )


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    tags = {t.strip().removeprefix("W/").strip('"') for t in if_none_match.split(",")}
    return "*" in tags or etag in tags


def _security_headers() -> list[tuple[str, str]]:
    return [
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ]
