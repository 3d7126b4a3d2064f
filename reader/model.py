"""The document vocabulary: what `reader` produces from a page.

All types are frozen. Offsets are half-open Python ``str`` indices (code points).
Invariants (tested over every fixture):

* ``section.text[s.start:s.end] == s.text`` for every sentence ``s`` of ``section``;
* replacing each ``a.text_start:a.text_end`` span of ``s.text`` by ``s.spoken[a.spoken_start:a.spoken_end]``
  gives exactly ``s.spoken``;
* sentence ids are unique and increase through the document.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Alignment:
    """One rewrite: ``text[text_start:text_end]`` is spoken as ``spoken[spoken_start:spoken_end]``."""

    kind: str
    text_start: int
    text_end: int
    spoken_start: int
    spoken_end: int


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a section: what is shown, and what the engine reads."""

    id: int
    text: str
    spoken: str
    start: int
    end: int
    alignments: tuple[Alignment, ...] = ()
    paragraph: int = 0
    """Its paragraph in the section, counting those with a sentence (0: the first, or the heading)."""

    def text_span(self, spoken_start: int, spoken_end: int) -> tuple[int, int]:
        """The shown span that reads as ``spoken[spoken_start:spoken_end]`` (rewrites kept whole).

        For highlighting a clause or word the engine timed: 二零二三年 inside the spoken text maps back
        to 2023年 in the shown text. A position inside a rewrite widens to the whole rewrite.
        """
        return self._text_position(spoken_start, end=False), self._text_position(spoken_end, end=True)

    def _text_position(self, spoken: int, *, end: bool) -> int:
        shift = 0  # shown minus spoken length of the rewrites before ``spoken``
        for a in self.alignments:
            if spoken <= a.spoken_start:
                break
            if spoken < a.spoken_end:
                return a.text_end if end else a.text_start
            shift = a.text_end - a.spoken_end
        return max(0, min(len(self.text), spoken + shift))


@dataclass(frozen=True, slots=True)
class Section:
    """A run of paragraphs under one heading; the heading line is its first paragraph."""

    heading: str | None
    level: int
    text: str
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True, slots=True)
class Document:
    """A readable article: title, metadata and ordered sections."""

    title: str
    sections: tuple[Section, ...]
    date: str | None = None
    source: str | None = None
    lang: str = "zh-CN"
    source_url: str | None = None

    def sentences(self) -> Iterator[Sentence]:
        """Every sentence of every section, in reading order."""
        for section in self.sections:
            yield from section.sentences
