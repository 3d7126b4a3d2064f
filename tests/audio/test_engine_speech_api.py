"""The ``speech-api`` engine against a real local HTTP server answering real speech in foreign formats.

The speech is one short Kokoro sentence (the session's offline engine), converted by ffmpeg into what
OpenAI-compatible servers send: WAV 16 kHz stereo (streamed: no sizes in its header), float WAV,
FLAC 44.1 kHz, Ogg Opus, MP3 44.1 kHz/128k, ADTS AAC and headerless PCM. Every clip the engine
returns must be canonical MP3 frames that decode cleanly, last as long as the speech it was given,
and sit at the offline voice's loudness.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import numpy as np
import pytest

from audio import ClipCache
from audio import EngineUnavailable
from audio import SpeechParams
from audio import SynthesisFailed
from audio import VoiceNotFound
from audio import get_engine
from audio import mp3
from audio import synthesize
from audio.engines.openai_speech import SpeechApiEngine
from audio.engines.openai_speech import speed_for_rate
from audio.loudness import TARGET_LUFS
from audio.loudness import integrated_loudness
from tests.audio.core_fixtures import ffmpeg
from tests.audio.speech_server import FOREIGN
from tests.audio.speech_server import Answer
from tests.audio.speech_server import SpeechServer

TEXT = "你好，欢迎收听。"
VOICES = "zf_xiaobei,zm_yunxi"
PARAMS = SpeechParams(voice="zf_xiaobei")


@pytest.fixture(scope="module")
def source_mp3(offline_engine) -> bytes:
    """One short real sentence, spoken once per module."""
    return offline_engine.synthesize(TEXT, PARAMS).mp3


@pytest.fixture(scope="module")
def foreign(source_mp3) -> dict[str, bytes]:
    """The sentence in every foreign format, made by the ffmpeg binary."""
    converted = {}
    for case, (_, options, _) in FOREIGN.items():
        result = ffmpeg("-v", "error", "-f", "mp3", "-i", "pipe:0", *options, "pipe:1", data=source_mp3)
        assert result.returncode == 0 and result.stdout, result.stderr
        converted[case] = result.stdout
    return converted


@pytest.fixture
def server() -> Iterator[SpeechServer]:
    with SpeechServer() as running:
        yield running


def make_engine(url: str, **options) -> SpeechApiEngine:
    engine = get_engine("speech-api", url=url, voices=VOICES, **options)
    assert isinstance(engine, SpeechApiEngine)
    return engine


def speech_span_ms(samples: np.ndarray, rate_hz: int = 24_000) -> float:
    """From the first to the last sample above 5% of the peak: the speech, without codec delay or padding."""
    level = np.abs(samples.astype(np.float64))
    loud = np.flatnonzero(level > 0.05 * level.max())
    return (loud[-1] - loud[0]) * 1000 / rate_hz


@pytest.mark.parametrize("case", list(FOREIGN))
def test_foreign_audio_becomes_a_canonical_clip_of_the_same_speech(case, foreign, source_mp3, server):
    fmt, _, content_type = FOREIGN[case]
    server.answer = Answer(foreign[case], content_type)
    speech = make_engine(server.url, response_format=fmt).synthesize(TEXT, PARAMS)

    frames = mp3.walk_frames(speech.mp3)
    assert frames and all(header.is_canonical for _, header in frames)
    assert mp3.check_canonical(speech.mp3) == len(frames)
    clip = mp3.decode(speech.mp3)  # raises on any decoder complaint
    source = mp3.decode(source_mp3)
    assert abs(speech_span_ms(clip) - speech_span_ms(source)) <= 30, case
    assert abs(len(clip) - len(source)) * 1000 / 24_000 <= 150, case  # codec delays and padding only
    assert abs(integrated_loudness(clip) - TARGET_LUFS) <= 1.0, case
    assert (speech.engine, speech.voice) == ("speech-api", "zf_xiaobei")


def test_a_clip_joins_byte_for_byte_with_another_engines(foreign, source_mp3, server):
    server.answer = Answer(foreign["flac-44k"], "audio/flac")
    speech = make_engine(server.url, response_format="flac").synthesize(TEXT, PARAMS)
    joined = source_mp3 + speech.mp3
    assert mp3.duration_ms(joined) == mp3.duration_ms(source_mp3) + mp3.duration_ms(speech.mp3)
    assert len(mp3.decode(joined)) == len(mp3.decode(source_mp3)) + len(mp3.decode(speech.mp3))


def test_the_request_carries_text_voice_speed_and_key(foreign, server):
    server.answer = Answer(foreign["wav-16k-stereo"], "audio/wav")
    engine = make_engine(f"{server.url}/", model="kokoro", api_key="s3cret", response_format="wav")
    engine.synthesize(TEXT, SpeechParams(voice="zm_yunxi", rate=20))
    (seen,) = server.seen
    assert seen.path == "/v1/audio/speech"
    assert seen.body == {"model": "kokoro", "input": TEXT, "voice": "zm_yunxi", "response_format": "wav",
                         "speed": 1.2}
    assert seen.headers["authorization"] == "Bearer s3cret"
    assert seen.headers["content-type"] == "application/json"


def test_a_base_url_ending_in_v1_is_not_doubled(foreign, server):
    server.answer = Answer(foreign["pcm-24k"], "audio/pcm")
    make_engine(f"{server.url}/v1", response_format="pcm").synthesize(TEXT, PARAMS)
    assert [seen.path for seen in server.seen] == ["/v1/audio/speech"]


def test_rates_map_to_the_interfaces_speed_within_its_range():
    assert [speed_for_rate(rate) for rate in (-50, 0, 20, 100, 400)] == [0.5, 1.0, 1.2, 2.0, 4.0]
    assert speed_for_rate(-90) == 0.25


def test_an_untyped_answer_is_read_as_the_requested_format(foreign, server):
    server.answer = Answer(foreign["ogg-opus"], "application/octet-stream")
    speech = make_engine(server.url, response_format="opus").synthesize(TEXT, PARAMS)
    assert mp3.duration_ms(speech.mp3) > 500


def test_the_content_type_wins_over_the_requested_format(foreign, server):
    # LocalAI and others answer WAV whatever was asked for.
    server.answer = Answer(foreign["wav-16k-stereo"], "audio/x-wav")
    speech = make_engine(server.url, response_format="mp3").synthesize(TEXT, PARAMS)
    assert mp3.duration_ms(speech.mp3) > 500


def test_pcm_at_another_rate_is_read_at_the_rate_its_content_type_names(foreign, source_mp3, server):
    pcm_16k = ffmpeg("-v", "error", "-f", "mp3", "-i", "pipe:0", "-ar", "16000", "-ac", "1", "-f", "s16le",
                     "pipe:1", data=source_mp3).stdout
    server.answer = Answer(pcm_16k, "audio/L16; rate=16000; channels=1")
    speech = make_engine(server.url, response_format="pcm").synthesize(TEXT, PARAMS)
    source = mp3.decode(source_mp3)
    assert abs(speech_span_ms(mp3.decode(speech.mp3)) - speech_span_ms(source)) <= 30


def test_volume_scales_the_levelled_clip(foreign, server):
    server.answer = Answer(foreign["flac-44k"], "audio/flac")
    engine = make_engine(server.url, response_format="flac")
    quiet = engine.synthesize(TEXT, SpeechParams(voice="zf_xiaobei", volume=-50)).mp3
    assert integrated_loudness(mp3.decode(quiet)) == pytest.approx(TARGET_LUFS - 6.0, abs=1.0)


def test_http_500_is_a_clear_engine_unavailable(server):
    server.answer = Answer(b"model crashed", "text/plain", status=500)
    where = r"http://127\.0\.0\.1:\d+"
    with pytest.raises(EngineUnavailable, match=rf"speech server at {where} answered HTTP 500: model crash"):
        make_engine(server.url).synthesize(TEXT, PARAMS)


def test_a_refused_text_is_a_synthesis_failure(server):
    server.answer = Answer(b'{"error": "input too long"}', "application/json", status=400)
    with pytest.raises(SynthesisFailed, match="HTTP 400.*input too long"):
        make_engine(server.url).synthesize(TEXT, PARAMS)


def test_a_wrong_key_says_so_without_echoing_it(server):
    server.answer = Answer(b"", "text/plain", status=401)
    with pytest.raises(EngineUnavailable, match="HTTP 401") as caught:
        make_engine(server.url, api_key="s3cret").synthesize(TEXT, PARAMS)
    assert "s3cret" not in str(caught.value)


@pytest.mark.parametrize("fmt, content_type", [("mp3", "audio/mpeg"), ("flac", "audio/flac"),
                                               ("opus", "audio/ogg"), ("wav", "audio/wav")])
def test_garbage_bytes_are_undecodable_audio(fmt, content_type, server):
    server.answer = Answer(bytes(range(256)) * 40, content_type)
    with pytest.raises(SynthesisFailed, match=f"{fmt} audio cannot be decoded"):
        make_engine(server.url, response_format=fmt).synthesize(TEXT, PARAMS)


def test_an_empty_answer_is_no_audio(server):
    server.answer = Answer(b"", "audio/wav")
    with pytest.raises(SynthesisFailed, match="answered no audio"):
        make_engine(server.url).synthesize(TEXT, PARAMS)


def test_digital_silence_is_no_speech(server):
    server.answer = Answer(bytes(24_000 * 2), "audio/pcm")
    with pytest.raises(SynthesisFailed, match="answered silence"):
        make_engine(server.url, response_format="pcm").synthesize(TEXT, PARAMS)


def test_a_gateway_page_is_not_audio(server):
    server.answer = Answer(b"<html>login</html>", "text/html; charset=utf-8")
    with pytest.raises(SynthesisFailed, match="answered text/html, not audio"):
        make_engine(server.url).synthesize(TEXT, PARAMS)


def test_a_silent_server_times_out(server):
    server.answer = Answer(b"", "audio/wav", delay_s=2.0)
    with pytest.raises(EngineUnavailable, match=r"did not answer within 0\.3 s"):
        make_engine(server.url, timeout_s=0.3).synthesize(TEXT, PARAMS)


def test_a_refused_connection_is_unreachable():
    with socket.socket() as probe:  # a port that was free a moment ago, closed again: nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(EngineUnavailable, match=f"cannot reach the speech server at http://127.0.0.1:{port}"):
        make_engine(f"http://127.0.0.1:{port}").synthesize(TEXT, PARAMS)


def test_a_redirect_is_not_followed(server):
    # urllib would follow a 302 after a POST with a GET to the new address; this engine must not.
    server.answer = Answer(b"", "text/plain", status=302, headers=(("Location", f"{server.url}/elsewhere"),))
    with pytest.raises(EngineUnavailable, match="HTTP 302.*redirect"):
        make_engine(server.url).synthesize(TEXT, PARAMS)
    assert len(server.seen) == 1


def test_an_unknown_voice_is_refused_before_any_request(server):
    with pytest.raises(VoiceNotFound, match="zf_xiaobei, zm_yunxi"):
        make_engine(server.url).synthesize(TEXT, SpeechParams(voice="alloy"))
    assert server.seen == []


def test_a_cached_clip_is_served_without_a_request_and_errors_are_never_cached(foreign, server, tmp_path):
    cache = ClipCache(tmp_path / "cache")
    engine = make_engine(server.url, response_format="flac")
    server.answer = Answer(foreign["flac-44k"], "audio/flac")
    (first,) = synthesize([(1, TEXT)], engine, PARAMS, cache)
    assert len(server.seen) == 1
    stored = first.path.read_bytes()

    server.answer = Answer(b"down", "text/plain", status=503)
    (again,) = synthesize([(1, TEXT)], engine, PARAMS, cache)
    assert again == first and len(server.seen) == 1
    with pytest.raises(EngineUnavailable, match="HTTP 503"):
        synthesize([(2, "另一句话。")], engine, PARAMS, cache)
    assert first.path.read_bytes() == stored
    assert sorted(p.name for p in (tmp_path / "cache").rglob("*.mp3")) == [first.path.name]


def test_each_server_and_model_has_its_own_cache_keys(server):
    one = make_engine(server.url, model="a")
    assert one.version != make_engine(server.url, model="b").version
    assert one.version != make_engine(server.url, model="a", response_format="mp3").version
    assert one.version == make_engine(server.url, model="a").version


@pytest.mark.parametrize("options, message", [
    ({"url": None}, "needs SPEECH_API_URL"),
    ({"url": "ftp://tts.example"}, "needs SPEECH_API_URL"),
    ({"voices": ""}, "needs SPEECH_API_VOICES"),
    ({"response_format": "ogg"}, "SPEECH_API_FORMAT must be one of"),
    ({"timeout_s": 0}, "SPEECH_API_TIMEOUT_S must be positive"),
])
def test_bad_settings_are_clear_errors(options, message):
    settings = {"url": "http://127.0.0.1:9", "voices": VOICES, **options}
    with pytest.raises(EngineUnavailable, match=message):
        get_engine("speech-api", **settings)


def test_the_configured_voice_is_the_default_and_voices_are_listed():
    engine = get_engine("speech-api", url="http://127.0.0.1:9", voices=VOICES, voice="zm_yunxi")
    assert engine.default_voice == "zm_yunxi"
    assert [(v.name, v.engine) for v in engine.voices()] == [("zm_yunxi", "speech-api"),
                                                            ("zf_xiaobei", "speech-api")]


def test_a_passing_gateway_error_is_tried_once_more(foreign, server):
    server.queued = [Answer(b"busy", "text/plain", status=503)]
    server.answer = Answer(foreign["flac-44k"], "audio/flac")
    speech = make_engine(server.url, response_format="flac").synthesize(TEXT, PARAMS)
    assert mp3.duration_ms(speech.mp3) > 500 and len(server.seen) == 2


def test_a_lasting_gateway_error_fails_after_the_second_try(server):
    server.answer = Answer(b"busy", "text/plain", status=503)
    with pytest.raises(EngineUnavailable, match="HTTP 503: busy"):
        make_engine(server.url).synthesize(TEXT, PARAMS)
    assert len(server.seen) == 2


def test_a_failing_server_is_left_alone_for_a_while(server):
    server.answer = Answer(b"model crashed", "text/plain", status=500)
    engine = make_engine(server.url)
    for _ in range(3):
        with pytest.raises(EngineUnavailable, match="HTTP 500"):
            engine.synthesize(TEXT, PARAMS)
    assert engine.degraded()
    with pytest.raises(EngineUnavailable, match="circuit open"):
        engine.synthesize(TEXT, PARAMS)
    assert len(server.seen) == 3


def test_an_unreachable_server_fails_fast_after_the_first_refusal():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    engine = make_engine(f"http://127.0.0.1:{port}")
    with pytest.raises(EngineUnavailable, match="cannot reach"):
        engine.synthesize(TEXT, PARAMS)
    with pytest.raises(EngineUnavailable, match="circuit open"):
        engine.synthesize(TEXT, PARAMS)


def test_a_text_over_the_input_limit_goes_in_pieces_joined_into_one_clip(foreign, server):
    server.answer = Answer(foreign["flac-44k"], "audio/flac")
    engine = make_engine(server.url, response_format="flac", max_input_chars=8)
    one = mp3.decode(engine.synthesize(TEXT, PARAMS).mp3)
    both = mp3.decode(engine.synthesize("第一句话。第二句话。", PARAMS).mp3)
    assert [seen.body["input"] for seen in server.seen[1:]] == ["第一句话。", "第二句话。"]
    assert abs(len(both) - 2 * len(one)) * 1000 / 24_000 <= 100


def test_no_format_needs_ffprobe(foreign, server, monkeypatch):
    import pydub.audio_segment

    def no_ffprobe(*args, **kwargs):
        raise AssertionError("pydub asked ffprobe for the format")

    monkeypatch.setattr(pydub.audio_segment, "mediainfo_json", no_ffprobe)
    for case, (fmt, _, content_type) in FOREIGN.items():
        server.answer = Answer(foreign[case], content_type)
        speech = make_engine(server.url, response_format=fmt).synthesize(TEXT, PARAMS)
        assert mp3.duration_ms(speech.mp3) > 500, case


def test_a_proxy_in_the_environment_is_not_used(foreign, server, monkeypatch):
    with socket.socket() as probe:  # a proxy address where nothing listens: using it would fail
        probe.bind(("127.0.0.1", 0))
        proxy = f"http://127.0.0.1:{probe.getsockname()[1]}"
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "all_proxy"):
        monkeypatch.setenv(name, proxy)
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    server.answer = Answer(foreign["pcm-24k"], "audio/pcm")
    make_engine(server.url, response_format="pcm").synthesize(TEXT, PARAMS)
    assert len(server.seen) == 1
