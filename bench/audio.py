"""Measure the audio pipeline on the sample page and print the figures side by side.

    python bench/audio.py            # the whole sample page, one hour of assembly
    python bench/audio.py --quick    # a few sentences and two minutes of assembly (a smoke test)

First, what a listener hears, at rest and then with both cores busy in a second process (a numpy
matrix loop on two BLAS threads), side by side: time from request to first sound, uncached and
cached, and the longest silence the text did not ask for in the first 30 s (a listener who plays
each clip or piece as soon as it lands; the pauses between sentences and clauses are asked for and
not counted). These are measured in the audio pipeline (``iter_synthesize`` with pieces), without
HTTP. Then: offline real-time factor; full-page synthesis time; assembly of one hour of audio by
frame joining against a pydub decode + re-encode; and the time to fetch the whole page again from
the cache.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from audio import AudioClip  # noqa: E402
from audio import ChapterInput  # noqa: E402
from audio import ClipCache  # noqa: E402
from audio import Engine  # noqa: E402
from audio import Segment  # noqa: E402
from audio import Speech  # noqa: E402
from audio import SpeechParams  # noqa: E402
from audio import assemble  # noqa: E402
from audio import get_engine  # noqa: E402
from audio import iter_synthesize  # noqa: E402
from audio import synthesize  # noqa: E402
from audio.reencode import reencode_with_pydub  # noqa: E402

SAMPLE = ROOT / "web" / "demo" / "jiangbei-2023-fazhi-report.txt"
T = TypeVar("T")


class CountingEngine(Engine):
    """Wraps an engine to count synthesis calls and the audio they produced."""

    def __init__(self, engine: Engine) -> None:
        self.inner, self.name, self.version = engine, engine.name, engine.version
        self.default_voice = engine.default_voice
        self.calls = 0
        self.audio_ms = 0
        self.busy_s = 0.0
        self._lock = threading.Lock()

    def voices(self) -> list[Any]:
        return self.inner.voices()

    def words(self, text: str) -> list[str] | None:
        return self.inner.words(text)  # word boundaries for the first sentence's pieces

    def reading_version(self, text: str) -> str:
        return self.inner.reading_version(text)

    def synthesize(self, text: str, params: SpeechParams) -> Speech:
        started = time.perf_counter()
        speech = self.inner.synthesize(text, params)
        with self._lock:
            self.calls += 1
            self.audio_ms += len(speech.mp3) // 6  # 48 kbit/s = 6 bytes per ms
            self.busy_s += time.perf_counter() - started
        print(f"  synthesized {self.calls}: {len(text)} chars", file=sys.stderr, flush=True)
        return speech


def page_sentences(path: Path) -> tuple[list[str], str]:
    """The sample's spoken sentences, through ``reader`` when it works, else a plain regex split."""
    text = path.read_text(encoding="utf-8")
    try:
        from reader import read_text

        document = read_text(text)
        return [s.spoken for s in document.sentences() if s.spoken.strip()], "reader.read_text"
    except Exception as exc:  # the reader may be mid-development; the bench must still run
        print(f"(reader unavailable: {type(exc).__name__}: {exc}; using a regex split)", file=sys.stderr)
    parts = [p.strip() for p in re.split(r"(?<=[。！？；])|\n", text)]
    # Skip the scraped page chrome (navigation, the site's own player buttons) before the title.
    chrome = re.compile(r"首页|当前位置|播报|语音|日期")
    return [p for p in parts if len(p) > 1 and not chrome.search(p)], "regex split"


