"""Spoken Mandarin → Kokoro v1.0 phonemes: jieba words, pypinyin readings, the lexicon, misaki's IPA.

This is misaki's v1.0 ("legacy") Chinese G2P with four changes for our input:

* the site lexicon overrides syllables and its words are added to a private jieba tokenizer, so
  ``小江都能办`` segments as ``小江/都能办`` and reads 都 as dōu;
* every other polyphone is decided by ``audio.polyphone`` (our word data, then rules over jieba's
  part-of-speech tags) before pypinyin's guess: 我们得尽快办 děi, 认真地做好 de; the caption's
  拼音 (``audio.ruby``) reads through the same ``runs``, so it shows what the voice says;
* digits that reach us (our normalizer has already read every number it knows) are read digit by
  digit, the same way every time, instead of by cn2an, whose readings could differ from ours;
* Latin letters are read by their Chinese-style letter names (``ABC`` → ei bi xi), not dropped.

No tone sandhi is applied: Kokoro v1.0 was trained on misaki's unsandhied pinyin, so marking
sandhi would feed the model labels it has never seen.

    split_clauses("你好，世界。") == [("你好", "，"), ("世界", "。")]
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from audio.errors import EngineUnavailable
from audio.errors import LexiconError
from audio.lexicon import Lexicon
from audio.polyphone import Token
from audio.polyphone import context_token
from audio.polyphone import polyphone_version
from audio.polyphone import shared_disambiguator
from reader import HAN
from reader import read_digits

CLAUSE_MARKS = "，。！？；、"
_CLAUSE_SPLIT = re.compile(rf"([{CLAUSE_MARKS},!?;]+)")
_RUNS = re.compile(rf"(?P<han>[{HAN}]+)|(?P<latin>[A-Za-z]+)"
                   r"|(?P<number>[0-9]+(?:\.[0-9]+)?)|(?P<other>.)", re.DOTALL)
# Letter names as Mandarin speakers say them, in pinyin so that the voice keeps one accent.
_LETTERS = {
    "A": "ei1", "B": "bi4", "C": "xi1", "D": "di4", "E": "yi4", "F": "ai2 fu5", "G": "ji4",
    "H": "ai1 qi1", "I": "ai4", "J": "jie4", "K": "kai4", "L": "ai2 le5", "M": "ai2 mu5", "N": "en1",
    "O": "ou1", "P": "pi4", "Q": "qiu1", "R": "a2 er5", "S": "ai2 si5", "T": "ti4", "U": "you1",
    "V": "wei1", "W": "da2 bu5 liu5", "X": "ai2 ke5 si5", "Y": "wai4", "Z": "zei4",
}
# Phrase punctuation the model knows (misaki's mapping); everything else becomes a word gap.
_PUNCTUATION = {"，": ",", "、": ",", ",": ",", "。": ".", ".": ".", "！": "!", "!": "!", "？": "?",
                "?": "?", "；": ";", ";": ";", "：": ":", ":": ":", "“": "“", "”": "”", "《": "“",
                "》": "”", "「": "“", "」": "”", "（": "(", "）": ")", "(": "(", ")": ")"}
_NON_SYLLABIC = chr(0x032F)
# Our glue's version and the polyphone data and rules it reads with: a change to either re-keys clips.
G2P_VERSION = f"2.{polyphone_version()}"

_JIEBA_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class Run:
    """A run of one kind of character in a clause, with the syllables it is read with."""

    start: int
    kind: str  # han, latin, number or other
    text: str
    words: list[list[str]]


def split_clauses(text: str) -> list[tuple[str, str]]:
    """Split at ，。！？；、 (and ASCII ,!?;) into ``(clause, marks)`` pairs; empty clauses are dropped."""
    parts = _CLAUSE_SPLIT.split(text)
    pairs = [(parts[i].strip(), parts[i + 1] if i + 1 < len(parts) else "") for i in range(0, len(parts), 2)]
    return [(clause, marks) for clause, marks in pairs if clause]


class MandarinG2P:
    """Phonemizes one clause at a time; build once per lexicon (it holds a jieba dictionary)."""

    def __init__(self, lexicon: Lexicon) -> None:
        import jieba
        import jieba.posseg
        from misaki.zh import ZHG2P
        from pypinyin import Style
        from pypinyin import lazy_pinyin

        self.lexicon = lexicon
        self._py2ipa: Callable[[str], str] = ZHG2P.py2ipa

        def pinyin(word: str) -> list[str]:
            return list(lazy_pinyin(word, style=Style.TONE3, neutral_tone_with_five=True))

        self._pinyin = pinyin
        self._tokenizer: Any
        jieba.setLogLevel(logging.WARNING)
        with _JIEBA_LOCK:
            self._tokenizer = jieba.Tokenizer()
            self._tokenizer.initialize()
            total = self._tokenizer.total
            for word in lexicon.entries:
                self._tokenizer.add_word(word)
            # add_word raises the corpus total, which shifts every route's score a little; keeping the
            # old total means an entry changes only the segmentation of texts that contain its word,
            # which is what lets the cache key depend on the entries a sentence contains.
            self._tokenizer.total = total
            self._tagger = jieba.posseg.POSTokenizer(self._tokenizer)
        self._polyphones = shared_disambiguator()
        self._check_lexicon()

    def words(self, text: str) -> list[str]:
        """jieba's words of ``text`` (with the lexicon's words), joined they give ``text`` back."""
        with _JIEBA_LOCK:
            return list(self._tokenizer.lcut(text, HMM=True))

    def readings(self, run: str) -> list[str]:
        """One toned syllable (``chong2``) per character of a run of Han characters, lexicon first."""
        flat = [syllable for word in self._han_syllables(run) for syllable in word]
        return flat if len(flat) == len(run) else list(self._pinyin(run))

    def syllables(self, text: str) -> list[list[str]]:
        """Toned pinyin per word, e.g. ``重庆银行`` → ``[["chong2", "qing4"], ["yin2", "hang2"]]``."""
        return [word for run in self.runs(text) for word in run.words]

    def runs(self, text: str) -> list[Run]:
        """Each run of ``text`` (Han, Latin, number, other) with its words' syllables.

        A Han run is read with the rest of its clause in view (the words before it since the last
        clause mark, and what follows it), so 以“绿色发展”为主题 and 总额为5亿元 read 为 wéi.
        """
        found = [(m.start(), m.lastgroup or "other", m.group()) for m in _RUNS.finditer(_fold_width(text))]
        out: list[Run] = []
        left: list[Token] = []
        for index, (start, kind, run) in enumerate(found):
            if kind == "han":
                after = found[index + 1: index + 2]
                right = [context_token(next_run, next_kind) for _, next_kind, next_run in after]
                tokens = self.tokens(run)
                out.append(Run(start, kind, run, self._resolve(tokens, left, right)))
                left.extend(tokens)
                continue
            if kind == "latin":
                words = [_LETTERS[letter].split() for letter in run.upper()]
            elif kind == "number":
                words = self._han_syllables(read_digits(run, point=True))
            else:
                words = []
            out.append(Run(start, kind, run, words))
            left = [] if run in CLAUSE_MARKS + ",!?;：:" else [*left, context_token(run, kind)]
        return out

    def phonemes(self, clause: str, marks: str = "") -> str:
        """Kokoro phonemes for one clause; ``marks`` (e.g. ``"，"``) becomes its closing punctuation."""
        pieces: list[str] = []
        for run in self.runs(clause):
            if run.kind == "other":
                pieces.append(_PUNCTUATION.get(run.text, " "))
            else:
                pieces.append(" " + " ".join(self._ipa(word) for word in run.words) + " ")
        pieces.append(_PUNCTUATION.get(marks[:1], ""))
        tight = re.sub(r"([“(]) +", r"\1", re.sub(r" +([,.!?;:”)])", r"\1", "".join(pieces)))
        return re.sub(r" +", " ", tight).strip()

    def tokens(self, run: str) -> list[Token]:
        """jieba's words of a Han run with their part-of-speech tags (the lexicon's words included)."""
        with _JIEBA_LOCK:
            return [Token(pair.word, pair.flag) for pair in self._tagger.lcut(run, HMM=True)]

    def _han_syllables(self, run: str) -> list[list[str]]:
        return self._resolve(self.tokens(run), [], [])

    def _resolve(self, tokens: list[Token], left: list[Token], right: list[Token]) -> list[list[str]]:
        """Per jieba word: the site lexicon's pins, else the polyphone disambiguator, else pypinyin."""
        guessed = [self._pinyin(token.word) for token in tokens]
        if any(len(g) != len(t.word) for g, t in zip(guessed, tokens, strict=True)):
            return guessed  # pypinyin merged or split a character: keep its reading whole
        pinned = [self.lexicon.syllables_for(token.word) for token in tokens]
        return self._polyphones.resolve(tokens, guessed, pinned, left=left, right=right)

    def _ipa(self, syllables: list[str]) -> str:
        return "".join(self._py2ipa(s) for s in syllables).replace(_NON_SYLLABIC, "")

    def _check_lexicon(self) -> None:
        """Fail at load, not mid-page, on a syllable misaki cannot turn into IPA (e.g. ``r5``)."""
        for entry in self.lexicon.entries.values():
            for syllable in entry.syllables:
                try:
                    self._py2ipa(syllable)
                except (ValueError, KeyError, IndexError, AssertionError) as exc:
                    raise LexiconError(f"{entry.word}: {syllable!r} is not a Mandarin syllable") from exc


# The shipped lexicon, the site's and a draft being auditioned in the console: a few versions at
# once. Older ones are dropped from here (engines keep theirs), so drafts cannot pile up memory.
MAX_SHARED_G2PS = 4
_g2ps: OrderedDict[str, MandarinG2P] = OrderedDict()
_g2ps_lock = threading.Lock()


def shared_g2p(lexicon: Lexicon) -> MandarinG2P:
    """One G2P (and so one jieba dictionary, ~50 MB) per lexicon version, for the recent versions."""
    with _g2ps_lock:
        if lexicon.version not in _g2ps:
            try:
                _g2ps[lexicon.version] = MandarinG2P(lexicon)
            except ImportError as exc:
                raise EngineUnavailable(f"the Mandarin G2P is not installed: {exc}") from exc
            while len(_g2ps) > MAX_SHARED_G2PS:
                _g2ps.popitem(last=False)
        _g2ps.move_to_end(lexicon.version)
        return _g2ps[lexicon.version]


def _fold_width(text: str) -> str:
    """Full-width Latin letters and digits → ASCII; punctuation keeps its full-width form."""
    return "".join(unicodedata.normalize("NFKC", ch) if "\uff10" <= ch <= "\uff5a" else ch for ch in text)
