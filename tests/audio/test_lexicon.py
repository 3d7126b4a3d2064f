"""The pronunciation lexicon: parsing, versioning, matching, homophone text, and real fixes to the G2P."""

from __future__ import annotations

from pathlib import Path

import pytest

from audio.engines.mandarin import MandarinG2P
from audio.lexicon import Lexicon
from audio.lexicon import LexiconError

SAMPLE = "# comment\n重庆\tchong2 qing4\n\n银行\tyin2 hang2\n应诉\tying4 su4\t硬诉\n"


@pytest.fixture(scope="module")
def default_g2p() -> MandarinG2P:
    return MandarinG2P(Lexicon.default())


def test_parse_skips_comments_and_blank_lines() -> None:
    lexicon = Lexicon.parse(SAMPLE)
    assert sorted(lexicon.entries) == ["应诉", "重庆", "银行"]
    assert lexicon.entries["重庆"].syllables == ("chong2", "qing4")
    assert lexicon.entries["应诉"].homophone == "硬诉"
    assert lexicon.entries["银行"].homophone is None


@pytest.mark.parametrize(
    ("line", "message"),
    [
        pytest.param("重庆 chong2 qing4", "expected", id="no-tab"),
        pytest.param("重庆\tchong qing4", "tone digit", id="missing-tone"),
        pytest.param("重庆\tchong2", "2 characters but 1 syllables", id="count"),
        pytest.param("GDP\tji4 di4 pi4", "Chinese characters", id="latin-word"),
        pytest.param("重庆\tchong2 qing4\tCQ", "homophone", id="latin-homophone"),
        pytest.param("重庆\tchong2 qing4\tx\ty", "expected", id="four-columns"),
    ],
)
def test_bad_lines_name_the_line(line: str, message: str) -> None:
    with pytest.raises(LexiconError, match=message) as info:
        Lexicon.parse(f"# header\n{line}\n", source="site.tsv")
    assert "site.tsv:2" in str(info.value)


def test_version_ignores_comments_and_order_but_not_readings() -> None:
    base = Lexicon.parse(SAMPLE)
    reordered = Lexicon.parse("应诉\tying4 su4\t硬诉\n# other\n银行\tyin2 hang2\n重庆\tchong2 qing4\n")
    changed = Lexicon.parse(SAMPLE.replace("chong2", "zhong4"))
    assert base.version == reordered.version
    assert base.version != changed.version
    assert Lexicon.empty().version not in (base.version, changed.version)


def test_matches_are_leftmost_longest() -> None:
    lexicon = Lexicon.parse("银行\tyin2 hang2\n行长\thang2 zhang3\n银行行长\tyin2 hang2 hang2 zhang3\n")
    found = [(start, e.word) for start, e in lexicon.matches("某银行行长与行长")]
    assert found == [(1, "银行行长"), (6, "行长")]
    assert lexicon.syllables_for("银行家") == ["yin2", "hang2", None]


def test_apply_text_rewrites_only_entries_with_a_homophone() -> None:
    lexicon = Lexicon.parse(SAMPLE)
    assert lexicon.apply_text("重庆银行出庭应诉。") == "重庆银行出庭硬诉。"
    assert Lexicon.empty().apply_text("出庭应诉") == "出庭应诉"


def test_load_reads_a_file_and_reports_a_missing_one(tmp_path: Path) -> None:
    path = tmp_path / "site.tsv"
    path.write_text(SAMPLE, encoding="utf-8")
    assert Lexicon.load(path).version == Lexicon.parse(SAMPLE).version
    with pytest.raises(LexiconError, match="cannot read"):
        Lexicon.load(tmp_path / "missing.tsv")


def test_default_lexicon_ships_the_brief_polyphones() -> None:
    lexicon = Lexicon.default()
    assert lexicon.entries["重庆"].syllables == ("chong2", "qing4")
    assert lexicon.entries["银行"].syllables == ("yin2", "hang2")
    assert lexicon.entries["行政"].syllables == ("xing2", "zheng4")


def _reading(g2p: MandarinG2P, sentence: str, word: str) -> list[str]:
    flat = [s for w in g2p.syllables(sentence) for s in w]
    start = sentence.index(word)
    return flat[start:start + len(word)]


def _plain_jieba_pypinyin(sentence: str, word: str) -> list[str]:
    """misaki's v1.0 path before our polyphone work: jieba words, pypinyin per word."""
    import jieba
    from pypinyin import Style
    from pypinyin import lazy_pinyin

    flat = [s for w in jieba.lcut(sentence)
            for s in lazy_pinyin(w, style=Style.TONE3, neutral_tone_with_five=True)]
    start = sentence.index(word)
    return flat[start:start + len(word)]


# Readings jieba + pypinyin get wrong (sample page, government text); the shipped lexicon pins them.
FIXES = [
    pytest.param("出庭应诉率达百分之百", "应诉", ["ying4", "su4"], id="yingsu"),
    pytest.param("擦亮小江都能办品牌", "都能办", ["dou1", "neng2", "ban4"], id="dou-neng-ban"),
    pytest.param("建立长效机制", "长效", ["chang2", "xiao4"], id="changxiao"),
]


@pytest.mark.parametrize(("sentence", "word", "expected"), FIXES)
def test_default_lexicon_fixes_observed_errors(default_g2p: MandarinG2P, sentence: str, word: str,
                                               expected: list[str]) -> None:
    assert _plain_jieba_pypinyin(sentence, word) != expected, "jieba + pypinyin now get this right"
    assert _reading(default_g2p, sentence, word) == expected


def test_shipped_entries_agree_with_the_dictionary(default_g2p: MandarinG2P) -> None:
    """模板 is mú bǎn in 现代汉语词典; the shipped lexicon pinned the wrong mó bǎn until issue 12."""
    assert Lexicon.default().entries["模板"].syllables == ("mu2", "ban3")
    assert _reading(default_g2p, "统一网站模板", "模板") == ["mu2", "ban3"]


def test_lexicon_words_steer_segmentation(default_g2p: MandarinG2P) -> None:
    assert ["dou1", "neng2", "ban4"] in default_g2p.syllables("小江都能办")
    # Word boundaries protect neighbours: 增长|效益 must not become 增|长效|益.
    assert default_g2p.syllables("增长效益") == [["zeng1", "zhang3"], ["xiao4", "yi4"]]


def test_g2p_rejects_a_syllable_it_cannot_speak() -> None:
    with pytest.raises(LexiconError, match="not a Mandarin syllable"):
        MandarinG2P(Lexicon.parse("日\tr5\n"))


def test_a_lexicon_edit_rekeys_only_the_clips_it_can_change(tmp_path: Path) -> None:
    """Clip keys carry the entries found in the clip's text, not a hash of the whole lexicon."""
    import audio
    from audio.cache import ClipCache
    from audio.model import SpeechParams

    old = Lexicon.parse("重庆\tchong2 qing4\n观音桥\tguan1 yin1 qiao2\n")
    new = Lexicon.parse("重庆\tchong2 qing4\n观音桥\tguan1 yin1 qiao4\n")
    before, after = audio.get_engine("offline", lexicon=old), audio.get_engine("offline", lexicon=new)
    cache, params = ClipCache(tmp_path), SpeechParams(voice=before.default_voice)
    for untouched in ("重庆的夜景很美。", "今天天气很好。"):
        assert cache.key_for(before, params, untouched) == cache.key_for(after, params, untouched)
    edited = "观音桥商圈人很多。"
    assert cache.key_for(before, params, edited) != cache.key_for(after, params, edited)
