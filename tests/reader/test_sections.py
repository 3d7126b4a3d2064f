"""Headings, levels, title, date and signature: the structure of a page."""

from __future__ import annotations

import re

import pytest

import reader
from tests.reader.conftest import read_sample

TITLE = "重庆市江北区2023年法治政府建设情况报告"


@pytest.fixture(scope="module")
def sample() -> reader.Document:
    return read_sample()


def test_sample_title_once_and_date_as_metadata(sample: reader.Document) -> None:
    assert sample.title == TITLE
    assert sample.date == "2024-02-07"
    texts = [s.text for s in sample.sentences()]
    assert texts.count(TITLE) == 1 and texts[0] == TITLE
    assert not any("日期" in t or "2024-02-07" in t for t in texts)


def test_sample_has_four_top_level_parts(sample: reader.Document) -> None:
    top = [s.heading for s in sample.sections if s.level == 1]
    assert [h[:2] for h in top if h] == ["一、", "二、", "三、", "四、"]
    assert top[0] == "一、法治政府建设的主要举措和成效"


def test_sample_subsections_sit_at_the_right_levels(sample: reader.Document) -> None:
    second = [s.heading for s in sample.sections if s.level == 2]
    assert [h[:3] for h in second if h] == [f"({n})" for n in "一二三四五六七"] + ["(一)", "(二)", "(三)"]
    third = [s.heading for s in sample.sections if s.level == 3]
    assert all(h and re.match(r"^[1-5]\. ", h) for h in third)
    assert len(third) == 4 + 3 + 2 + 5
    assert max(s.level for s in sample.sections) == 3


def test_sample_heading_order_follows_the_page(sample: reader.Document) -> None:
    headings = [s.heading for s in sample.sections]
    part_two = headings.index("二、法治政府建设存在的不足和原因")
    assert headings[part_two - 1] == "(七)避灾防灾,深入推进应急管理体系和能力建设"
    assert "(一)全面加强法治政府建设组织领导" in headings[part_two:]


def test_run_in_heading_keeps_its_paragraph_whole(sample: reader.Document) -> None:
    section = next(s for s in sample.sections if s.heading == "1. 优化政务服务")
    assert section.text.startswith("1. 优化政务服务。建立全区政务服务事项基本目录")
    assert section.sentences[0].text == "1. 优化政务服务。"


def test_signature_ends_the_last_section(sample: reader.Document) -> None:
    last = sample.sections[-1]
    assert [s.text for s in last.sentences][-2:] == ["重庆市江北区人民政府", "202427"]
    assert last.heading == "四、推进法治政府建设的主要安排" and last.level == 1
    assert sample.date == "2024-02-07"  # the header's publication date, not the signature's


def test_chrome_after_the_signature_is_dropped(sample: reader.Document) -> None:
    lines = {p for s in sample.sections for p in s.text.split("\n")}
    for line in ("扫一扫在手机打开当前页", "部门街镇", "政务新媒体", "矩阵", "公开信箱", "服务地图"):
        assert line not in lines and not any(line in p for p in lines if len(p) < 20)


@pytest.mark.parametrize(
    ("lines", "levels"),
    [
        (["第一章 总则", "第一条 为了规范管理，制定本办法。", "第二章 附则",
          "第二条 本办法自公布之日起施行。"], [1, 2, 1, 2]),
        (["一、总体要求", "（一）指导思想", "1.坚持稳中求进", "（1）稳增长", "①抓投资", "二、保障措施"],
         [1, 2, 3, 4, 5, 1]),
        (["（一）第一部分", "1、甲", "2、乙", "（二）第二部分"], [1, 2, 2, 1]),
        (["一、背景", "（一）现状", "二、目标", "（一）近期目标"], [1, 2, 1, 2]),
    ],
)
def test_numbering_styles_nest_by_order_of_appearance(lines: list[str], levels: list[int]) -> None:
    text = "测试文件标题\n" + "\n".join(f"{line}\n这是正文内容，用于测试。" for line in lines)
    doc = reader.read_text(text)
    assert [s.level for s in doc.sections if s.heading] == levels


def test_html_headings_outrank_numbering() -> None:
    html = ("<h1>页面标题文字</h1><h2>第一部分</h2><p>一、要点</p><p>内容。</p>"
            "<h2>第二部分</h2><p>内容二。</p><h3>细节</h3><p>内容三。</p>")
    doc = reader.read_html(html)
    assert [(s.heading, s.level) for s in doc.sections if s.heading] == [
        ("第一部分", 1), ("一、要点", 2), ("第二部分", 1), ("细节", 2)]


