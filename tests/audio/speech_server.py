"""A local stand-in for a site's OpenAI-compatible speech server (``POST /v1/audio/speech``).

A stdlib ``ThreadingHTTPServer`` on 127.0.0.1 (random port) in a background thread. It records every
request (path, headers, JSON body) and answers with whatever ``Answer`` the test set: real audio
bytes in a foreign format, an HTTP error, garbage, or a stall. Used by the engine tests and the web
test of the ``speech-api`` engine.
"""

from __future__ import annotations

import io
import json
import threading
import time
import wave
from dataclasses import dataclass
from dataclasses import field
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from typing import Any

import numpy as np

# The foreign formats a speech server answers in, as ffmpeg makes them from a canonical clip:
# (response format, ffmpeg output options, Content-Type the server sends)
FOREIGN = {
    "wav-16k-stereo": ("wav", ["-ar", "16000", "-ac", "2", "-f", "wav"], "audio/wav"),
    "wav-float-22k": ("wav", ["-ar", "22050", "-c:a", "pcm_f32le", "-f", "wav"], "audio/wav"),
    "flac-44k": ("flac", ["-ar", "44100", "-f", "flac"], "audio/flac"),
    "ogg-opus": ("opus", ["-c:a", "libopus", "-b:a", "32k", "-f", "ogg"], "audio/ogg"),
    "mp3-44k-128k": ("mp3", ["-ar", "44100", "-c:a", "libmp3lame", "-b:a", "128k", "-f", "mp3"],
                     "audio/mpeg"),
    "aac-adts": ("aac", ["-c:a", "aac", "-f", "adts"], "audio/aac"),
    "pcm-24k": ("pcm", ["-ar", "24000", "-ac", "1", "-f", "s16le"], "audio/pcm"),
}


@dataclass(frozen=True, slots=True)
class Answer:
    """What the server sends back to every request until told otherwise."""

    body: bytes = b""
    content_type: str = "audio/wav"
    status: int = 200
    delay_s: float = 0.0  # before the status line: a server that accepts and says nothing
    headers: tuple[tuple[str, str], ...] = ()


@dataclass
class Seen:
    """One request as the server received it."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any] = field(default_factory=dict)


class SpeechServer:
    """``with SpeechServer() as server: server.answer = Answer(...)``; ``server.url`` is its base URL."""

    def __init__(self) -> None:
        self.answer = Answer()
        self.queued: list[Answer] = []  # answered first, one per request, before ``answer``
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="speech-server", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def record(self, seen: Seen) -> Answer:
        with self._lock:
            self.seen.append(seen)
            return self.queued.pop(0) if self.queued else self.answer

    def __enter__(self) -> SpeechServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def tone_wav(duration_s: float = 0.8, rate_hz: int = 44_100) -> bytes:
    """A 16-bit stereo WAV of a 330 Hz tone: real audio in a foreign format, made in a millisecond."""
    t = np.arange(int(duration_s * rate_hz)) / rate_hz
    tone = (0.3 * np.sin(2 * np.pi * 330 * t) * 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(rate_hz)
        out.writeframes(np.column_stack([tone, tone]).tobytes())
    return buffer.getvalue()


def _handler(server: SpeechServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the stdlib's naming
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                body = json.loads(raw)
            except ValueError:
                body = {"unparsed": raw.decode("utf-8", "replace")}
            answer = server.record(Seen(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            if answer.delay_s:
                time.sleep(answer.delay_s)
            try:
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(answer.body)))
                for name, value in answer.headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(answer.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up first (the timeout test)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's signature
            return

    return Handler
