"""Pack spoken text into request-sized pieces at sentence, then clause, then character boundaries.

edge-tts cannot be trusted to split Chinese (a paragraph with no space or newline is sent whole,
and the service cuts a request at 10 minutes of audio), so remote engines split first. Sentences
are ``reader``'s (the one sentence splitter: it keeps ``3.14``, URLs and 《…》 whole); what is
added here is the byte budget, counted as the service counts (``measure``):

    split_text("第一句。第二句！", max_bytes=12) == ["第一句。", "第二句！"]
"""

from __future__ import annotations

from collections.abc import Callable

from reader import CLAUSE_END
from reader import split_sentences


def utf8_len(text: str) -> int:
    """Bytes in UTF-8."""
    return len(text.encode("utf-8"))


def split_text(text: str, *, max_bytes: int = 1500, measure: Callable[[str], int] = utf8_len) -> list[str]:
    """Pack ``text`` into pieces of at most ``max_bytes`` (as ``measure`` counts), cut at boundaries.

    Pieces are stripped; concatenated they give back ``text`` minus whitespace at the cuts.
    """
    if max_bytes < 8:
        raise ValueError("max_bytes must be at least 8")
    units: list[str] = []
    for sentence in _sentences(text):
        if measure(sentence) <= max_bytes:
            units.append(sentence)
            continue
        for clause in _clauses(sentence):
            units.extend(_hard_cut(clause, max_bytes, measure))
    return _pack(units, max_bytes, measure)


def _sentences(text: str) -> list[str]:
    """``text`` cut into sentences and at newlines; each keeps the spaces after it (nothing is lost)."""
    cuts = {0, len(text)}
    offset = 0
    for line in text.split("\n"):
        cuts.update(offset + start for start, _ in split_sentences(line, max_chars=len(line)))
        offset += len(line) + 1
        cuts.add(min(offset, len(text)))
    bounds = sorted(cuts)
    return [text[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if a < b]


def _clauses(sentence: str) -> list[str]:
    """An over-long sentence cut after each clause end (reader's ``CLAUSE_END``)."""
    bounds = [0, *(m.end() for m in CLAUSE_END.finditer(sentence)), len(sentence)]
    return [sentence[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if a < b]


def _hard_cut(text: str, max_bytes: int, measure: Callable[[str], int]) -> list[str]:
    """Cut between characters (never inside one) when no punctuation helps."""
    out: list[str] = []
    current = ""
    for char in text:
        if current and measure(current + char) > max_bytes:
            out.append(current)
            current = ""
        current += char
    if current:
        out.append(current)
    return out


def _pack(units: list[str], max_bytes: int, measure: Callable[[str], int]) -> list[str]:
    """Greedily join consecutive units while the piece stays within the budget."""
    pieces: list[str] = []
    current = ""
    for unit in units:
        if current and measure(current + unit) > max_bytes:
            pieces.append(current)
            current = ""
        current += unit
    pieces.append(current)
    return [p.strip() for p in pieces if p.strip()]
