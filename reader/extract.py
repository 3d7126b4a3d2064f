"""HTML → the article's blocks and metadata.

Steps: parse with lxml; refuse absurd nesting; remove what must never be read (the skip list:
scripts, navigation, forms, toolbars, ``[hidden]``, ``[aria-hidden=true]``, ``data-tts-skip``
and the skip classes other read-aloud tools honour); pick the article container (author markup
``data-tts-only`` or a CSS selector first, else `reader.scoring`); walk it into blocks.
"""

from __future__ import annotations

import re

from lxml import etree

from reader import meta
from reader import title
from reader.blocks import ITEM
from reader.blocks import Block
from reader.blocks import Page
from reader.dateline import shown_date_line
from reader.dom import Element
from reader.dom import drop
from reader.dom import parse
from reader.dom import text_of
from reader.errors import EmptyDocument
from reader.errors import UnsupportedInput
from reader.htmlblocks import ATTACHMENT
from reader.htmlblocks import element_blocks
from reader.plaintext import tidy
from reader.scoring import best_container
from reader.selector import select

MAX_DEPTH = 200
_SKIP_TAGS = frozenset(
    "script style noscript template nav aside footer button select option input textarea iframe frame "
    "frameset object embed applet svg canvas audio video map area dialog menu head link meta base".split()
)
_SKIP_CLASSES = frozenset({"rs_skip", "rs_preserve_skip", "no-read-aloud", "trinity-skip-it", "sr-only"})
_INVISIBLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# A path of MAX_DEPTH + 1 steps: evaluated in C, it finds over-deep elements in one pass.
_TOO_DEEP = etree.XPath("boolean(/" + "/".join(["*"] * (MAX_DEPTH + 1)) + ")")
_NOTABLE = frozenset({"class", "id", "style", "hidden", "aria-hidden", "data-tts-skip"})
_TTS_ONLY = etree.XPath("//*[@data-tts-only]")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.I)
_SOURCE_ANYWHERE = re.compile(r"(?:来源|信息来源|发布机构)\s*[:：]\s*([^\s|｜:：<>]{2,30})")
_DATE_LABELS = ("发布时间", "发布日期", "成文日期", "日期", "时间")
_SHORT_CELLS = etree.XPath("(//td | //th)[string-length(normalize-space()) <= 8]")
# 成文日期 is the signature's date, not the publication date.
_PUBLISHED_LABELS = ("发布日期", "发布时间", "公开日期")
_LABEL_JUNK = re.compile(r"[\s:：\u3000]")
_META_DATES = ("pubdate", "publishdate", "firstpublishedtime", "article:published_time", "date", "dc.date")
_META_SOURCES = ("contentsource", "source", "article:author")


def html_blocks(html: str, *, selector: str | None = None) -> Page:
    """Parse ``html`` and return the article's blocks with the metadata found around them."""
    doc = _parse(html)
    _check_depth(doc)
    said = title.markup(doc)
    date, source = _meta_date_source(doc)
    header_titles = _remove_unreadable(doc)
    roots = _roots(doc, selector, "data-tts-only" in html)
    blocks: list[Block] = []
    for root in roots:
        blocks.extend(element_blocks(root))
    blocks.extend(_nearby_attachments(roots, blocks))
    found = title.reconcile(said, title.shown_lines(doc, roots[0], header_titles))
    date = date or _date_near(roots[0])
    line = shown_date_line(doc, header_titles, found, date)
    return Page(tuple(blocks), title=found, date=date, source=source, date_line=line)


def _parse(html: str) -> Element:
    text = _XML_DECL.sub("", html, count=1)
    if not text.strip():
        raise EmptyDocument("the HTML is empty")
    try:
        doc = parse(text)
    except (etree.ParserError, ValueError) as exc:
        raise EmptyDocument(f"the HTML holds no document: {exc}") from exc
    if doc is None:
        raise EmptyDocument("the HTML holds no elements")
    return doc


def _check_depth(doc: Element) -> None:
    """Refuse markup nested deeper than any real page (and than our recursion allows)."""
    if _TOO_DEEP(doc):
        raise UnsupportedInput(f"the HTML is nested more than {MAX_DEPTH} levels deep")


def _remove_unreadable(doc: Element) -> list[Element]:
    """Drop the skip list from the tree; return the headings of a dropped page header (title evidence)."""
    doomed = list(doc.iter(etree.Comment, etree.ProcessingInstruction, *_SKIP_TAGS))
    for el in doc.iter():  # One pass over every element, so it must stay cheap.
        if _NOTABLE.isdisjoint(el.keys()):
            continue  # Most elements carry no attribute at all, or only href/src.
        if _maybe_skipped(el) and _skipped(el):
            doomed.append(el)
    doomed += [f for f in doc.iter("form") if len(text_of(f)) < 300]
    headers = [h for h in doc.iter("header") if not any(a.tag == "article" for a in h.iterancestors())]
    for el in doomed:
        if el.getparent() is not None:
            drop(el)
    # A header band's <h1> is often the article's title; the band itself (logo, menu) is not read.
    kept = [el for h in headers if h.getparent() is not None for el in h.iter("h1", "h2")]
    for el in headers:
        if el.getparent() is not None:
            drop(el)
    return kept[:20]


