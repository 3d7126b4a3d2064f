"""The red-team set: realistic government sentences per number category, each read right.

``python -m tests.reader.normalize.test_redteam`` prints the accuracy per category, counting the
cases still open (``# open, read today as …`` lines) as misses.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.normalize import normalize
from tests.reader.normalize.cases import DATA_DIR
from tests.reader.normalize.cases import read_cases

REDTEAM_DIR = DATA_DIR / "redteam"
_OPEN = "# open, read today as "


def _params() -> list[object]:
    return [
        pytest.param(written, spoken, id=f"{path.name}:{number}")
        for path in sorted(REDTEAM_DIR.glob("*.txt"))
        for written, spoken, number in read_cases(path)
    ]


def _open_cases(path: Path) -> list[tuple[str, str]]:
    rows = []
    for line in path.read_text("utf-8").splitlines():
        if line.startswith(_OPEN):
            written, _, spoken = line.split(": ", 1)[1].partition(" => ")
            rows.append((written, spoken))
    return rows


@pytest.mark.parametrize(("written", "spoken"), _params())
def test_redteam_sentence(written: str, spoken: str) -> None:
    assert normalize(written).spoken == spoken


def test_redteam_set_is_large_and_covers_every_category() -> None:
    files = {path.stem for path in REDTEAM_DIR.glob("*.txt")}
    assert {"codes", "fractions", "arithmetic", "phones", "cardinals", "dates", "times"} <= files
    assert {"money", "measures", "percentages", "ranges", "years"} <= files
    assert len(_params()) >= 300


def accuracy() -> dict[str, tuple[int, int]]:
    """``category → (right, total)``, open cases included in the total."""
    scores = {}
    for path in sorted(REDTEAM_DIR.glob("*.txt")):
        cases = [(w, s) for w, s, _ in read_cases(path)] + _open_cases(path)
        right = sum(normalize(w).spoken == s for w, s in cases)
        scores[path.stem] = (right, len(cases))
    return scores


if __name__ == "__main__":
    total_right = total = 0
    for category, (right, count) in accuracy().items():
        total_right, total = total_right + right, total + count
        print(f"{category:12} {right:4}/{count:<4} {100 * right / count:5.1f}%")
    print(f"{'all':12} {total_right:4}/{total:<4} {100 * total_right / total:5.1f}%")
