"""Serial numbers: codes after a cue word, and dash-joined numbers with zero-led parts.

* ``编号：JB-2023-001`` → 编号：JB杠二零二三杠零零幺; ``京ICP备12345678号`` → 京ICP备幺二三四五六七八号
* ``统一社会信用代码：91500105MA5U123456`` → 统一社会信用代码：九幺五零零幺零五MA五U幺二三四五六
* ``2023-001号`` → 二零二三杠零零幺号; ``WH-2024-015号`` → WH杠二零二四杠零幺五号
"""

from __future__ import annotations

import re

from reader.normalize.engine import Rule
from reader.normalize.engine import alternation
from reader.normalize.engine import lead
from reader.normalize.engine import needs
from reader.normalize.numbers import read_digits

# Identifiers are named by the word before them; after one of these, digits are never a quantity
# (QQ群：123456789 is not 一亿…). Read digit by digit, grouped as written (a dash is 杠).
_CUES = (
    "编号 索引号 代码 信用代码 证号 账号 卡号 工号 单号 订单号 批准文号 备案号 登记号 许可证号 ICP备 网安备 "
    "QQ群 QQ群号 群号 微信号 账户 帐号 户号 客户号 会员号 合同号 案号 证件号 证件号码 护照号 护照号码 "
    "身份证号 身份证号码 流水号 编码 识别号 注册号 准考证号 考号 学号 档案号 发票号码 车架号 批次号 "
    "序列号 凭证号 交易号 单据号 受理号 回执号 查询码 验证码 社保卡号 医保卡号 银行卡号 ISBN ISSN 刊号 "
    "型号 代号"
).split()
_SERIAL = re.compile(
    rf"(?P<cue>(?:{alternation(_CUES)})(?:为|是)?[:：]?\s?)"
    # A masked identifier keeps its stars (500101********1234): read 星 like any written star.
    r"(?P<code>[A-Za-z\d](?:[A-Za-z\d*＊]|[-—/·](?=[A-Za-z\d])| (?=\d{3})|(?<=[A-Z]) (?=\d{2}))*)"
    # A site's licence number may carry a sub-number after its 号: 渝ICP备2023012345号-1.
    r"(?P<sub>号[-—]\d{1,3}(?!\d))?"
)
# A zero-led part after a dash marks a serial, not a range: 2023-001.
_DASHED = r"(?<![\w.\-])(?P<dashed>\d+(?:-\d+)*-0\d+(?:-\d+)*)(?![\d.])"
# Capitals and digits joined by dashes, with a run of three digits or more, are a code even with no cue
# word: WH-2024-015号, 2024-ZB-001, XM-001 (GPT-4 and COVID-19, with short numbers, are names).
_LETTER_DASHED = (
    r"(?<![A-Za-z\d.\-])(?=[A-Z\d-]*[A-Z])(?=[A-Z\d-]*\d{3})"
    # One part is letters alone, zero-led or a year: DN200-300 stays a range of sizes.
    r"(?=(?:[A-Z\d]*-)*(?:[A-Z]+|0\d*|(?:19|20)\d\d)(?:-|(?![A-Za-z\d])))"
    r"(?P<code>[A-Z\d]+(?:-[A-Z\d]+)+)(?![A-Za-z\d\-])"
)
# A dash inside a code is spoken (杠), as clerks read codes aloud: a bare dash would be silent in
# TTS, and JB-2023-001 must not run together into one digit string. Grouping spaces are dropped.
_PAUSE = {"-": "杠", "—": "杠", "/": "斜杠", "·": "点", " ": "", "*": "星", "＊": "星"}


def _read(code: str) -> str:
    if re.fullmatch(r"\d{17}[Xx]", code):
        code = code[:-1] + "叉"  # an ID card's check character
    spoken = re.sub(r"\d+", lambda d: read_digits(d.group(0), phone=True), code)
    return "".join(_PAUSE.get(ch, ch) for ch in spoken)


def _serial(m: re.Match[str]) -> str:
    return m["cue"] + _read(m["code"]) + (_read(m["sub"]) if m["sub"] else "")


# A cue needs its first and its last character in view (most end in 号 or 码): few windows have both.
SERIAL = Rule(
    "serial", _SERIAL, _serial, needs("".join({c[0] for c in _CUES})), needs("".join({c[-1] for c in _CUES}))
)
LETTER_DASHED = Rule("letter_dashed", lead(r"A-Z\d", _LETTER_DASHED), lambda m: _read(m["code"]), needs("-"))
DASHED_SERIAL = Rule("dashed_serial", lead(r"\d", _DASHED), lambda m: _read(m["dashed"]), needs("-"))
