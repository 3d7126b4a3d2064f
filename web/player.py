"""Blueprint "player": the player pages, the embeddable widget script and the player's script.

The pages are thin HTML shells: the browser fetches the document manifest from the API
(``/api/documents/<id>``) and renders sections and sentences itself, so one code path serves the
demo page, uploaded documents and documents that are still being synthesized. Both scripts are
assembled from the shared JavaScript core by ``web/jsbundle.py``.
"""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import render_template
from flask import request

from web import jsbundle
from web.bodies import DocumentPath
from web.choices import text_recipients
from web.core.documents import is_doc_id
from web.openapi.operation import operation
from web.openapi.replies import html
from web.openapi.replies import script

bp = Blueprint("player", __name__)
# Short enough that a site picks up a new widget within minutes; host pages embed it cross-origin.
_WIDGET_MAX_AGE_S = 600


@bp.app_context_processor
def _privacy() -> dict[str, list[str]]:
    """The footer's promise about where page text goes must hold for the engines actually offered."""
    return {"text_recipients": text_recipients(current_app.config)}


def _demo_id() -> str | None:
    demo_id: str | None = current_app.extensions["bobao"].demo_id
    return demo_id or None


@bp.get("/")
@operation("The player with the sample page and a form to read other input.",
           responses={200: html("The player page.")})
def index() -> str:
    """The player with the demo document (when loaded) and the form to read other input."""
    return render_template(
        "player.html", doc_id=_demo_id(), show_form=True, max_upload_bytes=_max_upload_bytes()
    )


def _max_upload_bytes() -> int:
    """The largest file the form can send: the JSON body limit, less base64's third and the field names."""
    return (int(current_app.config["MAX_CONTENT_LENGTH"]) - 1024) * 3 // 4


@bp.get("/d/<doc_id>")
@operation("The player for one document.", path=DocumentPath,
           responses={200: html("The player page."), 404: html("Malformed id.")})
def document(doc_id: str) -> str:
    """The player for any stored document; the manifest is fetched by the page."""
    if not is_doc_id(doc_id):
        abort(404)
    return render_template("player.html", doc_id=doc_id, show_form=False)


def _script(name: str, cache_control: str) -> Response:
    """An assembled bundle (web/jsbundle.py), gzipped when accepted, answering 304 to its ETag."""
    assembled = jsbundle.assemble(name)
    zipped = request.accept_encodings.quality("gzip") > 0
    response = Response(assembled.gzipped if zipped else assembled.body,
                        content_type="text/javascript; charset=utf-8")
    response.headers["Cache-Control"] = cache_control
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.vary.add("Accept-Encoding")
    if zipped:  # already compressed, so web/security.py leaves it; same content: a weak validator, as there
        response.headers["Content-Encoding"] = "gzip"
    response.set_etag(assembled.etag, weak=zipped)
    response.make_conditional(request)  # in place: a 304 when the ETag matches
    return response


@bp.get("/widget.js")
@operation("The embeddable widget script (configure with data-* attributes).",
           responses=script("The widget, readable from any origin."))
def widget_js() -> Response:
    """The widget script; any site may embed it, so it is served cacheable and CORS-readable."""
    response = _script("widget.js", f"public, max-age={_WIDGET_MAX_AGE_S}")
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@bp.get("/player.js")
@operation("The player page's script: the shared JavaScript core and the player UI, in one file.",
           responses=script("The player's script."))
def player_js() -> Response:
    """The player page's script (core + player UI); revalidated on each load, like the static files."""
    return _script("player.js", "no-cache")
