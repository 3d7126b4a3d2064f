"""Other extractors, measured on the same pages as Bobao: trafilatura and newspaper4k.

Both are optional and installed for the benchmark only (``pip install trafilatura newspaper4k``);
they are never dependencies of Bobao. Each rival returns what it extracted in one shape: the
title, the lines it marks as headings (None when it has no notion of headings) and its text.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from xml.etree import ElementTree


@dataclass(frozen=True, slots=True)
class Extracted:
    title: str
    headings: tuple[str, ...] | None
    text: str


def available() -> dict[str, Callable[[str], Extracted]]:
    """The rivals that import here, by name; missing ones are left out (the bench says so)."""
    found: dict[str, Callable[[str], Extracted]] = {}
    try:
        import trafilatura  # noqa: F401
    except ImportError:
        pass
    else:
        found["trafilatura"] = trafilatura_extract
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import newspaper  # noqa: F401
    except ImportError:
        pass
    else:
        logging.getLogger("jieba").setLevel(logging.WARNING)
        found["newspaper4k"] = newspaper_extract
    return found


def trafilatura_extract(html: str) -> Extracted:
    """trafilatura's XML output: ``<head>`` elements are its headings."""
    import trafilatura

    xml = trafilatura.extract(html, output_format="xml", include_formatting=True, with_metadata=True)
    if not xml:
        return Extracted("", (), "")
    root = ElementTree.fromstring(xml)
    heads = tuple("".join(h.itertext()).strip() for h in root.iter("head"))
    body = "\n".join("".join(el.itertext()).strip() for el in root.iter() if el.tag in ("p", "head", "item"))
    return Extracted(root.get("title") or "", heads, body)


def trafilatura_text(html: str) -> str | None:
    """trafilatura's plain extraction, as its users call it (for timing)."""
    import trafilatura

    result: str | None = trafilatura.extract(html)
    return result


def newspaper_extract(html: str) -> Extracted:
    """newspaper4k parses given HTML without fetching; it has no heading markup."""
    from newspaper import Article

    article = Article("https://www.example.gov.cn/article.html", language="zh")
    article.download(input_html=html)
    article.parse()
    return Extracted(article.title or "", None, article.text or "")
