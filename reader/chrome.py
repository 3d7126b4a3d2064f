"""Government-site boilerplate lines that must never be read aloud.

Chinese government CMS templates wrap every article in the same furniture: breadcrumbs
(您的当前位置：首页>…), font-size switches (字号【大 中 小】), share/print/close links, view
counters, QR-code prompts (扫一扫在手机打开当前页), previous/next links, related-link headers,
footers (版权所有, ICP备…) and the site's own read-aloud toolbar (语音播报, 进入播报模式…).
These rules recognise such a line from its text alone, so they work on plain text scraped from
a page as well as on HTML blocks.
"""

from __future__ import annotations

import re

from reader.han import HAN

# 您当前的位置：, 当前所在位置 , 您的位置： (a breadcrumb's lead; 当前位置不详 is a sentence).
_WHERE_WORDS = (r"(?:您的當前位置|現在位置|目前位置|(?:您|你)?的?(?:当前|现在|目前|所在)*的?位置)"
                r"(?=\s*[:：]|\s|首页|$)")
# A line is chrome when it *starts* with one of these (breadcrumbs, counters, pagers, footers).
_PREFIXES = re.compile(
    rf"^[【\[(（]?\s*(?:{_WHERE_WORDS}|"
    r"浏览次数|阅读次数|访问次数|点击次数|点击数|点击量|浏览量|阅读量|访问量|"
    r"上一篇|下一篇|上一条|下一条|上一页|下一页|"
    r"扫一扫|用手机扫|手机扫|微信扫|用微信|扫码|打开微信|分享到|分享至|"
    r"(?:浏览|阅读|点击|访问)(?:次数|量|数)?\s*[:：]\s*\d|您是第\s*\d|"
    r"版权所有|Copyright|©|运维单位|网站标识码|网站识别码|技术支持\s*[:：]|"
    r"建议使用|推荐使用|最佳分辨率|本站支持|"
    r"语音合成中|语音播报|进入播报模式|退出播报模式|开启语音|关闭语音|无障碍|适老化|关怀版|关怀模式|长者模式|长辈版|"
    r"读屏专用|智能问答|智能客服|我要咨询|我要留言|我要写信|我要打印|责任编辑|"
    r"字号\s*[:：]?\s*[【\[]?\s*大|字体\s*[:：]?\s*[【\[]?\s*大|【\s*字体|【\s*字号)",
    re.IGNORECASE,
)

# Lines that are chrome when they consist of nothing else (menus, toolbars, footer links).
_EXACT = frozenset(
    """首页 首頁 网站首页 返回首页 分享 打印 关闭 打印本页 关闭窗口 关闭本页
    收藏 加入收藏 设为首页 返回顶部 顶部
    返回 返回列表 相关链接 相关文章 相关新闻 相关阅读 相关稿件 相关文件 相关信息 延伸阅读 推荐阅读 热点新闻
    大 中 小 默认 繁体 简体 繁體 English 登录 注册 个人登录 法人登录 搜索 检索 高级检索 站内搜索
    网站地图 服务地图 政务新媒体 政务新媒体矩阵 新媒体矩阵 矩阵 公开信箱 联系我们 网站声明 隐私声明 使用帮助
    我要纠错 纠错 网站纠错 部门街镇 部门网站 区县网站 友情链接 政府网站 微信 微博 头条号 抖音 客户端 APP
    二维码 手机版 移动版 电脑版 微信公众号 官方微信 官方微博 打印正文 下载 视频 图片 信息来源""".split()
)

_TOOLBAR_TOKEN = re.compile(
    r"[【\[]?\s*(?:打印本页|关闭窗口|我要打印|返回顶部|收藏本页|打印正文|打印|关闭|分享|收藏|大|中|小|字号|字体|默认)"
    r"\s*[:：]?\s*[】\]]?"
)
_OWNER = re.compile(r"^\S.{1,30}(?:主办|承办|协办|版权所有)$")
_ICP = re.compile(r"ICP\s*备|公网安备|ICP证|网安备|网站标识码|版权所有|Copyright|"
                  r"技术支持\s*[:：]|IPv6|网站地图", re.I)
