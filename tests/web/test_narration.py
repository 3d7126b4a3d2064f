"""narration: pauses, paragraphs and chapters from a real reader.Document (no Flask, no audio)."""

from __future__ import annotations

import reader
from tests.web.conftest import SHORT_TEXT
from web.core import narration


def _document() -> reader.Document:
    return reader.read_text(SHORT_TEXT)


def _by_text(document: reader.Document) -> dict[str, narration.Item]:
    texts = {s.id: s.text for s in document.sentences()}
    return {texts[item.sentence_id]: item for item in narration.plan(document)}


def test_pauses_grow_from_sentence_to_paragraph_to_section():
    items = _by_text(_document())
    assert items["区政府关于测试工作的报告"].pause_before_ms == 0
    assert items["各项任务全面完成！"].pause_before_ms == narration.PAUSE_SENTENCE_MS
    assert items["第一部分第二段的一句话。"].pause_before_ms == narration.PAUSE_PARAGRAPH_MS
    assert items["一、主要举措"].pause_before_ms == narration.PAUSE_SECTION_MS


def test_headings_and_the_title_get_a_pause_after():
    items = _by_text(_document())
    assert items["区政府关于测试工作的报告"].heading and items["一、主要举措"].heading
    assert items["2023年，全区工作取得新进展。"].pause_before_ms == narration.PAUSE_AFTER_HEADING_MS
    assert items["第一部分的第一句话。"].pause_before_ms == narration.PAUSE_AFTER_HEADING_MS
    assert not items["第一部分的第二句话。"].heading


def test_items_follow_document_order_and_carry_spoken_text():
    document = _document()
    items = narration.plan(document)
    assert [i.sentence_id for i in items] == sorted(i.sentence_id for i in items)
    spoken = {i.sentence_id: i.spoken for i in items}
    assert any("三十三点一" in text for text in spoken.values())


def test_paragraphs_come_from_reader_and_restart_per_section():
    document = _document()
    index, section = next((i, s) for i, s in enumerate(document.sections) if s.heading == "一、主要举措")
    assert [s.paragraph for s in section.sentences] == [0, 1, 1, 2]
    planned = [item.paragraph for item in narration.plan(document) if item.section == index]
    assert planned == [0, 1, 1, 2]
    manifest = narration.new_manifest("d" * 24, document, engine="e", voice="v", rate=0)
    assert [e["paragraph"] for e in manifest["sections"][index]["sentences"]] == [0, 1, 1, 2]


def test_one_chapter_per_top_level_section():
    document = _document()
    chapters = narration.chapters(document)
    assert [c.title for c in chapters] == [document.title, "一、主要举措", "二、存在的不足"]
    headings = {i: s.heading for i, s in enumerate(document.sections)}
    assert [headings[i] for i in chapters[1].sections] == ["一、主要举措", "(一)完善机制"]


def test_manifest_starts_with_every_audio_field_null():
    document = _document()
    manifest = narration.new_manifest("0" * 24, document, engine="fake", voice="fake-female", rate=0)
    assert manifest["status"] == "pending"
    assert manifest["progress"] == {"done": 0, "total": len(narration.plan(document))}
    assert manifest["audio"] == {
        "mp3": f"/documents/{'0' * 24}.mp3",
        "vtt": f"/documents/{'0' * 24}.vtt",
        "size_bytes": None,
        "duration_ms": None,
    }
    for section in manifest["sections"]:
        assert section["start_ms"] is None and section["size_bytes"] is None
        assert all(s["clip"] is None and s["start_ms"] is None for s in section["sentences"])


def test_cache_keys_carry_the_normalizer_version():
    assert narration.extra_key()["normalizer"] == str(reader.NORMALIZER_VERSION)
