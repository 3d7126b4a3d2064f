"""Property-based fuzzing: the normalizer, the HTML reader and the API never crash on any input.

Inputs mix what real pages hold (CJK, digits, units, dates, full-width punctuation, tags, entities)
with arbitrary Unicode. Example counts are bounded so each test stays well under 20 s.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck
from hypothesis import example
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

import reader
from tests.web.conftest import make_app

PIECES = [
    "2008-08-08",
    "2008年8月8日",
    "12:30",
    "8:00~9:30",
    "3-5年",
    "465",
    "-2",
    "6.42万",
    "3000余",
    "±2",
    "1/5",
    "6.3%",
    "￥13.5",
    "$13.5",
    "HKD13.5",
    "25kg",
    "38°C",
    "120m²",
    "10km/h",
    "13501234567",
    "12306",
    "O2O",
    "℃",
    "≤",
    "≥",
    "+",
    "=",
    "。",
    "，",
    "！",
    "？",
    "；",
    "……",
    "“",
    "”",
    "《",
    "》",
    "（",
    "）",
    "一、",
    "(一)",
    "1.",
    "\n",
    " ",
    "\u3000",
    "\t",
    "政府",
    "工作报告",
    "第",
    "条",
    "e",
    "A",
    ".",
    ":",
    "/",
    "0",
    "9",
    "00",
    "100000000000000000000",
    "1e10",
    "3.",
    ".5",
    "%",
    "\u200b",
    "\ufeff",
    "\x00",
]
TAGS = [
    "<p>",
    "</p>",
    "<h1>",
    "</h1>",
    "<h2>",
    "<div class='content'>",
    "</div>",
    "<br>",
    "<script>",
    "</script>",
    "<style>",
    "</style>",
    "<title>",
    "</title>",
    "<!--",
    "-->",
    "&nbsp;",
    "&lt;",
    "&#x4e2d;",
    "&#0;",
    "<meta charset='gbk'>",
    "<table><tr><td>",
    "</td></tr></table>",
    "<nav>",
    "</nav>",
    "<![CDATA[",
    "]]>",
]
texts = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=40).map("".join)
htmls = st.lists(st.one_of(st.sampled_from(PIECES + TAGS), st.text(max_size=6)), max_size=60).map("".join)
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(texts)
def test_normalize_never_crashes_and_keeps_alignments(text):
    result = reader.normalize(text)
    assert result.text == text
    rebuilt, cursor = [], 0
    for a in sorted(result.alignments, key=lambda a: a.text_start):
        assert cursor <= a.text_start <= a.text_end <= len(text)
        rebuilt.append(text[cursor : a.text_start])
        rebuilt.append(result.spoken[a.spoken_start : a.spoken_end])
        cursor = a.text_end
    rebuilt.append(text[cursor:])
    assert "".join(rebuilt) == result.spoken


@FUZZ
@given(htmls)
@example("2008-08-08<meta charset='gbk'>\x08")  # found by this test: lxml's ValueError escaped read_html
def test_read_html_raises_only_reader_errors(html):
    try:
        document = reader.read_html(html)
    except reader.ReaderError:
        return
    for section in document.sections:
        for sentence in section.sentences:
            assert section.text[sentence.start : sentence.end] == sentence.text


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_read_html_bytes_in_any_encoding(data):
    try:
        reader.read_html(data)
    except reader.ReaderError:
        pass


@settings(max_examples=150, deadline=None)
@given(texts)
def test_read_text_raises_only_reader_errors(text):
    try:
        reader.read_text(text)
    except reader.ReaderError:
        pass


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)
bodies = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {},
        optional={
            "text": json_values | texts,
            "html": json_values | htmls,
            "engine": json_values,
            "voice": st.sampled_from(["fake-female", "fake-male", "", "x"]) | json_values,
            "rate": st.integers(-1000, 1000) | st.sampled_from(["+10%", "-5", "abc", "1e9"]) | json_values,
        },
    ),
)


@pytest.fixture(scope="module")
def api_client(tmp_path_factory):
    app = make_app(
        tmp_path_factory.mktemp("fuzz"), RATE_LIMIT="off", JOB_QUEUE_SIZE=10_000, MAX_TEXT_CHARS=2000
    )
    yield app.test_client()
    app.extensions["bobao"].jobs.shutdown()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bodies)
@example({"html": "2008-08-08<meta charset='gbk'>\x08"})
def test_api_post_never_500s(api_client, body):
    response = api_client.post("/api/documents", data=json.dumps(body), content_type="application/json")
    assert response.status_code < 500, response.get_data(as_text=True)
    assert response.is_json
    if response.status_code == 201:
        assert response.json["status"] in ("pending", "synthesizing", "ready")
    else:
        assert response.json["error"]["code"]
