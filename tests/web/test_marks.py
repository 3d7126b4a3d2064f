"""Clause timings in the manifest: when each clause is heard and where it is shown."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.web.conftest import Reader
from tests.web.test_openapi import validate

TEXT = "统计报告\n\n2023年全区接待1.2万人次，同比增长32.7%，办结率98%。"


def test_a_multi_clause_sentence_carries_its_clause_marks(client: FlaskClient) -> None:
    manifest = Reader(client).read(TEXT, engine="clausefake")
    sentence = next(s for sec in manifest["sections"] for s in sec["sentences"] if "接待" in s["text"])
    marks = sentence["marks"]
    validate(manifest, "Manifest")
    shown = [sentence["text"][m["start"]:m["end"]] for m in marks]
    assert shown == ["2023年全区接待1.2万人次，", "同比增长32.7%，", "办结率98%。"], "spoken → shown"
    starts = [m["start_ms"] for m in marks]
    assert starts == sorted(starts) and all(m["end_ms"] > m["start_ms"] for m in marks)
    assert marks[-1]["end_ms"] <= sentence["duration_ms"]
    title = manifest["sections"][0]["sentences"][0]
    assert "marks" not in title, "a one-clause sentence needs no marks"


def test_an_engine_with_one_mark_per_sentence_adds_none(client: FlaskClient) -> None:
    manifest = Reader(client).read(TEXT)
    assert all("marks" not in s for sec in manifest["sections"] for s in sec["sentences"])
