"""Where each sentence came from in the page it was read from: DOM places the widget can highlight.

The widget numbers the elements of the live page in document order (attribute ``data-bobao-n`` on a
copy it sends; the live page is never touched). A `Place` names one of those elements and, for text,
one *run* of it: the n-th non-blank run of text and comment nodes among the element's children
(comments and the widget's own nodes do not split a run, so neither the parser's comment removal
nor the widget's absence moves anything). Offsets inside a run count UTF-16 code units, as
JavaScript strings do. A whole element (a table cell, the title heading, an image) has no run.

Why numbering instead of child-index paths: lxml and browsers build different trees from the same
markup (``<tbody>``, misnested inline tags), but both keep the attribute on the element it was on.

How sentences are found: the title as a whole heading (never a 标题 cell of a metadata table); a
table row's sentence (``第1行：…``) as the cells of its row; any other sentence by its characters,
whitespace ignored, in the page's readable text (the extractor's skip list applied, metadata
tables and data cells left out), searched after the previous sentence first and then from the top,
so a reading order that differs from the page's does not lose its place. Then an image by its
alt text, and last any shown text (form tables read as ``label：value``, a 信息公开 box, a caption
row), the reader's joiners between cells allowed to be absent; the title last as a heading that
shows at least half of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field

from lxml import etree

from reader.dom import Element
from reader.dom import parse
from reader.dom import text_of
from reader.extract import is_unreadable
from reader.model import Document
from reader.tables import is_data_table
from reader.tables import is_meta_table
from reader.tables import table_rows

INDEX_ATTR = "data-bobao-n"
_BLANK = " \t\n\r\f"
_INVISIBLE = re.compile("[\x00-\x08\x0e-\x1f\x7f\u200b-\u200d\u2060\ufeff]")
_SPACE = re.compile(r"\s+")
_PREFIXES = (re.compile(r"^\d+\.\s*"), re.compile(r"^附件\d*[：:]"))
_JOINERS = "：:，,"  # what the reader puts between a label and its value, or between two cells
_TITLEISH = re.compile(r"title|biaoti|bt\b|headline", re.I)
_ROW_LINE = re.compile(r"^第\d+行：")
_READ, _META, _CELL, _HEAD, _GRID = 0, 1, 2, 3, 4
_ROWS = etree.XPath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
_CELLS = etree.XPath("./td|./th")


@dataclass(frozen=True, slots=True)
class Place:
    """Element ``node`` (its ``data-bobao-n``); with ``run``, the UTF-16 span of that text run."""

    node: int
    run: int | None = None
    start_units: int = 0
    end_units: int = 0

    def as_json(self) -> dict[str, int]:
        if self.run is None:
            return {"node": self.node}
        return {"node": self.node, "run": self.run, "start": self.start_units, "end": self.end_units}


Spot = tuple[int, int, int, int]  # node, run, start unit, end unit of one visible character


@dataclass(slots=True)
class _Stream:
    """The page's visible characters (whitespace left out), each with its place and zone."""

    chars: list[str] = field(default_factory=list)
    spots: list[Spot | None] = field(default_factory=list)
    zones: list[int] = field(default_factory=list)
    spans: dict[Element, tuple[int, int, int]] = field(default_factory=dict)  # el → start, end, zone
    rows: list[tuple[str, tuple[Place, ...], int]] = field(default_factory=list)
    images: list[tuple[str, int, int]] = field(default_factory=list)  # alt text, node, stream position


def locate_sentences(html: str, document: Document) -> dict[int, tuple[Place, ...]]:
    """Sentence id → its places in ``html``; empty when the page carries no element numbers."""
    if INDEX_ATTR not in html:
        return {}
    try:
        root = parse(html)
    except (etree.ParserError, ValueError):
        return {}
    if root is None:
        return {}
    stream = _Stream()
    _visit(root, stream, _READ)
    return _Finder(root, stream, document).run()


