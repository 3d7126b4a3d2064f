"""Cardinals, ordinals and list numbers.

* ``共3.07万户`` → 共三点零七万户; ``2户`` → 两户; ``-5`` → 负五; ``1,200`` → 一千二百
* ``第2批`` → 第二批; ``2`` → 二
* ``1. 优化`` (a list number at a line start) → 一、优化
* ``95#汽油`` → 九十五号汽油; ``1,250,000.00元`` → 一百二十五万元 (no zero cents)
* ``Ⅳ级`` → 四级; ``Ⅲ期`` → 三期; ``IV级`` → 四级 (Latin capitals only before a grade word)
* ``.5`` → 零点五; informal ``w`` for 万: ``800w`` → 八百万, ``1.5w`` → 一点五万
"""

from __future__ import annotations

import re

from reader.han import HAN
from reader.normalize.engine import Rule
from reader.normalize.engine import lead
from reader.normalize.engine import needs
from reader.normalize.lexicon import NOT_AFTER_COUNT
from reader.normalize.lexicon import NUM
from reader.normalize.lexicon import is_counted
from reader.normalize.numbers import read_amount
from reader.normalize.numbers import read_decimal
from reader.normalize.numbers import read_digits

_CARDINAL = (
    rf"(?P<sign>(?<![\dA-Za-z.\-−])(?<!\d[日月年时号]){NOT_AFTER_COUNT}[-−－](?=\d))?(?<![\d.])(?P<num>{NUM})"
    r"|(?P<digits>\d+)"
)
# 第2023-001号 is a serial number (a zero-led part after the dash), read as the serial rule reads one.
_ORDINAL = re.compile(
    r"第(?P<code>\d+(?:-\d+)*-0\d+(?:-\d+)*)(?![\d.])"
    r"|第(?P<num>\d+(?:\.\d+)*)(?:\s?(?:[-—–～~至到]|——)\s?(?P<last>\d+)(?![\d.])"
    # More ranks listed after the first share its 第: 第1、2名 → 第一、二名 (not 两名).
    r"|(?P<more>(?:[、和/]\d{1,3}(?![\d.%/]))+))?"
)
# A sum in 元 (1,250,000.00元): its zero cents are not read.
_YUAN = re.compile(r"(?:万|亿|万亿)?元")
# "1." "1、" after a line start, space or colon; "1）" only at a line start (mid-line it closes a bracket).
_LIST = (
    r"(?:(?:^|(?<=[\s：:。；;！？]))(?P<num>\d{1,2})[.．、]|^\s*(?P<num2>\d{1,2})[)）])(?!\d)\s*"
    # The item may open with a year after a space: "1. 2023年…" (but "1. 5万" is a damaged 1.5万).
    rf"(?:(?=[{HAN}“《(（])|(?<=\s)(?=\d{{4}}年))"
)


ROMAN_CHARS = "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫⅰⅱⅲⅳⅴⅵⅶⅷⅸⅹⅺⅻ"
_ROMAN_ASCII = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}
_ROMAN = re.compile(
    rf"(?P<char>[{ROMAN_CHARS}])"
    rf"|(?<![A-Za-z\d])(?P<ascii>{'|'.join(sorted(_ROMAN_ASCII, key=len, reverse=True))})"
    # V型反弹 and X型 are shapes, so before 型 only I..IV count (II型糖尿病).
    r"(?:(?=[类级期])|(?<![VX])(?=型))"
)


# A number sign after a number is 号: 95#汽油 → 九十五号汽油, 6#楼 → 六号楼.
_HASH = re.compile(r"(?<![\dA-Za-z.])(?P<num>\d{1,4})[#＃](?![\d#＃])")


def _roman(m: re.Match[str]) -> str:
    if m["char"]:
        # The Unicode numerals run Ⅰ..Ⅻ then ⅰ..ⅻ, twelve of each.
        return read_decimal(str(ROMAN_CHARS.index(m["char"]) % 12 + 1))
    return read_decimal(str(_ROMAN_ASCII[m["ascii"]]))


def _cardinal(m: re.Match[str]) -> str:
    if m["digits"] is not None:
        # A run glued to a letter or decimal point that no other rule explained: read its digits.
        return read_digits(m["digits"])
    number = m["num"]
    if number.startswith("0") and len(number) > 1 and number[1].isdecimal():
        # 007, 0086: a zero-led run is a code, not a count.
        return read_digits(number)
    if (
        len(number) >= 7
        and number[:2] in ("19", "20")
        and number.isdecimal()
        and m.string[m.end() : m.end() + 1] == "号"
    ):
        # 生产备20150012号: a year then a serial, as registers number their entries.
        return read_digits(number, phone=True)
    if _YUAN.match(m.string, m.end()):
        return read_amount(number) if not m["sign"] else "负" + read_amount(number)
    spoken = read_decimal(number, counted=is_counted(m.string, m.end()))
    return ("负" + spoken) if m["sign"] else spoken


def _ordinal(m: re.Match[str]) -> str:
    if m["code"]:
        return "第" + "杠".join(read_digits(part, phone=True) for part in m["code"].split("-"))
    if _is_code(m["num"], m.string[m.end() : m.end() + 1]):
        # 第000123456号, 地字第500105202300012号: a certificate's number, not a rank.
        return (
            "第" + read_digits(m["num"], phone=True) + (f"至{read_decimal(m['last'])}" if m["last"] else "")
        )
    last = f"至{read_decimal(m['last'])}" if m["last"] else ""
    if m["more"]:
        last = re.sub(r"\d+", lambda part: read_decimal(part.group(0)), m["more"]).replace("/", "、")
    # 第3.2.1条 names a clause by its section numbers: each dotted part is a number of its own.
    return "第" + "点".join(read_decimal(part) for part in m["num"].split(".")) + last


def _is_code(number: str, after: str) -> bool:
    if not number.isdecimal():
        return False
    # 第2024001号, 不动产权第1234567号: six digits or more before 号 number a certificate, not a rank.
    serial = len(number) >= 6 and after == "号"
    return serial or len(number) >= 8 or (len(number) > 1 and number.startswith("0"))


def _list_number(m: re.Match[str]) -> str:
    lead = m.group(0)[: len(m.group(0)) - len(m.group(0).lstrip())]
    return lead + read_decimal(m["num"] or m["num2"]) + "、"


# Informal text writes 万 as w (粉丝800w, 月薪1.5w); a capital W stays the watt of measure.
_WAN = rf"(?<![\d.A-Za-z])(?P<num>{NUM})w(?![A-Za-z])"
WAN = Rule(
    "wan", lead(r"\d.", _WAN), lambda m: read_decimal(m["num"], counted=True) + "万", needs("w"), needs("0")
)
ROMAN = Rule("roman", _ROMAN, _roman, needs(ROMAN_CHARS + "IVX"))
NUMBER_SIGN = Rule("number_sign", _HASH, lambda m: read_decimal(m["num"]) + "号", needs("#＃"))
CARDINAL = Rule("cardinal", lead(r"-−－.\d", _CARDINAL), _cardinal, needs("0"))
ORDINAL = Rule("ordinal", _ORDINAL, _ordinal, needs("第"))
LIST_NUMBER = Rule("list_number", lead(r"\d\s", _LIST, re.M), _list_number, needs(".．、)）"))
