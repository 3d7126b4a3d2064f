"""Choosing the article container: block scoring with text and link density, plus CMS hints.

Each *text holder* (a ``<p>``-like element, or any element with its own run of text, as in
``<br>``-only bodies) scores by its length and punctuation, as Readability does; the score goes
to the holder's container in full and to the container's parent at half. A container's score
is then scaled by how little of its text is links, and nudged by class/id names that CMS
templates use for article bodies (TRS_Editor, zoom, article, content…) or for furniture.
"""

from __future__ import annotations

import re

from lxml import etree

from reader.dom import Element
from reader.dom import text_of

# List items are left out on purpose: on portal pages they are overwhelmingly menus and link lists,
# and an article's own lists sit among its paragraphs, which carry the score.
_PARA_TAGS = frozenset({"p", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"})
_CONTAINERS = frozenset({"div", "td", "article", "section", "main", "body", "center", "tbody", "form", "ul"})
_STRONG_HINT = re.compile(r"trs_editor|\bzoom\b|\bconTxt\b|\barticle[-_]?(?:content|body|con)\b|\bzwnr\b",
                          re.I)
_GOOD_HINT = re.compile(r"article|content|detail|main|\btext\b|\bbody\b|zhengwen|\bzw\b|news_?con|\bwz\b|"
                        r"\bxl\b|view|\bpages?_?con|con_?text|neirong|\bnr\b", re.I)
_BAD_HINT = re.compile(r"nav|menu|foot|header|\bhead\b|sidebar|\bside\b|comment|share|related|xgxx|xglj|link|"
                       r"banner|crumb|position|location|weizhi|copyright|qrcode|ewm|toolbar|\bprint\b|pager|"
                       r"fenye|\bad\b|advert|login|search|hot|rank|list|tab", re.I)
_PUNCT = re.compile(r"[，。、；：,;！？]")
_SHORTLIST = 12
_INLINE = frozenset(
    {"span", "font", "b", "strong", "em", "i", "u", "small", "big", "sup", "sub", "label", "ins"}
)
_LINK_TEXT = etree.XPath(".//a//text()", smart_strings=False)


def best_container(doc: Element) -> Element:
    """The element most likely to hold the article; ``<body>`` when nothing stands out."""
    body = doc.find("body")
    root = body if body is not None else doc
    scores: dict[Element, float] = {}
    for el in root.iter(*_PARA_TAGS, *_CONTAINERS):
        text = text_of(el) if el.tag in _PARA_TAGS else _own_text(el)
        if len(text) < 20 or len(text.strip()) < 20:
            continue
        gain = 1 + len(_PUNCT.findall(text)) + min(len(text) / 100, 3)
        container = el if el.tag in _CONTAINERS else _container_above(el)
        for share, target in ((1.0, container), (0.5, _container_above(container))):
            if target is not None:
                scores[target] = scores.get(target, 0.0) + gain * share
    if not scores:
        return root
    return _best(scores)


def _best(scores: dict[Element, float]) -> Element:
    """Highest (score + bonus) × (1 − link density); link density is costly, so branch and bound."""
    ranked = sorted(((scores[el] + _bonus(el), el) for el in scores), key=lambda pair: pair[0], reverse=True)
    best, best_value = ranked[0][1], float("-inf")
    for upper, el in ranked[:_SHORTLIST]:
        if upper <= best_value:
            break  # The density factor is at most 1: no later candidate can win.
        value = upper * (1 - _link_density(el))
        if value > best_value:
            best, best_value = el, value
    return best


def _container_above(el: Element | None) -> Element | None:
    """The nearest ancestor that can be an article container."""
    parent = el.getparent() if el is not None else None
    while parent is not None and parent.tag not in _CONTAINERS:
        parent = parent.getparent()
    return parent


def _bonus(el: Element) -> float:
    """Class and id names CMS templates give to article bodies (+) and to furniture (−)."""
    names = f"{el.get('class', '')} {el.get('id', '')}"
    if _STRONG_HINT.search(names):
        return 50.0
    if _GOOD_HINT.search(names):
        return 25.0
    return -25.0 if _BAD_HINT.search(names) else 0.0


def _link_density(el: Element) -> float:
    """Share of the element's visible characters that sit inside links (computed in C by XPath)."""
    total = len("".join(text_of(el).split()))
    if total <= 0:
        return 1.0
    linked = len("".join("".join(_LINK_TEXT(el)).split()))
    return min(1.0, linked / total)


def _own_text(el: Element) -> str:
    """Text directly inside ``el``, counting inline children (``<span>``, ``<font>``…) but not blocks."""
    parts = [el.text or ""]
    for child in el:
        if child.tag in _INLINE:
            parts.append(text_of(child))
        parts.append(child.tail or "")
    return "".join(parts)
