"""Text damaged by page scrapers, read as what was meant rather than as one huge number.

* ``202310月`` (lost 年) → 二零二三年十月
* ``20212025年`` (lost —) → 二零二一至二零二五年
* a lone ``202427`` or ``20240207`` line (a date under a signature) → 二零二四年二月七日
"""

from __future__ import annotations

import re

from reader.normalize.date import DAY
from reader.normalize.date import MONTH
from reader.normalize.engine import Rule
from reader.normalize.engine import lead
from reader.normalize.engine import needs
from reader.normalize.numbers import read_digits
from reader.normalize.numbers import read_int

_YEAR = r"(?:19|20)\d\d"
_DAMAGE = (
    rf"(?<![\d.])(?P<y>{_YEAR})(?P<m>1[0-2]|0?[1-9])(?=月)"
    rf"|(?<![\d.])(?P<a>{_YEAR})(?P<b>{_YEAR})(?=年)"
)
_LONE_DATE = rf"^\s*(?P<ly>{_YEAR})(?P<lm>{MONTH})(?P<ld>{DAY})\s*$"


def _damage(m: re.Match[str]) -> str:
    if m["y"]:
        return f"{read_digits(m['y'])}年{read_int(m['m'])}"
    return f"{read_digits(m['a'])}至{read_digits(m['b'])}"


def _lone_date(m: re.Match[str]) -> str:
    text = m.group(0)
    lead = text[: len(text) - len(text.lstrip())]
    tail = text[len(text.rstrip()) :]
    return f"{lead}{read_digits(m['ly'])}年{read_int(m['lm'])}月{read_int(m['ld'])}日{tail}"


DAMAGE = Rule("damage", lead(r"\d", _DAMAGE), _damage, needs("年月"), needs("0"))
# The same reading; a rule of its own because it needs no 年 or 月 in view.
LONE_DATE = Rule("lone_date", lead(r"\d\s", _LONE_DATE, re.M), _lone_date, needs("0"))
