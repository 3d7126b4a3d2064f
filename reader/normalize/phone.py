"""Telephone numbers and other digit strings, read one digit at a time with 幺.

* ``12348热线`` → 幺二三四八热线; ``023-67891234`` → 零二三六七八九幺二三四; ``+86 138…`` → 加八六幺三八…
* ``400-810-1234`` → 四零零八幺零幺二三四; ``分机123`` → 分机幺二三; ``尾号1234`` → 尾号幺二三四
* ``1205室`` → 幺二零五室; ``邮编400020`` → 邮编四零零零二零; ``渝A12345`` → 渝A幺二三四五; 18-digit IDs
"""

from __future__ import annotations

import re

from reader.normalize.engine import Rule
from reader.normalize.engine import alternation
from reader.normalize.engine import lead
from reader.normalize.engine import needs
from reader.normalize.lexicon import HOTLINES
from reader.normalize.lexicon import MEASURE
from reader.normalize.lexicon import UNIT
from reader.normalize.numbers import read_digits

_SEP = r"[-\s－—]"
_NOT_COUNT = rf"(?![\d.%％‰万亿]|\s?(?:余|多)?(?:{MEASURE}|{UNIT})(?![A-Za-z]))"
# After these a bare number is a total (服务群众达12356, 受理量为12389), not a service line; a real
# line after one of them comes with its own cue word (热线为12345), which the cue rule reads.
_COUNT_CUE = "".join(f"(?<!{c})" for c in "达为共计约超近有增减至")
_CUES = (
    "后四位 后六位 末四位 后4位 后6位 发送至 发送到 电话 热线 传真 手机 座机 固话 拨打 致电 联系方式 号码 "
    "分机 转 尾号 邮编 邮政编码 QQ 微信"
).split()
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_AFTER = (
    r"报警|急救|火警|热线|电话|服务|求助|查号|客服|平台|举报|接处警|接警|出警|消防|指挥中心|宣传日|联动"
    r"|移动|联通|电信|警情"
)
# A contact's title before a local number: 王女士 63891234, 张老师（6389-1234）.
_TITLES = "先生 女士 老师 同志 科长 主任 经理 处长 局长 部长 站长 所长 院长 股长".split()
_TITLED = "|".join(title + r"[\s：:，,（(]" for title in _TITLES)
_PATTERNS = {
    "mobile": rf"(?:[+＋]86[-\s]?|(?<!\d))1[3-9]\d(?:{_SEP}?\d{{4}}){{2}}(?!\d)",
    # A published number with its middle masked: 138****5678 (each star read 星, as a clerk does).
    "masked": r"(?<![\d*＊])1[3-9]\d[*＊]{4}\d{4}(?!\d)",
    # An area code after the country code drops its 0: +86-23-67891234, 0086 23 6789 1234.
    # The country code may come without its + when dashes group the number: 86-571-87008888.
    "landline": rf"(?:(?<![\d+＋])00|[+＋]|(?<![\d+＋.])(?=86-\d{{2,3}}-\d{{7,8}}(?!\d)))86{_SEP}?\d{{2,3}}"
    rf"{_SEP}?\d{{3,4}}{_SEP}?\d{{4}}(?!\d)"
    rf"|(?<!\d)[(（]0\d{{2,3}}[)）]\s?\d{{3,4}}{_SEP}?\d{{4}}(?!\d)"
    # Extensions may be listed after 转: 转8001、8002.
    rf"|(?<![\d.])0\d{{2,3}}{_SEP}\d{{3,4}}{_SEP}?\d{{4}}(?:(?:{_SEP}|转|分机)\d{{1,5}}(?:[、，,]\d{{3,5}}(?![\d.]))*)?(?!\d)"
    # More local numbers listed after it share its area code: 0571-85123456、85123457.
    rf"(?:[、，,/或和及]\s?\d{{7,8}}(?![\d.]))*"
    # A local service line after its area code: 0571-12345 (a zero-led number before a dash is no count).
    rf"|(?<![\d.])0\d{{2,3}}-\d{{5,6}}(?![\d.])",
    "service_number": rf"(?<!\d)[48]00{_SEP}?\d{{3,4}}{_SEP}?\d{{3,4}}(?!\d)",
    "phone_cue": rf"(?:{alternation(_CUES)})(?:号码|号)?(?:为|是)?[:：]?\s?"
    # (电话120万个 counts calls: a number before 万 or 亿 is no phone number.)
    rf"[(（]?\d{{3,12}}(?:(?:[)）]\s?|{_SEP}|[*＊]{{2,}})\d{{3,8}})*(?!\d|\s?[万亿])"
    # More numbers listed after the first: 咨询电话：023-67898765，67891234 (seven digits or more).
    # An area code makes any length a phone number: 拨打12345或0571-12345.
    # …and extensions listed after 转: 转8001、8002.
    rf"(?:[，,、/或和及]\s?(?:0\d{{2,3}}{_SEP}(?:\d{{3,4}}{_SEP}\d{{4}}|\d{{3,8}})|\d{{7,8}}|(?<=转\d{{4}}[、，,])\d{{4}}|(?<=转\d{{3}}[、，,])\d{{3}})"
    rf"(?![\d.]))*",
    # 123xx is the range of government service lines (12319 城建, 12393 医保): all of it, not just the list;
    # 95xxx are national service lines (95338 顺丰), 96xxx local public ones (96120 转运, 96345).
    "hotline": rf"(?<![\d.]){_COUNT_CUE}"
    rf"(?:{alternation([n for n, cue in HOTLINES.items() if not cue])}|123(?!00)\d\d|9[56]\d{{3}})"
    rf"{_NOT_COUNT}"
    rf"|(?<![\d.])(?:{alternation([n for n, cue in HOTLINES.items() if cue])})(?=[”\"」]?(?:{_AFTER})"
    # …or when another service number follows in a list: 110、120.
    rf"|[、或和/](?:{alternation([n for n, cue in HOTLINES.items() if cue])}){_NOT_COUNT})"
    # …or after its carrier or a service word: 中国移动10086, 客服10000.
    rf"|(?:(?<=移动|联通|电信|客服|服务|热线|电话|火警|报警|急救|匪警|事故)|(?<=[拨打]))"
    rf"(?:{alternation([n for n, cue in HOTLINES.items() if cue])})"
    rf"{_NOT_COUNT}"
    # A second service number listed after a first one: 拨打110或120.
    rf"|(?<=\d[或、和/])(?:{alternation([n for n, cue in HOTLINES.items() if cue])}){_NOT_COUNT}",
    # Eight digits in a row, not led by 0, 1 or a year, with no count word after: a local number
    # (上城区:87012345). Counts that large are written with 万 in government text.
    "local": rf"(?<![\d.,，]){_COUNT_CUE}(?!19|20)[2-9]\d{{7}}(?![\d.,，%％‰]|\s?[万亿])"
    rf"(?!\s?(?:余|多)?(?:{MEASURE}|{UNIT})(?![A-Za-z]))",
    "contact": rf"(?:(?<={'|'.join(_TITLES)})|(?<={_TITLED}))(?:\d{{7,8}}|\d{{3,4}}{_SEP}\d{{4}})(?![\d.])",
    "room": r"(?<![\d.])\d{3,4}(?=室|房间|号房|房)",
    "plate": rf"[{_PROVINCES}][A-Z][·•]?[A-Z\d]{{5,6}}(?![A-Za-z\d])",
    "id_number": r"(?<![\d.,])\d{10,}(?:[Xx](?![A-Za-z]))?(?![\d.])",
}
_PIECE = re.compile(r"\d+|[^\d]+")


