"""Smoke test of ``bench/audio.py --quick`` with the tone engine: it runs and reports every figure."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_quick_bench_reports_all_figures():
    command = [sys.executable, str(ROOT / "bench" / "audio.py"), "--quick", "--engine", "fake", "--json"]
    command += ["--assembly-minutes", "0.5"]
    done = subprocess.run(command, capture_output=True, timeout=120, check=False, cwd=ROOT)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    figures = json.loads(done.stdout)
    for name in (
        "rtf",
        "first_audio_s",
        "first_sentence_whole_s",
        "page_synthesis_s",
        "cache_hit_page_s",
        "frame_join_s",
        "pydub_reencode_s",
    ):
        assert figures[name] > 0, name
    assert figures["first_audio_s"] <= figures["page_synthesis_s"]
    assert figures["piece_gap_max_s"] >= 0
    for condition in ("rest", "busy"):  # the listener's figures, side by side
        first = {kind: figures[f"{condition}_first_sound_{kind}_s"] for kind in ("cached", "uncached")}
        assert 0 < first["cached"] < first["uncached"]
        assert figures[f"{condition}_longest_gap_s"] >= 0 and figures[f"{condition}_pieces"] >= 1
    assert figures["assembly_audio_min"] >= 0.5
