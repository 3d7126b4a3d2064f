"""Speech engines behind one small Protocol, and the registry that builds them by name.

``Engine`` names everything callers may ask of an engine. Two members are required (``voices``,
``synthesize``, plus the ``name``/``version`` attributes); the rest are *capabilities* with a
neutral default, so a caller asks ``engine.words(text)`` and gets ``None`` from an engine that has
no word boundaries, instead of probing with ``getattr``. Engines subclass ``Engine`` to inherit the
defaults and override what they can do.

Engines register a factory in ``ENGINES``; ``get_engine("offline")`` builds one. Modules that import
heavy or optional packages (onnxruntime, edge_tts) are imported lazily by their factory so that
``import audio`` stays cheap.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING
from typing import Any
from typing import Protocol
from typing import runtime_checkable

from audio.errors import EngineUnavailable
from audio.model import Speech
from audio.model import SpeechParams
from audio.model import Voice

if TYPE_CHECKING:
    from audio.lexicon import Lexicon


@runtime_checkable
class Engine(Protocol):
    """A text-to-speech engine. ``version`` changes whenever output bytes would; it is in every cache key."""

    name: str
    version: str

    def voices(self) -> list[Voice]:
        """The voices this engine offers."""
        ...

    def synthesize(self, text: str, params: SpeechParams) -> Speech:
        """Speak ``text`` (already in spoken form) as canonical MP3 bytes."""
        ...

    # Capabilities: optional, with defaults that mean "this engine cannot".

    default_voice: str = ""
    """The voice used when none is asked for ("": none; callers then take the first voice)."""

    lexicon: Lexicon | None = None
    """The word readings this engine applies (None: it reads by its own rules only)."""

    def words(self, text: str) -> list[str] | None:
        """``text`` cut into words (joined they give ``text``), or None: cut at punctuation only."""
        return None

    def phonemes(self, text: str) -> list[str] | None:
        """The phonemes of each clause as the voice will receive them, or None for an opaque engine."""
        return None

    def reading_version(self, text: str) -> str:
        """A stamp of what in the engine's lexicon bears on ``text`` ("" for nothing), for cache keys."""
        return ""

    def lookup_order(self, params: SpeechParams) -> list[tuple[Engine, SpeechParams]]:
        """Which engine and voice would speak ``params`` now, best first (a composite has several)."""
        return [(self, params)]

    def engine_for(self, name: str) -> Engine:
        """The member engine called ``name`` (what ``Speech.engine`` says); a plain engine is its own."""
        if name == self.name:
            return self
        raise EngineUnavailable(f"engine {self.name!r} has no member engine {name!r}")

    def degraded(self) -> bool:
        """Whether the engine, or the online engine inside it, fails fast now (its breaker is open)."""
        return False


# name -> "module:factory"; a factory takes keyword options and returns an Engine.
ENGINES: dict[str, str] = {
    "offline": "audio.engines.offline:create",
    "edge": "audio.engines.edge:create",
    "auto": "audio.engines.auto:create",
    "espeak": "audio.engines.espeak:create",
    "speech-api": "audio.engines.openai_speech:create",
}


def register(name: str, target: str) -> None:
    """Add or replace an engine factory (``"package.module:function"``)."""
    ENGINES[name] = target


def get_engine(name: str, **options: Any) -> Engine:
    """Build the engine registered as ``name``."""
    try:
        target = ENGINES[name]
    except KeyError:
        known = ", ".join(sorted(ENGINES))
        raise EngineUnavailable(f"unknown engine {name!r}; known engines: {known}") from None
    module_name, _, attr = target.partition(":")
    try:
        factory: Callable[..., Engine] = getattr(importlib.import_module(module_name), attr)
    except ImportError as exc:
        raise EngineUnavailable(f"engine {name!r} is not installed: {exc}") from exc
    return factory(**options)
