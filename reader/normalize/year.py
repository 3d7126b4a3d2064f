"""Years read digit by digit, and year ranges; durations stay numbers (连续13年 → 连续十三年).

* ``2023年`` → 二零二三年; ``2024届`` → 二零二四届; ``公元前221年`` → 公元前二二一年
* ``90后`` → 九零后; ``(2023—2026)`` → 二零二三至二零二六; ``2008—2010年`` → 二零零八至二零一零年
"""

from __future__ import annotations

import re

from reader.normalize.engine import Rule
from reader.normalize.engine import needs
from reader.normalize.numbers import read_digits
from reader.normalize.numbers import read_int

YEAR = r"(?:1[5-9]|20)\d\d"
_SUFFIX = r"年(?!来|间|多|余|左右|以上|之久|历史|的历史|悠久)|届|级|年度|版|赛季|财年|学年|年代"
# Checked after the four digits (cheap), not before every character: 连续2000年 is a duration.
_DURATION = "".join(rf"(?<!{cue}\d{{4}})" for cue in "连续 历时 长达 持续 近 约 超 满 过去 未来".split())

_YEAR = re.compile(
    rf"(?P<bc>公元前|公元)(?P<any>\d{{1,4}})(?=年)"
    rf"|(?<![\d.])(?P<y>{YEAR}){_DURATION}(?=(?:{_SUFFIX}))"
    rf"|(?<![\d.])(?P<gen>\d0|\d5|0\d)(?=(?:[、，,和与]\d[05])*后(?![\d.]))"
    rf"|(?<![\d.])(?P<decade>(?:1[5-9]|20)\d0)s(?![A-Za-z])"
)
_SEP = r"\s?(?:[-—–～~至到]|——)\s?"
_RANGE = re.compile(
    rf"(?P<open>[(（])(?P<a>{YEAR})(?P<ya>年)?{_SEP}(?P<b>{YEAR})(?P<yb>年)?(?P<close>[)）])"
    rf"|(?<![\d.])(?P<a3>{YEAR})/(?P<b3>\d\d)(?=赛季|年度|学年)"
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


YEAR_RULE = Rule("year", _YEAR, _year, needs("年届级版赛财学后公s"))
YEAR_RANGE = Rule("year_range", _RANGE, _range, needs("-—–～~至到/"))
