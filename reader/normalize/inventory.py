"""The one ordered rule inventory: earlier wins when two matches start together and are equally long."""

from __future__ import annotations

import re

from reader.normalize import cardinal
from reader.normalize import clock
from reader.normalize import code
from reader.normalize import damage
from reader.normalize import date
from reader.normalize import fraction
from reader.normalize import math
from reader.normalize import measure
from reader.normalize import money
from reader.normalize import names
from reader.normalize import phone
from reader.normalize import range as ranges
from reader.normalize import serial
from reader.normalize import url
from reader.normalize import whitelist
from reader.normalize import year
from reader.normalize.engine import Rule
from reader.normalize.lexicon import SYMBOLS

RULES: tuple[Rule, ...] = (
    whitelist.WHITELIST_RULE,
    url.URL,
    damage.DAMAGE,
    damage.LONE_DATE,
    code.DOC_NUMBER,
    code.STANDARD,
    code.STEEL,
    code.FIGURE,
    *phone.PHONE_RULES,
    math.ARITHMETIC,
    math.FORMULA,
    math.POWER,
    math.ROOT,
    math.SCORE,
    math.FORMATION,
    date.DATE,
    date.SLASH_DATE,
    serial.SERIAL,
    serial.DASHED_SERIAL,
    serial.LETTER_DASHED,
    year.YEAR_RANGE,
    year.YEAR_RULE,
    year.QUOTED_YEAR,
    year.SHORT_YEAR,
    clock.DURATION,
    clock.CLOCK,
    date.MONTH_DAY,
    date.EVENT_DATE,
    date.EVENT_DOT,
    date.DATE_DASH,
    ranges.WORD_DASH,
    money.MONEY,
    ranges.RANGE,
    fraction.PERCENT,
    measure.MEASURE,
    fraction.RATE,
    fraction.RATING,
    fraction.FRACTION,
    code.VERSION,
    math.BREADCRUMB,
    math.RATIO,
    code.COUNTED_CODE,
    code.LETTER_CODE,
    code.ROAD,
    code.QUOTED_CODE,
    names.NAME,
    cardinal.WAN,
    cardinal.NUMBER_SIGN,
    cardinal.ROMAN,
    cardinal.ORDINAL,
    cardinal.LIST_NUMBER,
    cardinal.CARDINAL,
    measure.PER,
    math.SYMBOL,
)
RULES_BY_NAME: dict[str, Rule] = {rule.name: rule for rule in RULES}


def _pick(*names: str) -> tuple[Rule, ...]:
    return tuple(rule for rule in RULES if rule.name in names)


# Semantic classes as the case files name them; a class may need several rules (a date needs its year).
CLASSES: dict[str, tuple[Rule, ...]] = {
    "whitelist": _pick("whitelist"),
    "damage": _pick("damage", "lone_date"),
    "name": _pick("name", "letter_code", "quoted_code", "cardinal"),
    "code": _pick(
        "doc_number",
        "standard",
        "version",
        "letter_code",
        "counted_code",
        "steel",
        "figure",
        "road",
        "quoted_code",
    ),
    "url": _pick("url"),
    "phone": (*phone.PHONE_RULES, RULES_BY_NAME["cardinal"]),
    "serial": _pick("serial", "dashed_serial", "letter_dashed"),
    "date": _pick(
        "date",
        "slash_date",
        "year_range",
        "year",
        "quoted_year",
        "short_year",
        "month_day",
        "event_date",
        "event_dot",
        "date_dash",
        "cardinal",
    ),
    "time": _pick("duration", "time"),
    "money": _pick("money"),
    "range": _pick("range", "word_dash", "cardinal"),
    "fraction": _pick("percent", "rate", "rating", "fraction"),
    "measure": _pick("measure", "per"),
    "math": _pick(
        "arithmetic",
        "formula",
        "power",
        "root",
        "score",
        "formation",
        "breadcrumb",
        "ratio",
        "cardinal",
        "symbol",
    ),
    "cardinal": _pick("wan", "number_sign", "roman", "ordinal", "list_number", "cardinal"),
    "letters": _pick("whitelist", "letter_code", "counted_code", "cardinal"),
    "liang": _pick("month_day", "measure", "ordinal", "cardinal"),
}

# A text without any of these characters has nothing to rewrite.
# Roman numerals in Latin capitals count only before a grade word (IV级), so only that pair triggers.
TRIGGER = re.compile(
    "[" + re.escape("".join(sorted({c for s in SYMBOLS for c in s}))) + r"\d/.»›" + cardinal.ROMAN_CHARS + "]"
    r"|[IVX][类级期型]"
)