def _number(el: Element) -> int | None:
    value = el.get(INDEX_ATTR)
    return int(value) if value is not None and value.isdigit() else None


def _visit(el: Element, out: _Stream, zone: int) -> None:
    if not isinstance(el.tag, str) or is_unreadable(el):
        return
    tag = el.tag
    inner = _inner_zone(el, tag, zone)
    node = _number(el)
    if tag == "img" and node is not None and zone != _HEAD:
        out.images.append((_compact(el.get("alt") or el.get("title") or ""), node, len(out.chars)))
    start = len(out.chars)
    run = 0
    pieces: list[tuple[str | None, Element | None]] = [(el.text, None)]
    pieces += [(child.tail, child) for child in el]
    for text, child in pieces:
        if child is not None:
            _visit(child, out, inner)
        if text and text.strip(_BLANK):
            _add(out, text, node, run, inner)
            run += 1
    out.spans[el] = (start, len(out.chars), inner)
    if inner == _GRID and zone == _READ:
        _add_rows(el, out)


def _inner_zone(el: Element, tag: str, zone: int) -> int:
    if zone == _GRID:
        return _CELL if tag == "tr" else zone
    if zone != _READ:
        return zone
    if tag in ("head", "title"):
        return _HEAD
    if tag == "table" and el.find(".//table") is None and is_meta_table(el):
        return _META  # (a layout table around the 信息公开 box is not itself one)
    if tag == "table" and is_data_table(el):
        return _GRID  # decided once per table: its rows are cells, its caption is text
    return zone


def _add(out: _Stream, text: str, node: int | None, run: int, zone: int) -> None:
    unit = 0
    for ch in text:
        width = 2 if ord(ch) > 0xFFFF else 1
        if not ch.isspace() and not _INVISIBLE.match(ch):
            out.chars.append(ch)
            out.spots.append((node, run, unit, unit + width) if node is not None else None)
            out.zones.append(zone)
        unit += width


def _add_rows(table: Element, out: _Stream) -> None:
    """Pair the reader's row lines (``第N行：…``) with the rows' cells."""
    lines = [ln for ln in table_rows(table) if _ROW_LINE.match(ln)]
    rows = [r for r in _ROWS(table) if any(_compact(text_of(c)) for c in _CELLS(r))]
    while len(rows) > len(lines) + 1 and _filled_cells(rows[0]) == 1:
        rows = rows[1:]  # a title row across the table is read as the caption, not as a row
    if len(lines) == len(rows) - 1:
        rows = rows[1:]  # the header row is named in each line, not read as one
    if len(lines) != len(rows):
        return
    for line, row in zip(lines, rows, strict=True):
        numbered = [(c, _number(c)) for c in _CELLS(row) if _compact(text_of(c))]
        if any(n is None for _, n in numbered):
            continue
        cells = tuple(Place(n) for _, n in numbered if n is not None)
        out.rows.append((_compact(line), cells, out.spans.get(row, (0, 0, 0))[1]))


def _filled_cells(row: Element) -> int:
    return sum(1 for c in _CELLS(row) if _compact(text_of(c)))


def _compact(text: str) -> str:
    return _INVISIBLE.sub("", _SPACE.sub("", text))


