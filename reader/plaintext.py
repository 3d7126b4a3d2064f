"""Plain text → blocks: one block per non-empty line, whitespace collapsed.

Text scraped from a government page keeps the page's furniture as lines of their own (menus,
breadcrumbs, toolbar words); `reader.sections` and `reader.chrome` remove them, so this module
only cuts lines and tidies whitespace.
"""

from __future__ import annotations

import re

from reader.blocks import Block
from reader.blocks import Page

_LINE_BREAKS = re.compile(r"\r\n|[\r\n\u2028\u2029\x0b\x0c\x85]")
# Control characters and invisible marks are deleted; str.split() then collapses every Unicode space
# (ASCII, no-break, ideographic) in C, which matters on 300 KB pages.
_INVISIBLE = re.compile("[\x00-\x08\x0e-\x1f\x7f\u200b-\u200d\u2060\ufeff]")


def tidy(text: str) -> str:
    """Collapse runs of whitespace to one space and drop control characters and zero-width marks."""
    return " ".join(_INVISIBLE.sub("", text).split())


def text_blocks(text: str) -> Page:
    """Each non-empty line of ``text`` as a paragraph block."""
    lines = (tidy(line) for line in _LINE_BREAKS.split(text))
    return Page(tuple(Block(line) for line in lines if line))
