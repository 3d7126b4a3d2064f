"""Fixtures that point the real edge-tts client at the local fake service (``edge_server.py``).

Import them into a test module with ``from tests.audio.edge_fixtures import *  # noqa: F403``.
Nothing here mocks our own code: the engine under test runs unchanged, and only edge-tts's module
constants (its endpoint URLs) and its process-global clock skew are reset.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import edge_tts
import edge_tts.communicate
import edge_tts.voices
import pytest
from edge_tts.drm import DRM

from audio import mp3
from audio.engines import Engine
from audio.engines import edge
from audio.errors import SynthesisFailed
from audio.errors import VoiceNotFound
from audio.model import Mark
from audio.model import Speech
from audio.model import SpeechParams
from audio.model import Voice
from tests.audio.edge_server import EdgeFake
from tests.audio.edge_wire import encode_mp3
from tests.audio.edge_wire import render

__all__ = ["ToneEngine", "decode_ms", "edge_engine", "edge_fake", "edge_service", "fast_edge_options"]

# Retries and cool-downs shrunk so failure tests take milliseconds, not seconds.
FAST = {"backoff_s": 0.01, "backoff_cap_s": 0.02, "timeout_s": 3.0, "timeout_per_char_s": 0.0,
        "connect_timeout_s": 2, "cooldown_s": 60.0}


@pytest.fixture(scope="session")
def edge_service() -> Iterator[EdgeFake]:
    """One fake service for the whole run (starting one costs a few milliseconds, but why pay)."""
    with EdgeFake() as fake:
        yield fake


@pytest.fixture
def edge_fake(edge_service: EdgeFake, monkeypatch: pytest.MonkeyPatch) -> Iterator[EdgeFake]:
    """The fake, reset, with edge-tts pointed at it and its clock skew cleared."""
    edge_service.reset()
    # communicate.py bound WSS_URL at import, so the constant must be patched where it is used.
    monkeypatch.setattr(edge_tts.communicate, "WSS_URL", edge_service.wss_url)
    monkeypatch.setattr(edge_tts.voices, "VOICE_LIST", edge_service.voice_list_url)
    monkeypatch.setattr(DRM, "clock_skew_seconds", 0.0)
    # aiohttp trusts proxy variables (WS_PROXY for websockets); loopback must never go through one.
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    for name in ("WS_PROXY", "WSS_PROXY", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    yield edge_service
    edge_service.reset()


@pytest.fixture
def fast_edge_options() -> dict[str, Any]:
    return dict(FAST)


@pytest.fixture
def edge_engine(edge_fake: EdgeFake, fast_edge_options: dict[str, Any]) -> edge.EdgeEngine:
    """An edge engine with fast retries, talking to the fake."""
    return edge.create(**fast_edge_options)


def decode_ms(data: bytes) -> int:
    """Decode (``audio.mp3.decode`` fails on any decoder complaint); return the length in milliseconds."""
    return len(mp3.decode(data)) * 1000 // mp3.SAMPLE_RATE_HZ


class ToneEngine(Engine):
    """A tiny local engine (canonical MP3 tones) standing in for the offline voice in auto tests."""

    name = "tone"
    version = "tone-1"
    default_voice = "tone-a"

    def __init__(self) -> None:
        self.calls: list[tuple[str, SpeechParams]] = []

    def voices(self) -> list[Voice]:
        return [Voice("tone-a", self.name), Voice("tone-b", self.name)]

    def synthesize(self, text: str, params: SpeechParams) -> Speech:
        if not text.strip():
            raise SynthesisFailed("nothing to speak: the text is empty")
        if params.voice not in ("tone-a", "tone-b"):
            raise VoiceNotFound(f"tone has no voice {params.voice!r}")
        self.calls.append((text, params))
        pcm, bounds = render(text, rate_percent=params.rate)
        marks = tuple(Mark(start, dur, t) for _, start, dur, t in bounds)
        return Speech(encode_mp3(pcm), marks, engine=self.name, voice=params.voice)
