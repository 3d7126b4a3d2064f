"""HTML → outline on fixture pages that mirror government CMS templates."""

from __future__ import annotations

import json

import pytest

import reader
from tests.reader.conftest import EXPECTED
from tests.reader.conftest import HTML
from tests.reader.conftest import PAGES
from tests.reader.conftest import SAMPLE
from tests.reader.conftest import TEXTS
from tests.reader.conftest import read_fixture
from tests.reader.conftest import read_sample
from tests.reader.conftest import shape

# Never inside any sentence of these pages.
CHROME_WORDS = ("首页", "语音播报", "语音合成", "播报模式", "扫一扫", "政务新媒体", "服务地图",
                "当前位置", "字号", "浏览次数", "点击数", "阅读次数", "上一篇", "下一篇", "相关链接",
                "版权所有", "ICP", "网站标识码")
# Words that articles may use, but never as a sentence of their own.
CHROME_LINES = ("部门街镇", "公开信箱", "矩阵", "打印", "关闭", "分享到", "【打印本页】", "微信", "微博",
                "二维码")


def test_there_are_enough_fixture_pages() -> None:
    assert len(PAGES) >= 12


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_outline_matches_expected_file(page) -> None:
    expected = json.loads((EXPECTED / f"{page.stem}.json").read_text(encoding="utf-8"))
    assert shape(read_fixture(page)) == expected


@pytest.mark.parametrize("page", TEXTS, ids=[p.name for p in TEXTS])
def test_plain_text_outline_matches_expected_file(page) -> None:
    expected = json.loads((EXPECTED / f"{page.name}.json").read_text(encoding="utf-8"))
    assert shape(read_sample(page)) == expected


@pytest.mark.parametrize("page", [*PAGES, *TEXTS], ids=[p.name for p in [*PAGES, *TEXTS]])
def test_no_chrome_in_any_spoken_or_shown_text(page) -> None:
    doc = read_sample(page) if page.suffix == ".txt" else read_fixture(page)
    for sentence in doc.sentences():
        for word in CHROME_WORDS:
            assert word not in sentence.text and word not in sentence.spoken, (word, sentence.text)
        assert sentence.text.strip("【】：:") not in CHROME_LINES


def test_sample_page_in_chrome_reads_like_the_plain_text() -> None:
    html = shape(read_fixture(HTML / "trs_jiangbei_report.html"))
    text = shape(read_sample())
    assert html["sections"][0]["sentences"].pop(1) == "日期:2024-02-07", "the page shows a date line"
    assert html["sections"][:-1] == text["sections"][:-1]
    assert html["source"] == "江北区司法局"
    assert html["sections"][-1]["sentences"][:-2] == text["sections"][-1]["sentences"][:-2]
    assert html["sections"][-1]["sentences"][-2:] == ["重庆市江北区人民政府", "2024年2月7日"]


@pytest.mark.parametrize(
    ("name", "phrase"),
    [
        ("gbk_meta_charset.html", "春耕备耕"),
        ("gb2312_table_layout.html", "朱镕华"),  # 镕 is GBK-only: a page declaring GB2312 still has it.
        ("gbk_undeclared.html", "城乡居民基本医疗保险"),
        ("big5_notice.html", "大安森林公園"),
    ],
)
def test_legacy_encodings_decode(name: str, phrase: str) -> None:
    doc = read_fixture(HTML / name)
    assert any(phrase in s.text for s in doc.sentences())


def test_html_entities_and_full_width_kept_as_written() -> None:
    doc = reader.read_html("<p>价格&lt;100元&amp;免费，编号ＡＢＣ１２３，共３件。</p>")
    assert doc.sections[0].sentences[0].text == "价格<100元&免费，编号ＡＢＣ１２３，共３件。"


def test_author_markup_decides_what_is_read() -> None:
    text = " ".join(s.text for s in read_fixture(HTML / "tts_markup.html").sentences())
    for hidden in ("屏幕阅读提示", "图标", "调试信息", "朗读按钮", "不可见文本", "侧栏", "点击收听"):
        assert hidden not in text
    assert "现将有关事项通知如下" in text


def test_selector_overrides_the_automatic_choice() -> None:
    page = (HTML / "selector_override.html").read_bytes()
    automatic = " ".join(s.text for s in reader.read_html(page).sentences())
    chosen = " ".join(s.text for s in reader.read_html(page, selector="div.wenzhang").sentences())
    assert "专题专栏" in automatic and "专题专栏" not in chosen
    assert "重点项目名单" in chosen


def test_selector_matching_nothing_falls_back_to_automatic() -> None:
    page = (HTML / "data_table.html").read_bytes()
    assert shape(reader.read_html(page, selector="#missing")) == shape(reader.read_html(page))


