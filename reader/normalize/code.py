"""Codes: document numbers, standards, versions, IP addresses, letter-and-digit codes.

* ``渝府发〔2023〕12号`` → 渝府发二零二三年十二号; ``〔2023〕`` → 二零二三
* ``GB/T 37668-2019`` → GBT三七六六八杠二零一九; ``ISO 9001`` → ISO九零零一
* ``ISO 9001:2015`` → ISO九零零一，二零一五 (the colon is a pause, not 杠)
* ``“1361”`` → 一三六一; ``318国道`` → 三一八国道; ``K1520+300`` → K一千五百二十加三百; ``TOP10`` → TOP十
* ``V2.1.3`` → V二点一点三; ``192.168.1.1`` → 一九二点一六八点一点一; ``G85`` → G八五; ``H7N9`` → H七N九
"""

from __future__ import annotations

import re

from reader.normalize.engine import Rule
from reader.normalize.engine import lead
from reader.normalize.engine import needs
from reader.normalize.lexicon import MEASURE
from reader.normalize.lexicon import UNIT
from reader.normalize.numbers import read_digits
from reader.normalize.numbers import read_int

_DOC = re.compile(r"[〔［\[【(（](?P<y>\d{4})[〕］\]】)）](?:\s?(?P<di>第)?(?P<n>\d+)(?P<hao>\s?号)?)?")
_STD = re.compile(
    r"(?<![A-Za-z])(?P<std>GB/T|GB/Z|GB|GBZ|DB\d{2}/T|DB\d{2}|JGJ/T|JGJ|JT/T|HJ/T|HJ|GA/T|GA|YY/T|YY|WS/T|WS|"
    r"ISO/IEC|ISO|IEC|CJJ|CJ/T|SL|DL/T|NB/T|QB/T|SB/T|JB/T|T/[A-Z]+)\s?(?P<num>\d+(?:[.\-]\d+)*?)"
    r"(?:\s?(?P<dash>[-—–:：])\s?(?P<yr>\d{4}))?(?![\d.])"
    # Any other code of capitals (JTG D60-2015, Q/GDW 1168-2013) is a standard when a year follows.
    r"|(?<![A-Za-z])(?P<std2>(?:[A-Z]{2,5}|[A-Z](?=/))(?:/[A-Z]{1,4})?(?: [A-Z]{1,2})?)\s?"
    r"(?!(?:19|20)\d\d\s?[-—–])(?P<num2>\d+(?:\.\d+)*)"
    r"\s?[-—–]\s?(?P<yr2>(?:19|20)\d\d)(?![\d.])"
)
_VERSION_V = (
    r"(?<![A-Za-z\d.])(?P<v>[Vv]\s?)(?P<num>\d+(?:\.\d+)*)(?![\d.])"
    r"|(?<![A-Za-z\d.])(?P<num2>\d+(?:\.\d+){2,})(?![\d.])"
)
_LETTERS = re.compile(
    r"(?<![A-Za-z\d])(?P<code>[A-Z]{1,6}\d+(?:[A-Z]{1,4}\d*)*|\d+(?:[A-Z]{1,4}\d+)+[A-Z]*)(?![A-Za-z\d]|\.\d)"
)


# A number of three or more digits standing alone in quotes names a slogan or scheme (“1361”整体构架),
# read digit by digit, with or without a closing letter (“415X”); a quoted year (“2035”) is left to the
# year rule's reading as a number.
_QUOTED = r"(?<=[“\"「])(?!(?:19|20)\d\d[”\"」])(?P<n>\d{3,})(?=[A-Z]?[”\"」])"


# Prefixes whose number counts (TOP10 → TOP十, U17 → U十七, COP28 → COP二十八, No.12 → 第十二), and
# virus lineages whose dotted number is read with 点 (BA.5 → BA点五, XBB.1.5 → XBB点一点五).
# Highway stake numbers count kilometres and metres: K1520+300 → K一千五百二十加三百.
_COUNTED = re.compile(
    r"(?<![A-Za-z\d])(?:(?P<pre>TOP|Top|U|COP)(?P<count>\d{1,3})"
    # A strength grade before its material counts (C30混凝土 → C三十, HRB400钢筋 → HRB四百).
    r"|(?P<grade>C|M|MU|HRB|HPB|HRBF|CRB|P)(?P<level>\d{2,3})(?=混凝土|砂浆|钢筋|砖|砌块|抗渗)|(?:[Nn][Oo]\.|№)\s?(?P<no>\d{1,4})"
    # A longer number after No. is a serial number: No.20230001 → 编号二零二三零零零幺.
    r"|(?:[Nn][Oo]\.|№)\s?(?P<serial>\d{5,})"
    r"|K(?P<km>\d{1,4})\+(?P<m>\d{3})"
    r"|(?P<lineage>[A-Z]{2,6})(?P<dots>(?:\.\d+)+))(?![A-Za-z\d]|\.\d)"
)


