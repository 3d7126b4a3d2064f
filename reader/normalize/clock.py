"""Clock times: hours and minutes as numbers, with am/pm and time ranges.

* ``14:30`` → 十四点三十分; ``9:00`` → 九点; ``凌晨2:00`` → 凌晨两点; ``8:05`` → 八点零五分
* ``9:00—17:00`` → 九点至十七点; ``9:30 am`` → 上午九点三十分
* durations: ``用时1:30:00`` → 用时一小时三十分; ``2:05:36的成绩`` → 两小时零五分三十六秒
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
# After 比/比例/按/率 a colon is a ratio (比例为1:10, 杠杆率为1:10), not a clock time.
_RATIO_CUE = "".join(
    f"(?<!{cue})" for cue in ("比", "比例", "比为", "比例为", "按", "比分", "比值", "率", "率为")
)
_CLOCK = re.compile(
    rf"{_RATIO_CUE}(?<![\d.])(?<!\d[:：]){_TIME.format('a')}"
    # The end may fall on the next day: 9:00—次日2:00 → 九点至次日两点.
    rf"(?:\s?(?:[-—–～~至到]|——)\s?(?P<next>次日|翌日)?{_TIME.format('b')})?(?![\d:：])"
    # A ratio named after it (以1:30的比例) or a scale in 万 (1:25万地形图) is no clock time.
    r"(?!的?比|[万亿])"
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
        text += "至" + (m["next"] or "") + read_time(m["bh"], m["bm"], m["bs"], m["bap"])
    return text


# A length of time, not a time of day: after 时长/用时/成绩 or before 的成绩 (时长为1:30:00 → 一小时
# 三十分; 以2:05:36的成绩 → 两小时零五分三十六秒).
_DURATION_CUE = r"(?P<cue>(?:时长|用时|耗时|历时|成绩)(?:为|是|达|仅)?[:：]?\s?)"
_HMS = r"(?P<h>\d{1,2})[:：](?P<m>[0-5]\d)(?:[:：](?P<s>[0-5]\d))?(?![\d:：])"
_DURATION = re.compile(
    rf"{_DURATION_CUE}{_HMS}|(?<![\d.:：])(?P<h2>\d{{1,2}})[:：](?P<m2>[0-5]\d)[:：](?P<s2>[0-5]\d)(?=的?成绩)"
)


def _duration(m: re.Match[str]) -> str:
    hour, minute, second = (m["h"], m["m"], m["s"]) if m["h"] else (m["h2"], m["m2"], m["s2"])
    parts = [read_int(hour, counted=True) + "小时"] if int(hour) else []
    for value, unit in ((minute, "分"), (second or "0", "秒")):
        if int(value):
            # A zero-led part after a larger one keeps its 零: 两小时零五分.
            parts.append(("零" if value.startswith("0") and parts else "") + read_int(value) + unit)
    return (m["cue"] or "") + "".join(parts or ["零秒"])


CLOCK = Rule("time", _CLOCK, _clock, needs(":："))
DURATION = Rule("duration", _DURATION, _duration, needs(":："), needs("时长用成耗历"))
