"""The rule engine: leftmost, then longest, then inventory order; spoken text and alignments in one pass.

Speed comes from searching little: only windows around "islands" (runs of characters outside Chinese
script and punctuation: digits, symbols, Latin) are searched, and only by rules whose required
characters occur in the window. Each rule keeps its next match and searches again only when the
cursor overtakes it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from reader.han import HAN
from reader.model import Alignment


@dataclass(frozen=True, slots=True)
class Rule:
    """A semantic class: ``pattern`` captures raw fields, ``verbalize`` speaks one match."""

    name: str
    pattern: re.Pattern[str]
    verbalize: Callable[[re.Match[str]], str]
    # The rule can only match a text holding one of these characters ("0" stands for any digit);
    # empty means always try. Skipping rules up front is what makes long texts fast.
    requires: frozenset[str] = frozenset()
    # A second such set, needed as well: a dotted date (3.15晚会) needs both a point and a cue word.
    also: frozenset[str] = frozenset()


@cache
def load_table(name: str) -> dict[str, str]:
    """Read ``data/<name>.tsv`` (``written<TAB>spoken``, ``#`` comments) once per process."""
    text = resources.files("reader.normalize").joinpath(f"data/{name}.tsv").read_text("utf-8")
    table: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        written, _, spoken = line.partition("\t")
        table[written] = spoken
    return table


def alternation(words: Sequence[str]) -> str:
    """A regex matching any of ``words``, longest first (``km/h`` before ``km``).

    Built as a prefix tree, so the regex engine tries one branch per character instead of
    every word in turn: word lists of 100+ entries stay cheap to scan.
    """
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_regex(trie)


def _trie_regex(node: dict) -> str:  # type: ignore[type-arg]
    ends = "" in node
    branches = [re.escape(ch) + _trie_regex(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    # Greedy optional tail: the longer word is tried before stopping at the shorter one.
    return f"(?:{body})?" if ends else body


def _next(rule: Rule, text: str, pos: int, endpos: int) -> re.Match[str] | None:
    match = rule.pattern.search(text, pos, endpos)
    # An empty match would never advance the cursor; no rule means one, so skip it.
    while match is not None and match.end() == match.start():
        if match.start() >= endpos:
            return None
        match = rule.pattern.search(text, match.start() + 1, endpos)
    return match


def lead(chars: str, pattern: str, flags: int = 0) -> re.Pattern[str]:
    """Compile ``pattern`` behind a lookahead for the characters a match can start with (``\\d`` allowed).

    Most patterns open with a lookbehind (no digit before the number), which keeps the regex engine
    from skipping ahead to a possible first character; tried at every position instead, a search
    costs about three times as much. The lookahead gives it that character set back.
    """
    return re.compile(f"(?=[{chars}])(?:{pattern})", flags)


def needs(chars: str) -> frozenset[str]:
    """A ``requires`` set; ``0`` in ``chars`` means any decimal digit of any script."""
    return frozenset(chars)


# Every match holds at least one character outside Chinese script, spaces and punctuation (a digit,
# a symbol, a Latin letter), so only windows around such "islands" are searched. An island of
# punctuation alone (the ASCII commas and brackets of a scraped page) holds nothing to read.
_SEA = HAN + r"\s，。、；？！“”‘’《》"
_QUIET = r",.;:：!?()（）'\"…〈〉"
_LOUD = rf"[^{_SEA}{_QUIET}][^{_SEA}]*"
# Context kept on each side of an island: the longest cue or suffix a rule reads (邮政编码：, 个百分点).
_PAD = 12
# Islands closer than two paddings on one line share a window, so they are found as one cluster by
# the regex engine instead of one by one in Python.
_GAP = rf"(?:[^\S\n]|[{HAN}，。、；？！“”‘’《》{_QUIET}]){{0,{2 * _PAD}}}"
_ISLAND = re.compile(rf"[{_QUIET}]*{_LOUD}(?:{_GAP}{_LOUD})*")


def _windows(text: str) -> list[tuple[int, int]]:
    """Half-open search windows: islands padded by context, merged, never crossing a line break."""
    windows: list[tuple[int, int]] = []
    for island in _ISLAND.finditer(text):
        line_start = text.rfind("\n", 0, island.start()) + 1
        line_end = text.find("\n", island.end())
        line_end = len(text) if line_end < 0 else line_end
        lo = max(line_start, island.start() - _PAD)
        hi = min(line_end, island.end() + _PAD)
        # A number alone on its line (a date under a signature) needs its whole line in view.
        if text[line_start : island.start()].isspace() or line_start == island.start():
            lo = line_start
        if text[island.end() : line_end].isspace() or island.end() == line_end:
            hi = line_end
        if windows and lo <= windows[-1][1] and text.find("\n", windows[-1][0], hi) < 0:
            windows[-1] = (windows[-1][0], max(hi, windows[-1][1]))
        else:
            windows.append((lo, hi))
    return windows


_ASCII_DIGITS = frozenset("0123456789")


class _Selector:
    """The rules a window can match, remembered by the window's relevant characters.

    Windows repeat the same few character mixes (digits and 年, digits and %), so the filter over
    every rule's ``requires`` runs once per mix instead of once per window.
    """

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = rules
        self.relevant = frozenset().union(*(rule.requires | rule.also for rule in rules))
        self.memo: dict[frozenset[str], list[Rule]] = {}

    def active(self, window: str) -> list[Rule]:
        present = set(window)
        if not present.isdisjoint(_ASCII_DIGITS) or any(ch.isdecimal() for ch in present):
            present.add("0")
        key = self.relevant.intersection(present)
        found = self.memo.get(key)
        if found is None:
            found = [rule for rule in self.rules if _may_match(rule, key)]
            if len(self.memo) > 4096:  # bounded, whatever the input
                self.memo.clear()
            self.memo[key] = found
        return found


def _may_match(rule: Rule, present: frozenset[str]) -> bool:
    return all(not need or not need.isdisjoint(present) for need in (rule.requires, rule.also))


# Selectors by rule sequence; the sequence is kept alongside so a recycled id() is never mistaken.
_SELECTORS: dict[int, tuple[Sequence[Rule], _Selector]] = {}


def _selector(rules: Sequence[Rule]) -> _Selector:
    if not isinstance(rules, tuple):  # a list may change between calls: nothing to remember
        return _Selector(rules)
    entry = _SELECTORS.get(id(rules))
    if entry is not None and entry[0] is rules:
        return entry[1]
    if len(_SELECTORS) > 64:
        _SELECTORS.clear()
    selector = _Selector(rules)
    _SELECTORS[id(rules)] = (rules, selector)
    return selector


# Full-width digits, letters and a few operators are matched as their ASCII twins. The fold is one
# character for one, so offsets into the folded copy are offsets into the original text.
_LATIN = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_FOLD = str.maketrans(
    # Also the full-width point (２．５), the wave dash (3〜5) and the Unicode hyphens (‐ ﹣).
    "０１２３４５６７８９％＋－／．〜‐﹣" + "".join(chr(ord(c) + 0xFEE0) for c in _LATIN),
    "0123456789%+-/.~--" + _LATIN,
)


def rewrite(text: str, rules: Sequence[Rule]) -> tuple[str, tuple[Alignment, ...]]:
    """Apply ``rules`` to ``text``; return the spoken text and one alignment per rewrite."""
    original, text = text, text.translate(_FOLD)
    parts: list[str] = []
    alignments: list[Alignment] = []
    cursor = 0
    shift = 0  # len(spoken so far) - len(text consumed so far)
    selector = _selector(rules)
    for lo, hi in _windows(text):
        lo = max(lo, cursor)
        if lo >= hi:
            continue
        active = selector.active(text[lo:hi])
        if not active:
            continue
        pending = [rule.pattern.search(text, lo, hi) for rule in active]
        for index, match in enumerate(pending):
            if match is not None and match.end() == match.start():
                pending[index] = _next(active[index], text, lo, hi)
        while True:
            best = -1
            best_key = (hi + 1, 0)
            for index, match in enumerate(pending):
                if match is None:
                    continue
                if match.start() < cursor:
                    match = pending[index] = _next(active[index], text, cursor, hi)
                    if match is None:
                        continue
                key = (match.start(), -match.end())
                if key < best_key:
                    best, best_key = index, key
            if best < 0:
                break
            chosen = pending[best]
            assert chosen is not None
            spoken = active[best].verbalize(chosen)
            start, end = chosen.span()
            parts.append(original[cursor:start])
            parts.append(spoken)
            spoken_start = start + shift
            alignments.append(
                Alignment(active[best].name, start, end, spoken_start, spoken_start + len(spoken))
            )
            shift += len(spoken) - (end - start)
            cursor = end
            pending[best] = _next(active[best], text, cursor, hi)
    parts.append(original[cursor:])
    return "".join(parts), tuple(alignments)
