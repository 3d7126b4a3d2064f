from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3
from mutagen.mp3 import BitrateMode

from audio import AssemblyError
from audio import ChapterInput
from audio import ClipCache
from audio import Segment
from audio import assemble
from audio.mp3 import check_canonical
from audio.mp3 import strip_headers
from audio.reencode import reencode_with_pydub
from tests.audio.core_fixtures import decode_strict
from tests.audio.core_fixtures import ffmetadata_chapters
from tests.audio.core_fixtures import make_clips
from tests.fakes import LEAD_SILENCE_MS

SECTION_ONE = ["一、总体情况。", "二〇二三年，江北区法治政府建设取得新进展。", "依法行政能力持续提升。"]
SECTION_TWO = ["二、存在的问题。", "个别部门执法不够规范。"]


@pytest.fixture
def chapters(tmp_path):
    cache = ClipCache(tmp_path / "cache")
    clips = make_clips(cache, SECTION_ONE + SECTION_TWO)
    one = tuple(Segment(i, clips[i], 0 if i == 0 else 250) for i in range(3))
    two = tuple(Segment(3 + i, clips[3 + i], 900 if i == 0 else 400) for i in range(2))
    return [ChapterInput("一、总体情况", one), ChapterInput("二、存在的问题", two)]


@pytest.fixture
def track(chapters, tmp_path):
    return assemble(
        chapters, tmp_path / "out" / "page.mp3", title="法治政府建设报告", artist="江北区", album="播报"
    )


def pause_frames(ms: int) -> int:
    return round(ms / 24)


def test_duration_is_clips_plus_pauses(chapters, track):
    segments = [s for c in chapters for s in c.segments]
    expected = sum(s.clip.duration_ms + pause_frames(s.pause_before_ms) * 24 for s in segments)
    assert track.duration_ms == expected
    requested = sum(s.clip.duration_ms + s.pause_before_ms for s in segments)
    assert abs(track.duration_ms - requested) <= 12 * len(segments)


def test_file_decodes_cleanly_to_its_duration(track):
    pcm = decode_strict(track.path)
    assert abs(len(pcm) / 24 - track.duration_ms) <= 2 * 24


def test_no_xing_trap_mutagen_reads_the_full_length(track):
    assert MP3(track.path).info.length * 1000 == pytest.approx(track.duration_ms, abs=2 * 24)


def test_tags_and_chapters_read_back_with_mutagen(track):
    tags = ID3(track.path)
    assert tags.version[:2] == (2, 3)
    assert str(tags["TIT2"]) == "法治政府建设报告"
    assert (str(tags["TPE1"]), str(tags["TALB"]), str(tags["TLAN"])) == ("江北区", "播报", "zho")
    toc = tags["CTOC:toc"]
    assert toc.child_element_ids == ["chp0", "chp1"]
    read = [
        (tags[f"CHAP:{i}"].start_time, tags[f"CHAP:{i}"].end_time, str(tags[f"CHAP:{i}"].sub_frames["TIT2"]))
        for i in toc.child_element_ids
    ]
    assert read == [(c.start_ms, c.end_ms, c.title) for c in track.chapters]


def test_chapters_read_back_with_ffmpeg(track):
    assert ffmetadata_chapters(track.path) == [(c.start_ms, c.end_ms, c.title) for c in track.chapters]


def test_chapters_tile_the_track_and_start_at_speech(track):
    first, second = track.chapters
    assert first.start_ms == 0 and first.end_ms == second.start_ms and second.end_ms == track.duration_ms
    assert second.start_ms == next(c.start_ms for c in track.cues if c.id == 3)


def test_cues_are_ordered_and_inside_the_track(track):
    assert [c.id for c in track.cues] == [0, 1, 2, 3, 4]
    for before, after in zip(track.cues, track.cues[1:], strict=False):
        assert before.start_ms < before.end_ms <= after.start_ms
    assert track.cues[-1].end_ms <= track.duration_ms


