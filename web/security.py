"""HTTP hardening for every response: security headers, CORS for the embeddable surfaces, body limit, gzip.

* **Headers.** HTML pages get a Content-Security-Policy that allows only our own scripts, styles
  and media (``blob:`` too, for the player), and ``frame-ancestors`` from ``FRAME_ANCESTORS`` (so a
  site can embed the player in an iframe only where it is configured). Every response gets
  ``nosniff`` and a Referrer-Policy; HTTPS responses get HSTS.
* **CORS.** ``/api/*``, ``/audio/*``, ``/documents/*`` and ``/widget.js`` are readable from the
  origins in ``API_ALLOWED_ORIGINS`` (``"*"`` must be listed explicitly to allow any). From any
  other origin a preflight is answered 403 and a state-changing request (POST, …) is refused with
  403 before the view runs — a browser's "simple" POST skips the preflight, so withholding the
  CORS header alone would still let a foreign page start synthesis. With ``API_ALLOW_LOOPBACK``
  (set by ``bobao serve`` when it listens on loopback only) any ``http://127.0.0.1:*``,
  ``http://localhost:*`` or ``http://[::1]:*`` page is allowed too, for local development.
  A refused origin is logged once per process with the setting to change, and ``GET /api/origin``
  (readable from anywhere) tells the widget so, so that it can say "not yet allowed".
  CORS header alone would still let a foreign page start synthesis.
  The service's own origin is ``PUBLIC_ORIGIN`` from configuration, never the ``Host`` header: a
  DNS-rebinding page sends our address with its own name as Host, and must not be granted. Only
  without ``PUBLIC_ORIGIN`` does the gate let a POST whose Origin matches Host through (our own
  player page, on an install that never said its name); it still gets no CORS grant.
* **Body limit.** A declared ``Content-Length`` over ``MAX_CONTENT_LENGTH`` is refused (413) before
  any view reads it; a chunked body (no length) is read up front and refused (413) when it reaches
  the limit. JSON bodies nested too deeply or holding lone surrogates are refused (400) while parsed.
* **gzip** for JSON, JavaScript, CSS, HTML, VTT and plain text when the client accepts it. Audio
  is never compressed (MP3 does not shrink, and Range offsets must stay byte offsets).
* ``TRUSTED_PROXIES = n`` trusts ``n`` reverse proxies' ``X-Forwarded-*`` headers, so that the
  rate limit sees the real client address behind nginx.
"""

from __future__ import annotations

import gzip
import logging
from collections.abc import Iterable
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from flask import Response
from flask import current_app
from flask import jsonify
from flask import request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix

from web.bodies import OriginStatus
from web.jsonbody import StrictJSONProvider
from web.openapi.operation import operation
from web.openapi.replies import json_reply

log = logging.getLogger(__name__)
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
ORIGIN_PATH = "/api/origin"
_MAX_LOGGED_ORIGINS = 256
_logged_origins: set[str] = set()
CORS_PREFIXES = ("/api/", "/audio/", "/documents/")
CORS_EXACT = ("/widget.js",)
EXPOSE_HEADERS = "Content-Range, Accept-Ranges, Content-Length, ETag, Retry-After"
ALLOW_METHODS = "GET, HEAD, POST, OPTIONS"
ALLOW_HEADERS = frozenset({"content-type", "range", "accept", "accept-language", "if-none-match"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
COMPRESSIBLE = frozenset(
    {
        "application/json",
        "application/javascript",
        "text/javascript",
        "text/css",
        "text/html",
        "text/plain",
        "text/vtt",
        "application/xml",
        "image/svg+xml",
    }
)
GZIP_MIN_BYTES = 512
GZIP_MAX_BYTES = 8 * 1024 * 1024
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self' blob:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors {ancestors}"
)


def init_app(app: Flask) -> None:
    """Install the hooks on ``app``; reads FRAME_ANCESTORS, API_ALLOWED_ORIGINS, TRUSTED_PROXIES."""
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]
    app.add_url_rule(ORIGIN_PATH, "origin_status", origin_status)
    ensure_ascii = getattr(app.json, "ensure_ascii", True)
    app.json = StrictJSONProvider(app)
    app.json.ensure_ascii = ensure_ascii
    app.before_request(_refuse_oversize_body)
    app.before_request(_cors_gate)
    app.after_request(_cors_headers)
    app.after_request(_security_headers)
    app.after_request(_gzip)


