"""The article's title, reconciled from every place a government page states it.

Markup names it (``<meta name=ArticleTitle>``, ``og:title``, JSON-LD ``headline``, ``<title>``
with the column and site name appended); the page shows it (an ``<h1>`` in a header band, a
``div.title``, a large centred line between the site name and the 文号 in old table layouts).
Any one source can be wrong: ``<title>`` may hold only the site name, the ``<h1>`` may be the
logo, the first heading inside the body may be ``一、总体要求``. So a shown line that markup
confirms wins, in its fuller form (an issuing-office prefix such as ``XX人民政府办公室`` stays);
then explicit metadata; then the most prominent shown line before the body; then ``<title>``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass

from reader import chrome
from reader import meta
from reader.dom import Element
from reader.dom import text_of
from reader.han import HAN
from reader.headings import numbering_style
from reader.plaintext import tidy

_SEPARATORS = re.compile(r"\s*(?:_{1,2}|\||｜|--|\s[-－—–]\s)\s*")
_TRAILING_DASH = re.compile(r"^(.{4,}?)[-－—–]([^-－—–]{2,30})$")
_SITE_ENDINGS = ("网", "网站", "门户", "门户网站", "平台", "政府", "官网", "首页", "政务网", "信息网")
_DOC_NUMBER = re.compile(r"[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*\d+\s*号"
                         rf"|^[{HAN}]{{1,8}}发?\s*\d{{4}}\s*\d+号")
_SENTENCE = re.compile(r"[。；;]|[：:]$|[，,].*[，,].*[，,]")  # news titles may hold a comma or two
_PORTAL = re.compile(r"欢迎|门户|首页|网站|官网|政务服务网|信息公开|目录|系统|平台|专栏|频道")
_FONT_PX = re.compile(r"font-size\s*:\s*(\d+(?:\.\d+)?)\s*(px|pt|em|rem)", re.I)
_CENTRED = re.compile(r"text-align\s*:\s*center", re.I)
_TITLEISH = re.compile(r"title|biaoti|bt\b|tit\b|headline", re.I)
_HEADLINE = re.compile(r'"headline"\s*:\s*"((?:[^"\\]|\\.){2,300})"')
_LINE_TAGS = frozenset({"h1", "h2", "h3", "h4", "p", "div", "td", "th", "span", "font", "b", "strong",
                        "center"})
_HEADING_SIZE = {"h1": 7.0, "h2": 6.0, "h3": 5.0, "h4": 4.0}  # a browser's sizes, plus one for meaning
_NAME = r"^\s*(?:文件|信息|文章|留言|来信|信件)?(?:名\s*称|标\s*题|题\s*名)"
_NAME_LABEL = re.compile(_NAME + r"\s*[:：]?\s*$")
_NAMED_LINE = re.compile(_NAME + r"\s*[:：]\s*(\S.*)$")
_NAME_HEAD = re.compile(r"[题称]")
_CRUMB_HINT = re.compile(r"[>»＞›→/]|位置")
_CJK = re.compile(f"[{HAN}]")
_SCAN_LIMIT = 1500  # line-like elements looked at: a title is never further down a page
_MIN, _MAX = 4, 100


@dataclass(frozen=True, slots=True)
class Markup:
    """What the page's markup says its title is (read before scripts and headers are removed)."""

    explicit: tuple[str, ...]
    """ArticleTitle, JSON-LD headline, og:title: in that order of trust."""
    page_title: str
    """``<title>`` with its column and site parts removed."""
    suffixed: bool
    """``<title>`` had such parts (标题_栏目_站名): what is left is most likely this page's own title."""
    site: str | None


@dataclass(frozen=True, slots=True)
class Shown:
    """A line the reader sees that may be the title, and how prominent it is."""

    text: str
    weight: float
    before_body: bool
    labelled: bool = False
    """Named by a 标题/名称 label (信息公开 or 留言 table): as explicit as ArticleTitle."""


def markup(doc: Element) -> Markup:
    """Title evidence from ``<head>`` and JSON-LD; call before the skip list is removed."""
    found = doc.find(".//title")
    raw = tidy(text_of(found)) if found is not None else ""
    site = meta.site_name(raw)
    names: dict[str, str] = {}
    for el in doc.iter("meta"):
        key = (el.get("name") or el.get("property") or "").lower()
        value = tidy(el.get("content") or "")
        if key in ("articletitle", "og:title", "twitter:title") and value:
            names.setdefault(key, value)
    for script in doc.iter("script"):
        if "ld+json" in (script.get("type") or "") and script.text and (m := _HEADLINE.search(script.text)):
            names.setdefault("headline", _unescape(m.group(1)))
    explicit = (names.get(k) for k in ("articletitle", "headline", "og:title", "twitter:title"))
    kept = tuple(strip_site(t, site) for t in explicit if t)
    own = strip_site(raw, site)
    return Markup(tuple(t for t in kept if _plausible(t, site)), own, own != raw, site)


def _unescape(text: str) -> str:
    try:
        return tidy(str(json.loads(f'"{text}"')))
    except ValueError:
        return tidy(text)


