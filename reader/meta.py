"""Article metadata found in text lines: publication date, source, issuing authority.

Examples:

* ``日期:2024-02-07`` → date ``2024-02-07`` (a header line, dropped from the body);
* ``发布时间：2023年10月8日 10:20  来源：区司法局  浏览次数：35`` → date and source;
* ``重庆市江北区人民政府`` followed by ``2024年2月7日`` → a signature block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reader.han import HAN

_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_NUM_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-年/.．]\s*(\d{1,2})\s*[-月/.．]\s*(\d{1,2})(?!\d)\s*日?")
_CN_DATE = re.compile(r"([〇○零Ｏ一二三四五六七八九]{4})年"
                      r"([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")
_LABEL = (r"(?:發布日期|發布時間|發佈日期|發佈時間|更新日期|日期|发布日期|发布时间|发文日期|"
          r"成文日期|印发日期|公开日期|更新时间|更新日期|信息时间|时间|日期|"
          r"发布于|Date)")
_META_LINE = re.compile(rf"^[【\[(（]?\s*{_LABEL}\s*[:：]")
_SOURCE = re.compile(r"(?:來源|来源|信息来源|发布机构|来源单位|发布单位|文章来源)"
                     r"\s*[:：]\s*([^\s|｜:：]{2,30})")
_OTHER_META = re.compile(r"^(?:来源|信息来源|发布机构|作者|编辑|责任编辑|审核|文章来源|"
                         r"字号|索引号|发文字号)\s*[:：]")
_AUTHORITY = re.compile(
    r"(?:政府|委员会|办公室|办公厅|委|局|厅|院|部|署|中心|公司|协会|联合会|处|科|所|站|队|街道办事处|"
    r"街道|镇|乡|村|社区|党委|党组|总队|支队|大队|集团|银行)(?:[(（]\S{1,8}[)）])?$"
)
_WS = re.compile(r"\s+")
_STOP = re.compile(r"[。！？]")
_CLAUSE_PUNCT = re.compile(r"[。！？，,；;：:]")
_TIME = re.compile(r"(?<=\d)(?:日)?\d{1,2}:\d{2}(?::\d{2})?$")
_TITLE_PARTS = re.compile(r"\s*(?:_|\||｜|--|—|－| - )\s*")
_DOC_NUMBER = re.compile(rf"^[{HAN}]{{1,12}}\s*[〔\[［【(（]\s*(?:19|20)\d{{2}}\s*[〕\]］】)）]"
                         r"\s*第?\s*\d{1,4}\s*号$")
_DATED_BYLINE = re.compile(r"^((?:19|20)\d{2}\s*[-年/.．]\s*\d{1,2}\s*[-月/.．]\s*\d{1,2}\s*日?"
                           r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?)(?:\s+[" + HAN + r"]{2,6}){1,2}$")
_SQUASHED_DATE = re.compile(r"^(?:19|20)\d{2}(?:1[0-2]|0?[1-9])(?:3[01]|[12]\d|0?[1-9])$")


@dataclass(frozen=True, slots=True)
class MetaLine:
    """What a header line such as ``发布时间：… 来源：…`` says."""

    date: str | None
    source: str | None


def parse_date(text: str) -> str | None:
    """The first full date in ``text`` as ``YYYY-MM-DD``, from Arabic or Chinese numerals."""
    m = _NUM_DATE.search(text)
    if m:
        return _iso(int(m[1]), int(m[2]), int(m[3]))
    m = _CN_DATE.search(text)
    if m:
        year = int("".join(str(_CN_DIGITS[c]) for c in m[1]))
        return _iso(year, _cn_small(m[2]), _cn_small(m[3]))
    return None


def date_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` shows full dates (Arabic or Chinese numerals), in order."""
    found = [m.span() for m in _NUM_DATE.finditer(text)] + [m.span() for m in _CN_DATE.finditer(text)]
    return sorted((start, len(text[:end].rstrip()) ) for start, end in found)


def _iso(year: int, month: int, day: int) -> str | None:
    if 1 <= month <= 12 and 1 <= day <= 31:
        return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def _cn_small(text: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十七 → 27, 三十一 → 31."""
    if "十" not in text:
        return _CN_DIGITS.get(text, 0)
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def meta_line(text: str) -> MetaLine | None:
    """Read a header line of labelled metadata; None when the line is article text."""
    line = text.strip()
    if len(line) > 120 or _STOP.search(line):
        return None
    source_match = _SOURCE.search(line)
    source = source_match.group(1) if source_match else None
    if _META_LINE.match(line) or (source and parse_date(line)):
        return MetaLine(parse_date(line), source)
    if _OTHER_META.match(line):
        return MetaLine(parse_date(line), source)
    return None


def dated_byline(text: str) -> str | None:
    """``2025年11月20日　文件通知`` under a title: the date and the column's name, unlabelled.
    (Only right under the title: in a 大事记 the same shape is an entry.)"""
    m = _DATED_BYLINE.match(text.strip())
    return parse_date(m.group(1)) if m else None


def is_date_line(text: str) -> bool:
    """A line that is only a date (also 202427, a date whose 年月日 were images)."""
    if len(text) > 40:
        return False
    line = _WS.sub("", text)
    if not line or len(line) > 24:
        return False
    if _SQUASHED_DATE.match(line):
        return True
    line = _TIME.sub("", line)
    stripped = _NUM_DATE.sub("", line)
    stripped = _CN_DATE.sub("", stripped)
    return stripped == "" and line != ""


def is_doc_number(text: str) -> bool:
    """A line that is only a document number (文号) such as 青政办发〔2025〕3号."""
    return len(text) <= 40 and bool(_DOC_NUMBER.match(_WS.sub("", text)))


def is_authority(text: str) -> bool:
    """A short line naming an issuing body, as in a signature block."""
    if len(text) > 60:
        return False
    line = _WS.sub("", text)
    return 2 < len(line) <= 40 and not _CLAUSE_PUNCT.search(line) and bool(_AUTHORITY.search(line))


def site_name(title: str) -> str | None:
    """The site's own name in ``<title>``: its last part (标题_江北区人民政府), or all of a bare site name."""
    text = re.sub(r"\s+", " ", title).strip()
    parts = [p.strip() for p in _TITLE_PARTS.split(text) if p.strip()]
    if len(parts) > 1:
        # Most templates put the site last; old ones put it first (站名--标题).
        return parts[0] if _names_site(parts[0]) and not _names_site(parts[-1]) else parts[-1]
    return text if text and _names_site(text) else None


def _names_site(text: str) -> bool:
    return is_authority(text) or text.endswith(("网", "网站", "门户", "平台"))
