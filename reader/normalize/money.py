"""Money written with a currency sign or code before the amount, or a currency code after it.

* ``¥13.5`` → 十三点五元; ``$2`` → 两美元; ``US$1,200`` → 一千二百美元; ``HK$3亿`` → 三亿港元
* ``500 USD`` → 五百美元
* ``￥500元`` → 五百元 (the written 元 is not doubled); ``¥3,560,000.00`` → 三百五十六万元 (no zero cents)
"""

from __future__ import annotations

import re

from reader.normalize.engine import Rule
from reader.normalize.engine import alternation
from reader.normalize.engine import needs
from reader.normalize.lexicon import CURRENCIES
from reader.normalize.lexicon import NUM
from reader.normalize.numbers import read_amount

_MONEY = re.compile(
    rf"(?<![A-Za-z])(?P<cur>{alternation(list(CURRENCIES))})\s?(?P<sign>[-−])?(?P<num>{NUM})"
    rf"(?P<scale>万亿|千万|百万|万|亿|千|百)?(?P<yuan>元)?"
    # A currency code may follow the amount instead (500 USD, 3亿 EUR): only the three-letter codes.
    rf"|(?<![\d.])(?P<num2>{NUM})(?P<scale2>万亿|千万|百万|万|亿|千|百)?\s?"
    rf"(?P<code>{alternation([c for c in CURRENCIES if re.fullmatch('[A-Z]{3}', c)])})(?![A-Za-z])"
)


def _money(m: re.Match[str]) -> str:
    if m["code"]:
        return read_amount(m["num2"]) + (m["scale2"] or "") + CURRENCIES[m["code"]]
    scale = m["scale"] or ""
    amount = read_amount(m["num"]) + scale
    unit = CURRENCIES[m["cur"]]
    if m["yuan"] and unit.startswith("元"):
        unit = "元" + unit[1:]
    elif m["yuan"]:
        unit = unit + "元" if not unit.endswith("元") else unit
    return ("负" if m["sign"] else "") + amount + unit


MONEY = Rule("money", _MONEY, _money, needs("".join(c[0] for c in CURRENCIES)))
