from __future__ import annotations

import time

import pytest

from audio import ClipCache
from audio import SynthesisFailed
from audio import VoiceNotFound
from audio import iter_synthesize
from audio import synthesize
from audio.model import SpeechParams
from tests.audio.core_fixtures import PARAMS
from tests.fakes import ToneEngine
from tests.fakes import expected_ms

TEXTS = [
    "一、总体情况。",
    "二〇二三年，江北区法治政府建设取得新进展。",
    "重复的句子。",
    "三、下一步打算。",
    "重复的句子。",
]
ITEMS = list(enumerate(TEXTS, start=10))


@pytest.fixture
def cache(tmp_path):
    return ClipCache(tmp_path / "cache")


def test_clips_come_back_in_order_with_their_durations(cache):
    clips = synthesize(ITEMS, ToneEngine(), PARAMS, cache)
    assert len(clips) == len(ITEMS)
    for (_, text), clip in zip(ITEMS, clips, strict=True):
        assert clip.marks[0].text == text
        # Framing and LAME's encoder delay add a few frames, never remove any.
        assert expected_ms(text) <= clip.duration_ms <= expected_ms(text) + 5 * 24


def test_identical_texts_are_spoken_once(cache):
    engine = ToneEngine()
    clips = synthesize(ITEMS, engine, PARAMS, cache)
    assert sorted(engine.calls) == sorted(set(TEXTS))
    assert clips[2] == clips[4]


def test_second_run_is_all_cache_hits(cache):
    engine = ToneEngine()
    first = synthesize(ITEMS, engine, PARAMS, cache)
    calls = len(engine.calls)
    second = synthesize(ITEMS, engine, PARAMS, cache)
    assert len(engine.calls) == calls
    assert second == first


def test_changing_one_text_resynthesizes_only_it(cache):
    engine = ToneEngine()
    synthesize(ITEMS, engine, PARAMS, cache)
    engine.calls.clear()
    changed = [*ITEMS[:3], (13, "三、下一步工作打算。"), ITEMS[4]]
    synthesize(changed, engine, PARAMS, cache)
    assert engine.calls == ["三、下一步工作打算。"]


def test_extra_key_separates_normalizer_versions(cache):
    engine = ToneEngine()
    synthesize(ITEMS[:2], engine, PARAMS, cache, extra_key={"normalizer": "1"})
    synthesize(ITEMS[:2], engine, PARAMS, cache, extra_key={"normalizer": "2"})
    assert len(engine.calls) == 4


def test_on_clip_reports_each_item_in_order(cache):
    seen: list[int] = []
    synthesize(ITEMS, ToneEngine(), PARAMS, cache, on_clip=lambda item_id, clip: seen.append(item_id))
    assert seen == [item_id for item_id, _ in ITEMS]


def test_first_item_is_ready_first_and_work_continues_ahead(cache):
    engine = ToneEngine(delay_s=0.15)
    items = [(i, f"第{i}句。") for i in range(8)]
    stream = iter_synthesize(items, engine, PARAMS, cache, workers=2, lookahead=3)
    first_id, _ = next(stream)
    # Item 0 comes before the rest is spoken: counted in engine calls, not seconds (load-proof).
    calls_at_first = len(engine.calls)
    # Two workers start items 0 and 1 together; which one records its call first is up to the scheduler.
    assert first_id == 0 and "第0句。" in engine.calls[:2]
    # While the consumer holds item 0, the pool keeps synthesizing the next ones.
    deadline = time.monotonic() + 60
    while len(engine.calls) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(engine.calls) >= 3
    assert calls_at_first <= 1 + 3 < len(items)  # item 0 and at most the lookahead
    assert [item_id for item_id, _ in stream] == list(range(1, 8))


def test_closing_the_stream_early_stops_the_work(cache):
    engine = ToneEngine(delay_s=0.05)
    items = [(i, f"第{i}句。") for i in range(30)]
    stream = iter_synthesize(items, engine, PARAMS, cache, workers=1, lookahead=2)
    next(stream)
    stream.close()
    assert len(engine.calls) <= 4


def test_fallback_clip_is_not_stored_under_the_requested_engine(cache):
    primary = ToneEngine(fallback_as="fake-backup")
    clip = synthesize([(0, "备用引擎说的话。")], primary, PARAMS, cache)[0]
    assert clip.engine == "fake-backup"
    assert clip.key != cache.key_for(primary, PARAMS, "备用引擎说的话。")
    assert cache.get(cache.key_for(primary, PARAMS, "备用引擎说的话。")) is None
    assert cache.get(clip.key) == clip
    # Next time the primary is asked again (it may have recovered).
    synthesize([(0, "备用引擎说的话。")], primary, PARAMS, cache)
    assert len(primary.calls) == 2


def test_engine_errors_surface_as_ours(cache):
    with pytest.raises(SynthesisFailed):
        synthesize(ITEMS, ToneEngine(fail_on=[TEXTS[1]]), PARAMS, cache)
    with pytest.raises(VoiceNotFound):
        synthesize(ITEMS, ToneEngine(), SpeechParams("no-such-voice"), cache)


class BrokenEngine(ToneEngine):
    def synthesize(self, text, params):
        raise RuntimeError("bug inside the engine")


def test_unexpected_engine_exception_is_wrapped(cache):
    with pytest.raises(SynthesisFailed, match="bug inside the engine"):
        synthesize(ITEMS[:1], BrokenEngine(), PARAMS, cache)


def test_registered_fake_is_built_by_name():
    from audio import get_engine
    from tests.fakes import register_fake

    register_fake()
    engine = get_engine("fake", delay_s=0.0)
    assert (engine.name, engine.version) == ("fake", "fake-1")
    assert [v.name for v in engine.voices()] == ["fake-female", "fake-male"]


def test_empty_text_is_a_clear_error_from_the_fake(cache):
    with pytest.raises(SynthesisFailed, match="empty"):
        synthesize([(0, "  ")], ToneEngine(), PARAMS, cache)
