"""The public API's paths and schemas: pages, documents, audio, voices, health."""

from __future__ import annotations

from typing import Any

from web.openapi.common import CLIP_KEY
from web.openapi.common import DOC_ID
from web.openapi.common import DOWNLOAD
from web.openapi.common import JSON
from web.openapi.common import RANGE
from web.openapi.common import SECTION
from web.openapi.common import error
from web.openapi.common import file
from web.openapi.common import html
from web.openapi.common import json
from web.openapi.common import ref

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
            "responses": {"200": html("The player page.")},
        }
    },
    "/d/{doc_id}": {
        "get": {
            "summary": "The player for one document.",
            "parameters": [DOC_ID],
            "responses": {"200": html("The player page."), "404": html("Malformed id.")},
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
            "responses": {"200": html("The demo host page.")},
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
    "/player.js": {
        "get": {
            "summary": "The player page's script: the shared JavaScript core and the player UI, in one file.",
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
            "requestBody": {"required": True, "content": {JSON: {"schema": ref("CreateDocument")}}},
            "responses": {
                "201": json(ref("Manifest"), "The manifest; audio fields fill in as synthesis progresses."),
                "400": error("Malformed body or parameter."),
                "403": error("Cross-origin request from an origin that is not allowed."),
                "413": error("Body or text too large."),
                "422": error("Nothing readable, unknown voice, or a URL that cannot or may not be fetched."),
                "429": error("Too many new documents from this client; see Retry-After."),
                "503": error("Queue full or engine unavailable; see Retry-After."),
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
                "200": json(ref("Manifest"), "The manifest."),
                "400": error("at is not a sentence id."),
                "404": error("No such document."),
            },
        }
    },
    "/api/documents/{doc_id}/caption": {
        "get": {
            "summary": "The caption in other scripts: pinyin per character (as the voice reads it) and 繁體.",
            "parameters": [DOC_ID],
            "responses": {
                "200": json(CAPTION, "One entry per sentence; pinyin is null where a character is not Han."),
                "304": {"description": "Not modified (ETag)."},
                "404": error("No such document."),
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
                "200": json(ref("Voices"), "Voices."),
                "400": error("Unknown engine."),
                "503": error("Engine unavailable."),
            },
        }
    },
    "/documents/{doc_id}.mp3": {
        "get": {
            "summary": "The whole page as one MP3 with ID3 chapters.",
            "parameters": [DOC_ID, RANGE, DOWNLOAD],
            "responses": file("audio/mpeg", "The MP3.", ready_only=True),
        }
    },
    "/documents/{doc_id}/sections/{index}.mp3": {
        "get": {
            "summary": "One section as an MP3.",
            "parameters": [DOC_ID, SECTION, RANGE, DOWNLOAD],
            "responses": file("audio/mpeg", "The MP3.", ready_only=True),
        }
    },
    "/documents/{doc_id}.vtt": {
        "get": {
            "summary": "Sentence timings as WebVTT.",
            "parameters": [DOC_ID, DOWNLOAD],
            "responses": file("text/vtt", "The WebVTT file.", ready_only=True),
        }
    },
    "/audio/{key}.mp3": {
        "get": {
            "summary": "One sentence clip; content-addressed, cacheable for a year.",
            "parameters": [CLIP_KEY, RANGE],
            "responses": file("audio/mpeg", "The clip.", ready_only=False),
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
                "200": json(ref("Health"), "Able to serve."),
                "503": json(ref("Health"), "A check failed."),
            },
        }
    },
    "/openapi.json": {
        "get": {"summary": "This document.", "responses": {"200": json({"type": "object"}, "OpenAPI 3.1.")}}
    },
}
