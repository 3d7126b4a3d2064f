"""Attachments (附件): PDF and Word (.docx) files → blocks, like a page.

Government pages attach the document itself as PDF or DOCX. Both are read from bytes (no files,
no network):

* **PDF** through PDFium (``pypdfium2``). A PDF has lines, not paragraphs: the lines of a paragraph
  are hard-wrapped at the page width, so they are joined back (``reflow``): a line that fills the
  measure continues on the next one, even across a page break; a short line ends its paragraph.
  Page numbers (``- 2 -``, ``第 2 页``, ``2/5``) are dropped.
* **DOCX** from ``word/document.xml``: one block per paragraph, ``Heading N``/``标题 N`` styles as
  headings, ``Title``/``标题`` as the title, table rows as "第N行：cell；cell".
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass

from reader.blocks import HEADING
from reader.blocks import ITEM
from reader.blocks import Block
from reader.blocks import Page
from reader.errors import EmptyDocument
from reader.errors import UnsupportedInput
from reader.headings import numbering_style
from reader.plaintext import tidy
from reader.tables import grid_lines
from reader.tables import labels_row

DOCX_MEDIA = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PAGE_NUMBER = re.compile(r"^(?:[-—–－\s]*\d{1,4}[-—–－\s]*"
                          r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
                          r"|\d{1,4}\s*/\s*\d{1,4})$")
_FULL = 0.85  # a line this close to the measure was wrapped, not ended
_SENTENCE_END = tuple("。！？；：…”’」』")
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*([1-6])$", re.IGNORECASE)
_TITLE_STYLE = re.compile(r"^(?:title|标题)$", re.IGNORECASE)
_MAX_DOCX_XML = 50 * 1024 * 1024  # a zip bomb must not inflate into memory


def is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(b"%PDF-")


def is_docx(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def pdf_blocks(data: bytes) -> Page:
    """The text of every page, hard-wrapped lines joined back into paragraphs."""
    try:
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(data)
    except ImportError as exc:
        raise UnsupportedInput(f"reading PDF needs pypdfium2: {exc}") from exc
    except Exception as exc:  # PDFium reports damage with its own error class
        raise UnsupportedInput(f"not a readable PDF: {exc}") from exc
    try:
        lines = [line for index in range(len(pdf)) for line in _page_lines(pdf[index])]
    finally:
        pdf.close()
    if not lines:
        raise EmptyDocument("the PDF has no text layer (a scan?); it cannot be read aloud without OCR")
    return Page(tuple(Block(paragraph) for paragraph in reflow(lines)))


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a PDF page; ``indented`` when it starts a character or more right of the margin."""

    text: str
    indented: bool = False


