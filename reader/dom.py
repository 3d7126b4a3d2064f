"""The few lxml operations `reader` needs, on plain ``etree`` elements.

Plain ``etree`` elements (not ``lxml.html.HtmlElement``) are used because lxml.html looks up a
Python class for every element it hands out, which costs a third of the time on large pages.
"""

from __future__ import annotations

import re
from typing import TypeAlias

from lxml import etree

Element: TypeAlias = etree._Element
_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, default_doctype=False)
_STRING = etree.XPath("string()", smart_strings=False)
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def parse(html: str) -> Element | None:
    """Parse an HTML document; None when there is no element at all."""
    root: Element | None = etree.fromstring(html, _PARSER)
    return root


def text_of(el: Element) -> str:
    """All text inside ``el`` (not its tail), in document order."""
    return str(_STRING(el))


def drop(el: Element) -> None:
    """Remove ``el`` and its children but keep its tail text in place."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        # The parser keeps control characters that lxml refuses on assignment; they are never read.
        if previous is not None:
            previous.tail = _XML_UNSAFE.sub("", (previous.tail or "") + el.tail)
        else:
            parent.text = _XML_UNSAFE.sub("", (parent.text or "") + el.tail)
    parent.remove(el)