def origin_list(value: object) -> list[str]:
    """A config value (list, or comma/space separated string) as a list of origins without "/"."""
    items: Iterable[object] = value.replace(",", " ").split() if isinstance(value, str) else (value or [])  # type: ignore[assignment]
    return [str(item).strip().rstrip("/") for item in items if str(item).strip()]


def origin_allowed(origin: str, allowed: list[str], own_origin: str | None = None) -> bool:
    """True for an allowed origin, including our own (same-origin requests carry Origin on POST)."""
    origin = origin.rstrip("/")
    own = own_origin.rstrip("/") if own_origin else None
    if "loopback" in allowed and is_loopback_origin(origin):
        return True
    return "*" in allowed or origin in allowed or origin == own


def own_origin() -> str | None:
    """The service's public origin (``PUBLIC_ORIGIN``), if configured; never taken from ``Host``."""
    value = str(current_app.config.get("PUBLIC_ORIGIN") or "").strip().rstrip("/")
    return value or None


def is_loopback_origin(origin: str) -> bool:
    """``http://127.0.0.1:<any port>``, ``http://localhost:…`` or ``http://[::1]:…``."""
    try:
        parts = urlsplit(origin)
        return parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS and not parts.path
    except ValueError:
        return False


def allowed_origins(config: Mapping[str, Any]) -> list[str]:
    """API_ALLOWED_ORIGINS, plus the "loopback" entry when API_ALLOW_LOOPBACK is on."""
    allowed = origin_list(config.get("API_ALLOWED_ORIGINS"))
    return [*allowed, "loopback"] if config.get("API_ALLOW_LOOPBACK") else allowed


def _is_cors_path(path: str) -> bool:
    return path.startswith(CORS_PREFIXES) or path in CORS_EXACT


def _allowed_origins() -> list[str]:
    return allowed_origins(current_app.config)


@operation("Whether the calling page's Origin may use the service, and which setting allows it.",
           responses={200: json_reply(OriginStatus, "Readable by any page.")})
