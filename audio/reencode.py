"""The slow path: decode, concatenate and re-encode with pydub and ffmpeg.

The baseline that ``bench/audio.py`` measures frame-level joining against, and nothing else. Bobao's
own clips never need it: edge's service is asked for exactly the canonical format, the offline and
eSpeak voices encode their own PCM with ``audio.mp3.encode_pcm``, and the one engine whose audio
arrives in a foreign format, ``speech-api`` (``audio/engines/openai_speech.py``), decodes it with
pydub once, when the clip is made. So every cached clip joins frame by frame, and decoding a whole
track here is only the measured alternative. pydub is pointed at imageio-ffmpeg's binary and always
told the format and codec, so it never looks for ffprobe.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from audio.assemble import ChapterInput
from audio.assemble import write_track
from audio.errors import AssemblyError
from audio.model import BITRATE_KBPS
from audio.model import SAMPLE_RATE_HZ
from audio.mp3 import pydub_module
from audio.mp3 import strip_headers


def reencode_with_pydub(chapters: Sequence[ChapterInput], out_path: Path) -> int:
    """Decode every clip, join the PCM with pauses, re-encode to canonical MP3; returns the duration in ms."""
    pydub = pydub_module()
    segment_type = pydub.AudioSegment
    pieces = []
    for chapter in chapters:
        for segment in chapter.segments:
            if segment.pause_before_ms > 0:
                pieces.append(segment_type.silent(segment.pause_before_ms, frame_rate=SAMPLE_RATE_HZ))
            try:
                pieces.append(segment_type.from_file(segment.clip.path, format="mp3", codec="mp3"))
            except Exception as exc:  # pydub raises CouldntDecodeError or a bare subprocess error
                raise AssemblyError(f"pydub could not decode {segment.clip.path}: {exc}") from exc
    if not pieces:
        raise AssemblyError("nothing to assemble: no segments")
    # One join of the raw PCM instead of repeated "+", which copies the whole track every time.
    joined = pieces[0]._spawn(b"".join(piece.set_frame_rate(SAMPLE_RATE_HZ).raw_data for piece in pieces))
    buffer = io.BytesIO()
    joined.export(buffer, format="mp3", bitrate=f"{BITRATE_KBPS}k", parameters=["-write_xing", "0"])
    # ffmpeg's MPEG-2 encode still carries an ID3 tag; keep only frames so the output is joinable.
    write_track(Path(out_path), [strip_headers(buffer.getvalue())])
    return len(joined)
