"""The edge engine: Microsoft Edge's read-aloud voices through edge-tts, hardened.

This is the only module that imports ``edge_tts`` and ``aiohttp``. The service breaks every few
months (403s, silent truncation, stalls, removed voices), so every request here is

* small: the text is split at sentence/clause boundaries into pieces of ≤ ~1,500 UTF-8 bytes,
  because edge-tts sends a Chinese paragraph without spaces as one request and the service cuts
  a request at ten minutes of audio;
* bounded: one total timeout per request and a shorter one for the first answer (edge-tts only
  times the handshake), and at most ``max_connections`` requests at once per engine;
* checked: audio that is missing, not whole frames, or shorter than the last boundary is retried;
* retried with exponential backoff and jitter, behind a circuit breaker that fails fast while the
  service is unreachable (a connect/DNS failure opens it at once).

Every foreign exception is translated into ``audio.errors`` where it enters (``_translate``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
import time
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from typing import TypeVar
from xml.sax.saxutils import escape

import aiohttp
import edge_tts
from edge_tts import exceptions as edge_errors

from audio import mp3
from audio.engines import Engine
from audio.engines import edge_voices
from audio.engines.resilience import CircuitBreaker
from audio.engines.resilience import backoff_delays
from audio.engines.textsplit import split_text
from audio.errors import EngineError
from audio.errors import EngineUnavailable
from audio.errors import SynthesisFailed
from audio.errors import VoiceNotFound
from audio.lexicon import Lexicon
from audio.model import Mark
from audio.model import Speech
from audio.model import SpeechParams
from audio.model import Voice

DEFAULT_VOICE = "zh-CN-XiaoxiaoNeural"
TICKS_PER_MS = 10_000  # The service counts in 100-ns ticks.
TRUNCATION_SLACK_MS = 100
RATE_LIMIT_PAUSE_S = 300.0  # edge-tts maintainers: "any 429 block ... goes away in 5 minutes".
_SPLIT_VERSION = "1"

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class EdgeSettings:
    """Voice-independent settings; those that change output are part of ``EdgeEngine.version``."""

    boundary: str = "SentenceBoundary"
    max_request_bytes: int = 1500
    timeout_s: float = 20.0  # Total per request, plus ``timeout_per_char_s`` for each character.
    timeout_per_char_s: float = 0.1
    first_answer_timeout_s: float = 10.0  # Until the first boundary or audio arrives.
    connect_timeout_s: int = 5
    attempts: int = 4
    backoff_s: float = 0.5
    backoff_cap_s: float = 8.0
    breaker_threshold: int = 5  # Failed attempts in a row; above ``attempts``: one bad text can't open it.
    cooldown_s: float = 30.0
    max_connections: int = 2
    proxy: str | None = None


class EdgeEngine(Engine):
    """Speaks through the Edge read-aloud service; see the module docstring for the guards."""

    name = "edge"

    def __init__(
        self,
        settings: EdgeSettings,
        voice_list: edge_voices.VoiceList,
        *,
        voice: str = DEFAULT_VOICE,
        lexicon: Lexicon | None = None,
    ) -> None:
        self.settings = settings
        # The service takes no phonemes, so the lexicon can only respell words by homophones.
        self.lexicon: Lexicon = lexicon if lexicon is not None else Lexicon.default()
        self.default_voice = voice
        self.breaker = CircuitBreaker(threshold=settings.breaker_threshold, cooldown_s=settings.cooldown_s)
        self._slots = threading.BoundedSemaphore(settings.max_connections)
        self._voice_list = voice_list
        major = edge_tts.__version__.split(".", 1)[0]
        self.version = (
            f"edge-tts{major}/{settings.boundary}/split{_SPLIT_VERSION}-{settings.max_request_bytes}"
            f"/lex-{self.lexicon.version}"
        )

    def degraded(self) -> bool:
        """While the circuit breaker is open, sentences fail without touching the network."""
        return self.breaker.is_open

    def voices(self) -> list[Voice]:
        """The service's voices in the configured locales (fetched once, then cached)."""
        self.breaker.check("edge voice list")
        try:
            return self._voice_list.voices()
        except EngineUnavailable as exc:
            self.breaker.record_failure(str(exc), trip=True)
            raise

    def synthesize(self, text: str, params: SpeechParams) -> Speech:
        """Speak ``text`` with an Edge voice; raises ``EngineError`` subclasses only."""
        if not text.strip():
            raise SynthesisFailed("nothing to speak: the text is empty")
        self.breaker.check("edge")
        self._check_voice(params.voice)
        joined = bytearray()
        marks: list[Mark] = []
        text = self.lexicon.apply_text(text)
        for piece in split_text(text, max_bytes=self.settings.max_request_bytes, measure=_escaped_len):
            audio, piece_marks = self._request_with_retries(piece, params)
            offset_ms = len(joined) // mp3.BYTES_PER_MS
            marks.extend(Mark(m.start_ms + offset_ms, m.duration_ms, m.text) for m in piece_marks)
            joined += audio
        return Speech(mp3=bytes(joined), marks=tuple(marks), engine=self.name, voice=params.voice)

    def _check_voice(self, voice: str) -> None:
        try:
            known = self._voice_list.names()
        except EngineUnavailable as exc:
            self.breaker.record_failure(str(exc), trip=True)
            raise
        if voice not in known:
            raise VoiceNotFound(f"edge has no voice {voice!r} (try {DEFAULT_VOICE!r})")

    def _request_with_retries(self, text: str, params: SpeechParams) -> tuple[bytes, list[Mark]]:
        s = self.settings
        delays = backoff_delays(s.attempts, base_s=s.backoff_s, cap_s=s.backoff_cap_s)
        self.breaker.check("edge")
        while True:
            try:
                with self._slots:
                    result = _run(self._request(text, params))
                self.breaker.record_success()
                return result
            except Exception as exc:  # noqa: BLE001 - every failure is translated just below.
                error, retry, trip, pause = _translate(exc)
                self.breaker.record_failure(str(error), trip=trip, cooldown_s=pause)
                delay = next(delays, None) if retry and not self.breaker.is_open else None
                if delay is None:
                    raise error from exc
                time.sleep(delay)

    async def _request(self, text: str, params: SpeechParams) -> tuple[bytes, list[Mark]]:
        """One connection, one text piece, one total timeout."""
        communicate = edge_tts.Communicate(
            text,
            params.voice,
            rate=f"{params.rate:+d}%",
            volume=f"{params.volume:+d}%",
            pitch=f"{params.pitch:+d}Hz",
            boundary=self.settings.boundary,  # type: ignore[arg-type]
            proxy=self.settings.proxy,
            connect_timeout=self.settings.connect_timeout_s,
            receive_timeout=self.settings.connect_timeout_s,
        )
        audio = bytearray()
        marks: list[Mark] = []
        loop = asyncio.get_running_loop()
        total_deadline = loop.time() + self.settings.timeout_s + self.settings.timeout_per_char_s * len(text)
        # A healthy service answers within a second; one that accepts and then says nothing is
        # given up on after ``first_answer_timeout_s``, not after the whole budget.
        first_deadline = min(total_deadline, loop.time() + self.settings.first_answer_timeout_s)
        async with asyncio.timeout_at(first_deadline) as deadline:
            async with contextlib.aclosing(communicate.stream()) as chunks:
                async for chunk in chunks:
                    deadline.reschedule(total_deadline)
                    if chunk["type"] == "audio":
                        audio += chunk["data"]
                    elif chunk["type"] in ("SentenceBoundary", "WordBoundary"):
                        marks.append(_mark(chunk))
        audio_ms = _check_complete(bytes(audio), marks)
        # Within the truncation slack a boundary may outlast the audio; cues must not.
        return bytes(audio), [_clamped(m, audio_ms) for m in marks]