def timed(action: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


def measure_synthesis(
    engine: Engine, params: SpeechParams, sentences: list[str], root: Path
) -> dict[str, Any]:
    counting = CountingEngine(engine)
    # The first sentence spoken whole, uncached: what the first sound would wait for without pieces.
    _, whole_s = timed(lambda: synthesize([(0, sentences[0])], engine, params, ClipCache(root / "whole")))
    cache = ClipCache(root / "page")
    items = list(enumerate(sentences))
    pieces: list[tuple[float, int]] = []

    def on_part(item: int, _index: int, _count: int, clip: AudioClip) -> None:
        if item == 0:  # later sentences may be cut too on a slow machine; this row is about the first
            pieces.append((time.perf_counter() - started, clip.duration_ms))

    started = time.perf_counter()
    stream: Iterator[tuple[int, AudioClip]] = iter_synthesize(items, counting, params, cache, on_part=on_part)
    first = next(stream)
    first_s = time.perf_counter() - started
    clips = [first[1], *(clip for _, clip in stream)]
    page_s = time.perf_counter() - started
    counting.calls = 0
    hits, hit_s = timed(lambda: synthesize(items, counting, params, cache))
    assert hits == clips and counting.calls == 0, "second run must be all cache hits"
    return {
        "rtf": counting.busy_s / (counting.audio_ms / 1000),
        "sentences": len(items),
        "first_audio_s": pieces[0][0] if pieces else first_s,
        "first_sentence_whole_s": whole_s,
        "first_sentence_s": first_s,
        "first_sentence_pieces": len(pieces),
        # Where the listener would wait: a piece ready after the ones before it have finished playing.
        "piece_gap_max_s": max_gap(pieces),
        "first_sentence_chars": len(sentences[0]),
        "page_synthesis_s": page_s,
        "page_audio_s": sum(c.duration_ms for c in clips) / 1000,
        "cache_hit_page_s": hit_s,
        "clips": clips,
    }


LISTEN_S = 30.0
BUSY_PROGRAM = "import numpy as n\na = n.random.rand(700, 700)\nwhile True: a @ a"


def listen(engine: Engine, params: SpeechParams, sentences: list[str], cache: ClipCache) -> dict[str, float]:
    """First sound and the longest wait in the first ``LISTEN_S`` of playback, for one fresh request."""
    ready: list[tuple[float, int]] = []
    pieced: set[int] = set()

    def on_part(item: int, _index: int, _count: int, clip: AudioClip) -> None:
        pieced.add(item)
        ready.append((time.perf_counter() - started, clip.duration_ms))

    started = time.perf_counter()
    stream = iter_synthesize(list(enumerate(sentences)), engine, params, cache, on_part=on_part)
    for item, clip in stream:
        if item not in pieced:
            ready.append((time.perf_counter() - started, clip.duration_ms))
        if sum(duration for _, duration in ready) > LISTEN_S * 1000:
            break
    stream.close()
    return {"first_sound_s": ready[0][0], "longest_gap_s": max_gap(ready), "pieces": float(len(ready))}


def measure_listening(engine: Engine, params: SpeechParams, sentences: list[str], root: Path,
                      busy: bool) -> dict[str, float]:
    """``listen`` uncached then cached, optionally with a second process keeping both cores busy."""
    burner = None
    if busy:
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "2", "OMP_NUM_THREADS": "2", "MKL_NUM_THREADS": "2"}
        burner = subprocess.Popen([sys.executable, "-c", BUSY_PROGRAM], env=env)
        time.sleep(1.0)  # let it take the cores before the request arrives
    try:
        cache = ClipCache(root / ("busy" if busy else "rest"))
        uncached = listen(engine, params, sentences, cache)
        cached = listen(engine, params, sentences, cache)
        load = os.getloadavg()[0]
    finally:
        if burner is not None:
            burner.kill()
            burner.wait()
    return {"first_sound_uncached_s": uncached["first_sound_s"],
            "first_sound_cached_s": cached["first_sound_s"], "longest_gap_s": uncached["longest_gap_s"],
            "pieces": uncached["pieces"], "load_average": load}


def max_gap(pieces: list[tuple[float, int]]) -> float:
    """Longest silence between pieces when each plays as soon as it is ready and the one before it ended."""
    if not pieces:
        return 0.0
    gap, playing_until = 0.0, pieces[0][0]
    for ready_s, duration_ms in pieces:
        gap = max(gap, ready_s - playing_until)
        playing_until = max(playing_until, ready_s) + duration_ms / 1000
    return gap


