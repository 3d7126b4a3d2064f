"""Pinyin over displayed text for the caption: per character, as the offline voice reads it."""

from __future__ import annotations

from audio.lexicon import Lexicon
from audio.lexicon import LexiconEntry
from audio.ruby import ruby


def test_one_reading_per_character_in_context():
    text = "重庆银行2024年各行各业，长江长大。"
    readings = ruby(text)
    assert len(readings) == len(text)
    assert readings[:4] == ["chóng", "qìng", "yín", "háng"], "重 and 行 read from their words"
    assert readings[4:8] == [None] * 4 and readings[8] == "nián", "digits keep no reading"
    assert readings[9:13] == ["gè", "háng", "gè", "yè"]
    assert readings[14:18] == ["cháng", "jiāng", "zhǎng", "dà"], "长 read differently in two words"
    assert readings[13] is None and readings[-1] is None, "punctuation keeps no reading"


def test_the_site_lexicon_changes_the_caption_too():
    plain = ruby("观音桥商圈")
    fixed = Lexicon.from_entries([LexiconEntry("观音桥", ("guan1", "yin1", "qiao2"))])
    assert ruby("观音桥商圈", fixed)[:3] == ["guān", "yīn", "qiáo"]
    assert len(plain) == 5 and all(plain)
    other = Lexicon.from_entries([LexiconEntry("商圈", ("shang1", "juan4"))])
    assert ruby("观音桥商圈", other)[3:] == ["shāng", "juàn"]


def test_text_without_han_characters():
    assert ruby("") == []
    assert ruby("GB/T 37668") == [None] * 10