def _counted(m: re.Match[str]) -> str:
    if m["pre"]:
        return m["pre"] + read_int(m["count"])
    if m["grade"]:
        return m["grade"] + read_int(m["level"])
    if m["no"]:
        return "第" + read_int(m["no"])
    if m["serial"]:
        return "编号" + read_digits(m["serial"], phone=True)
    if m["km"]:
        return f"K{read_int(m['km'])}加{read_int(m['m'])}"
    return m["lineage"] + "".join("点" + read_digits(g) for g in m["dots"][1:].split("."))


# National and provincial road numbers are names, read digit by digit: 318国道, 国道318线 → 三一八.
_ROAD = r"(?<=国道|省道|县道)(?P<a>\d{3})(?!\d)|(?<![\d.])(?P<b>\d{3})(?=国道|省道|县道)"


def _doc(m: re.Match[str]) -> str:
    text = read_digits(m["y"])
    if m["n"]:
        # Announcers keep the year apart from the number: 〔2024〕7号 is 二零二四年七号, never 二零二四七号.
        number = m["n"]
        # A zero-led or long number (浙(2024)0012号) is a register serial, read digit by digit.
        serial = (len(number) > 1 and number.startswith("0")) or len(number) >= 6
        text += "年" + (m["di"] or "") + (read_digits(number, phone=True) if serial else read_int(number))
    return text + ("号" if m["hao"] else "")  # a space before 号 is dropped


def _std(m: re.Match[str]) -> str:
    # GB/T is said "GBT": the slash is never voiced, and left in the text a TTS engine may read it
    # as 每 or 斜杠. The dash before the year is voiced 杠, as a bare dash is silent in TTS.
    std, number, year = (m["std"], m["num"], m["yr"]) if m["std"] else (m["std2"], m["num2"], m["yr2"])
    parts = re.split(r"([.\-])", number)
    spoken = "".join(read_digits(p) if p.isdecimal() else ("点" if p == "." else "杠") for p in parts)
    std = re.sub(r"\d+", lambda d: read_digits(d.group(0)), std.replace("/", ""))
    # ISO 9001:2015 names its edition after a colon: a pause, where a dash (GB 50016-2014) is voiced 杠.
    joint = "，" if m["std"] and m["dash"] in (":", "：") else "杠"
    return f"{std}{spoken}" + (f"{joint}{read_digits(year)}" if year else "")


def _version(m: re.Match[str]) -> str:
    number = m["num"] or m["num2"]
    prefix = (m["v"] or "").strip()
    groups = number.split(".")
    # Versions and addresses read each dotted group: V2.1.3 → 二点一点三, 192.168 → 一九二点一六八.
    spoken = "点".join(
        read_int(g) if len(g) <= 2 and not g.startswith("0") else read_digits(g) for g in groups
    )
    return prefix + spoken


def _letters(m: re.Match[str]) -> str:
    return re.sub(r"\d+", lambda d: read_digits(d.group(0)), m["code"])


_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# A stainless steel grade is a name, read digit by digit: 304不锈钢 → 三零四不锈钢, 316L → 三一六L.
_STEEL = r"(?<![\d.])(?P<n>[2-9]\d\d)(?P<l>L?)(?=不锈钢)"
STEEL = Rule("steel", lead(r"2-9", _STEEL), lambda m: read_digits(m["n"]) + m["l"], needs("钢"))
# A figure or table numbered by chapter (图2-1, 表3-2) is read 图二杠一: the dash is no range, and no
# count follows (代表2-3人 stays a range).
_FIGURE = (
    rf"(?<=[图表])(?<!代表)(?<!发表)(?P<a>\d{{1,2}})[-－](?P<b>\d{{1,2}})(?![\d.])"
    rf"(?:(?=所示)|(?!\s?(?:余|多)?(?:{MEASURE}|{UNIT})))"
)
FIGURE = Rule(
    "figure",
    lead(r"\d", _FIGURE),
    lambda m: f"{read_int(m['a'])}杠{read_int(m['b'])}",
    needs("图表"),
    needs("-－"),
)
COUNTED_CODE = Rule("counted_code", _COUNTED, _counted, needs("TUNn№" + _UPPER))
ROAD = Rule("road", lead(r"\d", _ROAD), lambda m: read_digits(m["a"] or m["b"]), needs("国省县"))
QUOTED_CODE = Rule("quoted_code", lead(r"\d", _QUOTED), lambda m: read_digits(m["n"]), needs('“"「'))
DOC_NUMBER = Rule("doc_number", _DOC, _doc, needs("〔［[【(（"))
STANDARD = Rule("standard", _STD, _std, needs(_UPPER))
VERSION = Rule("version", lead(r"Vv\d", _VERSION_V), _version, needs(".Vv"))
LETTER_CODE = Rule("letter_code", _LETTERS, _letters, needs(_UPPER))
