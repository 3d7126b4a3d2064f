"""Measure units after a number, temperatures, and the per-slash of compound units.

* ``25kg`` → 二十五千克; ``2km`` → 两公里; ``120m²`` → 一百二十平方米; ``10km/h`` → 十公里每小时
* ``-5℃`` → 零下五摄氏度; ``38°C`` → 三十八摄氏度
* ``元/吨`` → 元每吨; ``120m³/h`` → 一百二十立方米每小时; ``元/kg`` → 元每千克
"""

from __future__ import annotations

import re

from reader.han import HAN
from reader.normalize.engine import Rule
from reader.normalize.engine import lead
from reader.normalize.engine import needs
from reader.normalize.lexicon import NOT_AFTER_COUNT
from reader.normalize.lexicon import NUM
from reader.normalize.lexicon import UNIT
from reader.normalize.lexicon import UNITS
from reader.normalize.numbers import read_decimal

_MEASURE = (
    rf"(?P<sign>(?<![\dA-Za-z.])(?<!\d[日月年时号]){NOT_AFTER_COUNT}[-−－](?=\d))?"
    rf"(?<![\d.])(?P<num>{NUM})(?P<scale>万|亿)?\s?(?P<unit>{UNIT})(?![A-Za-z])"
)
_PER_UNITS = (
    "吨|千克|公斤|克|斤|平方米|平方公里|立方米|米|公里|千米|公顷|亩|人次|人|户|次|件|天|日|周|月|年|小时|分钟|秒|"
    "棵|株|箱|袋|瓶|盒|床|桶|股|本|例|场|座|d|"
    "台|辆|套|间|张|份|只|头|个|家|度|升|毫升|千瓦时|" + UNIT
)
# "/" between a unit and a unit: 元/吨 → 元每吨, 次/分 → 次每分.
# A Latin unit after the slash is spoken too: 立方米/h → 立方米每小时, 元/kg → 元每千克.
_PER = re.compile(rf"(?<=[{HAN}²³A-Za-z])/(?P<unit>{_PER_UNITS})(?![A-Za-z])")
_TEMPERATURE = frozenset({"℃", "°C", "℉", "°F"})


def _measure(m: re.Match[str]) -> str:
    unit = m["unit"]
    number = read_decimal(m["num"], counted=unit not in _TEMPERATURE)
    if m["sign"]:
        number = ("零下" if unit in _TEMPERATURE else "负") + number
    return number + (m["scale"] or "") + UNITS[unit]


MEASURE = Rule("measure", lead(r"-−－.\d", _MEASURE), _measure, needs("".join(u[0] for u in UNITS)))
# Units met only after a slash (万m³/d: ten thousand cubic metres a day).
_PER_ONLY = {"d": "天"}


def _per(m: re.Match[str]) -> str:
    return "每" + _PER_ONLY.get(m["unit"], UNITS.get(m["unit"], m["unit"]))


PER = Rule("per", _PER, _per, needs("/"))
