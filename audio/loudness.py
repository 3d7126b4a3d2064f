"""Integrated loudness (ITU-R BS.1770-4 / EBU R128) of mono PCM, and a gain to one target.

Engines that produce PCM call ``normalize_loudness`` before encoding, so every voice lands at the
same programme loudness and clips from different engines can still be joined without re-encoding.

The K-weighting pre-filter is BS.1770's two biquads (a high shelf of about +4 dB above 1.5 kHz and a
38 Hz high-pass), derived from their analog prototypes for any sample rate. To stay in pure numpy the
biquads are applied in the frequency domain on a zero-padded FFT; with enough padding that equals
the time-domain recursion, because the filters' impulse responses die out within a few milliseconds.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from audio.mp3 import to_int16

TARGET_LUFS = -18.0  # mono speech: about -16 LUFS stereo-equivalent, per AES TD1004 practice
PEAK_LIMIT_DBFS = -1.0
LIMITER_MAX_DB = 6.0
"""At most this much gain comes from limiting the peaks instead of lowering the whole clip. Kokoro's
male styles have sharp onsets: with plain peak-bounded gain, zm_yunyang stayed at -24.5 LUFS and
zm_yunxi/zm_yunjian/jm_kumo 2-4 LU under the target while the female styles reached it."""
_LIMITER_HOLD_S = 0.005  # the gain moves over 5 ms around a peak: no click, no audible pumping
_ABSOLUTE_GATE_LUFS = -70.0
_RELATIVE_GATE_LU = -10.0
_BLOCK_S, _STEP_S = 0.400, 0.100
_PAD_S = 0.5  # far longer than the 38 Hz high-pass's impulse response


def _high_shelf(rate_hz: int) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    gain_db, q, centre_hz = 3.999843853973347, 0.7071752369554196, 1681.974450955533
    k = math.tan(math.pi * centre_hz / rate_hz)
    vh = 10 ** (gain_db / 20)
    vb = vh**0.4996667741545416
    a0 = 1 + k / q + k * k
    b = ((vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0)
    a = (1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0)
    return b, a


def _high_pass(rate_hz: int) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    q, centre_hz = 0.5003270373238773, 38.13547087602444
    k = math.tan(math.pi * centre_hz / rate_hz)
    a0 = 1 + k / q + k * k
    b = (1.0, -2.0, 1.0)
    a = (1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0)
    return b, a


def _biquad_response(coeffs: tuple[tuple[float, ...], tuple[float, ...]], n_fft: int) -> np.ndarray:
    b, a = coeffs
    z1 = np.exp(-1j * 2 * np.pi * np.fft.rfftfreq(n_fft))  # z^-1 on the rfft bins
    response: np.ndarray = (b[0] + b[1] * z1 + b[2] * z1 * z1) / (a[0] + a[1] * z1 + a[2] * z1 * z1)
    return response


def k_weight(samples: np.ndarray, rate_hz: int) -> np.ndarray:
    """Apply BS.1770 K-weighting to float samples."""
    n_fft = 1 << math.ceil(math.log2(len(samples) + int(_PAD_S * rate_hz)))
    response = _biquad_response(_high_shelf(rate_hz), n_fft) * _biquad_response(_high_pass(rate_hz), n_fft)
    return np.fft.irfft(np.fft.rfft(samples, n_fft) * response, n_fft)[: len(samples)]


def _as_float(pcm: np.ndarray) -> np.ndarray:
    array = np.asarray(pcm)
    if array.ndim == 1 and np.issubdtype(array.dtype, np.floating):
        return array.astype(np.float64)
    return to_int16(array).astype(np.float64) / 32768.0


def integrated_loudness(pcm: np.ndarray, rate_hz: int = 24_000) -> float:
    """Gated integrated loudness in LUFS of mono PCM (int16 or float in −1…1); ``-inf`` for silence."""
    samples = _as_float(pcm)
    block, step = int(_BLOCK_S * rate_hz), int(_STEP_S * rate_hz)
    if len(samples) < block:
        return -math.inf
    squared = k_weight(samples, rate_hz) ** 2
    cumulative = np.concatenate(([0.0], np.cumsum(squared)))
    starts = np.arange(0, len(samples) - block + 1, step)
    powers = (cumulative[starts + block] - cumulative[starts]) / block
    with np.errstate(divide="ignore"):
        levels = -0.691 + 10 * np.log10(powers)
    gated = powers[levels > _ABSOLUTE_GATE_LUFS]
    if gated.size == 0:
        return -math.inf
    relative_gate = -0.691 + 10 * math.log10(gated.mean()) + _RELATIVE_GATE_LU
    kept = powers[(levels > _ABSOLUTE_GATE_LUFS) & (levels > relative_gate)]
    return -0.691 + 10 * math.log10(kept.mean())


def gain_db_to_target(
    pcm: np.ndarray,
    rate_hz: int = 24_000,
    target_lufs: float = TARGET_LUFS,
    peak_limit_dbfs: float = PEAK_LIMIT_DBFS,
) -> float:
    """The gain that brings ``pcm`` to ``target_lufs``; at most ``LIMITER_MAX_DB`` over the peak headroom
    (the limiter takes those peaks down), less when the target would need more."""
    loudness = integrated_loudness(pcm, rate_hz)
    if not math.isfinite(loudness):
        return 0.0
    peak = float(np.max(np.abs(_as_float(pcm))))
    headroom_db = peak_limit_dbfs - 20 * math.log10(peak) if peak > 0 else math.inf
    return min(target_lufs - loudness, headroom_db + LIMITER_MAX_DB)


def normalize_loudness(
    pcm: np.ndarray, rate_hz: int = 24_000, target_lufs: float = TARGET_LUFS
) -> np.ndarray:
    """Return ``pcm`` as int16 scaled to ``target_lufs`` (peaks limited to −1 dBFS); silence passes unchanged.

    Short clips (under 400 ms) have no gating block; they are scaled by their plain K-weighted RMS.
    """
    samples = _as_float(pcm)
    if len(samples) < int(_BLOCK_S * rate_hz):
        gain_db = _short_gain_db(samples, rate_hz, target_lufs)
    else:
        gain_db = gain_db_to_target(samples, rate_hz, target_lufs)
    scaled = limit_peaks(samples * 10 ** (gain_db / 20), rate_hz)
    levelled: np.ndarray = (np.clip(scaled, -1.0, 32767 / 32768) * 32768.0).round().astype(np.int16)
    return levelled


def limit_peaks(samples: np.ndarray, rate_hz: int, ceiling_dbfs: float = PEAK_LIMIT_DBFS) -> np.ndarray:
    """Turn the gain down smoothly around samples above the ceiling (a look-ahead peak limiter).

    The gain each sample needs is held at its minimum over ±5 ms and then smoothed over the same
    window, so it starts falling before a peak and recovers after it; the result never exceeds the
    ceiling. Audio under the ceiling is returned unchanged.
    """
    ceiling = 10 ** (ceiling_dbfs / 20)
    magnitude = np.abs(samples)
    if samples.size == 0 or float(magnitude.max()) <= ceiling:
        return samples
    need = np.minimum(1.0, ceiling / np.maximum(magnitude, 1e-12))
    half = max(1, int(_LIMITER_HOLD_S * rate_hz))
    held = sliding_window_view(np.pad(need, half, mode="edge"), 2 * half + 1).min(axis=1)
    window = np.hanning(2 * half + 3)[1:-1]
    smooth = np.convolve(np.pad(held, half, mode="edge"), window / window.sum(), mode="valid")
    limited: np.ndarray = samples * np.minimum(smooth, need)
    return limited


def _short_gain_db(samples: np.ndarray, rate_hz: int, target_lufs: float) -> float:
    if samples.size == 0 or not np.any(samples):
        return 0.0
    power = float(np.mean(k_weight(samples, rate_hz) ** 2))
    loudness = -0.691 + 10 * math.log10(power) if power > 0 else -math.inf
    if not math.isfinite(loudness):
        return 0.0
    peak = float(np.max(np.abs(samples)))
    return min(target_lufs - loudness, PEAK_LIMIT_DBFS - 20 * math.log10(peak))
