"""The engines of one process: built on first use, kept per name, with the site lexicon.

Kokoro takes about a second to load, so engines are built lazily and kept; ``prewarm`` loads the
default one in a background thread so that ``bobao serve`` answers at once and still speaks without
a cold start. Requests name an engine and a voice; ``speech_params`` validates them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import audio
from audio import Engine
from audio import SpeechParams
from web.config import parse_rate
from web.core.errors import InvalidRequest

__all__ = ["KNOWN_ENGINES", "Engines", "engine_stamp"]

log = logging.getLogger(__name__)

KNOWN_ENGINES = ("offline", "edge", "auto", "espeak")


class Engines:
    """Engines by name for one process, built from ``config`` (TTS_*, LEXICON_PATH)."""

    def __init__(self, config: Mapping[str, Any], names: tuple[str, ...], *, voice_cache_path: Path) -> None:
        self.config = config
        self.engine_names = names
        self._voice_cache_path = voice_cache_path
        self._engines: dict[str, Engine] = {}
        self._lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        """The configured default engine (built on first use)."""
        return self.get_engine(self.config["TTS_ENGINE"])

    @property
    def loaded_engines(self) -> tuple[str, ...]:
        """Names of the engines built so far (engines load lazily)."""
        with self._lock:
            return tuple(self._engines)

    def get_engine(self, name: str | None = None) -> Engine:
        """The engine ``name`` (default: TTS_ENGINE), built once per process."""
        name = name or self.config["TTS_ENGINE"]
        if name not in self.engine_names:
            raise InvalidRequest(f"unknown engine {name!r}; known: {', '.join(self.engine_names)}")
        with self._lock:
            if name not in self._engines:
                self._engines[name] = audio.get_engine(name, **self._engine_options(name))
            return self._engines[name]

    def _engine_options(self, name: str) -> dict[str, Any]:
        """Factory options from config: the site lexicon, and where edge keeps its voice list."""
        options: dict[str, Any] = {}
        lexicon = self.site_lexicon()
        if name in ("offline", "edge") and lexicon is not None:
            options["lexicon"] = lexicon
        if name in ("edge", "auto"):
            options["voice_cache_path"] = str(self._voice_cache_path)
        if name == "speech-api":
            options.update(self._speech_api_options())
        return options

    def _speech_api_options(self) -> dict[str, Any]:
        """The site's speech server from SPEECH_API_* (TTS_VOICE first when it is the default engine)."""
        c = self.config
        voice = c.get("TTS_VOICE") if c["TTS_ENGINE"] == "speech-api" else None
        key = c.get("SPEECH_API_KEY")
        return {"url": c.get("SPEECH_API_URL"), "model": str(c.get("SPEECH_API_MODEL") or "tts-1"),
                "voices": c.get("SPEECH_API_VOICES") or "", "api_key": str(key) if key else None,
                "timeout_s": float(c.get("SPEECH_API_TIMEOUT_S") or 30.0),
                "response_format": c.get("SPEECH_API_FORMAT") or "wav", "voice": voice}

    def site_lexicon(self) -> audio.Lexicon | None:
        """The site lexicon file, if there is a usable one (a broken file is logged and skipped)."""
        path = self.config.get("LEXICON_PATH")
        if not path or not Path(path).is_file():
            return None
        try:
            return audio.Lexicon.load(path)
        except audio.LexiconError:
            log.exception("site lexicon %s is unusable; speaking with the shipped one", path)
            return None

    def reload_lexicon(self) -> None:
        """Forget built engines so that the next use reads the changed site lexicon.

        Raises LexiconError for a broken file and keeps the engines in use (the previous reading).
        """
        path = self.config.get("LEXICON_PATH")
        if path and Path(path).is_file():
            audio.Lexicon.load(path)
        with self._lock:
            self._engines.clear()

    def prewarm(self) -> threading.Thread:
        """Load the default engine (and its model) in a background thread."""

        def warm() -> None:
            try:
                engine = self.engine
                engine.synthesize("你好。", SpeechParams(voice=self.default_voice(engine)))
            except Exception:  # the first real request reports the problem to its client
                log.exception("pre-warming engine %s failed", self.config["TTS_ENGINE"])

        thread = threading.Thread(target=warm, name="bobao-prewarm", daemon=True)
        thread.start()
        return thread

    def default_voice(self, engine: Engine) -> str:
        """TTS_VOICE for the default engine, else the engine's own default, else its first voice."""
        if engine.name == self.config["TTS_ENGINE"] and self.config.get("TTS_VOICE"):
            return str(self.config["TTS_VOICE"])
        if engine.default_voice:
            return engine.default_voice
        voices = engine.voices()
        if not voices:
            raise audio.VoiceNotFound(f"engine {engine.name!r} offers no voice")
        return voices[0].name

    def speech_params(self, engine: Engine, voice: str | None, rate: object) -> SpeechParams:
        """Validated speech parameters for a request; VoiceNotFound for a voice the engine lacks."""
        if voice is not None and not isinstance(voice, str):
            raise InvalidRequest("voice must be a string")
        voice = voice or self.default_voice(engine)
        if voice not in {v.name for v in engine.voices()}:
            raise audio.VoiceNotFound(f"engine {engine.name!r} has no voice {voice!r}")
        try:
            percent = parse_rate(self.config.get("TTS_RATE", 0) if rate is None else rate)
        except ValueError as exc:
            raise InvalidRequest(str(exc)) from None
        return SpeechParams(voice=voice, rate=percent)


def engine_stamp(engine: Engine) -> str:
    """The engine, its version and its lexicon's: what the document's reading depends on.

    The offline engine's version leaves the lexicon out (its clips are keyed per text), but a page
    must be read again after a lexicon edit; its unchanged sentences then come from the cache.
    """
    lexicon = engine.lexicon
    stamp = f"{engine.name}@{engine.version}"
    return f"{stamp}+lex-{lexicon.version}" if lexicon is not None else stamp
