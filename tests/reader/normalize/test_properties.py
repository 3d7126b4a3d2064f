"""Property tests over generated text: nothing unspoken survives, alignments always hold."""

from __future__ import annotations

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from reader.normalize import normalize
from reader.normalize.lexicon import SYMBOLS
from tests.reader.normalize.cases import load_sentences
from tests.reader.normalize.test_alignment import check_alignments

# Characters that must never reach a speech engine unread.
FORBIDDEN = set("0123456789%％‰℃¥￥$€£+＝=×÷≥≤≈±～~") | {s for s in SYMBOLS if len(s) == 1 and SYMBOLS[s]}
PIECES = st.sampled_from(
    list("0123456789０１２３４５６７８９")
    + list(".,:：/-—~～%‰℃¥￥$€£+=×÷≥≤≈±（）()〔〕·年月日号个户次第点万亿元 ，。、；“”")
    + ["km", "kg", "m²", "km/h", "μg/m³", "US$", "HK$", "PM", "GB/T ", "V", "G", "iPhone "]
    + ["后", "届", "公元前", "约", "余", "电话：", "尾号", "室", "\n", "  "]
    + list("江北区法治政府ABCxyz")
)
TEXT = st.lists(PIECES, max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_nothing_unspoken_is_left(text: str) -> None:
    spoken = normalize(text).spoken
    assert not FORBIDDEN & set(spoken), spoken
    assert not any(ch.isdecimal() for ch in spoken), spoken


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_alignments_hold(text: str) -> None:
    check_alignments(normalize(text))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_any_unicode_text(text: str) -> None:
    result = normalize(text)
    check_alignments(result)
    assert not any(ch.isdecimal() for ch in result.spoken)


@settings(max_examples=200, deadline=None)
@given(TEXT, TEXT)
def test_lines_are_independent(first: str, second: str) -> None:
    # The engine searches windows line by line; a whole text must read as its lines read alone.
    whole = normalize(first + "\n" + second).spoken
    assert whole == normalize(first).spoken + "\n" + normalize(second).spoken


def test_long_page_reads_like_its_lines() -> None:
    page = "\n".join(p.values[0] for p in load_sentences())  # type: ignore[misc]
    lines = [normalize(line).spoken for line in page.splitlines()]
    result = normalize(page)
    assert result.spoken == "\n".join(lines)
    check_alignments(result)
