"""A fast, deterministic test engine: silence then a tone, as long as the text (60 ms a character).

``ToneEngine`` is the reference implementation of the ``audio.Engine`` protocol for tests that need
speed rather than speech. Register it with ``register_fake()`` and build it with
``audio.get_engine("fake")``.
"""

from __future__ import annotations

import re
import threading
import time
import zlib
from collections.abc import Iterable
from typing import Any

import numpy as np

from audio import Engine
from audio import Mark
from audio import Speech
from audio import SpeechParams
from audio import SynthesisFailed
from audio import Voice
from audio import VoiceNotFound
from audio import register
from audio.mp3 import encode_pcm

MS_PER_CHAR = 60
MIN_MS = 300
LEAD_SILENCE_MS = 100
_RATE_HZ = 24_000
_BASE_HZ = {"fake-female": 440.0, "fake-male": 220.0}


class ToneEngine(Engine):
    """Speaks every text as a tone whose pitch depends on the text; counts what it was asked."""

    name = "fake"
    version = "fake-1"

    def __init__(
        self,
        *,
        fail_on: Iterable[str] = (),
        fail_all: bool = False,
        delay_s: float = 0.0,
        char_delay_s: float = 0.0,
        fallback_as: str | None = None,
        clause_marks: bool = False,
    ) -> None:
        self.fail_on = set(fail_on)
        self.fail_all = fail_all
        self.delay_s = delay_s
        self.char_delay_s = char_delay_s  # cost growing with length, as Kokoro's does
        self.fallback_as = fallback_as  # report this engine name, as a fallback engine would
        self.clause_marks = clause_marks
        self.calls: list[str] = []
        self._lock = threading.Lock()

    def voices(self) -> list[Voice]:
        return [
            Voice("fake-female", self.name, gender="Female", display_name="Fake female"),
            Voice("fake-male", self.name, gender="Male", display_name="Fake male"),
        ]

    def synthesize(self, text: str, params: SpeechParams) -> Speech:
        if not text.strip():
            raise SynthesisFailed("nothing to speak: the text is empty")
        if params.voice not in _BASE_HZ:
            raise VoiceNotFound(f"fake engine has no voice {params.voice!r}")
        with self._lock:
            self.calls.append(text)
        if self.fail_all or text in self.fail_on:
            raise SynthesisFailed(f"fake engine told to fail on {text!r}")
        if self.delay_s or self.char_delay_s:
            time.sleep(self.delay_s + self.char_delay_s * len(text))
        duration_ms = expected_ms(text)
        mp3 = encode_pcm(_tone(text, params.voice, duration_ms))
        engine = self.fallback_as or self.name
        return Speech(mp3=mp3, marks=self._marks(text, duration_ms), engine=engine, voice=params.voice)

    def _marks(self, text: str, duration_ms: int) -> tuple[Mark, ...]:
        if not self.clause_marks:
            return (Mark(0, duration_ms, text),)
        # Like the offline engine: one mark per clause, timed in proportion to its length.
        clauses = [c for c in re.findall(r"[^，、；。！？]*[，、；。！？]*", text) if c]
        marks, start_ms = [], LEAD_SILENCE_MS
        for clause in clauses:
            length_ms = (duration_ms - LEAD_SILENCE_MS) * len(clause) // len(text)
            marks.append(Mark(start_ms, length_ms, clause))
            start_ms += length_ms
        return tuple(marks)


def expected_ms(text: str) -> int:
    """How long the fake speaks ``text`` (before MP3 framing and encoder delay)."""
    return max(MIN_MS, MS_PER_CHAR * len(text))


def _tone(text: str, voice: str, duration_ms: int) -> np.ndarray:
    frequency = _BASE_HZ[voice] * (1 + (zlib.crc32(text.encode("utf-8")) % 8) / 8)
    total = duration_ms * _RATE_HZ // 1000
    lead = LEAD_SILENCE_MS * _RATE_HZ // 1000
    t = np.arange(total - lead) / _RATE_HZ
    tone = 0.3 * np.sin(2 * np.pi * frequency * t)
    return np.concatenate([np.zeros(lead), tone])


def create(**options: Any) -> ToneEngine:
    """Engine factory for ``audio.engines.ENGINES``."""
    return ToneEngine(**options)


SLOW_DELAY_S = 0.5
"""How long the "slowfake" engine takes a 10-character sentence, so tests can watch a job in progress."""


def create_slow(**options: Any) -> ToneEngine:
    """Factory for "slowfake": the tone engine at 0.1 s a call plus 0.04 s a character (SLOW_DELAY_S
    for 10 characters), a cost that grows with length like Kokoro's under load, so that the adaptive
    lead-in (``audio.leadin``) still cuts a 12-character first sentence once it has learnt this speed.

    It must report the name "slowfake": the manifest records the engine by name and the job builds it
    again from that name, so a wrong name silently swaps in the fast engine.
    """
    options.setdefault("delay_s", SLOW_DELAY_S / 5)
    options.setdefault("char_delay_s", SLOW_DELAY_S / 12.5)
    engine = ToneEngine(**options)
    engine.name = "slowfake"
    return engine


def create_clauses(**options: Any) -> ToneEngine:
    """Factory for "clausefake": the tone engine with a timed mark per clause, slow enough to watch."""
    options.setdefault("clause_marks", True)
    options.setdefault("delay_s", 0.05)
    engine = ToneEngine(**options)
    engine.name = "clausefake"
    return engine


def register_fake() -> None:
    """Make ``audio.get_engine("fake")`` build a ``ToneEngine``."""
    register("fake", "tests.fakes:create")
    register("slowfake", "tests.fakes:create_slow")
    register("clausefake", "tests.fakes:create_clauses")
