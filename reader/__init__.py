"""Page understanding: HTML or plain text in, a `Document` of speakable sentences out.

Pure: str/bytes in, frozen dataclasses out, no I/O. The pipeline is
extract (HTML → blocks) → sections (blocks → headings and paragraphs) → segment (sentence
spans on the display text) → normalize (per sentence, display → spoken).
"""

from __future__ import annotations

import re

from reader.attachments import DOCX_MEDIA
from reader.attachments import docx_blocks
from reader.attachments import is_docx
from reader.attachments import is_pdf
from reader.attachments import pdf_blocks
from reader.blocks import Page
from reader.decode import decode_bytes
from reader.decode import looks_like_html
from reader.errors import EmptyDocument
from reader.errors import InputTooLarge
from reader.errors import ReaderError
from reader.errors import UnsupportedInput
from reader.extract import html_blocks
from reader.han import HAN
from reader.han import is_han_word
from reader.locate import INDEX_ATTR
from reader.locate import Place
from reader.locate import locate_sentences
from reader.model import Alignment
from reader.model import Document
from reader.model import Section
from reader.model import Sentence
from reader.normalize import NORMALIZER_VERSION
from reader.normalize import Normalized
from reader.normalize import normalize
from reader.normalize.numbers import read_digits
from reader.outline import outline
from reader.outline import outline_text
from reader.plaintext import text_blocks
from reader.sections import Outline
from reader.sections import build_outline
from reader.segment import CLAUSE_END
from reader.segment import split_sentences

__all__ = [
    "CLAUSE_END", "DOCX_MEDIA", "HAN", "INDEX_ATTR", "NORMALIZER_VERSION", "Alignment", "Document",
    "EmptyDocument", "InputTooLarge", "MAX_INPUT_BYTES", "MAX_TEXT_CHARS", "Normalized", "Place",
    "ReaderError", "Section", "Sentence", "UnsupportedInput", "is_han_word", "locate_sentences",
    "normalize", "outline", "outline_text", "read_bytes", "read_digits", "read_html", "read_text",
    "split_sentences",
]

MAX_INPUT_BYTES = 10 * 1024 * 1024
"""Larger HTML or byte inputs are refused: no article page comes near this."""
MAX_TEXT_CHARS = 2_000_000
"""Longer plain text is refused: about 200 hours of speech."""
_WORDISH = re.compile(rf"[\w{HAN}]")


def read_text(text: str, *, max_sentence_chars: int = 150) -> Document:
    """Read plain text (for example text scraped from a page) into a Document."""
    if not isinstance(text, str):
        raise UnsupportedInput(f"read_text needs str, not {type(text).__name__}")
    if len(text) > MAX_TEXT_CHARS:
        raise InputTooLarge(f"text has {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,}")
    return _document(text_blocks(text), max_sentence_chars, None)


def read_html(
    html: str | bytes,
    *,
    url: str | None = None,
    selector: str | None = None,
    max_sentence_chars: int = 150,
) -> Document:
    """Read an HTML page; bytes are decoded by their declared or detected charset."""
    if isinstance(html, bytes | bytearray):
        _check_size(len(html))
        html = decode_bytes(bytes(html))
    elif not isinstance(html, str):
        raise UnsupportedInput(f"read_html needs str or bytes, not {type(html).__name__}")
    _check_size(len(html))
    return _document(html_blocks(html, selector=selector), max_sentence_chars, url)


def read_bytes(
    data: bytes,
    *,
    filename: str | None = None,
    content_type: str | None = None,
    url: str | None = None,
) -> Document:
    """Read an uploaded or fetched file: a PDF or Word (.docx) attachment, HTML, or plain text."""
    if not isinstance(data, bytes | bytearray):
        raise UnsupportedInput(f"read_bytes needs bytes, not {type(data).__name__}")
    _check_size(len(data))
    data = bytes(data)
    if is_pdf(data):
        return _document(pdf_blocks(data), 150, url)
    if is_docx(data):
        return _document(docx_blocks(data), 150, url)
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise UnsupportedInput("a ZIP or old Office (.doc) file cannot be read; send PDF, DOCX, HTML or text")
    if (content_type or "").split(";")[0].strip().lower() == "application/octet-stream":
        raise UnsupportedInput("a binary file that is neither PDF nor DOCX cannot be read")
    text = decode_bytes(data, content_type=content_type)
    if looks_like_html(text, filename=filename, content_type=content_type):
        return _document(html_blocks(text), 150, url)
    return read_text(text)


def _check_size(size: int) -> None:
    if size > MAX_INPUT_BYTES:
        raise InputTooLarge(f"input is {size / 2**20:.1f} MiB; the limit is {MAX_INPUT_BYTES // 2**20} MiB")


def _document(page: Page, max_sentence_chars: int, url: str | None) -> Document:
    found = build_outline(page)
    sections = _sections(found, max_sentence_chars)
    if not sections:
        raise EmptyDocument("the page has no sentence that can be read aloud")
    return Document(found.title, sections, date=found.date, source=found.source, source_url=url)


def _sections(found: Outline, max_chars: int) -> tuple[Section, ...]:
    out: list[Section] = []
    next_id = 0
    for draft in found.sections:
        text = "\n".join(draft.paragraphs)
        sentences = _sentences(draft.paragraphs, max_chars, next_id)
        if sentences:
            out.append(Section(draft.heading, draft.level, text, sentences))
            next_id = sentences[-1].id + 1
    return tuple(out)


def _speak(shown: str) -> tuple[str, tuple[Alignment, ...]]:
    """The normalizer's reading of one sentence.

    A page must never fail to read because one sentence trips a normalizer rule, so an
    unexpected error there falls back to reading the sentence as written (no alignments,
    which keeps the model's invariants true).
    """
    try:
        result = normalize(shown)
    except ReaderError:
        raise
    except Exception:  # noqa: BLE001 - see the docstring: degrade one sentence, not the page.
        return shown, ()
    return result.spoken, tuple(result.alignments)


def _sentences(paragraphs: tuple[str, ...], max_chars: int, first_id: int) -> tuple[Sentence, ...]:
    """Segment each paragraph and normalize each sentence; offsets are into the joined text."""
    out: list[Sentence] = []
    offset, number = 0, 0
    for paragraph in paragraphs:
        before = len(out)
        for start, end in split_sentences(paragraph, max_chars):
            shown = paragraph[start:end]
            if _WORDISH.search(shown):
                spoken, alignments = _speak(shown)
                sid = first_id + len(out)
                out.append(Sentence(sid, shown, spoken, offset + start, offset + end, alignments, number))
        number += len(out) > before  # a paragraph with nothing to read is not counted
        offset += len(paragraph) + 1
    return tuple(out)
