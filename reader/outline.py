"""The document outline for people and scripts: what ``bobao sections`` prints."""

from __future__ import annotations

from typing import Any

from reader.model import Document


def outline(doc: Document) -> dict[str, Any]:
    """A JSON-able outline: title, date, source and sections with their sentences."""
    return {
        "title": doc.title,
        "date": doc.date,
        "source": doc.source,
        "sections": [
            {
                "heading": section.heading,
                "level": section.level,
                "sentences": [{"text": s.text, "spoken": s.spoken} for s in section.sentences],
            }
            for section in doc.sections
        ],
    }


def outline_text(doc: Document) -> str:
    """The outline indented by level, one sentence per line, for reading in a terminal."""
    lines = [f"# {doc.title}"]
    lines += [f"date: {doc.date}"] if doc.date else []
    lines += [f"source: {doc.source}"] if doc.source else []
    for section in doc.sections:
        indent = "  " * section.level
        lines.append(f"{indent}[{section.level}] {section.heading or '—'}")
        for sentence in section.sentences:
            lines.append(f"{indent}  · {sentence.text}")
            if sentence.spoken != sentence.text:
                lines.append(f"{indent}    ↳ {sentence.spoken}")
    return "\n".join(lines) + "\n"
