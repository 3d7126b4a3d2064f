"""Dates: years digit by digit, months and days as numbers.

* ``2024-02-07``, ``2024/2/7``, ``2024.02.07`` → 二零二四年二月七日; ``2024年2月`` → 二零二四年二月
* ``2月7日`` → 二月七日; ``2号线`` → 二号线; ``1—6月`` → 一至六月; ``7—9日`` → 七至九日
* ``9·11`` → 九一一; ``3.15晚会`` → 三一五晚会; ``1992.09—1996.07`` → 一九九二年九月至一九九六年七月
"""

from __future__ import annotations

import re

from reader.normalize.engine import Rule
from reader.normalize.engine import alternation
from reader.normalize.engine import lead
from reader.normalize.engine import needs
from reader.normalize.lexicon import MEASURE
from reader.normalize.lexicon import UNIT
from reader.normalize.numbers import read_digits
from reader.normalize.numbers import read_int

MONTH = r"(?:1[0-2]|0?[1-9])"
DAY = r"(?:3[01]|[12]\d|0?[1-9])"
_SEP_RANGE = r"\s?(?:[-—–～~至到]|——)\s?"

_FULL = (
    rf"(?<![\d.])(?P<y>\d{{4}})(?P<s>[-/.])(?P<m>{MONTH})(?P=s)(?P<d>{DAY})(?![\d.])"
    rf"|(?<![\d.])(?P<y2>\d{{4}})(?P<s2>[-/])(?P<m2>{MONTH})(?![\d/-])"
    # 2023.12 in a government page is a month, not a decimal.
    rf"|(?<![\d.])(?P<y3>(?:19|20)\d\d)\.(?P<m3>1[0-2]|0[1-9])(?![\d.])"
    # A résumé line spans two such months, or runs up to now: 1992.09—1996.07, 2021.06—至今.
    rf"(?:\s?(?:——|[—–\-～~至])\s?(?:(?P<y4>(?:19|20)\d\d)\.(?P<m4>1[0-2]|0[1-9])(?![\d.])|(?P<now>至?今)))?"
    # Month first, as English pages write it: 12/31/2023 (the year last, never a fraction).
    rf"|(?<![\d/.])(?P<m5>{MONTH})/(?P<d5>{DAY})/(?P<y5>(?:19|20)\d\d)(?![\d/])"
)
_MONTH_DAY = (
    rf"(?<![\d.])(?P<m1>{MONTH})(?:{_SEP_RANGE}(?P<m2>{MONTH}))?月(?:{_SEP_RANGE}(?P<m4>{MONTH})月)?"
    rf"(?:份|(?P<d1>{DAY})(?:{_SEP_RANGE}(?P<d2>{DAY}))?(?P<dm>[日号])(?:{_SEP_RANGE}(?P<d5>{DAY})[日号])?)?"
    rf"|(?<![\d.])(?P<d3>{DAY})(?:{_SEP_RANGE}(?P<d4>{DAY}))?(?P<dm2>[日号])"
)
# A dash between two dates or times is read 至: 2023年1月1日—2023年12月31日, 9时—17时, 14时30分—16时.
# The date or time word must follow a digit: in 比上月-3分 the dash is a minus sign.
_DASH = re.compile(
    r"(?<=\d[日月年时号分秒])\s?(?:——|[—–\-～~])\s?(?=\d)"
    # …and between two written-out dates: 2024.01.01—2024.12.31, 2024/01/01-2024/12/31.
    r"|(?:(?<=\d[./-]\d\d)|(?<=\d[./-]\d))\s?(?:——|[—–\-～~])\s?(?=(?:19|20)\d\d([./-])\d{1,2}\1\d{1,2}(?!\d))"
)
_EVENT = re.compile(rf"(?<![\d.])(?P<a>{MONTH})[·•・](?P<b>{DAY})(?![\d.])")
# With a full stop the date is an event's name only when an event word follows, at once or after a
# place name of up to four characters: 3.15晚会, 8.15事件, 5.12汶川地震, 7.20特大暴雨. A count
# (5.12万人参加地震演练, 6.8级地震) is a decimal: a measure word, unit or scale right after rules it out.
_EVENT_CUES = (
    "晚会 大地震 地震 特大 事件 事变 惨案 纪念日 国际 消费者权益 大火 火灾 爆炸 空难 事故 暴雨 洪水 洪灾 "
    "水灾 泥石流 起义 运动 讲话 重要讲话 批示 重要指示 指示 精神 大案 专案 案件 节 国庆 世界"
).split()
_EVENT_DOT = (
    rf"(?<![\d.])(?P<a>{MONTH})\.(?P<b>{DAY})(?![\d.])(?!{MEASURE}|{UNIT}|[万亿千百级])"
    # (a non-Latin letter: a set of categories compiles much faster than the CJK range)
    rf"(?=[^\W\d_A-Za-z]{{0,4}}?(?:{alternation(_EVENT_CUES)}))"
)


