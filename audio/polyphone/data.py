"""The polyphone word data: which reading a polyphonic character takes inside a word or collocation.

``audio/data/polyphones.tsv`` lists, per character and reading, the words in which the character
has that reading (``得	de2	取得 获得 …``). Parsing turns it around into word → pinned syllables,
so that one word may pin several characters (好恶 → hào wù). A word listed under two readings of
the same character is an error, caught at load rather than resolved by file order.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from audio.errors import LexiconError
from reader import is_han_word

_SYLLABLE = re.compile(r"^[a-z]+[1-5]$")
RESOURCE = "polyphones.tsv"

Pins = tuple[tuple[int, str], ...]
"""``(offset in the word, toned syllable)`` for each polyphonic character the word decides."""


@dataclass(frozen=True, slots=True)
class PolyphoneData:
    """Word → pinned readings, and the readings covered per character."""

    words: Mapping[str, Pins]
    readings: Mapping[str, tuple[str, ...]]
    version: str
    max_word_chars: int

    @property
    def characters(self) -> frozenset[str]:
        return frozenset(self.readings)

    @classmethod
    def parse(cls, text: str, *, source: str = "<polyphones>") -> PolyphoneData:
        """Parse the TSV; raises LexiconError naming the line of the first bad entry."""
        pins: dict[str, dict[int, str]] = {}
        readings: dict[str, list[str]] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.split("#", 1)[0].strip():
                continue
            where = f"{source}:{number}"
            char, syllable, words = _fields(line, where)
            if syllable not in readings.setdefault(char, []):
                readings[char].append(syllable)
            for word in words:
                _pin(pins.setdefault(word, {}), word, char, syllable, where)
        frozen = {word: tuple(sorted(slots.items())) for word, slots in pins.items()}
        canonical = "\n".join(f"{w}\t{p}" for w, p in sorted(frozen.items()))
        return cls(
            words=MappingProxyType(frozen),
            readings=MappingProxyType({c: tuple(r) for c, r in readings.items()}),
            version=hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12],
            max_word_chars=max((len(w) for w in frozen), default=0),
        )

    @classmethod
    def default(cls) -> PolyphoneData:
        """The data shipped with Bobao (``audio/data/polyphones.tsv``)."""
        resource = importlib.resources.files("audio") / "data" / RESOURCE
        return cls.parse(resource.read_text(encoding="utf-8"), source=f"audio/data/{RESOURCE}")


def _fields(line: str, where: str) -> tuple[str, str, list[str]]:
    fields = [field.strip() for field in line.split("#", 1)[0].split("\t")]
    if len(fields) != 3:
        raise LexiconError(f"{where}: expected 'char<TAB>reading<TAB>words', got {line[:40]!r}")
    char, syllable, words = fields[0], fields[1], fields[2].split()
    if len(char) != 1 or not is_han_word(char):
        raise LexiconError(f"{where}: {char!r} is not one Chinese character")
    if not _SYLLABLE.match(syllable):
        raise LexiconError(f"{where}: {syllable!r} needs letters and a tone digit 1-5")
    return char, syllable, words


def _pin(slots: dict[int, str], word: str, char: str, syllable: str, where: str) -> None:
    if not is_han_word(word) or char not in word:
        raise LexiconError(f"{where}: {word!r} is not Chinese characters containing {char!r}")
    for offset, ch in enumerate(word):
        if ch != char:
            continue
        if slots.get(offset, syllable) != syllable:
            raise LexiconError(f"{where}: {word!r} gives {char!r} both {slots[offset]} and {syllable}")
        slots[offset] = syllable
