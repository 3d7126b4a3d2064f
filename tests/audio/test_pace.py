"""The live speed estimate and the listener's runway, and the stream they steer, with real clocks."""

from __future__ import annotations

import itertools
import time

import pytest

from audio import ClipCache
from audio import iter_synthesize
from audio.model import Speech
from audio.model import SpeechParams
from audio.pace import WINDOW
from audio.pace import Pace
from audio.pace import Runway
from audio.pace import pace_for
from tests.audio.core_fixtures import PARAMS
from tests.fakes import MS_PER_CHAR
from tests.fakes import ToneEngine

_names = itertools.count()
SENTENCES = [
    "重庆市江北区人民政府关于二零二三年法治政府建设情况的报告",
    "全区依法治理机制不断完善，依法办事的法治思维逐步养成。",
    "深入推进一窗综办改革，将原有四十九个受理窗口压缩为三十三个。",
    "区政府公开重大行政决策事项目录六项。",
    "全区的行政诉讼开庭一百九十件，区政府负责人出庭三十七次。",
]


class SleepyEngine(ToneEngine):
    """The tone engine (60 ms of speech a character) taking real time: ``call_s + char_s × len``."""

    def __init__(self, call_s: float, char_s: float) -> None:
        super().__init__()
        self.name = f"sleepy-{next(_names)}"  # its own process-wide pace, fresh for each test
        self.call_s, self.char_s = call_s, char_s

    def synthesize(self, text: str, params: SpeechParams) -> Speech:
        time.sleep(self.call_s + self.char_s * len(text))
        return super().synthesize(text, params)


def listen(engine: ToneEngine, tmp_path, texts=SENTENCES) -> tuple[float, float, int]:
    """(first sound s, longest gap s, pieces): a listener who plays everything as soon as it lands."""
    ready: list[tuple[float, int]] = []
    pieced: set[int] = set()
    started = time.monotonic()

    def on_part(item: int, _index: int, _count: int, clip) -> None:
        pieced.add(item)
        ready.append((time.monotonic() - started, clip.duration_ms))

    stream = iter_synthesize(list(enumerate(texts)), engine, PARAMS, ClipCache(tmp_path), on_part=on_part)
    for item, clip in stream:
        if item not in pieced:
            ready.append((time.monotonic() - started, clip.duration_ms))
    gap, playing_until = 0.0, ready[0][0]
    for ready_s, duration_ms in ready:
        gap = max(gap, ready_s - playing_until)
        playing_until = max(playing_until, ready_s) + duration_ms / 1000
    return ready[0][0], gap, len(ready) - len(texts) + len(pieced)


def test_pace_follows_a_slowdown_and_recovers():
    pace = Pace()
    quiet = pace.predict_s(20)
    for _ in range(4):
        pace.record(20, 3 * quiet)
    assert pace.ratio == pytest.approx(3.0, rel=0.1)
    assert pace.predict_s(20) == pytest.approx(3 * quiet, rel=0.1)
    assert pace.chars_within(pace.predict_s(20)) == 20
    for _ in range(6):
        pace.record(20, quiet)
    assert pace.ratio == pytest.approx(1.0, rel=0.1)
    pace.record(0, 5.0)
    pace.record(10, float("nan"))
    assert pace.ratio == pytest.approx(1.0, rel=0.1), "nonsense samples are ignored"
    assert Pace().chars_within(0.01) == 0


def test_a_new_load_shows_in_the_very_next_prediction_and_its_end_relaxes_gradually():
    pace = Pace()
    quiet = pace.predict_s(20)
    for _ in range(WINDOW):
        pace.record(20, quiet)
    pace.record(6, 3 * pace.predict_s(6))  # one piece under a new load
    assert pace.predict_s(20) == pytest.approx(3 * quiet, rel=0.05), "believed at once"
    pace.record(6, Pace().predict_s(6))  # the load went away
    assert quiet * 1.1 < pace.predict_s(20) < 3 * quiet, "relaxes over a few clips, not in one"
    for _ in range(6):
        pace.record(20, quiet)
    assert pace.predict_s(20) == pytest.approx(quiet, rel=0.05)


