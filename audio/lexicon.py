"""A site-editable pronunciation lexicon: word → toned pinyin, with an optional homophone spelling.

The file is UTF-8 TSV, one entry a line; ``#`` starts a comment, blank lines are ignored::

    # word      pinyin (tone digits 1-5, 5 = neutral)   homophone spelling (optional)
    重庆        chong2 qing4
    应诉        ying4 su4                               硬诉

Engines that take phonemes (offline) use the pinyin; engines that only take text (edge) get
``apply_text``, which rewrites a word only where its entry gives a homophone spelling.
``version`` hashes the parsed entries, so it goes into cache keys and changes whenever a reading
would change, but not when only comments or spacing change.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import re
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from audio.errors import LexiconError
from reader import is_han_word

_SYLLABLE = re.compile(r"^[a-z]+[1-5]$")
DEFAULT_RESOURCE = "lexicon.tsv"


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    """One word's reading: one toned pinyin syllable per character."""

    word: str
    syllables: tuple[str, ...]
    homophone: str | None = None
    """A spelling that text-only engines read as ``syllables``; None leaves the word as it is."""

    @classmethod
    def checked(
        cls, word: str, pinyin: str, homophone: str | None = None
    ) -> tuple[LexiconEntry | None, list[str]]:
        """The entry for one line or one edit, or None and every reason it cannot be one.

        The file parser and the admin API both come here, so a file the API writes always loads.
        ``pinyin`` is toned syllables separated by spaces (``ü`` may be written ``v`` or ``u:``).
        """
        problems: list[str] = []
        if not is_han_word(word):
            problems.append(f"the word must be Chinese characters only, got {word!r}")
        syllables = tuple(s.replace("ü", "v").replace("u:", "v") for s in pinyin.lower().split())
        bad = [s for s in syllables if not _SYLLABLE.match(s)]
        if bad or not syllables:
            problems.append(f"pinyin needs a tone digit 1-5 on every syllable, got {(bad or [pinyin])[0]!r}")
        elif len(syllables) != len(word):
            problems.append(f"{word!r} has {len(word)} characters but {len(syllables)} syllables")
        if homophone is not None and not is_han_word(homophone):
            problems.append(f"the homophone must be Chinese characters only, got {homophone!r}")
        return (None if problems else cls(word, syllables, homophone)), problems

    def tsv_line(self) -> str:
        """The entry as one line of the file format (no newline)."""
        return f"{self.word}\t{' '.join(self.syllables)}\t{self.homophone or ''}".rstrip("\t")


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Word → reading, looked up by leftmost-longest match."""

    entries: Mapping[str, LexiconEntry]
    version: str
    max_word_chars: int = 0

    @classmethod
    def from_entries(cls, entries: list[LexiconEntry]) -> Lexicon:
        """Build a lexicon; a later entry for the same word replaces an earlier one."""
        by_word = {entry.word: entry for entry in entries}
        canonical = "\n".join(_canonical(e) for e in sorted(by_word.values(), key=lambda e: e.word))
        version = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]
        longest = max((len(word) for word in by_word), default=0)
        return cls(MappingProxyType(by_word), version, longest)

    @classmethod
    def parse(cls, text: str, *, source: str = "<lexicon>") -> Lexicon:
        """Parse TSV text; raises LexiconError naming the source and line of the first bad entry."""
        entries = [_parse_line(line, f"{source}:{number}")
                   for number, line in enumerate(text.splitlines(), start=1)
                   if line.split("#", 1)[0].strip()]
        return cls.from_entries(entries)

    @classmethod
    def load(cls, path: str | Path) -> Lexicon:
        """Read a lexicon file."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise LexiconError(f"cannot read lexicon {path}: {exc}") from exc
        return cls.parse(text, source=str(path))

    @classmethod
    def default(cls) -> Lexicon:
        """The lexicon shipped with Bobao (``audio/data/lexicon.tsv``)."""
        resource = importlib.resources.files("audio") / "data" / DEFAULT_RESOURCE
        return cls.parse(resource.read_text(encoding="utf-8"), source=f"audio/data/{DEFAULT_RESOURCE}")

    @classmethod
    def empty(cls) -> Lexicon:
        """A lexicon with no entries (every reading comes from the G2P)."""
        return cls.from_entries([])

    def __len__(self) -> int:
        return len(self.entries)

    def to_tsv(self, *, header: str = "") -> str:
        """The file that ``parse`` reads back as this lexicon (``header``: comment lines to put first)."""
        return header + "".join(entry.tsv_line() + "\n" for entry in self.entries.values())

    def matches(self, text: str) -> Iterator[tuple[int, LexiconEntry]]:
        """Yield ``(start, entry)`` for non-overlapping entries in ``text``, leftmost-longest first."""
        position = 0
        while position < len(text):
            entry = self._longest_at(text, position)
            if entry is None:
                position += 1
                continue
            yield position, entry
            position += len(entry.word)

    def syllables_for(self, word: str) -> list[str | None]:
        """One slot per character of ``word``: the lexicon's syllable, or None where it has none."""
        slots: list[str | None] = [None] * len(word)
        for start, entry in self.matches(word):
            slots[start:start + len(entry.word)] = entry.syllables
        return slots

    def apply_text(self, text: str) -> str:
        """Replace words whose entries give a homophone spelling; everything else is left alone."""
        pieces: list[str] = []
        position = 0
        for start, entry in self.matches(text):
            if entry.homophone is None:
                continue
            pieces.append(text[position:start])
            pieces.append(entry.homophone)
            position = start + len(entry.word)
        pieces.append(text[position:])
        return "".join(pieces)

    def _longest_at(self, text: str, position: int) -> LexiconEntry | None:
        stop = min(len(text), position + self.max_word_chars)
        for end in range(stop, position, -1):
            entry = self.entries.get(text[position:end])
            if entry is not None:
                return entry
        return None


def _canonical(entry: LexiconEntry) -> str:
    return f"{entry.word}\t{' '.join(entry.syllables)}\t{entry.homophone or ''}"


def _parse_line(line: str, where: str) -> LexiconEntry:
    """``word<TAB>pinyin[<TAB>homophone]`` → entry; the pinyin has one syllable per character."""
    fields = [field.strip() for field in line.split("#", 1)[0].rstrip().split("\t")]
    if len(fields) not in (2, 3):
        raise LexiconError(f"{where}: expected 'word<TAB>pinyin[<TAB>homophone]', got {line!r}")
    homophone = fields[2] if len(fields) == 3 and fields[2] else None
    entry, problems = LexiconEntry.checked(fields[0], fields[1], homophone)
    if entry is None:
        raise LexiconError(f"{where}: {problems[0]}")
    return entry
