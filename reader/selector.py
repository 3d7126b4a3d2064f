"""A per-site CSS selector that overrides the automatic choice of the article container.

lxml translates CSS through the cssselect package when it is installed; without it, simple
selectors (``tag``, ``#id``, ``.class``, ``tag.class#id`` and descendant chains of those) are
translated here, which covers the per-site rules operators write.
"""

from __future__ import annotations

import re

from lxml import etree

from reader.dom import Element
from reader.errors import UnsupportedInput

_SIMPLE = re.compile(r"^(?P<tag>[A-Za-z][\w-]*|\*)?(?P<rest>(?:[.#][\w-]+)*)$")


def select(doc: Element, selector: str) -> list[Element]:
    """Elements matching ``selector``, outermost only, in document order."""
    try:
        found = list(doc.xpath(_to_xpath(selector)))
    except etree.XPathError as exc:
        raise UnsupportedInput(f"the CSS selector {selector!r} is not valid: {exc}") from exc
    chosen = set(found)
    return [el for el in found if not any(a in chosen for a in el.iterancestors())]


def _to_xpath(selector: str) -> str:
    try:
        from cssselect import GenericTranslator
        from cssselect import SelectorError
    except ImportError:
        return "|".join(_simple_xpath(part) for part in selector.split(","))
    try:
        return GenericTranslator().css_to_xpath(selector)
    except SelectorError as exc:
        raise UnsupportedInput(f"the CSS selector {selector!r} is not valid: {exc}") from exc


def _simple_xpath(selector: str) -> str:
    steps = []
    for compound in selector.split():
        m = _SIMPLE.match(compound)
        if m is None or compound == "":
            raise UnsupportedInput(f"the CSS selector {selector!r} needs the cssselect package")
        tests = []
        for kind, name in re.findall(r"([.#])([\w-]+)", m["rest"]):
            if kind == "#":
                tests.append(f"@id='{name}'")
            else:
                tests.append(f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')")
        predicate = "".join(f"[{t}]" for t in tests)
        steps.append(f"{m['tag'] or '*'}{predicate}")
    if not steps:
        raise UnsupportedInput("the CSS selector is empty")
    return "descendant-or-self::" + "//".join(steps)
