"""Fast start, then no gap: a sentence is spoken in pieces sized to what the machine can do right now.

Kokoro renders a whole utterance in one pass, so spoken whole, the first sound of a 28-character
title waits for all 28 characters. Instead the title is cut at word boundaries into pieces, and each
piece is sized by two live figures (``audio.pace``): how long synthesis takes on this machine right
now (``Pace``), and how much audio the listener still has before reaching what is not ready
(``Runway``). The first piece must be ready within ``FIRST_SOUND_S``; each next piece is as long as
can be ready, with a ``SAFETY`` margin, before the audio already made runs out. On a quiet machine
that is about 6, then 16, then the rest; with both cores busy the pieces stay short, and when even
the shortest piece cannot keep up the sentence still goes on in short pieces (short gaps) instead
of waiting for the whole of it (one long gap). A later sentence is cut only when it would not be
ready in time spoken whole, so on a quiet machine only the first sentence of a page is cut.

Why no piece under ``MIN_PIECE_CHARS``: Kokoro says a two- or three-character utterance badly. Over
eight first sentences of government pages (old Japanese-accented voice), Whisper's pinyin error rate
on the joined audio was 0.047 with a 6-character first piece, 0.073 spoken whole and 0.131 with a
4-character one.

The pieces are then joined frame by frame into the sentence's ordinary clip, so the page MP3 and
every later request see one clip, like any other sentence's. ``lead_pieces`` plays the plan out
against a simulated listener (speech at ``speech_char_s`` per character, synthesis as ``pace``
predicts), which shows the sizes the live loop would choose:

    lead_pieces("重庆市江北区人民政府关于二零二三年法治政府建设情况的报告", words=jieba_words)
    == ["重庆市江北区", "人民政府关于二零二三年法治政府", "建设情况的报告"]
"""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Sequence

from audio.assemble import read_clip
from audio.errors import SynthesisFailed
from audio.model import AudioClip
from audio.model import Mark
from audio.model import Speech
from audio.mp3 import duration_ms
from audio.pace import Pace
from audio.pace import Runway
from reader import CLAUSE_END

Words = Callable[[str], "list[str] | None"]
"""Splits text into words (jieba for Chinese); pieces are cut only between words. None: cannot."""

FIRST_SOUND_S = 0.45
"""The first piece's synthesis budget: first sound under half a second on a quiet machine."""
MIN_PIECE_CHARS = 6
"""No piece is shorter (except a whole short text): shorter utterances are said badly."""
SAFETY = 0.75
"""Plan with this share of the runway: the estimate lags a sudden load by a clip or two."""
SPEECH_CHAR_S = 0.2
"""Seconds of speech per character for the simulated listener (native styles at rate 0: 0.19–0.21)."""

# A cut never leaves these at the start of the next piece: they belong to what they follow.
_TRAILING = "，、。！？；：,.!?;:…”’」』）)]》"
# Never cut inside these: a code like GB/T, or a number read digit by digit (三七六六八) or in full.
_UNBROKEN = re.compile(r"[A-Za-z0-9]+(?:[/.:\-][A-Za-z0-9]+)*|[零〇幺一二两三四五六七八九十百千万亿点]{2,}")
_SPEAKABLE = re.compile(r"\w")


def plan_pieces(text: str, *, pace: Pace, runway: Runway, words: Words | None = None) -> Iterator[str]:
    """Yield the pieces of ``text`` one at a time, each sized when it is asked for.

    The caller synthesizes each piece before asking for the next and reports its audio to
    ``runway``; the next size is read from ``pace`` and ``runway`` at that moment. Joined, the
    pieces give ``text``; a text that can be ready in time whole comes as one piece.
    """
    breaks = _word_breaks(text, words)
    start = 0
    while start < len(text):
        budget_s = runway.remaining_s() * SAFETY if runway.started else FIRST_SOUND_S
        cut = _next_cut(text, start, budget_s, pace, breaks)
        yield text[start:cut]
        start = cut


def lead_pieces(text: str, *, words: Words | None = None, pace: Pace | None = None,
                speech_char_s: float = SPEECH_CHAR_S) -> list[str]:
    """The pieces ``plan_pieces`` would choose for a listener who starts at once (a simulation)."""
    if speech_char_s <= 0:
        raise ValueError("speech_char_s must be positive")
    pace = pace or Pace()
    now = [0.0]
    runway = Runway(clock=lambda: now[0])
    pieces = []
    for piece in plan_pieces(text, pace=pace, runway=runway, words=words):
        now[0] += pace.predict_s(len(piece))
        runway.add(round(len(piece) * speech_char_s * 1000))
        pieces.append(piece)
    return pieces


def _next_cut(text: str, start: int, budget_s: float, pace: Pace, breaks: set[int]) -> int:
    """Where the piece from ``start`` ends: the whole rest if it fits ``budget_s`` or is too short to cut."""
    rest = len(text) - start
    if pace.predict_s(rest) <= budget_s or rest < 2 * MIN_PIECE_CHARS:
        return len(text)
    # As much as fits the budget, but never under the minimum, and leaving a tail worth a call.
    size = min(max(MIN_PIECE_CHARS, pace.chars_within(budget_s)), rest - MIN_PIECE_CHARS)
    cut = _best_cut(text, start, size, breaks)
    if cut is None or not _SPEAKABLE.search(text[start:cut]) or not _SPEAKABLE.search(text[cut:]):
        return len(text)
    return cut


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
