"""Shared number readings reused by every class (WeTextProcessing's ``Money(cardinal=…)`` idea).

* ``read_int("200") == "两百"`` while a bare ``2`` is ``二`` and a counted ``2`` (两户) is ``两``;
* ``read_digits("2008") == "二零零八"``; ``read_digits("12306", phone=True) == "幺二三零六"``;
* ``read_decimal("0.6") == "零点六"``.

Digits may be any Unicode decimal digit (full-width ``２０２４`` too): ``int()`` accepts them all.
"""

from __future__ import annotations

from functools import lru_cache

DIGITS = "零一二三四五六七八九"
_PLACES = ("", "十", "百", "千")
_GROUPS = ("", "万", "亿", "万亿")


def digit_value(ch: str) -> int:
    """The value of one decimal digit character of any script."""
    return int(ch)


def read_digits(digits: str, *, phone: bool = False, point: bool = False) -> str:
    """Read a digit string one digit at a time; ``phone`` speaks 1 as 幺 (as on a telephone), and
    with ``point`` a ``.`` is read 点 (``2.5`` → 二点五); anything else is skipped."""
    table = "零幺二三四五六七八九" if phone else DIGITS
    kept = (ch for ch in digits if ch.isdecimal() or (point and ch == "."))
    return "".join(table[int(ch)] if ch.isdecimal() else "点" for ch in kept)


def _read_group(value: int, lead: bool) -> str:
    """Read 1..9999; ``lead`` says this group starts the whole number (一十 → 十, 2 → 两)."""
    out: list[str] = []
    zero_pending = False
    started = False
    for place in (3, 2, 1, 0):
        d = value // 10**place % 10
        if d == 0:
            zero_pending = started
            continue
        if zero_pending:
            out.append("零")
            zero_pending = False
        if d == 1 and place == 1 and lead and not started:
            out.append("十")
        elif d == 2 and lead and not started and (place == 3 or (place == 2 and value % 100 == 0)):
            # 两千三百, 两百 but 二百三十八: broadcast Mandarin keeps 二 before a non-round 百.
            out.append("两" + _PLACES[place])
        else:
            out.append(DIGITS[d] + _PLACES[place])
        started = True
    return "".join(out)


# Pages repeat the same few numbers (years, 1 to 100, percents): each is spelled out once.
@lru_cache(maxsize=4096)
def read_int(digits: str, *, counted: bool = False) -> str:
    """Read an integer written in digits (commas allowed) as a Chinese cardinal.

    ``counted`` marks a number that counts something (两户, 两公里): a lone 2 becomes 两.
    Numbers too large for 万亿 grouping are read digit by digit.
    """
    clean = "".join(ch for ch in digits if ch.isdecimal())
    if not clean:
        return ""
    value = int(clean)
    if value == 0:
        return "零"
    if value == 2:
        return "两" if counted else "二"
    if value >= 10**16:
        return read_digits(clean)
    groups: list[int] = []
    while value:
        groups.append(value % 10000)
        value //= 10000
    out: list[str] = []
    need_zero = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        lead = index == len(groups) - 1
        if group == 0:
            need_zero = True
            continue
        if not lead and (need_zero or group < 1000):
            out.append("零")
        need_zero = False
        if lead and group == 2 and index > 0:
            out.append("两")
        else:
            out.append(_read_group(group, lead))
        out.append(_GROUPS[index])
    return "".join(out)


@lru_cache(maxsize=4096)
def read_decimal(number: str, *, counted: bool = False) -> str:
    """Read ``12.05`` as 十二点零五; an integer is read by :func:`read_int`."""
    number = "".join(ch for ch in number if ch not in ",， \u00a0\u2009\u202f")
    if "." not in number:
        return read_int(number, counted=counted)
    whole, frac = number.split(".", 1)
    head = read_int(whole) if whole else "零"
    return f"{head}点{read_digits(frac)}" if frac else head


def read_amount(number: str, *, counted: bool = True) -> str:
    """Read a sum of money without trailing zero cents (1,250,000.00 → 一百二十五万, 12.50 → 十二点五)."""
    if "." in number:
        number = number.rstrip("0").rstrip(".")
    return read_decimal(number, counted=counted)


def read_signed(number: str, *, counted: bool = False) -> str:
    """Read a number with an optional sign (``-3.2`` → 负三点二, ``+5`` → 正五)."""
    if number[:1] in "-−－":
        return "负" + read_decimal(number[1:])
    if number[:1] in "+＋":
        return "正" + read_decimal(number[1:])
    return read_decimal(number, counted=counted)
