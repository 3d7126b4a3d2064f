"""Blueprint "player": the player pages and the embeddable widget script.

The pages are thin HTML shells: the browser fetches the document manifest from the API
(``/api/documents/<id>``) and renders sections and sentences itself, so one code path serves the
demo page, uploaded documents and documents that are still being synthesized.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import render_template
from flask import request

bp = Blueprint("player", __name__)

_STATIC_DIR = Path(__file__).parent / "static"
_DOC_ID = re.compile(r"[0-9a-f]{8,64}")
# widget.js carries this placeholder; the route swaps in widget.css so the widget is one request.
_CSS_MARKER = '"__BOBAO_WIDGET_CSS__"'
# Short enough that a site picks up a new widget within minutes; host pages embed it cross-origin.
_WIDGET_MAX_AGE_S = 600


def _demo_id() -> str | None:
    services = current_app.extensions.get("bobao")
    demo_id = getattr(services, "demo_id", None)
    return demo_id if isinstance(demo_id, str) and demo_id else None


@bp.get("/")
def index() -> str:
    """The player with the demo document (when loaded) and the form to read other input."""
    return render_template(
        "player.html", doc_id=_demo_id(), show_form=True, max_upload_bytes=_max_upload_bytes()
    )


def _max_upload_bytes() -> int:
    """The largest file the form can send: the JSON body limit, less base64's third and the field names."""
    return (int(current_app.config["MAX_CONTENT_LENGTH"]) - 1024) * 3 // 4


@bp.get("/d/<doc_id>")
def document(doc_id: str) -> str:
    """The player for any stored document; the manifest is fetched by the page."""
    if not _DOC_ID.fullmatch(doc_id):
        abort(404)
    return render_template("player.html", doc_id=doc_id, show_form=False)


@lru_cache(maxsize=4)
def _widget_source(js_mtime_ns: int, css_mtime_ns: int) -> bytes:
    """widget.js with widget.css inlined (cached per file version)."""
    js = (_STATIC_DIR / "widget.js").read_text(encoding="utf-8")
    css = (_STATIC_DIR / "widget.css").read_text(encoding="utf-8")
    return js.replace(_CSS_MARKER, json.dumps(css, ensure_ascii=False), 1).encode("utf-8")


@bp.get("/widget.js")
def widget_js() -> Response:
    """The widget script; any site may embed it, so it is served cacheable and CORS-readable."""
    js_path, css_path = _STATIC_DIR / "widget.js", _STATIC_DIR / "widget.css"
    body = _widget_source(js_path.stat().st_mtime_ns, css_path.stat().st_mtime_ns)
    response = Response(body, mimetype="text/javascript")
    response.charset = "utf-8"
    response.headers["Cache-Control"] = f"public, max-age={_WIDGET_MAX_AGE_S}"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.add_etag()
    return response.make_conditional(request)
