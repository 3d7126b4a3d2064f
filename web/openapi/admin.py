"""The operator's paths and schemas: the admin API (bearer token), the console, listener reports."""

from __future__ import annotations

from typing import Any

from web.openapi.common import JSON
from web.openapi.common import error
from web.openapi.common import html
from web.openapi.common import json
from web.openapi.common import ref

ADMIN_PATHS: dict[str, Any] = {}
BEARER: list[dict[str, list[str]]] = [{"adminToken": []}]
_ADMIN_REFUSALS = {
    "401": error("Missing or wrong admin token (WWW-Authenticate: Bearer)."),
    "403": error("The admin API is disabled: no ADMIN_TOKEN is configured (code admin_disabled)."),
    "429": error("Too many wrong admin tokens from this client (ADMIN_AUTH_RATE); see Retry-After."),
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
        "entries": {"type": "array", "items": ref("LexiconEntry")},
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


_BAD_BODY = {"400": error("Malformed JSON or a bad field.")}
ADMIN_PATHS.update(
    {
        "/admin/api/cache": {
            "get": _admin("Clip cache size.", json(_INT_OBJECT, "entries, total_bytes, max_bytes."))
        },
        "/admin/api/cache/prune": {
            "post": _admin(
                "Evict least-recently-used clips down to max_bytes (default AUDIO_CACHE_MAX_BYTES).",
                json(_INT_OBJECT, "removed_entries, removed_bytes, remaining_bytes."),
                {"type": "object", "properties": {"max_bytes": {"type": "integer", "minimum": 0}}},
                **_BAD_BODY,
            )
        },
        "/admin/api/cache/verify": {
            "post": _admin(
                "Check every clip's checksum; with repair, delete partial, orphan and corrupt files.",
                json({"type": "object", "required": ["checked", "clean", "corrupt"]}, "The report."),
                {"type": "object", "properties": {"repair": {"type": "boolean"}}},
                **_BAD_BODY,
            )
        },
        "/admin/api/lexicon": {
            "get": _admin(
                "The pronunciation lexicon in use.", json(ref("Lexicon"), "Entries and version.")
            ),
            "put": {
                **_admin(
                    "Replace the site lexicon (atomically); engines use it at once.",
                    json(ref("Lexicon"), "The new lexicon."),
                    **_BAD_BODY,
                    **{"422": error("Invalid entries; error.entries lists each with its problems.")},
                ),
                "requestBody": {
                    "required": True,
                    "content": {JSON: {"schema": {"type": "array", "items": ref("LexiconEntry")}}},
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
                            "entries": {"type": "array", "items": ref("LexiconEntry"),
                                        "description": "A draft lexicon, to hear it before saving."},
                            "rules": {"type": "array", "items": ref("ReadingRule"),
                                      "description": "Draft reading rules, to hear them before saving."},
                        },
                    },
                    **_BAD_BODY,
                    **{"422": error("Unknown voice."), "503": error("Engine unavailable.")},
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
ADMIN_PATHS.update(
    {
        "/admin": {"get": {"summary": "The operator console (its data needs the admin token).",
                           "responses": {"200": html("The console page.")}}},
        "/api/reports": {
            "post": {
                "summary": "报告读音错误: mark a sentence for review (rate-limited, anonymous).",
                "requestBody": {"required": True, "content": {JSON: {"schema": {
                    "type": "object", "required": ["document", "sentence"],
                    "properties": {"document": {"type": "string"}, "sentence": {"type": "integer"}}}}}},
                "responses": {"201": json(_OBJECT, "id, count, message."), "400": error("Bad body."),
                              "404": error("No such document or sentence."),
                              "429": error("Too many reports from this client (REPORT_RATE).")},
            }
        },
        "/admin/api/rules": {
            "get": _admin("The site's reading rules (written form → spoken form).", json(_OBJECT, "Rules.")),
            "put": {
                **_admin("Replace the reading rules (atomically); answers changed_sentences.",
                         json(_OBJECT, "The new rules and how many stored sentences now read differently."),
                         **_BAD_BODY, **{"422": error("Invalid rules; error.rules lists each problem.")}),
                "requestBody": {"required": True, "content": {JSON: {"schema": {
                    "type": "array", "items": ref("ReadingRule")}}}},
            },
        },
        "/admin/api/documents": {
            "get": _admin("Stored documents with status and progress, work in progress first.",
                          json(_OBJECT, "documents, queued."))
        },
        "/admin/api/reports": {
            "get": _admin("Listener reports: text, spoken form and clip of each reported sentence.",
                          json(_OBJECT, "count, reports."))
        },
        "/admin/api/reports/{report_id}": {
            "delete": {**_admin("Close a report.", json(_OBJECT, "removed."),
                                **{"404": error("No such report.")}), "parameters": [_REPORT_ID]}
        },
    }
)
