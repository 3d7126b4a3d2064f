"""The audio vocabulary. Times are integer milliseconds; rates are percentages.

Every MP3 that crosses these types is in the *canonical format*: MPEG-2 Layer III, 24 kHz, mono,
48 kbit/s CBR, no ID3 tag and no Xing/Info frame. That is what edge-tts returns, and what the offline
engine encodes to, so clips join byte by byte (see ``audio.mp3``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SAMPLE_RATE_HZ = 24_000
BITRATE_KBPS = 48


@dataclass(frozen=True, slots=True)
class Voice:
    """A voice an engine offers."""

    name: str
    engine: str
    lang: str = "zh-CN"
    gender: str = ""
    display_name: str = ""


@dataclass(frozen=True, slots=True)
class SpeechParams:
    """How to speak: engine-neutral prosody. ``rate``/``volume`` in percent, ``pitch`` in Hz offset."""

    voice: str
    rate: int = 0
    pitch: int = 0
    volume: int = 0


@dataclass(frozen=True, slots=True)
class Mark:
    """A boundary the engine reported, relative to the start of its clip."""

    start_ms: int
    duration_ms: int
    text: str


@dataclass(frozen=True, slots=True)
class Speech:
    """What ``Engine.synthesize`` returns: canonical MP3 bytes and optional boundary marks."""

    mp3: bytes
    marks: tuple[Mark, ...] = ()
    engine: str = ""
    voice: str = ""


@dataclass(frozen=True, slots=True)
class AudioClip:
    """One synthesized text as stored in the cache."""

    key: str
    path: Path
    duration_ms: int
    marks: tuple[Mark, ...] = ()
    engine: str = ""
    voice: str = ""


@dataclass(frozen=True, slots=True)
class Cue:
    """Where the caller's item ``id`` sits in a track."""

    id: int
    start_ms: int
    end_ms: int


@dataclass(frozen=True, slots=True)
class Chapter:
    """A named stretch of a track (one section); becomes an ID3 CHAP frame."""

    title: str
    start_ms: int
    end_ms: int


@dataclass(frozen=True, slots=True)
class Track:
    """An assembled MP3 file with its timing."""

    path: Path
    duration_ms: int
    cues: tuple[Cue, ...]
    chapters: tuple[Chapter, ...] = ()