_SENTENCE_PUNCT = re.compile(r"[。！？；，,!?;：:“”]")
_WS = re.compile(r"\s+")
_NAV_SPLIT = re.compile(r"[\s|｜/>»＞›→·]+")
_WHERE = re.compile(rf"^[【\[(（]?\s*{_WHERE_WORDS}\s*[:：]?\s*")
# A site column's name (政务公开, 通知公告, 图片新闻): the words breadcrumbs are made of.
_COLUMN = re.compile(rf"^[{HAN}]{{2,8}}$")


def is_chrome(line: str) -> bool:
    """True when ``line`` is site furniture rather than article text."""
    text = line.strip()
    if not text:
        return True
    compact = _WS.sub("", text)
    if compact.rstrip(":：") in _EXACT or _PREFIXES.match(text) or (len(text) < 120 and _ICP.search(text)):
        return True
    if len(compact) <= 30 and (_is_toolbar(text) or _OWNER.match(compact)):
        return True
    return _is_nav_line(text)


def crumb_columns(line: str) -> frozenset[str]:
    """The column names in a breadcrumb (首页 > 通知公告 > 正文 → 通知公告); empty for other lines.

    The crumb's last word is left out when there are others: it may be the article's own short title.
    """
    text = line.strip()
    where = _WHERE.match(text)
    text = text[where.end():] if where else text
    if not where and not _is_nav_line(text):
        return frozenset()
    words = [t for t in _NAV_SPLIT.split(text) if _COLUMN.match(t) and not t.endswith(("首页", "首頁"))]
    return frozenset(words[:-1] if len(words) > 1 else words)


def _is_toolbar(text: str) -> bool:
    """A row of toolbar words such as 【打印】【关闭】 or 字号：大 中 小."""
    rest = _TOOLBAR_TOKEN.sub("", text)
    return rest.strip(" |｜/·-") == "" and text.strip() != ""


def _is_nav_line(text: str) -> bool:
    """A menu row or breadcrumb: short words between spaces, bars or '>', one of them 首页,
    or at least two '>' separators (政务公开 > 通知公告 > 正文), or one '>' between column names."""
    arrows = sum(text.count(c) for c in ">»＞›→")
    if "首页" not in text and "首頁" not in text and arrows < 1:
        return False
    tokens = [t for t in _NAV_SPLIT.split(text) if t]
    home = any(t.endswith(("首页", "首頁")) for t in tokens)
    longest = 20 if home and arrows else 10  # a crumb from 首页 may end in a long column's name
    short_words = all(len(t) <= longest and not t.isdigit() for t in tokens)
    if len(tokens) < 2 or _SENTENCE_PUNCT.search(text) or not short_words:
        return False
    if len(tokens) == 2:  # 首页 > 政务公开: a crumb only with a separator, never 首页 alone beside a word
        return (arrows >= 1 or (home and "/" in text)) and (home or all(_COLUMN.match(t) for t in tokens))
    if arrows == 1 and not home:
        return all(_COLUMN.match(t) for t in tokens)
    return arrows >= 2 or home


_FOOTER_FIELD = re.compile(r"^(?:主办|承办|协办|地址|电话|联系电话|邮编|传真|邮箱|电子邮箱)(?:单位)?\s*[:：]")


_RELATED = re.compile(r"^[【\[]?(?:相关|延伸|推荐|热点|热门|最新|更多)"
                      r"(?:链接|文章|新闻|阅读|稿件|文件|信息|解读|推荐|资讯)")


def is_related_header(line: str) -> bool:
    """A header such as 相关文章 or 延伸阅读, after which come titles of other pages."""
    return bool(_RELATED.match(line.strip()))


def is_footer_field(line: str) -> bool:
    """A site footer's address or owner line, as found after the signature of scraped text."""
    return bool(_FOOTER_FIELD.match(line.strip()))


def is_menu_word(line: str) -> bool:
    """A short line without punctuation: harmless in the body, chrome after the signature."""
    compact = _WS.sub("", line)
    return 0 < len(compact) <= 12 and not _SENTENCE_PUNCT.search(compact) and not compact.isdigit()
