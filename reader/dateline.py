"""The date line a page shows under its title (``发布时间：2025-03-12``), as a line to read.

Broadcast mode reads the title, then this line, then the body (issue 17). It is the line as the
page shows it, cut to its date and that date's label: the time, 来源, 浏览次数 or 字号 of the same
line are not part of it. Only a line near the title counts: looked for in the few elements that
follow the title's element, before the body's first sentence, so the signature's date (落款) never
is. A date in a form row (留言时间 | 2025-03-02 in a multi-cell row) is read with its row instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from reader import meta
from reader.dom import Element
from reader.dom import text_of
from reader.han import HAN

_LINES = frozenset("div p li dd dt td th h2 h3 h4 h5 h6 section header span time font small em".split())
_LINE_CHARS = 150
_LOOKAHEAD = 10
_SPACE = re.compile(r"[\s\u3000\xa0]+")
_LABEL = re.compile(r"([" + HAN + r"]{0,4}(?:日期|时间))\s*[:：]\s*$")
_PROSE = re.compile(r"[。！？]\s*$")
_TIME = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\b")
_WORD = re.compile(r"[\W_]+")


def shown_date_line(doc: Element, banded: Iterable[Element], title: str | None,
                    date: str | None) -> str | None:
    """The date line under ``title`` in the page, or in the removed header band that held one of the
    ``banded`` headings (the band is not read, but its title and date line are the page's)."""
    wanted = _compact(title or "")
    if not wanted:
        return None
    bands = dict.fromkeys(([*el.iterancestors()] or [el])[-1] for el in banded)
    for top in [doc, *bands]:
        elements = [el for el in top.iter() if isinstance(el.tag, str)]
        heads = [i for i, el in enumerate(elements) if _is_title(el, wanted)]
        for i in heads[:3]:
            if line := _after(elements, i, date):
                return line
    return None


def _compact(text: str) -> str:
    return _WORD.sub("", text)


def _is_title(el: Element, wanted: str) -> bool:
    first = _compact(el.text or "")
    if not first or first not in wanted:
        return False  # cheap: a title element's first text is part of the title (no text_of per element)
    text = _compact(text_of(el))
    return text == wanted or (2 * len(text) >= len(wanted) and len(text) >= 6 and text in wanted)


def _after(elements: list[Element], at: int, date: str | None) -> str | None:
    """The first line with a date among the elements after ``elements[at]``'s subtree."""
    inside = set(elements[at].iter())
    seen = 0
    for el in elements[at + 1:]:
        if el in inside:
            continue
        own = _SPACE.sub("", el.text or "")
        if len(own) >= 40 or _PROSE.search(own):
            return None  # the body has begun
        seen += bool(own)
        if seen > _LOOKAHEAD:
            return None
        text = _SPACE.sub(" ", text_of(el)).strip()
        if el.tag not in _LINES or len(text) > _LINE_CHARS or not _meta_like(text):
            continue
        if _in_form_row(el):
            return None
        return _cut(text, date)
    return None


def _meta_like(text: str) -> bool:
    """A line of metadata with a date (``发布时间：… 来源：…``, ``2025-10-28　临江区卫生健康局``), not a
    sentence of the body that happens to hold one."""
    if not meta.parse_date(text):
        return False
    if meta.meta_line(text) is not None or meta.is_date_line(text) or meta.dated_byline(text):
        return True
    spans = meta.date_spans(text)
    if any(_LABEL.search(text[:start]) for start, _ in spans):
        return True  # 南府办发〔2025〕21号　发布日期：2025-06-12　打印
    rest = text
    for start, end in reversed(spans):
        rest = rest[:start] + " " + rest[end:]
    rest = _TIME.sub(" ", rest).strip()
    return meta.is_authority(rest)


def _in_form_row(el: Element) -> bool:
    """A cell of a row of several filled cells: a form field, read with its row."""
    cell = next((a for a in [el, *el.iterancestors()] if a.tag in ("td", "th")), None)
    row = cell.getparent() if cell is not None else None
    if row is None:
        return False
    return sum(1 for c in row if c.tag in ("td", "th") and text_of(c).strip()) > 1


def _cut(text: str, date: str | None) -> str | None:
    """The date as shown (the one equal to the publication date, else the first), with its label."""
    spans = meta.date_spans(text)
    if not spans:
        return None
    start, end = next(((s, e) for s, e in spans if meta.parse_date(text[s:e]) == date), spans[0])
    shown = _SPACE.sub("", text[start:end])
    label = _LABEL.search(text[:start])
    return _SPACE.sub("", label.group(0)) + shown if label else shown
