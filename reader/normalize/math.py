"""Ratios, operators and symbols left over after every other class.

* ``1:2`` → 一比二; ``3∶1`` → 三比一
* ``1+N`` → 一加N; ``信用+商务楼宇`` → 信用加商务楼宇; ``±0.5`` → 正负零点五; ``≥`` → 大于等于
* arithmetic: ``9-4=5`` → 九减四等于五; ``12/4=3`` → 十二除以四等于三; powers: ``10^6``, ``10⁶`` → 十的六次方
* match results: ``以5-2获胜`` → 以五比二获胜; ``比分2-2`` → 比分二比二
* breadcrumbs: ``首页 > 政务公开`` → 首页，政务公开 (a separator between Chinese words, not 大于)
"""

from __future__ import annotations

import re

from reader.han import HAN
from reader.normalize.engine import Rule
from reader.normalize.engine import alternation
from reader.normalize.engine import lead
from reader.normalize.engine import needs
from reader.normalize.lexicon import NUM
from reader.normalize.lexicon import SYMBOLS
from reader.normalize.numbers import read_decimal

_RATIO = re.compile(
    rf"(?<![\d.:])(?P<a>{NUM})\s?[:∶：]\s?(?P<b>{NUM})(?P<more>(?:\s?[:∶]\s?{NUM})*)(?![\d:])"
)
_SYMBOL = re.compile(alternation([s for s in SYMBOLS if s]))


# An equation: numbers joined by operators, then = and a result. The = makes every sign an operator,
# so 9-4 is 减 here, never a range (到) or a minus sign.
_OPERATORS = {"+": "加", "-": "减", "−": "减", "—": "减", "×": "乘", "*": "乘", "÷": "除以", "/": "除以"}
_OP = r"\s?[-+−—×*÷/]\s?"
_ARITHMETIC = (
    rf"(?<![\d.A-Za-z])(?P<left>{NUM}(?:{_OP}{NUM})+)\s?[=＝]\s?(?P<minus>[-−])?(?P<right>{NUM})(?![\d.])"
)
_TERM = re.compile(rf"{NUM}|[-+−—×*÷/]")


def _arithmetic(m: re.Match[str]) -> str:
    left = "".join(_OPERATORS.get(t, "") or read_decimal(t) for t in _TERM.findall(m["left"]))
    return f"{left}等于{'负' if m['minus'] else ''}{read_decimal(m['right'])}"


# A dash between two small numbers is a match result (比) when a score word comes before (比分3-3)
# or a result word follows (以5-2获胜). Elsewhere 5-2 stays a range (到) or a date.
_AFTER_SCORE = (
    "获胜 取胜 胜出 战胜 击败 力克 险胜 大胜 完胜 惜败 落败 告负 负于 不敌 战平 逼平 打平 领先 落后 "
    "的比分 的总比分 的大比分 夺冠 晋级"
).split()
_SCORE = re.compile(
    r"(?P<cue>比分为|比分是|总比分|大比分|比分|比数)\s?(?P<a>\d{1,3})\s?[-—–:：]\s?(?P<b>\d{1,3})(?![\d.:：])"
    r"|(?<![\d.:\-])(?P<a2>\d{1,3})\s?[-—–]\s?(?P<b2>\d{1,3})(?![\d.:\-])"
    # One-character result words only where they do not start another word (负责, 输入, 胜任).
    rf"(?={alternation(_AFTER_SCORE)}|平(?![方米均台安稳])|胜(?![任])|负(?![责担面荷])|赢(?![得])|输(?![入出送液电]))"
)


def _score(m: re.Match[str]) -> str:
    if m["cue"]:
        return f"{m['cue']}{read_decimal(m['a'])}比{read_decimal(m['b'])}"
    return f"{read_decimal(m['a2'])}比{read_decimal(m['b2'])}"


# Breadcrumbs (首页 > 政务公开 > 通知公告): > between Chinese words is a separator, read as a pause.
# A chain of two or more, or one with spaces around it; a lone 收入>支出 stays a comparison.
_CRUMB_SEP = r"\s*(?:>>|[>＞»›])\s*"
# Chinese words only: a chain must never swallow a numeral (①, Ⅳ) that another rule reads. Slashes
# chain words of two characters or more (首页/政务公开/通知公告), so 元/吨/年 stays a compound unit.
_HAN = f"[{HAN}]"
_CRUMB = re.compile(
    rf"{_HAN}+(?:{_CRUMB_SEP}{_HAN}+){{2,}}"
    rf"|{_HAN}{{2,}}(?:\s*/\s*{_HAN}{{2,}}){{2,}}(?![{HAN}/])"
    rf"|(?<={_HAN})\s+(?:>>|[>＞»›/])\s+(?=[{HAN}\d])"
)
_ANY_SEP = re.compile(r"\s*(?:>>|[>＞»›/])\s*")


def _crumb(m: re.Match[str]) -> str:
    return _ANY_SEP.sub("，", m.group(0))


# Powers: 10^6 and 10⁶ → 十的六次方 (a superscript right after a digit is an exponent, never a unit).
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_POWER = re.compile(
    rf"(?<![\d.])(?P<base>{NUM})(?:\^(?P<minus>[-−])?(?P<exp>\d+)|(?P<sminus>⁻)?(?P<sup>[{_SUPERSCRIPTS}]+))(?![\d.])"
)


def _power(m: re.Match[str]) -> str:
    exponent = m["exp"] or "".join(str(_SUPERSCRIPTS.index(ch)) for ch in m["sup"])
    sign = "负" if m["minus"] or m["sminus"] else ""
    return f"{read_decimal(m['base'])}的{sign}{read_decimal(exponent)}次方"


def _ratio(m: re.Match[str]) -> str:
    ends = [m["a"], m["b"], *re.findall(NUM, m["more"] or "")]
    return "比".join(read_decimal(e) for e in ends)


ARITHMETIC = Rule("arithmetic", lead(r".\d", _ARITHMETIC), _arithmetic, needs("=＝"))
SCORE = Rule("score", _SCORE, _score, needs("-—–:："))
POWER = Rule("power", _POWER, _power, needs("^" + _SUPERSCRIPTS + "⁻"))
BREADCRUMB = Rule("breadcrumb", _CRUMB, _crumb, needs(">＞»›/"))
RATIO = Rule("ratio", _RATIO, _ratio, needs(":∶："))
SYMBOL = Rule("symbol", _SYMBOL, lambda m: SYMBOLS[m.group(0)], needs("".join(s[0] for s in SYMBOLS)))
