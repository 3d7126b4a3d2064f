"""The intermediate form between a page and its sections: ordered text blocks plus metadata."""

from __future__ import annotations

from dataclasses import dataclass

PARAGRAPH = "p"
HEADING = "heading"   # an <h1>–<h6>; ``level`` says which
ITEM = "item"         # a list item, table row, attachment or image text: never a heading


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph-like run of text, whitespace already collapsed, never containing ``"\\n"``."""

    text: str
    kind: str = PARAGRAPH
    level: int = 0
    """1–6 for ``<h1>``–``<h6>``; 0 otherwise."""
    bold: bool = False
    """All of the text is bold (``<strong>``, ``<b>``): a heading where the page uses such lines so."""


@dataclass(frozen=True, slots=True)
class Page:
    """What an extractor found: the article's blocks and any metadata seen outside them."""

    blocks: tuple[Block, ...]
    title: str | None = None
    """A title known from markup (``<meta>``/``<title>``), not yet checked against the blocks."""
    date: str | None = None
    source: str | None = None
    date_line: str | None = None
    """The date line shown under the title, as shown (``发布时间：2025-03-12``): read after the title."""
