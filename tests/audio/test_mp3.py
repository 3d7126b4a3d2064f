from __future__ import annotations

import numpy as np
import pytest

from audio import AudioError
from audio import SynthesisFailed
from audio import mp3
from tests.audio.core_fixtures import ffmpeg


def sine(seconds: float, rate_hz: int = 24_000, frequency: float = 440.0) -> np.ndarray:
    t = np.arange(int(seconds * rate_hz)) / rate_hz
    return 0.3 * np.sin(2 * np.pi * frequency * t)


def dominant_hz(pcm: np.ndarray, rate_hz: int = 24_000) -> float:
    spectrum = np.abs(np.fft.rfft(pcm.astype(np.float64)))
    return float(np.fft.rfftfreq(len(pcm), 1 / rate_hz)[np.argmax(spectrum)])


def test_encoded_pcm_is_canonical_frames():
    data = mp3.encode_pcm(sine(1.0))
    frames = mp3.walk_frames(data)
    assert data[:4] == bytes.fromhex("fff364c4")
    assert all(h.is_canonical and h.length_bytes == 144 for _, h in frames)
    assert mp3.duration_ms(data) == len(frames) * 24


def test_duration_from_frames_matches_decoder():
    data = mp3.encode_pcm(sine(1.5))
    decoded = mp3.decode(data)
    assert abs(len(decoded) / 24 - mp3.duration_ms(data)) <= 24
    # LAME adds its encoder delay and padding, never more than a few frames.
    assert 1500 <= mp3.duration_ms(data) <= 1500 + 5 * 24


@pytest.mark.parametrize("rate_hz", [16_000, 22_050, 44_100, 48_000])
def test_other_rates_are_resampled_to_24k(rate_hz):
    data = mp3.encode_pcm(sine(1.0, rate_hz), rate_hz)
    mp3.check_canonical(data)
    decoded = mp3.decode(data)
    assert abs(len(decoded) / 24_000 - 1.0) < 0.15
    assert abs(dominant_hz(decoded) - 440.0) < 5


def test_float_and_int16_input_give_the_same_audio():
    samples = sine(0.5)
    as_int = (samples * 32767).round().astype(np.int16)
    assert mp3.encode_pcm(samples) == mp3.encode_pcm(as_int)


def test_tiny_input_still_gives_a_valid_clip():
    assert mp3.duration_ms(mp3.encode_pcm(np.zeros(10, dtype=np.int16))) >= 24


@pytest.mark.parametrize(("ms", "frames"), [(0, 0), (11, 0), (13, 1), (700, 29), (15_000, 625)])
def test_silence_is_rounded_to_frames_and_silent(ms, frames):
    data = mp3.silence(ms)
    assert len(data) == frames * 144
    if frames >= 2:  # ffmpeg's probe wants two consecutive frames
        decoded = mp3.decode(data)
        assert np.max(np.abs(decoded)) <= 1
        assert abs(len(decoded) / 24 - frames * 24) <= 24


def test_byte_joined_clips_decode_to_the_sum():
    parts = [mp3.encode_pcm(sine(0.7)), mp3.silence(300), mp3.encode_pcm(sine(1.1, frequency=330))]
    joined = b"".join(parts)
    decoded = mp3.decode(joined)
    assert mp3.duration_ms(joined) == sum(mp3.duration_ms(p) for p in parts)
    assert abs(len(decoded) / 24 - mp3.duration_ms(joined)) <= 24


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "empty"), (b"hello world" * 20, "not an MP3 frame"), (mp3.silence(48)[:200], "truncated")],
)
def test_garbage_is_rejected_with_our_error(data, message):
    with pytest.raises(SynthesisFailed, match=message):
        mp3.check_canonical(data)


def test_truncated_stream_is_detected():
    data = mp3.encode_pcm(sine(0.3))
    with pytest.raises(SynthesisFailed, match="truncated"):
        mp3.walk_frames(data[:-50])


def test_other_formats_are_not_canonical():
    pcm = (sine(0.5, 44_100) * 32767).astype(np.int16).tobytes()
    result = ffmpeg(
        "-f",
        "s16le",
        "-ar",
        "44100",
        "-ac",
        "1",
        "-i",
        "pipe:0",
        "-b:a",
        "128k",
        "-write_xing",
        "0",
        "-id3v2_version",
        "0",
        "-f",
        "mp3",
        "-",
        data=pcm,
    )
    assert result.returncode == 0
    with pytest.raises(SynthesisFailed, match="not the canonical"):
        mp3.check_canonical(result.stdout)


def test_foreign_headers_are_stripped():
    pcm = (sine(1.0) * 32767).astype(np.int16).tobytes()
    result = ffmpeg(
        "-f",
        "s16le",
        "-ar",
        "24000",
        "-ac",
        "1",
        "-i",
        "pipe:0",
        "-b:a",
        "48k",
        "-metadata",
        "title=x",
        "-f",
        "mp3",
        "-",
        data=pcm,
    )
    foreign = result.stdout + b"TAG" + b"\x00" * 125
    assert foreign[:3] == b"ID3"
    with pytest.raises(SynthesisFailed):
        mp3.check_canonical(foreign)
    stripped = mp3.strip_headers(foreign)
    frames = mp3.check_canonical(stripped)
    assert abs(frames * 24 - 1000) <= 6 * 24


def test_decode_reports_broken_input():
    with pytest.raises(AudioError, match="ffmpeg"):
        mp3.decode(b"\x00\x01" * 500)


def test_stereo_int16_is_mixed_down_not_clipped():
    left = (sine(0.5) * 32767).astype(np.int16)
    stereo = np.stack([left, left], axis=1)
    assert np.array_equal(mp3.to_int16(stereo), left)
