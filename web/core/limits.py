"""Limits on what a document may cost, applied to the text actually read (not to the request's bytes).

A 33 KB DOCX can expand to two million characters, so ``MAX_TEXT_CHARS`` is checked on the
extracted document from every route in: text, HTML, uploaded files and fetched pages.
"""

from __future__ import annotations

import reader
from web.core.errors import TextTooLong


def text_chars(document: reader.Document) -> int:
    """Characters of readable text in ``document`` (headings included: they are read too)."""
    return sum(len(section.text) for section in document.sections)


def check_text_chars(document: reader.Document, limit: int) -> None:
    """Raise ``TextTooLong`` when the document holds more than ``limit`` characters of text."""
    count = text_chars(document)
    if count > limit:
        raise TextTooLong(f"the document holds {count:,} characters of text; the limit is {limit:,}")