# A slash between months or before a day is not a fraction: 5/6月 → 五、六月, 3/5日 → 三月五日.
_SLASH = rf"(?<![\d/.])(?P<a>{MONTH})/(?:(?P<b>{MONTH})(?=月)|(?P<d>{DAY})(?=日))"


def _slash(m: re.Match[str]) -> str:
    if m["b"]:
        return f"{read_int(m['a'])}、{read_int(m['b'])}"
    return f"{read_int(m['a'])}月{read_int(m['d'])}"


def year_digits(year: str) -> str:
    """Read a year one digit at a time: 2023 → 二零二三."""
    return read_digits(year)


def _full(m: re.Match[str]) -> str:
    if m["y"]:
        return f"{year_digits(m['y'])}年{read_int(m['m'])}月{read_int(m['d'])}日"
    if m["y5"]:
        return f"{year_digits(m['y5'])}年{read_int(m['m5'])}月{read_int(m['d5'])}日"
    if m["y3"]:
        text = f"{year_digits(m['y3'])}年{read_int(m['m3'])}月"
        if m["y4"]:
            text += f"至{year_digits(m['y4'])}年{read_int(m['m4'])}月"
        return text + ("至今" if m["now"] else "")
    return f"{year_digits(m['y2'])}年{read_int(m['m2'])}月"


def _span(a: str | None, b: str | None) -> str:
    if a is None:
        return ""
    return read_int(a) + (f"至{read_int(b)}" if b else "")


def _month_day(m: re.Match[str]) -> str:
    if m["d3"]:
        return _span(m["d3"], m["d4"]) + m["dm2"]
    text = _span(m["m1"], m["m2"]) + "月"
    if m["m4"]:
        text += f"至{read_int(m['m4'])}月"
    if m["d1"]:
        text += _span(m["d1"], m["d2"]) + m["dm"]
        if m["d5"]:
            text += f"至{read_int(m['d5'])}{m['dm']}"
    elif m.group(0).endswith("份"):
        text += "份"
    return text


def _event(m: re.Match[str]) -> str:
    # October's holidays are said with 十: 10.1国庆 → 十一国庆 (but 12.9运动 → 一二九运动).
    if m["a"] == "10":
        return "十" + read_digits(m["b"])
    return read_digits(m["a"] + m["b"])


DATE = Rule("date", lead(r"\d", _FULL), _full, needs("-/."))
MONTH_DAY = Rule("month_day", lead(r"\d", _MONTH_DAY), _month_day, needs("月日号"))
EVENT_DATE = Rule("event_date", _EVENT, _event, needs("·•・"))
EVENT_DOT = Rule(
    "event_dot", lead(r"\d", _EVENT_DOT), _event, needs("."), needs("".join(cue[0] for cue in _EVENT_CUES))
)
SLASH_DATE = Rule("slash_date", lead(r"\d", _SLASH), _slash, needs("/"), needs("月日"))
DATE_DASH = Rule("date_dash", _DASH, lambda m: "至", needs("—–-～~"))
