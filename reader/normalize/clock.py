"""Clock times: hours and minutes as numbers, with am/pm and time ranges.

* ``14:30`` → 十四点三十分; ``9:00`` → 九点; ``凌晨2:00`` → 凌晨两点; ``8:05`` → 八点零五分
* ``9:00—17:00`` → 九点至十七点; ``9:30 am`` → 上午九点三十分
"""

from __future__ import annotations

import re

from reader.normalize.engine import Rule
from reader.normalize.engine import needs
from reader.normalize.numbers import read_int

_TIME = (
    r"(?P<{0}h>[01]?\d|2[0-4])[:：](?P<{0}m>[0-5]\d)(?:[:：](?P<{0}s>[0-5]\d))?"
    r"(?:\s?(?P<{0}ap>[AaPp]\.?[Mm]\.?)(?![A-Za-z]))?"
)
# After 比/比例/按 a colon is a ratio (比例为1:10), not a clock time.
_RATIO_CUE = "".join(f"(?<!{cue})" for cue in ("比", "比例", "比为", "比例为", "按", "比分", "比值"))
_CLOCK = re.compile(
    rf"{_RATIO_CUE}(?<![\d.])(?<!\d[:：]){_TIME.format('a')}(?:\s?(?:[-—–～~至到]|——)\s?{_TIME.format('b')})?(?![\d:：])"
)


def read_time(hour: str, minute: str, second: str | None, ampm: str | None) -> str:
    """十四点三十分; a whole hour drops 零分; 2 o'clock is 两点."""
    prefix = ""
    if ampm:
        prefix = "上午" if ampm[0] in "Aa" else "下午"
    text = prefix + read_int(hour, counted=True) + "点"
    # Zero seconds are not read: 10:30:00 → 十点三十分, 10:00:00 → 十点.
    second = second if second and int(second) else None
    if int(minute) or second:
        text += ("零" if minute.startswith("0") and int(minute) else "") + read_int(minute) + "分"
    if second:
        text += ("零" if second.startswith("0") and int(second) else "") + read_int(second) + "秒"
    return text


def _clock(m: re.Match[str]) -> str:
    text = read_time(m["ah"], m["am"], m["as"], m["aap"])
    if m["bh"]:
        text += "至" + read_time(m["bh"], m["bm"], m["bs"], m["bap"])
    return text


CLOCK = Rule("time", _CLOCK, _clock, needs(":："))
