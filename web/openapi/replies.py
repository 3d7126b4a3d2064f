"""The answers many routes share: JSON, errors, HTML pages, scripts and files with Range."""

from __future__ import annotations

from typing import Any

from web.bodies import ErrorBody
from web.openapi.operation import JSON
from web.openapi.operation import Reply

__all__ = ["error", "file_replies", "html", "json_reply", "not_modified", "script"]


def json_reply(body: Any, description: str, **headers: str) -> Reply:
    """A JSON answer of type ``body``; keyword arguments name response headers (``Retry_After``)."""
    return Reply(description, {JSON: body}, _header_names(headers))


def error(description: str, **headers: str) -> Reply:
    """A JSON error (``web.errors``): ``{"error": {"status", "code", "message", …}}``."""
    return json_reply(ErrorBody, description, **headers)


def html(description: str) -> Reply:
    return Reply(description, {"text/html": str})


def not_modified(description: str = "Not modified (If-None-Match).") -> Reply:
    return Reply(description)


def script(description: str) -> dict[int, Reply]:
    """A JavaScript bundle, conditional on its ETag."""
    return {200: Reply(description, {"text/javascript": str}, {"ETag": "The bundle's version."}),
            304: not_modified()}


def file_replies(media: str, description: str, *, ready_only: bool) -> dict[int, Reply]:
    """A file from disk (``web.downloads``): whole, one byte range, not modified, or out of range."""
    body = str if media.startswith("text/") else bytes
    replies = {
        200: Reply(description, {media: body}, {"ETag": "The file's version.", "Accept-Ranges": "bytes"}),
        206: Reply("The requested byte range.", {media: body}, {"Content-Range": "bytes START-END/LENGTH"}),
        304: not_modified("Not modified (If-None-Match / If-Modified-Since)."),
        404: error("No such document, section or clip, or a malformed id."),
        416: error("The range is outside the file.", Content_Range="bytes */LENGTH"),
    }
    if ready_only:
        replies[409] = error("The audio is still being made.")
    return replies


def _header_names(headers: dict[str, str]) -> dict[str, str]:
    """Keyword names to header names: ``Retry_After`` → ``Retry-After``."""
    return {name.replace("_", "-"): text for name, text in headers.items()}
