"""Errors raised by `audio`.

    AudioError
    ├── EngineError
    │   ├── EngineUnavailable   the engine cannot be reached or loaded (network, missing package)
    │   ├── VoiceNotFound       the engine has no such voice
    │   └── SynthesisFailed     the engine answered, but the audio is missing or broken
    ├── CacheError              the cache cannot be read or written (disk full, permissions)
    ├── LexiconError            a pronunciation lexicon is malformed (also a ValueError)
    └── AssemblyError           clips cannot be joined into a track
"""

from __future__ import annotations


class AudioError(Exception):
    """Base class of every error `audio` raises on purpose."""


class EngineError(AudioError):
    """A speech engine failed."""


class EngineUnavailable(EngineError):
    """The engine cannot be reached or loaded."""


class VoiceNotFound(EngineError):
    """The requested voice does not exist for this engine."""


class SynthesisFailed(EngineError):
    """The engine produced no usable audio for a text."""


class CacheError(AudioError):
    """The clip cache cannot be read or written."""


class AssemblyError(AudioError):
    """Clips could not be joined into one track."""


class LexiconError(AudioError, ValueError):
    """A lexicon file cannot be read or has a malformed line."""