class _Finder:
    """Assigns places to sentences: title, table rows, then text, each search order-tolerant."""

    def __init__(self, root: Element, stream: _Stream, document: Document) -> None:
        self.root, self.stream, self.document = root, stream, document
        zoned = list(zip(stream.chars, stream.zones, strict=True))
        self.text = "".join(c if z in (_READ, _GRID) else "\x00" for c, z in zoned)
        self.shown = "".join(c if z != _HEAD else "\x00" for c, z in zoned)
        self.cursor = 0
        self.row_at = 0

    def run(self) -> dict[int, tuple[Place, ...]]:
        out: dict[int, tuple[Place, ...]] = {}
        title = _compact(self.document.title)
        for sentence in self.document.sentences():
            key = _compact(sentence.text)
            if not key:
                continue
            found = None
            if key == title and sentence.id == 0:
                found = self._title(key)
            if found is None and _ROW_LINE.match(sentence.text):
                found = self._row(key)
            found = found or self._text(key) or self._row(key) or self._image(key) or self._anywhere(key)
            if found is None and sentence.id == 0:
                found = self._title(key, part=True)
            if found:
                out[sentence.id] = found
        return out

    def _title(self, key: str, part: bool = False) -> tuple[Place, ...] | None:
        """The title heading as a whole: an <h1>–<h6> or title-classed element with exactly that text.

        With ``part``, one showing at least half of it (the page's <h1> without the issuing office
        the reader found in the page's metadata and put back)."""
        heads = [el for el in self.root.iter("h1", "h2", "h3", "h4", "h5", "h6")]
        named = [el for el in self.root.iter() if isinstance(el.tag, str)
                 and _TITLEISH.search(f"{el.get('class') or ''} {el.get('id') or ''}")]
        for el in sorted(heads, key=lambda h: str(h.tag)) + named:
            span, node = self.stream.spans.get(el), _number(el)
            text = _compact(text_of(el))
            if span is None or span[2] != _READ or node is None or not _same_title(text, key, part):
                continue
            self.cursor = span[1]
            return (Place(node),)
        return None

    def _row(self, key: str) -> tuple[Place, ...] | None:
        rows = self.stream.rows
        order = list(range(self.row_at, len(rows))) + list(range(self.row_at))
        for i in order:
            line, cells, end = rows[i]
            if key in line:
                self.row_at = i + 1 if line.endswith(key) else i  # a long row may read as several
                self.cursor = max(self.cursor, end)
                return cells
        return None

    def _image(self, key: str) -> tuple[Place, ...] | None:
        """An image read by its alt text: the image itself."""
        for alt, node, at in self.stream.images:
            if alt == key:
                self.cursor = max(self.cursor, at)
                return (Place(node),)
        return None

    def _anywhere(self, key: str) -> tuple[Place, ...] | None:
        """Last resort: the characters in any shown zone (a form table's cells, a 信息公开 box, a
        caption row), letting the reader's joiners between label and value be absent on the page."""
        pieces = [re.escape(p) for p in re.split(f"[{_JOINERS}]", key) if p]
        if not pieces:
            return None
        pattern = re.compile(f"[{_JOINERS}]?".join(pieces))
        match = pattern.search(self.shown, self.cursor) or pattern.search(self.shown)
        if match is None:
            return None
        places = _places(self.stream.spots[match.start():match.end()])
        if places:
            self.cursor = match.end()
        return places or None

    def _text(self, key: str) -> tuple[Place, ...] | None:
        for variant in _variants(key):
            at = self.text.find(variant, self.cursor)
            if at < 0:
                at = self.text.find(variant)
            if at < 0:
                continue
            places = _places(self.stream.spots[at:at + len(variant)])
            if places:
                self.cursor = at + len(variant)
                return places
        return None


def _same_title(text: str, key: str, part: bool) -> bool:
    if not part:
        return text == key
    return len(text) * 2 >= len(key) and text in key


def _variants(key: str) -> list[str]:
    """The sentence, then without a prefix the reader added (``1. `` of an ``<ol>``, ``附件：``)."""
    out = [key]
    for prefix in _PREFIXES:
        bare = prefix.sub("", key, count=1)
        if bare != key and bare:
            out.append(bare)
    return out


def _places(spots: list[Spot | None]) -> tuple[Place, ...]:
    """Consecutive characters of one run merged into one place; nothing when any is unnumbered."""
    out: list[Place] = []
    for spot in spots:
        if spot is None:
            return ()
        node, run, start, end = spot
        last = out[-1] if out else None
        if last is not None and last.node == node and last.run == run:
            out[-1] = Place(node, run, last.start_units, end)
        else:
            out.append(Place(node, run, start, end))
    return tuple(out)
