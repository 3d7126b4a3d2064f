"""Bytes → str for pages from Chinese public-sector sites.

Order of trust: a byte-order mark; the charset declared in the Content-Type header or in
``<meta charset>`` / ``<meta http-equiv="Content-Type">``; strict UTF-8; then detection.
GB2312 and GBK are decoded as GB18030, their superset, because pages declaring GB2312 routinely
contain GBK-only characters (the 镕 in 朱镕基 is the classic one).
"""

from __future__ import annotations

import codecs
import re

from reader.errors import UnsupportedInput

_DECLARED = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_\-.:]+)""", re.IGNORECASE)
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
            "cp936": "gb18030", "big5": "big5hkscs", "x-big5": "big5hkscs", "cp950": "big5hkscs"}
_MAGIC = ((b"%PDF", "a PDF file"), (b"\x89PNG", "a PNG image"), (b"GIF8", "a GIF image"),
          (b"\xff\xd8\xff", "a JPEG image"), (b"PK\x03\x04", "a ZIP archive or Office file"),
          (b"\xd0\xcf\x11\xe0", "an old Office file"), (b"\x1f\x8b", "a gzip archive"),
          (b"Rar!", "a RAR archive"), (b"ID3", "an MP3 file"), (b"\x7fELF", "a program"))
_HTML_START = re.compile(r"^\s*(?:<!--.*?-->\s*)*"
                         r"<(?:!doctype\s+html|html|head|body|meta|title|div|p|table)\b",
                         re.IGNORECASE | re.DOTALL)
_HTML_NAMES = (".html", ".htm", ".shtml", ".xhtml", ".jsp", ".asp", ".aspx", ".php")


def decode_bytes(data: bytes, *, content_type: str | None = None) -> str:
    """Decode page bytes; raise UnsupportedInput for binary files and undecodable bytes."""
    if not data.strip():
        return ""
    _refuse_binary(data)
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            text = _strict(data, name)
            return text if text is not None else _fail(name)
    header = _declared(content_type.encode("ascii", "replace") if content_type else b"")
    declared = header or _declared(data[:4096])
    for candidate in (declared, "utf-8"):
        if candidate and (text := _strict(data, candidate)) is not None:
            return text
    if declared and (text := _mostly(data, declared)) is not None:
        return text  # A few broken bytes in a page that says what it is: trust the declaration.
    return _detect(data)


def looks_like_html(text: str, *, filename: str | None = None, content_type: str | None = None) -> bool:
    """Whether decoded input should go to the HTML reader rather than the text reader."""
    if content_type:
        kind = content_type.split(";")[0].strip().lower()
        if kind in ("text/html", "application/xhtml+xml"):
            return True
        if kind == "text/plain":
            return False
    if filename:
        name = filename.lower()
        if name.endswith(_HTML_NAMES):
            return True
        if name.endswith((".txt", ".text", ".md")):
            return False
    return bool(_HTML_START.match(text[:2048]))


def _refuse_binary(data: bytes) -> None:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise UnsupportedInput(f"the input is {what}, not a web page or text")
    head = data[:8192]
    utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    controls = sum(1 for b in head if b < 9 or 13 < b < 32 and b != 27)
    if not utf16 and (b"\x00" in head or controls > len(head) // 20):
        raise UnsupportedInput("the input looks binary (NUL or control bytes), not a web page or text")


def _declared(head: bytes) -> str | None:
    m = _DECLARED.search(head)
    if m is None:
        return None
    name = m.group(1).decode("ascii").lower()
    if name.startswith(("utf-16", "utf-32", "ucs")):
        return "utf-8"  # A page whose bytes hold ASCII markup is not UTF-16, whatever it says (HTML spec).
    name = _ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _strict(data: bytes, name: str) -> str | None:
    try:
        return data.decode(name)
    except (UnicodeDecodeError, LookupError):
        return None


def _mostly(data: bytes, name: str) -> str | None:
    """Decode with replacement characters, if at most 1% of the text needs them."""
    text = data.decode(name, errors="replace")
    return text if text.count("\ufffd") <= max(2, len(text) // 100) else None


def _detect(data: bytes) -> str:
    """Pick GB18030, Big5 or what charset-normalizer says; refuse if nothing fits well."""
    from charset_normalizer import from_bytes  # Imported late: only undeclared non-UTF-8 input needs it.

    candidates = [n for n in ("gb18030", "big5hkscs") if _strict(data, n) is not None]
    if len(candidates) == 1:
        return data.decode(candidates[0])
    best = from_bytes(data[:200_000], cp_isolation=candidates or None).best()
    if best is not None and best.encoding:
        text = _mostly(data, _ALIASES.get(best.encoding, best.encoding))
        if text is not None:
            return text
    return _mostly(data, "gb18030") or _fail("any supported encoding (UTF-8, GBK/GB18030, Big5)")


def _fail(name: str) -> str:
    raise UnsupportedInput(f"the input cannot be decoded as {name}")
