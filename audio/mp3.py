"""The canonical MP3 format: frame walking, validation, silences, encoding and decoding.

Canonical = MPEG-2 Layer III, 24 kHz, mono, 48 kbit/s CBR, no ID3, no Xing/Info frame. One frame
holds 576 samples (24 ms) in exactly 144 bytes, so a clip's duration is its frame count times 24 ms
and clips join byte for byte. Each LAME-encoded clip starts its bit reservoir afresh
(``main_data_begin = 0``), which is what makes the byte join a valid stream.

Foreign MP3 (re-encoded by ffmpeg, downloaded) may carry ID3 tags and a Xing/Info frame whose frame
count would make players report the wrong duration once more audio is appended; ``strip_headers``
removes them. An assembled track is final, so it gets its own Info frame (``info_frame``): the
exact frame count lets players show the duration without scanning the whole file.
"""

from __future__ import annotations

import functools
import subprocess
import warnings
from dataclasses import dataclass
from typing import Any

import lameenc
import numpy as np

from audio.errors import AudioError
from audio.errors import SynthesisFailed
from audio.model import BITRATE_KBPS
from audio.model import SAMPLE_RATE_HZ

FRAME_MS = 24
FRAME_BYTES = 144
FRAME_SAMPLES = 576
BYTES_PER_MS = BITRATE_KBPS // 8  # 6 bytes of audio per millisecond at 48 kbit/s

# Bitrate (kbit/s) tables by bitrate index, Layer III only.
_BITRATES_V1 = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
_BITRATES_V2 = (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)
_SAMPLE_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


@dataclass(frozen=True, slots=True)
class FrameHeader:
    """The fields of one Layer III frame header that matter to us."""

    version: int  # 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5
    bitrate_kbps: int
    sample_rate_hz: int
    padding: bool
    mono: bool
    length_bytes: int

    @property
    def samples(self) -> int:
        """PCM samples per channel in this frame."""
        return 1152 if self.version == 3 else 576

    @property
    def is_canonical(self) -> bool:
        return (self.version, self.bitrate_kbps, self.sample_rate_hz, self.mono) == (
            2,
            BITRATE_KBPS,
            SAMPLE_RATE_HZ,
            True,
        )


def parse_header(data: bytes | memoryview, offset: int = 0) -> FrameHeader | None:
    """Parse the 4-byte Layer III frame header at ``offset``; ``None`` if there is none."""
    if offset + 4 > len(data):
        return None
    b0, b1, b2, b3 = data[offset], data[offset + 1], data[offset + 2], data[offset + 3]
    if b0 != 0xFF or (b1 & 0xE0) != 0xE0:
        return None
    version, layer = (b1 >> 3) & 0x3, (b1 >> 1) & 0x3
    bitrate_index, rate_index = b2 >> 4, (b2 >> 2) & 0x3
    if version == 1 or layer != 1 or bitrate_index in (0, 15) or rate_index == 3:
        return None
    bitrate = (_BITRATES_V1 if version == 3 else _BITRATES_V2)[bitrate_index]
    sample_rate = _SAMPLE_RATES[version][rate_index]
    padding = bool((b2 >> 1) & 1)
    coefficient = 144 if version == 3 else 72
    length = coefficient * bitrate * 1000 // sample_rate + int(padding)
    return FrameHeader(version, bitrate, sample_rate, padding, (b3 >> 6) == 3, length)


def walk_frames(data: bytes) -> list[tuple[int, FrameHeader]]:
    """Every frame's offset and header; raises ``SynthesisFailed`` at the first byte that is not a frame."""
    frames: list[tuple[int, FrameHeader]] = []
    view, offset = memoryview(data), 0
    while offset < len(data):
        header = parse_header(view, offset)
        if header is None:
            raise SynthesisFailed(f"not an MP3 frame at byte {offset} of {len(data)}")
        if offset + header.length_bytes > len(data):
            raise SynthesisFailed(f"MP3 truncated: last frame at byte {offset} is cut short")
        frames.append((offset, header))
        offset += header.length_bytes
    return frames


