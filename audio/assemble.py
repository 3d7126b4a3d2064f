"""Clips + pauses → one tagged MP3 with exact cue and chapter times, by joining frames.

Canonical clips share one format and each starts a fresh bit reservoir, so the track is the byte
concatenation of clips and pre-encoded silence: no decoding, no re-encoding, linear time. Every time
is computed from frame counts (24 ms each), so cues match what a decoder plays to the millisecond.
The ID3v2.3 tag (title, artist, album, language, CTOC + one CHAP per chapter, in time order) goes in
front, then an Info frame with the exact frame count; neither is audio, so both are left out of all
time arithmetic.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mutagen.id3 import CHAP
from mutagen.id3 import CTOC
from mutagen.id3 import ID3
from mutagen.id3 import TALB
from mutagen.id3 import TIT2
from mutagen.id3 import TLAN
from mutagen.id3 import TPE1
from mutagen.id3 import CTOCFlags
from mutagen.id3 import Frame

from audio import files
from audio.errors import AssemblyError
from audio.errors import AudioError
from audio.model import AudioClip
from audio.model import Chapter
from audio.model import Cue
from audio.model import Track
from audio.mp3 import FRAME_BYTES
from audio.mp3 import FRAME_MS
from audio.mp3 import check_canonical
from audio.mp3 import info_frame
from audio.mp3 import silence

_NO_OFFSET = 0xFFFFFFFF  # CHAP byte offsets "not given": players use the millisecond times
_UTF16 = 1  # ID3v2.3 has no UTF-8 encoding; UTF-16 with BOM carries Chinese titles


@dataclass(frozen=True, slots=True)
class Segment:
    """One clip in a track, preceded by ``pause_before_ms`` of silence (rounded to 24 ms frames)."""

    id: int
    clip: AudioClip
    pause_before_ms: int = 0


@dataclass(frozen=True, slots=True)
class ChapterInput:
    """A titled run of segments; becomes one ID3 chapter."""

    title: str
    segments: tuple[Segment, ...]


@dataclass(frozen=True, slots=True)
class Layout:
    """The audio bytes of a track and their timing, before tagging."""

    parts: tuple[bytes, ...]
    duration_ms: int
    cues: tuple[Cue, ...]
    chapters: tuple[Chapter, ...]


def read_clip(clip: AudioClip) -> bytes:
    """A clip's canonical MP3 bytes, checked frame by frame."""
    try:
        data = clip.path.read_bytes()
    except OSError as exc:
        raise AssemblyError(f"cannot read clip {clip.key or clip.path}: {exc.strerror or exc}") from exc
    try:
        check_canonical(data)
    except AudioError as exc:
        raise AssemblyError(f"clip {clip.key or clip.path} is not canonical MP3: {exc}") from exc
    return data


def layout(chapters: Sequence[ChapterInput]) -> Layout:
    """Join clips and silences in order and time every segment and chapter from frame counts."""
    if not any(chapter.segments for chapter in chapters):
        raise AssemblyError("nothing to assemble: no segments")
    parts: list[bytes] = []
    cues: list[Cue] = []
    starts: list[int] = []
    frames = 0
    for chapter in chapters:
        starts.append(frames * FRAME_MS)
        for index, segment in enumerate(chapter.segments):
            if segment.pause_before_ms > 0:
                pause = silence(segment.pause_before_ms)
                parts.append(pause)
                frames += len(pause) // FRAME_BYTES
            if index == 0:
                # A chapter starts where its speech starts, not at the pause that separates it.
                starts[-1] = frames * FRAME_MS
            data = read_clip(segment.clip)
            parts.append(data)
            start_ms = frames * FRAME_MS
            frames += len(data) // FRAME_BYTES
            cues.append(Cue(segment.id, start_ms, frames * FRAME_MS))
    total_ms = frames * FRAME_MS
    starts[0] = 0
    ends = [*starts[1:], total_ms]
    titled = tuple(Chapter(c.title, s, e) for c, s, e in zip(chapters, starts, ends, strict=True))
    return Layout(tuple(parts), total_ms, tuple(cues), titled)


def id3_tag(chapters: Sequence[Chapter], *, title: str, artist: str = "", album: str = "") -> bytes:
    """An ID3v2.3 tag with text frames, a top-level ordered CTOC and one CHAP per chapter, in time order."""
    frames: list[Frame] = [TIT2(encoding=_UTF16, text=[title])]
    if artist:
        frames.append(TPE1(encoding=_UTF16, text=[artist]))
    if album:
        frames.append(TALB(encoding=_UTF16, text=[album]))
    frames.append(TLAN(encoding=_UTF16, text=["zho"]))
    ids = [f"chp{index}" for index in range(len(chapters))]
    if chapters:
        frames.append(
            CTOC(
                element_id="toc",
                flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                child_element_ids=ids,
                sub_frames=[TIT2(encoding=_UTF16, text=[title])],
            )
        )
    for element_id, chapter in zip(ids, chapters, strict=True):
        frames.append(
            CHAP(
                element_id=element_id,
                start_time=chapter.start_ms,
                end_time=chapter.end_ms,
                start_offset=_NO_OFFSET,
                end_offset=_NO_OFFSET,
                sub_frames=[TIT2(encoding=_UTF16, text=[chapter.title])],
            )
        )
    # mutagen sorts frames by size when it saves a tag, which scrambles the chapters (players and
    # ffmpeg list CHAP frames in file order), so each frame is serialized alone and joined in order.
    body = b"".join(_frame_bytes(frame) for frame in frames)
    return b"ID3\x03\x00\x00" + _synchsafe(len(body)) + body


def _frame_bytes(frame: Frame) -> bytes:
    """One frame as ID3v2.3 bytes: a one-frame tag without its 10-byte header."""
    tag = ID3()
    tag.add(frame)
    buffer = io.BytesIO()
    tag.save(buffer, v2_version=3, padding=lambda info: 0)
    return buffer.getvalue()[10:]


def _synchsafe(size: int) -> bytes:
    return bytes((size >> shift) & 0x7F for shift in (21, 14, 7, 0))


def assemble(
    chapters: Sequence[ChapterInput], out_path: Path, *, title: str, artist: str = "", album: str = ""
) -> Track:
    """Write the chapters' clips as one tagged MP3 at ``out_path`` (atomically) and return its timing.

    For a per-section file, pass that section as the only chapter.
    """
    plan = layout(chapters)
    tag = id3_tag(plan.chapters, title=title, artist=artist, album=album)
    info = info_frame(plan.duration_ms // FRAME_MS)
    write_track(Path(out_path), (tag, info, *plan.parts))
    return Track(Path(out_path), plan.duration_ms, plan.cues, plan.chapters)


def write_track(path: Path, parts: Sequence[bytes]) -> None:
    """Write ``parts`` to ``path`` atomically (``audio.files``), readable by a web server of another user."""
    try:
        files.write_atomic(path, parts, mode=0o644)
    except OSError as exc:
        raise AssemblyError(f"cannot write {path}: {exc.strerror or exc}") from exc
