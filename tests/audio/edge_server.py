"""A local stand-in for the Edge read-aloud service that speaks edge-tts's real wire protocol.

It runs an aiohttp server on 127.0.0.1 (random port) in a background thread. The real edge-tts
client talks to it once ``edge_tts.communicate.WSS_URL`` / ``edge_tts.voices.VOICE_LIST`` point
here (see ``edge_fixtures.py``). Audio is real canonical MP3 encoded with lameenc from a tone whose
length follows the text, so tests can decode and measure it.

Each WebSocket connection takes the next behaviour queued with ``queue(...)`` (default ``"ok"``):

    ok            metadata, then the audio in slices that are not frame aligned, then turn.end
    403           HTTP 403 with a Date header one hour ahead (edge-tts corrects its clock once)
    429 / 500     that HTTP status on the upgrade
    no_audio      turn.start and turn.end, no audio (what the service does for a removed voice)
    close_early   metadata and half the audio, then the socket closes (silent truncation)
    short_audio   metadata and only the first half of the frames, then a normal turn.end (edge-tts #190)
    stall         turn.start, then nothing, ever
    stall_upgrade the HTTP upgrade is never answered
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import re
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass
from dataclasses import field
from xml.sax.saxutils import unescape

from aiohttp import WSMsgType
from aiohttp import web

from tests.audio.edge_wire import binary_message
from tests.audio.edge_wire import encode_mp3
from tests.audio.edge_wire import metadata
from tests.audio.edge_wire import render
from tests.audio.edge_wire import short_voice_name
from tests.audio.edge_wire import split_text_message
from tests.audio.edge_wire import text_message
from tests.audio.edge_wire import wants_words

BASE_PATH = "/consumer/speech/synthesize/readaloud"
TOKEN = "6A5AA1D4EAFF4E9FB37E23D68491D6F4"
SLICE_BYTES = 4_000  # Deliberately not a multiple of the 144-byte frame.
VOICES = (
    ("zh-CN-XiaoxiaoNeural", "zh-CN", "Female"),
    ("zh-CN-YunxiNeural", "zh-CN", "Male"),
    ("zh-CN-YunyangNeural", "zh-CN", "Male"),
    ("zh-CN-liaoning-XiaobeiNeural", "zh-CN-liaoning", "Female"),
    ("zh-TW-HsiaoChenNeural", "zh-TW", "Female"),
    ("en-US-EmmaMultilingualNeural", "en-US", "Female"),
)
_SSML = re.compile(
    r"<voice name='(?P<voice>[^']*)'><prosody pitch='(?P<pitch>[^']*)' rate='(?P<rate>[^']*)'"
    r" volume='(?P<volume>[^']*)'>(?P<text>.*)</prosody></voice>",
    re.S,
)


@dataclass
class Exchange:
    """What one WebSocket connection asked for."""

    behaviour: str
    query: dict[str, str]
    headers: dict[str, str]
    config: dict[str, object] = field(default_factory=dict)
    voice: str = ""
    rate: str = ""
    pitch: str = ""
    volume: str = ""
    text: str = ""
    text_bytes: int = 0


class EdgeFake:
    """The fake service; use as a context manager or call ``start()``/``stop()``."""

    def __init__(self) -> None:
        self.exchanges: list[Exchange] = []
        self.voice_list_requests = 0
        self.voice_list_behaviour = "ok"
        self.answer_delay_s = 0.0  # Wait this long before answering each request (to overlap them).
        self.mark_overhang_ms = 0  # Let the last boundary end this long after the audio does.
        self.silent_voices: set[str] = set()  # Listed, but answered without audio (a withdrawn voice).
        self.active = 0
        self.max_active = 0
        self.voices = [{"ShortName": n, "Locale": loc, "Gender": g} for n, loc, g in VOICES]
        self._behaviours: deque[str] = deque()
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._closing: asyncio.Event | None = None
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, name="edge-fake", daemon=True)
        self.port = 0

    # -- control -------------------------------------------------------------------------------
    def queue(self, *behaviours: str) -> None:
        """Behaviours for the next connections, in order; later connections get ``"ok"``."""
        with self._lock:
            self._behaviours.extend(behaviours)

    def reset(self) -> None:
        with self._lock:
            self._behaviours.clear()
            self.exchanges.clear()
            self.voice_list_requests = 0
            self.voice_list_behaviour = "ok"
            self.answer_delay_s = 0.0
            self.mark_overhang_ms = 0
            self.silent_voices = set()
            self.active = self.max_active = 0
            self.voices = [{"ShortName": n, "Locale": loc, "Gender": g} for n, loc, g in VOICES]

    @property
    def wss_url(self) -> str:
        """What ``edge_tts.communicate.WSS_URL`` must be (the client appends ``&ConnectionId=…``)."""
        return f"ws://127.0.0.1:{self.port}{BASE_PATH}/edge/v1?TrustedClientToken={TOKEN}"

    @property
    def voice_list_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{BASE_PATH}/voices/list?trustedclienttoken={TOKEN}"

    def start(self) -> EdgeFake:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    def __enter__(self) -> EdgeFake:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- server --------------------------------------------------------------------------------
    async def _start(self) -> None:
        self._closing = asyncio.Event()
        app = web.Application()
        app.router.add_get(f"{BASE_PATH}/edge/v1", self._speak)
        app.router.add_get(f"{BASE_PATH}/voices/list", self._voice_list)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def _stop(self) -> None:
        assert self._closing is not None and self._runner is not None
        self._closing.set()
        await self._runner.cleanup()

    async def _hang(self) -> None:
        assert self._closing is not None
        await self._closing.wait()

    async def _voice_list(self, request: web.Request) -> web.StreamResponse:
        self.voice_list_requests += 1
        if self.voice_list_behaviour == "stall":
            await self._hang()
        if self.voice_list_behaviour == "500":
            return web.Response(status=500)
        return web.json_response(self.voices)

    def _next_behaviour(self) -> str:
        with self._lock:
            return self._behaviours.popleft() if self._behaviours else "ok"

    async def _speak(self, request: web.Request) -> web.StreamResponse:
        behaviour = self._next_behaviour()
        exchange = Exchange(behaviour, dict(request.query), dict(request.headers))
        self.exchanges.append(exchange)
        if behaviour == "403":
            ahead = email.utils.formatdate(time.time() + 3600, usegmt=True)
            return web.Response(status=403, headers={"Date": ahead})
        if behaviour in ("429", "500"):
            return web.Response(status=int(behaviour))
        if behaviour == "stall_upgrade":
            await self._hang()
        ws = web.WebSocketResponse(compress=True)
        await ws.prepare(request)
        await self._converse(ws, exchange)
        return ws

    async def _converse(self, ws: web.WebSocketResponse, exchange: Exchange) -> None:
        async for message in ws:
            if message.type != WSMsgType.TEXT:
                break
            headers, body = split_text_message(message.data)
            if headers.get("Path") == "speech.config":
                exchange.config = json.loads(body)
            elif headers.get("Path") == "ssml":
                # Counted from the request to turn.end: a span inside the client's connection slot.
                self.active += 1
                self.max_active = max(self.max_active, self.active)
                try:
                    await asyncio.sleep(self.answer_delay_s)
                    await self._answer(ws, exchange, headers.get("X-RequestId", ""), body)
                finally:
                    self.active -= 1
                if exchange.behaviour == "close_early":
                    break
        await ws.close()

    async def _answer(self, ws: web.WebSocketResponse, ex: Exchange, rid: str, ssml: str) -> None:
        match = _SSML.search(ssml)
        if match is None:
            raise ValueError(f"unexpected SSML: {ssml[:200]}")
        ex.voice = short_voice_name(match["voice"])
        ex.rate, ex.pitch, ex.volume = match["rate"], match["pitch"], match["volume"]
        ex.text_bytes = len(match["text"].encode("utf-8"))
        ex.text = unescape(match["text"], {"&apos;": "'", "&quot;": '"'})
        await ws.send_str(text_message(rid, "turn.start", {"context": {"serviceTag": uuid.uuid4().hex}}))
        if ex.behaviour == "stall":
            await self._hang()
            return
        known = {v["ShortName"] for v in self.voices}
        if ex.behaviour == "no_audio" or ex.voice not in known or ex.voice in self.silent_voices:
            await ws.send_str(text_message(rid, "turn.end", {}))
            return
        stream = uuid.uuid4().hex
        await ws.send_str(text_message(rid, "response", {"audio": {"type": "inline", "streamId": stream}}))
        rate = int(ex.rate.rstrip("%"))
        pcm, boundaries = render(ex.text, rate_percent=rate, words=wants_words(ex.config))
        mp3 = encode_mp3(pcm)
        if self.mark_overhang_ms:  # Stretch the last boundary past the end of the audio.
            kind, start_ms, _, text = boundaries[-1]
            boundaries[-1] = (kind, start_ms, len(mp3) // 6 + self.mark_overhang_ms - start_ms, text)
        for kind, start_ms, dur_ms, text in boundaries:
            await ws.send_str(text_message(rid, "audio.metadata", metadata(kind, start_ms, dur_ms, text)))
        slices = [mp3[i : i + SLICE_BYTES] for i in range(0, len(mp3), SLICE_BYTES)]
        if ex.behaviour == "close_early":
            slices = slices[: max(1, len(slices) // 2)]
        elif ex.behaviour == "short_audio":
            whole_frames = len(mp3) // 144 // 2 * 144
            starts = range(0, whole_frames, SLICE_BYTES)
            slices = [mp3[i : min(i + SLICE_BYTES, whole_frames)] for i in starts]
        header = f"X-RequestId:{rid}\r\nContent-Type:audio/mpeg\r\nX-StreamId:{stream}\r\nPath:audio\r\n"
        for piece in slices:
            await ws.send_bytes(binary_message(header, piece))
        if ex.behaviour == "close_early":
            return
        end_header = f"X-RequestId:{rid}\r\nX-StreamId:{stream}\r\nPath:audio\r\n"  # No Content-Type.
        await ws.send_bytes(binary_message(end_header, b""))
        await ws.send_str(text_message(rid, "turn.end", {}))
