"""The auto engine: edge through the local fake, falling back per sentence to a local engine."""

from __future__ import annotations

import socket
import time

import edge_tts.communicate
import pytest

import audio
from audio.engines import auto
from audio.engines import edge
from audio.errors import SynthesisFailed
from audio.errors import VoiceNotFound
from audio.model import SpeechParams
from tests.audio.edge_fixtures import *  # noqa: F403
from tests.audio.edge_fixtures import ToneEngine
from tests.audio.edge_fixtures import decode_ms
from tests.fakes import register_fake

XIAOXIAO = SpeechParams("zh-CN-XiaoxiaoNeural")
SENTENCES = [f"第{n}句话说得很清楚。" for n in range(1, 11)]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def tone() -> ToneEngine:
    return ToneEngine()


@pytest.fixture
def auto_engine(edge_fake, fast_edge_options, tone) -> auto.AutoEngine:
    return auto.create(fallback=tone, **{**fast_edge_options, "attempts": 2, "breaker_threshold": 2})


@pytest.fixture
def dns_lookups(monkeypatch) -> list[str]:
    """Make ``edge.invalid`` fail to resolve, as an unplugged network does, and count the lookups."""
    real_getaddrinfo = socket.getaddrinfo
    lookups: list[str] = []

    def resolve(host, *args, **kwargs):
        if host == "edge.invalid":
            lookups.append(host)
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    monkeypatch.setattr(edge_tts.communicate, "WSS_URL", "ws://edge.invalid/v1?x=1")
    return lookups


def test_uses_edge_while_it_answers(auto_engine, tone, edge_fake):
    speech = auto_engine.synthesize("今天天气很好。", XIAOXIAO)
    assert (speech.engine, speech.voice) == ("edge", "zh-CN-XiaoxiaoNeural")
    assert tone.calls == [] and len(edge_fake.exchanges) == 1 and auto_engine.fallback_count == 0


def test_a_transient_failure_is_retried_on_edge_not_fallen_back(auto_engine, tone, edge_fake):
    edge_fake.queue("no_audio")
    assert auto_engine.synthesize("今天天气很好。", XIAOXIAO).engine == "edge"
    assert tone.calls == []


def test_dns_failure_falls_back_at_once_and_then_skips_the_network(auto_engine, tone, dns_lookups):
    auto_engine.voices()  # The voice list is still served by the fake; only synthesis is cut off.
    speeches = [auto_engine.synthesize(text, XIAOXIAO) for text in SENTENCES]
    assert dns_lookups == ["edge.invalid"]  # One failed lookup opened the breaker for the rest.
    assert {(s.engine, s.voice) for s in speeches} == {("tone", "tone-a")}
    assert [text for text, _ in tone.calls] == SENTENCES
    assert all(decode_ms(s.mp3) >= s.marks[-1].start_ms + s.marks[-1].duration_ms for s in speeches)


def test_a_stalled_service_costs_one_sentence_then_falls_back_directly(edge_fake, fast_edge_options, tone):
    engine = auto.create(fallback=tone, **{**fast_edge_options, "timeout_s": 0.3, "attempts": 2,
                                           "breaker_threshold": 2})
    engine.voices()
    edge_fake.queue("stall", "stall", "stall")
    first = engine.synthesize(SENTENCES[0], XIAOXIAO)
    assert first.engine == "tone" and len(edge_fake.exchanges) == 2
    rest = [engine.synthesize(text, XIAOXIAO) for text in SENTENCES[1:]]
    assert len(edge_fake.exchanges) == 2 and {s.engine for s in rest} == {"tone"}  # No new connection.


def test_edge_is_used_again_after_the_cooldown(edge_fake, fast_edge_options, tone, monkeypatch):
    engine = auto.create(fallback=tone, **{**fast_edge_options, "cooldown_s": 0.2})
    engine.voices()
    with monkeypatch.context() as patch:
        patch.setattr(edge_tts.communicate, "WSS_URL", f"ws://127.0.0.1:{_closed_port()}/v1?x=1")
        assert engine.synthesize(SENTENCES[0], XIAOXIAO).engine == "tone"
    time.sleep(0.25)
    assert engine.synthesize(SENTENCES[1], XIAOXIAO).engine == "edge"


def test_a_fallback_voice_goes_straight_to_the_fallback(auto_engine, tone, edge_fake):
    speech = auto_engine.synthesize("你好。", SpeechParams("tone-b"))
    assert (speech.engine, speech.voice) == ("tone", "tone-b") and edge_fake.exchanges == []


def test_a_voice_nobody_has_is_voice_not_found(auto_engine):
    with pytest.raises(VoiceNotFound):
        auto_engine.synthesize("你好。", SpeechParams("zh-CN-XiaochenNeural"))