def check_canonical(data: bytes) -> int:
    """Validate canonical MP3 bytes and return their frame count."""
    if not data:
        raise SynthesisFailed("empty MP3")
    for offset, header in walk_frames(data):
        if not header.is_canonical:
            raise SynthesisFailed(
                f"MP3 frame at byte {offset} is {header.sample_rate_hz} Hz/{header.bitrate_kbps} kbit/s/"
                f"{'mono' if header.mono else 'stereo'}, not the canonical 24 kHz/48 kbit/s/mono"
            )
    if _is_info_frame(data, 0):
        raise SynthesisFailed("MP3 starts with a Xing/Info frame; strip it with strip_headers()")
    # Canonical frames never pad, so every one is exactly FRAME_BYTES long.
    return len(data) // FRAME_BYTES


def duration_ms(data: bytes) -> int:
    """Duration of canonical MP3 bytes, from the frame count."""
    return check_canonical(data) * FRAME_MS


def frames_to_ms(frames: int) -> int:
    return frames * FRAME_MS


def _id3v2_size(data: bytes) -> int:
    """Bytes taken by a leading ID3v2 tag (header, body and optional footer), 0 if none."""
    if len(data) < 10 or data[:3] != b"ID3":
        return 0
    body = 0
    for byte in data[6:10]:
        body = (body << 7) | (byte & 0x7F)
    footer = 10 if data[5] & 0x10 else 0
    return 10 + body + footer


def _is_info_frame(data: bytes, offset: int) -> bool:
    """True if the frame at ``offset`` is a Xing/Info or VBRI header frame rather than audio."""
    header = parse_header(data, offset)
    if header is None:
        return False
    side_info = {(3, False): 32, (3, True): 17, (2, False): 17, (2, True): 9}
    xing_at = offset + 4 + side_info[(3 if header.version == 3 else 2, header.mono)]
    return data[xing_at : xing_at + 4] in (b"Xing", b"Info") or data[offset + 36 : offset + 40] == b"VBRI"


_INFO_FLAGS = 0x0007  # frames, bytes and TOC fields present; no quality field
_SIDE_INFO_BYTES = 9  # MPEG-2 mono
_HEADER = bytes((0xFF, 0xF3, 0x64, 0xC4))  # MPEG-2 Layer III, no CRC, 48 kbit/s, 24 kHz, mono


