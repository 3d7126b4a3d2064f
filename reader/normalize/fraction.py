"""Percent, permille and fractions.

* ``32.7%`` → 百分之三十二点七; ``-3.2%`` → 负百分之三点二; ``100%`` → 百分之百; ``11.69‰`` → 千分之十一点六九
* ``1/3`` → 三分之一; ``1又1/2`` → 一又二分之一; ``1½`` → 一又二分之一; ``-3/8`` → 负八分之三
* rates: ``9.2/10万`` → 十万分之九点二
* ratings: ``4.8/5分`` → 四点八分，满分五分; ``9.2/10`` → 九点二分，满分十分
"""

from __future__ import annotations

import re

from reader.normalize.engine import Rule
from reader.normalize.engine import lead
from reader.normalize.engine import needs
from reader.normalize.lexicon import LEFT
from reader.normalize.lexicon import NOT_AFTER_COUNT
from reader.normalize.lexicon import NUM
from reader.normalize.lexicon import SYMBOLS
from reader.normalize.numbers import read_decimal

_PERCENT = (
    rf"(?P<sign>(?<![\dA-Za-z.]){NOT_AFTER_COUNT}[-−－+＋](?=\d))?{LEFT}(?P<num>{NUM})\s?(?P<sym>[%％‰‱])"
)
_VULGAR = "½⅓⅔¼¾⅕⅛"
_FRACTION = re.compile(
    rf"(?P<sign>(?<![\dA-Za-z.]){NOT_AFTER_COUNT}[-−－](?=\d))?"
    rf"{LEFT}(?:(?P<whole>\d+)(?:又|\s?(?=[{_VULGAR}])))?"
    rf"(?:(?P<num>\d+)/(?P<den>\d+)(?![\d/])|(?P<vulgar>[{_VULGAR}]))"
    # A range between two fractions: 1/3-1/2 → 三分之一到二分之一.
    r"(?:\s?[-—–～~]\s?(?P<num2>\d+)/(?P<den2>\d+)(?![\d/]))?"
)


# A score over a rating scale: the scale is 5, 10 or 100, and 分 follows, or the score has a decimal
# point (4.8/5, which no plain fraction has), or a scoring word comes first (得分85/100). Read as a
# score with its maximum, as announcers do.
_SCALE = r"\s?/\s?(?P<{0}>(?:5|10|100)(?:\.0)?)(?![\d./])"
_SCORING = r"(?P<cue>(?:评分|得分|打分|评价|测评|考评|满意度)(?:为|是)?[:：]?\s?)"
_RATING = (
    rf"{LEFT}(?:(?P<score>\d+\.\d+){_SCALE.format('scale')}(?:\s?分)?"
    rf"|(?P<whole>\d+){_SCALE.format('wscale')}\s?分)"
    rf"|{_SCORING}(?P<cscore>\d+(?:\.\d+)?){_SCALE.format('cscale')}(?:\s?分)?"
)


def _rating(m: re.Match[str]) -> str:
    if m["cue"]:
        score, scale = m["cscore"], m["cscale"]
    else:
        score, scale = (m["score"], m["scale"]) if m["score"] else (m["whole"], m["wscale"])
    # 5.0 is the scale 5: 满分五分, not 满分五点零分.
    scale = scale.removesuffix(".0")
    return f"{m['cue'] or ''}{read_decimal(score)}分，满分{read_decimal(scale)}分"


# A rate over a round base (孕产妇死亡率9.2/10万, 0.5/万): the base ends in 万 or 亿, so it is a
# denominator, never a rating scale or a plain fraction. Read 十万分之九点二.
_RATE = (
    rf"{LEFT}(?P<num>{NUM})\s?/\s?(?P<base>\d*)(?P<unit>[万亿])"
    # A decimal over a thousand or more is a rate too (0.5/1000); over 5, 10 or 100 it is a rating.
    rf"|{LEFT}(?P<dec>\d+\.\d+)\s?/\s?(?P<round>10{{3,5}})(?![\d.])"
)


def _rate(m: re.Match[str]) -> str:
    if m["dec"]:
        return f"{read_decimal(m['round'])}分之{read_decimal(m['dec'])}"
    base = read_decimal(m["base"]) if m["base"] else ""
    return f"{base}{m['unit']}分之{read_decimal(m['num'])}"


def percent_words(number: str, symbol: str) -> str:
    """``32.7``, ``%`` → 百分之三十二点七 (a whole hundred percent is 百分之百)."""
    head = {"‰": "千分之", "‱": "万分之"}.get(symbol, "百分之")
    if head == "百分之" and number == "100":
        return "百分之百"
    return head + read_decimal(number)


def _percent(m: re.Match[str]) -> str:
    sign = {"-": "负", "−": "负", "－": "负", "+": "正", "＋": "正"}.get(m["sign"] or "", "")
    return sign + percent_words(m["num"], m["sym"])


def _fraction(m: re.Match[str]) -> str:
    if m["vulgar"]:
        spoken = SYMBOLS[m["vulgar"]]
    else:
        spoken = f"{read_decimal(m['den'])}分之{read_decimal(m['num'])}"
    spoken = f"{read_decimal(m['whole'])}又{spoken}" if m["whole"] else spoken
    spoken = "负" + spoken if m["sign"] else spoken
    if m["num2"]:
        spoken += f"到{read_decimal(m['den2'])}分之{read_decimal(m['num2'])}"
    return spoken


PERCENT = Rule("percent", lead(r"-−－+＋.\d", _PERCENT), _percent, needs("%％‰‱"))
RATE = Rule("rate", lead(r".\d", _RATE), _rate, needs("/"))
RATING = Rule("rating", lead(r"\d评得打测考满", _RATING), _rating, needs("/"))
FRACTION = Rule("fraction", _FRACTION, _fraction, needs("/又" + _VULGAR))
