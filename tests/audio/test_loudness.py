from __future__ import annotations

import math

import numpy as np
import pytest

from audio.loudness import TARGET_LUFS
from audio.loudness import integrated_loudness
from audio.loudness import limit_peaks
from audio.loudness import normalize_loudness
from tests.audio.core_fixtures import ebur128_lufs

RATE_HZ = 24_000


def sine(amplitude: float, frequency: float = 997.0, seconds: float = 5.0) -> np.ndarray:
    t = np.arange(int(seconds * RATE_HZ)) / RATE_HZ
    return amplitude * np.sin(2 * np.pi * frequency * t)


def bursts(level: float, seed: int = 0) -> np.ndarray:
    """Speech-like: noise switched on and off, so both gates matter."""
    rng = np.random.default_rng(seed)
    t = np.arange(8 * RATE_HZ) / RATE_HZ
    return rng.normal(0, level, t.size) * (np.sin(2 * np.pi * 0.7 * t) > 0.2)


@pytest.mark.parametrize("amplitude", [1.0, 0.5, 0.1, 0.01])
def test_997_hz_sine_reads_bs1770_reference_level(amplitude):
    # BS.1770: a full-scale 997 Hz sine in one channel reads -3.01 LKFS.
    expected = -3.01 + 20 * math.log10(amplitude)
    assert integrated_loudness(sine(amplitude), RATE_HZ) == pytest.approx(expected, abs=0.5)


@pytest.mark.parametrize("frequency", [60.0, 200.0, 3000.0, 8000.0])
def test_k_weighting_agrees_with_ffmpeg_ebur128(frequency):
    signal = sine(0.3, frequency)
    reference = ebur128_lufs((signal * 32767).astype(np.int16))
    assert integrated_loudness(signal, RATE_HZ) == pytest.approx(reference, abs=0.5)


def test_gating_agrees_with_ffmpeg_ebur128_on_bursty_noise():
    signal = bursts(0.05)
    reference = ebur128_lufs((signal * 32767).astype(np.int16))
    assert integrated_loudness(signal, RATE_HZ) == pytest.approx(reference, abs=0.5)


def test_silence_has_no_loudness_and_is_left_alone():
    quiet = np.zeros(RATE_HZ * 2, dtype=np.int16)
    assert integrated_loudness(quiet) == -math.inf
    assert np.array_equal(normalize_loudness(quiet), quiet)


@pytest.mark.parametrize("level", [0.005, 0.02, 0.1])
def test_normalize_brings_speechlike_audio_to_target(level):
    pcm = (bursts(level, seed=1) * 32767).astype(np.int16)
    normalized = normalize_loudness(pcm)
    assert normalized.dtype == np.int16
    assert integrated_loudness(normalized) == pytest.approx(TARGET_LUFS, abs=0.5)
    assert ebur128_lufs(normalized) == pytest.approx(TARGET_LUFS, abs=0.5)


def test_gain_is_limited_by_the_peak():
    clicks = np.zeros(RATE_HZ * 3)
    clicks[:: RATE_HZ // 5] = 0.5  # very low loudness, high peaks
    normalized = normalize_loudness(clicks)
    peak_dbfs = 20 * math.log10(np.max(np.abs(normalized)) / 32768)
    assert peak_dbfs == pytest.approx(-1.0, abs=0.1)
    assert integrated_loudness(normalized) < TARGET_LUFS


def test_short_clip_is_scaled_too():
    short = sine(0.01, seconds=0.25)
    louder = normalize_loudness(short)
    assert np.max(np.abs(louder)) > 10 * np.max(np.abs(short * 32767))


def test_sharp_onsets_are_limited_so_the_clip_still_reaches_the_target():
    # Speech-like noise with a few sharp onsets, as Kokoro's male styles have: plain peak-bounded
    # gain would stop about 5 dB short of the target; the limiter takes the onsets down instead.
    speech = bursts(0.05, seed=3)  # -24.8 LUFS
    speech[RATE_HZ // 2 :: RATE_HZ] = 0.7  # 2 dB of headroom only
    normalized = normalize_loudness((speech * 32767).astype(np.int16))
    assert integrated_loudness(normalized) == pytest.approx(TARGET_LUFS, abs=0.5)
    assert 20 * math.log10(np.max(np.abs(normalized)) / 32768) <= -0.95


def test_the_limiter_leaves_audio_under_the_ceiling_alone():
    quiet = bursts(0.05, seed=4)
    assert limit_peaks(quiet, RATE_HZ) is quiet
    loud = sine(1.0, seconds=1.0)
    limited = limit_peaks(loud, RATE_HZ)
    assert np.max(np.abs(limited)) <= 10 ** (-1 / 20) + 1e-9
    assert np.max(np.abs(limited)) > 0.85, "a steady tone is turned down to the ceiling, not below"
