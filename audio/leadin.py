"""Fast start: the first sentence of an uncached page is spoken in growing pieces.

Kokoro renders a whole utterance in one pass, at about 0.11 s of compute per character plus 0.15 s
(2 cores, measured in ``bench/audio.py``), so the first sound of a 28-character title would wait
3.2 s. Cut into pieces of about 6, 13 and 29 characters at word boundaries, the first piece is
ready in about a second (0.85–1.11 s measured), and because speech lasts about 0.28 s a character,
each next piece (up to about 2.2 times as long) is ready about when the one before it has finished
playing.

Why 6 and not fewer: Kokoro says a two- or three-character utterance badly. Over eight first
sentences of government pages, Whisper's pinyin error rate on the joined audio was 0.047 with a
6-character first piece, 0.073 spoken whole and 0.131 with a 4-character one.

The pieces are then joined frame by frame into the sentence's ordinary clip, so the page MP3 and
every later request see one clip, like any other sentence's:

    lead_pieces("重庆市江北区人民政府关于二零二三年法治政府建设情况的报告", words=jieba_words)
    == ["重庆市江北区", "人民政府关于二零二三年法治", "政府建设情况的报告"]
"""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Sequence

from audio.assemble import read_clip
from audio.errors import SynthesisFailed
from audio.model import AudioClip
from audio.model import Mark
from audio.model import Speech
from audio.mp3 import duration_ms
from reader import CLAUSE_END

Words = Callable[[str], "list[str] | None"]
"""Splits text into words (jieba for Chinese); pieces are cut only between words. None: cannot."""

FIRST_PIECE_CHARS = 6
"""The first piece: about 0.8 s of Kokoro compute on 2 cores, 1.7 s of speech."""
GROWTH = 2.2
"""Each piece may be this much longer than the one before and still be ready in time."""

# A cut never leaves these at the start of the next piece: they belong to what they follow.
_TRAILING = "，、。！？；：,.!?;:…”’」』）)]》"
# Never cut inside these: a code like GB/T, or a number read digit by digit (三七六六八) or in full.
_UNBROKEN = re.compile(r"[A-Za-z0-9]+(?:[/.:\-][A-Za-z0-9]+)*|[零〇幺一二两三四五六七八九十百千万亿点]{2,}")
_SPEAKABLE = re.compile(r"\w")


def lead_pieces(
    text: str, *, words: Words | None = None, first_chars: int = FIRST_PIECE_CHARS, growth: float = GROWTH
) -> list[str]:
    """Cut ``text`` into pieces of growing length; ``[text]`` when it is too short to gain anything.

    Cuts fall at clause punctuation when one is near the target length, else between words, else
    between characters outside a run of Latin letters or digits. Joined, the pieces give ``text``.
    """
    if first_chars < 1 or growth < 1:
        raise ValueError("first_chars must be at least 1 and growth at least 1")
    breaks = _word_breaks(text, words)
    pieces: list[str] = []
    start, size = 0, float(first_chars)
    # The last piece must be worth a call of its own: stop cutting once the rest is under 1.5 pieces.
    while len(text) - start > size * 1.5:
        cut = _best_cut(text, start, int(size), breaks)
        if cut is None:
            break
        pieces.append(text[start:cut])
        start, size = cut, size * growth
    pieces.append(text[start:])
    if len(pieces) < 2 or not all(_SPEAKABLE.search(piece) for piece in pieces):
        return [text]
    return pieces


def join_speech(clips: Sequence[AudioClip]) -> Speech:
    """One Speech from clips of the same engine and voice: frames joined, marks shifted."""
    if not clips:
        raise SynthesisFailed("nothing to join: no clips")
    owners = {(clip.engine, clip.voice) for clip in clips}
    if len(owners) != 1:
        # An engine that fell back halfway (auto) would mix voices in one sentence: refuse.
        raise SynthesisFailed("the pieces of one sentence came from different voices")
    data: list[bytes] = []
    marks: list[Mark] = []
    offset_ms = 0
    for clip in clips:
        mp3 = read_clip(clip)
        data.append(mp3)
        marks.extend(Mark(m.start_ms + offset_ms, m.duration_ms, m.text) for m in clip.marks)
        offset_ms += duration_ms(mp3)
    engine, voice = owners.pop()
    return Speech(b"".join(data), marks=tuple(marks), engine=engine, voice=voice)


def _word_breaks(text: str, words: Words | None) -> set[int]:
    """Offsets where a word ends (every character boundary when no splitter), never inside a run."""
    inside = {i for m in _UNBROKEN.finditer(text) for i in range(m.start() + 1, m.end())}
    if words is not None:
        found = words(text)
        if found is not None and "".join(found) == text:
            ends, position = set(), 0
            for word in found:
                position += len(word)
                ends.add(position)
            return ends - inside
    return set(range(1, len(text))) - inside


def _best_cut(text: str, start: int, size: int, breaks: set[int]) -> int | None:
    """The cut nearest ``start + size``: a clause end if one is near, else a word boundary.

    Near means from two thirds to four thirds of ``size``: a much shorter piece is said badly, a
    much longer one is late. Failing that, the nearest word boundary within twice ``size``.
    """
    target = start + size
    low, high = start + max(1, 2 * size // 3), start + size + size // 3
    clause_ends = [m.end() for m in CLAUSE_END.finditer(text, start) if low <= m.end() <= high]
    if clause_ends:
        return _settle(text, _nearest(clause_ends, target))
    near = [b for b in breaks if low <= b <= high]
    if near:
        return _settle(text, _nearest(near, target))
    wider = [b for b in breaks if start < b <= start + 2 * size]
    return _settle(text, _nearest(wider, target)) if wider else None


def _nearest(candidates: list[int], target: int) -> int:
    """The candidate closest to ``target``; of two equally close, the earlier (a shorter piece)."""
    return min(candidates, key=lambda end: (abs(end - target), end))


def _settle(text: str, cut: int) -> int | None:
    """Move a cut past punctuation that closes the piece before it; None if nothing is left after."""
    while cut < len(text) and (text[cut] in _TRAILING or text[cut].isspace()):
        cut += 1
    return cut if cut < len(text) else None
