"""Blocks → outline: title, date, source, and sections of paragraphs under their headings.

The page is read in three zones. The *header* holds the title (kept once, as the first
paragraph of the lead section, so it is read exactly once) and metadata lines such as
``日期:2024-02-07`` (captured, not read: the date line the extractor found under the title,
``reader.dateline``, is read once, right after the title). The *body* is split at headings: ``<hN>``, Chinese
numbering, the questions of a Q&A page (`reader.qa`) and bold lines where the page uses them as
headings. The *tail* after the last prose paragraph holds the signature (落款: issuing authority
+ date), read as the end of the last section; whatever follows its date is site furniture.

Levels: 1 is the top heading level found on the page; only the lead section (which opens with
the title line) has level 0 and heading None.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from reader import chrome
from reader import meta
from reader import qa
from reader.blocks import HEADING
from reader.blocks import ITEM
from reader.blocks import PARAGRAPH
from reader.blocks import Block
from reader.blocks import Page
from reader.errors import EmptyDocument
from reader.han import HAN
from reader.headings import QA_RANK
from reader.headings import Heading
from reader.headings import LevelTracker
from reader.headings import bold_heading
from reader.headings import html_heading
from reader.headings import numbered_heading
from reader.headings import numbering_style

_HEADER_SCAN = 8
_NOT_WORD = re.compile(r"[\W_]+")
_NOT_TITLE = re.compile(r"[。！？；，,]|[：:]$")
_ENDS_SENTENCE = re.compile(r"[。！？!?]$")
_LABELLED = re.compile(r"^\s*[" + HAN + r"]{0,4}(?:标\s*题|名\s*称|题\s*名)\s*[:：]\s*(.+)$")
_NOTE = re.compile(r"^[（(][^（()）]{0,20}联系[^（()）]{2,80}[)）]$")
_LIST_STYLES = frozenset({"cn", "cn_paren", "num_dot", "num_dun", "num_paren", "num_rparen", "circled"})
_ANNEX = re.compile(r"^附\s*件\s*\d*\s*[:：]?$")


@dataclass(frozen=True, slots=True)
class Draft:
    """A section before sentence splitting."""

    heading: str | None
    level: int
    paragraphs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Outline:
    title: str
    date: str | None
    source: str | None
    sections: tuple[Draft, ...]


def build_outline(page: Page) -> Outline:
    """Group a page's blocks into sections; raise EmptyDocument when nothing is readable."""
    blocks = _drop_chrome(page.blocks)
    if not blocks:
        raise EmptyDocument("no readable text was found on the page")
    title_at = _find_title(blocks, page.title)
    title = blocks[title_at].text if title_at is not None else _fallback_title(blocks, page.title)
    hint = page.title or ""
    if title_at is not None and len(hint) > len(title) and _compact(title) in _compact(hint):
        title = hint  # The reconciled title is fuller (it keeps the issuing office); the line echoes it.
    date, source = page.date, page.source
    header_end = _header_end(blocks, title_at)
    body: list[Block] = []
    for i, block in enumerate(blocks):
        if i == title_at:
            continue
        if i < header_end:
            below_title = i == (title_at + 1 if title_at is not None else 0)
            if below_title and (byline := meta.dated_byline(block.text)):
                date = date or byline
                continue
            if meta.is_doc_number(block.text):
                continue  # 瑞政发〔2025〕8号 under the title: the document's number, metadata like 索引号
            info = meta.meta_line(block.text)
            if info is not None or meta.is_date_line(block.text):
                date = date or (info.date if info else meta.parse_date(block.text))
                source = source or (info.source if info else None)
                continue
            # A fallback title (the first line, when the page names none) stays in the body.
            real_title = title_at is not None or bool(page.title)
            if (real_title and _echoes(block, title)) or (
                title_at is not None and i < title_at and _masthead(block)
            ):
                continue
        body.append(block)
    body, signature = _split_tail(body)
    if page.title and not body and not signature:
        raise EmptyDocument("the page has a title but no readable text")
    if signature:
        date = date or next(filter(None, (meta.parse_date(s) for s in signature)), None)
    lead = [title, *_date_line(page, body)] if title_at is not None or page.title else []
    sections = _sections(lead, body)
    if signature:
        sections = _sign(sections, signature)
    if not any(d.paragraphs for d in sections):
        raise EmptyDocument("the page has a title but no readable text")
    return Outline(title, date, source, tuple(sections))


def _drop_chrome(blocks: tuple[Block, ...]) -> list[Block]:
    """Remove furniture lines, and the link titles listed under a 相关文章-style header."""
    out: list[Block] = []
    in_links = False
    for block in blocks:
        if chrome.is_chrome(block.text):
            in_links = in_links or chrome.is_related_header(block.text)
            continue
        if in_links and not _is_prose(block) and block.kind != HEADING:
            continue  # A related article's title: a short line without a full stop.
        in_links = False
        out.append(block)
    return out


def _masthead(block: Block) -> bool:
    """A short line above the title (site name, greeting, column name): never article text."""
    return chrome.is_menu_word(block.text) or (len(block.text) < 60 and not _ENDS_SENTENCE.search(block.text))