class Truncated(Exception):
    """The stream ended early: the service closed the socket without an error (edge-tts #190)."""


def _mark(chunk: Any) -> Mark:
    return Mark(
        start_ms=round(chunk["offset"] / TICKS_PER_MS),
        duration_ms=round(chunk["duration"] / TICKS_PER_MS),
        text=str(chunk["text"]),
    )


def _clamped(mark: Mark, audio_ms: int) -> Mark:
    start_ms = min(mark.start_ms, audio_ms)
    return Mark(start_ms, min(mark.duration_ms, audio_ms - start_ms), mark.text)


def _check_complete(audio: bytes, marks: list[Mark]) -> int:
    """The audio's length in ms; ``Truncated`` unless it is whole canonical frames outlasting the marks."""
    if not audio:
        raise Truncated("the stream ended without audio")
    try:
        audio_ms = mp3.duration_ms(audio)
    except SynthesisFailed as exc:
        raise Truncated(f"the audio is not whole canonical frames: {exc}") from exc
    last_end_ms = max((m.start_ms + m.duration_ms for m in marks), default=0)
    if audio_ms < last_end_ms - TRUNCATION_SLACK_MS:
        raise Truncated(f"audio lasts {audio_ms} ms but the last boundary ends at {last_end_ms} ms")
    return audio_ms


