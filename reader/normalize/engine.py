"""The rule engine: leftmost, then longest, then inventory order; spoken text and alignments in one pass.

Every rule keeps its own next match; only rules whose cached match was overtaken by the cursor
search again, so a 1 MB text costs each rule about one linear scan.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from reader.model import Alignment


@dataclass(frozen=True, slots=True)
class Rule:
    """A semantic class: ``pattern`` captures raw fields, ``verbalize`` speaks one match."""

    name: str
    pattern: re.Pattern[str]
    verbalize: Callable[[re.Match[str]], str]


@cache
def load_table(name: str) -> dict[str, str]:
    """Read ``data/<name>.tsv`` (``written<TAB>spoken``, ``#`` comments) once per process."""
    text = resources.files("reader.normalize").joinpath("data", f"{name}.tsv").read_text("utf-8")
    table: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        written, _, spoken = line.partition("\t")
        table[written] = spoken
    return table


def alternation(words: Sequence[str]) -> str:
    """A regex alternation trying longer words first, so ``km/h`` wins over ``km``."""
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


def _next(rule: Rule, text: str, pos: int) -> re.Match[str] | None:
    match = rule.pattern.search(text, pos)
    # An empty match would never advance the cursor; no rule means one, so skip it.
    while match is not None and match.end() == match.start():
        if match.start() >= len(text):
            return None
        match = rule.pattern.search(text, match.start() + 1)
    return match


def rewrite(text: str, rules: Sequence[Rule]) -> tuple[str, tuple[Alignment, ...]]:
    """Apply ``rules`` to ``text``; return the spoken text and one alignment per rewrite."""
    pending = [_next(rule, text, 0) for rule in rules]
    parts: list[str] = []
    alignments: list[Alignment] = []
    cursor = 0
    out_len = 0
    while True:
        best = -1
        best_key = (len(text) + 1, 0)
        for index, match in enumerate(pending):
            if match is None:
                continue
            if match.start() < cursor:
                match = pending[index] = _next(rules[index], text, cursor)
                if match is None:
                    continue
            key = (match.start(), -match.end())
            if key < best_key:
                best, best_key = index, key
        if best < 0:
            break
        chosen = pending[best]
        assert chosen is not None
        spoken = rules[best].verbalize(chosen)
        start, end = chosen.span()
        parts.append(text[cursor:start])
        out_len += start - cursor
        parts.append(spoken)
        alignments.append(Alignment(rules[best].name, start, end, out_len, out_len + len(spoken)))
        out_len += len(spoken)
        cursor = end
        pending[best] = _next(rules[best], text, cursor)
    parts.append(text[cursor:])
    return "".join(parts), tuple(alignments)
