"""The edge engine with the real edge-tts client against the local protocol fake (never the internet)."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time

import aiohttp
import edge_tts.communicate
import pytest
from edge_tts import exceptions as edge_errors
from edge_tts.drm import DRM

from audio.engines import edge
from audio.errors import EngineUnavailable
from audio.errors import SynthesisFailed
from audio.errors import VoiceNotFound
from audio.model import SpeechParams
from audio.mp3 import BYTES_PER_MS
from tests.audio.edge_fixtures import *  # noqa: F403
from tests.audio.edge_fixtures import decode_ms
from tests.audio.edge_server import TOKEN

XIAOXIAO = SpeechParams("zh-CN-XiaoxiaoNeural")
TWO = "今天天气很好。我们去公园散步吧！"


def _assert_marks_sane(speech, audio_ms: int) -> None:
    starts = [m.start_ms for m in speech.marks]
    assert starts == sorted(starts)
    for a, b in zip(speech.marks, speech.marks[1:], strict=False):
        assert a.start_ms + a.duration_ms <= b.start_ms
    assert speech.marks[-1].start_ms + speech.marks[-1].duration_ms <= audio_ms


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_speaks_decodable_canonical_mp3_with_sentence_marks(edge_engine):
    speech = edge_engine.synthesize(TWO, XIAOXIAO)
    audio_ms = decode_ms(speech.mp3)
    assert speech.mp3[:2] == b"\xff\xf3" and len(speech.mp3) % 144 == 0
    assert audio_ms == len(speech.mp3) // BYTES_PER_MS  # CBR: bytes give the exact duration.
    assert [m.text for m in speech.marks] == ["今天天气很好。", "我们去公园散步吧！"]
    _assert_marks_sane(speech, audio_ms)
    assert (speech.engine, speech.voice) == ("edge", "zh-CN-XiaoxiaoNeural")


def test_sends_what_the_real_service_expects(edge_engine, edge_fake):
    edge_engine.synthesize("你好。", SpeechParams("zh-CN-YunxiNeural", rate=10, pitch=-5, volume=20))
    (ex,) = edge_fake.exchanges
    assert ex.query["TrustedClientToken"] == TOKEN and len(ex.query["ConnectionId"]) == 32
    assert len(ex.query["Sec-MS-GEC"]) in (64, 81) and ex.query["Sec-MS-GEC-Version"]
    assert ex.headers["Origin"].startswith("chrome-extension://")
    audio_config = ex.config["context"]["synthesis"]["audio"]
    assert audio_config["outputFormat"] == "audio-24khz-48kbitrate-mono-mp3"
    assert (ex.voice, ex.rate, ex.pitch, ex.volume) == ("zh-CN-YunxiNeural", "+10%", "-5Hz", "+20%")


def test_rate_changes_the_length(edge_engine):
    slow = edge_engine.synthesize(TWO, SpeechParams("zh-CN-XiaoxiaoNeural", rate=-50))
    fast = edge_engine.synthesize(TWO, SpeechParams("zh-CN-XiaoxiaoNeural", rate=50))
    assert decode_ms(slow.mp3) > decode_ms(fast.mp3) * 2


def test_word_boundaries_and_xml_escaping(edge_fake, fast_edge_options):
    engine = edge.create(boundary="WordBoundary", **fast_edge_options)
    speech = engine.synthesize("Tom & Jerry <3 读书", XIAOXIAO)
    assert [m.text for m in speech.marks] == ["Tom", "Jerry", "3", "读", "书"]
    assert "&amp;" not in edge_fake.exchanges[0].text and "Tom & Jerry <3" in edge_fake.exchanges[0].text
    assert "WordBoundary" in engine.version
    _assert_marks_sane(speech, decode_ms(speech.mp3))


def test_long_chinese_text_goes_out_as_several_small_requests(edge_engine, edge_fake):
    sentence = "这是一段没有空格也没有换行的中文文本，用来检验分段。"
    speech = edge_engine.synthesize(sentence * 60, XIAOXIAO)
    sizes = [ex.text_bytes for ex in edge_fake.exchanges]
    assert len(sizes) >= 3 and max(sizes) <= 1500
    assert "".join(ex.text for ex in edge_fake.exchanges) == sentence * 60
    assert len(speech.marks) == 60
    audio_ms = decode_ms(speech.mp3)
    assert audio_ms == len(speech.mp3) // BYTES_PER_MS
    _assert_marks_sane(speech, audio_ms)


def test_a_sentence_without_stops_is_cut_at_clauses(edge_engine, edge_fake):
    clause = "各部门要加强协调配合"
    edge_engine.synthesize("，".join([clause] * 80) + "。", XIAOXIAO)
    pieces = [ex.text for ex in edge_fake.exchanges]
    assert len(pieces) >= 2 and all(p.endswith(("，", "。")) for p in pieces)
    assert max(ex.text_bytes for ex in edge_fake.exchanges) <= 1500


def test_403_with_clock_skew_then_success(edge_engine, edge_fake):
    edge_fake.queue("403")
    speech = edge_engine.synthesize(TWO, XIAOXIAO)
    assert [ex.behaviour for ex in edge_fake.exchanges] == ["403", "ok"]
    assert 3500 < DRM.clock_skew_seconds < 3700  # edge-tts corrected its clock from the Date header.
    assert decode_ms(speech.mp3) > 1000


@pytest.mark.parametrize("failure", ["no_audio", "close_early", "short_audio", "500", "403"])
def test_one_transient_failure_is_retried(edge_engine, edge_fake, failure):
    edge_fake.queue(failure, failure)  # A 403 is retried once inside edge-tts, so queue it twice.
    speech = edge_engine.synthesize(TWO * 3, XIAOXIAO)
    audio_ms = decode_ms(speech.mp3)
    assert edge_fake.exchanges[-1].behaviour == "ok"
    assert audio_ms >= speech.marks[-1].start_ms + speech.marks[-1].duration_ms


def test_a_boundary_just_past_the_audio_is_clamped_not_retried(edge_engine, edge_fake):
    edge_fake.mark_overhang_ms = 60  # Within the 100 ms slack: rounding, not truncation.
    speech = edge_engine.synthesize(TWO, XIAOXIAO)
    audio_ms = decode_ms(speech.mp3)
    assert len(edge_fake.exchanges) == 1
    assert speech.marks[-1].start_ms + speech.marks[-1].duration_ms == audio_ms


def test_a_boundary_far_past_the_audio_is_truncation(edge_engine, edge_fake):
    edge_fake.mark_overhang_ms = 500
    with pytest.raises(SynthesisFailed, match="boundary"):
        edge_engine.synthesize(TWO, XIAOXIAO)


@pytest.mark.parametrize(("failure", "symptom"), [("close_early", "frames"), ("short_audio", "boundary")])
def test_silent_truncation_is_never_returned(edge_engine, edge_fake, failure, symptom):
    edge_fake.queue(*[failure] * 4)
    with pytest.raises(SynthesisFailed, match="incomplete") as caught:
        edge_engine.synthesize(TWO * 3, XIAOXIAO)
    assert isinstance(caught.value.__cause__, edge.Truncated)
    assert symptom in str(caught.value)
    assert len(edge_fake.exchanges) == 4


def test_persistent_no_audio_is_synthesis_failed(edge_engine, edge_fake):
    edge_fake.queue(*["no_audio"] * 4)
    with pytest.raises(SynthesisFailed) as caught:
        edge_engine.synthesize(TWO, XIAOXIAO)
    assert isinstance(caught.value.__cause__, edge_errors.NoAudioReceived)


def test_a_stalled_stream_hits_the_total_timeout(edge_fake, fast_edge_options):
    engine = edge.create(**{**fast_edge_options, "timeout_s": 0.4, "attempts": 2})
    engine.voices()  # Fetch the voice list first so that only the stalls are timed.
    edge_fake.queue("stall", "stall")
    started = time.monotonic()
    with pytest.raises(EngineUnavailable, match="in time") as caught:
        engine.synthesize(TWO, XIAOXIAO)
    assert time.monotonic() - started < 5.0  # Never 20 s: the fixture budget is 3 s per attempt.
    assert isinstance(caught.value.__cause__, TimeoutError)


def test_a_silent_service_is_given_up_on_before_the_total_budget(edge_fake, fast_edge_options):
    engine = edge.create(**{**fast_edge_options, "timeout_s": 30.0, "first_answer_timeout_s": 0.3,
                            "attempts": 1})
    engine.voices()
    edge_fake.queue("stall")
    started = time.monotonic()
    with pytest.raises(EngineUnavailable, match="in time"):
        engine.synthesize(TWO, XIAOXIAO)
    assert time.monotonic() - started < 5.0  # The total budget is 30 s.


def test_a_stalled_upgrade_hits_the_total_timeout(edge_fake, fast_edge_options):
    engine = edge.create(**{**fast_edge_options, "timeout_s": 0.4, "attempts": 1})
    engine.voices()
    edge_fake.queue("stall_upgrade")
    with pytest.raises(EngineUnavailable):
        engine.synthesize(TWO, XIAOXIAO)


def test_unknown_voice_is_voice_not_found_without_a_request(edge_engine, edge_fake):
    with pytest.raises(VoiceNotFound, match="zh-CN-XiaochenNeural"):
        edge_engine.synthesize(TWO, SpeechParams("zh-CN-XiaochenNeural"))
    assert edge_fake.exchanges == []


def test_empty_text_is_a_clear_error(edge_engine, edge_fake):
    with pytest.raises(SynthesisFailed, match="empty"):
        edge_engine.synthesize(" \n ", XIAOXIAO)
    assert edge_fake.exchanges == []


def test_voice_list_is_filtered_to_zh_cn_and_cached(edge_fake, fast_edge_options, tmp_path):
    cache = tmp_path / "voices.json"
    engine = edge.create(voice_cache_path=cache, **fast_edge_options)
    names = [v.name for v in engine.voices()]
    assert "zh-CN-XiaoxiaoNeural" in names and "zh-CN-liaoning-XiaobeiNeural" in names
    assert all(v.lang.startswith("zh-CN") and v.engine == "edge" for v in engine.voices())
    assert edge_fake.voice_list_requests == 1
    assert "zh-TW-HsiaoChenNeural" in {v["ShortName"] for v in json.loads(cache.read_text())["voices"]}
    edge_fake.voice_list_behaviour = "500"  # A new process reads the file instead of the service.
    again = edge.create(voice_cache_path=cache, **fast_edge_options)
    assert [v.name for v in again.voices()] == names
    assert edge_fake.voice_list_requests == 1


def test_voice_list_failure_is_engine_unavailable(edge_fake, fast_edge_options):
    edge_fake.voice_list_behaviour = "500"
    with pytest.raises(EngineUnavailable) as caught:
        edge.create(**fast_edge_options).voices()
    assert isinstance(caught.value.__cause__, aiohttp.ClientResponseError)


def test_refused_connection_opens_the_breaker(edge_engine, edge_fake, monkeypatch):
    edge_engine.voices()
    monkeypatch.setattr(edge_tts.communicate, "WSS_URL", f"ws://127.0.0.1:{_closed_port()}/v1?x=1")
    with pytest.raises(EngineUnavailable, match="cannot reach") as caught:
        edge_engine.synthesize(TWO, XIAOXIAO)
    assert isinstance(caught.value.__cause__, aiohttp.ClientConnectorError)
    started = time.monotonic()
    with pytest.raises(EngineUnavailable, match="circuit open"):
        edge_engine.synthesize(TWO, XIAOXIAO)
    assert time.monotonic() - started < 0.5  # No connect attempt, no retry, no backoff.


def test_dns_failure_fails_fast_and_opens_the_breaker(edge_fake, fast_edge_options, monkeypatch):
    real_getaddrinfo = socket.getaddrinfo

    def no_such_host(host, *args, **kwargs):
        if host == "edge.invalid":  # The OS resolver's answer for a name that does not exist.
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    monkeypatch.setattr(edge_tts.communicate, "WSS_URL", "ws://edge.invalid/v1?x=1")
    engine = edge.create(**fast_edge_options)
    engine.voices()
    started = time.monotonic()
    with pytest.raises(EngineUnavailable) as caught:
        engine.synthesize(TWO, XIAOXIAO)
    assert isinstance(caught.value.__cause__, aiohttp.ClientConnectorDNSError)
    assert time.monotonic() - started < 1.0 and engine.breaker.is_open


def test_breaker_lets_a_trial_through_after_the_cooldown(edge_fake, fast_edge_options, monkeypatch):
    engine = edge.create(**{**fast_edge_options, "cooldown_s": 0.2})
    engine.voices()
    with monkeypatch.context() as patch:
        patch.setattr(edge_tts.communicate, "WSS_URL", f"ws://127.0.0.1:{_closed_port()}/v1?x=1")
        with pytest.raises(EngineUnavailable):
            engine.synthesize(TWO, XIAOXIAO)
    assert engine.breaker.is_open
    time.sleep(0.25)
    assert decode_ms(engine.synthesize(TWO, XIAOXIAO).mp3) > 1000


def test_rate_limit_opens_the_breaker_for_minutes(edge_engine, edge_fake):
    edge_fake.queue("429")
    with pytest.raises(EngineUnavailable, match="429"):
        edge_engine.synthesize(TWO, XIAOXIAO)
    with pytest.raises(EngineUnavailable, match=r"circuit open for another (2\d\d|300)\."):
        edge_engine.synthesize(TWO, XIAOXIAO)


def test_connections_are_bounded(edge_fake, fast_edge_options):
    engine = edge.create(**{**fast_edge_options, "max_connections": 2})
    engine.voices()
    edge_fake.answer_delay_s = 0.3
    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(len(engine.synthesize(TWO, XIAOXIAO).mp3)))
               for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(results) == 5 and edge_fake.max_active == 2


def test_works_when_called_inside_a_running_event_loop(edge_engine):
    async def call():
        return edge_engine.synthesize(TWO, XIAOXIAO)

    assert decode_ms(asyncio.run(call()).mp3) > 1000


@pytest.mark.parametrize("option", [{"colour": "blue"}, {"boundary": "ParagraphBoundary"}])
def test_bad_options_are_a_clear_error(option):
    with pytest.raises(EngineUnavailable, match="bad edge engine option"):
        edge.create(**option)
