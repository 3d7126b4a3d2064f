"""Helpers shared by the audio-core tests: fake-engine clips and ffmpeg measurements."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np

from audio import AudioClip
from audio import ClipCache
from audio import SpeechParams
from audio import synthesize
from audio.mp3 import ffmpeg_exe
from tests.fakes import ToneEngine

PARAMS = SpeechParams(voice="fake-female")
RATE_HZ = 24_000


def make_clips(cache: ClipCache, texts: list[str], engine: ToneEngine | None = None) -> list[AudioClip]:
    """Synthesize ``texts`` with the tone engine into ``cache``."""
    return synthesize(list(enumerate(texts)), engine or ToneEngine(), PARAMS, cache)


def ffmpeg(*args: str, data: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    command = [ffmpeg_exe(), "-nostdin", "-hide_banner", *args]
    return subprocess.run(command, input=data, capture_output=True, timeout=120, check=False)


def decode_strict(path: Path) -> np.ndarray:
    """Decode an MP3 file with ffmpeg, failing on the first decoder error (``-xerror``)."""
    result = ffmpeg("-v", "error", "-xerror", "-i", str(path), "-f", "s16le", "-ac", "1", "-ar", "24000", "-")
    assert result.returncode == 0 and not result.stderr, result.stderr.decode("utf-8", "replace")
    return np.frombuffer(result.stdout, dtype=np.int16)


def ffmetadata_chapters(path: Path) -> list[tuple[int, int, str]]:
    """(start_ms, end_ms, title) of each chapter as ffmpeg reads them."""
    result = ffmpeg("-v", "error", "-i", str(path), "-f", "ffmetadata", "-")
    text = result.stdout.decode("utf-8")
    found = re.findall(r"\[CHAPTER\]\nTIMEBASE=1/1000\nSTART=(\d+)\nEND=(\d+)\ntitle=(.*)", text)
    return [(int(start), int(end), title) for start, end, title in found]


def ebur128_lufs(pcm: np.ndarray, rate_hz: int = RATE_HZ) -> float:
    """Integrated loudness measured by ffmpeg's independent ebur128 filter."""
    result = ffmpeg(
        "-f",
        "s16le",
        "-ar",
        str(rate_hz),
        "-ac",
        "1",
        "-i",
        "pipe:0",
        "-af",
        "ebur128",
        "-f",
        "null",
        "-",
        data=pcm.astype(np.int16).tobytes(),
    )
    return float(re.findall(r"I:\s+(-?[\d.]+) LUFS", result.stderr.decode())[-1])