def test_numbered_sentences_in_a_list_are_not_headings() -> None:
    text = ("测试文件标题\n主要要求如下：\n"
            "1. 各单位要高度重视，认真组织，确保各项工作按时完成并报送有关材料；\n2. 加强宣传；")
    doc = reader.read_text(text)
    assert [s.heading for s in doc.sections] == [None]


def test_meta_line_with_date_and_source() -> None:
    text = "某局召开会议\n发布时间：2023年10月8日 10:20  来源：区司法局  浏览次数：35\n会议召开了。"
    doc = reader.read_text(text)
    assert (doc.date, doc.source) == ("2023-10-08", "区司法局")
    assert [s.text for s in doc.sentences()] == ["某局召开会议", "会议召开了。"]


def test_chinese_numeral_signature_date_becomes_the_date() -> None:
    doc = reader.read_text("关于某事的通知\n现将有关事项通知如下。\n某县人民政府办公室\n二〇二四年三月十二日")
    assert doc.date == "2024-03-12"
    assert doc.sections[-1].sentences[-1].text == "二〇二四年三月十二日"


def test_text_without_a_title_line_still_gets_a_title() -> None:
    doc = reader.read_text("这是一段没有标题的文字，内容较长，说明了一些情况，"
                           "但是第一行就是正文，没有单独的标题行存在。")
    assert doc.title.startswith("这是一段没有标题的文字")
    assert len(doc.sections) == 1


def test_numbered_html_heading_and_numbered_paragraph_are_siblings() -> None:
    html = ("<h1>页面标题文字测试</h1><h3>一、总则</h3><p>内容。</p><p>（一）细则</p><p>内容。</p>"
            "<p>二、附则</p><p>内容。</p><h2>附录</h2><p>内容。</p>")
    doc = reader.read_html(html)
    assert [(s.heading, s.level) for s in doc.sections if s.heading] == [
        ("一、总则", 1), ("（一）细则", 2), ("二、附则", 1), ("附录", 1)]


def test_masthead_lines_above_the_title_are_not_read() -> None:
    text = ("重庆市江北区人民政府 欢迎您！今天是2024年2月7日 星期三\n首页 政务公开 政务服务\n"
            "江北区召开安全生产工作会议\n发布时间：2024-02-08\n2月7日，区政府召开安全生产工作会议。")
    doc = reader.read_text(text)
    assert (doc.title, doc.date) == ("江北区召开安全生产工作会议", "2024-02-08")
    assert [s.text for s in doc.sentences()] == [
        "江北区召开安全生产工作会议", "2月7日，区政府召开安全生产工作会议。"]


def test_authority_name_inside_the_title_is_not_taken_for_the_title() -> None:
    html = ("<title>国务院办公厅关于优化政务服务的意见_中国政府网</title><div class='pages_content'>"
            "<p>各省、自治区、直辖市人民政府：</p><p>现提出如下意见，请认真贯彻执行。</p>"
            "<p>国务院办公厅</p><p>2024年1月12日</p></div>")
    doc = reader.read_html(html)
    assert doc.title == "国务院办公厅关于优化政务服务的意见"
    assert [s.text for s in doc.sections[-1].sentences][-2:] == ["国务院办公厅", "2024年1月12日"]
    assert len(doc.sections) == 1


def test_report_parts_and_right_paren_numbers() -> None:
    text = ("年度报告标题文字\n第一部分 工作回顾\n一、经济发展\n1）工业增长\n内容。\n2）农业稳定\n内容。\n"
            "第二部分 工作安排\n内容。")
    doc = reader.read_text(text)
    assert [(s.heading, s.level) for s in doc.sections if s.heading] == [
        ("第一部分 工作回顾", 1), ("一、经济发展", 2), ("1）工业增长", 3), ("2）农业稳定", 3),
        ("第二部分 工作安排", 1)]


def test_text_opening_with_a_heading_keeps_it_and_reads_every_line_in_order() -> None:
    doc = reader.read_text("一、测试报告\n\n第一句话。第二句话。\n\n二、其他事项\n\n第三句话。\n")
    assert [(s.heading, s.level) for s in doc.sections] == [("一、测试报告", 1), ("二、其他事项", 1)]
    assert [s.text for s in doc.sentences()] == [
        "一、测试报告", "第一句话。", "第二句话。", "二、其他事项", "第三句话。"
    ]


def test_a_sentence_starting_with_a_part_number_is_not_a_heading() -> None:
    text = "报告\n\n一、主要举措\n\n第一部分的第一句话。第一部分的第二句话。\n第一部分第二段的一句话。\n"
    doc = reader.read_text(text)
    assert [s.heading for s in doc.sections if s.heading] == ["一、主要举措"]