def strip_site(title: str, site: str | None = None) -> str:
    """``标题_栏目_站名``, ``标题 | 站名``, ``标题-XX市人民政府`` → ``标题``.

    The title comes first in these templates; a first part shorter than a title (通知) yields to
    the longest part.
    """
    text = tidy(title)
    parts = [p for p in _SEPARATORS.split(text) if p]
    if len(parts) > 1:
        content = [p for p in parts if not _site_like(p, site)] or parts[:1]
        text = content[0] if len(content[0]) >= 6 else max(content, key=len)
    m = _TRAILING_DASH.match(text)
    if m and _site_like(m.group(2), site):
        text = m.group(1).strip()
    return text


def _site_like(part: str, site: str | None) -> bool:
    return part == site or part.endswith(_SITE_ENDINGS) or (meta.is_authority(part) and len(part) <= 16)


def shown_lines(doc: Element, root: Element, extra: Iterable[Element]) -> list[Shown]:
    """Prominent short lines before the article's first paragraph (or at the top of the body).

    ``extra``: title-like elements removed with the page header (they stood above everything).
    Two plain lines count too: the one above a 文号, and the cell after a 名称 label.
    """
    out = [Shown(t, w + 1.0, True) for el in extra if (t := _line(el)) and (w := _weight(el)) > 0]
    previous: Shown | None = None
    labelled = False
    columns: set[str] = set()
    for el, text, inside in _candidates(doc, root):
        start = _text_upto(el, 20)
        named = _NAME_HEAD.search(start[:12]) is not None
        if named and el.tag in ("td", "th") and _NAME_LABEL.match(start):
            labelled = True  # 信息公开 table: the next cell holds the document's name
        elif named and el.tag in ("td", "th", "p", "div", "span") and (name := _named(el)):
            out.append(Shown(name, 3.0, True, True))  # 标　　题：… in one cell of the 信息公开 table
        elif text is None:
            if _CRUMB_HINT.search(crumb := _text_upto(el, 120)) and len(crumb) <= 120:
                columns |= chrome.crumb_columns(tidy(crumb))
            if previous is not None and meta.is_doc_number(_text_upto(el, 60)):
                out.append(Shown(previous.text, max(previous.weight, 3.0), previous.before_body))
                previous = None  # The line above the 文号 is the title, however plain.
        else:
            previous = Shown(text, max(_weight(el), 3.0 if labelled else 0.0), not inside, labelled)
            labelled = False
            if previous.weight > 0:
                out.append(previous)
    # A header's <h1> that names the column the breadcrumb also names (通知公告) is not this page's title.
    return [s for s in out if s.text not in columns]


def _named(el: Element) -> str | None:
    m = _NAMED_LINE.match(tidy(_text_upto(el, 2 * _MAX)))
    name = m.group(1).strip() if m else ""
    return name if _MIN <= len(name) <= _MAX and not _SENTENCE.search(name) else None


def _candidates(doc: Element, root: Element) -> Iterator[tuple[Element, str | None, bool]]:
    """Line-like elements in document order until the body's first paragraph: (element, its line
    if it could be a title, whether it is inside the article container)."""
    inside = False
    looked = 0
    for el in doc.iter():
        inside = inside or el is root  # Document order: what follows the container's start is in it.
        if el.tag not in _LINE_TAGS:
            continue
        looked += 1
        text = _line(el)
        # The article's own container is not its first paragraph (a 留言 form starts with its 标题 row).
        if looked > _SCAN_LIMIT or (text is None and inside and el is not root and _prose(el)):
            return  # The body has begun: the title stands before it.
        yield el, text, inside


def _prose(el: Element) -> bool:
    if el.tag not in ("p", "div", "td"):
        return False
    text = _text_upto(el, 2000)
    return 40 <= len(text) < 2000 and "。" in text


def _text_upto(el: Element, limit: int) -> str:
    """The element's text, or its first ``limit``+ characters: containers can hold a whole page."""
    parts: list[str] = []
    size = 0
    for piece in el.itertext():
        parts.append(piece)
        size += len(piece)
        if size > limit:
            break
    return "".join(parts)


def _line(el: Element) -> str | None:
    """The element's text when it could be a title line (short, not a sentence, not furniture)."""
    text = tidy(_text_upto(el, 4 * _MAX))
    if not _MIN <= len(text) <= _MAX or _SENTENCE.search(text) or _DOC_NUMBER.search(text):
        return None
    if chrome.is_chrome(text) or meta.meta_line(text) or meta.is_date_line(text) or numbering_style(text):
        return None
    if el.tag in ("h1", "h2"):
        return text  # A linked headline (<h1><a>标题</a></h1>) is still the headline.
    if any(a.tag == "a" for a in el.iterancestors()) or el.find(".//a") is not None:
        return None  # menus and link lists
    return text