def _header_end(blocks: list[Block], title_at: int | None) -> int:
    """Blocks before this index may be metadata lines; the first prose paragraph ends the header."""
    start = (title_at or 0) + 1 if title_at is not None else 0
    limit = min(len(blocks), start + _HEADER_SCAN)
    ends = (i for i in range(start, limit) if _is_prose(blocks[i]) and meta.meta_line(blocks[i].text) is None)
    return next(ends, limit)


def _compact(text: str) -> str:
    """Text as a title comparison sees it: no spaces or punctuation, full-width forms folded."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text)).lower()


def _echoes(block: Block, title: str) -> bool:
    """The title line again, or one of the lines a title is broken into (XX办公室 / 关于…的通知)."""
    text = _compact(block.text)
    if (labelled := _LABELLED.match(block.text)) and _same(labelled.group(1), title):
        return True  # 留言标题：… / 标　　题：… in a form: the title again
    return _same(block.text, title) or (len(text) >= 4 and not _is_prose(block) and text in _compact(title))


def _same(a: str, b: str) -> bool:
    return bool(b) and _compact(a) == _compact(b)


def _find_title(blocks: list[Block], hint: str | None) -> int | None:
    """Index of the block that is the article title, looked for near the top."""
    head = list(enumerate(blocks[:_HEADER_SCAN]))
    if hint:
        wanted = _compact(hint)
        for i, b in head:
            text = _compact(b.text)
            # Most of the hint, not a fragment of it: 国务院办公厅 in a signature is no title.
            inside = len(text) >= max(6, 0.6 * len(wanted)) and text in wanted
            inside = inside and not meta.is_authority(b.text)
            if text == wanted or (inside and (b.kind == HEADING or _title_like(b))):
                return i
            if b.kind != HEADING and (len(b.text) > 80 or _ENDS_SENTENCE.search(b.text)):
                break  # The body has begun; the title stands above it.
    top_heading = next((i for i, b in head[:3] if b.kind == HEADING and b.level <= 2
                        and numbering_style(b.text) is None), None)
    if top_heading is not None or hint:
        return top_heading  # The article's own <h1>/<h2> beats a <title> that names only the site.
    first_prose = next((i for i, b in head if len(b.text) > 80 or _ENDS_SENTENCE.search(b.text)), len(head))
    likely = [i for i, b in head[:first_prose] if _title_like(b)]
    for i in likely:  # A title is usually followed by its date/source line.
        nxt = blocks[i + 1].text if i + 1 < len(blocks) else ""
        if meta.meta_line(nxt) is not None or meta.is_date_line(nxt) or meta.is_doc_number(nxt):
            return i
    return next((i for i in likely if len(blocks[i].text) >= 6), likely[0] if likely else None)


def _title_like(block: Block) -> bool:
    text = block.text.strip()
    if block.kind == ITEM or not 4 <= len(text) <= 80 or _NOT_TITLE.search(text.rstrip("。")):
        return False
    if numbered_heading(text) is not None or qa.question(text) is not None:
        return False
    return meta.meta_line(text) is None and not meta.is_date_line(text)


def _fallback_title(blocks: list[Block], hint: str | None) -> str:
    if hint:
        return hint
    first = blocks[0].text
    return first if len(first) <= 40 else first[:30] + "…"


def _split_tail(body: list[Block]) -> tuple[list[Block], list[str]]:
    """Separate the signature block and drop the furniture after it."""
    last_prose = max((i for i, b in enumerate(body) if _is_prose(b)), default=-1)
    tail = body[last_prose + 1:]
    starts = [i for i, b in enumerate(tail) if meta.is_authority(b.text) or meta.is_date_line(b.text)]
    if not starts:
        return body[: last_prose + 1] + [b for b in tail if not _is_trailing_menu(b)], []
    first = starts[0]
    dates = [i for i in starts if meta.is_date_line(tail[i].text)]
    end = dates[0] + 1 if dates else len(tail)
    signature = [b.text for b in tail[first:end] if not _is_trailing_menu(b) or meta.is_authority(b.text)]
    # After the signature's date only full sentences (抄送：…。) and a bracketed contact note
    # (（联系人：…）) still belong to the document; the filing mark (（此件公开发布）) does not.
    annex = next((i for i, b in enumerate(tail[end:], end) if _ANNEX.match(b.text)), len(tail))
    after = [b for b in tail[end:annex] if not dates or _ENDS_SENTENCE.search(b.text) or _NOTE.match(b.text)]
    if dates:  # 附件 after the signature: the attached document (its title, its list) is read
        after += [b for b in tail[annex:] if not chrome.is_footer_field(b.text)]
    return body[: last_prose + 1] + tail[:first], signature + [b.text for b in after]


def _sign(sections: list[Draft], signature: list[str]) -> list[Draft]:
    """The signature (落款) closes the document: it is read as the end of the last section."""
    if not sections:
        return [Draft(None, 0, tuple(signature))]
    last = sections[-1]
    return [*sections[:-1], Draft(last.heading, last.level, last.paragraphs + tuple(signature))]


def _is_prose(block: Block) -> bool:
    text = block.text
    return block.kind == HEADING or len(text) >= 40 or bool(_ENDS_SENTENCE.search(text))


def _is_trailing_menu(block: Block) -> bool:
    if chrome.is_footer_field(block.text) or _is_byline(block.text):
        return True
    if block.kind == ITEM or meta.is_date_line(block.text) or numbering_style(block.text):
        return False  # a numbered line (1.采购人信息) is the document's, never a menu's
    return chrome.is_menu_word(block.text)


def _is_byline(text: str) -> bool:
    """来源：… / 编辑：… / （来源：…） under the article: its metadata, as in the header."""
    info = meta.meta_line(text.strip().strip("（）()【】[]"))
    return info is not None and info.date is None


@dataclass(frozen=True, slots=True)
class _Style:
    """How this page marks headings beyond <hN> and numbering."""

    qa: bool
    asked: frozenset[int]
    """Body indices of questions known only by the answer after them."""
    bold: bool
    listed: frozenset[int] = frozenset()
    """Body indices of numbered lines that are the items of a list (`_list_items`)."""


def _page_style(body: list[Block]) -> _Style:
    prose = [b for b in body if b.kind != ITEM and b.kind != HEADING]
    bold = [i for i, b in enumerate(body) if b.kind != ITEM and b.kind != HEADING and b.bold
            and numbering_style(b.text) is None and bold_heading(b.text)]
    # Used consistently: several such lines, each followed by ordinary text, and most lines not bold.
    followed = all(i + 1 < len(body) and not body[i + 1].bold for i in bold)
    consistent = len(bold) >= 2 and followed and 2 * len(bold) <= len(prose)
    texts = [b.text if b.kind == PARAGRAPH else "" for b in body]
    return _Style(qa.qa_page([b.text for b in prose]), qa.unmarked_questions(texts), consistent,
                  _list_items(body))


def _list_items(body: list[Block]) -> frozenset[int]:
    """Numbered lines that follow one another with nothing between them (1.户口簿 2.近期照片 …, or
    一、…为森林防火期。二、…): the items of a list, not headings. Articles (第一条 …) and run-in
    headings (一、扩大助餐服务。到2026年底…) follow one another too and stay headings."""
    styles = [_whole_line_style(b) for b in body]
    out: set[int] = set()
    for i in range(len(body) - 1):
        if styles[i] is not None and styles[i] == styles[i + 1]:
            out.update((i, i + 1))
    return frozenset(out)


def _whole_line_style(block: Block) -> str | None:
    """The list numbering of a paragraph that is nothing but its numbered line, if any."""
    if block.kind != PARAGRAPH or (style := numbering_style(block.text)) not in _LIST_STYLES:
        return None
    found = numbered_heading(block.text)
    run_in = found is not None and found.text != block.text.strip().rstrip("。：:．.").strip()
    return None if run_in else style


def _heading_of(block: Block, siblings: dict[str, bool], style: _Style, index: int,
                after: Block | None) -> Heading | None:
    """The block's heading; ``siblings`` remembers whether each numbering style made headings."""
    if block.kind == HEADING:
        return html_heading(max(1, block.level), block.text)
    if block.kind == ITEM:
        return None
    if index in style.asked and numbering_style(block.text) is None:
        return Heading("qa", QA_RANK, block.text.strip())
    asked = qa.question(block.text) if style.qa else None
    if asked:
        return Heading("qa", QA_RANK, asked)
    found = numbered_heading(block.text)
    if found is not None and (index in style.listed or found.weak and (
            siblings.get(found.style) is False or after is None)):
        found = None  # a list item; or a numbered sentence whose siblings are list items, or last of all
    numbering = found.style if found else numbering_style(block.text)
    if numbering is not None:
        siblings[numbering] = found is not None
    if found is None and numbering is None and style.bold and block.bold:
        return bold_heading(block.text)
    return found


def _date_line(page: Page, body: list[Block]) -> list[str]:
    """The date line shown under the title, unless the body reads it anyway (it was no header line)."""
    line = page.date_line
    if not line or any(_compact(line) in _compact(b.text) for b in body[:_HEADER_SCAN]):
        return []
    return [line]


def _sections(lead: list[str], body: list[Block]) -> list[Draft]:
    """Open a new section at every heading; the title (and its date line) leads the first, untitled one."""
    levels = LevelTracker()
    siblings: dict[str, bool] = {}
    out: list[Draft] = []
    heading: str | None = None
    level = 0
    paragraphs: list[str] = list(lead)
    style = _page_style(body)
    for index, block in enumerate(body):
        found = _heading_of(block, siblings, style, index, body[index + 1] if index + 1 < len(body) else None)
        if found is None:
            paragraphs.append(block.text)
            continue
        if paragraphs or heading is not None:
            out.append(Draft(heading, level, tuple(paragraphs)))
        heading, level, paragraphs = found.text, levels.level_of(found), [block.text]
    if paragraphs or heading is not None:
        out.append(Draft(heading, level, tuple(paragraphs)))
    return out