def test_empty_text_is_a_clear_error(auto_engine, tone):
    with pytest.raises(SynthesisFailed, match="empty"):
        auto_engine.synthesize("  ", XIAOXIAO)
    assert tone.calls == []


def test_voices_offer_the_edge_default_even_while_edge_is_down(auto_engine, edge_fake):
    assert "zh-CN-YunxiNeural" in {v.name for v in auto_engine.voices()}
    edge_fake.voice_list_behaviour = "500"
    down = auto.create(fallback=ToneEngine(), timeout_s=2.0)
    assert [v.name for v in down.voices()] == ["zh-CN-XiaoxiaoNeural", "tone-a", "tone-b"]


def test_lookup_order_adds_the_fallback_key_only_while_edge_is_down(auto_engine, tone, dns_lookups):
    assert [(e.name, p.voice) for e, p in auto_engine.lookup_order(XIAOXIAO)] == [("edge", XIAOXIAO.voice)]
    auto_engine.voices()
    auto_engine.synthesize(SENTENCES[0], XIAOXIAO)
    order = [(e.name, p.voice) for e, p in auto_engine.lookup_order(XIAOXIAO)]
    assert order == [("edge", XIAOXIAO.voice), ("tone", "tone-a")]
    assert auto_engine.engine_for("tone") is tone
    assert isinstance(auto_engine.engine_for("edge"), edge.EdgeEngine)


def test_the_fallback_engine_is_built_by_name_on_first_need(edge_fake, fast_edge_options, dns_lookups):
    register_fake()
    engine = auto.create(fallback_name="fake", **fast_edge_options)
    engine.voices()
    speech = engine.synthesize("你好。", XIAOXIAO)
    assert (speech.engine, speech.voice) == ("fake", "fake-female")


def test_registered_as_auto(edge_fake):
    engine = audio.get_engine("auto", fallback=ToneEngine(), voice="zh-CN-YunxiNeural", timeout_s=2.0)
    assert engine.name == "auto" and engine.default_voice == "zh-CN-YunxiNeural"
    assert engine.synthesize("好。", SpeechParams(engine.default_voice)).voice == "zh-CN-YunxiNeural"


def test_a_second_run_through_auto_is_all_cache_hits(auto_engine, edge_fake, tmp_path):
    cache = audio.ClipCache(tmp_path)
    items = list(enumerate(SENTENCES[:3]))
    first = audio.synthesize(items, auto_engine, XIAOXIAO, cache)
    requests = len(edge_fake.exchanges)
    second = audio.synthesize(items, auto_engine, XIAOXIAO, cache)
    assert [c.key for c in second] == [c.key for c in first]
    assert len(edge_fake.exchanges) == requests


def test_a_rerun_during_an_outage_is_all_cache_hits_and_calls_no_engine(auto_engine, tone, dns_lookups,
                                                                         tmp_path):
    cache = audio.ClipCache(tmp_path)
    items = list(enumerate(SENTENCES[:3]))
    auto_engine.voices()
    first = audio.synthesize(items, auto_engine, XIAOXIAO, cache)
    assert {c.engine for c in first} == {"tone"} and len(tone.calls) == 3
    # Stored as the fallback's own clips, never under the edge voice's key.
    tone_a = SpeechParams("tone-a")
    assert [c.key for c in first] == [cache.key_for(tone, tone_a, text) for _, text in items]
    edge_keys = [cache.key_for(auto_engine.primary, XIAOXIAO, text) for _, text in items]
    assert all(cache.get(key) is None for key in edge_keys)
    second = audio.synthesize(items, auto_engine, XIAOXIAO, cache)
    assert second == first and len(tone.calls) == 3 and dns_lookups == ["edge.invalid"]


def test_a_new_process_during_the_outage_probes_edge_once_then_hits(auto_engine, fast_edge_options, tone,
                                                                     dns_lookups, tmp_path):
    cache = audio.ClipCache(tmp_path)
    items = list(enumerate(SENTENCES[:4]))
    auto_engine.voices()
    first = audio.synthesize(items, auto_engine, XIAOXIAO, cache)
    # A new process knows nothing of the outage: its first miss tries edge, which opens the breaker.
    fresh_tone = ToneEngine()
    fresh = auto.create(fallback=fresh_tone, **{**fast_edge_options, "attempts": 2, "breaker_threshold": 2})
    fresh.voices()
    assert audio.synthesize(items, fresh, XIAOXIAO, cache) == first
    assert dns_lookups == ["edge.invalid"] * 2 and [t for t, _ in fresh_tone.calls] == SENTENCES[:1]