def _weight(el: Element) -> float:
    """How prominent a line is: its size, boldness and centring (0: an ordinary line)."""
    size = _HEADING_SIZE.get(el.tag, 0.0)
    for node in (el, *list(el.iterancestors())[:2]):
        size = max(size, _font_size(node))
    bold = el.tag in ("b", "strong") or el.find(".//b") is not None or el.find(".//strong") is not None
    centred = any(_is_centred(node) for node in (el, *list(el.iterancestors())[:2]))
    named = bool(_TITLEISH.search(f"{el.get('class') or ''} {el.get('id') or ''}"))
    score = max(size - 3.0, 0.0) + (1.0 if bold else 0.0) + (1.0 if centred else 0.0)
    score += 2.0 if named else 0.0
    return score if score >= 2.0 or el.tag == "h1" else 0.0


def _font_size(el: Element) -> float:
    """An HTML ``<font size>`` (3 is normal) or a CSS font-size mapped onto the same scale."""
    if el.tag == "font" and (el.get("size") or "").strip().lstrip("+").isdigit():
        return float((el.get("size") or "").strip().lstrip("+"))
    m = _FONT_PX.search(el.get("style") or "")
    if not m:
        return 0.0
    value, unit = float(m.group(1)), m.group(2).lower()
    px = value * {"px": 1.0, "pt": 4 / 3, "em": 16.0, "rem": 16.0}[unit]
    return 3.0 + (px - 16.0) / 4.0


def _is_centred(el: Element) -> bool:
    return el.tag == "center" or (el.get("align") or "").lower() == "center" or bool(
        _CENTRED.search(el.get("style") or ""))


def reconcile(found: Markup, shown: list[Shown]) -> str | None:
    """The title: a shown line that markup confirms, else metadata, else the most prominent line.

    Without confirmation, ``<title>`` cut from 标题_站名 comes next; then a line as prominent as an
    ``<h1>`` before the body; then a whole ``<title>``; then lesser lines, before the body first.
    """
    lines = [s for s in shown if _plausible(s.text, found.site)]
    confirmed = _confirmed(found, lines)
    named = [t for t in found.explicit if len(t) >= 6]  # ArticleTitle=通知公告 names a column, not a page
    labelled = next((s.text for s in lines if s.labelled), None)
    if confirmed or named or labelled:
        return confirmed or (named[0] if named else labelled)
    own = _own_title(found)
    # Before the body a title-length line, then the one nearest the body, break ties.
    scored = [(s.weight + (1.0 if len(s.text) >= 8 else 0.0), i, s.text)
              for i, s in enumerate(lines) if s.before_body]
    before = max(scored, default=(0.0, 0, ""))
    inside = max((s for s in lines if not s.before_body), key=lambda s: s.weight, default=None)
    if own and (found.suffixed or before[0] < 4.0):
        return found.page_title
    if before[0] >= 3.0:
        return before[2]
    if inside is not None and inside.weight >= 3.0:
        return inside.text
    return found.page_title if _plausible(found.page_title, found.site) else None


def _confirmed(found: Markup, lines: list[Shown]) -> str | None:
    """A shown line that metadata or ``<title>`` also states, in the fuller of the two forms."""
    for line in sorted(lines, key=lambda s: (s.before_body, s.weight), reverse=True):
        for said in (*found.explicit, found.page_title):
            if said and agree(line.text, said):
                return _fuller(line.text, said)
    return None


def _fuller(a: str, b: str) -> str:
    """The longer of two agreeing statements, unless what it adds is a date or other non-words;
    never one cut short (``<title>`` truncated to 关于印发…的...)."""
    if _cut(a) != _cut(b):
        return b if _cut(a) else a
    short, long = sorted((a, b), key=lambda t: len(_compact(t)))
    extra = _compact(long).replace(_compact(short), "", 1)
    if meta.parse_date(extra) or not _CJK.search(extra):
        return short
    return long


def _cut(text: str) -> bool:
    return text.rstrip().endswith(("...", "…", "。。。"))


def _own_title(found: Markup) -> bool:
    """``<title>`` that names this page: longer than a column name (通知公告), whole (no …), and
    either cut from a 标题_站名 pattern or free of a portal's words (门户, 欢迎您)."""
    text = found.page_title
    if len(text) < 8 or text.endswith(("…", "...")) or not _plausible(text, found.site):
        return False
    return found.suffixed or not _PORTAL.search(text)


def agree(a: str, b: str) -> bool:
    """Two statements of one title: equal, or one holds most of the other (a prefix or suffix added)."""
    x, y = _compact(a), _compact(b).rstrip(".…")
    if not x or not y:
        return False
    short, long = sorted((x, y), key=len)
    return short in long and len(short) >= max(_MIN, 0.4 * len(long))


def _compact(text: str) -> str:
    return "".join(text.split())


def _plausible(text: str, site: str | None) -> bool:
    if not _MIN <= len(text) <= _MAX or text == site or chrome.is_chrome(text):
        return False
    if site and _compact(site) == _compact(text):
        return False
    if text.endswith(("网站", "门户", "政务网", "政府网", "政府信息公开")):
        return False
    return not (meta.is_authority(text) and len(text) <= 16)
