"""The auto engine: Edge's natural voices when the service answers, the offline voice when not.

Fallback is per sentence and fast. The edge engine's circuit breaker opens on the first
connect/DNS failure (or after ``breaker_threshold`` timeouts/broken answers), so while the service
is unreachable each sentence goes straight to the fallback without touching the network.

A voice the service stops answering in (edge-tts #447) is replaced by the edge default voice for
``VOICE_PAUSE_S``; only when edge as a whole fails does the offline voice speak.

Every ``Speech`` says which engine and voice really made it (``Speech.engine``/``Speech.voice``),
so a fallback clip is never stored as if it were the Edge voice: ``ClipCache.store_key`` keys clips
by ``engine_for(speech.engine)`` and ``speech.voice``, and ``ClipCache.lookup_keys`` looks them up in
``lookup_order()``. The version of ``auto`` itself is in no key.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from typing import Any

from audio.engines import Engine
from audio.engines import get_engine
from audio.errors import EngineError
from audio.errors import EngineUnavailable
from audio.errors import SynthesisFailed
from audio.errors import VoiceNotFound
from audio.model import Speech
from audio.model import SpeechParams
from audio.model import Voice

log = logging.getLogger(__name__)

VOICE_PAUSE_S = 600.0  # How long a voice the service stopped answering in is skipped.
# Edge settings for auto: give up on a dead service quickly, because a good voice is waiting.
AUTO_EDGE_DEFAULTS: dict[str, Any] = {"attempts": 2, "timeout_s": 10.0, "first_answer_timeout_s": 4.0,
                                      "connect_timeout_s": 3, "breaker_threshold": 2}


class AutoEngine(Engine):
    """Tries ``primary`` (edge) per sentence and falls back to ``fallback`` (offline)."""

    name = "auto"

    def __init__(self, primary: Engine, fallback: Engine | None, *, fallback_name: str = "offline",
                 fallback_options: dict[str, Any] | None = None, fallback_voice: str | None = None) -> None:
        self.primary = primary
        self.default_voice = primary.default_voice
        # Informational only: clips are keyed by the engine that made them (see the module docstring).
        self.version = f"auto({primary.version})"
        self._fallback = fallback
        self._fallback_name = fallback_name
        self._fallback_options = fallback_options or {}
        self._fallback_voice = fallback_voice
        self._lock = threading.Lock()
        self._build_lock = threading.Lock()
        self.fallback_count = 0
        self.last_fallback_reason = ""
        self._falling_back = False
        self._voice_down_until: dict[str, float] = {}

    @property
    def fallback(self) -> Engine:
        """The fallback engine, built on first use (loading the offline model takes a while)."""
        with self._build_lock:  # Not ``_lock``: sentences spoken by edge must not wait for this.
            if self._fallback is None:
                self._fallback = get_engine(self._fallback_name, **self._fallback_options)
            return self._fallback

    def engine_for(self, name: str) -> Engine:
        """The member engine called ``name`` (what ``Speech.engine`` names)."""
        if name == self.primary.name:
            return self.primary
        if name == self.fallback.name:
            return self.fallback
        raise EngineUnavailable(f"auto has no member engine {name!r}")

    def lookup_order(self, params: SpeechParams) -> list[tuple[Engine, SpeechParams]]:
        """Where a cache should look for a clip, best first: the member and voice that would speak now.

        Always the primary (in the voice it would use); also the fallback while the primary is down
        or when ``params.voice`` is one of the fallback's own voices. While the primary answers, a
        fallback clip left from an outage is not offered, so the page is spoken in the primary's voice.
        """
        primary_voice = self._primary_voice_for(params.voice)
        order: list[tuple[Engine, SpeechParams]] = [
            (self.primary, dataclasses.replace(params, voice=primary_voice))]
        try:
            if self._primary_down() or self._is_fallback_voice(params.voice):
                voice = self._fallback_voice_for(params.voice)
                order.append((self.fallback, dataclasses.replace(params, voice=voice)))
        except EngineError:
            pass  # No usable fallback: nothing of it can be cached; ``synthesize`` reports why.
        return order

    def words(self, text: str) -> list[str] | None:
        """The fallback's word boundaries once it is built (building it here would delay edge's audio)."""
        fallback = self._fallback
        return fallback.words(text) if fallback is not None else None

    def voices(self) -> list[Voice]:
        """The primary's voices, then the fallback's.

        While the primary cannot list its voices, its default voice is still offered: asking auto
        for it is valid, and is answered by the fallback until the primary is back.
        """
        try:
            primary = self.primary.voices()
        except EngineError:
            primary = [Voice(self.default_voice, self.primary.name)] if self.default_voice else []
        return primary + self.fallback.voices()

    def synthesize(self, text: str, params: SpeechParams) -> Speech:
        """Speak with the primary; on an engine failure speak with the fallback and say so in the result."""
        if not text.strip():
            raise SynthesisFailed("nothing to speak: the text is empty")
        voice = self._primary_voice_for(params.voice)
        try:
            speech = self.primary.synthesize(text, dataclasses.replace(params, voice=voice))
        except VoiceNotFound:
            if params.voice not in self._fallback_voice_names():
                raise
            return self._speak_fallback(text, params, f"{params.voice} is a fallback voice")
        except SynthesisFailed as exc:
            if self.default_voice and voice != self.default_voice:
                # The service may answer, just not in this voice (voices get withdrawn: edge-tts
                # #447): skip it for a while and use the default voice.
                with self._lock:
                    self._voice_down_until[voice] = time.monotonic() + VOICE_PAUSE_S
                log.warning("auto: %s voice %s failed, using %s from now on: %s",
                            self.primary.name, voice, self.default_voice, exc)
                if not self._primary_down():
                    return self.synthesize(text, params)
            return self._speak_fallback(text, params, str(exc))
        except EngineUnavailable as exc:
            return self._speak_fallback(text, params, str(exc))
        with self._lock:
            recovered, self._falling_back = self._falling_back, False
        if recovered:
            log.warning("auto: %s answers again", self.primary.name)
        return _labelled(speech, self.primary.name, voice)

    def _primary_voice_for(self, voice: str) -> str:
        """``voice``, unless it failed recently; then the primary's default voice."""
        with self._lock:
            down = self._voice_down_until.get(voice, 0.0) > time.monotonic()
        return self.default_voice if down and self.default_voice else voice

    def _speak_fallback(self, text: str, params: SpeechParams, reason: str) -> Speech:
        voice = self._fallback_voice_for(params.voice)
        with self._lock:
            self.fallback_count += 1
            self.last_fallback_reason = reason
            first, self._falling_back = not self._falling_back, True
        if first:  # Once per outage, not once per sentence.
            log.warning("auto: using %s voice %s instead of %s: %s",
                        self.fallback.name, voice, params.voice, reason)
        speech = self.fallback.synthesize(text, dataclasses.replace(params, voice=voice))
        return _labelled(speech, self.fallback.name, voice)

    def _fallback_voice_for(self, voice: str) -> str:
        names = self._fallback_voice_names()
        if voice in names:
            return voice
        if self._fallback_voice:
            return self._fallback_voice
        if self.fallback.default_voice:
            return self.fallback.default_voice
        if not names:
            raise EngineUnavailable(f"the fallback engine {self.fallback.name!r} offers no voice")
        return sorted(names)[0]

    def _is_fallback_voice(self, voice: str) -> bool:
        """Whether only the fallback speaks ``voice`` (not asked for the primary's default: no build)."""
        return voice != self.default_voice and voice in self._fallback_voice_names()

    def _fallback_voice_names(self) -> set[str]:
        return {v.name for v in self.fallback.voices()}

    def degraded(self) -> bool:
        """While the primary fails fast, every sentence is spoken by the fallback."""
        return self.primary.degraded()

    def _primary_down(self) -> bool:
        return self.primary.degraded()


def _labelled(speech: Speech, engine: str, voice: str) -> Speech:
    """Make sure the result names the engine and voice that really made it."""
    if speech.engine == engine and speech.voice == voice:
        return speech
    return dataclasses.replace(speech, engine=engine, voice=voice)


def create(*, voice: str | None = None, fallback: Engine | None = None, fallback_name: str = "offline",
           fallback_options: dict[str, Any] | None = None, fallback_voice: str | None = None,
           primary: Engine | None = None, **edge_options: Any) -> AutoEngine:
    """Build ``auto``: ``voice`` is the default (edge) voice; ``edge_options`` go to the edge engine."""
    if primary is None:
        primary = get_engine("edge", voice=voice, **{**AUTO_EDGE_DEFAULTS, **edge_options})
    return AutoEngine(primary, fallback, fallback_name=fallback_name, fallback_options=fallback_options,
                      fallback_voice=fallback_voice)