def test_ordered_list_items_keep_their_numbers() -> None:
    doc = reader.read_html("<h1>标题测试页面</h1><ol start='3'><li>甲项</li><li>乙项</li></ol>"
                           "<ul><li>丙项</li></ul>")
    assert [s.text for s in doc.sentences()][1:] == ["3. 甲项", "4. 乙项", "丙项"]


def test_data_table_rows_carry_their_header() -> None:
    texts = [s.text for s in read_fixture(HTML / "data_table.html").sentences()]
    assert "第2行：序号：2，项目名称：道路维修，金额（万元）：350.5" in texts
    assert not any(t.startswith("序号") for t in texts)


def test_attachments_are_listed_by_name() -> None:
    texts = [s.text for s in read_fixture(HTML / "data_table.html").sentences()]
    assert texts[-2:] == ["附件：专项资金安排明细表.xlsx", "附件2：项目绩效目标表"]


def test_image_alt_read_only_when_it_says_something() -> None:
    html = ("<h1>图片测试页面</h1><p>正文一句。</p><img src='a.jpg' alt='新建的社区服务中心外景'>"
            "<img src='b.png' alt='logo'>")
    texts = [s.text for s in reader.read_html(html).sentences()]
    assert "新建的社区服务中心外景" in texts and "logo" not in texts


def test_title_read_once_even_when_repeated_in_markup() -> None:
    doc = read_fixture(HTML / "trs_jiangbei_report.html")
    assert [s.text for s in doc.sentences()].count("重庆市江北区2023年法治政府建设情况报告") == 1
    assert doc.title == "重庆市江北区2023年法治政府建设情况报告"
    assert doc.source_url == "https://www.cqjb.gov.cn/zwgk/fzzfjs/202402/t20240207_1.html"


def test_read_bytes_tells_html_from_text() -> None:
    html = (HTML / "br_only_body.html").read_bytes()
    assert reader.read_bytes(html).title == "关于2024年春节期间烟花爆竹燃放管理的通告"
    text = SAMPLE.read_bytes()
    assert reader.read_bytes(text, filename="report.txt").date == "2024-02-07"
    gbk = text.decode().encode("gb18030")
    assert reader.read_bytes(gbk, content_type="text/plain; charset=gbk").date == "2024-02-07"


def test_public_information_box_is_metadata_not_text() -> None:
    html = ("<div class='TRS_Editor'><h1>关于公布权责清单的通知</h1><table>"
            "<tr><td>索引号：115001/2024-001</td>"
            "<td>发文字号：江北府发〔2024〕3号</td></tr><tr><td>成文日期：2024年1月5日</td><td>发布日期：2024年1月8日"
            "</td></tr></table><p>现将权责清单予以公布。</p></div>")
    doc = reader.read_html(html)
    assert [s.text for s in doc.sentences()] == ["关于公布权责清单的通知", "现将权责清单予以公布。"]
    assert doc.date == "2024-01-08"


def test_simple_selector_translation_without_cssselect() -> None:
    """The fallback translator that runs when the cssselect package is not installed."""
    from lxml import etree

    from reader.selector import _simple_xpath

    xpath = _simple_xpath("div.wenzhang p#first")
    page = "<html><body><div class='a wenzhang'><p id='first'>x</p><p>y</p></div></body></html>"
    tree = etree.fromstring(page, etree.HTMLParser())
    assert [el.text for el in tree.xpath(xpath)] == ["x"]


@pytest.mark.parametrize(
    "line",
    ["网站首页>政务公开>通知公告", "政务公开 > 通知公告 > 正文", "重庆市江北区人民政府办公室主办",
     "浏览：123", "用微信“扫一扫”，分享到朋友圈", "【字体：大 中 小】", "【打印本页】【关闭窗口】", "分享：",
     "（责任编辑：张三）", "政府网站标识码：5001050001", "渝公网安备 50010502000001号",
     "语音合成中,请耐心等待...", "退出播报模式", "首页 > 政务公开", "首页 » 新闻中心", "首页 / 政策文件",
     "政务公开 > 政策解读", "首页 > 政务公开 > 重大建设项目批准和实施领域信息公开"],
)
def test_chrome_lines_are_recognised(line: str) -> None:
    from reader.chrome import is_chrome

    assert is_chrome(line)


@pytest.mark.parametrize(
    "line",
    ["3 > 2 > 1 是正确的", "价格>100元", "甲 > 1", "首页设计方案已通过。", "重庆市江北区人民政府",
     "2024年2月7日", "一、主要举措",
     "加强政务舆情回应,公开信箱累计受理问题线索462件。", "打印机采购项目已完成。", "主办单位：区文化旅游委"],
)
def test_article_lines_are_not_chrome(line: str) -> None:
    from reader.chrome import is_chrome

    assert not is_chrome(line)
