"""Building blocks of the OpenAPI document: media types, references, parameters, file answers."""

from __future__ import annotations

from typing import Any

from web.core.manifest import DOC_ID_PATTERN

JSON = "application/json"
NULL_INT = {"type": ["integer", "null"]}
NULL_STR = {"type": ["string", "null"]}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def error(description: str) -> dict[str, Any]:
    return json(ref("Error"), description)


def id_param(name: str, pattern: str, description: str) -> dict[str, Any]:
    schema = {"type": "string", "pattern": f"^{pattern}$"}
    return {"name": name, "in": "path", "required": True, "schema": schema, "description": description}


DOC_ID = id_param("doc_id", DOC_ID_PATTERN, "Document id: 24 hex digits.")
CLIP_KEY = id_param("key", "[0-9a-f]{64}", "Clip key: the sha256 of engine, voice, prosody and spoken text.")
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


def file(mime: str, description: str, *, ready_only: bool) -> dict[str, Any]:
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
        "404": error("No such document, section or clip, or a malformed id."),
        "416": {"description": "The range is outside the file."},
    }
    if ready_only:
        responses["409"] = error("The audio is still being made.")
    return responses


def html(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"text/html": {"schema": {"type": "string"}}}}