def info_frame(audio_frames: int) -> bytes:
    """A canonical-sized "Info" (CBR Xing) frame announcing ``audio_frames`` frames of audio after it.

    Its side info is all zeros, so a decoder that does not know the tag plays it as 24 ms of silence;
    those that do (ffmpeg, browsers, mutagen) skip it and take the duration from the frame count.
    """
    if audio_frames < 0:
        raise AudioError(f"negative frame count {audio_frames}")
    header = parse_header(_HEADER)
    assert header is not None and header.is_canonical and header.length_bytes == FRAME_BYTES
    stream_bytes = (audio_frames + 1) * FRAME_BYTES  # the Info frame counts in the byte total
    toc = bytes(min(255, index * 256 // 100) for index in range(100))  # constant bitrate: linear
    body = b"Info" + _INFO_FLAGS.to_bytes(4, "big") + audio_frames.to_bytes(4, "big")
    body += stream_bytes.to_bytes(4, "big") + toc
    frame = _HEADER + bytes(_SIDE_INFO_BYTES) + body
    return frame + bytes(FRAME_BYTES - len(frame))


def strip_headers(data: bytes) -> bytes:
    """Remove ID3v2/ID3v1 tags and a leading Xing/Info/VBRI frame from foreign MP3 bytes."""
    start = _id3v2_size(data)
    end = len(data)
    if end - start >= 128 and data[end - 128 : end - 125] == b"TAG":
        end -= 128
    if _is_info_frame(data, start):
        header = parse_header(data, start)
        assert header is not None
        start += header.length_bytes
    return data[start:end]


def _encoder(in_rate_hz: int) -> lameenc.Encoder:
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(BITRATE_KBPS)
    encoder.set_in_sample_rate(in_rate_hz)
    # LAME resamples internally when the input rate differs, so no ffmpeg round trip is needed.
    encoder.set_out_sample_rate(SAMPLE_RATE_HZ)
    encoder.set_channels(1)
    encoder.set_quality(2)
    return encoder


def to_int16(samples: np.ndarray) -> np.ndarray:
    """Mono int16 PCM from int16 or float (−1…1) samples; stereo input is averaged."""
    array = np.asarray(samples)
    if array.ndim == 2:
        mixed = array.astype(np.float64).mean(axis=1 if array.shape[1] <= 2 else 0)
        array = mixed if np.issubdtype(array.dtype, np.floating) else mixed.round().astype(array.dtype)
    if array.ndim != 1:
        raise AudioError(f"PCM must be mono or stereo, got shape {array.shape}")
    if array.dtype == np.int16:
        return array
    result: np.ndarray
    if np.issubdtype(array.dtype, np.floating):
        result = (np.clip(array, -1.0, 1.0) * 32767.0).round().astype(np.int16)
    else:
        result = np.clip(array, -32768, 32767).astype(np.int16)
    return result


def encode_pcm(samples: np.ndarray, sample_rate: int = SAMPLE_RATE_HZ) -> bytes:
    """Encode mono PCM (int16, or float in −1…1) at any rate into canonical MP3 bytes."""
    if not 8000 <= sample_rate <= 48000:
        raise AudioError(f"unsupported sample rate {sample_rate} Hz")
    pcm = to_int16(samples)
    encoder = _encoder(sample_rate)
    data = bytes(encoder.encode(pcm.tobytes()) + encoder.flush())
    if not data:
        # LAME emits nothing for very short inputs; a single silent frame keeps the clip valid.
        return silence(FRAME_MS)
    check_canonical(data)
    return data


@functools.cache
def _silence_block() -> bytes:
    """About 10 s of encoded digital silence; prefixes of it are valid silent streams."""
    pcm = np.zeros(SAMPLE_RATE_HZ * 10, dtype=np.int16)
    encoder = _encoder(SAMPLE_RATE_HZ)
    return bytes(encoder.encode(pcm.tobytes()) + encoder.flush())


def silence_frames(frames: int) -> bytes:
    """``frames`` canonical frames of silence (a prefix of the stream never references later frames)."""
    block = _silence_block()
    per_block = len(block) // FRAME_BYTES
    whole, rest = divmod(max(frames, 0), per_block)
    return block * whole + block[: rest * FRAME_BYTES]


def silence(ms: int) -> bytes:
    """Canonical silence lasting ``ms`` rounded to the nearest 24 ms frame."""
    return silence_frames(round(max(ms, 0) / FRAME_MS))


def ffmpeg_exe() -> str:
    """The ffmpeg binary shipped by imageio-ffmpeg (never one on PATH)."""
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def pydub_module() -> Any:
    """pydub, pointed at ``ffmpeg_exe()``: callers always name the format and codec, so it never
    looks for ffprobe or an ffmpeg on PATH (its import warns about that; the warning is silenced)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        import pydub
    pydub.AudioSegment.converter = ffmpeg_exe()
    return pydub


def decode(mp3: bytes, *, sample_rate: int = SAMPLE_RATE_HZ) -> np.ndarray:
    """Decode MP3 bytes to mono int16 PCM with ffmpeg; any decoder complaint raises ``AudioError``."""
    command = [ffmpeg_exe(), "-v", "error", "-nostdin", "-f", "mp3", "-i", "pipe:0"]
    command += ["-f", "s16le", "-ac", "1", "-ar", str(sample_rate), "pipe:1"]
    try:
        result = subprocess.run(command, input=mp3, capture_output=True, timeout=600, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise AudioError(f"cannot run ffmpeg to decode MP3: {exc}") from exc
    errors = result.stderr.decode("utf-8", "replace").strip()
    if result.returncode != 0 or errors:
        raise AudioError(f"ffmpeg could not decode the MP3 cleanly: {errors or result.returncode}")
    return np.frombuffer(result.stdout, dtype=np.int16).copy()
