"""The ``speech-api`` engine: the site's own speech server behind the OpenAI-style ``/v1/audio/speech``.

Many sites already run a TTS server (a procured commercial voice behind a gateway, or a self-hosted
Kokoro-FastAPI, CosyVoice, LocalAI or openedai-speech). They share one interface: ``POST
{base}/v1/audio/speech`` with JSON ``{"model", "input", "voice", "response_format", "speed"}``,
answered with audio bytes in ``wav``, ``flac``, ``opus`` (Ogg), ``aac`` (ADTS), ``mp3`` or ``pcm``
(headerless 16-bit little-endian mono, 24 kHz unless the server says otherwise), at whatever rate
and channel count the server likes.

That audio arrives in a foreign format, so this is where pydub earns its place: it decodes the
answer (through imageio-ffmpeg's binary, the format and decoder always named, so ffprobe is never
needed), downmixes it to mono and gives 16-bit PCM. The PCM is levelled to the loudness target of
the offline voice and encoded by ``audio.mp3.encode_pcm`` (LAME resamples to the canonical 24 kHz),
so its clips join frame by frame with every other engine's. An MP3 answer is re-encoded too: its
rate and bitrate are the server's, not ours.

Only the configured URL is contacted: no proxy from the environment, no redirect followed. Every
failure becomes an ``audio.errors`` exception with a message naming the server, never the API key.
"""

from __future__ import annotations

import hashlib
import io
import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.client import HTTPResponse
from typing import Any

import numpy as np

from audio.engines import Engine
from audio.engines.resilience import CircuitBreaker
from audio.engines.textsplit import split_text
from audio.errors import EngineUnavailable
from audio.errors import SynthesisFailed
from audio.errors import VoiceNotFound
from audio.loudness import normalize_loudness
from audio.model import SAMPLE_RATE_HZ
from audio.model import Speech
from audio.model import SpeechParams
from audio.model import Voice
from audio.mp3 import encode_pcm
from audio.mp3 import pydub_module

NAME = "speech-api"
ENCODING_VERSION = "1"  # bump when the decode → level → encode chain changes clip bytes
FORMATS = ("wav", "flac", "opus", "aac", "mp3", "pcm")
SPEED_RANGE = (0.25, 4.0)  # what the OpenAI interface accepts
BREAKER_THRESHOLD = 3  # failed requests in a row
BREAKER_COOLDOWN_S = 30.0
RETRY_PAUSE_S = 0.5
_MAX_RESPONSE_BYTES = 64 * 1024 * 1024
_CHUNK_BYTES = 64 * 1024
# Content-Type (without parameters) → our format name; servers often ignore response_format.
_CONTENT_TYPES = {
    "audio/wav": "wav", "audio/x-wav": "wav", "audio/wave": "wav", "audio/vnd.wave": "wav",
    "audio/flac": "flac", "audio/x-flac": "flac",
    "audio/ogg": "opus", "audio/opus": "opus", "application/ogg": "opus",
    "audio/aac": "aac", "audio/aacp": "aac", "audio/x-aac": "aac",
    "audio/mpeg": "mp3", "audio/mp3": "mp3", "audio/mpeg3": "mp3",
    "audio/pcm": "pcm", "audio/l16": "pcm", "audio/raw": "pcm",
}
# Our format → (ffmpeg demuxer, ffmpeg decoder). Naming the decoder is what keeps pydub off ffprobe.
_DECODERS = {"flac": ("flac", "flac"), "opus": ("ogg", "opus"), "aac": ("aac", "aac"), "mp3": ("mp3", "mp3")}


@dataclass(frozen=True, slots=True)
class SpeechApiSettings:
    """What the operator configures (``SPEECH_API_*``); ``base_url`` is the server, without the path."""

    base_url: str
    model: str = "tts-1"
    voices: tuple[str, ...] = ()
    api_key: str | None = None
    timeout_s: float = 30.0
    response_format: str = "wav"
    pcm_rate_hz: int = 24_000  # for headerless ``pcm`` answers that do not name their rate
    max_input_chars: int = 4096  # the interface's limit; longer texts go in pieces

    @property
    def endpoint(self) -> str:
        """``{base}/v1/audio/speech``; a base that already ends in ``/v1`` is not doubled."""
        base = self.base_url.rstrip("/")
        return f"{base}/audio/speech" if base.endswith("/v1") else f"{base}/v1/audio/speech"

    @property
    def where(self) -> str:
        """The server as error messages name it (scheme, host and port; never the key)."""
        parts = urllib.parse.urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"


