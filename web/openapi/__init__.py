"""``GET /openapi.json``: the whole HTTP API as an OpenAPI 3.1 document.

The manifest's schemas are generated from its types (``web.core.manifest``); the paths and the other
schemas are data in ``public`` and ``admin``. ``tests/web/test_openapi.py`` walks ``app.url_map`` and
fails when a route is missing here, and validates real responses against these schemas, so this
document cannot drift from the code.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import jsonify
from flask.typing import ResponseReturnValue

from web.core.manifest import Manifest
from web.core.manifest import SectionEntry
from web.core.manifest import SentenceEntry
from web.core.schema import schema_of
from web.core.schema import schemas_of
from web.openapi.admin import ADMIN_PATHS
from web.openapi.admin import LEXICON
from web.openapi.admin import LEXICON_ENTRY
from web.openapi.admin import READING_RULE
from web.openapi.public import CREATE
from web.openapi.public import ERROR
from web.openapi.public import HEALTH
from web.openapi.public import PATHS
from web.openapi.public import VOICES

bp = Blueprint("openapi", __name__)

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "Bobao (播报) read-aloud API",
        "version": "1.0.0",
        "description": "Read Chinese public-sector pages aloud: documents, audio, timings, widget.",
    },
    "paths": {**PATHS, **ADMIN_PATHS},
    "components": {
        "schemas": {
            # The manifest's schemas are made from its types (web.core.manifest): they cannot drift.
            **schemas_of(Manifest),
            "Section": schema_of(SectionEntry),
            "Sentence": schema_of(SentenceEntry),
            "CreateDocument": CREATE,
            "Error": ERROR,
            "Voices": VOICES,
            "Health": HEALTH,
            "Lexicon": LEXICON,
            "LexiconEntry": LEXICON_ENTRY,
            "ReadingRule": READING_RULE,
        },
        "securitySchemes": {"adminToken": {"type": "http", "scheme": "bearer"}},
    },
}


@bp.get("/openapi.json")
def openapi_json() -> ResponseReturnValue:
    """The OpenAPI document."""
    response = jsonify(SPEC)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
