"""Blueprint "demopage": ``/demo``, a government-style page with the 语音播报 widget embedded.

It lets anyone see the widget in one click from the player, with nothing to configure: the page
and ``/widget.js`` share Bobao's own origin, so no ``API_ALLOWED_ORIGINS`` entry is needed. The
article is the start of the bundled sample report, so the sentences the player has already
synthesized for the demo document come from the clip cache and play at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from flask import Blueprint
from flask import render_template

import reader
from web.core.services import DEMO_FILE
from web.openapi.operation import operation
from web.openapi.replies import html

bp = Blueprint("demopage", __name__)

DEMO_SECTIONS = 8  # the title block and the first headings: a page long enough to browse


@dataclass(frozen=True, slots=True)
class Block:
    """One element of the demo article: a heading level (1–4, 0 for a paragraph) and its text."""

    level: int
    text: str


@dataclass(frozen=True, slots=True)
class Article:
    title: str
    date: str | None
    blocks: tuple[Block, ...]


@bp.get("/demo")
@operation("A government-style page with the 语音播报 widget embedded (same origin, no setup).",
           responses={200: html("The demo host page.")})
def demo() -> str:
    """The host page: a district government's report with the widget in its toolbar."""
    return render_template("demo.html", article=demo_article())


@lru_cache(maxsize=1)
def demo_article() -> Article:
    """The first sections of the sample page, as headings and paragraphs (the reader's outline)."""
    text = resources.files("web").joinpath("demo", DEMO_FILE).read_text(encoding="utf-8")
    document = reader.read_text(text)
    blocks: list[Block] = []
    for section in document.sections[:DEMO_SECTIONS]:
        for paragraph in section.text.split("\n"):
            if paragraph == document.title:
                continue  # shown as the page's h1
            heading = paragraph == section.heading and section.level > 0
            blocks.append(Block(min(section.level + 1, 4) if heading else 0, paragraph))
    return Article(document.title, document.date, tuple(blocks))