def test_runway_counts_down_from_the_first_sound():
    now = [10.0]
    runway = Runway(clock=lambda: now[0])
    assert runway.remaining_s() == 0 and not runway.started
    runway.add(1500)
    now[0] += 1.0
    runway.add(1000)
    assert runway.started and runway.remaining_s() == pytest.approx(1.5)
    now[0] += 5.0
    assert runway.remaining_s() == 0


def test_a_quiet_machine_leaves_no_gap(tmp_path):
    # Synthesis at half of real time (like Kokoro on 2 idle cores): only the first sentence is cut.
    engine = SleepyEngine(call_s=0.01, char_s=0.5 * MS_PER_CHAR / 1000)
    first_s, gap_s, _ = listen(engine, tmp_path)
    # Under the suite's load mode the tone engine's own encoding slows too: bound at the product's
    # 300 ms target for unasked silence, not at zero.
    assert first_s < 0.5 and gap_s < 0.25, (first_s, gap_s)


class SteppedEngine(SleepyEngine):
    """A sleepy engine whose machine gets ``factor`` times slower after ``quiet_calls`` calls."""

    def __init__(self, call_s: float, char_s: float, *, quiet_calls: int, factor: float) -> None:
        super().__init__(call_s, char_s)
        self.made, self.quiet_calls, self.factor = 0, quiet_calls, factor

    def synthesize(self, text: str, params: SpeechParams) -> Speech:
        self.made += 1
        if self.made == self.quiet_calls + 1:
            self.call_s, self.char_s = self.call_s * self.factor, self.char_s * self.factor
        return super().synthesize(text, params)


def test_a_load_arriving_mid_sentence_leaves_no_gap(tmp_path):
    # Quiet for the first piece, then a second process takes the cores: synthesis 2.2 times slower,
    # still (just) faster than real time. The next pieces must shrink at once to leave no silence;
    # an estimate that learns the load over two or three clips left 0.29 s of it here.
    engine = SteppedEngine(call_s=0.01, char_s=0.4 * MS_PER_CHAR / 1000, quiet_calls=1, factor=2.2)
    pace = pace_for(engine.name)
    for chars in (6, 16, 30, 6, 16, 30):  # the estimate already knows the quiet machine
        pace.record(chars, engine.call_s + engine.char_s * chars)
    _, gap_s, pieces = listen(engine, tmp_path, SENTENCES[:3])
    assert gap_s < 0.1 and pieces >= 3, (gap_s, pieces)


def test_a_machine_slower_than_real_time_keeps_speaking_in_pieces(tmp_path):
    # Twice slower than real time: gaps are unavoidable, but short, and later sentences are cut too.
    engine = SleepyEngine(call_s=0.01, char_s=2 * MS_PER_CHAR / 1000)
    _, gap_s, pieces = listen(engine, tmp_path, SENTENCES[:3])
    whole_s = engine.call_s + engine.char_s * len(SENTENCES[1])  # the silence if sentence 2 came whole
    assert pieces > 6 and gap_s < whole_s / 2, (pieces, gap_s, whole_s)
    assert pace_for(engine.name).ratio > 1.5, "the estimate learnt that this machine is slow"


def test_a_flat_fit_never_promises_a_long_sentence_cheaply():
    # Short clips that all took about a second (load noise) fit a line with almost no per-character
    # cost; a 60-character sentence must still be predicted at least as the scaled quiet line says.
    pace = Pace(decay=1.0)
    for chars in (6, 16, 8, 12):
        pace.record(chars, 1.0)
    scale = 1.0 / (pace.call_s + pace.char_s * 10.5)  # through the mean length, 10.5 characters
    assert pace.predict_s(60) >= scale * (pace.call_s + pace.char_s * 60) * 0.99
    assert pace.chars_within(pace.predict_s(60)) == 60


def test_an_engine_whose_cost_is_per_call_is_cut_less():
    per_call, per_char = Pace(decay=0.8), Pace(decay=0.8)
    for chars in (6, 16, 30, 6, 16, 30):
        per_call.record(chars, 0.4)
        per_char.record(chars, 0.05 + 0.025 * chars)
    assert per_call.chars_within(1.0) > per_char.chars_within(1.0) > 0