def hour_of_chapters(clips: list[AudioClip], minutes: float) -> list[ChapterInput]:
    """Cycle the page's clips, 300 ms apart, in ten chapters, until ``minutes`` of audio."""
    segments: list[Segment] = []
    total_ms = 0
    for index, clip in enumerate(itertools.cycle(clips)):
        if total_ms >= minutes * 60_000:
            break
        segments.append(Segment(index, clip, 300 if index else 0))
        total_ms += clip.duration_ms + 300
    size = max(1, len(segments) // 10)
    return [
        ChapterInput(f"第{n + 1}章", tuple(segments[i : i + size]))
        for n, i in enumerate(range(0, len(segments), size))
    ]


def measure_assembly(clips: list[AudioClip], minutes: float, root: Path) -> dict[str, Any]:
    chapters = hour_of_chapters(clips, minutes)
    track, frame_s = timed(lambda: assemble(chapters, root / "hour.mp3", title="bench"))
    pydub_ms, pydub_s = timed(lambda: reencode_with_pydub(chapters, root / "hour-pydub.mp3"))
    return {
        "assembly_audio_min": track.duration_ms / 60_000,
        "assembly_segments": sum(len(c.segments) for c in chapters),
        "frame_join_s": frame_s,
        "pydub_reencode_s": pydub_s,
        "pydub_audio_min": pydub_ms / 60_000,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few sentences and 2 minutes of assembly")
    parser.add_argument("--engine", default="offline")
    parser.add_argument("--voice", default=None)
    parser.add_argument("--sentences", type=int, default=None, help="limit the page to N sentences")
    parser.add_argument("--assembly-minutes", type=float, default=None)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.engine == "fake":
        from tests.fakes import register_fake

        register_fake()
    limit = args.sentences or (4 if args.quick else None)
    minutes = args.assembly_minutes or (2.0 if args.quick else 60.0)

    sentences, source = page_sentences(SAMPLE)
    sentences = sentences[:limit] if limit else sentences
    engine, load_s = timed(lambda: get_engine(args.engine))
    params = SpeechParams(voice=args.voice or engine.voices()[0].name)
    # Warm up once so model loading is reported apart from synthesis.
    _, warm_s = timed(lambda: engine.synthesize("你好。", params))
    with tempfile.TemporaryDirectory(prefix="bobao-bench-") as tmp:
        root = Path(tmp)
        figures: dict[str, Any] = {"engine": engine.name, "voice": params.voice, "sentence_source": source}
        figures.update(engine_build_s=load_s, warm_up_s=warm_s)
        for label, busy in (("rest", False), ("busy", True)):
            listened = measure_listening(engine, params, sentences, root, busy)
            figures.update({f"{label}_{name}": value for name, value in listened.items()})
        page = measure_synthesis(engine, params, sentences, root)
        clips = page.pop("clips")
        figures.update(page)
        figures.update(measure_assembly(clips, minutes, root))
    # Other work on the machine skews every figure; say how busy it was.
    figures["load_average_1min"] = os.getloadavg()[0]
    print(json.dumps(figures, ensure_ascii=False, indent=2) if args.json else report(figures))
    return 0


def listening_table(f: dict[str, Any]) -> str:
    """Rest and busy side by side, with the targets."""
    rows = [
        ("", "at rest", "both cores busy", "target"),
        ("first sound, uncached", f"{f['rest_first_sound_uncached_s']:.2f} s",
         f"{f['busy_first_sound_uncached_s']:.2f} s", "< 0.5 s at rest"),
        ("first sound, cached", f"{f['rest_first_sound_cached_s'] * 1000:.0f} ms",
         f"{f['busy_first_sound_cached_s'] * 1000:.0f} ms", "< 100 ms"),
        (f"longest unasked silence, first {LISTEN_S:.0f} s", f"{f['rest_longest_gap_s'] * 1000:.0f} ms",
         f"{f['busy_longest_gap_s'] * 1000:.0f} ms", "< 300 ms"),
        ("clips and pieces heard", f"{f['rest_pieces']:.0f}", f"{f['busy_pieces']:.0f}", ""),
        ("load average (1 min)", f"{f['rest_load_average']:.1f}", f"{f['busy_load_average']:.1f}", ""),
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
                     for row in rows)


def report(f: dict[str, Any]) -> str:
    rows = [
        ("engine / voice", f"{f['engine']} / {f['voice']}  (sentences from {f['sentence_source']})"),
        ("engine build + warm-up", f"{f['engine_build_s']:.2f} s + {f['warm_up_s']:.2f} s"),
        (
            "real-time factor",
            f"{f['rtf']:.2f}  (engine time / audio time over the page's sentences)",
        ),
        (
            "time to first audio",
            f"{f['first_audio_s']:.2f} s in {f['first_sentence_pieces']} pieces against "
            f"{f['first_sentence_whole_s']:.2f} s whole  (uncached, first sentence "
            f"{f['first_sentence_chars']} chars; longest wait between pieces {f['piece_gap_max_s']:.2f} s)",
        ),
        (
            "full page synthesis",
            f"{f['page_synthesis_s']:.1f} s for {f['sentences']} sentences, "
            f"{f['page_audio_s']:.0f} s of audio",
        ),
        ("whole page from cache", f"{f['cache_hit_page_s'] * 1000:.1f} ms"),
        (
            "assembly, frame join",
            f"{f['frame_join_s']:.2f} s for {f['assembly_audio_min']:.1f} min "
            f"({f['assembly_segments']} clips)",
        ),
        ("assembly, pydub re-encode", f"{f['pydub_reencode_s']:.2f} s for {f['pydub_audio_min']:.1f} min"),
    ]
    rows.append(("load average (1 min, 2 cores)", f"{f['load_average_1min']:.1f}"))
    width = max(len(name) for name, _ in rows)
    table = "\n".join(f"{name:<{width}}  {value}" for name, value in rows)
    return f"{listening_table(f)}\n\n{table}"


if __name__ == "__main__":
    raise SystemExit(main())
