"""Tables: data tables read row by row with their header; layout tables are walked as containers.

Example: a header row 序号 | 项目 | 金额 and a row 1 | 道路维修 | 120万元 reads
``第1行：序号：1，项目：道路维修，金额：120万元``.
Government sites built in the 2000s lay whole pages out with ``<table>``; such a table has
nested tables, long cells or a single column, and is not data.
"""

from __future__ import annotations

import re

from reader.dom import Element
from reader.dom import text_of
from reader.plaintext import tidy

_MAX_DATA_CELL = 200
_META_LABELS = re.compile(r"索\s*引\s*号|发文字号|文\s*号|成文日期|发布日期|发文机关|发布机构|"
                          r"主题分类|公开方式|有效性")
_BLOCKY = frozenset({"table", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "form"})


def _rows(table: Element) -> list[Element]:
    return list(table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr"))


def _cells(row: Element) -> list[Element]:
    return list(row.xpath("./td|./th"))


def _text(cell: Element) -> str:
    return tidy(re.sub(r"\s+", " ", text_of(cell)))


def is_meta_table(table: Element) -> bool:
    """The 政府信息公开 box (索引号, 发文字号, 成文日期…): metadata, not article text."""
    text = text_of(table)
    return len(text) < 1000 and len(_META_LABELS.findall(text)) >= 2


def is_data_table(table: Element) -> bool:
    """True for a grid of short cells; False for a layout table."""
    rows = _rows(table)
    if len(rows) < 2:
        return False
    widths = [len(_cells(r)) for r in rows]
    if max(widths) < 2:
        return False
    for row in rows:
        for cell in _cells(row):
            if len(_text(cell)) > _MAX_DATA_CELL or any(
                isinstance(d.tag, str) and d.tag in _BLOCKY for d in cell.iterdescendants()
            ):
                return False
    return True


def table_rows(table: Element) -> list[str]:
    """The caption (if any), then one line per body row: ``第N行：header：value，…``."""
    rows = [[_text(c) for c in _cells(r)] for r in _rows(table)]
    lines: list[str] = []
    caption = table.find("caption")
    if caption is not None and _text(caption):
        lines.append(_text(caption))
    if _label_value(table):
        return lines + [line for cells in rows if (line := _pair_line(cells))]
    elements = _rows(table)
    while len(rows) > 2 and len(rows[0]) == 1 and rows[0][0] and max(map(len, rows)) >= 2:
        lines.append(rows[0][0])  # a title row across the table (年报: 第二十条第（一）项) is its caption
        rows, elements = rows[1:], elements[1:]
    return lines + grid_lines(rows, header=_has_header(table, elements[0], rows))


def _label_value(table: Element) -> bool:
    """A form-like table (办事指南: 事项名称 | 户口迁移, 办理时限 | 5个工作日): every row alternates a
    short label, marked as one (``<th>``, bold or ending in ：), with its value; there is no header row."""
    rows = [_cells(r) for r in _rows(table)]
    if len(rows) < 2 or any(not cells or len(cells) % 2 for cells in rows):
        return False
    if any(all(_is_label(c) for c in cells) for cells in rows):
        return False  # a row of labels only is a header row: a grid
    return all(_is_label(cells[i]) for cells in rows for i in range(0, len(cells), 2))


def _is_label(cell: Element) -> bool:
    text = _text(cell)
    if not 0 < len(text) <= 12 or re.search(r"\d", text):
        return False
    bold = cell.find(".//b") is not None or cell.find(".//strong") is not None
    return cell.tag == "th" or bold or text.endswith(("：", ":"))


def _pair_line(cells: list[str]) -> str:
    """``办理时限：5个工作日，收费标准：不收费`` (a label's own colon is not doubled)."""
    pairs = (f"{cells[i].rstrip('：:')}：{cells[i + 1]}" for i in range(0, len(cells) - 1, 2) if cells[i + 1])
    return "，".join(pairs)


def grid_lines(rows: list[list[str]], *, header: bool) -> list[str]:
    """One line per non-empty row, ``第N行：header：value，…`` (the first row is the header if ``header``)."""
    names: list[str] = []
    if header and rows:
        names, rows = rows[0], rows[1:]
    lines: list[str] = []
    for cells in rows:
        if any(cells):
            lines.append(f"第{len(lines) + 1}行：" + "，".join(_pairs(names, cells)))
    return lines


def labels_row(rows: list[list[str]]) -> bool:
    """A first row of short labels over at least two data rows: a header (Word tables have no <th>)."""
    return len(rows) >= 3 and all(0 < len(t) <= 12 and not re.search(r"\d", t) for t in rows[0])


def _pairs(header: list[str], cells: list[str]) -> list[str]:
    out = []
    for i, value in enumerate(cells):
        if not value:
            continue
        name = header[i] if i < len(header) else ""
        out.append(f"{name}：{value}" if name and name != value else value)
    return out


def _has_header(table: Element, first: Element, rows: list[list[str]]) -> bool:
    """A ``<th>``/``<thead>`` first row, or (Word-made tables) a first row of short labels."""
    if first.getparent() is not None and first.getparent().tag == "thead":
        return True
    if first.find("th") is not None:
        return True
    if table.find(".//th") is not None:
        return False
    return labels_row(rows)
