"""``GET /openapi.json``: the whole HTTP API as an OpenAPI 3.1 document.

The manifest's schemas are generated from its types (``web.core.manifest``); the paths and the other
schemas are data in ``public`` and ``admin``, and a route they miss is still served, as a stub made
from the app's ``url_map``. ``tests/web/test_openapi.py`` walks ``app.url_map`` and
fails when a route is missing here, and validates real responses against these schemas, so this
document cannot drift from the code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from flask import Blueprint
from flask import current_app
from flask import jsonify
from flask.typing import ResponseReturnValue
from werkzeug.routing import Rule

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


_CONVERTER = re.compile(r"<(?:([a-z_]+)(?:\([^)]*\))?:)?([a-z_]+)>")
_PARAMETER_TYPES = {"int": "integer", "float": "number"}


@bp.get("/openapi.json")
def openapi_json() -> ResponseReturnValue:
    """The OpenAPI document: the one above, plus a stub for any route it does not describe yet."""
    response = jsonify(spec_for(current_app.url_map.iter_rules()))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def spec_for(rules: Iterable[Rule]) -> dict[str, Any]:
    """``SPEC`` with every route of ``rules`` in it: a route added without documentation still appears
    (its view's docstring as summary, its path parameters typed from their converters)."""
    paths = dict(SPEC["paths"])
    for rule in rules:
        path = _CONVERTER.sub(r"{\2}", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if method.lower() not in paths.get(path, {}):
                paths[path] = {**paths.get(path, {}), method.lower(): _stub(rule)}
    return {**SPEC, "paths": paths}


def _stub(rule: Rule) -> dict[str, Any]:
    view = current_app.view_functions.get(rule.endpoint)
    doc = (getattr(view, "__doc__", None) or rule.endpoint).strip().splitlines()[0]
    parameters = [
        {"name": name, "in": "path", "required": True,
         "schema": {"type": _PARAMETER_TYPES.get(converter or "", "string")}}
        for converter, name in _CONVERTER.findall(rule.rule)
    ]
    undescribed = {"default": {"description": "Not described yet."}}
    operation: dict[str, Any] = {"summary": doc, "responses": undescribed}
    if parameters:
        operation["parameters"] = parameters
    return operation
