"""Shared helpers for the reader tests: fixture pages and their expected outlines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import reader

DATA = Path(__file__).parent / "data"
HTML = DATA / "html"
EXPECTED = DATA / "expected"
SAMPLE = Path(__file__).parents[2] / "web" / "demo" / "jiangbei-2023-fazhi-report.txt"
CASES: dict[str, dict[str, Any]] = json.loads((DATA / "cases.json").read_text(encoding="utf-8"))
PAGES = sorted(HTML.glob("*.html"))
TEXTS = [SAMPLE, *sorted((DATA / "text").glob("*.txt"))]


def read_fixture(path: Path) -> reader.Document:
    """Read a fixture page with the options its cases.json entry gives."""
    options = {k: v for k, v in CASES.get(path.name, {}).items() if k in ("selector", "url")}
    return reader.read_html(path.read_bytes(), **options)


def read_sample(path: Path = SAMPLE) -> reader.Document:
    """Read a plain-text page (by default the sample report)."""
    return reader.read_text(path.read_text(encoding="utf-8"))


def shape(doc: reader.Document) -> dict[str, Any]:
    """The outline without spoken text (spoken belongs to the normalizer's own tests)."""
    data = reader.outline(doc)
    return {
        "title": data["title"],
        "date": data["date"],
        "source": data["source"],
        "sections": [
            {"heading": s["heading"], "level": s["level"], "sentences": [x["text"] for x in s["sentences"]]}
            for s in data["sections"]
        ],
    }


def all_documents() -> list[Any]:
    """Every fixture read once, as pytest params named after the file."""
    docs = [pytest.param(read_fixture(p), id=p.name) for p in PAGES]
    return docs + [pytest.param(read_sample(p), id=p.name) for p in TEXTS]
