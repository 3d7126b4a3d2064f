"""``GET /openapi.json``: the whole HTTP API as an OpenAPI 3.1 document.

The manifest's schemas are generated from its types (``web.core.manifest``); the paths are data here.

``tests/web/test_openapi.py`` walks ``app.url_map`` and fails when a route is missing here, and
validates real responses against these schemas, so this document cannot drift from the code.
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

bp = Blueprint("openapi", __name__)

JSON = "application/json"
_NULL_INT = {"type": ["integer", "null"]}
_NULL_STR = {"type": ["string", "null"]}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json(_ref("Error"), description)


def _id_param(name: str, pattern: str, description: str) -> dict[str, Any]:
    schema = {"type": "string", "pattern": f"^{pattern}$"}
    return {"name": name, "in": "path", "required": True, "schema": schema, "description": description}


DOC_ID = _id_param("doc_id", "[0-9a-f]{24}", "Document id: 24 hex digits.")
CLIP_KEY = _id_param("key", "[0-9a-f]{64}", "Clip key: the sha256 of engine, voice, prosody and spoken text.")
SECTION = {"name": "index", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0}}
RANGE = {
    "name": "Range",
    "in": "header",
    "required": False,
    "schema": {"type": "string"},
    "description": "bytes=START-END; answered with 206 Partial Content.",
}
DOWNLOAD = {
    "name": "download",
    "in": "query",
    "required": False,
    "schema": {"type": "string"},
    "description": "Any value: Content-Disposition attachment instead of inline.",
}


def _file(mime: str, description: str, *, ready_only: bool) -> dict[str, Any]:
    responses: dict[str, Any] = {
        "200": {
            "description": description,
            "content": {mime: {"schema": {"type": "string", "format": "binary"}}},
            "headers": {
                "ETag": {"schema": {"type": "string"}},
                "Accept-Ranges": {"schema": {"type": "string"}},
            },
        },
        "206": {
            "description": "The requested byte range.",
            "content": {mime: {"schema": {"type": "string"}}},
        },
        "304": {"description": "Not modified (If-None-Match / If-Modified-Since)."},
        "404": _error("No such document, section or clip, or a malformed id."),
        "416": {"description": "The range is outside the file."},
    }
    if ready_only:
        responses["409"] = _error("The audio is still being made.")
    return responses


def _html(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"text/html": {"schema": {"type": "string"}}}}


CAPTION = {
    "type": "object",
    "required": ["id", "sentences"],
    "properties": {
        "id": {"type": "string"},
        "sentences": {"type": "array", "items": {
            "type": "object",
            "required": ["id", "pinyin", "traditional"],
            "properties": {
                "id": {"type": "integer", "minimum": 0},
                "pinyin": {"type": "array", "items": {"type": ["string", "null"]}},
                "traditional": {"type": "string"},
            },
        }},
    },
}
CREATE = {
    "type": "object",
    "description": "Exactly one of text, html, url or file.",
    "properties": {
        "text": {"type": "string", "minLength": 1},
        "html": {"type": "string", "minLength": 1},
        "url": {
            "type": "string",
            "format": "uri",
            "description": "http(s) only; fetched under the SSRF rules; a page or a PDF/DOCX attachment",
        },
        "file": {"type": "string", "contentEncoding": "base64",
                 "description": "An uploaded PDF, DOCX, HTML or text file, base64 (body limit 2 MiB)."},
        "filename": {"type": "string", "description": "The uploaded file's name; its suffix says its type."},
        "engine": {"type": "string"},
        "voice": {"type": "string"},
        "rate": {"type": ["integer", "string"], "description": 'Percent, -50..100, e.g. 10 or "+10%".'},
    },
    "oneOf": [{"required": ["text"]}, {"required": ["html"]}, {"required": ["url"]}, {"required": ["file"]}],
}
ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "code", "message"],
            "properties": {
                "status": {"type": "integer"},
                "code": {"type": "string"},
                "message": {"type": "string"},
                "detail": {"type": "string"},
                "retry_after_s": {"type": "integer"},
            },
        }
    },
}
VOICES = {
    "type": "object",
    "required": ["engine", "default", "voices"],
    "properties": {
        "engine": {"type": "string"},
        "default": {"type": "string"},
        "voices": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "engine", "lang"],
                "properties": {
                    k: {"type": "string"} for k in ("name", "engine", "lang", "gender", "display_name")
                },
            },
        },
    },
}
HEALTH = {
    "type": "object",
    "required": ["status", "checks"],
    "properties": {
        "status": {"enum": ["ok", "degraded", "fail"]},
        "checks": {
            "type": "object",
            "required": ["engine", "cache", "documents", "queue"],
            "additionalProperties": {
                "type": "object",
                "required": ["ok"],
                "properties": {"ok": {"type": "boolean"}},
            },
        },
        "time": {"type": "number"},
    },
}

PATHS: dict[str, Any] = {
    "/": {
        "get": {
            "summary": "The player with the sample page and a form to read other input.",
            "responses": {"200": _html("The player page.")},
        }
    },
    "/d/{doc_id}": {
        "get": {
            "summary": "The player for one document.",
            "parameters": [DOC_ID],
            "responses": {"200": _html("The player page."), "404": _html("Malformed id.")},
        }
    },
    "/api/origin": {
        "get": {
            "summary": "Whether the calling page's Origin may use the service, and which setting allows it.",
            "responses": {"200": {"description": "origin, allowed, setting, environment.",
                                  "content": {"application/json": {"schema": {"type": "object"}}}}},
        }
    },
    "/demo": {
        "get": {
            "summary": "A government-style page with the 语音播报 widget embedded (same origin, no setup).",
            "responses": {"200": _html("The demo host page.")},
        }
    },
    "/widget.js": {
        "get": {
            "summary": "The embeddable widget script (configure with data-* attributes).",
            "responses": {
                "200": {
                    "description": "JavaScript.",
                    "content": {"text/javascript": {"schema": {"type": "string"}}},
                },
                "304": {"description": "Not modified."},
            },
        }
    },
    "/static/{filename}": {
        "get": {
            "summary": "Static assets of the player (JS, CSS).",
            "parameters": [
                {"name": "filename", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "responses": {
                "200": {"description": "The file."},
                "304": {"description": "Not modified."},
                "404": {"description": "No such file."},
            },
        }
    },
    "/api/documents": {
        "post": {
            "summary": "Register a document (text, HTML or a URL) and start synthesizing it.",
            "parameters": [
                {
                    "name": "wait",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string"},
                    "description": "1: answer only when the document is ready (for scripts).",
                }
            ],
            "requestBody": {"required": True, "content": {JSON: {"schema": _ref("CreateDocument")}}},
            "responses": {
                "201": _json(_ref("Manifest"), "The manifest; audio fields fill in as synthesis progresses."),
                "400": _error("Malformed body or parameter."),
                "403": _error("Cross-origin request from an origin that is not allowed."),
                "413": _error("Body or text too large."),
                "422": _error("Nothing readable, unknown voice, or a URL that cannot or may not be fetched."),
                "429": _error("Too many new documents from this client; see Retry-After."),
                "503": _error("Queue full or engine unavailable; see Retry-After."),
            },
        }
    },
    "/api/documents/{doc_id}": {
        "get": {
            "summary": "A document's manifest.",
            "parameters": [
                DOC_ID,
                {
                    "name": "at",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "integer", "minimum": 0},
                    "description": "The sentence id the listener is at: synthesis moves there.",
                },
            ],
            "responses": {
                "200": _json(_ref("Manifest"), "The manifest."),
                "400": _error("at is not a sentence id."),
                "404": _error("No such document."),
            },
        }
    },
    "/api/documents/{doc_id}/caption": {
        "get": {
            "summary": "The caption in other scripts: pinyin per character (as the voice reads it) and 繁體.",
            "parameters": [DOC_ID],
            "responses": {
                "200": _json(CAPTION, "One entry per sentence; pinyin is null where a character is not Han."),
                "304": {"description": "Not modified (ETag)."},
                "404": _error("No such document."),
            },
        }
    },
    "/api/voices": {
        "get": {
            "summary": "The voices of an engine.",
            "parameters": [
                {"name": "engine", "in": "query", "required": False, "schema": {"type": "string"}}
            ],
            "responses": {
                "200": _json(_ref("Voices"), "Voices."),
                "400": _error("Unknown engine."),
                "503": _error("Engine unavailable."),
            },
        }
    },
    "/documents/{doc_id}.mp3": {
        "get": {
            "summary": "The whole page as one MP3 with ID3 chapters.",
            "parameters": [DOC_ID, RANGE, DOWNLOAD],
            "responses": _file("audio/mpeg", "The MP3.", ready_only=True),
        }
    },
    "/documents/{doc_id}/sections/{index}.mp3": {
        "get": {
            "summary": "One section as an MP3.",
            "parameters": [DOC_ID, SECTION, RANGE, DOWNLOAD],
            "responses": _file("audio/mpeg", "The MP3.", ready_only=True),
        }
    },
    "/documents/{doc_id}.vtt": {
        "get": {
            "summary": "Sentence timings as WebVTT.",
            "parameters": [DOC_ID, DOWNLOAD],
            "responses": _file("text/vtt", "The WebVTT file.", ready_only=True),
        }
    },
    "/audio/{key}.mp3": {
        "get": {
            "summary": "One sentence clip; content-addressed, cacheable for a year.",
            "parameters": [CLIP_KEY, RANGE],
            "responses": _file("audio/mpeg", "The clip.", ready_only=False),
        }
    },
    "/healthz": {
        "get": {
            "summary": "Engine, storage and queue state.",
            "parameters": [
                {
                    "name": "deep",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string"},
                    "description": "1: also synthesize a short text.",
                }
            ],
            "responses": {
                "200": _json(_ref("Health"), "Able to serve."),
                "503": _json(_ref("Health"), "A check failed."),
            },
        }
    },
    "/openapi.json": {
        "get": {"summary": "This document.", "responses": {"200": _json({"type": "object"}, "OpenAPI 3.1.")}}
    },
}

BEARER: list[dict[str, list[str]]] = [{"adminToken": []}]
_ADMIN_REFUSALS = {
    "401": _error("Missing or wrong admin token (WWW-Authenticate: Bearer)."),
    "403": _error("The admin API is disabled: no ADMIN_TOKEN is configured (code admin_disabled)."),
    "429": _error("Too many wrong admin tokens from this client (ADMIN_AUTH_RATE); see Retry-After."),
}
LEXICON_ENTRY = {
    "type": "object",
    "required": ["word", "pinyin"],
    "properties": {
        "word": {"type": "string", "minLength": 1, "maxLength": 32, "description": "Chinese characters."},
        "pinyin": {"type": "string", "description": "One syllable with tone digit 1-5 per character."},
        "say": {"type": ["string", "null"], "description": "Homophone spelling for text-only engines."},
    },
}
LEXICON = {
    "type": "object",
    "required": ["version", "source", "count", "entries"],
    "properties": {
        "version": {"type": "string", "pattern": "^[0-9a-f]{12}$"},
        "source": {"enum": ["site", "default"]},
        "count": {"type": "integer", "minimum": 0},
        "entries": {"type": "array", "items": _ref("LexiconEntry")},
    },
}
_INT_OBJECT = {"type": "object", "additionalProperties": {"type": ["integer", "null"]}}


def _admin(
    summary: str, ok: dict[str, Any], body: dict[str, Any] | None = None, **more: Any
) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": summary,
        "security": BEARER,
        "responses": {"200": ok, **_ADMIN_REFUSALS, **more},
    }
    if body is not None:
        operation["requestBody"] = {"required": False, "content": {JSON: {"schema": body}}}
    return operation


_BAD_BODY = {"400": _error("Malformed JSON or a bad field.")}
PATHS.update(
    {
        "/admin/api/cache": {
            "get": _admin("Clip cache size.", _json(_INT_OBJECT, "entries, total_bytes, max_bytes."))
        },
        "/admin/api/cache/prune": {
            "post": _admin(
                "Evict least-recently-used clips down to max_bytes (default AUDIO_CACHE_MAX_BYTES).",
                _json(_INT_OBJECT, "removed_entries, removed_bytes, remaining_bytes."),
                {"type": "object", "properties": {"max_bytes": {"type": "integer", "minimum": 0}}},
                **_BAD_BODY,
            )
        },
        "/admin/api/cache/verify": {
            "post": _admin(
                "Check every clip's checksum; with repair, delete partial, orphan and corrupt files.",
                _json({"type": "object", "required": ["checked", "clean", "corrupt"]}, "The report."),
                {"type": "object", "properties": {"repair": {"type": "boolean"}}},
                **_BAD_BODY,
            )
        },
        "/admin/api/lexicon": {
            "get": _admin(
                "The pronunciation lexicon in use.", _json(_ref("Lexicon"), "Entries and version.")
            ),
            "put": {
                **_admin(
                    "Replace the site lexicon (atomically); engines use it at once.",
                    _json(_ref("Lexicon"), "The new lexicon."),
                    **_BAD_BODY,
                    **{"422": _error("Invalid entries; error.entries lists each with its problems.")},
                ),
                "requestBody": {
                    "required": True,
                    "content": {JSON: {"schema": {"type": "array", "items": _ref("LexiconEntry")}}},
                },
            },
        },
        "/admin/api/lexicon/preview": {
            "post": {
                **_admin(
                    "How a text is read: spoken form, lexicon readings, phonemes (offline), cache key.",
                    {
                        "description": "JSON preview, or with ?audio=1 an MP3 clip (header X-Clip-Key).",
                        "content": {
                            JSON: {"schema": {"type": "object", "required": ["engine", "sentences"]}},
                            "audio/mpeg": {"schema": {"type": "string", "format": "binary"}},
                        },
                    },
                    {
                        "type": "object",
                        "required": ["text"],
                        "properties": {
                            "text": {"type": "string", "minLength": 1, "maxLength": 300},
                            "engine": {"type": "string"},
                            "voice": {"type": "string"},
                            "entries": {"type": "array", "items": _ref("LexiconEntry"),
                                        "description": "A draft lexicon, to hear it before saving."},
                            "rules": {"type": "array", "items": _ref("ReadingRule"),
                                      "description": "Draft reading rules, to hear them before saving."},
                        },
                    },
                    **_BAD_BODY,
                    **{"422": _error("Unknown voice."), "503": _error("Engine unavailable.")},
                ),
                "parameters": [
                    {
                        "name": "audio",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string"},
                        "description": "1: answer with an MP3 audition clip, synthesized through the cache.",
                    }
                ],
            }
        },
    }
)

READING_RULE = {
    "type": "object",
    "required": ["written", "spoken"],
    "properties": {"written": {"type": "string", "minLength": 1, "maxLength": 40},
                   "spoken": {"type": "string", "minLength": 1, "maxLength": 120}},
}
_OBJECT = {"type": "object"}
_REPORT_ID = {"name": "report_id", "in": "path", "required": True, "schema": {"type": "string"}}
PATHS.update(
    {
        "/admin": {"get": {"summary": "The operator console (its data needs the admin token).",
                           "responses": {"200": _html("The console page.")}}},
        "/api/reports": {
            "post": {
                "summary": "报告读音错误: mark a sentence for review (rate-limited, anonymous).",
                "requestBody": {"required": True, "content": {JSON: {"schema": {
                    "type": "object", "required": ["document", "sentence"],
                    "properties": {"document": {"type": "string"}, "sentence": {"type": "integer"}}}}}},
                "responses": {"201": _json(_OBJECT, "id, count, message."), "400": _error("Bad body."),
                              "404": _error("No such document or sentence."),
                              "429": _error("Too many reports from this client (REPORT_RATE).")},
            }
        },
        "/admin/api/rules": {
            "get": _admin("The site's reading rules (written form → spoken form).", _json(_OBJECT, "Rules.")),
            "put": {
                **_admin("Replace the reading rules (atomically); answers changed_sentences.",
                         _json(_OBJECT, "The new rules and how many stored sentences now read differently."),
                         **_BAD_BODY, **{"422": _error("Invalid rules; error.rules lists each problem.")}),
                "requestBody": {"required": True, "content": {JSON: {"schema": {
                    "type": "array", "items": _ref("ReadingRule")}}}},
            },
        },
        "/admin/api/documents": {
            "get": _admin("Stored documents with status and progress, work in progress first.",
                          _json(_OBJECT, "documents, queued."))
        },
        "/admin/api/reports": {
            "get": _admin("Listener reports: text, spoken form and clip of each reported sentence.",
                          _json(_OBJECT, "count, reports."))
        },
        "/admin/api/reports/{report_id}": {
            "delete": {**_admin("Close a report.", _json(_OBJECT, "removed."),
                                **{"404": _error("No such report.")}), "parameters": [_REPORT_ID]}
        },
    }
)

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "Bobao (播报) read-aloud API",
        "version": "1.0.0",
        "description": "Read Chinese public-sector pages aloud: documents, audio, timings, widget.",
    },
    "paths": PATHS,
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
