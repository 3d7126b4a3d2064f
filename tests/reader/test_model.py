"""Document invariants over every fixture, and the outline views."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

import reader
from tests.reader.conftest import all_documents

DOCS = all_documents()


@pytest.mark.parametrize("doc", DOCS)
def test_sentence_offsets_point_at_their_text(doc: reader.Document) -> None:
    for section in doc.sections:
        for s in section.sentences:
            assert section.text[s.start:s.end] == s.text


@pytest.mark.parametrize("doc", DOCS)
def test_sentences_and_gaps_rebuild_the_section(doc: reader.Document) -> None:
    for section in doc.sections:
        rebuilt, at = [], 0
        for s in section.sentences:
            assert s.start >= at
            rebuilt += [section.text[at:s.start], s.text]
            at = s.end
        rebuilt.append(section.text[at:])
        assert "".join(rebuilt) == section.text
        pairs = zip(section.sentences, section.sentences[1:], strict=False)
        gaps = [section.text[a.end:b.start] for a, b in pairs]
        assert all(not g.strip(" \n") or not any(ch.isalnum() for ch in g) for g in gaps)


@pytest.mark.parametrize("doc", DOCS)
def test_no_sentence_crosses_a_paragraph(doc: reader.Document) -> None:
    for s in doc.sentences():
        assert "\n" not in s.text and s.text == s.text.strip() and s.text


@pytest.mark.parametrize("doc", DOCS)
def test_paragraph_numbers_step_with_the_newlines_between_sentences(doc: reader.Document) -> None:
    for section in doc.sections:
        first = section.sentences[0]
        assert first.paragraph == 0
        for a, b in zip(section.sentences, section.sentences[1:], strict=False):
            assert b.paragraph == a.paragraph + ("\n" in section.text[a.end:b.start])


@pytest.mark.parametrize("doc", DOCS)
def test_ids_are_unique_and_increasing(doc: reader.Document) -> None:
    ids = [s.id for s in doc.sentences()]
    assert ids == list(range(len(ids)))


@pytest.mark.parametrize("doc", DOCS)
def test_alignments_rebuild_the_spoken_text(doc: reader.Document) -> None:
    for s in doc.sentences():
        out, at = [], 0
        for a in sorted(s.alignments, key=lambda a: a.text_start):
            out += [s.text[at:a.text_start], s.spoken[a.spoken_start:a.spoken_end]]
            at = a.text_end
        out.append(s.text[at:])
        assert "".join(out) == s.spoken


@pytest.mark.parametrize("doc", DOCS)
def test_sentences_respect_the_length_cap(doc: reader.Document) -> None:
    assert all(len(s.text) <= 150 for s in doc.sentences())


def test_max_sentence_chars_is_honoured() -> None:
    text = "标题一行\n" + "，".join(["这是一个比较长的分句"] * 20) + "。"
    doc = reader.read_text(text, max_sentence_chars=30)
    assert all(len(s.text) <= 30 for s in doc.sentences())


def test_outline_is_json_and_has_the_cli_fields() -> None:
    doc = reader.read_text("某局召开会议\n日期:2024-02-07\n一、会议内容\n会议研究了3项工作。")
    data = json.loads(json.dumps(reader.outline(doc), ensure_ascii=False))
    assert data == {
        "title": "某局召开会议", "date": "2024-02-07", "source": None,
        "sections": [
            {"heading": None, "level": 0, "sentences": [{"text": "某局召开会议", "spoken": "某局召开会议"}]},
            {"heading": "一、会议内容", "level": 1, "sentences": [
                {"text": "一、会议内容", "spoken": reader.normalize("一、会议内容").spoken},
                {"text": "会议研究了3项工作。", "spoken": reader.normalize("会议研究了3项工作。").spoken},
            ]},
        ],
    }


def test_outline_text_indents_by_level() -> None:
    doc = reader.read_text("某局召开会议\n一、会议内容\n（一）第一项\n研究了工作。")
    lines = reader.outline_text(doc).splitlines()
    assert lines[0] == "# 某局召开会议"
    assert "  [1] 一、会议内容" in lines and "    [2] （一）第一项" in lines
    assert "      · 研究了工作。" in lines


def test_public_surface() -> None:
    expected = {"read_text", "read_html", "read_bytes", "normalize", "Normalized", "NORMALIZER_VERSION",
                "Document", "Section", "Sentence", "Alignment", "ReaderError", "UnsupportedInput",
                "InputTooLarge", "EmptyDocument", "outline", "outline_text"}
    assert expected <= set(reader.__all__)
    assert all(hasattr(reader, name) for name in reader.__all__)


def test_text_span_maps_a_spoken_clause_back_to_what_is_shown():
    document = reader.read_text("标题\n\n2023年全区接待1.2万人次，同比增长32.7%，办结率98%。")
    sentence = next(s for s in document.sentences() if "接待" in s.text)
    spoken = sentence.spoken
    shown = []
    for clause in ("二零二三年全区接待一点二万人次，", "同比增长百分之三十二点七，", "办结率百分之九十八。"):
        at = spoken.index(clause)
        start, end = sentence.text_span(at, at + len(clause))
        shown.append(sentence.text[start:end])
    assert shown == ["2023年全区接待1.2万人次，", "同比增长32.7%，", "办结率98%。"]
    assert "".join(shown) == sentence.text
    # Inside a rewrite, the whole rewrite: 二零 (half of 2023) is shown as all of 2023.
    assert sentence.text_span(0, 2) == (0, 4)
    assert sentence.text_span(0, len(spoken)) == (0, len(sentence.text))


@given(st.text(alphabet="0123456789.%年月日，。万亿元人次区", max_size=40))
def test_text_span_is_monotone_and_in_bounds(text):
    try:
        document = reader.read_text("标题\n\n" + text + "。")
    except reader.ReaderError:
        return
    for sentence in document.sentences():
        cuts = [sentence.text_span(i, i)[0] for i in range(len(sentence.spoken) + 1)]
        assert cuts == sorted(cuts) and all(0 <= c <= len(sentence.text) for c in cuts)
        assert sentence.text_span(0, len(sentence.spoken)) == (0, len(sentence.text))