# Announcers run the digit groups together (the rhythm is in the voice, not in a written pause): a space
# in spoken text is read inconsistently by TTS engines, and reference transcripts never hold one.
_PUNCT = {
    "/": "、",
    "*": "星",
    "＊": "星",
    "+": "加",
    "＋": "加",
    "(": "",
    "（": "",
    ")": "",
    "）": "",
    "-": "",
    "－": "",
    "—": "",
    " ": "",
}


def _piece(piece: str) -> str:
    if piece[0].isdecimal():
        return read_digits(piece, phone=True)
    # Brackets and dashes inside a number become one short pause; cue words stay as written.
    return "".join(_PUNCT.get(ch, ch) for ch in piece)


def _phone(m: re.Match[str]) -> str:
    text = m.group(0)
    if text[:1] in "+＋" and text[1:3] == "86":
        return "加八六" + _phone_tail(text[3:])
    return _phone_tail(text)


# Two full numbers listed with only a space between (023-63899999 63891234) are two numbers: the
# space becomes an enumeration pause instead of vanishing.
_TWO_NUMBERS = re.compile(r"(?<=\d{7})\s+(?=\d{7})")


def _phone_tail(text: str) -> str:
    return "、".join("".join(_piece(p) for p in _PIECE.findall(part)) for part in _TWO_NUMBERS.split(text))


# One rule per form: each regex then starts with a cheap first-character test, which keeps scans fast.
_REQUIRES = {
    "service_number": "48",
    "phone_cue": "".join(c[0] for c in _CUES),
    "room": "室房",
    "plate": _PROVINCES,
    "mobile": "1",
    "masked": "*＊",
    # "0" would mean any digit; a hotline needs one of its own first digits.
    "hotline": "".join({n[0] for n in HOTLINES}),
}


# The characters each form can start with (see engine.lead).
_LEADS = {
    "mobile": "+＋1",
    "masked": "1",
    "landline": "(（0+＋8",
    "service_number": "48",
    "hotline": "".join(sorted({n[0] for n in HOTLINES} | {"1"})),
    "room": r"\d",
    "contact": r"\d",
    "id_number": r"\d",
    "local": "2-9",
}


def _id_number(m: re.Match[str]) -> str:
    """An ID card's check character X is read 叉."""
    return _phone_tail(m.group(0)).replace("X", "叉").replace("x", "叉")


PHONE_RULES = tuple(
    Rule(
        name,
        lead(_LEADS[name], pattern) if name in _LEADS else re.compile(pattern),
        _id_number if name == "id_number" else _phone,
        needs(_REQUIRES.get(name, "0")),
    )
    for name, pattern in _PATTERNS.items()
)
