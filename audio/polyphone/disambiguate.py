"""Choosing each polyphone's reading in a run of Han characters: data, then rules, then pypinyin.

Order of authority for a character, strongest first:

1. the site lexicon (the caller passes its pins; they are never touched);
2. a word of our data that lies inside one jieba word or spans whole jieba words (首都, 以人民为中心);
3. a context rule over jieba's part-of-speech tags (说/得/好, 认真/地/做好);
4. a word of our data that crosses a jieba boundary (背着/书包 → 背着书包 when jieba split it oddly);
5. pypinyin's reading of the jieba word (its phrase dictionary, then the character's first reading).

Among data words covering a character, one aligned with jieba's words beats one that is not,
then the longer one, then the one that starts first: 增长|效益 keeps 增长 zhǎng over 长效 cháng.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from audio.polyphone.data import PolyphoneData
from audio.polyphone.rules import Context
from audio.polyphone.rules import Token
from audio.polyphone.rules import reading_by_rule


@dataclass(frozen=True, slots=True)
class _Match:
    start: int
    end: int
    syllable: str
    aligned: bool


def context_token(run: str, kind: str) -> Token:
    """A stand-in for a non-Han run next to a Han one: numbers are numerals to the rules."""
    return Token(run, "m" if kind == "number" else "x")


class Disambiguator:
    """Stateless over calls; build once per data (the default data loads in a few milliseconds)."""

    def __init__(self, data: PolyphoneData | None = None) -> None:
        self.data = data if data is not None else PolyphoneData.default()

    @property
    def version(self) -> str:
        return self.data.version

    def resolve(
        self,
        tokens: Sequence[Token],
        guessed: Sequence[Sequence[str]],
        pinned: Sequence[Sequence[str | None]],
        *,
        left: Sequence[Token] = (),
        right: Sequence[Token] = (),
    ) -> list[list[str]]:
        """Per token, one syllable per character.

        ``guessed`` is pypinyin's reading of each token, ``pinned`` the site lexicon's slots
        (None where it says nothing); both have one entry per character of each token. ``left``
        and ``right`` are the clause's words beyond this run of Han characters (a quoted phrase,
        a number), seen by the rules only: 以“绿色发展”为主题, 总额为5亿元.
        """
        text = "".join(t.word for t in tokens)
        clause = [*left, *tokens, *right]
        bounds, owner = _boundaries(tokens)
        out = [list(g) for g in guessed]
        position = 0
        for index, token in enumerate(tokens):
            for offset, char in enumerate(token.word):
                at = position + offset
                if pinned[index][offset] is not None:
                    out[index][offset] = pinned[index][offset] or out[index][offset]
                elif char in self.data.readings:
                    ctx = Context(clause, len(left) + index, offset)
                    chosen = self._choose(text, at, bounds, owner, ctx)
                    if chosen is not None:
                        out[index][offset] = chosen
            position += len(token.word)
        return out

    def _choose(
        self, text: str, at: int, bounds: frozenset[int], owner: list[int], ctx: Context
    ) -> str | None:
        match = self._best_match(text, at, bounds, owner)
        if match is not None and match.aligned:
            return match.syllable
        by_rule = reading_by_rule(ctx)
        if by_rule is not None:
            return by_rule
        return match.syllable if match is not None else None

    def _best_match(self, text: str, at: int, bounds: frozenset[int], owner: list[int]) -> _Match | None:
        best: _Match | None = None
        longest = self.data.max_word_chars
        for start in range(max(0, at - longest + 1), at + 1):
            for end in range(min(len(text), start + longest), at, -1):
                pins = self.data.words.get(text[start:end])
                if pins is None:
                    continue
                syllable = dict(pins).get(at - start)
                if syllable is None:
                    continue
                aligned = (start in bounds and end in bounds) or owner[start] == owner[end - 1]
                candidate = _Match(start, end, syllable, aligned)
                if best is None or _rank(candidate) > _rank(best):
                    best = candidate
                break  # the longest word from this start has been seen
        return best


def _rank(match: _Match) -> tuple[bool, int, int]:
    return match.aligned, match.end - match.start, -match.start


def _boundaries(tokens: Sequence[Token]) -> tuple[frozenset[int], list[int]]:
    """Offsets where a jieba word starts or ends, and which word owns each character."""
    bounds = {0}
    owner: list[int] = []
    position = 0
    for index, token in enumerate(tokens):
        owner.extend([index] * len(token.word))
        position += len(token.word)
        bounds.add(position)
    return frozenset(bounds), owner
