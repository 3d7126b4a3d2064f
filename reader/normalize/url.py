"""Web addresses and e-mail addresses, read the way an announcer gives them out on air.

* ``www.gov.cn`` → www点gov点cn; ``https://www.cq.gov.cn/zwgk/`` → www点cq点gov点cn斜杠zwgk
* ``12345@cq.gov.cn`` → 幺二三四五艾特cq点gov点cn; ``zwgk@163.com`` → zwgk艾特幺六三点com

The scheme (``https://``) is not read: announcers leave it out, and it is noise in a TTS voice.
Letters stay letters (the TTS engine spells them); digits are read one at a time with 幺, as in
幺六三邮箱; the dots, slashes and signs between them are spoken as words.
"""

from __future__ import annotations

import re

from reader.normalize.engine import Rule
from reader.normalize.engine import needs
from reader.normalize.numbers import read_digits

# Top-level domains that mark a host written without a scheme or www (cq.gov.cn, 163.com).
_TLD = "com|cn|net|org|gov|edu|int|info|biz|io|hk|mo|tw|top|xyz|site|cc|mobi|asia|me|tv"
_HOST = rf"(?:[A-Za-z0-9-]+\.)+(?:{_TLD})(?![A-Za-z0-9-])"
# Only ASCII path characters; brackets and commas are left out: they usually belong to the sentence.
_PATH = r"(?:/[A-Za-z0-9._~%=&?#\-]*)*"
_URL = re.compile(
    rf"(?<![A-Za-z0-9._@-])(?:"
    rf"(?P<mail>[A-Za-z0-9][A-Za-z0-9._-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"
    rf"|(?P<scheme>(?:https?|ftp)://)(?P<any>[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::\d{{1,5}})?{_PATH})"
    rf"|(?P<host>{_HOST}(?::\d{{1,5}})?{_PATH})"
    r")"
)
_SIGNS = {
    ".": "点",
    "/": "斜杠",
    "@": "艾特",
    "-": "杠",
    "_": "下划线",
    ":": "冒号",
    "?": "问号",
    "=": "等于",
    "&": "和",
    "#": "井号",
    "%": "百分号",
    "~": "波浪号",
}
_PIECE = re.compile(r"\d+|[A-Za-z]+|.")


def _address(m: re.Match[str]) -> str:
    text = m["mail"] or m["any"] or m["host"]
    # A closing slash or dot adds nothing a listener needs: www.gov.cn/ is www.gov.cn.
    text = text.rstrip("/.")
    out: list[str] = []
    for piece in _PIECE.findall(text):
        if piece[0].isdecimal():
            out.append(read_digits(piece, phone=True))
        else:
            out.append(_SIGNS.get(piece, piece))
    # What was stripped off the end is still replaced, so it is spoken as nothing.
    return "".join(out)


# Every address holds "@" or a lower-case host (TLDs are written lower-case); Chinese text without
# either, the usual case, never runs this regex.
URL = Rule("url", _URL, _address, needs("@abcdefghijklmnopqrstuvwxyz"))
