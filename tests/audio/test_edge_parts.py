"""The edge engine's parts on their own: request splitting, the circuit breaker, backoff, the voice list."""

from __future__ import annotations

import json
import random
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audio.engines.edge_voices import VoiceList
from audio.engines.resilience import CircuitBreaker
from audio.engines.resilience import backoff_delays
from audio.engines.textsplit import split_text
from audio.engines.textsplit import utf8_len
from audio.errors import EngineUnavailable

_TEXT = st.text(alphabet=st.sampled_from(list("中文字词句段，。！？；、 \nab&<") + ["😀"]), max_size=400)


def _squash(text: str) -> str:
    return re.sub(r"\s", "", text)


@given(_TEXT, st.integers(min_value=8, max_value=120))
def test_split_keeps_every_character_and_respects_the_budget(text, max_bytes):
    pieces = split_text(text, max_bytes=max_bytes)
    assert _squash("".join(pieces)) == _squash(text)
    assert all(piece and piece == piece.strip() and utf8_len(piece) <= max_bytes for piece in pieces)


def test_split_prefers_sentence_ends():
    sentence = "这是第一句话。"  # 21 bytes
    pieces = split_text(sentence * 10, max_bytes=50)
    assert pieces == [sentence * 2] * 5


def test_split_falls_back_to_clauses_then_characters():
    assert split_text("一二三四，五六七八，九十。", max_bytes=15) == ["一二三四，", "五六七八，", "九十。"]
    assert split_text("一二三四五六七八", max_bytes=9) == ["一二三", "四五六", "七八"]


def test_split_cuts_sentences_as_reader_does_never_inside_a_title():
    # reader's sentence splitter keeps 《摔跤吧！爸爸》 whole, so the request boundary falls after 你好。
    title = "他说《摔跤吧！爸爸》好看。"
    assert split_text("你好。" + title, max_bytes=utf8_len(title)) == ["你好。", title]
    assert split_text("Go home. Now!\n第二行", max_bytes=12) == ["Go home.", "Now!", "第二行"]


def test_split_rejects_a_tiny_budget():
    with pytest.raises(ValueError):
        split_text("你好", max_bytes=2)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_breaker_opens_after_the_threshold_and_half_opens_after_the_cooldown():
    clock = Clock()
    breaker = CircuitBreaker(threshold=2, cooldown_s=10, clock=clock)
    breaker.record_failure("first")
    breaker.check("svc")
    breaker.record_failure("second")
    with pytest.raises(EngineUnavailable, match="circuit open for another 10.0 s after: second"):
        breaker.check("svc")
    clock.now += 10.5
    breaker.check("svc")  # The trial call goes through ...
    breaker.record_failure("third")  # ... and its failure opens the breaker again at once.
    assert breaker.is_open
    clock.now += 11
    breaker.record_success()
    breaker.record_failure("one more")
    assert not breaker.is_open


def test_breaker_trips_at_once_with_its_own_cooldown():
    clock = Clock()
    breaker = CircuitBreaker(threshold=5, cooldown_s=10, clock=clock)
    breaker.record_failure("dns", trip=True, cooldown_s=300)
    clock.now += 299
    assert breaker.is_open
    clock.now += 2
    assert not breaker.is_open


def test_backoff_grows_exponentially_with_jitter_and_a_cap():
    delays = list(backoff_delays(6, base_s=1, cap_s=8, rng=random.Random(1)))
    assert len(delays) == 5
    for n, delay in enumerate(delays):
        ceiling = min(8, 2**n)
        assert ceiling / 2 <= delay <= ceiling
    assert len(set(delays)) == 5


RAW = [{"ShortName": "zh-CN-XiaoxiaoNeural", "Locale": "zh-CN", "Gender": "Female", "Extra": 1},
       {"ShortName": "zh-CN-liaoning-XiaobeiNeural", "Locale": "zh-CN-liaoning", "Gender": "Female"},
       {"ShortName": "zh-TW-HsiaoChenNeural", "Locale": "zh-TW", "Gender": "Female"}]


def test_voice_list_refreshes_after_its_ttl_and_keeps_a_stale_copy_on_failure(tmp_path):
    clock, calls = Clock(), []

    def fetch():
        calls.append(clock.now)
        if len(calls) > 1:
            raise EngineUnavailable("down")
        return RAW

    voices = VoiceList(fetch, cache_path=tmp_path / "v.json", ttl_s=60, clock=clock)
    assert [v.name for v in voices.voices()] == ["zh-CN-XiaoxiaoNeural", "zh-CN-liaoning-XiaobeiNeural"]
    clock.now += 61
    assert "zh-TW-HsiaoChenNeural" in voices.names()  # Refresh failed: the stale list still serves.
    assert len(calls) == 2
    assert "Extra" not in json.loads((tmp_path / "v.json").read_text())["voices"][0]


def test_voice_list_without_any_copy_raises_and_ignores_a_damaged_file(tmp_path):
    (tmp_path / "v.json").write_text("{not json")

    def fetch():
        raise EngineUnavailable("down")

    with pytest.raises(EngineUnavailable):
        VoiceList(fetch, cache_path=tmp_path / "v.json").voices()


def test_voice_list_locales_can_be_widened():
    voices = VoiceList(lambda: RAW, locales=("zh-CN", "zh-TW")).voices()
    assert {v.lang for v in voices} == {"zh-CN", "zh-CN-liaoning", "zh-TW"}


def test_voice_list_survives_an_unwritable_cache_file(tmp_path):
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where a folder should be")
    voices = VoiceList(lambda: RAW, cache_path=blocked / "v.json")
    assert len(voices.voices()) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-dir"]
