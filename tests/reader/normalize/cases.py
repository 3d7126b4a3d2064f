"""Load the ``written => spoken`` case files shared by the rule and alignment tests."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA_DIR = Path(__file__).parent / "data"


def read_cases(path: Path) -> list[tuple[str, str, int]]:
    """``(written, spoken, line_number)`` for every case line; ``#`` comments and blanks skipped."""
    cases = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        written, sep, spoken = line.partition(" => ")
        if not sep:
            raise ValueError(f"{path.name}:{number}: no ' => ' in {line!r}")
        cases.append((written, spoken, number))
    return cases


def load_cases() -> list[object]:
    """One ``pytest.param(class, written, spoken)`` per line of every class file."""
    params = []
    for path in sorted(DATA_DIR.glob("*.txt")):
        if path.name == "sentences.txt":
            continue
        for written, spoken, number in read_cases(path):
            params.append(pytest.param(path.stem, written, spoken, id=f"{path.name}:{number}"))
    return params


def load_sentences() -> list[object]:
    """One ``pytest.param(written, spoken)`` per line of ``sentences.txt``."""
    path = DATA_DIR / "sentences.txt"
    return [pytest.param(w, s, id=f"sentences.txt:{n}") for w, s, n in read_cases(path)]
