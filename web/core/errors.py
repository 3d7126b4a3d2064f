"""Errors the web core raises on purpose; ``web.errors`` turns them into HTTP answers.

    WebError
    ├── InvalidRequest      the request body or a parameter is malformed
    ├── DocumentNotFound    no such document, section or clip; also every malformed id
    ├── AudioNotReady       the document exists but its audio is still being made
    ├── NotAllowed          an engine or voice the operator did not offer to clients
    ├── TextTooLong         more characters than MAX_TEXT_CHARS
    └── Busy                the synthesis queue is full; try again later
"""

from __future__ import annotations

__all__ = ["AudioNotReady", "Busy", "DocumentNotFound", "InvalidRequest", "NotAllowed", "TextTooLong",
           "WebError"]


class WebError(Exception):
    """Base class of every error `web` raises on purpose."""


class InvalidRequest(WebError):
    """The request is malformed."""


class DocumentNotFound(WebError):
    """No such document (or section, or clip)."""


class AudioNotReady(WebError):
    """The document's audio is not assembled yet."""


class NotAllowed(WebError):
    """The request names an engine or voice that the operator's allow-list does not offer."""


class TextTooLong(WebError):
    """The input text is longer than the configured limit."""


class Busy(WebError):
    """The background queue is full."""

    def __init__(self, message: str, retry_after_s: int = 30) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s
