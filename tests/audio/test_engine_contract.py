"""The Engine protocol, checked the same way for every engine we ship (and the test fake).

edge and auto run the real edge-tts client against the local protocol fake; offline runs Kokoro on
one very short text; espeak runs when it is installed; speech-api talks to a local stand-in for a
site's OpenAI-compatible server that answers a real WAV.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import audio
from audio.engines import Engine
from audio.engines import auto
from audio.engines import edge
from audio.errors import EngineUnavailable
from audio.errors import SynthesisFailed
from audio.errors import VoiceNotFound
from audio.model import Speech
from audio.model import SpeechParams
from audio.mp3 import FRAME_MS
from audio.mp3 import check_canonical
from tests.audio.edge_fixtures import *  # noqa: F403
from tests.audio.edge_fixtures import decode_ms
from tests.audio.speech_server import Answer
from tests.audio.speech_server import SpeechServer
from tests.audio.speech_server import tone_wav
from tests.fakes import ToneEngine

TEXT = "你好。"


@pytest.fixture
def fake_engine_() -> Engine:
    return ToneEngine()


@pytest.fixture
def edge_engine_(edge_fake, fast_edge_options) -> Engine:
    return edge.create(**fast_edge_options)


@pytest.fixture
def auto_engine_(edge_fake, fast_edge_options) -> Engine:
    return auto.create(fallback=ToneEngine(), **fast_edge_options)


@pytest.fixture
def offline_engine_(offline_engine) -> Engine:
    return offline_engine  # The session-wide Kokoro engine from tests/audio/conftest.py.


@pytest.fixture
def espeak_engine_() -> Engine:
    try:
        return audio.get_engine("espeak")
    except EngineUnavailable as exc:
        pytest.skip(f"espeak is not installed: {exc}")


@pytest.fixture
def speech_api_engine_() -> Iterator[Engine]:
    with SpeechServer() as server:
        server.answer = Answer(tone_wav(), "audio/wav")
        yield audio.get_engine("speech-api", url=server.url, voices="voice-a,voice-b")


ENGINES = ["fake", "edge", "auto", "offline", "espeak", "speech_api"]


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> Engine:
    return request.getfixturevalue(f"{request.param}_engine_")


def _default_voice(engine: Engine) -> str:
    default = getattr(engine, "default_voice", "")
    return str(default) if default else engine.voices()[0].name


_LOCAL_SPEECH: dict[str, Speech] = {}  # Kokoro takes seconds per call: speak once per run.


@pytest.fixture
def speech(engine: Engine) -> Speech:
    if engine.name not in ("offline", "espeak"):
        return engine.synthesize(TEXT, SpeechParams(_default_voice(engine)))
    if engine.name not in _LOCAL_SPEECH:
        _LOCAL_SPEECH[engine.name] = engine.synthesize(TEXT, SpeechParams(_default_voice(engine)))
    return _LOCAL_SPEECH[engine.name]


def test_is_an_engine(engine):
    assert isinstance(engine, Engine)
    assert isinstance(engine.name, str) and engine.name
    assert isinstance(engine.version, str) and engine.version


def test_offers_voices_including_its_default(engine):
    voices = engine.voices()
    names = [v.name for v in voices]
    assert voices and len(names) == len(set(names)) and all(v.engine for v in voices)
    assert _default_voice(engine) in names


def test_speaks_canonical_mp3_that_decodes(engine, speech):
    frames = check_canonical(speech.mp3)
    decoded_ms = decode_ms(speech.mp3)
    assert abs(decoded_ms - frames * FRAME_MS) <= FRAME_MS
    assert decoded_ms >= 200
    assert speech.voice == _default_voice(engine) and speech.engine


def test_marks_are_ordered_and_inside_the_audio(speech):
    audio_ms = check_canonical(speech.mp3) * FRAME_MS
    starts = [m.start_ms for m in speech.marks]
    assert starts == sorted(starts)
    assert all(m.start_ms >= 0 and m.duration_ms >= 0 for m in speech.marks)
    assert all(m.start_ms + m.duration_ms <= audio_ms for m in speech.marks)


def test_unknown_voice_is_voice_not_found(engine):
    with pytest.raises(VoiceNotFound):
        engine.synthesize(TEXT, SpeechParams("no-such-voice"))


def test_empty_text_is_a_clear_error(engine):
    with pytest.raises(SynthesisFailed):
        engine.synthesize("   ", SpeechParams(_default_voice(engine)))