def _page_lines(page: object) -> list[Line]:
    textpage = page.get_textpage()  # type: ignore[attr-defined]
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count)
    # Character boxes are indexed in UTF-16 units; with characters beyond the BMP the indices of
    # the Python string drift, so indentation is not measured on such a page.
    measurable = len(text) == count
    found: list[tuple[str, float, float]] = []  # text, left edge, glyph width
    start = 0
    for match in re.finditer(r"\r?\n|$", text):
        raw = text[start:match.start()]
        line = tidy(raw)
        if line and not _PAGE_NUMBER.match(line):
            left, width = 0.0, 0.0
            if measurable:
                x0, _, x1, _ = textpage.get_charbox(start + len(raw) - len(raw.lstrip()))
                left, width = x0, x1 - x0
            found.append((line, left, width))
        start = match.end()
    if not found or not measurable:
        return [Line(line) for line, _, _ in found]
    margin = min(left for _, left, _ in found)
    glyph = sorted(width for _, _, width in found)[len(found) // 2]
    return [Line(line, glyph > 0 and left > margin + 0.9 * glyph) for line, left, _ in found]


def reflow(lines: list[Line]) -> list[str]:
    """Join hard-wrapped lines back into paragraphs.

    A paragraph ends after a line that stops short of the measure, before an indented line (首行
    缩进), and before a numbered heading (``2. ``, ``（三）``) that follows a finished sentence.
    """
    if not lines:
        return []
    widths = sorted(_width(line.text) for line in lines)
    measure = widths[int(0.9 * (len(widths) - 1))]
    paragraphs: list[str] = []
    current = ""
    for index, line in enumerate(lines):
        current += line.text if not current or _cjk_join(current, line.text) else " " + line.text
        following = lines[index + 1] if index + 1 < len(lines) else None
        if following is None or _ends_paragraph(line.text, following, measure):
            paragraphs.append(current)
            current = ""
    return paragraphs


def _ends_paragraph(text: str, following: Line, measure: float) -> bool:
    if _width(text) < _FULL * measure or following.indented:
        return True
    return text.endswith(_SENTENCE_END) and numbering_style(following.text) is not None


def _width(line: str) -> float:
    """Width in full-width characters: Latin letters, digits and ASCII punctuation are half as wide."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in line)


def _cjk_join(before: str, after: str) -> bool:
    """Chinese wraps without a space; Latin words wrapped across a line need one."""
    return not (before[-1].isascii() and before[-1].isalnum() and after[0].isascii() and after[0].isalnum())


def docx_blocks(data: bytes) -> Page:
    """Paragraphs, headings (by style) and tables of a Word document."""
    from lxml import etree

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            document = _read_member(archive, "word/document.xml")
            has_styles = "word/styles.xml" in archive.namelist()
            styles = _read_member(archive, "word/styles.xml") if has_styles else b""
        root = etree.fromstring(document, parser=etree.XMLParser(resolve_entities=False, no_network=True))
        names = _style_names(etree.fromstring(styles)) if styles else {}
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as exc:
        raise UnsupportedInput(f"not a readable Word document: {exc}") from exc
    body = root.find(f"{_W}body")
    blocks = list(_docx_body(body if body is not None else root, names))
    return Page(tuple(blocks))


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    # Read at most the limit, whatever size the zip header claims: a zip bomb stops here.
    with archive.open(name) as member:
        data = member.read(_MAX_DOCX_XML + 1)
    if len(data) > _MAX_DOCX_XML:
        raise UnsupportedInput(f"{name} is too large to be a document")
    return data


def _style_names(styles: object) -> dict[str, str]:
    """Style id → style name (``"1"`` → ``"heading 1"`` in a Chinese Word)."""
    names: dict[str, str] = {}
    for style in styles.iter(f"{_W}style"):  # type: ignore[attr-defined]
        name = style.find(f"{_W}name")
        if name is not None:
            names[style.get(f"{_W}styleId", "")] = name.get(f"{_W}val", "")
    return names


def _docx_body(body: object, names: dict[str, str]) -> Iterator[Block]:
    for child in body:  # type: ignore[attr-defined]
        if child.tag == f"{_W}p":
            block = _docx_paragraph(child, names)
            if block is not None:
                yield block
        elif child.tag == f"{_W}tbl":
            yield from _docx_table(child)


def _docx_paragraph(paragraph: object, names: dict[str, str]) -> Block | None:
    text = tidy(_run_text(paragraph.iter()))  # type: ignore[attr-defined]
    if not text:
        return None
    style = paragraph.find(f"{_W}pPr/{_W}pStyle")  # type: ignore[attr-defined]
    name = names.get(style.get(f"{_W}val", ""), style.get(f"{_W}val", "")) if style is not None else ""
    heading = _HEADING_STYLE.match(name.strip())
    if heading:
        return Block(text, HEADING, int(heading.group(1)) + 1)  # the title is the one level-1 heading
    if _TITLE_STYLE.match(name.strip()):
        return Block(text, HEADING, 1)
    return Block(text)


def _run_text(nodes: Iterable[object]) -> str:
    parts: list[str] = []
    for node in nodes:
        tag = getattr(node, "tag", "")
        if tag == f"{_W}t":
            parts.append(getattr(node, "text", None) or "")
        elif tag in (f"{_W}tab", f"{_W}br"):
            parts.append(" ")
    return "".join(parts)


def _docx_table(table: object) -> Iterator[Block]:
    rows = [[tidy(_run_text(cell.iter())) for cell in row.iter(f"{_W}tc")]
            for row in table.iter(f"{_W}tr")]  # type: ignore[attr-defined]
    for line in grid_lines(rows, header=labels_row(rows)):
        yield Block(line, ITEM)