class SpeechApiEngine(Engine):
    """Speaks through an OpenAI-compatible speech server; see the module docstring."""

    name = NAME

    def __init__(self, settings: SpeechApiSettings) -> None:
        self.settings = settings
        self.default_voice = settings.voices[0]
        # A different server, model or answer format gives different bytes: each gets its own keys.
        server = f"{settings.endpoint}|{settings.model}|{settings.response_format}|{settings.pcm_rate_hz}"
        digest = hashlib.sha256(server.encode("utf-8")).hexdigest()[:12]
        self.version = f"speech-api-{digest}+pydub+enc-{ENCODING_VERSION}"
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())
        # A server that is down costs one failure, not one timeout per sentence of every page.
        self.breaker = CircuitBreaker(threshold=BREAKER_THRESHOLD, cooldown_s=BREAKER_COOLDOWN_S)

    def degraded(self) -> bool:
        """While the circuit breaker is open, sentences fail without a request."""
        return self.breaker.is_open

    def voices(self) -> list[Voice]:
        """The voices the operator listed (the server is not asked: most cannot list them)."""
        return [Voice(name, NAME, "zh-CN", "", name) for name in self.settings.voices]

    def synthesize(self, text: str, params: SpeechParams) -> Speech:
        """Speak ``text`` on the server; raises ``EngineError`` subclasses only."""
        if not text.strip():
            raise SynthesisFailed("nothing to speak: the text is empty")
        voice = params.voice or self.default_voice
        if voice not in self.settings.voices:
            known = ", ".join(self.settings.voices)
            raise VoiceNotFound(f"speech-api has no voice {voice!r}; it has {known}")
        self.breaker.check(f"the speech server at {self.settings.where}")
        pieces = split_text(text, max_bytes=self.settings.max_input_chars, measure=len)
        pcm = [self._speak_piece(piece, voice, params.rate) for piece in pieces]
        samples, rate_hz = _join(pcm)
        if samples.size == 0 or not np.any(samples):
            where = self.settings.where
            raise SynthesisFailed(f"the speech server at {where} answered silence for {text[:40]!r}")
        # The offline voice's loudness target, so this voice sits at the same level beside it.
        levelled = normalize_loudness(samples, rate_hz)
        return Speech(encode_pcm(_apply_volume(levelled, params.volume), rate_hz), engine=NAME, voice=voice)

    def _speak_piece(self, text: str, voice: str, rate: int) -> tuple[np.ndarray, int]:
        body, content_type = self._post_guarded(text, voice, rate)
        s = self.settings
        fmt, pcm_rate_hz = answer_format(content_type, s.response_format, s.pcm_rate_hz)
        if not body:
            raise SynthesisFailed(f"the speech server at {self.settings.where} answered no audio")
        return decode_audio(body, fmt, pcm_rate_hz=pcm_rate_hz)

    def _post_guarded(self, text: str, voice: str, rate: int) -> tuple[bytes, str]:
        """``_post`` behind the breaker, with one retry after a gateway's passing 502/503/504."""
        for attempt in (1, 2):
            try:
                answer = self._post(text, voice, rate)
            except _Passing as exc:
                if attempt == 1:
                    time.sleep(RETRY_PAUSE_S)
                    continue
                self.breaker.record_failure(str(exc.error))
                raise exc.error from exc
            except EngineUnavailable as exc:
                # Unreachable (refused, DNS): open at once; a timeout or an HTTP error counts once.
                self.breaker.record_failure(str(exc), trip=isinstance(exc, _Unreachable))
                raise
            self.breaker.record_success()
            return answer
        raise AssertionError("unreachable")

    def _post(self, text: str, voice: str, rate: int) -> tuple[bytes, str]:
        s = self.settings
        payload = {"model": s.model, "input": text, "voice": voice,
                   "response_format": s.response_format, "speed": speed_for_rate(rate)}
        headers = {"Content-Type": "application/json", "Accept": "audio/*"}
        if s.api_key:
            headers["Authorization"] = f"Bearer {s.api_key}"
        request = urllib.request.Request(s.endpoint, json.dumps(payload, ensure_ascii=False).encode("utf-8"),
                                         headers=headers, method="POST")
        deadline = time.monotonic() + s.timeout_s
        try:
            with self._opener.open(request, timeout=s.timeout_s) as response:
                return _read_within(response, deadline, s.where), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            error = _http_error(exc, s.where)
            if exc.code in (502, 503, 504):
                raise _Passing(error) from exc
            raise error from exc
        except (TimeoutError, urllib.error.URLError, OSError) as exc:
            raise _connection_error(exc, s) from exc


