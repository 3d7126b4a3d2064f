"""Attachments: a PDF printed by Chromium from the sample page, and Word documents, read like pages."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

import reader
from reader.attachments import Line
from reader.attachments import reflow
from reader.plaintext import tidy

DATA = Path(__file__).parent / "data" / "attachments"
SAMPLE = Path(__file__).resolve().parents[2] / "web" / "demo" / "jiangbei-2023-fazhi-report.txt"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def sample_lines() -> list[str]:
    return [tidy(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines() if tidy(line)]


def test_pdf_paragraphs_are_the_source_paragraphs_rejoined():
    # report.pdf: the sample's opening printed to A4 by Chromium (justified, 首行缩进, page numbers).
    document = reader.read_bytes((DATA / "report.pdf").read_bytes())
    assert document.title == "重庆市江北区2023年法治政府建设情况报告"
    source = set(sample_lines())
    paragraphs = [p for section in document.sections for p in section.text.split("\n")]
    assert len(paragraphs) >= 8
    for paragraph in paragraphs:
        assert paragraph in source, f"not a paragraph of the source: {paragraph[:40]}"
    assert not any(p.strip("- ").isdigit() for p in paragraphs), "page numbers are dropped"
    # The paragraph that runs over the page break is one paragraph again.
    assert any("规模为1700户企业授信11.2亿元" in s.text for s in document.sentences())


def test_pdf_outline_has_the_numbered_headings():
    document = reader.read_bytes((DATA / "report.pdf").read_bytes())
    headings = [(s.level, s.heading) for s in document.sections if s.heading]
    assert headings[:3] == [(1, "一、法治政府建设的主要举措和成效"),
                            (2, "(一)优化职能,持续营造法治化营商环境"), (3, "1. 优化政务服务")]
    numbered = [h for _, h in headings if h[0].isdigit()]
    assert numbered == ["1. 优化政务服务", "2. 增强极核引领", "3. 规范市场秩序", "4. 强化法治保障"]


def test_reflow_joins_wrapped_lines_and_ends_paragraphs_at_the_signs_a_reader_sees():
    full = "这是一行排满了的正文文字，它在页面的右边界处被自动换到下一行"
    item = "2. 下一条。" + full[8:]  # as wide as a full line
    lines = [Line(full, indented=True), Line("接着写完。"),    # a short line ends its paragraph
             Line(full, indented=True), Line(full), Line(item),  # "2." after an unfinished line: wrapped text
             Line("短行结束。"), Line("Bobao reads"), Line("PDF files")]
    expected = [full + "接着写完。", full + full + item + "短行结束。", "Bobao reads", "PDF files"]
    assert reflow(lines) == expected
    assert reflow([Line(full), Line(full, indented=True), Line("完。")]) == [full, full + "完。"], "首行缩进"
    wrapped = reflow([Line("x" * 60 + " see"), Line("also this")])
    assert wrapped == ["x" * 60 + " see also this"], "Latin words wrapped across lines keep a space"
    assert reflow([]) == []


def test_a_numbered_heading_after_a_full_line_with_a_full_stop_starts_a_paragraph():
    full = "心纳入政务服务体系一体化管理。承接三百一十一项川渝通办事项。"
    wide = "这是一行排满了的正文文字，它在页面的右边界处被自动换到下一行"
    paragraphs = reflow([Line(wide), Line(full), Line("2. 增强极核引领。" + wide[9:]), Line("结束。")])
    assert paragraphs == [wide + full, "2. 增强极核引领。" + wide[9:] + "结束。"]


def docx(body: str, styles: str = "") -> bytes:
    """A minimal Word document: the parts Word itself needs, and our paragraphs."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/></Types>'))
        archive.writestr("_rels/.rels", (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'))
        archive.writestr("word/document.xml", f'<?xml version="1.0"?><w:document xmlns:w="{W}"><w:body>'
                         f"{body}</w:body></w:document>")
        if styles:
            xml = f'<?xml version="1.0"?><w:styles xmlns:w="{W}">{styles}</w:styles>'
            archive.writestr("word/styles.xml", xml)
    return buffer.getvalue()


def para(text: str, style: str | None = None) -> str:
    props = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    runs = "".join(f"<w:r><w:t xml:space=\"preserve\">{piece}</w:t></w:r>" for piece in text.split("|"))
    return f"<w:p>{props}{runs}</w:p>"


# Chinese Word names its heading styles 标题 1, 标题 2 under the ids "1", "2".
STYLES = ('<w:style w:type="paragraph" w:styleId="a3"><w:name w:val="Title"/></w:style>'
          '<w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/></w:style>'
          '<w:style w:type="paragraph" w:styleId="2"><w:name w:val="标题 2"/></w:style>')


def test_docx_headings_paragraphs_and_tables():
    table = ("<w:tbl>" + "".join(
        "<w:tr>" + "".join(f"<w:tc>{para(cell)}</w:tc>" for cell in row) + "</w:tr>"
        for row in (["项目", "金额"], ["道路维修", "120万元"], ["绿化提升", "80万元"])) + "</w:tbl>")
    body = (para("关于做好|2024年|防汛工作的通知", "a3") + para("各镇人民政府、街道办事处：")
            + para("一、总体要求", "1") + para("坚持人民至上，生命至上。") + para("（一）资金安排", "2")
            + table + para("二、工作措施", "1") + para("加强监测预警，及时发布信息。"))
    document = reader.read_bytes(docx(body, STYLES), filename="通知.docx")
    assert document.title == "关于做好2024年防汛工作的通知", "runs of one paragraph are joined"
    headings = [(s.level, s.heading) for s in document.sections if s.heading]
    assert headings == [(1, "一、总体要求"), (2, "（一）资金安排"), (1, "二、工作措施")]
    texts = [s.text for s in document.sentences()]
    assert "第1行：项目：道路维修，金额：120万元" in texts and "第2行：项目：绿化提升，金额：80万元" in texts
    assert any("二零二四年" in s.spoken for s in document.sentences())


def test_docx_without_styles_is_read_by_its_numbering():
    body = para("一、总体要求") + para("坚持人民至上。") + para("二、工作措施") + para("加强监测预警。")
    document = reader.read_bytes(docx(body))
    assert [s.heading for s in document.sections if s.heading] == ["一、总体要求", "二、工作措施"]


@pytest.mark.parametrize(("data", "why"), [
    ((DATA / "report.pdf").read_bytes()[:2000], "a truncated PDF"),
    (b"%PDF-1.7\n" + b"\x00" * 100, "a PDF with no body"),
    (b"PK\x03\x04" + b"\x00" * 60, "a broken zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200, "an old binary .doc"),
    (docx(para("")), "a Word file with no text"),
])
def test_unreadable_attachments_are_a_reader_error(data: bytes, why: str):
    with pytest.raises(reader.ReaderError):
        reader.read_bytes(data)


def test_a_zip_bomb_word_file_is_refused_without_inflating_it(monkeypatch):
    from reader import attachments

    monkeypatch.setattr(attachments, "_MAX_DOCX_XML", 10_000)  # the real limit is 50 MB; same code path
    bomb = docx(para("很长的一段话。" * 5_000))
    assert len(bomb) < 5_000, "compresses well, inflates past the limit"
    with pytest.raises(reader.UnsupportedInput, match="too large"):
        reader.read_bytes(bomb)


def test_a_scanned_pdf_without_text_says_so():
    import pypdfium2 as pdfium

    blank = pdfium.PdfDocument.new()
    blank.new_page(595, 842)
    buffer = io.BytesIO()
    blank.save(buffer)
    with pytest.raises(reader.EmptyDocument, match="no text layer"):
        reader.read_bytes(buffer.getvalue())
