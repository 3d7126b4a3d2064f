"""Throughput and load time of ``reader.normalize`` on the sample page.

Run: ``python bench/normalize.py``. One core, after warm-up; prints characters per second for
per-line calls (how ``reader`` uses it) and for one call on the whole ~1 MB text (CPU time, so other
load on the machine does not count), side by side with cn2an's ``transform(text, "an2cn")`` on the
same text in the same run (the runs alternate, so a busy moment hurts both alike), and the load
time of the normalizer in a fresh interpreter.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "web" / "demo" / "jiangbei-2023-fazhi-report.txt"
TARGET_CHARS = 1_000_000


def corpus() -> str:
    page = PAGE.read_text("utf-8")
    return (page + "\n") * (TARGET_CHARS // (len(page) + 1) + 1)


def best_seconds(run: Callable[[], object], repeats: int = 3) -> float:
    """CPU seconds of the fastest of ``repeats`` runs (other load on the box is not counted)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best


def side_by_side(
    ours: Callable[[], object], theirs: Callable[[], object], repeats: int = 3
) -> tuple[float, float]:
    """Best CPU seconds of each, the two runs interleaved so that load on the machine hits both."""
    pairs = [(best_seconds(ours, 1), best_seconds(theirs, 1)) for _ in range(repeats)]
    return min(p[0] for p in pairs), min(p[1] for p in pairs)


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


def cli_start_seconds(command: list[str], stdin: str, repeats: int = 5) -> tuple[float, float]:
    """Best CPU and wall seconds of a whole ``bobao`` run on a one-line input (start-up dominates)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    best_cpu = best_wall = float("inf")
    for _ in range(repeats):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "web.cli", *command],
            input=stdin,
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        wall = time.perf_counter() - wall
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        best_cpu, best_wall = min(best_cpu, cpu), min(best_wall, wall)
    return best_cpu, best_wall


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    sys.path.insert(0, str(ROOT))
    import cn2an

    from reader.normalize import normalize

    text = corpus()
    lines = text.splitlines()
    for line in lines[:200]:  # warm-up: caches, regex compilation
        normalize(line)
        cn2an.transform(line, "an2cn")
    print(f"corpus: {len(text):,} chars ({PAGE.name} repeated), one core, CPU time")
    print(f"{'':16} {'bobao':>12} {'cn2an':>12} {'ratio':>6}")
    runs = {
        "per-line calls": (
            lambda: [normalize(line) for line in lines],
            lambda: [cn2an.transform(line, "an2cn") for line in lines],
        ),
        "one whole call": (lambda: normalize(text), lambda: cn2an.transform(text, "an2cn")),
    }
    for label, (ours, theirs) in runs.items():
        mine, other = side_by_side(ours, theirs)
        rate, rate_other = len(text) / mine, len(text) / other
        print(f"{label:16} {rate:>12,.0f} {rate_other:>12,.0f} {rate / rate_other:>5.2f}×  chars/s")
    cpu, wall = load_seconds()
    print(f"load time      : {cpu:.3f} s CPU, {wall:.3f} s wall (fresh interpreter, import reader.normalize)")
    for command in (["normalize"], ["sections", "-"]):
        cpu, wall = cli_start_seconds(command, "共2户。\n")
        label = "bobao " + command[0]
        print(f"{label:16}: {cpu:.3f} s CPU, {wall:.3f} s wall (whole run on one line, best of 5)")


if __name__ == "__main__":
    main()