class _Unreachable(EngineUnavailable):
    """Nothing answers at the address (refused, no route, unknown host)."""


class _Passing(Exception):
    """A gateway's 502/503/504: worth one more try before ``error`` is raised."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Refuse redirects: the text goes to the configured URL and nowhere else."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _read_within(response: HTTPResponse, deadline: float, where: str) -> bytes:
    """The whole body, within the total timeout (the socket timeout alone bounds each read only)."""
    body = bytearray()
    while chunk := response.read(_CHUNK_BYTES):
        body += chunk
        if time.monotonic() > deadline:
            raise TimeoutError(f"the speech server at {where} was still sending after the timeout")
        if len(body) > _MAX_RESPONSE_BYTES:
            raise SynthesisFailed(f"the speech server at {where} sent more than {_MAX_RESPONSE_BYTES} bytes")
    return bytes(body)


def _http_error(exc: urllib.error.HTTPError, where: str) -> Exception:
    """4xx other than auth/not-found/rate-limit: this text was refused; anything else: the server is."""
    try:
        detail = exc.read(300).decode("utf-8", "replace").strip()
    except OSError:
        detail = ""
    message = f"the speech server at {where} answered HTTP {exc.code}" + (f": {detail}" if detail else "")
    if 300 <= exc.code < 400:
        return EngineUnavailable(f"{message} (a redirect; set SPEECH_API_URL to the final address)")
    if exc.code in (400, 413, 422):
        return SynthesisFailed(message)
    return EngineUnavailable(message)


def _connection_error(exc: BaseException, settings: SpeechApiSettings) -> Exception:
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, TimeoutError):
        return EngineUnavailable(f"the speech server at {settings.where} did not answer within "
                                 f"{settings.timeout_s:g} s")
    message = f"cannot reach the speech server at {settings.where}: {reason}"
    if isinstance(reason, ConnectionRefusedError | socket.gaierror):
        return _Unreachable(message)
    return EngineUnavailable(message)


def speed_for_rate(rate_percent: int) -> float:
    """Bobao's engine-neutral rate (percent) as the interface's ``speed`` factor (1.0 = normal)."""
    low, high = SPEED_RANGE
    return round(min(high, max(low, 1.0 + rate_percent / 100.0)), 2)


def answer_format(content_type: str, requested: str, pcm_rate_hz: int) -> tuple[str, int]:
    """The format of an answer: its Content-Type when that names audio, else what was asked for.

    A text or JSON answer with status 200 is a gateway's page or an error object, not audio.
    """
    media, _, params = content_type.partition(";")
    media = media.strip().lower()
    if media.startswith(("text/", "application/json")):
        raise SynthesisFailed(f"the speech server answered {media}, not audio")
    fmt = _CONTENT_TYPES.get(media, requested)
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if fmt == "pcm" and key.strip().lower() == "rate" and value.strip().isdigit():
            pcm_rate_hz = int(value.strip())
    return fmt, pcm_rate_hz


def decode_audio(data: bytes, fmt: str, *, pcm_rate_hz: int = 24_000) -> tuple[np.ndarray, int]:
    """Foreign audio bytes → mono int16 samples and their rate, with pydub; ``SynthesisFailed`` if broken."""
    if fmt not in FORMATS:
        raise SynthesisFailed(f"the speech server answered in {fmt!r}, which Bobao cannot read")
    pydub = pydub_module()
    demuxer, decoder = ("wav", _wav_decoder(data)) if fmt == "wav" else _DECODERS.get(fmt, ("", ""))
    try:
        if fmt == "pcm":
            segment = pydub.AudioSegment(data=data[: len(data) - len(data) % 2], sample_width=2,
                                         frame_rate=pcm_rate_hz, channels=1)
        else:
            segment = pydub.AudioSegment.from_file(io.BytesIO(data), format=demuxer, codec=decoder)
    except Exception as exc:  # pydub raises CouldntDecodeError, or whatever its WAV parser hits
        last_line = str(exc).strip().splitlines()[-1:] or [type(exc).__name__]
        raise SynthesisFailed(f"the speech server's {fmt} audio cannot be decoded: {last_line[0]}") from exc
    segment = segment.set_channels(1).set_sample_width(2)
    if not 8000 <= segment.frame_rate <= 48000:  # outside what LAME takes in: pydub resamples first
        segment = segment.set_frame_rate(SAMPLE_RATE_HZ)
    samples = np.frombuffer(segment.raw_data, dtype="<i2").astype(np.int16)
    return samples, int(segment.frame_rate)


def _wav_decoder(data: bytes) -> str:
    """The ffmpeg decoder for a WAV's samples (from its fmt chunk); pydub reads integer PCM itself."""
    at = data.find(b"fmt ", 12, 512)
    if at < 0 or len(data) < at + 24:
        raise SynthesisFailed("the speech server's wav audio cannot be decoded: it has no fmt chunk")
    tag = int.from_bytes(data[at + 8 : at + 10], "little")
    bits = int.from_bytes(data[at + 22 : at + 24], "little")
    if tag == 3:  # IEEE float
        return f"pcm_f{bits}le"
    return "pcm_u8" if bits == 8 else f"pcm_s{bits}le"


