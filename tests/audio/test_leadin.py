"""Fast start: the first sentence cut into growing pieces, each playable, joined into its clip."""

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
from audio.leadin import join_speech
from audio.leadin import lead_pieces
from audio.mp3 import decode
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


def test_pieces_grow_and_cut_between_words():
    pieces = lead_pieces(TITLE, words=dictionary(TITLE_WORDS))
    assert pieces == ["重庆市江北区", "人民政府关于二零二三年法治", "政府建设情况的报告"]
    sizes = [len(p) for p in pieces[:-1]]  # the last piece is whatever is left
    assert sizes == sorted(sizes)


def test_short_text_is_one_piece():
    assert lead_pieces("总体情况。") == ["总体情况。"]
    assert lead_pieces("好") == ["好"]


def test_clause_punctuation_is_preferred_and_stays_with_its_piece():
    pieces = lead_pieces("关于依法行政，进一步加强城市无障碍环境建设的实施意见")
    assert pieces[0] == "关于依法行政，"
    assert not any(p[0] in "，、。" for p in pieces)


def test_codes_and_spoken_numbers_are_never_cut():
    text = "按照GB/T三七六六八的要求开展无障碍改造工作并持续提升服务水平"
    pieces = lead_pieces(text)
    assert "".join(pieces) == text
    for whole in ("GB/T", "三七六六八"):
        assert any(whole in piece for piece in pieces), pieces


def test_bad_settings_are_refused():
    with pytest.raises(ValueError):
        lead_pieces(TITLE, first_chars=0)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="重庆市江北区人民政府关于二零三年AB12/，。、 ！", max_size=80))
def test_pieces_rebuild_the_text_and_each_is_speakable(text):
    pieces = lead_pieces(text)
    assert "".join(pieces) == text
    if len(pieces) > 1:
        assert all(re.search(r"\w", p) for p in pieces)
        assert all(p[0] not in "，。、！" for p in pieces[1:])


def test_pieces_are_reported_then_joined_into_the_sentence_clip(cache):
    engine = WordyToneEngine()
    seen = []
    clip = clip_in_pieces(TITLE, engine, PARAMS, cache, None, lambda k, n, c: seen.append((k, n, c)))
    assert [(k, n) for k, n, _ in seen] == [(0, 3), (1, 3), (2, 3)]
    assert engine.calls == ["重庆市江北区", "人民政府关于二零二三年法治", "政府建设情况的报告"]
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
    first = clip_in_pieces(TITLE, engine, PARAMS, cache, None, lambda *_: None)
    engine.calls.clear()
    seen = []
    again = clip_in_pieces(TITLE, engine, PARAMS, cache, None, lambda *a: seen.append(a))
    assert again == first and seen == [] and engine.calls == []


def test_stream_reports_pieces_of_the_first_item_only_before_yielding_it(cache):
    engine = WordyToneEngine()
    events = []
    items = [(7, TITLE), (8, TITLE + "的附件")]
    stream = iter_synthesize(items, engine, PARAMS, cache,
                             on_part=lambda i, k, n, c: events.append(("part", i, k)))
    for item_id, _clip in stream:
        events.append(("clip", item_id))
    assert events == [("part", 7, 0), ("part", 7, 1), ("part", 7, 2), ("clip", 7), ("clip", 8)]


def test_without_word_boundaries_the_fallback_cuts_between_characters(cache):
    seen = []
    clip_in_pieces(TITLE, ToneEngine(), PARAMS, cache, None, lambda k, n, c: seen.append(c.marks[0].text))
    assert len(seen) >= 2 and "".join(seen) == TITLE


def test_pieces_in_two_voices_are_not_joined(cache):
    female = ToneEngine().synthesize("前半句", PARAMS)
    male = ToneEngine().synthesize("后半句", PARAMS.__class__(voice="fake-male"))
    clips = [cache.put("a" * 64, female), cache.put("b" * 64, male)]
    with pytest.raises(SynthesisFailed):
        join_speech(clips)
    with pytest.raises(SynthesisFailed):
        join_speech([])
