"""Polyphones (多音字): accuracy on our cases, data integrity, rules, one G2P for voice and caption."""

from __future__ import annotations

import logging
from collections import defaultdict
from pathlib import Path

import pytest

from audio.engines.mandarin import MandarinG2P
from audio.errors import LexiconError
from audio.lexicon import Lexicon
from audio.polyphone import Disambiguator
from audio.polyphone import PolyphoneData
from audio.polyphone import Token
from audio.ruby import ruby

CASES = Path(__file__).parent / "data" / "polyphone_cases.tsv"
ACCURACY_FLOOR = 0.98


def load_cases(path: Path = CASES) -> list[tuple[str, int, str]]:
    """``sentence<TAB>index<TAB>pinyin[<TAB># note]`` rows."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        sentence, index, pinyin = line.split("\t")[:3]
        rows.append((sentence, int(index), pinyin.strip()))
    return rows


@pytest.fixture(scope="module")
def g2p() -> MandarinG2P:
    return MandarinG2P(Lexicon.default())


@pytest.fixture(scope="module")
def cases() -> list[tuple[str, int, str]]:
    return load_cases()


def _tone3(syllable: str | None) -> str | None:
    from pypinyin.contrib.tone_convert import to_tone3

    return None if syllable is None else str(to_tone3(syllable, neutral_tone_with_five=True))


def test_case_files_are_well_formed_and_large_enough(cases: list[tuple[str, int, str]]) -> None:
    assert len(cases) >= 400
    for sentence, index, pinyin in cases:
        assert 0 <= index < len(sentence), sentence
        assert pinyin[-1] in "12345" and pinyin[:-1].isalpha(), (sentence, pinyin)
    assert len({sentence[index] for sentence, index, _ in cases}) >= 80


def test_every_reading_of_every_covered_character_has_a_case(cases: list[tuple[str, int, str]]) -> None:
    seen: dict[str, set[str]] = defaultdict(set)
    for sentence, index, pinyin in cases:
        seen[sentence[index]].add(pinyin)
    data = PolyphoneData.default()
    missing = [f"{char} {reading}" for char, readings in data.readings.items()
               for reading in readings if reading not in seen[char]]
    # Readings that only the grammar rules give (the particles) must be in the cases too.
    missing += [f"{c} {r}" for c, r in (("的", "de5"), ("了", "le5"), ("得", "dei3"), ("地", "de5"))
                if r not in seen[c]]
    assert not missing, f"readings without a case: {', '.join(missing)}"


def test_accuracy_on_the_case_files(cases: list[tuple[str, int, str]]) -> None:
    failures = []
    for sentence, index, gold in cases:
        got = _tone3(ruby(sentence)[index])
        if got != gold:
            failures.append(f"{sentence}[{index}]={sentence[index]}: got {got}, want {gold}")
    accuracy = 1 - len(failures) / len(cases)
    report = f"{accuracy:.1%} < {ACCURACY_FLOOR:.0%}; failures:\n" + "\n".join(failures)
    assert accuracy >= ACCURACY_FLOOR, report


def test_the_voice_reads_what_the_caption_shows(g2p: MandarinG2P, cases: list[tuple[str, int, str]]) -> None:
    """One G2P, one place: the syllables the voice is phonemized from are the caption's readings."""
    for sentence, _, _ in cases[::7]:
        han = [ch for ch in sentence if "\u4e00" <= ch <= "\u9fff"]
        voiced = [s for word in g2p.syllables(sentence) for s in word]
        shown = [_tone3(r) for r in ruby(sentence) if r is not None]
        assert len(voiced) == len(han) and voiced == shown, sentence


def test_the_rules_see_the_clause_beyond_a_run(g2p: MandarinG2P) -> None:
    """A quote or a number ends a run of Han characters but not the clause the rules read."""
    for text, index in (("本次活动以“绿色发展”为方向", 11), ("总额为5亿元", 2)):
        assert _tone3(ruby(text)[index]) == "wei2", text
        han_before = sum(1 for ch in text[:index] if "\u4e00" <= ch <= "\u9fff")
        assert [s for w in g2p.syllables(text) for s in w][han_before] == "wei2", text


