"""Speech engines behind one small Protocol, and the registry that builds them by name.

Engines register a factory in ``ENGINES``; ``get_engine("offline")`` builds one. Modules that import
heavy or optional packages (onnxruntime, edge_tts) are imported lazily by their factory so that
``import audio`` stays cheap.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any
from typing import Protocol
from typing import runtime_checkable

from audio.errors import EngineUnavailable
from audio.model import Speech
from audio.model import SpeechParams
from audio.model import Voice


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


# name -> "module:factory"; a factory takes keyword options and returns an Engine.
ENGINES: dict[str, str] = {
    "offline": "audio.engines.offline:create",
    "edge": "audio.engines.edge:create",
    "auto": "audio.engines.auto:create",
    "espeak": "audio.engines.espeak:create",
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
