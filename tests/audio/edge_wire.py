"""The wire side of the fake Edge service: tone audio with boundaries, and the protocol's message framing.

Text messages are ``Key:Value`` header lines (no space after the colon), a blank line, then JSON.
Binary messages are a big-endian uint16 header length, the headers (the last line ending in CRLF),
then the MP3 payload; the end of a stream is a binary message without Content-Type and without body.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from xml.sax.saxutils import escape

import lameenc
import numpy as np

SAMPLE_RATE = 24_000
TICKS_PER_MS = 10_000
MS_PER_CHAR = 120
LEAD_MS, GAP_MS, TAIL_MS = 100, 200, 300
_SENTENCE = re.compile(r"[^。！？；!?;…\n]+[。！？；!?;…\n]*")
_WORD = re.compile(r"[A-Za-z0-9']+|[\u3400-\u9fff]")

Boundary = tuple[str, int, int, str]


def render(text: str, *, rate_percent: int = 0, words: bool = False) -> tuple[np.ndarray, list[Boundary]]:
    """A tone per sentence, MS_PER_CHAR per character (scaled by rate); boundaries in ms."""
    speed = max(0.1, 1 + rate_percent / 100)
    parts: list[np.ndarray] = [_silence(LEAD_MS)]
    boundaries: list[Boundary] = []
    at_ms = LEAD_MS
    for n, sentence in enumerate(s.strip() for s in _SENTENCE.findall(text)):
        if not sentence:
            continue
        dur_ms = max(60, round(len(sentence) * MS_PER_CHAR / speed))
        parts += [_tone(dur_ms, 220 + 40 * (n % 5)), _silence(GAP_MS)]
        boundaries += list(_boundaries(sentence, at_ms, dur_ms, words))
        at_ms += dur_ms + GAP_MS
    parts.append(_silence(TAIL_MS))
    return np.concatenate(parts), boundaries


def _boundaries(sentence: str, at_ms: int, dur_ms: int, words: bool) -> Iterator[Boundary]:
    if not words:
        yield ("SentenceBoundary", at_ms, dur_ms, sentence)
        return
    tokens = _WORD.findall(sentence) or [sentence]
    step = dur_ms // len(tokens)
    for i, token in enumerate(tokens):
        yield ("WordBoundary", at_ms + i * step, step, token)


def encode_mp3(pcm: np.ndarray) -> bytes:
    """Canonical MP3: MPEG-2 Layer III, 24 kHz mono, 48 kbit/s CBR, raw frames."""
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(48)
    encoder.set_in_sample_rate(SAMPLE_RATE)
    encoder.set_channels(1)
    encoder.set_quality(7)
    return bytes(encoder.encode(pcm.astype("<i2").tobytes()) + encoder.flush())


def _tone(ms: int, hz: float) -> np.ndarray:
    t = np.arange(SAMPLE_RATE * ms // 1000) / SAMPLE_RATE
    return (np.sin(2 * np.pi * hz * t) * 6000).astype(np.int16)


def _silence(ms: int) -> np.ndarray:
    return np.zeros(SAMPLE_RATE * ms // 1000, dtype=np.int16)


def metadata(kind: str, start_ms: int, dur_ms: int, text: str) -> dict[str, object]:
    # The service echoes the text XML-escaped; the client unescapes it.
    data = {"Offset": start_ms * TICKS_PER_MS, "Duration": dur_ms * TICKS_PER_MS,
            "text": {"Text": escape(text), "Length": len(text), "BoundaryType": kind}}
    return {"Metadata": [{"Type": kind, "Data": data}]}


def wants_words(config: dict[str, object]) -> bool:
    try:
        options = config["context"]["synthesis"]["audio"]["metadataoptions"]  # type: ignore[index]
    except (KeyError, TypeError):
        return False
    return bool(options.get("wordBoundaryEnabled") == "true")


def text_message(rid: str, path: str, body: dict[str, object]) -> str:
    return (f"X-RequestId:{rid}\r\nContent-Type:application/json; charset=utf-8\r\nPath:{path}\r\n\r\n"
            + json.dumps(body, ensure_ascii=False))


def binary_message(header: str, payload: bytes) -> bytes:
    raw = header.encode("ascii")
    return len(raw).to_bytes(2, "big") + raw + payload


def split_text_message(data: str) -> tuple[dict[str, str], str]:
    head, _, body = data.partition("\r\n\r\n")
    headers = dict(line.split(":", 1) for line in head.split("\r\n") if ":" in line)
    return headers, body


def short_voice_name(long_name: str) -> str:
    """'Microsoft Server Speech Text to Speech Voice (zh-CN, XiaoxiaoNeural)' -> 'zh-CN-XiaoxiaoNeural'."""
    match = re.search(r"\((?P<locale>[^,]+), (?P<name>[^)]+)\)", long_name)
    return f"{match['locale']}-{match['name']}" if match else long_name