def origin_status() -> Response:
    """Whether the calling page's origin may use the service, and which setting allows it.

    Readable by any page (``Access-Control-Allow-Origin: *``): a refused preflight is opaque to the
    page, so this is how the widget tells "not yet allowed" from "service down".
    """
    origin = request.headers.get("Origin", "")
    allowed = bool(origin) and origin_allowed(origin, _allowed_origins(), own_origin())
    status: OriginStatus = {"origin": origin or None, "allowed": allowed, "setting": "API_ALLOWED_ORIGINS",
                            "environment": "BOBAO_API_ALLOWED_ORIGINS"}
    response = jsonify(status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _refuse_oversize_body() -> None:
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit is None:
        return
    if (request.content_length or 0) > int(limit):
        raise RequestEntityTooLarge()
    if request.content_length is None and request.environ.get("wsgi.input_terminated"):
        # A chunked body: Werkzeug stops reading at the limit and hands the view a truncated body,
        # which would fail as malformed (400). Read it here, and call a body that fills the limit too large.
        if len(request.get_data(cache=True)) >= int(limit):
            raise RequestEntityTooLarge()


def _forbidden_origin(origin: str) -> Response:
    if origin not in _logged_origins and len(_logged_origins) < _MAX_LOGGED_ORIGINS:
        _logged_origins.add(origin)  # once per origin: a busy page must not flood the log
        shown = origin.rstrip("/").encode("unicode_escape").decode("ascii")  # one log line, always
        log.warning("refused %s %s from origin %s: add it to API_ALLOWED_ORIGINS "
                    "(BOBAO_API_ALLOWED_ORIGINS='[\"%s\"]') to let that site use the widget",
                    request.method, request.path, shown, shown)
    response = jsonify(
        {"error": {"status": 403, "code": "origin_not_allowed", "message": "该网站未被授权使用朗读服务。"}}
    )
    response.status_code = 403
    response.vary.add("Origin")
    return response


def _cors_gate() -> Response | None:
    """Answer preflights, and refuse state-changing requests from origins not on the list."""
    origin = request.headers.get("Origin")
    if not origin or not _is_cors_path(request.path):
        return None
    allowed = origin_allowed(origin, _allowed_origins(), own_origin())
    if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
        return _preflight(origin) if allowed else _forbidden_origin(origin)
    if not allowed and request.method not in SAFE_METHODS and not _unnamed_same_origin(origin):
        return _forbidden_origin(origin)
    return None


def _unnamed_same_origin(origin: str) -> bool:
    """A POST from our own page on an install without PUBLIC_ORIGIN (plain-HTTP intranet browsers
    send no Sec-Fetch-Site to tell us). A gate pass only: no CORS grant is ever made from Host."""
    return own_origin() is None and origin.rstrip("/") == request.host_url.rstrip("/")


def _preflight(origin: str) -> Response:
    response = current_app.response_class(status=204)
    wanted = request.headers.get("Access-Control-Request-Headers", "")
    headers = [h.strip() for h in wanted.split(",") if h.strip().lower() in ALLOW_HEADERS]
    response.headers["Access-Control-Allow-Methods"] = ALLOW_METHODS
    if headers:
        response.headers["Access-Control-Allow-Headers"] = ", ".join(headers)
    response.headers["Access-Control-Max-Age"] = "600"
    _allow_origin(response, origin)
    return response


def _allow_origin(response: Response, origin: str) -> None:
    wildcard = "*" in _allowed_origins()
    response.headers["Access-Control-Allow-Origin"] = "*" if wildcard else origin
    response.headers["Access-Control-Expose-Headers"] = EXPOSE_HEADERS
    response.vary.add("Origin")


def _cors_headers(response: Response) -> Response:
    if not _is_cors_path(request.path):
        return response
    # The allow-list is the one CORS policy: a grant a view set on its own is replaced by it.
    response.headers.pop("Access-Control-Allow-Origin", None)
    response.vary.add("Origin")
    if request.path == ORIGIN_PATH:
        response.headers["Access-Control-Allow-Origin"] = "*"
        return response
    origin = request.headers.get("Origin")
    if origin and origin_allowed(origin, _allowed_origins(), own_origin()):
        _allow_origin(response, origin)
    return response


def frame_ancestors() -> str:
    """The CSP ``frame-ancestors`` source list from ``FRAME_ANCESTORS`` (default: only ourselves)."""
    value = current_app.config.get("FRAME_ANCESTORS")
    sources = origin_list(value) if value else ["'self'"]
    return " ".join(sources)


def _security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if response.mimetype == "text/html":
        ancestors = frame_ancestors()
        headers.setdefault("Content-Security-Policy", PAGE_CSP.format(ancestors=ancestors))
        if ancestors == "'self'":
            headers.setdefault("X-Frame-Options", "SAMEORIGIN")  # for browsers without frame-ancestors
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def _gzip(response: Response) -> Response:
    """Compress text responses in place when the client accepts gzip."""
    if response.mimetype not in COMPRESSIBLE:
        return response
    response.vary.add("Accept-Encoding")
    if not _should_compress(response):
        return response
    if response.direct_passthrough:  # send_file of a static JS/CSS file: small, so read it
        response.direct_passthrough = False
    data = response.get_data()
    if len(data) < GZIP_MIN_BYTES:
        return response
    response.set_data(gzip.compress(data, compresslevel=6, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    etag, _ = response.get_etag()
    if etag:  # other bytes, same content: a weak validator (as nginx does), so If-None-Match still 304s
        response.set_etag(etag, weak=True)
    return response


def _should_compress(response: Response) -> bool:
    if "gzip" not in request.headers.get("Accept-Encoding", "").lower() or request.method == "HEAD":
        return False
    if response.status_code != 200 or "Content-Encoding" in response.headers:
        return False
    if response.is_streamed and not response.direct_passthrough:  # a generator: leave it streaming
        return False
    length = response.content_length
    return length is None or GZIP_MIN_BYTES <= length <= GZIP_MAX_BYTES
