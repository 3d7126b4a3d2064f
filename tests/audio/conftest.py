"""Session-wide heavy fixtures for the audio tests: one Kokoro engine, one Whisper model, an MP3 decoder.

Kokoro (~2 s to load) and Whisper base (~1 s) are loaded once per test session, never per test.
MP3s are decoded with the static ffmpeg that ``imageio-ffmpeg`` ships, so no system ffmpeg is needed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from audio import mp3
from audio.engines.offline import OfflineEngine
from audio.engines.offline import create as create_offline
from tests.audio.asr import load_whisper

DECODE_RATE_HZ = 16_000
Decoder = Callable[[bytes], np.ndarray]


def decode_mp3(data: bytes, rate_hz: int = DECODE_RATE_HZ) -> np.ndarray:
    """MP3 bytes → mono float32 samples in [-1, 1] at ``rate_hz`` (raises on any decoder complaint)."""
    return mp3.decode(data, sample_rate=rate_hz).astype(np.float32) / 32768.0


@pytest.fixture(scope="session")
def decode() -> Decoder:
    """The MP3 decoder used by the audio tests."""
    return decode_mp3


@pytest.fixture(scope="session")
def offline_engine() -> OfflineEngine:
    """The real Kokoro engine with the shipped lexicon, model and jieba already loaded."""
    engine = create_offline()
    engine.warm()
    return engine


@pytest.fixture(scope="session")
def whisper_model(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Whisper base (CTranslate2) assembled from the two PyPI parts into a temporary folder."""
    return load_whisper(Path(tmp_path_factory.mktemp("whisper-base")))
