"""Every case file line, run against its class alone and through the whole normalizer."""

from __future__ import annotations

import pytest

from reader.errors import UnsupportedInput
from reader.normalize import CLASSES
from reader.normalize import NORMALIZER_VERSION
from reader.normalize import RULES
from reader.normalize import RULES_BY_NAME
from reader.normalize import normalize
from reader.normalize.numbers import read_decimal
from reader.normalize.numbers import read_digits
from reader.normalize.numbers import read_int
from tests.reader.normalize.cases import DATA_DIR
from tests.reader.normalize.cases import load_cases
from tests.reader.normalize.cases import load_sentences

CASES = load_cases()
SENTENCES = load_sentences()


@pytest.mark.parametrize(("cls", "written", "spoken"), CASES)
def test_class_alone(cls: str, written: str, spoken: str) -> None:
    assert normalize(written, rules=CLASSES[cls]).spoken == spoken


@pytest.mark.parametrize(("cls", "written", "spoken"), CASES)
def test_full_normalizer(cls: str, written: str, spoken: str) -> None:
    assert normalize(written).spoken == spoken


@pytest.mark.parametrize(("written", "spoken"), SENTENCES)
def test_sentence(written: str, spoken: str) -> None:
    assert normalize(written).spoken == spoken


def test_enough_cases_in_every_class() -> None:
    assert len(CASES) >= 600
    files = {p.stem for p in DATA_DIR.glob("*.txt")} - {"sentences"}
    assert files == set(CLASSES)


def test_sample_page_sentences_with_digits_are_all_cases() -> None:
    page = DATA_DIR.parents[3] / "web" / "demo" / "jiangbei-2023-fazhi-report.txt"
    written = {str(p.values[0]).strip() for p in SENTENCES}
    for line in page.read_text("utf-8").splitlines():
        for sentence in _sentences(line):
            if any(ch.isdecimal() for ch in sentence):
                assert sentence.strip() in written


def _sentences(line: str) -> list[str]:
    out, start = [], 0
    for index, ch in enumerate(line):
        if ch in "。！？；":
            out.append(line[start : index + 1])
            start = index + 1
    out.append(line[start:])
    return [s for s in out if s.strip()]


def test_shared_number_readings() -> None:
    assert read_int("200") == "两百"
    assert read_int("2") == "二"
    assert read_int("2", counted=True) == "两"
    assert read_digits("2008") == "二零零八"
    assert read_digits("12306", phone=True) == "幺二三零六"
    assert read_digits("2.5") == "二五"  # a point is skipped unless asked for
    assert read_digits("2.05", point=True) == "二点零五"
    assert read_decimal("0.6") == "零点六"
    assert read_int("100010") == "十万零一十"
    assert read_int("10500") == "一万零五百"
    assert read_int("200000000") == "两亿"


def test_inventory_names_are_unique() -> None:
    assert len(RULES_BY_NAME) == len(RULES)
    assert all(rule in RULES for rules in CLASSES.values() for rule in rules)


def test_plain_text_is_returned_unchanged() -> None:
    result = normalize("区政府主要负责人带头出庭应诉。")
    assert result.spoken == result.text and result.alignments == ()


def test_deterministic_and_versioned() -> None:
    text = "2023年新增市场主体3.07万户，同比增长24.1%。"
    assert normalize(text) == normalize(text)
    assert NORMALIZER_VERSION


def test_non_text_input_is_a_clear_error() -> None:
    with pytest.raises(UnsupportedInput):
        normalize(b"2023")  # type: ignore[arg-type]
