"""Regex fragments shared by the class modules, built once from the TSV word lists."""

from __future__ import annotations

import re

from reader.normalize.engine import alternation
from reader.normalize.engine import load_table

# A plain number: comma groups (1,200,000), space groups (5 000, 10 000 000; thin spaces too, as
# literals: a set holding them would cost milliseconds to compile in every pattern using NUM) or a
# digit run, with an optional decimal part; or a decimal written without its leading zero
# (.5 → 零点五) where no digit, letter or point precedes.
NUM = (
    r"(?:(?:\d{1,3}(?:,\d{3})+(?!\d)|\d{1,3}(?:(?: |\u00a0|\u2009|\u202f)\d{3})+(?![\d,])|\d+)(?:\.\d+)?"
    r"|(?<![\dA-Za-z.])\.\d+)"
)
# No digit, decimal point or Latin letter glued on the left (keeps "V2.1" or "3.5" whole).
LEFT = r"(?<![\d.A-Za-z])"
# A dash right after a number and its word (8点-12点, 4级-5级, 5万元-10万元) joins a range: it is not a
# minus sign.
NOT_AFTER_COUNT = r"(?<!\d[点级倍度岁层分秒元])(?<![万亿千百]元)"
# Dashes and tildes used between the two ends of a range.
RANGE_SEP = r"[-—–～~至到]|——|－"

UNITS = load_table("units")
CURRENCIES = load_table("currency")
SYMBOLS = load_table("symbols")
HOTLINES = load_table("hotlines")
WHITELIST = load_table("whitelist")

UNIT = alternation(list(UNITS))
# 年级/年代/月 etc. are ordinals or dates, never counted: 二年级, 二月.
# 2期工程 is phase two, not two phases: 期 before the project it names is an ordinal.
MEASURE = rf"(?:{alternation(list(load_table('measure_words')))})(?!级|代|型|号)(?!(?<=期)(?:工程|项目))"
# A number right before an opening quote counts the quoted things: 对2“示范村” → 对两“示范村”.
MEASURE_RE = re.compile(rf"[ \t\u3000]?(?:余|多|来)?{MEASURE}|“")


def is_counted(text: str, end: int) -> bool:
    """True when a measure word follows ``end``: the number counts something (两户, 两公里)."""
    return MEASURE_RE.match(text, end) is not None
