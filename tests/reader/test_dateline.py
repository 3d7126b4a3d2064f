"""The date line under the title is read right after it, as shown, and only that line (issue 17)."""

from __future__ import annotations

import reader

FIRST = "各有关单位：为做好今年防汛工作，现将有关事项通知如下，请认真贯彻落实。"
BODY = f"<p>{FIRST}</p>"


def texts(html: str) -> list[str]:
    return [s.text for s in reader.read_html(html).sentences()]


def test_only_the_label_and_date_of_the_line_are_read_not_its_chrome() -> None:
    html = ("<title>关于做好防汛工作的通知_某县政府</title><h1>关于做好防汛工作的通知</h1>"
            "<div class='info'>发布时间：2025-03-12 10:20　来源：县水利局　浏览次数：35　"
            "字号：<a>大</a> <a>小</a></div>"
            f"<div class='content'>{BODY}</div>")
    doc = reader.read_html(html)
    said = [s for s in doc.sentences()][:3]
    assert [s.text for s in said] == ["关于做好防汛工作的通知", "发布时间：2025-03-12", FIRST]
    assert said[1].spoken == "发布时间：二零二五年三月十二日"
    assert (doc.date, doc.source) == ("2025-03-12", "县水利局"), "the metadata is kept as before"


def test_the_signature_date_is_never_the_date_line() -> None:
    html = ("<title>关于做好防汛工作的通知</title><h1>关于做好防汛工作的通知</h1>"
            f"<div class='content'>{BODY}<p>某县水利局</p><p>2025年3月11日</p></div>")
    said = texts(html)
    assert said[1] == FIRST and said[-1] == "2025年3月11日"
    assert said.count("2025年3月11日") == 1


def test_a_dated_sentence_of_the_body_is_no_date_line() -> None:
    html = ("<title>防汛值班安排</title><h1>防汛值班安排</h1>"
            "<p>（2025年3月20日）</p><p>2025年6月1日至9月30日实行24小时值班。</p>")
    assert texts(html)[:3] == ["防汛值班安排", "（2025年3月20日）", "2025年6月1日至9月30日实行24小时值班。"]


def test_a_date_line_below_the_body_or_without_a_title_is_not_read_first() -> None:
    html = (f"<title>防汛通知</title><h1>防汛通知</h1><div class='content'>{BODY}</div>"
            "<div class='foot'>来源：县水利局　发布时间：2025-03-12</div>")
    assert texts(html)[1] == FIRST
    assert "发布时间：2025-03-12" not in texts(html)
    untitled = texts("<p>发布时间：2025-03-12</p><p>今天天气很好，我们去公园散步吧。</p>")
    assert untitled[0] != "发布时间：2025-03-12"
