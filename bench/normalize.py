"""Throughput and load time of ``reader.normalize`` on the sample page.

Run: ``python bench/normalize.py``. One core, after warm-up; prints characters per second for
per-line calls (how ``reader`` uses it) and for one call on the whole ~1 MB text (CPU time, so other
load on the machine does not count),
and the load time of the normalizer in a fresh interpreter.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "demo" / "jiangbei-2023-fazhi-report.txt"
TARGET_CHARS = 1_000_000


def corpus() -> str:
    page = PAGE.read_text("utf-8")
    return (page + "\n") * (TARGET_CHARS // (len(page) + 1) + 1)


def best_rate(run: object, chars: int, repeats: int = 3) -> float:
    """Characters per CPU second of the fastest of ``repeats`` runs (other load on the box is not counted)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        run()  # type: ignore[operator]
        best = min(best, time.process_time() - start)
    return chars / best


_LOAD_PROBE = """
import sys, time, types
package = types.ModuleType("reader")
package.__path__ = [sys.argv[1]]
sys.modules["reader"] = package  # skip reader/__init__ (the HTML pipeline): time the normalizer alone
cpu, wall = time.process_time(), time.perf_counter()
import reader.normalize
print(time.process_time() - cpu, time.perf_counter() - wall)
"""


def load_seconds() -> tuple[float, float]:
    """CPU and wall seconds to import ``reader.normalize`` (TSV lexicons, regexes) in a fresh interpreter."""
    proc = subprocess.run(
        [sys.executable, "-c", _LOAD_PROBE, str(ROOT / "reader")],
        capture_output=True,
        text=True,
        check=True,
    )
    cpu, wall = (float(x) for x in proc.stdout.split())
    return cpu, wall


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    sys.path.insert(0, str(ROOT))
    from reader.normalize import normalize

    text = corpus()
    lines = text.splitlines()
    for line in lines[:200]:  # warm-up: caches, regex compilation
        normalize(line)
    per_line = best_rate(lambda: [normalize(line) for line in lines], len(text))
    whole = best_rate(lambda: normalize(text), len(text))
    print(f"corpus: {len(text):,} chars ({PAGE.name} repeated), one core")
    print(f"per-line calls : {per_line:,.0f} chars/s")
    print(f"one whole call : {whole:,.0f} chars/s")
    cpu, wall = load_seconds()
    print(f"load time      : {cpu:.3f} s CPU, {wall:.3f} s wall (fresh interpreter, import reader.normalize)")


if __name__ == "__main__":
    main()
