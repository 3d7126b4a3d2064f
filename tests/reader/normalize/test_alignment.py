"""Alignment invariants over every case, and spans checked by hand on a few."""

from __future__ import annotations

import pytest

from reader.model import Alignment
from reader.normalize import Normalized
from reader.normalize import normalize
from tests.reader.normalize.cases import load_cases
from tests.reader.normalize.cases import load_sentences

ALL = [p.values[1] for p in load_cases()] + [p.values[0] for p in load_sentences()]


def check_alignments(result: Normalized) -> None:
    """Monotone, non-overlapping, and substituting spoken spans for text spans rebuilds ``spoken``."""
    rebuilt, cursor, spoken_cursor = [], 0, 0
    for a in result.alignments:
        assert cursor <= a.text_start < a.text_end <= len(result.text)
        assert spoken_cursor <= a.spoken_start <= a.spoken_end <= len(result.spoken)
        # Untouched text between rewrites is copied, so both sides advance by the same amount.
        assert a.text_start - cursor == a.spoken_start - spoken_cursor
        rebuilt.append(result.text[cursor : a.text_start])
        rebuilt.append(result.spoken[a.spoken_start : a.spoken_end])
        cursor, spoken_cursor = a.text_end, a.spoken_end
    rebuilt.append(result.text[cursor:])
    assert "".join(rebuilt) == result.spoken
    assert len(result.text) - cursor == len(result.spoken) - spoken_cursor


@pytest.mark.parametrize("written", ALL)
def test_alignment_invariants(written: str) -> None:
    check_alignments(normalize(written))


def test_noon_example_from_wetextprocessing() -> None:
    result = normalize("今天中午12点")
    assert result.spoken == "今天中午十二点"
    assert result.alignments == (Alignment("cardinal", 4, 6, 4, 6),)


def test_spans_of_a_mixed_sentence() -> None:
    result = normalize("2023年增长24.1%，共2户")
    assert result.spoken == "二零二三年增长百分之二十四点一，共两户"
    kinds = [(a.kind, result.text[a.text_start : a.text_end]) for a in result.alignments]
    assert kinds == [("year", "2023"), ("percent", "24.1%"), ("cardinal", "2")]
    percent = result.alignments[1]
    assert result.spoken[percent.spoken_start : percent.spoken_end] == "百分之二十四点一"


def test_every_rewrite_is_covered() -> None:
    result = normalize("拨打12345热线，-5℃，渝府发〔2023〕12号")
    outside = []
    cursor = 0
    for a in result.alignments:
        outside.append(result.text[cursor : a.text_start])
        cursor = a.text_end
    outside.append(result.text[cursor:])
    assert not any(ch.isdecimal() or ch in "℃〔〕" for ch in "".join(outside))
