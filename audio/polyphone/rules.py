"""Context rules for polyphones that no word list can settle: the reading follows the grammar.

A rule sees jieba's words with their part-of-speech tags (``jieba.posseg``: ``v`` verb, ``a``
adjective, ``ad``/``d`` adverbial, ``m`` numeral, ``r`` pronoun, ``n*`` nouns, ``p`` preposition…)
and answers a reading for one character, or None to leave it to the word data and pypinyin.
Rules are consulted only where no word of the data covers the character within jieba's words, so
they deal with the character as a word of its own (说/得/好, 认真/地/做好, 以/人民/为/中心) or
at the edge of a word that jieba built and the data does not know (一只, 副县长).
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Token:
    """One jieba word and its part-of-speech tag."""

    word: str
    tag: str


@dataclass(frozen=True, slots=True)
class Context:
    """The character at ``tokens[index].word[offset]`` and its neighbours."""

    tokens: Sequence[Token]
    index: int
    offset: int

    @property
    def token(self) -> Token:
        return self.tokens[self.index]

    @property
    def alone(self) -> bool:
        """The character is a word of its own."""
        return len(self.token.word) == 1

    @property
    def prev(self) -> Token:
        return self.tokens[self.index - 1] if self.index > 0 else _EDGE

    @property
    def next(self) -> Token:
        return self.tokens[self.index + 1] if self.index + 1 < len(self.tokens) else _EDGE

    def before(self) -> str:
        """The text of the run before this word."""
        return "".join(t.word for t in self.tokens[: self.index])

    def after(self) -> str:
        """The text of the run after this word."""
        return "".join(t.word for t in self.tokens[self.index + 1:])


RULES_VERSION = "8"  # bump whenever a rule's answer changes
_EDGE = Token("", "")
Rule = Callable[[Context], str | None]

# Tags of words that can modify a verb as an adverbial (the 地 of 认真地做好).
_ADVERBIAL = ("a", "ad", "an", "d", "z", "i", "l", "b", "vd", "ag", "dg")
_LENGTHY = set("过偏较太很最更超延拉漫狭细修全身")  # 过长, 全长: the length, not a head of office
_GAINS = ("知识", "见识", "本事", "本领", "才干", "志气", "威风", "记性", "能耐")  # 长知识: zhǎng "gain"
_DEGREE = ("太", "很", "真", "挺", "特别", "非常", "有点", "比较", "十分", "好")
_NUMERALS = set("一二两三四五六七八九十百千万几每这那各数半")
# One-character verbs that take 为 wéi as a result ("become/as"): 改为 分为 评为 …
_WEI_VERBS = set("改分定评列选称视转变化作成划译设奉誉沦降升增减合并折拆认聘任命名更调修确界归核授推立奉尊")


def _is(tag: str, *prefixes: str) -> bool:
    return any(tag == p or (len(p) == 1 and tag.startswith(p)) for p in prefixes)


def _de_after_verb(ctx: Context) -> str | None:
    """得: de after a verb or adjective (说得好); děi "must" before a verb (我们得尽快办); else dé."""
    if not ctx.alone:
        # jieba glues the complement's 得 to its verb (修得/好); a complement, not an object, follows.
        last = ctx.offset == len(ctx.token.word) - 1 and _is(ctx.token.tag, "v")
        return "de5" if last and _is(ctx.next.tag, "a", "ad", "d", "z", "i", "l") else None
    prev, nxt = ctx.prev, ctx.next
    if _is(prev.tag, "v", "a") and prev.word not in ("还", "就", "也", "都", "总", "必"):
        return "de5"
    subject = not prev.word or _is(prev.tag, "r", "n", "d", "c", "t")
    if nxt.word and _is(nxt.tag, "v", "d", "p", "c", "ad") and subject:
        return "dei3"
    return "de2"


def _di_or_de(ctx: Context) -> str | None:
    """地: de after an adverbial and before a verb (认真地做好); dì the noun (这块地)."""
    if not ctx.alone:
        return None
    prev, nxt = ctx.prev, ctx.next
    if not nxt.word or _is(prev.tag, "m", "q", "r", "f"):
        return "di4"
    if _is(nxt.tag, "v") and nxt.tag != "vn" or nxt.tag == "p":
        return "de5"  # before a verb, 地 marks the adverbial (一步一个脚印地走)
    if _is(prev.tag, "n"):
        return "di4"
    doubled = len(prev.word) >= 2 and prev.word[-1] == prev.word[-2]  # 慢慢, 好好
    if _is(prev.tag, *_ADVERBIAL) or ctx.token.tag == "uv" or doubled:
        return "de5"
    return "di4"


def _le(ctx: Context) -> str | None:
    """了: liǎo in "V不了" (cannot manage: 解决不了); otherwise the particle le."""
    word, offset = ctx.token.word, ctx.offset
    left = word[offset - 1] if offset > 0 else ctx.prev.word[-1:]
    if left == "不" and (offset > 1 or ctx.before()):
        return "liao3"
    if ctx.alone and ctx.prev.word == "得" and ctx.index >= 2 and _is(ctx.tokens[ctx.index - 2].tag, "v"):
        return "liao3" if ctx.index + 1 == len(ctx.tokens) else None  # 克服得了 (can manage), clause-final
    return "le5" if ctx.alone else None


def _zhe(ctx: Context) -> str | None:
    """着: the aspect particle zhe after a verb (看着, 发挥着)."""
    if ctx.alone or (ctx.offset == len(ctx.token.word) - 1 and _is(ctx.token.tag, "v")):
        return "zhe5"
    return None


def _wei(ctx: Context) -> str | None:
    """为: wéi as a copula or result (以…为…, 改/为, 为/五亿元, 为…所); wèi "for" (为人民服务)."""
    if not ctx.alone:
        return None
    prev, nxt = ctx.prev, ctx.next
    if prev.word in _WEI_VERBS or _is(nxt.tag, "m") or "所" in ctx.after()[:8]:
        return "wei2"
    if "以" in ctx.before() and any(t.word == "以" for t in ctx.tokens[: ctx.index]):
        return "wei2"
    return "wei4"


def _zhi(ctx: Context) -> str | None:
    """只: zhī the measure word after a numeral (一只, 三只); otherwise zhǐ "only"."""
    left = ctx.token.word[ctx.offset - 1] if ctx.offset > 0 else ctx.prev.word[-1:]
    if left in _NUMERALS or (ctx.offset == 0 and _is(ctx.prev.tag, "m")):
        return "zhi1"
    return "zhi3" if ctx.alone else None


def _zhang_or_chang(ctx: Context) -> str | None:
    """长: zhǎng "grow" before 得/大/出/高, and as the head of a title (…县长); else cháng."""
    word = ctx.token.word
    if not ctx.alone:
        title = ctx.offset == len(word) - 1 and _is(ctx.token.tag, "n", "nr", "nt")
        return "zhang3" if title and word[ctx.offset - 1] not in _LENGTHY else None
    if ctx.next.word[:1] in ("得", "大", "出", "满", "高", "成") or ctx.next.word in _GAINS:
        return "zhang3"
    return "chang2"


def _ying(ctx: Context) -> str | None:
    """应: yīng the modal "should" before a verb (应加强); yìng "answer, respond" otherwise."""
    if not ctx.alone:
        return None
    return "ying1" if _is(ctx.next.tag, "v", "d", "p", "a", "c") or not ctx.next.word else "ying4"


def _shuai_or_lv(ctx: Context) -> str | None:
    """率: shuài "lead" before whom is led (率/代表团); lǜ "rate" after what is counted."""
    if not ctx.alone:
        return "lv4" if ctx.offset == len(ctx.token.word) - 1 else None
    return "shuai4" if _is(ctx.next.tag, "n", "nr", "nt", "r", "m") and not ctx.prev.word else "lv4"


def _chong(ctx: Context) -> str | None:
    """冲: chòng as an adjective after a degree adverb (酒味太冲) or before 着 (冲着问题去); else chōng."""
    if not ctx.alone:
        return None
    return "chong4" if ctx.prev.word in _DEGREE or ctx.next.word[:1] == "着" else "chong1"


def _chu(ctx: Context) -> str | None:
    """处: chù the place after a numeral or demonstrative (三处, 此处); chǔ the penalty (处五日拘留)."""
    if not ctx.alone:
        return _after_numeral("chu4", None)(ctx)
    if _is(ctx.prev.tag, "m", "q", "r") or ctx.prev.word[-1:] in _NUMERALS:
        return "chu4"
    if _is(ctx.next.tag, "m", "t") or ctx.next.word[:1] == "以" or _is(ctx.token.tag, "v"):
        return "chu3"
    return None


def _dao(ctx: Context) -> str | None:
    """倒: dào as the adverb (这倒是); dǎo "fall" with nothing poured after it (房子倒了 vs 倒了一杯水)."""
    if not ctx.alone:
        return None
    if _is(ctx.token.tag, "d"):
        return "dao4"
    after = ctx.tokens[ctx.index + 2] if ctx.index + 2 < len(ctx.tokens) else _EDGE
    if ctx.next.word in ("了", "下", "在", "地") and not _is(after.tag, "m", "q"):
        return "dao3"
    return None


def _za(ctx: Context) -> str | None:
    """扎: zā "tie" when hair is what is tied (扎着两条小辫子); other uses are left to the word data."""
    if not ctx.alone:
        return None
    ahead = ctx.after()[:8]
    return "za1" if any(hair in ahead for hair in ("辫", "头发", "马尾")) else None


_DEBTS = ("贷款", "欠款", "借款", "债务", "本金", "利息", "房贷", "车贷", "欠账", "旧账", "外债", "赌债")


def _huan_or_hai(ctx: Context) -> str | None:
    """还: huán "pay back" before a debt (按时还贷款); otherwise the adverb hái."""
    if not ctx.alone:
        return None
    return "huan2" if ctx.next.word in _DEBTS else "hai2"


def _by_tag(verb: str, other: str) -> Rule:
    """A character alone whose reading follows whether jieba tags it a verb."""

    def rule(ctx: Context) -> str | None:
        if not ctx.alone:
            return None
        return verb if _is(ctx.token.tag, "v") else other

    return rule


def _alone(reading: str) -> Rule:
    """A character alone almost always reads one way (都 dōu, 的 de, 还 hái …)."""

    def rule(ctx: Context) -> str | None:
        return reading if ctx.alone else None

    return rule


def _after_numeral(measure: str, other: str | None) -> Rule:
    """A measure-word reading after a numeral or demonstrative (一处, 两担), else ``other``."""

    def rule(ctx: Context) -> str | None:
        left = ctx.token.word[ctx.offset - 1] if ctx.offset > 0 else ctx.prev.word[-1:]
        if left in _NUMERALS or (ctx.offset == 0 and _is(ctx.prev.tag, "m", "q")):
            return measure
        return other if ctx.alone else None

    return rule


RULES: dict[str, Rule] = {
    "得": _de_after_verb,
    "地": _di_or_de,
    "的": _alone("de5"),
    "了": _le,
    "着": _zhe,
    "为": _wei,
    "只": _zhi,
    "长": _zhang_or_chang,
    "应": _ying,
    "率": _shuai_or_lv,
    "都": _alone("dou1"),
    "还": _huan_or_hai,
    "处": _chu,
    "担": _after_numeral("dan4", "dan1"),
    "种": _after_numeral("zhong3", None),
    "教": _by_tag("jiao1", "jiao4"),
    "数": _by_tag("shu3", "shu4"),
    "量": _by_tag("liang2", "liang4"),
    "干": _alone("gan4"),
    "中": _by_tag("zhong4", "zhong1"),
    "差": _alone("cha4"),
    "好": _alone("hao3"),
    "少": _alone("shao3"),
    "重": _alone("zhong4"),
    "便": _alone("bian4"),
    "相": _alone("xiang1"),
    "当": _alone("dang1"),
    "给": _alone("gei3"),
    "看": _alone("kan4"),
    "没": _alone("mei2"),
    "更": _alone("geng4"),
    "冲": _chong,
    "降": _alone("jiang4"),
    "号": _alone("hao4"),
    "分": _alone("fen1"),
    "会": _alone("hui4"),
    "曾": _alone("ceng2"),
    "将": _alone("jiang1"),
    "落": _alone("luo4"),
    "似": _alone("si4"),
    "与": _alone("yu3"),
    "行": _alone("xing2"),
    "正": _alone("zheng4"),
    "和": _alone("he2"),
    "几": _alone("ji3"),
    "觉": _alone("jue2"),
    "倒": _dao,
    "省": _alone("sheng3"),
    "难": _alone("nan2"),
    "空": _alone("kong1"),
    "藏": _alone("cang2"),
    "传": _alone("chuan2"),
    "扎": _za,
}


def reading_by_rule(ctx: Context) -> str | None:
    """The reading the rules give the character at ``ctx``, or None."""
    rule = RULES.get(ctx.token.word[ctx.offset])
    return rule(ctx) if rule is not None else None
