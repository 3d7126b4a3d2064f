from __future__ import annotations

import pytest

from audio import AssemblyError
from audio import Cue
from audio import to_srt
from audio import to_webvtt
from tests.audio.core_fixtures import ffmpeg

CUES = (Cue(7, 0, 1500), Cue(8, 1800, 3_723_456))
TEXTS = {7: "第一句。", 8: "第二句。"}


def test_webvtt_uses_caller_ids_and_millisecond_times():
    assert to_webvtt(CUES, TEXTS) == (
        "WEBVTT\n\n7\n00:00:00.000 --> 00:00:01.500\n第一句。\n\n8\n00:00:01.800 --> 01:02:03.456\n第二句。\n"
    )


def test_srt_numbers_from_one_with_comma_times():
    assert to_srt(CUES, TEXTS) == (
        "1\n00:00:00,000 --> 00:00:01,500\n第一句。\n\n2\n00:00:01,800 --> 01:02:03,456\n第二句。\n"
    )


def test_webvtt_escapes_markup_and_arrows():
    text = to_webvtt([Cue(1, 0, 10)], {1: "A&B <b>x</b> --> y"})
    assert "A&amp;B &lt;b&gt;x&lt;/b&gt; --&gt; y" in text
    assert text.count("-->") == 1


def test_srt_arrow_in_text_cannot_fake_a_timing_line():
    assert to_srt([Cue(1, 0, 10)], {1: "a --> b"}).count("-->") == 1


def test_newlines_in_text_stay_inside_the_cue():
    text = to_webvtt([Cue(1, 0, 10)], {1: "上一行\n\n下一行"})
    assert text.endswith("1\n00:00:00.000 --> 00:00:00.010\n上一行 下一行\n")


def test_missing_text_is_our_error():
    with pytest.raises(AssemblyError, match="cue id 8"):
        to_webvtt(CUES, {7: "x"})


def test_empty_cue_list():
    assert to_webvtt([], {}) == "WEBVTT\n"
    assert to_srt([], {}) == ""


def test_ffmpeg_parses_our_webvtt(tmp_path):
    path = tmp_path / "t.vtt"
    path.write_text(to_webvtt(CUES, {7: "a<b", 8: "c --> d"}), encoding="utf-8")
    result = ffmpeg("-v", "error", "-i", str(path), "-f", "srt", "-")
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode("utf-8")
    assert "00:00:01,800 --> 01:02:03,456" in out
    # ffmpeg unescapes the cue text, so the round trip gives back exactly what we were given.
    assert out.splitlines()[2] == "a<b"
    assert out.splitlines()[6] == "c --> d"
