"""The suite's load mode really keeps the cores busy (it is only checked when it is on)."""

from __future__ import annotations

import os
import time

import pytest

from tests.conftest import load_mode


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` from /proc."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_burners_run_in_load_mode(request, _cpu_load):
    if not load_mode(request.config):
        assert _cpu_load == []
        pytest.skip("load mode is off (run with --load or BOBAO_TEST_LOAD=1)")
    assert len(_cpu_load) == (os.cpu_count() or 2)
    before = sum(_cpu_s(pid) for pid in _cpu_load)
    deadline = time.monotonic() + 30
    while sum(_cpu_s(pid) for pid in _cpu_load) - before < 0.5:  # a condition, with a generous bound
        assert time.monotonic() < deadline, "the burners use no CPU"
        time.sleep(0.05)