def test_once_edge_answers_again_the_page_is_spoken_in_the_edge_voice(edge_fake, fast_edge_options, tone,
                                                                       monkeypatch, tmp_path):
    cache = audio.ClipCache(tmp_path)
    items = list(enumerate(SENTENCES[:2]))
    engine = auto.create(fallback=tone, **{**fast_edge_options, "cooldown_s": 0.2})
    engine.voices()
    with monkeypatch.context() as patch:
        patch.setattr(edge_tts.communicate, "WSS_URL", f"ws://127.0.0.1:{_closed_port()}/v1?x=1")
        during = audio.synthesize(items, engine, XIAOXIAO, cache)
    assert {c.engine for c in during} == {"tone"}
    time.sleep(0.25)
    after = audio.synthesize(items, engine, XIAOXIAO, cache)
    assert {(c.engine, c.voice) for c in after} == {("edge", XIAOXIAO.voice)}
    assert len(edge_fake.exchanges) == 2 and len(tone.calls) == 2
    assert [c.key for c in after] == [cache.key_for(engine.primary, XIAOXIAO, t) for _, t in items]
    assert all(cache.get(c.key) == c for c in during)  # Kept for the next outage (or `--engine tone`).


def test_edge_clips_are_shared_with_the_plain_edge_engine(auto_engine, edge_fake, fast_edge_options,
                                                          tmp_path):
    cache = audio.ClipCache(tmp_path)
    items = list(enumerate(SENTENCES[:2]))
    through_auto = audio.synthesize(items, auto_engine, XIAOXIAO, cache)
    requests = len(edge_fake.exchanges)
    plain = audio.synthesize(items, edge.create(**fast_edge_options), XIAOXIAO, cache)
    assert plain == through_auto and len(edge_fake.exchanges) == requests == 2


def test_a_fallback_voice_through_auto_is_cached_too(auto_engine, tone, edge_fake, tmp_path):
    cache = audio.ClipCache(tmp_path)
    items = list(enumerate(SENTENCES[:2]))
    first = audio.synthesize(items, auto_engine, SpeechParams("tone-b"), cache)
    second = audio.synthesize(items, auto_engine, SpeechParams("tone-b"), cache)
    assert second == first and {(c.engine, c.voice) for c in first} == {("tone", "tone-b")}
    assert len(tone.calls) == 2 and edge_fake.exchanges == []


def test_a_withdrawn_voice_is_cached_under_the_voice_that_spoke(edge_fake, fast_edge_options, tone, tmp_path):
    cache = audio.ClipCache(tmp_path)
    engine = auto.create(fallback=tone, **{**fast_edge_options, "attempts": 2, "breaker_threshold": 5})
    edge_fake.silent_voices = {"zh-CN-YunxiNeural"}
    yunxi = SpeechParams("zh-CN-YunxiNeural")
    items = list(enumerate(SENTENCES[:2]))
    first = audio.synthesize(items, engine, yunxi, cache)
    requests = len(edge_fake.exchanges)
    assert [c.key for c in first] == [cache.key_for(engine.primary, XIAOXIAO, t) for _, t in items]
    assert audio.synthesize(items, engine, yunxi, cache) == first and len(edge_fake.exchanges) == requests


def test_falls_back_to_the_real_offline_voice(edge_fake, fast_edge_options, offline_engine, dns_lookups):
    engine = auto.create(fallback=offline_engine, **fast_edge_options)
    engine.voices()
    speech = engine.synthesize("好。", XIAOXIAO)
    assert (speech.engine, speech.voice) == ("offline", offline_engine.default_voice)
    assert decode_ms(speech.mp3) >= 150 and dns_lookups == ["edge.invalid"]


def test_a_withdrawn_voice_is_replaced_by_the_default_edge_voice(edge_fake, fast_edge_options, tone):
    engine = auto.create(fallback=tone, **{**fast_edge_options, "attempts": 2, "breaker_threshold": 5})
    edge_fake.silent_voices = {"zh-CN-YunxiNeural"}
    yunxi = SpeechParams("zh-CN-YunxiNeural")
    first = engine.synthesize(SENTENCES[0], yunxi)
    assert (first.engine, first.voice) == ("edge", "zh-CN-XiaoxiaoNeural")
    assert [ex.voice for ex in edge_fake.exchanges] == ["zh-CN-YunxiNeural"] * 2 + ["zh-CN-XiaoxiaoNeural"]
    second = engine.synthesize(SENTENCES[1], yunxi)  # No second try of the withdrawn voice.
    assert second.voice == "zh-CN-XiaoxiaoNeural" and len(edge_fake.exchanges) == 4
    assert [p.voice for _, p in engine.lookup_order(yunxi)] == ["zh-CN-XiaoxiaoNeural"]
    assert tone.calls == []


def test_a_withdrawn_voice_that_opens_the_breaker_goes_to_the_fallback(auto_engine, edge_fake, tone):
    edge_fake.silent_voices = {"zh-CN-YunxiNeural"}
    speech = auto_engine.synthesize(SENTENCES[0], SpeechParams("zh-CN-YunxiNeural"))
    assert (speech.engine, speech.voice) == ("tone", "tone-a") and len(edge_fake.exchanges) == 2