def _escaped_len(text: str) -> int:
    """Bytes edge-tts will send: it XML-escapes the text before its own 4,096-byte split."""
    return len(escape(text).encode("utf-8"))


def _translate(exc: BaseException) -> tuple[EngineError, bool, bool, float | None]:
    """Map a failure to (our error, retry?, trip the breaker now?, cool-down override)."""
    if isinstance(exc, EngineError):
        return exc, False, False, None
    if isinstance(exc, aiohttp.ClientConnectorError):
        # DNS failure or refused connection: the service is unreachable, so stop trying at once.
        where = f"{exc.host}:{exc.port}"
        unreachable = EngineUnavailable(f"cannot reach the edge service at {where}: {exc.os_error}")
        return unreachable, False, True, None
    if isinstance(exc, aiohttp.ClientResponseError) and exc.status == 429:
        limited = EngineUnavailable("the edge service is rate limiting us (429)")
        return limited, False, True, RATE_LIMIT_PAUSE_S
    if isinstance(exc, aiohttp.ClientResponseError):
        return EngineUnavailable(f"the edge service refused the request ({exc.status})"), True, False, None
    if isinstance(exc, (TimeoutError, asyncio.TimeoutError)):
        return EngineUnavailable("the edge service did not finish in time"), True, False, None
    if isinstance(exc, (aiohttp.ClientError, OSError)):
        return EngineUnavailable(f"connection to the edge service failed: {exc}"), True, False, None
    if isinstance(exc, edge_errors.SkewAdjustmentError):
        return EngineUnavailable(f"edge clock-skew correction failed: {exc}"), False, False, None
    if isinstance(exc, (Truncated, edge_errors.EdgeTTSException)):
        incomplete = SynthesisFailed(f"edge returned incomplete audio: {type(exc).__name__}: {exc}")
        return incomplete, True, False, None
    if isinstance(exc, ValueError):
        return SynthesisFailed(f"edge rejected the parameters: {exc}"), False, False, None
    return SynthesisFailed(f"edge failed unexpectedly: {type(exc).__name__}: {exc}"), False, False, None


def _fetch_voices(settings: EdgeSettings) -> list[dict[str, Any]]:
    """The raw voice list from the service, within the total timeout; errors translated."""

    async def fetch() -> list[dict[str, Any]]:
        async with asyncio.timeout(settings.timeout_s):
            return [dict(v) for v in await edge_tts.list_voices(proxy=settings.proxy)]

    try:
        return _run(fetch())
    except Exception as exc:  # noqa: BLE001 - translated into our tree.
        error = _translate(exc)[0]
        if isinstance(error, EngineUnavailable):
            raise error from exc
        raise EngineUnavailable(f"cannot read the edge voice list: {error}") from exc


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on a private event loop; works from worker threads and from inside a loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def create(
    *,
    voice: str | None = None,
    voice_cache_path: str | Path | None = None,
    voice_cache_ttl_s: float = 86_400.0,
    locales: tuple[str, ...] = ("zh-CN",),
    lexicon: Lexicon | str | Path | None = None,
    **options: Any,
) -> EdgeEngine:
    """Build an edge engine; ``voice`` is its default voice, ``options`` are ``EdgeSettings`` fields."""
    try:
        settings = EdgeSettings(**options)
        if settings.boundary not in ("SentenceBoundary", "WordBoundary"):
            raise ValueError(f"boundary must be SentenceBoundary or WordBoundary, not {settings.boundary!r}")
    except (TypeError, ValueError) as exc:
        raise EngineUnavailable(f"bad edge engine option: {exc}") from exc
    voice_list = edge_voices.VoiceList(
        lambda: _fetch_voices(settings),
        cache_path=Path(voice_cache_path) if voice_cache_path else None,
        ttl_s=voice_cache_ttl_s,
        locales=locales,
    )
    if isinstance(lexicon, (str, Path)):
        lexicon = Lexicon.load(lexicon)
    return EdgeEngine(settings, voice_list, voice=voice or DEFAULT_VOICE, lexicon=lexicon)
