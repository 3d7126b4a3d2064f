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
from reader.normalize.numbers import read_digits

# A ratio word a few characters before (师生比不低于1:15, 比例为1:3) makes the colon 比, never a clock
# time; the word is kept in the match so this reading starts first and wins over the time.
_RATIO_VERBS = "约为 为 是 约 达到 达 不低于 不高于 不超过 不少于 不大于 不小于 控制在 保持在".split()
_RATIO_CUE = rf"(?P<cue>比(?:例|值|例尺)?(?:{alternation(_RATIO_VERBS)})?\s?)?"
_RATIO = lead(
    r"比\d.",
    rf"{_RATIO_CUE}(?<![\d.:])(?P<a>{NUM})\s?[:∶：]\s?(?P<b>{NUM})(?P<more>(?:\s?[:∶]\s?{NUM})*)(?![\d:])",
)
_SYMBOL = re.compile(alternation([s for s in SYMBOLS if s]))


# An equation: numbers joined by operators, then = and a result. The = makes every sign an operator,
# so 9-4 is 减 here, never a range (到) or a minus sign.
_OPERATORS = {"+": "加", "-": "减", "−": "减", "—": "减", "×": "乘", "*": "乘", "÷": "除以", "/": "除以"}
_OP = r"\s?[-+−—×*÷/]\s?"
# A term is a number or a one-letter variable (x-1=0 → x减一等于零).
_VAR = r"(?<![A-Za-z])[a-z](?![A-Za-z])"
# A variable alone may stand on the left (当x=2时 → 当x等于二时, not 两时).
_ARITHMETIC = (
    rf"(?<![\d.A-Za-z])(?P<left>(?:{NUM}|{_VAR})(?:{_OP}(?:{NUM}|{_VAR}))+|{_VAR})\s?[=＝]\s?(?P<minus>[-−])?"
    rf"(?P<right>{NUM})(?:/(?P<rden>\d+))?(?![\d.:：∶])"
)
_TERM = re.compile(rf"{NUM}/{NUM}|{NUM}|[-+−—×*÷/]|[a-z]")


def _term(term: str, fractions: bool) -> str:
    if term.isalpha():
        return term
    if "/" in term and term != "/":
        numerator, denominator = term.split("/")
        # A proper fraction (3/4+1/4=1), or any when the result is one (1/2+1/3=5/6); else it divides
        # (12/4=3, 10/2+3=8).
        if fractions or float(re.sub(r"[^\d.]", "", numerator)) < float(re.sub(r"[^\d.]", "", denominator)):
            return f"{read_decimal(denominator)}分之{read_decimal(numerator)}"
        return f"{read_decimal(numerator)}除以{read_decimal(denominator)}"
    return _OPERATORS.get(term, "") or read_decimal(term)


def _arithmetic(m: re.Match[str]) -> str:
    fractions = bool(m["rden"])
    left = "".join(_term(t, fractions) for t in _TERM.findall(m["left"]))
    right = read_decimal(m["right"])
    if m["rden"]:
        right = f"{read_decimal(m['rden'])}分之{right}"
    return f"{left}等于{'负' if m['minus'] else ''}{right}"


# A formula in words (应纳税额=应纳税所得额×适用税率-速算扣除数): after its =, a dash or slash between
# two words is 减 or 除以, not a silent hyphen. The numbers inside are left to their own rules.
_FORMULA = (
    r"[=＝](?=[^\d，。；;,\n]*?[" + HAN + r")）][-−/][" + HAN + r"(（])"
    r"[" + HAN + r"()（）×÷+\-−/*]+"
)
_FORMULA_SIGNS = {"=": "等于", "＝": "等于", **_OPERATORS}


# A dash between two small numbers is a match result (比) when a score word comes before (比分3-3)
# or a result word follows (以5-2获胜). Elsewhere 5-2 stays a range (到) or a date.
_AFTER_SCORE = (
    "获胜 取胜 胜出 战胜 击败 力克 险胜 大胜 完胜 惜败 落败 告负 负于 不敌 战平 逼平 打平 领先 落后 "
    "的比分 的总比分 的大比分 夺冠 晋级 横扫 零封 拿下 赢下 轻取 逆转 绝杀 力压 击溃"
).split()
_SCORE = re.compile(
    r"(?P<cue>比分为|比分是|总比分|大比分|比分|比数|首局|次局|决胜局|第[一二三四五六七]局)\s?"
    r"(?P<a>\d{1,3})\s?[-—–:：]\s?(?P<b>\d{1,3})(?![\d.:：])"
    # Set scores listed after the first: 比分为25-20、25-22、25-18.
    r"(?P<more>(?:[、，,]\d{1,3}[-—–:：]\d{1,3}(?![\d.:：]))*)"
    r"|(?<![\d.:\-])(?P<a2>\d{1,3})\s?[-—–]\s?(?P<b2>\d{1,3})(?![\d.:\-])"
    # One-character result words only where they do not start another word (负责, 输入, 胜任).
    rf"(?={alternation(_AFTER_SCORE)}|平(?![方米均台安稳])|胜(?![任])|负(?![责担面荷])|赢(?![得])|输(?![入出送液电]))"
)


# A team formation is single digits joined by dashes before 阵型 (4-2-3-1阵型 → 四二三一阵型): never a range.
_FORMATION = r"(?<![\d.\-])\d(?:-\d){2,4}(?=阵型|阵容|阵)"


def _score(m: re.Match[str]) -> str:
    if m["cue"]:
        more = re.sub(
            r"(\d+)[-—–:：](\d+)", lambda s: f"{read_decimal(s[1])}比{read_decimal(s[2])}", m["more"] or ""
        )
        return f"{m['cue']}{read_decimal(m['a'])}比{read_decimal(m['b'])}{more}"
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


# A root sign before a number: √2 → 根号二 (alone, √ is a tick in a table and is left alone).
_ROOT = re.compile(rf"√\s?(?P<num>{NUM})")


def _ratio(m: re.Match[str]) -> str:
    ends = [m["a"], m["b"], *re.findall(NUM, m["more"] or "")]
    return (m["cue"] or "") + "比".join(read_decimal(e) for e in ends)


FORMULA = Rule(
    "formula",
    lead("=＝", _FORMULA),
    lambda m: "".join(_FORMULA_SIGNS.get(ch, ch) for ch in m.group(0)),
    needs("=＝"),
    needs("-−/"),
)
ARITHMETIC = Rule("arithmetic", lead(r".\da-z", _ARITHMETIC), _arithmetic, needs("=＝"))
SCORE = Rule("score", _SCORE, _score, needs("-—–:："))
FORMATION = Rule(
    "formation", lead(r"\d", _FORMATION), lambda m: read_digits(m.group(0).replace("-", "")), needs("阵")
)
POWER = Rule("power", _POWER, _power, needs("^" + _SUPERSCRIPTS + "⁻"))
BREADCRUMB = Rule("breadcrumb", _CRUMB, _crumb, needs(">＞»›/"))
RATIO = Rule("ratio", _RATIO, _ratio, needs(":∶："))
ROOT = Rule("root", _ROOT, lambda m: "根号" + read_decimal(m["num"]), needs("√"))
SYMBOL = Rule("symbol", _SYMBOL, lambda m: SYMBOLS[m.group(0)], needs("".join(s[0] for s in SYMBOLS)))
