"""Bobao's audio: speech engines, the clip cache, synthesis in document order, and MP3 assembly.

``audio`` knows texts and voice parameters, never documents: callers pass ``(id, text)`` pairs and get
clips, tracks and cues keyed by those ids.
"""

from __future__ import annotations

from audio.assemble import ChapterInput
from audio.assemble import Segment
from audio.assemble import assemble
from audio.cache import CacheStats
from audio.cache import ClipCache
from audio.cache import PruneResult
from audio.cache import VerifyReport
from audio.engines import Engine
from audio.engines import get_engine
from audio.engines import register
from audio.engines.kokoro_voices import problems as voice_file_problems
from audio.errors import AssemblyError
from audio.errors import AudioError
from audio.errors import CacheError
from audio.errors import EngineError
from audio.errors import EngineUnavailable
from audio.errors import LexiconError
from audio.errors import SynthesisFailed
from audio.errors import VoiceNotFound
from audio.files import write_atomic
from audio.lexicon import Lexicon
from audio.lexicon import LexiconEntry
from audio.model import AudioClip
from audio.model import Chapter
from audio.model import Cue
from audio.model import Mark
from audio.model import Speech
from audio.model import SpeechParams
from audio.model import Track
from audio.model import Voice
from audio.mp3 import silence
from audio.ruby import ruby
from audio.subtitles import to_srt
from audio.subtitles import to_webvtt
from audio.synthesize import iter_synthesize
from audio.synthesize import synthesize

__all__ = [
    "AssemblyError",
    "AudioClip",
    "AudioError",
    "CacheError",
    "CacheStats",
    "Chapter",
    "ChapterInput",
    "ClipCache",
    "Cue",
    "Engine",
    "EngineError",
    "EngineUnavailable",
    "Lexicon",
    "LexiconEntry",
    "LexiconError",
    "Mark",
    "PruneResult",
    "Segment",
    "Speech",
    "SpeechParams",
    "SynthesisFailed",
    "Track",
    "VerifyReport",
    "Voice",
    "VoiceNotFound",
    "assemble",
    "get_engine",
    "iter_synthesize",
    "register",
    "ruby",
    "silence",
    "synthesize",
    "to_srt",
    "to_webvtt",
    "voice_file_problems",
    "write_atomic",
]
