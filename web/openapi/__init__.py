"""``GET /openapi.json``: the whole HTTP API as an OpenAPI 3.1 document, generated, never written.

Each view declares its contract with ``@operation`` (``web.openapi.operation``) in its blueprint
module; ``web.openapi.document`` walks the app's ``url_map`` and those declarations, and makes the
schemas from the types the views build. ``tests/web/test_openapi.py`` fails when a route has no
declaration and validates real responses against the generated schemas, so the document cannot
drift from the code.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import Flask
from flask import current_app
from flask import jsonify
from flask.typing import ResponseReturnValue

from web.openapi.document import build_document
from web.openapi.operation import Operation
from web.openapi.operation import Reply
from web.openapi.operation import operation
from web.openapi.replies import json_reply
from web.openapi.replies import not_modified

__all__ = ["bp", "document_of"]

bp = Blueprint("openapi", __name__)
_BUILT = "bobao.openapi"
# Flask's own static route has no view of ours to declare it on.
FLASK_ROUTES = {
    "static": Operation(
        "Static assets of the player (JS, CSS).",
        {200: Reply("The file, with its own media type.", {"*/*": Any}), 304: not_modified(),
         404: Reply("No such file.")},
    )
}


@bp.get("/openapi.json")
@operation("This document.", responses={200: json_reply(dict[str, Any], "OpenAPI 3.1.")})
def openapi_json() -> ResponseReturnValue:
    response = jsonify(document_of(current_app._get_current_object()))  # type: ignore[attr-defined]
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def document_of(app: Flask) -> dict[str, Any]:
    """The app's document, built on first use: routes cannot be added once the app has served."""
    built: dict[str, Any] | None = app.extensions.get(_BUILT)
    if built is None:
        built = app.extensions[_BUILT] = build_document(app, FLASK_ROUTES)
    return built
