"""Ranges between counts, percents, measures and temperatures (years, dates, times have their own).

* ``3-5天`` → 三到五天; ``2～3个`` → 两到三个; ``30%-50%`` → 百分之三十到百分之五十
* ``-5~3℃`` → 零下五到三摄氏度; ``10-20km`` → 十到二十公里; ``1至3季度`` → 一至三季度 (a written 至 stays)
* ``1.5万-2万元`` → 一点五万到两万元; ``8点-12点`` → 八点至十二点; ``4级-5级`` → 四级到五级
"""

from __future__ import annotations

import re

from reader.normalize.engine import Rule
from reader.normalize.engine import lead
from reader.normalize.engine import needs
from reader.normalize.fraction import percent_words
from reader.normalize.lexicon import NUM
from reader.normalize.lexicon import UNIT
from reader.normalize.lexicon import UNITS
from reader.normalize.lexicon import is_counted
from reader.normalize.numbers import read_decimal

# One end: sign, number, an optional 万/亿 scale (1.5万-2万元) and an optional unit. The space before
# the unit is taken only with the unit, so a range never swallows the space after it.
_END = r"(?P<{0}sign>[-−+])?(?P<{0}>{1})(?P<{0}s>万亿|万|亿)?(?:\s?(?P<{0}u>[%％‰]|{2}))?"
_RANGE = (
    rf"(?<![\d.A-Za-z:/\-]){_END.format('a', NUM, UNIT)}\s?(?P<sep>[-—–～~至到]|——)\s?"
    rf"{_END.format('b', NUM, UNIT)}(?!\.?\d|[:/A-Za-z])"
)
_COLD = frozenset({"℃", "°C", "℉", "°F"})


def _end(sign: str | None, number: str, scale: str | None, unit: str | None, counted: bool) -> str:
    sign_word = {"-": "负", "−": "负", "+": "正"}.get(sign or "", "")
    if unit in ("%", "％", "‰"):
        return sign_word + percent_words(number, unit)
    spoken = read_decimal(number, counted=counted or bool(scale)) + (scale or "")
    if sign == "+":
        return "正" + spoken + (UNITS[unit] if unit else "")
    if sign:
        spoken = ("零下" if unit in _COLD else "负") + spoken
    return spoken + (UNITS[unit] if unit else "")


def _range(m: re.Match[str]) -> str:
    a_unit, b_unit = m["au"], m["bu"]
    # A written 至 is read 至; a dash or tilde between counts is read 到, as announcers say 三到五天.
    joint = "至" if m["sep"] == "至" else "到"
    counted = bool(b_unit and b_unit not in "%％‰" and b_unit not in _COLD) or is_counted(m.string, m.end())
    if b_unit in ("%", "％", "‰") and not a_unit:
        a_unit = b_unit
    elif b_unit in _COLD and m["asign"]:
        a_unit = a_unit or ""  # 零下 needs the unit kind, not the spoken unit
        first = "零下" + read_decimal(m["a"]) + (m["as"] or "") + (UNITS[a_unit] if a_unit else "")
        return first + joint + _end(m["bsign"], m["b"], m["bs"], b_unit, False)
    first = _end(m["asign"], m["a"], m["as"], a_unit, counted)
    return first + joint + _end(m["bsign"], m["b"], m["bs"], b_unit, counted)


# A dash between two numbers that each carry their word: 8点-12点 → 八点至十二点, 4级-5级 → 四级到五级,
# 5万元-10万元 → 五万元到十万元.
_WORD_DASH = re.compile(r"(?:(?<=\d[点级倍度岁层元])|(?<=[万亿千百]元))\s?(?:——|[—–\-～~])\s?(?=\d)")


def _word_dash(m: re.Match[str]) -> str:
    # A clock hour range is read 至 like other times (9时—17时); counts are read 到.
    return "至" if m.string[m.start() - 1] == "点" else "到"


RANGE = Rule("range", lead(r"-−+.\d", _RANGE), _range, needs("-—–～~至到"))
WORD_DASH = Rule("word_dash", _WORD_DASH, _word_dash, needs("-—–～~"))