def test_the_site_lexicon_beats_the_disambiguator() -> None:
    assert _tone3(ruby("扎实推进")[0]) == "zha1"
    site = Lexicon.parse("扎实\tza1 shi2\n")
    assert _tone3(ruby("扎实推进", site)[0]) == "za1"


GRAMMAR = [
    pytest.param([("说", "v"), ("得", "ud"), ("好", "a")], 1, "de5", id="de-complement"),
    pytest.param([("我们", "r"), ("得", "ud"), ("尽快", "d"), ("办", "v")], 1, "dei3", id="dei-must"),
    pytest.param([("群众", "n"), ("得", "ud"), ("实惠", "n")], 1, "de2", id="de2-gain"),
    pytest.param([("认真", "ad"), ("地", "uv"), ("做好", "v")], 1, "de5", id="di-adverbial"),
    pytest.param([("这块", "m"), ("地", "n")], 1, "di4", id="di-noun"),
    pytest.param([("改", "v"), ("为", "p"), ("公园", "n")], 1, "wei2", id="wei-result"),
    pytest.param([("总额", "n"), ("为", "p"), ("五亿元", "m")], 1, "wei2", id="wei-copula-number"),
    pytest.param([("为", "p"), ("群众", "n"), ("办事", "v")], 0, "wei4", id="wei-for"),
    pytest.param([("解决", "v"), ("不了", "d")], 1, "liao3", id="liao-cannot"),
    pytest.param([("两", "m"), ("只", "q"), ("羊", "n")], 1, "zhi1", id="zhi-measure"),
    pytest.param([("酒味", "n"), ("太", "d"), ("冲", "v")], 2, "chong4", id="chong-strong"),
]


@pytest.mark.parametrize(("tagged", "index", "expected"), GRAMMAR)
def test_context_rules(tagged: list[tuple[str, str]], index: int, expected: str) -> None:
    tokens = [Token(word, tag) for word, tag in tagged]
    wrong = [["x1"] * len(word) for word, _ in tagged]
    pinned: list[list[str | None]] = [[None] * len(word) for word, _ in tagged]
    out = Disambiguator().resolve(tokens, wrong, pinned)
    assert out[index][-1] == expected  # the last character of the indexed word


def test_aligned_words_beat_crossing_ones() -> None:
    """增长|效益: 增长 (a jieba word) decides 长, not 长效 across the boundary."""
    tokens = [Token("增长", "v"), Token("效益", "n")]
    guessed = [["zeng1", "chang2"], ["xiao4", "yi4"]]
    out = Disambiguator().resolve(tokens, guessed, [[None, None], [None, None]])
    assert out == [["zeng1", "zhang3"], ["xiao4", "yi4"]]


@pytest.mark.parametrize(("text", "message"), [
    ("得\tde2\t取得 获取\n", "containing '得'"),
    ("得\tde2\t取得\n得\tde5\t取得\n", "both de2 and de5"),
    ("得\tde\t取得\n", "tone digit"),
    ("得到\tde2\t得到\n", "not one Chinese character"),
    ("得\tde2\n", "expected"),
])
def test_bad_data_is_rejected_with_the_line(text: str, message: str) -> None:
    with pytest.raises(LexiconError, match=message):
        PolyphoneData.parse(text, source="t.tsv")


def test_every_shipped_reading_is_speakable() -> None:
    from misaki.zh import ZHG2P

    for char, readings in PolyphoneData.default().readings.items():
        for reading in readings:
            assert ZHG2P.py2ipa(reading), f"{char} {reading}"


def test_an_entry_leaves_the_segmentation_of_other_texts_alone() -> None:
    """What per-text cache keys (``reading_version``) rely on: adding words keeps jieba's corpus total."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    plain = MandarinG2P(Lexicon.empty())
    many = MandarinG2P(Lexicon.parse("观音桥\tguan1 yin1 qiao2\n都能办\tdou1 neng2 ban4\n"))
    text = "全面贯彻落实党的二十大精神扎实推进各项工作取得新成效"
    assert plain.tokens(text) == many.tokens(text)