def _join(pieces: list[tuple[np.ndarray, int]]) -> tuple[np.ndarray, int]:
    rate_hz = pieces[0][1]
    if any(rate != rate_hz for _, rate in pieces):
        raise SynthesisFailed("the speech server answered the pieces of one text at different rates")
    return np.concatenate([samples for samples, _ in pieces]), rate_hz


def _apply_volume(samples: np.ndarray, volume_percent: int) -> np.ndarray:
    """Scale by ``1 + volume/100`` as the offline voice does (the interface has no volume)."""
    if volume_percent == 0:
        return samples
    gain = max(0.0, 1.0 + volume_percent / 100.0)
    scaled: np.ndarray = np.clip(samples.astype(np.float64) * gain, -32768, 32767).astype(np.int16)
    return scaled


def create(
    *,
    url: str | None = None,
    model: str = "tts-1",
    voices: str | tuple[str, ...] | list[str] = (),
    api_key: str | None = None,
    timeout_s: float = 30.0,
    response_format: str = "wav",
    pcm_rate_hz: int = 24_000,
    max_input_chars: int = 4096,
    voice: str | None = None,
    **_ignored: Any,
) -> SpeechApiEngine:
    """Factory registered as ``"speech-api"``; ``voices`` is a list or a comma-separated string."""
    names = tuple(v.strip() for v in (voices.split(",") if isinstance(voices, str) else voices) if v.strip())
    parts = urllib.parse.urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise EngineUnavailable(f"speech-api needs SPEECH_API_URL as http(s)://host[:port], not {url!r}")
    if not names:
        raise EngineUnavailable("speech-api needs SPEECH_API_VOICES: the server's voices, comma-separated")
    if response_format not in FORMATS:
        known = ", ".join(FORMATS)
        raise EngineUnavailable(f"SPEECH_API_FORMAT must be one of {known}, not {response_format!r}")
    if not timeout_s > 0:
        raise EngineUnavailable(f"SPEECH_API_TIMEOUT_S must be positive, not {timeout_s!r}")
    if voice and voice in names:  # the configured voice first: it becomes the default
        names = (voice, *(n for n in names if n != voice))
    settings = SpeechApiSettings(url or "", model, names, api_key or None, float(timeout_s), response_format,
                                 int(pcm_rate_hz), max(8, int(max_input_chars)))
    return SpeechApiEngine(settings)