def is_unreadable(el: Element) -> bool:
    """True for an element the skip list removes (its tail text stays): what `reader.locate` skips too."""
    return el.tag in _SKIP_TAGS or (_maybe_skipped(el) and _skipped(el))


def _maybe_skipped(el: Element) -> bool:
    """A cheap first look with ``get`` (no attribute-dict proxies): this runs on every element."""
    get = el.get
    if get("hidden") is not None or get("aria-hidden") is not None or get("data-tts-skip") is not None:
        return True
    names, style = get("class"), get("style")
    return bool((names and ("skip" in names or "read-aloud" in names or "sr-only" in names))
                or (style and ("none" in style or "hidden" in style)))


def _skipped(el: Element) -> bool:
    if el.tag in _SKIP_TAGS:
        return True
    attrs = el.attrib
    if "hidden" in attrs or attrs.get("aria-hidden") == "true" or _INVISIBLE.search(attrs.get("style", "")):
        return True
    if "data-tts-skip" in attrs and attrs.get("data-tts-skip") != "false":
        return True
    return bool(_SKIP_CLASSES.intersection((attrs.get("class") or "").split()))


def _roots(doc: Element, selector: str | None, marked: bool) -> list[Element]:
    """The article containers: author-marked, selected, or scored. ``marked``: the page uses data-tts-only."""
    only = _TTS_ONLY(doc) if marked else []
    if only:
        return [el for el in only if not any("data-tts-only" in a.attrib for a in el.iterancestors())]
    if selector:
        chosen = select(doc, selector)
        if chosen:
            return chosen
    return [best_container(doc)]


def _meta(doc: Element, names: tuple[str, ...]) -> str | None:
    for el in doc.iter("meta"):
        key = (el.get("name") or el.get("property") or "").lower()
        if key in names and tidy(el.get("content") or ""):
            return tidy(el.get("content") or "")
    return None


def _meta_date_source(doc: Element) -> tuple[str | None, str | None]:
    """Date and source from ``<meta>`` tags, else from a labelled date anywhere on the page."""
    date = meta.parse_date(_meta(doc, _META_DATES) or "")
    source = _meta(doc, _META_SOURCES)
    text = text_of(doc) if date is None or source is None else ""
    if date is None:
        for label in _DATE_LABELS:
            m = re.search(rf"{label}\s*[:：]\s*([^\n]{{6,24}})", text)
            if m and (date := meta.parse_date(m.group(1))):
                break
    date = date or _date_in_cells(doc)
    if source is None:
        m = _SOURCE_ANYWHERE.search(text)
        source = m.group(1) if m else None
    return date, source


def _date_in_cells(doc: Element) -> str | None:
    """A date in a 信息公开 table, where the label (发布日期) and the value sit in neighbouring cells."""
    found: dict[str, str] = {}
    for cell in _SHORT_CELLS(doc):
        label = _LABEL_JUNK.sub("", text_of(cell))
        following = cell.getnext()
        if label in _PUBLISHED_LABELS and label not in found and following is not None:
            if date := meta.parse_date(text_of(following)):
                found[label] = date
    return next((found[label] for label in _PUBLISHED_LABELS if label in found), None)


def _date_near(root: Element) -> str | None:
    """A date in a short element just before the article container (the byline under the title)."""
    for level, el in enumerate([root, *root.iterancestors()]):
        if level > 3:
            break
        for sibling in list(el.itersiblings(preceding=True))[:6]:
            text = text_of(sibling)
            if len(text) < 200 and (date := meta.parse_date(text)):
                return date
    return None


def _nearby_attachments(roots: list[Element], blocks: list[Block]) -> list[Block]:
    """Attachment links placed just outside the article container (a common CMS layout)."""
    parent = roots[0].getparent() if len(roots) == 1 else None
    if parent is None or parent.tag in ("body", "html"):
        return []  # Links anywhere on the page are a download centre, not this article's files.
    seen = {b.text for b in blocks}
    inside = set(roots[0].iter("a"))
    out: list[Block] = []
    for link in parent.iter("a"):
        if link in inside or not ATTACHMENT.search(link.get("href") or ""):
            continue
        name = tidy(text_of(link)) or (link.get("href") or "").rsplit("/", 1)[-1]
        text = name if name.startswith("附件") else f"附件：{name}"
        if text not in seen:
            out.append(Block(text, ITEM))
            seen.add(text)
    return out if len(out) <= 10 else []
