"""The optional eSpeak NG fallback (espeakng-loader via ctypes): real audio, canonical MP3, clear errors."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from audio.engines import get_engine
from audio.engines.espeak import EspeakEngine
from audio.engines.espeak import create
from audio.errors import EngineUnavailable
from audio.errors import SynthesisFailed
from audio.errors import VoiceNotFound
from audio.lexicon import Lexicon
from audio.model import SpeechParams
from tests.audio.conftest import DECODE_RATE_HZ
from tests.audio.conftest import Decoder

TEXT = "重庆市江北区法治政府建设情况报告。"  # 15 characters


@pytest.fixture(scope="module")
def engine() -> EspeakEngine:
    built = get_engine("espeak")
    assert isinstance(built, EspeakEngine)
    return built


def _seconds(mp3: bytes, decode: Decoder) -> float:
    return decode(mp3).size / DECODE_RATE_HZ


def test_speaks_canonical_mp3_of_plausible_length(engine: EspeakEngine, decode: Decoder) -> None:
    speech = engine.synthesize(TEXT, SpeechParams(voice="cmn"))
    mp3 = speech.mp3
    assert speech.engine == "espeak" and speech.voice == "cmn"
    assert len(mp3) % 144 == 0 and {mp3[i:i + 3] for i in range(0, len(mp3), 144)} == {b"\xff\xf3\x64"}
    samples = decode(mp3)
    assert 15 * 0.15 < samples.size / DECODE_RATE_HZ < 15 * 0.6
    assert float(np.sqrt(np.mean(np.square(samples)))) > 0.02


def test_rate_changes_duration(engine: EspeakEngine, decode: Decoder) -> None:
    normal = _seconds(engine.synthesize(TEXT, SpeechParams(voice="cmn")).mp3, decode)
    fast = _seconds(engine.synthesize(TEXT, SpeechParams(voice="cmn", rate=60)).mp3, decode)
    assert fast < normal * 0.8


# eSpeak NG's output varies by a few samples from call to call, so texts are compared by duration.
def test_digits_are_read_one_by_one_like_the_offline_engine(engine: EspeakEngine, decode: Decoder) -> None:
    with_digits = _seconds(engine.synthesize("版本2.5", SpeechParams(voice="cmn")).mp3, decode)
    spelled = _seconds(engine.synthesize("版本二点五", SpeechParams(voice="cmn")).mp3, decode)
    assert abs(with_digits - spelled) < 0.1


def test_unknown_voice_and_empty_text(engine: EspeakEngine) -> None:
    with pytest.raises(VoiceNotFound):
        engine.synthesize(TEXT, SpeechParams(voice="en-us"))
    with pytest.raises(VoiceNotFound):
        create(voice="en-us")
    with pytest.raises(SynthesisFailed):
        engine.synthesize("，。", SpeechParams(voice="cmn"))


def test_lexicon_homophones_apply_and_version_follows(engine: EspeakEngine, decode: Decoder) -> None:
    custom = create(lexicon=Lexicon.parse("江北\tjiang1 bei3\t重新设置江北\n"))
    assert custom.version != engine.version
    plain = _seconds(engine.synthesize("江北", SpeechParams(voice="cmn")).mp3, decode)
    rewritten = _seconds(custom.synthesize("江北", SpeechParams(voice="cmn")).mp3, decode)
    assert rewritten > plain * 1.8  # the six-character "homophone" was spoken instead


def test_missing_package_is_engine_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "espeakng_loader" else real(name, *a))
    with pytest.raises(EngineUnavailable, match="espeakng-loader"):
        create()
