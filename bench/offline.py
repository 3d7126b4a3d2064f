"""Benchmark the offline Kokoro engine: cold and warm first-clause latency, real-time factor, peak RSS.

    python bench/offline.py [--sentences 8] [--voice jf_gongitsune]

Run it in a fresh process (the cold figures include importing onnxruntime, assembling the 92 MB
model in memory and loading jieba). Texts are the sample page's sentences in spoken form, from
``reader`` when it is importable. The load average is printed because a busy machine slows every
figure; compare runs only at similar load.
"""

from __future__ import annotations

import time

_START = time.perf_counter()

import argparse  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FALLBACK = (
    "全区依法治理机制不断完善,依法办事的法治思维逐步养成,法治建设的社会氛围日渐浓厚。",
    "深入推进一窗综办改革,将原有四十九个受理窗口压缩为三十三个,缩减百分之三十二点七。",
    "区政府公开重大行政决策事项目录六项。",
    "全区的行政诉讼开庭一百九十件,区政府负责人出庭三十七次,出庭应诉率达百分之百。",
)


def sample_sentences(count: int) -> list[str]:
    """The first ``count`` spoken sentences of the sample page (fixed texts if reader is unavailable)."""
    page = Path(__file__).resolve().parent.parent / "web" / "demo" / "jiangbei-2023-fazhi-report.txt"
    try:
        from reader import read_text

        document = read_text(page.read_text(encoding="utf-8"))
        spoken = [s.spoken for section in document.sections for s in section.sentences if len(s.spoken) > 8]
    except Exception as exc:  # noqa: BLE001 - the bench must run whatever state reader is in.
        print(f"(reader unavailable: {exc}; using fixed sentences)")
        spoken = list(FALLBACK)
    return (spoken * (count // max(1, len(spoken)) + 1))[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=8)
    parser.add_argument("--voice", default="jf_gongitsune")
    args = parser.parse_args()
    sentences = sample_sentences(args.sentences)

    from audio.engines.mandarin import split_clauses
    from audio.engines.offline import create
    from audio.engines.offline import load_model
    from audio.model import SAMPLE_RATE_HZ

    imported = time.perf_counter()
    engine = create(voice=args.voice)
    load_model()
    loaded = time.perf_counter()
    engine.phonemes("预热")
    g2p_ready = time.perf_counter()
    first_clause = "".join(split_clauses(sentences[0])[0])
    engine.synthesize_samples(first_clause, voice=args.voice)
    cold_done = time.perf_counter()

    warm = []
    for sentence in sentences[1:4]:
        clause = "".join(split_clauses(sentence)[0])
        began = time.perf_counter()
        engine.synthesize_samples(clause, voice=args.voice)
        warm.append(time.perf_counter() - began)

    began, cpu_began = time.perf_counter(), time.process_time()
    audio_s = sum(engine.synthesize_samples(s, voice=args.voice).size for s in sentences) / SAMPLE_RATE_HZ
    wall_s, cpu_s = time.perf_counter() - began, time.process_time() - cpu_began

    print(f"load average (1 min)         {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"cold: imports                {imported - _START:6.2f} s")
    print(f"cold: model assembly+session {loaded - imported:6.2f} s")
    print(f"cold: jieba + lexicon        {g2p_ready - loaded:6.2f} s")
    print(f"cold: first clause           {cold_done - g2p_ready:6.2f} s  ({first_clause[:16]}…)")
    print(f"cold: process start → audio  {cold_done - _START:6.2f} s")
    print(f"warm: first clause (median)  {statistics.median(warm):6.2f} s  over {len(warm)} clauses")
    print(f"full: {len(sentences)} sentences         {audio_s:6.1f} s audio in {wall_s:.1f} s "
          f"→ real-time factor {audio_s / wall_s:.2f}")
    print(f"full: CPU time               {cpu_s:6.1f} s → {audio_s / cpu_s:.2f} audio s per CPU s "
          "(less sensitive to other load)")
    print(f"peak RSS                     {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:6.0f} MB")


if __name__ == "__main__":
    main()
