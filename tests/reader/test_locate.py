"""Sentence places in a page with numbered elements (as the widget sends it)."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

import reader
from reader import Place

PAGE = """<html><head><title>关于做好2024年防汛工作的通知 - 某市人民政府</title></head><body>
<table><tr><td>索引号：</td><td>123</td><td>发文字号：</td><td>某府〔2024〕1号</td></tr>
<tr><td>标题：</td><td>关于做好2024年防汛工作的通知</td></tr></table>
<h1>关于做好2024年防汛工作的通知</h1><p>发布时间：2024-05-01</p>
<div class="TRS_Editor"><p>各区县人民政府：</p>
<p>今年全市降雨量达到<span data-tts-skip>（见图1）</span>92.6%。请<b>务必</b>高度重视。</p>
<table><tr><th>序号</th><th>项目名称</th><th>金额</th></tr>
<tr><td>1</td><td>道路维修</td><td>120万元</td></tr><tr><td>2</td><td>河道清淤</td><td>80万元</td></tr></table>
<ol><li>加强值守。</li><li>及时<!-- x -->上报。</li></ol>
<p>特此通知。</p></div></body></html>"""


def numbered(html: str) -> str:
    counter = itertools.count()
    return re.sub(r"<(?!/|!)(\w+)", lambda m: f'<{m.group(1)} {reader.INDEX_ATTR}="{next(counter)}"', html)


def resolve(html: str, place: Place) -> str:
    """What a place covers, resolved the way the widget resolves it (on a fresh parse)."""
    from lxml import etree

    root = etree.fromstring(html, etree.HTMLParser(remove_comments=True))
    el = root.xpath(f"//*[@{reader.INDEX_ATTR}='{place.node}']")[0]
    if place.run is None:
        return el.get("alt") or "" if el.tag == "img" else "".join(el.itertext())
    runs = [t for t in [el.text, *(c.tail for c in el)] if t and t.strip(" \t\n\r\f")]
    return runs[place.run][place.start_units:place.end_units]


def test_every_sentence_has_the_places_of_its_own_text() -> None:
    html = numbered(PAGE)
    document = reader.read_html(html)
    where = reader.locate_sentences(html, document)
    sentences = list(document.sentences())
    assert sentences[0].text == "关于做好2024年防汛工作的通知"
    assert [resolve(html, p) for p in where[0]] == [sentences[0].text], "the <h1>, not the 标题 cell"
    joined = {s.id: "".join(resolve(html, p) for p in where[s.id]) for s in sentences}
    assert joined[1] == "发布时间：2024-05-01", "the date line under the title"
    assert joined[3] == "今年全市降雨量达到92.6%。", "the skipped span is left out"
    assert joined[4] == "请务必高度重视。"
    rows = [s for s in sentences if s.text.startswith("第")]
    assert [[resolve(html, p) for p in where[s.id]] for s in rows] == [
        ["1", "道路维修", "120万元"], ["2", "河道清淤", "80万元"]]
    listed = {s.text: joined[s.id] for s in sentences if s.text[0].isdigit()}
    assert listed == {"1. 加强值守。": "加强值守。", "2. 及时上报。": "及时上报。"}
    assert set(where) == {s.id for s in sentences}


def test_reading_order_that_differs_from_the_page_keeps_its_place() -> None:
    html = numbered("<html><body><div><p>第一段正文内容在这里。</p><p>第二段正文内容也在这里。</p>"
                    "<h2>后面才出现的标题文字</h2></div></body></html>")
    document = reader.read_html(html)
    where = reader.locate_sentences(html, document)
    for s in document.sentences():
        assert "".join(resolve(html, p) for p in where[s.id]) == s.text


def test_a_page_without_numbers_has_no_places() -> None:
    document = reader.read_html(PAGE)
    assert reader.locate_sentences(PAGE, document) == {}


def test_astral_characters_count_two_units_as_in_javascript() -> None:
    html = numbered("<html><body><article><p>𠀋字开头的句子很长。第二句在这里。</p></article></body></html>")
    document = reader.read_html(html)
    where = reader.locate_sentences(html, document)
    second = next(s for s in document.sentences() if s.text == "第二句在这里。")
    assert where[second.id] == (Place(3, 0, 11, 18),)


REPEATED = "<p>各单位要高度重视安全生产工作，认真组织自查自纠，发现问题立即整改到位。</p>" * 30


def test_a_layout_table_around_the_metadata_box_is_still_read() -> None:
    html = numbered(f"""<html><head><title>关于开展安全检查的通知_某县</title></head><body><table>
<tr><td><table><tr><td>索引号：</td><td>1</td><td>发文字号：</td><td>某府发〔2024〕1号</td></tr>
<tr><td>标题：</td><td>关于开展安全检查的通知</td></tr></table></td></tr>
<tr><td class="title"><font><b>关于开展安全检查的通知</b></font></td></tr>
<tr><td id="zoom"><p>各乡镇人民政府：</p><p>现将有关事项通知如下，请认真落实。</p>{REPEATED}</td></tr>
</table></body></html>""")
    document = reader.read_html(html)
    where = reader.locate_sentences(html, document)
    sentences = list(document.sentences())
    assert set(where) == {s.id for s in sentences}
    title = where[0]
    assert len(title) == 1 and title[0].run is None
    assert f'<td {reader.INDEX_ATTR}="{title[0].node}" class="title">' in html, "the heading cell, not 标题's"


TEMPLATES = Path(__file__).parent / "data" / "templates"


@pytest.mark.parametrize("name", sorted(p.name for p in TEMPLATES.glob("*.html")))
def test_every_sentence_of_every_template_page_is_located(name: str) -> None:
    """Label | value lines, 附件N labels, captions and 信息公开 titles included (issue 17)."""
    html = numbered((TEMPLATES / name).read_bytes().decode(_charset(TEMPLATES / name)))
    document = reader.read_html(html)
    where = reader.locate_sentences(html, document)
    unplaced = [s.text for s in document.sentences() if s.id not in where]
    assert unplaced == []
    for s in document.sentences():
        shown = [_compact(resolve(html, p)) for p in where[s.id]]
        assert _row_or_text(s.text, shown, s.id == 0), (s.text, shown)


def _charset(path: Path) -> str:
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def _compact(text: str) -> str:
    return re.sub(r"[\s\u200b\ufeff]+", "", text)


def _row_or_text(sentence: str, shown: list[str], title: bool) -> bool:
    """A sentence's places show its own characters, in order, and nothing else.

    The reader adds words that are not on the page: a row's ``第1行：`` and header names (only the
    row's cells are shown), a ``：`` or ``，`` between a label and its value, ``1. `` before a list
    item, ``附件1：`` before an attachment, the issuing office before a title whose heading lacks it.
    Anything else of the sentence missing from its places fails.
    """
    key, at, gaps = _compact(sentence), 0, []
    for piece in shown:
        found = key.find(piece, at)
        if not piece or found < 0:
            return False
        gaps.append(key[at:found])
        at = found + len(piece)
    gaps.append(key[at:])
    if re.match(r"第\d+行：", key):
        return True
    lead = r".*" if title and len(key) <= 2 * len("".join(shown)) else r"(附件\d*[：:]|\d+\.)?"
    return re.fullmatch(lead + "[：:，,]*", gaps[0]) is not None and all(
        re.fullmatch("[：:，,]*", g) for g in gaps[1:])
