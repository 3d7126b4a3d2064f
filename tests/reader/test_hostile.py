"""Hostile input: a clear ReaderError every time, never a crash or a hang."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

import reader
from reader import EmptyDocument
from reader import InputTooLarge
from reader import ReaderError
from reader import UnsupportedInput


@pytest.mark.parametrize("data", [b"", b"   \n\t ", b"", b"\xef\xbb\xbf"])
def test_empty_bytes(data: bytes) -> None:
    with pytest.raises(EmptyDocument):
        reader.read_bytes(data)


@pytest.mark.parametrize("text", ["", "   \n\n  ", "……", "首页\n语音播报\n扫一扫在手机打开当前页"])
def test_text_with_nothing_readable(text: str) -> None:
    with pytest.raises(EmptyDocument):
        reader.read_text(text)


@pytest.mark.parametrize(
    "html",
    ["", "<html></html>", "<html><body><script>var a='很多字';</script></body></html>",
     "<div><img src='a.png'><br><br></div>", "<!-- 只有注释 -->", "<nav>首页 新闻 公开</nav>"],
)
def test_html_with_no_text(html: str) -> None:
    with pytest.raises(EmptyDocument, match="no|empty"):
        reader.read_html(html)


@pytest.mark.parametrize(
    ("data", "what"),
    [(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"), (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"),
     (b"PK\x03\x04\x14\x00\x06\x00", "ZIP"), (bytes(range(256)) * 20, "binary")],
)
def test_binary_files_are_refused(data: bytes, what: str) -> None:
    with pytest.raises(UnsupportedInput, match=what):
        reader.read_bytes(data, filename="upload.html")


def test_fifty_megabytes_of_html_is_too_large() -> None:
    paragraph = "<p>正文。</p>".encode()
    page = b"<html><body>" + paragraph * (50 * 1024 * 1024 // len(paragraph)) + b"</body></html>"
    assert len(page) >= 50 * 1024 * 1024
    with pytest.raises(InputTooLarge, match="MiB"):
        reader.read_html(page)
    with pytest.raises(InputTooLarge):
        reader.read_bytes(page)
    with pytest.raises(InputTooLarge):
        reader.read_html(page.decode())


def test_huge_plain_text_is_too_large() -> None:
    with pytest.raises(InputTooLarge):
        reader.read_text("字" * (reader.MAX_TEXT_CHARS + 1))


@pytest.mark.parametrize("tag", ["div", "span", "b", "table", "ul"])
def test_ten_thousand_levels_of_nesting(tag: str) -> None:
    html = "<html><body>" + f"<{tag}>" * 10_000 + "深处的文字。" + f"</{tag}>" * 10_000 + "</body></html>"
    with pytest.raises(UnsupportedInput, match="nested"):
        reader.read_html(html)


def test_moderate_nesting_is_read() -> None:
    html = "<h1>嵌套测试标题</h1>" + "<div>" * 150 + "深处的文字。" + "</div>" * 150
    assert [s.text for s in reader.read_html(html).sentences()][-1] == "深处的文字。"


def test_broken_utf8_declared_page_still_reads_when_mostly_valid() -> None:
    page = "<meta charset='utf-8'><h1>标题文字测试</h1><p>正文内容，正常文字。</p>".encode() * 20
    broken = page[:200] + b"\xff" + page[200:]
    doc = reader.read_html(broken)
    assert doc.title == "标题文字测试"


def test_gbk_page_declared_as_utf8_is_decoded_anyway() -> None:
    page = "<meta charset='utf-8'><h1>关于春耕生产的通知</h1><p>各乡镇要做好春耕备耕工作。</p>".encode("gbk")
    assert reader.read_html(page).title == "关于春耕生产的通知"


def test_undecodable_noise_is_refused() -> None:
    noise = bytes((i * 97 + 13) % 128 + 128 for i in range(4000))
    with pytest.raises(ReaderError):
        reader.read_bytes(noise)


def test_invalid_selector_is_a_reader_error() -> None:
    with pytest.raises(UnsupportedInput, match="selector"):
        reader.read_html("<p>正文内容。</p>", selector="div[[")


@pytest.mark.parametrize("value", [None, 42, ["<p>x</p>"]])
def test_wrong_types(value: object) -> None:
    with pytest.raises(UnsupportedInput):
        reader.read_html(value)  # type: ignore[arg-type]
    with pytest.raises(UnsupportedInput):
        reader.read_text(value)  # type: ignore[arg-type]


def test_malformed_markup_is_read() -> None:
    html = "<p>第一段没有闭合<p>第二段<b>粗体<i>斜体</b>文字。</i><table><tr><td>孤立单元格"
    texts = [s.text for s in reader.read_html(html).sentences()]
    assert "第二段粗体斜体文字。" in texts


def test_xml_declaration_and_control_characters() -> None:
    html = '<?xml version="1.0" encoding="utf-8"?><html><body><p>正文\x07内容。</p></body></html>'
    assert [s.text for s in reader.read_html(html).sentences()] == ["正文内容。"]


def test_page_with_only_a_title_has_nothing_to_read() -> None:
    with pytest.raises(EmptyDocument, match="title"):
        reader.read_html("<html><head><title>只有标题的页面</title></head><body><h1>只有标题的页面</h1></body></html>")


def test_one_line_of_text_is_still_read() -> None:
    assert [s.text for s in reader.read_text("你好。").sentences()] == ["你好。"]


def test_meta_claiming_utf16_on_ascii_markup() -> None:
    page = "<meta charset='utf-16'><h1>标题文字测试</h1><p>正文内容。</p>".encode()
    assert reader.read_html(page).title == "标题文字测试"


_PIECES = st.sampled_from([
    "<p>", "</p>", "<div>", "</div>", "<br>", "<table><tr><td>", "</td></tr></table>", "<ol><li>",
    "</li></ol>",
    "<h2>", "</h2>", "<a href='x.pdf'>", "</a>", "<script>", "一、", "（一）", "1. ", "。", "，", "《",
    "》", "“", "”", "首页", "日期:2024-02-07", "重庆市江北区人民政府", "正文内容", "3.14",
    "https://a.gov.cn/x?y=1", "\n", " ", "&amp;",
])


@settings(max_examples=150, deadline=None)
@given(st.lists(_PIECES | st.text(max_size=8), max_size=40))
def test_random_markup_reads_or_refuses_cleanly(pieces: list[str]) -> None:
    source = "".join(pieces)
    for read in (reader.read_html, reader.read_text):
        try:
            doc = read(source)
        except ReaderError:
            continue
        for section in doc.sections:
            for s in section.sentences:
                assert section.text[s.start:s.end] == s.text and "\n" not in s.text


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_read_or_refuse_cleanly(data: bytes) -> None:
    try:
        doc = reader.read_bytes(data)
    except ReaderError:
        return
    assert all(s.text for s in doc.sentences())


def test_control_characters_next_to_removed_markup() -> None:
    with pytest.raises(EmptyDocument):
        reader.read_html("2008-08-08<meta charset='gbk'>\x08")
    doc = reader.read_html("<p>正文<script>x</script>\x08内容。</p>")
    assert [s.text for s in doc.sentences()] == ["正文内容。"]
