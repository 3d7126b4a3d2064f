"""Sentence spans: golden lists in the style of pySBD, plus the length cap."""

from __future__ import annotations

import pytest

from reader.segment import split_sentences

GOLDEN = [
    ("今天天气很好。我们去公园吧！你来吗？", ["今天天气很好。", "我们去公园吧！", "你来吗？"]),
    ("《摔跤吧！爸爸》好吗？好！", ["《摔跤吧！爸爸》好吗？", "好！"]),
    ("他说：“我们明天出发。”大家都同意了。", ["他说：“我们明天出发。”", "大家都同意了。"]),
    ("「你好！」她笑着说。", ["「你好！」她笑着说。"]),
    ("增长3.5%，达到14:30的水平。", ["增长3.5%，达到14:30的水平。"]),
    ("一是加强领导；二是压实责任。", ["一是加强领导；", "二是压实责任。"]),
    ("等等……后来呢？", ["等等……", "后来呢？"]),
    ("真的吗？！太好了。", ["真的吗？！", "太好了。"]),
    ("详见https://www.gov.cn/a/b.html?id=1。请查阅。",
     ["详见https://www.gov.cn/a/b.html?id=1。", "请查阅。"]),
    ("We keep going. The rate was 3.5 percent. Next!",
     ["We keep going.", "The rate was 3.5 percent.", "Next!"]),
    ("1. 优化政务服务。建立目录。", ["1. 优化政务服务。", "建立目录。"]),
    ("Mr. Wang arrived. 他到了。", ["Mr. Wang arrived.", "他到了。"]),
    ("（完）", ["（完）"]),
    ("第一句。”", ["第一句。”"]),
    ("  前后有空格。  ", ["前后有空格。"]),
]


@pytest.mark.parametrize(("text", "sentences"), GOLDEN, ids=[g[0][:12] for g in GOLDEN])
def test_golden(text: str, sentences: list[str]) -> None:
    assert [text[s:e] for s, e in split_sentences(text)] == sentences


def test_long_sentence_is_cut_at_phrase_breaks() -> None:
    text = "，".join(f"第{i}项工作取得新进展" for i in range(1, 30)) + "。"
    spans = split_sentences(text, max_chars=40)
    pieces = [text[s:e] for s, e in spans]
    assert all(len(p) <= 40 for p in pieces)
    assert all(p.endswith(("，", "。")) for p in pieces)
    assert "".join(pieces) == text


def test_comma_preferred_over_a_later_enumeration_mark_when_cutting() -> None:
    text = "甲乙丙丁戊己庚辛，壬癸子丑、寅卯辰巳、午未申酉戌亥甲乙丙丁"
    first = split_sentences(text, max_chars=22)[0]
    assert text[first[0]:first[1]] == "甲乙丙丁戊己庚辛，"


def test_cut_avoids_book_titles_when_it_can() -> None:
    text = ("根据《关于进一步加强和改进行政执法工作，全面提升执法水平的若干意见》，"
            "我们制定方案，并认真组织实施")
    pieces = [text[s:e] for s, e in split_sentences(text, max_chars=45)]
    assert "》" in pieces[0] and not pieces[0].endswith("工作，")


def test_text_without_any_break_is_hard_cut() -> None:
    text = "字" * 100
    spans = split_sentences(text, max_chars=30)
    assert [e - s for s, e in spans] == [30, 30, 30, 10]


def test_hard_cut_keeps_latin_words_and_numbers_whole() -> None:
    text = "甲" * 27 + "123456" + "乙" * 10
    first = split_sentences(text, max_chars=30)[0]
    assert text[first[0]:first[1]] == "甲" * 27


def test_unclosed_book_title_does_not_swallow_the_paragraph() -> None:
    text = "《未闭合的书名。" + "这是后面的句子。" * 80
    assert len(split_sentences(text, max_chars=500)) > 5


@pytest.mark.parametrize("text", ["", "   ", "……", "。。。"])
def test_empty_or_bare_punctuation(text: str) -> None:
    spans = split_sentences(text)
    assert all(text[s:e].strip() for s, e in spans)
    assert len(spans) <= 1
