"""The offline Kokoro engine, for real: short texts, decoded MP3s, measured durations and loudness."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from audio.engines.offline import DEFAULT_VOICE
from audio.engines.offline import MALE_VOICE
from audio.engines.offline import OfflineEngine
from audio.engines.offline import chunk_phonemes
from audio.engines.offline import create
from audio.engines.offline import load_model
from audio.errors import SynthesisFailed
from audio.errors import VoiceNotFound
from audio.lexicon import Lexicon
from audio.model import Speech
from audio.model import SpeechParams
from tests.audio.conftest import DECODE_RATE_HZ
from tests.audio.conftest import Decoder

TEXT = "重庆市江北区，法治政府建设情况报告。"  # 16 spoken characters
FRAME_BYTES = 144


def _rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(samples)))) if samples.size else 0.0


def _seconds(samples: np.ndarray) -> float:
    return samples.size / DECODE_RATE_HZ


@pytest.fixture(scope="module")
def plain_speech(offline_engine: OfflineEngine) -> Speech:
    """One synthesis at default settings that several tests measure."""
    return offline_engine.synthesize(TEXT, SpeechParams(voice=DEFAULT_VOICE))


@pytest.fixture(scope="module")
def plain(plain_speech: Speech, decode: Decoder) -> tuple[bytes, np.ndarray]:
    return plain_speech.mp3, decode(plain_speech.mp3)


def test_voices_native_default_first_with_honest_chinese_names(offline_engine: OfflineEngine) -> None:
    voices = offline_engine.voices()
    assert voices[0].name == DEFAULT_VOICE
    assert voices[0].name.startswith("zf_") and voices[0].gender == "female"
    assert voices[1].name == MALE_VOICE and MALE_VOICE.startswith("zm_") and voices[1].gender == "male"
    assert all(v.engine == "offline" and v.lang == "zh-CN" for v in voices)
    for voice in voices:
        native = voice.name[:3] in ("zf_", "zm_")
        assert ("普通话" in voice.display_name) == native, voice
        assert ("日语口音" in voice.display_name) == (not native), voice
        assert ("女声" if voice.gender == "female" else "男声") in voice.display_name, voice
    assert {v.name for v in voices if v.name[:3] in ("zf_", "zm_")} == {
        "zf_xiaobei", "zf_xiaoni", "zf_xiaoxiao", "zf_xiaoyi",
        "zm_yunjian", "zm_yunxi", "zm_yunxia", "zm_yunyang"}


def test_mp3_is_canonical_frame_by_frame(plain: tuple[bytes, np.ndarray]) -> None:
    mp3, _ = plain
    assert mp3[:3] != b"ID3" and b"Xing" not in mp3[:200] and b"Info" not in mp3[:200]
    assert len(mp3) % FRAME_BYTES == 0
    headers = {mp3[i:i + 3] for i in range(0, len(mp3), FRAME_BYTES)}
    # MPEG-2 Layer III without CRC, 48 kbit/s, 24 kHz, no padding; mono in the top bits of byte 3.
    assert headers == {b"\xff\xf3\x64"}
    assert {mp3[i + 3] & 0xC0 for i in range(0, len(mp3), FRAME_BYTES)} == {0xC0}


def test_duration_fits_the_text_and_is_speech_not_silence(plain: tuple[bytes, np.ndarray]) -> None:
    mp3, samples = plain
    seconds = _seconds(samples)
    assert 16 * 0.12 < seconds < 16 * 0.45, seconds
    assert abs(len(mp3) // FRAME_BYTES * 0.024 - seconds) < 0.1
    assert _rms(samples) > 0.03
    loud = np.flatnonzero(np.abs(samples) > 0.05)
    # Kokoro's ~1 s of edge silence is trimmed; what remains is the encoder delay and a short pad.
    assert _seconds(samples[:loud[0]]) < 0.25 and _seconds(samples[loud[-1]:]) < 0.35


def test_rate_changes_duration(offline_engine: OfflineEngine, decode: Decoder,
                               plain: tuple[bytes, np.ndarray]) -> None:
    fast = decode(offline_engine.synthesize(TEXT, SpeechParams(voice=DEFAULT_VOICE, rate=50)).mp3)
    ratio = _seconds(fast) / _seconds(plain[1])
    assert 0.55 < ratio < 0.8, ratio


def test_volume_scales_loudness(offline_engine: OfflineEngine, decode: Decoder,
                                plain: tuple[bytes, np.ndarray]) -> None:
    quiet = decode(offline_engine.synthesize(TEXT, SpeechParams(voice=DEFAULT_VOICE, volume=-50)).mp3)
    ratio = _rms(quiet) / _rms(plain[1])
    assert 0.4 < ratio < 0.6, ratio


def test_male_voice_speaks(offline_engine: OfflineEngine, decode: Decoder) -> None:
    samples = decode(offline_engine.synthesize("依法行政。", SpeechParams(voice=MALE_VOICE)).mp3)
    assert 0.5 < _seconds(samples) < 3.0 and _rms(samples) > 0.03


def test_latin_digits_and_symbols_are_spoken(offline_engine: OfflineEngine, decode: Decoder) -> None:
    text = "GDP增长2.5%＠Ｘ"
    phonemes = offline_engine.phonemes(text)
    assert phonemes == offline_engine.phonemes("GDP增长二点五＠X")
    samples = decode(offline_engine.synthesize(text, SpeechParams(voice=DEFAULT_VOICE)).mp3)
    assert _seconds(samples) > 1.5 and _rms(samples) > 0.03


def test_unknown_voice_is_voice_not_found(offline_engine: OfflineEngine) -> None:
    with pytest.raises(VoiceNotFound, match="zf_xiaohei"):  # a Kokoro-like name that does not exist
        offline_engine.synthesize("你好", SpeechParams(voice="zf_xiaohei"))
    with pytest.raises(VoiceNotFound):
        create(voice="zh-CN-XiaoxiaoNeural")


@pytest.mark.parametrize("text", ["", "   ", "，。！", "@#$"])
def test_nothing_speakable_is_synthesis_failed(offline_engine: OfflineEngine, text: str) -> None:
    with pytest.raises(SynthesisFailed):
        offline_engine.synthesize(text, SpeechParams(voice=DEFAULT_VOICE))


def test_lexicon_changes_phonemes_and_the_keys_of_texts_holding_its_words(
    offline_engine: OfflineEngine,
) -> None:
    custom = create(lexicon=Lexicon.parse("重庆\tzhong4 qing4\n"))
    assert custom.phonemes("重庆") != offline_engine.phonemes("重庆")
    assert custom.phonemes("江北") == offline_engine.phonemes("江北")
    # The version is the same; what a text's clip is keyed by is the entries that text holds.
    assert custom.version == offline_engine.version
    assert custom.reading_version("重庆银行。") != offline_engine.reading_version("重庆银行。")
    assert custom.reading_version("今天天气很好。") == offline_engine.reading_version("今天天气很好。") == ""
    longer = create(lexicon=Lexicon.parse("重庆\tzhong4 qing4\n重庆银行\tchong2 qing4 yin2 hang2\n"))
    assert longer.reading_version("重庆银行。") != custom.reading_version("重庆银行。")
    assert longer.reading_version("去重庆。") == custom.reading_version("去重庆。")


def test_version_names_model_and_g2p(offline_engine: OfflineEngine) -> None:
    model = load_model()
    assert load_model() is model  # one session per process
    assert f"kokoro-{model.sha256[:12]}" in offline_engine.version
    assert "misaki-" in offline_engine.version


def test_clauses_carry_their_punctuation(offline_engine: OfflineEngine) -> None:
    phonemes = offline_engine.phonemes("第一，第二。第三？")
    assert [p[-1] for p in phonemes] == [",", ".", "?"]


def test_long_clause_is_chunked_within_the_window() -> None:
    words = ["ʨʰɥɛ↗nʨʰy→"] * 80
    chunks = chunk_phonemes(" ".join(words))
    assert len(chunks) > 1 and all(len(c) <= 500 for c in chunks)
    assert " ".join(chunks) == " ".join(words)


def test_one_mark_per_clause_in_order_within_the_audio(plain_speech: Speech) -> None:
    mp3, marks = plain_speech.mp3, plain_speech.marks
    assert [m.text for m in marks] == ["重庆市江北区，", "法治政府建设情况报告。"]
    first, second = marks
    assert 0 < first.start_ms < 200 and first.duration_ms > 500
    assert second.start_ms >= first.start_ms + first.duration_ms + 100  # the comma's pause
    assert second.start_ms + second.duration_ms <= len(mp3) // FRAME_BYTES * 24


def test_create_reads_a_lexicon_path(tmp_path: Path) -> None:
    path = tmp_path / "site.tsv"
    path.write_text("江北\tjiang1 bei3\n", encoding="utf-8")
    assert create(lexicon=path).lexicon.version == Lexicon.parse("江北\tjiang1 bei3\n").version


def test_every_latin_letter_has_a_spoken_name(offline_engine: OfflineEngine) -> None:
    (phonemes,) = offline_engine.phonemes("ABCDEFGHIJKLMNOPQRSTUVWXYZ abc")
    assert len(phonemes.split()) == 29
    assert not any("A" <= ch <= "Z" for ch in phonemes)


def test_clips_are_levelled_toward_the_loudness_target(offline_engine: OfflineEngine) -> None:
    from audio.loudness import TARGET_LUFS
    from audio.loudness import integrated_loudness
    from tests.audio.conftest import decode_mp3

    for voice in (DEFAULT_VOICE, MALE_VOICE, "zm_yunyang", "jm_kumo"):
        samples = decode_mp3(offline_engine.synthesize(TEXT, SpeechParams(voice=voice)).mp3, 24_000)
        # The peak limiter brings the peaky male styles to the target, or near (zm_yunyang: -19.6, was -24.5).
        assert TARGET_LUFS - 2 < integrated_loudness(samples, 24_000) < TARGET_LUFS + 0.5, voice
        assert float(np.abs(samples).max()) < 0.93, voice
