"""A light optional fallback: eSpeak NG 1.52 (voice ``cmn``) from the ``espeakng-loader`` wheel, via ctypes.

Robotic and far less intelligible than Kokoro, but it installs in 22 MB and speaks instantly. The
wheel ships only the shared library and its data (no executable), so we drive the C API directly:
synchronous mode with a callback that collects 16-bit samples. libespeak-ng keeps global state, so
one lock serializes every call in the process. Its Mandarin output is 22 050 Hz; LAME resamples it
to the canonical 24 kHz while encoding. Licence: GPL-3.0-or-later, hence optional (``bobao[espeak]``).
"""

from __future__ import annotations

import ctypes
import importlib.metadata
import importlib.util
import os
import threading
import unicodedata
from typing import Any

import numpy as np

from audio.engines import Engine
from audio.errors import EngineUnavailable
from audio.errors import SynthesisFailed
from audio.errors import VoiceNotFound
from audio.lexicon import Lexicon
from audio.model import Speech
from audio.model import SpeechParams
from audio.model import Voice
from audio.mp3 import encode_pcm
from reader import read_digits

NAME = "espeak"
DEFAULT_VOICE = "cmn"
VOICES = {"cmn": ("", "eSpeak 普通话（机器音）")}
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_CHARS_UTF8 = 1
_RATE, _VOLUME, _PITCH = 1, 2, 3
_DEFAULT_WPM, _DEFAULT_PITCH = 175, 50
_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)

_lock = threading.Lock()
_library: tuple[Any, int] | None = None
_chunks: list[np.ndarray] = []


def _collect_samples(wav: Any, count: int, _events: Any) -> int:
    """Called by espeak (under ``_lock``) with each block of samples; 0 means carry on."""
    if wav and count > 0:
        _chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
    return 0


_collect = _CALLBACK(_collect_samples)  # kept at module level: espeak holds the pointer for the process


def _load() -> tuple[Any, int]:
    """Load and initialize libespeak-ng once; returns the library and its sample rate. Call under _lock."""
    global _library
    if _library is None:
        try:
            import espeakng_loader

            lib = ctypes.CDLL(espeakng_loader.get_library_path())
            data_parent = os.path.dirname(espeakng_loader.get_data_path())
        except (ImportError, OSError) as exc:
            raise EngineUnavailable(f"eSpeak NG is not installed (pip install espeakng-loader): {exc}") \
                from exc
        lib.espeak_Initialize.restype = ctypes.c_int
        rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data_parent.encode(), 0)
        if rate <= 0:
            raise EngineUnavailable(f"eSpeak NG failed to initialize with data in {data_parent}")
        lib.espeak_SetSynthCallback(_collect)
        if lib.espeak_SetVoiceByName(DEFAULT_VOICE.encode()) != 0:
            raise EngineUnavailable("eSpeak NG has no Mandarin voice 'cmn' in its data")
        _library = (lib, rate)
    return _library


class EspeakEngine(Engine):
    """eSpeak NG's Mandarin voice; the lexicon applies through its homophone spellings."""

    name = NAME

    default_voice = DEFAULT_VOICE

    def __init__(self, *, lexicon: Lexicon | None = None) -> None:
        if importlib.util.find_spec("espeakng_loader") is None:
            raise EngineUnavailable("the espeak engine needs the optional package espeakng-loader")
        self.lexicon: Lexicon = lexicon if lexicon is not None else Lexicon.default()
        loader = importlib.metadata.version("espeakng-loader")
        self.version = f"espeak-ng-loader-{loader}+cmn+lex-{self.lexicon.version}+1"

    def voices(self) -> list[Voice]:
        """The one Mandarin voice."""
        return [Voice(name, NAME, "zh-CN", gender, display) for name, (gender, display) in VOICES.items()]

    def synthesize(self, text: str, params: SpeechParams) -> Speech:
        """Speak ``text`` and return canonical MP3."""
        voice = params.voice or DEFAULT_VOICE
        if voice not in VOICES:
            raise VoiceNotFound(f"the espeak engine has no voice {voice!r}; it has {', '.join(VOICES)}")
        prepared = _prepare(self.lexicon.apply_text(text))
        if not any(ch.isalnum() for ch in prepared):
            raise SynthesisFailed(f"nothing speakable in {text[:40]!r}")
        samples, rate = self._run(prepared, params)
        if samples.size == 0 or not np.any(samples):
            raise SynthesisFailed(f"eSpeak NG produced no audio for {text[:40]!r}")
        return Speech(encode_pcm(samples, rate), engine=NAME, voice=voice)

    def _run(self, text: str, params: SpeechParams) -> tuple[np.ndarray, int]:
        data = text.encode("utf-8") + b"\0"
        with _lock:
            lib, rate = _load()
            lib.espeak_SetParameter(_RATE, int(_DEFAULT_WPM * (1 + params.rate / 100)), 0)
            lib.espeak_SetParameter(_VOLUME, max(0, 100 + params.volume), 0)
            lib.espeak_SetParameter(_PITCH, min(100, max(0, _DEFAULT_PITCH + params.pitch // 4)), 0)
            _chunks.clear()
            status = lib.espeak_Synth(data, len(data), 0, 0, 0, _CHARS_UTF8, None, None)
            pieces = list(_chunks)
            _chunks.clear()
        if status != 0:
            raise SynthesisFailed(f"eSpeak NG returned error {status}")
        return (np.concatenate(pieces) if pieces else np.zeros(0, np.int16)), rate


def _prepare(text: str) -> str:
    """Fold full-width forms and read leftover digits one by one, as the offline engine does."""
    folded = unicodedata.normalize("NFKC", text)
    out: list[str] = []
    digits: list[str] = []
    for ch in folded + "\0":
        if "0" <= ch <= "9" or (ch == "." and digits):
            digits.append(ch)
            continue
        if digits:
            spoken = read_digits("".join(digits).rstrip("."), point=True)
            out.append(spoken + ("." if digits[-1] == "." else ""))
            digits = []
        out.append(ch)
    return "".join(out[:-1])


def create(*, voice: str = DEFAULT_VOICE, lexicon: Lexicon | None = None, **_ignored: Any) -> EspeakEngine:
    """Factory registered as ``"espeak"``; raises EngineUnavailable if espeakng-loader is missing."""
    if voice and voice not in VOICES:
        raise VoiceNotFound(f"the espeak engine has no voice {voice!r}; it has {', '.join(VOICES)}")
    return EspeakEngine(lexicon=lexicon)
