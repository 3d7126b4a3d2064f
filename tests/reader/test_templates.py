"""Page understanding on pages shaped like real government CMS templates (issue 11).

Each page in data/templates/ has its full expected outline in outlines.json: the title, the
publication date, every heading with its level in order, the section each phrase is read in,
and what must never be read. The families: TRS/WCM, old table layout, Hanweb/JCMS, modern HTML5,
mobile H5 and the 信息公开 detail page.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import reader

TEMPLATES = Path(__file__).parent / "data" / "templates"
SPECS: dict[str, dict[str, Any]] = {
    name: spec for name, spec in json.loads((TEMPLATES / "outlines.json").read_text(encoding="utf-8")).items()
    if not name.startswith("_")
}
NAMES = sorted(SPECS)


def _read(name: str) -> reader.Document:
    return reader.read_html((TEMPLATES / name).read_bytes())


def test_every_page_has_a_spec_and_three_families_are_covered() -> None:
    assert sorted(p.name for p in TEMPLATES.glob("*.html")) == NAMES
    assert len({spec["family"] for spec in SPECS.values()}) >= 3


@pytest.mark.parametrize("name", NAMES)
def test_title_and_publication_date(name: str) -> None:
    doc, spec = _read(name), SPECS[name]
    assert (doc.title, doc.date) == (spec["title"], spec["date"])
    first = next(doc.sentences()).text
    assert first == spec["title"] or spec["title"].startswith(first), "the title is read first, once"
    assert sum(s.text == spec["title"] for s in doc.sentences()) <= 1


_DATE_LINE = re.compile(r"[\u4e00-\u9fff]{0,4}[:：]?\d{4}\D\d{1,2}\D\d{1,2}日?")
_DIGITS = "零一二三四五六七八九"


def _spoken_date(iso: str) -> str:
    """2023-10-08 → 二零二三年十月八日, as a listener hears it."""
    year, month, day = iso.split("-")

    def small(n: int) -> str:
        tens, ones = divmod(n, 10)
        return ((_DIGITS[tens] if tens > 1 else "") + "十" if tens else "") + (_DIGITS[ones] if ones else "")

    return "".join(_DIGITS[int(d)] for d in year) + f"年{small(int(month))}月{small(int(day))}日"


@pytest.mark.parametrize("name", NAMES)
def test_the_date_line_shown_under_the_title_is_read_right_after_it(name: str) -> None:
    """Issue 17: title, then the date line as shown (label and date only), then the body."""
    doc, line = _read(name), SPECS[name]["date_line"]
    sentences = [s for s in doc.sentences()][:2]
    if line is None:
        assert not _DATE_LINE.fullmatch(sentences[1].text), sentences[1].text
        return
    assert sentences[1].text == line
    assert sentences[1].spoken.endswith(_spoken_date(doc.date)), sentences[1].spoken
    assert sum(s.text == line for s in doc.sentences()) == 1


@pytest.mark.parametrize("name", NAMES)
def test_headings_with_levels_in_order(name: str) -> None:
    doc = _read(name)
    found = [[s.level, s.heading] for s in doc.sections if s.heading is not None]
    assert found == SPECS[name]["headings"]
    assert all(s.heading is not None for s in doc.sections[1:]), "only the lead section is unnamed"


@pytest.mark.parametrize("name", NAMES)
def test_each_phrase_is_read_in_its_section(name: str) -> None:
    doc = _read(name)
    title = next(doc.sentences())  # the title may name the office that also signs the page
    for phrase, heading in SPECS[name]["phrases"].items():
        holders = [s.heading for s in doc.sections
                   if any(phrase in x.text for x in s.sentences if x is not title)]
        assert holders == [heading], (phrase, holders)


@pytest.mark.parametrize("name", NAMES)
def test_chrome_is_never_read(name: str) -> None:
    doc = _read(name)
    for sentence in doc.sentences():
        for word in SPECS[name]["never"]:
            assert word not in sentence.text and word not in sentence.spoken, (word, sentence.text)
        assert "大于" not in sentence.spoken, sentence.text


def test_signature_belongs_to_the_last_section_and_is_not_the_publication_date() -> None:
    doc = _read("xxgk_detail.html")
    last = [s.text for s in doc.sections[-1].sentences]
    assert last[-2:] == ["临河市人民政府", "2025年1月6日"]
    assert doc.date == "2025-01-09"


@pytest.mark.parametrize(
    ("text", "headings"),
    [
        ("政策问答\n问：什么时候开始申报？答：3月1日起开始申报。\n问：在哪里申报？答：在线申报。",
         ["问：什么时候开始申报？", "问：在哪里申报？"]),
        ("解读\n一问：适用范围是什么？\n答：全市范围。\n二问：何时施行？\n答：公布之日起施行。",
         ["一问：适用范围是什么？", "二问：何时施行？"]),
        ("会议纪要\n有群众提问：停车难怎么解决？区里作了回应，将新增泊位。\n会议要求抓好落实。", []),
        ("政策问答\n现解答如下。\n如何申请补贴？\n答：登录平台在线申请。\n补贴多久到账？\n答：十个工作日内。",
         ["如何申请补贴？", "补贴多久到账？"]),
        ("工作报告\n如何破解难题？\n答：关键在于改革。\n全年完成各项任务。", []),
        ("问答\n1.新规对驾驶员的资质有哪些新要求，与过去相比有什么变化，是否影响现有驾驶员？\n要求取得驾驶证。\n"
         "2.乘客的安全如何保障？\n平台须安装一键报警功能。",
         ["1.新规对驾驶员的资质有哪些新要求，与过去相比有什么变化，是否影响现有驾驶员？",
          "2.乘客的安全如何保障？"]),
        ("答记者问\n【问】新政何时实施？\n【答】7月1日起实施。\n【问】谁来负责？\n【答】市住建局。",
         ["【问】新政何时实施？", "【问】谁来负责？"]),
    ],
)
def test_questions_open_sections_only_on_question_and_answer_pages(text: str, headings: list[str]) -> None:
    doc = reader.read_text(text)
    assert [s.heading for s in doc.sections if s.heading] == headings


def test_bold_by_class_name_makes_headings_too() -> None:
    html = ("<title>办事指南_南山市人民政府</title><div class='article-content'>"
            "<p><span class='bold'>办理条件</span></p><p>年满十八周岁的本市户籍居民。</p>"
            "<p><span class='bold'>办理地点</span></p><p>各区政务服务中心综合窗口。</p></div>")
    assert [s.heading for s in reader.read_html(html).sections] == [None, "办理条件", "办理地点"]


def test_a_lone_bold_line_or_bold_paragraphs_are_not_headings() -> None:
    html = ("<title>通知_某某区人民政府</title><div class='article-content'><p>各单位：</p>"
            "<p><strong>特别提醒</strong></p><p>请于本周五前报送材料，逾期不再受理。</p>"
            "<p>联系电话见附件，请各单位认真做好准备，按时报送。</p></div>")
    doc = reader.read_html(html)
    assert [s.heading for s in doc.sections] == [None]


def test_breadcrumb_in_plain_text_is_not_read() -> None:
    text = "安全检查的通知\n发布时间：2025-01-02\n各单位要认真检查。\n首页 > 政务公开\n请按时报送。"
    doc = reader.read_text(text)
    assert [s.text for s in doc.sentences()] == ["安全检查的通知", "各单位要认真检查。", "请按时报送。"]


BODY = ("<div class='article-content'><p>各有关单位：</p><p>现将有关事项通知如下，请认真贯彻执行。</p>"
        "<h3>一、工作要求</h3><p>各单位要高度重视，认真组织实施，确保各项工作落到实处。</p></div>")


@pytest.mark.parametrize(
    ("head", "above", "title"),
    [
        # The <h1> is fuller than ArticleTitle: the issuing office stays.
        ("<meta name='ArticleTitle' content='关于做好防汛工作的通知'>"
         "<title>关于做好防汛工作的通知_通知公告</title>",
         "<h1>北川县人民政府办公室关于做好防汛工作的通知</h1>", "北川县人民政府办公室关于做好防汛工作的通知"),
        # <title> names only the site; the title is a classed line broken in two.
        ("<title>东湖区人民政府门户网站</title>",
         "<h1>东湖区人民政府</h1><div class='title'>东湖区人民政府办公室<br>关于开展防汛演练的通知</div>",
         "东湖区人民政府办公室关于开展防汛演练的通知"),
        # og:title holding the site's name is no title.
        ("<title>关于开展防汛演练的通知</title><meta property='og:title' content='南山市人民政府网'>",
         "<div class='top'>南山市人民政府网</div>", "关于开展防汛演练的通知"),
        # JSON-LD only, and a first heading 一、 that must not be taken.
        ("<script type='application/ld+json'>{\"headline\": \"关于开展防汛演练的通知\"}</script>", "",
         "关于开展防汛演练的通知"),
        ("<title>关于开展防汛演练的通知 | 南山市应急管理局</title>", "", "关于开展防汛演练的通知"),
        ("<title>关于开展防汛演练的通知-南山市人民政府</title>", "", "关于开展防汛演练的通知"),
        ("<title>南山市人民政府</title>",
         "<header><a href='/'>首页</a><h1>关于开展防汛演练（2025—2026年）的通知</h1></header>",
         "关于开展防汛演练（2025—2026年）的通知"),
        # A title line that carries its date: the date is not part of the title.
        ("<title>关于开展防汛演练的通知_通知公告_南山县人民政府</title>",
         "<div class='title'>关于开展防汛演练的通知 2025-03-01</div>", "关于开展防汛演练的通知"),
        # A news title with a comma, alone in <title>, beats a column's heading before the body.
        ("<title>凝心聚力，奋力推进防汛演练工作</title>",
         "<div class='left'><h2>要闻动态</h2></div><p>凝心聚力，奋力推进防汛演练工作</p>",
         "凝心聚力，奋力推进防汛演练工作"),
        # ...but an <h1> before the body, worded otherwise, is what the reader sees as the title.
        ("<title>南山县开展2025年防汛应急演练</title>", "<h1>关于开展2025年防汛应急演练的通知</h1>",
         "关于开展2025年防汛应急演练的通知"),
        # A column's heading in the sidebar is not the title that <title> gives.
        ("<title>关于开展防汛演练的通知_通知公告_南山县人民政府</title>",
         "<div class='left'><h2>通知公告</h2><ul><li><a href='/1'>关于春节放假的通知</a></li></ul></div>",
         "关于开展防汛演练的通知"),
    ],
)
def test_title_is_reconciled_from_markup_and_the_page(head: str, above: str, title: str) -> None:
    doc = reader.read_html(f"<html><head>{head}</head><body>{above}{BODY}</body></html>")
    assert doc.title == title
    assert [s.heading for s in doc.sections] == [None, "一、工作要求"]
    assert [s.text for s in doc.sentences()].count(title) == 1


def test_emphasised_sentences_and_salutations_are_not_bold_headings() -> None:
    html = ("<title>公示_南山市人民政府</title><div class='article-content'><p><b>各有关单位：</b></p>"
            "<p>经专家评审，现将认定结果予以公示，公示期五个工作日。</p><p><b>特此公示。</b></p>"
            "<p>联系电话：0755-12345678，欢迎社会各界监督。</p><p>如有异议，请在公示期内实名反映。</p></div>")
    assert [s.heading for s in reader.read_html(html).sections] == [None]


NOTICE = ("<p>各区县人民政府，市政府各部门：</p>"
          "<p>经省政府批准，现将调整我市最低工资标准有关事项通知如下。</p>"
          "<p>一、调整标准</p><p>月最低工资标准调整为2200元，小时最低工资标准调整为22元。</p>"
          "<p>东山市人民政府</p><p>2025年3月1日</p>")


@pytest.mark.parametrize(
    "body",
    [
        # Old table layout: site name, title and 文号 as plain rows above the body cell.
        "<table><tr><td>东山市人民政府</td></tr><tr><td>关于调整东山市最低工资标准的通知</td></tr>"
        f"<tr><td>东政发〔2025〕11号</td></tr><tr><td class='zw'>{NOTICE}</td></tr></table>",
        # The same lines as the first paragraphs of the body.
        "<div class='main'><p>东山市人民政府</p><p>关于调整东山市最低工资标准的通知</p>"
        f"<p>东政发〔2025〕11号</p>{NOTICE}</div>",
    ],
)
def test_plain_line_above_the_document_number_is_the_title(body: str) -> None:
    doc = reader.read_html(f"<html><head><title>东山市人民政府</title></head><body>{body}</body></html>")
    assert doc.title == "关于调整东山市最低工资标准的通知"
    assert [(s.heading, s.level) for s in doc.sections] == [(None, 0), ("一、调整标准", 1)]
    assert [s.text for s in doc.sections[-1].sentences][-2:] == ["东山市人民政府", "2025年3月1日"]
    assert doc.date == "2025-03-01"  # no publication date on the page: the signature's is all there is


def test_title_line_differing_only_in_punctuation_is_read_once() -> None:
    html = ("<title>“惠企通”平台正式上线运行_部门动态_南山市人民政府</title>"
            "<div class='left'><h2>部门动态</h2></div><div class='article'><p>惠企通平台正式上线运行</p>"
            "<p>发布时间：2025-03-02</p><div class='article-content'>"
            "<p>3月1日，南山市“惠企通”平台正式上线运行。</p><p>平台上线后，将实现政策一站式查询。</p></div></div>")
    doc = reader.read_html(html)
    assert (doc.title, doc.date) == ("“惠企通”平台正式上线运行", "2025-03-02")
    assert [s.text for s in doc.sentences()] == [
        "“惠企通”平台正式上线运行", "发布时间：2025-03-02", "3月1日，南山市“惠企通”平台正式上线运行。",
        "平台上线后，将实现政策一站式查询。"]


def test_xxgk_title_from_the_name_row_and_a_signature_never_taken_for_the_title() -> None:
    page = (TEMPLATES / "xxgk_detail.html").read_text(encoding="utf-8")
    page = page.replace("<div class=\"xxgk-title\"><h1>临河市城市绿化管理办法</h1></div>", "")
    page = re.sub(r"<title>.*</title>", "<title>临河市人民政府信息公开</title>", page)
    chapters = ["第一章 总则", "第二章 规划与建设", "第三章 附则"]
    doc = reader.read_html(page)
    assert doc.title == "临河市城市绿化管理办法"
    assert [s.heading for s in doc.sections if s.level == 1] == chapters
    unnamed = reader.read_html(page.replace("名　　称", "备　　注"))
    assert [s.heading for s in unnamed.sections if s.level == 1] == chapters
    assert unnamed.title != "临河市人民政府信息公开"


def test_title_broken_into_centred_lines_is_read_once_in_full() -> None:
    title = "中共北川县委办公室 北川县人民政府办公室关于印发北川县林长制工作考核办法的通知"
    html = (f"<title>{title}_北川县人民政府</title><div class='TRS_Editor'>"
            "<p align='center'><b>中共北川县委办公室</b></p><p align='center'><b>北川县人民政府办公室</b></p>"
            "<p align='center'><b>关于印发北川县林长制工作考核办法的通知</b></p>"
            "<p>各乡镇人民政府，县级各部门：</p><p>《考核办法》已经县政府同意，现印发给你们，请认真贯彻执行。</p>"
            "<p>北川县人民政府办公室</p><p>2025年4月2日</p></div>")
    doc = reader.read_html(html)
    assert doc.title == title
    assert [s.text for s in doc.sentences()] == [
        title, "各乡镇人民政府，县级各部门：", "《考核办法》已经县政府同意，现印发给你们，请认真贯彻执行。",
        "北川县人民政府办公室", "2025年4月2日"]


# Rules found by the red-team pages (each has a full-outline page above; these pin the rule alone).
ARTICLE = ("<div class='article-content'><p>各有关单位：</p><p>现将有关事项通知如下，请认真贯彻执行。</p>"
           "<h3>一、工作要求</h3><p>各单位要高度重视，认真组织实施，确保各项工作落到实处。</p></div>")


@pytest.mark.parametrize(
    ("head", "above", "title"),
    [
        # The site's name first, then the title (old templates: 站名--标题).
        ("<title>东山县人民政府--关于开展防汛演练的通知</title>", "", "关于开展防汛演练的通知"),
        # A header <h1> and <title> naming the column the breadcrumb names are not the title.
        ("<title>通知公告</title>",
         "<header><h1>通知公告</h1></header><div>首页»通知公告»正文</div>"
         "<div class='detail-tit'>关于开展防汛演练的通知</div>", "关于开展防汛演练的通知"),
        # ...but a breadcrumb's last word may be the page's own title.
        ("<title>防汛演练方案</title>",
         "<div>首页 &gt; 应急管理 &gt; 防汛演练方案</div><h1>防汛演练方案</h1>", "防汛演练方案"),
        # 标　　题：… with its value in the same cell of the 信息公开 table.
        ("<title>政府信息公开_东山县人民政府</title>",
         "<table><tr><td>索 引 号：0001/2025-01</td><td>发布机构：东山县应急管理局</td></tr>"
         "<tr><td colspan='2'>标　　题：关于开展防汛演练的通知</td></tr></table>", "关于开展防汛演练的通知"),
    ],
)
def test_title_rules_from_the_red_team(head: str, above: str, title: str) -> None:
    doc = reader.read_html(f"<html><head>{head}</head><body>{above}{ARTICLE}</body></html>")
    assert doc.title == title
    assert [s.heading for s in doc.sections] == [None, "一、工作要求"]


def test_numbered_sentences_with_nothing_under_them_are_list_items() -> None:
    html = ("<title>关于森林防火期的通告_南山县人民政府</title><div class='article-content'>"
            "<p>现就有关事项通告如下：</p><p>一、11月1日至次年4月30日为全县森林防火期。</p>"
            "<p>二、防火期内，禁止在林区野外吸烟、烧纸、燃放烟花爆竹。</p>"
            "<p>三、违反本通告的，依法予以处罚。</p><p>本通告自发布之日起施行。</p></div>")
    assert [s.heading for s in reader.read_html(html).sections] == [None]
    numbered = html.replace("</p><p>二、", "</p><p>各乡镇要认真落实防火责任。</p><p>二、")
    first = "一、11月1日至次年4月30日为全县森林防火期"
    assert [s.heading for s in reader.read_html(numbered).sections][:2] == [None, first]


def test_a_label_value_table_reads_label_then_value() -> None:
    html = ("<title>户口迁移办事指南_南山县人民政府</title><div class='article-content'>"
            "<p>户口迁移须按以下要求办理，请申请人提前准备材料。</p><table>"
            "<tr><th>事项名称</th><td>户口迁移</td></tr><tr><th>办理时限</th><td>5个工作日</td></tr>"
            "<tr><th>收费标准</th><td>不收费</td></tr></table></div>")
    texts = [s.text for s in reader.read_html(html).sentences()]
    assert texts[-3:] == ["事项名称：户口迁移", "办理时限：5个工作日", "收费标准：不收费"]
    grid = html.replace("<th>事项名称</th><td>户口迁移</td>", "<th>项目</th><th>金额</th>")
    assert [s.text for s in reader.read_html(grid).sentences()][-2:] == [
        "第1行：项目：办理时限，金额：5个工作日", "第2行：项目：收费标准，金额：不收费"]


def test_dates_bylines_and_what_follows_the_signature() -> None:
    html = ("<title>关于公布项目名录的通知_文件通知_西陵市文化和旅游局</title>"
            "<div class='art_title'>关于公布项目名录的通知</div>"
            "<div class='art'><p>2025年11月20日　　文件通知</p><p>各县（区）文化和旅游局：</p>"
            "<p>经专家评审和社会公示，现将项目名录予以公布，请认真做好保护传承工作。</p>"
            "<p>附件：1.<a href='/a.docx'>项目名录</a></p><p>2.<a href='/b.xlsx'>项目说明</a></p>"
            "<p>西陵市文化和旅游局</p><p>2025年11月18日</p><p>（此件公开发布）</p>"
            "<p>（联系人：吴刚，联系电话：0573-82012345）</p><p>附件</p><p>项目名录</p><p>一、传统技艺：竹编</p>"
            "</div>")
    doc = reader.read_html(html)
    texts = [s.text for s in doc.sentences()]
    assert doc.date == "2025-11-20"
    assert texts[1] == "2025年11月20日", "the byline's date, without its column name"
    assert texts[4:] == ["附件1：项目名录", "附件2：项目说明", "西陵市文化和旅游局", "2025年11月18日",
                         "（联系人：吴刚，联系电话：0573-82012345）", "附件", "项目名录",
                         "一、传统技艺：竹编"]


def test_bylines_under_the_article_are_not_read() -> None:
    html = ("<title>流感防治指南_南山市卫生健康局</title><div class='article-content'>"
            "<p>进入秋冬季，流感进入高发期，建议重点人群尽早接种流感疫苗。</p>"
            "<p>来源：南山市疾控中心</p><p>编辑：林晓</p><p>（来源：南山日报）</p></div>")
    texts = [s.text for s in reader.read_html(html).sentences()]
    assert texts == ["流感防治指南", "进入秋冬季，流感进入高发期，建议重点人群尽早接种流感疫苗。"]


@pytest.mark.parametrize(
    ("line", "chrome"),
    [("您当前的位置：首页 > 互动交流 > 书记县长信箱", True), ("您的位置：首页 > 新闻", True),
     ("当前所在位置: 首页", True), ("当前位置不详，工作人员正在核实。", False),
     ("所在位置附近有三家医院。", False)],
)
def test_breadcrumb_leads_in_their_variants(line: str, chrome: bool) -> None:
    doc = reader.read_text(f"安全检查的通知\n{line}\n各单位要认真检查。")
    assert (line not in [s.text for s in doc.sentences()]) == chrome


def test_numbered_lines_one_after_another_are_a_list() -> None:
    html = ("<title>身份证办理指南_南山市</title><div class='article-content'>"
            "<p>办理居民身份证需要准备以下材料，请提前准备。</p><p>一、所需材料</p><p>1.户口簿</p><p>2.近期照片</p>"
            "<p>3.旧身份证</p><p>以上材料须提供原件。</p><p>二、办理地点</p><p>各派出所户籍窗口均可办理。</p>"
            "<p>三、办理时限</p><p>1.本地户籍</p><p>受理后20个工作日内制证。</p><p>2.外地户籍</p><p>受理后60个工作日内制证。</p>"
            "</div>")
    doc = reader.read_html(html)
    assert [(s.level, s.heading) for s in doc.sections] == [
        (0, None), (1, "一、所需材料"), (1, "二、办理地点"), (1, "三、办理时限"),
        (2, "1.本地户籍"), (2, "2.外地户籍")]
    assert [s.text for s in doc.sections[1].sentences][1:4] == ["1.户口簿", "2.近期照片", "3.旧身份证"]


def test_an_item_numbered_before_a_date_is_still_numbered() -> None:
    html = ("<title>关于春节放假的通知_南山市人民政府</title><div class='content'><p>各单位：</p>"
            "<p>现将春节放假安排通知如下。</p><p>1.放假时间：1月28日至2月4日放假调休，共8天。</p>"
            "<p>2.1月26日（星期日）、2月8日（星期六）上班。</p><p>节假日期间，各单位要妥善安排值班工作。</p></div>")
    assert [s.heading for s in reader.read_html(html).sections] == [None]


def test_a_chronicle_entry_under_the_title_is_not_a_byline() -> None:
    doc = reader.read_text("2025年1月大事记\n2025年1月3日 市委召开常委会议\n会议研究部署了全年重点工作。")
    assert [s.text for s in doc.sentences()][1] == "2025年1月3日 市委召开常委会议"
