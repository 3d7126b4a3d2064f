"""Years read digit by digit, and year ranges; durations stay numbers (连续13年 → 连续十三年).

* ``2023年`` → 二零二三年; ``2024届`` → 二零二四届; ``公元前221年`` → 公元前二二一年
* ``2021、2022年`` → 二零二一、二零二二年; ``“2024护苗”行动`` → 二零二四护苗
* ``90后`` → 九零后; ``(2023—2026)`` → 二零二三至二零二六; ``2008—2010年`` → 二零零八至二零一零年
* two-digit years: ``97年毕业`` → 九七年毕业; ``18年3月`` → 一八年三月; but ``成立70年`` stays a duration
"""

from __future__ import annotations

import re

from reader.han import HAN
from reader.normalize.engine import Rule
from reader.normalize.engine import lead
from reader.normalize.engine import needs
from reader.normalize.lexicon import MEASURE
from reader.normalize.lexicon import UNIT
from reader.normalize.numbers import read_digits
from reader.normalize.numbers import read_int

YEAR = r"(?:1[5-9]|20)\d\d"
_SUFFIX = r"年(?!来|间|多|余|左右|以上|之久|历史|的历史|悠久)|届|级|年度|版|赛季|财年|学年|年代"
# Checked after the four digits (cheap), not before every character: 连续2000年 is a duration.
_DURATION = "".join(rf"(?<!{cue}\d{{4}})" for cue in "连续 历时 长达 持续 近 约 超 满 过去 未来".split())

# A two-digit year is said digit by digit (九七年). Before a month it is always a year (18年3月); alone,
# only 50–99 and 00–09 are, since 10–49年 is mostly a duration (15年), and only when no duration cue
# comes before it (成立70年) or after it (60年来, 50年不变).
_SHORT_NOT_AFTER = "".join(
    rf"(?<!{cue}\d\d)"
    for cue in (
        "成立 建国 建党 建校 建院 以来 连续 历时 长达 持续 近 约 超 逾 余 满 过去 未来 已 了 走过 经过 历经 "
        "周 第 这 那 每 共 再 用 花 达 的 前 后 多 龄 少于 多于 大于 小于 高于 低于 等于 为期 期限 产权 超过"
    ).split()
)
_SHORT_YEAR = (
    r"(?<![\d.])(?P<m>\d\d)(?=年\d{1,2}月)"
    # The cues are checked after the two digits (cheap), not before every character.
    rf"|(?<![\d.])(?P<y>[5-9]\d|0\d){_SHORT_NOT_AFTER}"
    r"(?=年(?!来|间|多|余|左右|以上|以下|以内|以来|之久|历史|代|前|内|里|不|的|之|期|时间|工龄|教龄|党龄|"
    # A clause ending right after 年 closes a length of time (奋斗50年。), not a year.
    r"产权|使用权|经营权|承包|一遇|一次|一届|一轮|寿命|保修|质保|有效|[\d]|[。，,；;！!？?]))"
)
_YEAR = (
    rf"(?P<bc>公元前|公元)(?P<any>\d{{1,4}})(?=年)"
    # A list shares the last year's 年: 2021、2022年 and 2021、2022两个年度 are all years.
    rf"|(?<![\d.])(?P<y>{YEAR}){_DURATION}(?=(?:[、和与及]{YEAR})*(?:{_SUFFIX}|[两三四五]个(?:年度|学年|年)))"
    rf"|(?<![\d.])(?P<gen>\d0|\d5|0\d)(?=(?:[、，,和与]\d[05])*后(?![\d.]))"
    rf"|(?<![\d.])(?P<decade>(?:1[5-9]|20)\d0)s(?![A-Za-z])"
)
# A year opening a quoted name (“2024护苗”行动, 《2035远景》): a name, so no count word follows.
_QUOTED = rf"(?<=[“《「\"])(?:{YEAR})(?=[{HAN}])(?!(?:余|多|来|万|亿|千|百|{MEASURE}|{UNIT}))"
_SEP = r"\s?(?:[-—–～~至到]|——)\s?"
_RANGE = (
    rf"(?P<open>[(（])(?P<a>{YEAR})(?P<ya>年)?{_SEP}(?P<b>{YEAR})(?P<yb>年)?(?P<close>[)）])"
    rf"|(?<![\d.])(?P<a3>{YEAR})/(?P<b3>{YEAR}|\d\d)(?=赛季|年度|学年)"
    rf"|(?<![\d.])(?P<a2>{YEAR})(?P<ya2>年)?{_SEP}(?P<b2>{YEAR})(?P<yb2>年)?(?![\d.])"
    # 2000-3000元 counts money, not years.
    r"(?!\s?(?:余|多)?(?:元|万|亿|千|百|人|户|个|件|次|名|家|%|％|米|平方|吨|公里|亩|辆|台|套|字|条|项|篇|份|张|kg|km|m))"
)


def _year(m: re.Match[str]) -> str:
    if m["bc"]:
        return m["bc"] + read_digits(m["any"])
    if m["decade"]:
        return read_digits(m["decade"]) + "年代"
    return read_digits(m["y"] or m["gen"])


def read_year_range(a: str, b: str, year_mark: bool, first_mark: bool = False) -> str:
    """二零二三至二零二六, with each 年 that was written (2008—2010年, 2023年至2025年)."""
    return f"{read_digits(a)}{'年' if first_mark else ''}至{read_digits(b)}" + ("年" if year_mark else "")


def _range(m: re.Match[str]) -> str:
    if m["a3"]:
        return f"{read_digits(m['a3'])}至{read_digits(m['b3'])}"
    a, b = m["a"] or m["a2"], m["b"] or m["b2"]
    if int(b) <= int(a):
        return f"{read_int(a)}到{read_int(b)}" + ("年" if m["yb"] or m["yb2"] else "")
    if m["open"]:
        # A bracketed span of years is read without its brackets:
        # 纲要(2021—2025年) → 纲要二零二一至二零二五年.
        return read_year_range(m["a"], m["b"], bool(m["yb"]), bool(m["ya"]))
    return read_year_range(m["a2"], m["b2"], bool(m["yb2"]), bool(m["ya2"]))


SHORT_YEAR = Rule(
    "short_year", lead(r"\d", _SHORT_YEAR), lambda m: read_digits(m.group(0)), needs("年"), needs("0")
)
YEAR_RULE = Rule("year", lead(r"公\d", _YEAR), _year, needs("年届级版赛财学后公s"))
QUOTED_YEAR = Rule("quoted_year", lead(r"12", _QUOTED), lambda m: read_digits(m.group(0)), needs('“《「"'))
YEAR_RANGE = Rule("year_range", lead(r"(（\d", _RANGE), _range, needs("-—–～~至到/"))
