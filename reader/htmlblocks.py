"""An lxml element → ordered text blocks: paragraphs, headings, list items, table rows.

The walk is iterative (an explicit stack), so deep markup cannot exhaust Python's stack. Inline
text is joined as written; a line break in the source between two CJK characters is dropped
rather than turned into a space, because Chinese puts no spaces between words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from reader.blocks import HEADING
from reader.blocks import ITEM
from reader.blocks import PARAGRAPH
from reader.blocks import Block
from reader.dom import Element
from reader.dom import text_of
from reader.plaintext import tidy
from reader.tables import is_data_table
from reader.tables import is_meta_table
from reader.tables import table_rows

BLOCK_TAGS = frozenset(
    "address article blockquote body center dd details dialog div dl dt fieldset figcaption figure "
    "header hr html li main ol p pre section summary table tbody td tfoot th thead tr ul caption".split()
)
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
ATTACHMENT = re.compile(r"\.(?:pdf|docx?|xlsx?|pptx?|wps|et|ofd|zip|rar|7z|txt|csv|ceb|tif)(?:[?#].*)?$",
                        re.I)
# Not ``reader.han.HAN``: a line break is dropped between any full-width characters (Han, CJK
# punctuation, kana, full-width forms), the way a browser renders wrapped Chinese source text.
_CJK = "[\u2e80-\u9fff\uff00-\uffef]"
_CJK_BREAK = re.compile(rf"(?<={_CJK})[ \t\u3000]*[\r\n]\s*(?={_CJK})")
_USELESS_ALT = re.compile(r"^(?:图片?|image|img|photo|pic|logo|icon|二维码|微信|微博|分享|打印|关闭|返回|"
                          r"\S+\.(?:jpe?g|png|gif|bmp|webp)|\d+)$", re.I)
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold|[6-9]00)", re.I)
_BOLD_CLASS = re.compile(r"\bbold\b|\bstrong\b|jiacu|font-?bold|\bfb\b", re.I)
# 附件： / 附件2： / 附件：1. / a bare 2. before the second file's link: the label of the link after it.
_ATTACHMENT_LEAD = re.compile(r"^(?:附\s*件\s*(?P<own>\d*)\s*[:：]?)?\s*(?:(?P<item>\d{1,2})\s*[.．、]?)?$")


class _Collector:
    """Accumulates inline text and cuts it into blocks at block boundaries."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._parts: list[str] = []
        self._link_chars = 0
        self._plain = False
        self.link_depth = 0
        self.bold_depth = 0

    def add(self, text: str | None) -> None:
        if text:
            self._parts.append(text)
            if self.link_depth:
                self._link_chars += len(text.strip())
            if not self.bold_depth and not self._plain:
                self._plain = not text.isspace()

    def flush(self) -> None:
        text = "".join(self._parts)
        text = tidy(_CJK_BREAK.sub("", text) if "\n" in text else text)
        mostly_links = self._link_chars >= 0.8 * len(text) and len(text) < 120
        bold = not self._plain
        self._parts, self._link_chars, self._plain = [], 0, False
        if text and not mostly_links:
            self.blocks.append(Block(text, bold=bold))

    def emit(self, text: str, kind: str, level: int = 0) -> None:
        self.flush()
        text = tidy(_CJK_BREAK.sub("", text) if "\n" in text else text)
        if text:
            self.blocks.append(Block(text, kind, level))

    def attachment_lead(self) -> str | None:
        """The 附件 label pending before an attachment link (附件2), "" for none, None if it is text."""
        pending = tidy("".join(self._parts))
        m = _ATTACHMENT_LEAD.match(pending)
        if m is None:
            return None
        number = m.group("own") or m.group("item") or ""
        return f"附件{number}" if pending else ""

    def drop_pending(self) -> None:
        self._parts, self._link_chars, self._plain = [], 0, False


def element_blocks(root: Element) -> list[Block]:
    """The blocks of ``root`` in reading order."""
    out = _Collector()
    _walk(root, out)
    out.flush()
    return out.blocks


def _walk(root: Element, out: _Collector) -> None:
    stack: list[tuple[Element, bool]] = [(root, False)]
    while stack:
        el, leaving = stack.pop()
        tag = el.tag if isinstance(el.tag, str) else ""
        if leaving:
            _leave(el, tag, out, el is root)
            continue
        if not tag or not _special(el, tag, out):
            if tag in BLOCK_TAGS:
                out.flush()
            if tag == "a":
                out.link_depth += 1
            if _is_bold(el, tag):
                out.bold_depth += 1
            if tag:
                out.add(el.text)
            stack.append((el, True))
            stack.extend((child, False) for child in reversed(el))
            continue
        if el is not root:
            out.add(el.tail)


def _leave(el: Element, tag: str, out: _Collector, is_root: bool) -> None:
    if tag in BLOCK_TAGS:
        out.flush()
    if tag == "a":
        out.link_depth -= 1
    if _is_bold(el, tag):
        out.bold_depth -= 1
    if not is_root:
        out.add(el.tail)


def _is_bold(el: Element, tag: str) -> bool:
    if tag in ("strong", "b"):
        return True
    if tag not in ("span", "font", "p"):
        return False
    style, names = el.get("style"), el.get("class")
    return bool((style and _BOLD_STYLE.search(style)) or (names and _BOLD_CLASS.search(names)))


def _special(el: Element, tag: str, out: _Collector) -> bool:
    """Handle elements that make their own blocks; False means walk into it as usual."""
    if tag == "br":
        out.flush()
    elif tag in _HEADINGS:
        out.emit(text_of(el), HEADING, _HEADINGS[tag])
    elif tag == "img":
        alt = tidy(el.get("alt") or el.get("title") or "")
        if alt and not _USELESS_ALT.match(alt) and not _has_caption(el):
            out.emit(alt, ITEM)
    elif tag == "a" and ATTACHMENT.search(el.get("href") or ""):
        _attachment(el, out)
    elif tag in ("ul", "ol"):
        _list(el, out)
    elif tag == "table" and is_meta_table(el):
        pass
    elif tag == "table" and is_data_table(el):
        out.flush()
        for row in table_rows(el):
            out.emit(row, ITEM)
    else:
        return False
    return True


def _has_caption(img: Element) -> bool:
    """An image whose ``<figure>`` has a caption: the caption is read, the alt would repeat it."""
    figure = next((a for a in img.iterancestors() if a.tag == "figure"), None)
    return figure is not None and figure.find(".//figcaption") is not None


def _attachment(el: Element, out: _Collector) -> None:
    """``<a href="x.pdf">name</a>`` → 附件：name (the file itself is not read)."""
    name = tidy(text_of(el)) or (el.get("href") or "").rsplit("/", 1)[-1]
    lead = out.attachment_lead()
    if lead is not None:
        out.drop_pending()
    out.emit(name if name.startswith("附件") else f"{lead or '附件'}：{name}", ITEM)


def _list(el: Element, out: _Collector) -> None:
    """List items in order, numbered as the browser would number an ``<ol>``."""
    out.flush()
    number = _start(el)
    for item in _items(el):
        inner = element_blocks(item)
        prefix = f"{number}. " if el.tag == "ol" else ""
        for i, block in enumerate(inner):
            text = prefix + block.text if i == 0 else block.text
            out.blocks.append(Block(text, ITEM if block.kind == PARAGRAPH else block.kind, block.level))
        number += 1


def _start(el: Element) -> int:
    try:
        return int(el.get("start") or 1)
    except ValueError:
        return 1


def _items(el: Element) -> Iterator[Element]:
    for child in el:
        if isinstance(child.tag, str) and child.tag == "li":
            yield child