def test_cue_times_match_the_decoded_audio(track):
    """Each fake clip is silent for its first 100 ms, then a tone: find the tones in the decoded file."""
    pcm = np.abs(decode_strict(track.path).astype(np.int32))
    window = 24  # 1 ms at 24 kHz
    loud = np.array([pcm[i : i + window].max() > 2000 for i in range(0, len(pcm) - window, window)])
    onsets = [ms for ms in range(1, len(loud)) if loud[ms] and not loud[ms - 1]]
    assert len(onsets) == len(track.cues)
    for onset, cue in zip(onsets, track.cues, strict=True):
        # The decoder and LAME add a fixed delay of about 50-70 ms before the tone starts.
        assert 0 <= onset - (cue.start_ms + LEAD_SILENCE_MS) <= 100


def test_one_chapter_makes_a_section_file(chapters, tmp_path):
    section = assemble(chapters[1:], tmp_path / "s1.mp3", title="二、存在的问题")
    assert section.cues[0].id == 3 and section.cues[0].start_ms == pause_frames(900) * 24
    assert [(c.start_ms, c.end_ms) for c in section.chapters] == [(0, section.duration_ms)]
    assert abs(len(decode_strict(section.path)) / 24 - section.duration_ms) <= 48


def test_output_is_replaced_atomically(chapters, tmp_path):
    out = tmp_path / "page.mp3"
    out.write_bytes(b"old")
    assemble(chapters, out, title="t")
    assert out.read_bytes()[:3] == b"ID3"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".tmp")] == []


def test_nothing_to_assemble(tmp_path):
    with pytest.raises(AssemblyError, match="no segments"):
        assemble([ChapterInput("空", ())], tmp_path / "x.mp3", title="t")


def test_missing_or_foreign_clip_is_our_error(chapters, tmp_path):
    clip = chapters[0].segments[0].clip
    broken = tmp_path / "broken.mp3"
    broken.write_bytes(b"ID3" + b"\x00" * 300)
    for path in (tmp_path / "gone.mp3", broken):
        bad = [ChapterInput("x", (Segment(0, replace(clip, path=path)),))]
        with pytest.raises(AssemblyError):
            assemble(bad, tmp_path / "x.mp3", title="t")


def test_unwritable_destination_is_our_error(chapters, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(AssemblyError, match="cannot write"):
        assemble(chapters, blocker / "page.mp3", title="t")


def test_pydub_reencode_gives_a_joinable_file_of_the_same_length(chapters, track, tmp_path):
    out = tmp_path / "pydub.mp3"
    duration_ms = reencode_with_pydub(chapters, out)
    data = out.read_bytes()
    assert strip_headers(data) == data
    assert check_canonical(data) * 24 == pytest.approx(duration_ms, abs=4 * 24)
    assert abs(duration_ms - track.duration_ms) <= 24 * 6


def test_info_frame_gives_players_the_exact_duration(track):
    data = track.path.read_bytes()
    audio_start = 10 + sum((b & 0x7F) << (7 * (3 - i)) for i, b in enumerate(data[6:10]))  # after ID3
    info = data[audio_start : audio_start + 144]
    assert info[13:17] == b"Info"
    assert int.from_bytes(info[21:25], "big") * 24 == track.duration_ms
    assert int.from_bytes(info[25:29], "big") == len(data) - audio_start
    assert check_canonical(data[audio_start + 144 :]) * 24 == track.duration_ms
    info_read = MP3(track.path).info
    assert info_read.bitrate_mode == BitrateMode.CBR  # mutagen found the Info frame, not a guess
    assert info_read.length * 1000 == pytest.approx(track.duration_ms, abs=0.01)


def test_chapters_are_written_in_time_order(tmp_path):
    """Titles of very different lengths: mutagen alone would write the CHAP frames by size."""
    titles = ["一、总体情况和主要工作成效以及下一步打算", "二、问题", "三、存在的主要问题和原因", "四"]
    clips = make_clips(ClipCache(tmp_path / "cache"), [f"{t}。" for t in titles])
    chapters = [ChapterInput(t, (Segment(i, clips[i], 300),)) for i, t in enumerate(titles)]
    track = assemble(chapters, tmp_path / "page.mp3", title="报告")
    assert [c[2] for c in ffmetadata_chapters(track.path)] == titles
    assert ffmetadata_chapters(track.path) == [(c.start_ms, c.end_ms, c.title) for c in track.chapters]
    data = track.path.read_bytes()
    positions = [data.find(f"chp{i}".encode()) for i in range(len(titles))]
    assert positions == sorted(positions)
