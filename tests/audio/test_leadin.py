"""Fast start, no gap: sentences cut into pieces sized to the measured speed, each playable, joined."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from audio import ClipCache
from audio import SynthesisFailed
from audio import iter_synthesize
from audio.leadin import MIN_PIECE_CHARS
from audio.leadin import join_speech
from audio.leadin import lead_pieces
from audio.mp3 import decode
from audio.pace import Pace
from audio.synthesize import clip_in_pieces
from tests.audio.core_fixtures import PARAMS
from tests.fakes import ToneEngine

TITLE = "重庆市江北区人民政府关于二零二三年法治政府建设情况的报告"
TITLE_WORDS = ["重庆市", "江北区", "人民政府", "关于", "二零二三年", "法治", "政府", "建设", "情况", "的",
               "报告"]


def dictionary(words: list[str]):
    """A word splitter that knows exactly ``words``, in order (jieba's role, made predictable)."""
    return lambda text: list(words) if "".join(words) == text else None


class WordyToneEngine(ToneEngine):
    """The tone engine with word boundaries, as the offline engine has them."""

    def words(self, text: str) -> list[str] | None:
        return dictionary(TITLE_WORDS)(text)


@pytest.fixture
def cache(tmp_path):
    return ClipCache(tmp_path / "cache")


def slowed(ratio: float) -> Pace:
    """A pace that has seen the machine run ``ratio`` times slower than the quiet figures."""
    pace = Pace(decay=1.0)
    pace.record(10, ratio * (pace.call_s + 10 * pace.char_s))
    return pace


def test_on_a_quiet_machine_pieces_grow_and_cut_between_words():
    pieces = lead_pieces(TITLE, words=dictionary(TITLE_WORDS))
    assert pieces == ["重庆市江北区", "人民政府关于二零二三年法治政府", "建设情况的报告"]


def test_a_slower_machine_gets_shorter_pieces_but_never_tiny_ones():
    quiet, busy = lead_pieces(TITLE, words=dictionary(TITLE_WORDS)), lead_pieces(
        TITLE, words=dictionary(TITLE_WORDS), pace=slowed(3.0))
    assert len(busy) > len(quiet) and "".join(busy) == TITLE
    assert all(len(piece) >= MIN_PIECE_CHARS - 2 for piece in busy), busy  # cuts snap to word ends
    hopeless = lead_pieces(TITLE, words=dictionary(TITLE_WORDS), pace=slowed(20.0))
    assert len(hopeless) >= 4, "too slow to keep up: it still goes on in short pieces"


def test_a_fast_machine_speaks_the_sentence_whole():
    assert lead_pieces(TITLE, pace=slowed(0.25)) == [TITLE]


def test_short_text_is_one_piece():
    assert lead_pieces("总体情况。") == ["总体情况。"]
    assert lead_pieces("好") == ["好"]


def test_clause_punctuation_is_preferred_and_stays_with_its_piece():
    pieces = lead_pieces("关于依法行政，进一步加强城市无障碍环境建设的实施意见", pace=slowed(2.0))
    assert pieces[0] == "关于依法行政，"
    assert not any(p[0] in "，、。" for p in pieces)


def test_codes_and_spoken_numbers_are_never_cut():
    text = "按照GB/T三七六六八的要求开展无障碍改造工作并持续提升服务水平"
    pieces = lead_pieces(text, pace=slowed(3.0))
    assert len(pieces) > 1 and "".join(pieces) == text
    for whole in ("GB/T", "三七六六八"):
        assert any(whole in piece for piece in pieces), pieces


def test_bad_settings_are_refused():
    with pytest.raises(ValueError):
        lead_pieces(TITLE, speech_char_s=0)
    with pytest.raises(ValueError):
        Pace(char_s=0)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="重庆市江北区人民政府关于二零三年AB12/，。、 ！", max_size=80),
       st.floats(min_value=0.25, max_value=50))
def test_pieces_rebuild_the_text_and_each_is_speakable(text, ratio):
    pieces = lead_pieces(text, pace=slowed(ratio))
    assert "".join(pieces) == text
    if len(pieces) > 1:
        assert all(re.search(r"\w", p) for p in pieces)
        assert all(p[0] not in "，。、！" for p in pieces[1:])


def test_pieces_are_reported_then_joined_into_the_sentence_clip(cache):
    engine = WordyToneEngine()
    seen = []
    clip = clip_in_pieces(TITLE, engine, PARAMS, cache, None, lambda k, n, c: seen.append((k, n, c)),
                          pace=Pace())
    # The count grows as pieces land: the next one counts until the last one is known.
    count = len(seen)
    assert count >= 3 and [(k, n) for k, n, _ in seen] == [(k, k + 2) for k in range(count - 1)] + [
        (count - 1, count)]
    assert engine.calls[0] == "重庆市江北区" and "".join(engine.calls) == TITLE
    # The joined clip is exactly the pieces' frames: its length and its marks line up with them.
    pieces = [c for _, _, c in seen]
    assert clip.duration_ms == sum(p.duration_ms for p in pieces)
    assert [m.text for m in clip.marks] == engine.calls
    assert clip.marks[1].start_ms == pieces[0].duration_ms + pieces[1].marks[0].start_ms
    # Decoded, the joined clip is the pieces' audio end to end (frames only differ at the seams).
    joined = decode(clip.path.read_bytes()).astype(np.float64)
    parts = np.concatenate([decode(p.path.read_bytes()) for p in pieces]).astype(np.float64)
    assert joined.size == parts.size
    assert np.sqrt(np.mean(joined**2)) > 1000  # the tones are there, not silence
    same = np.abs(joined - parts) < 200
    assert same.mean() > 0.97


def test_a_cached_sentence_is_not_cut_again(cache):
    engine = WordyToneEngine()
    first = clip_in_pieces(TITLE, engine, PARAMS, cache, None, lambda *_: None, pace=Pace())
    engine.calls.clear()
    seen = []
    again = clip_in_pieces(TITLE, engine, PARAMS, cache, None, lambda *a: seen.append(a), pace=Pace())
    assert again == first and seen == [] and engine.calls == []


def test_stream_reports_pieces_of_an_item_before_yielding_it(cache):
    engine = WordyToneEngine()
    events = []
    items = [(7, TITLE), (8, "附件")]
    stream = iter_synthesize(items, engine, PARAMS, cache, pace=Pace(),
                             on_part=lambda i, k, n, c: events.append(("part", i, k)))
    for item_id, _clip in stream:
        events.append(("clip", item_id))
    parts = events[:-2]
    assert len(parts) >= 3 and parts == [("part", 7, k) for k in range(len(parts))]
    assert events[-2:] == [("clip", 7), ("clip", 8)], "a short second item is spoken whole"


def test_without_word_boundaries_the_fallback_cuts_between_characters(cache):
    seen = []
    clip_in_pieces(TITLE, ToneEngine(), PARAMS, cache, None, lambda k, n, c: seen.append(c.marks[0].text),
                   pace=Pace())
    assert len(seen) >= 2 and "".join(seen) == TITLE


def test_pieces_in_two_voices_are_not_joined(cache):
    female = ToneEngine().synthesize("前半句", PARAMS)
    male = ToneEngine().synthesize("后半句", PARAMS.__class__(voice="fake-male"))
    clips = [cache.put("a" * 64, female), cache.put("b" * 64, male)]
    with pytest.raises(SynthesisFailed):
        join_speech(clips)
    with pytest.raises(SynthesisFailed):
        join_speech([])
