"""The widget's MIIT visual pack (大鼠标, 放大/缩小, 十字辅助线) on the strict-CSP host page, in Chromium."""

from __future__ import annotations

import base64
import re
import struct
from typing import Any

import pytest

from tests.browser.conftest import Servers
from tests.browser.conftest import run_axe
from tests.browser.conftest import screenshot
from tests.browser.test_widget import SHADOW
from tests.browser.test_widget import active_id
from tests.browser.test_widget import open_host
from tests.browser.test_widget import wait_status

pytestmark = pytest.mark.browser

CURSOR = "(sel) => getComputedStyle(document.querySelector(sel)).cursor"
SHADOW_CURSOR = f"(id) => getComputedStyle({SHADOW}.getElementById(id)).cursor"
ZOOM = "() => getComputedStyle(document.querySelector('article')).zoom"
# Height of the first character of the first paragraph, as drawn: grows with the content zoom.
GLYPH_PX = """() => { const t = document.querySelector('article p').firstChild;
    const r = document.createRange();
    r.setStart(t, 0); r.setEnd(t, 1); return r.getBoundingClientRect().height; }"""
SHEETS = "document.adoptedStyleSheets.length"
WIDGET_HOST = '<div class="bobao-widget-host"></div>'
SKIP_HOST = '<div class="bobao-skip-host"></div>'


def watch_csp(page: Any) -> None:
    page.evaluate("""() => { window.cspViolations = [];
        document.addEventListener('securitypolicyviolation',
            e => cspViolations.push(e.violatedDirective + ' ' + e.blockedURI)); }""")


def open_panel(page: Any) -> None:
    page.click("#launcher")
    wait_status(page, "已进入播报模式")


def reopen(page: Any) -> None:
    page.reload()
    page.wait_for_function("() => window.Bobao && document.querySelector('.bobao-widget-host')")


def pressed(page: Any, button_id: str) -> str:
    return str(page.get_attribute(f"#{button_id}", "aria-pressed"))


def cursor_png(value: str) -> bytes:
    found = re.search(r'url\("data:image/png;base64,([^"]+)"\)', value)
    assert found, value
    png = base64.b64decode(found.group(1))
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    return png


def png_size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])
    return width, height


# Opaque black and opaque white pixels in a cursor image, counted after the browser decodes it.
INK = """async (url) => { const img = new Image(); img.src = url; await img.decode();
    const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
    const g = c.getContext('2d'); g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    let black = 0, white = 0;
    for (let i = 0; i < d.length; i += 4) { if (d[i + 3] < 250) continue;
      if (d[i] < 20 && d[i + 1] < 20 && d[i + 2] < 20) black++;
      if (d[i] > 235 && d[i + 1] > 235 && d[i + 2] > 235) white++; }
    return [black, white]; }"""


def crosshair(page: Any) -> dict[str, Any]:
    lines: dict[str, Any] = page.evaluate(f"""() => {{ const s = {SHADOW};
        const h = s.getElementById('cross-h'), v = s.getElementById('cross-v');
        const hr = h.getBoundingClientRect(), vr = v.getBoundingClientRect();
        return {{hidden: s.getElementById('crosshair').hidden,
                 y: hr.top + hr.height / 2, x: vr.left + vr.width / 2,
                 width: hr.width, height: vr.height, events: getComputedStyle(h).pointerEvents +
                 getComputedStyle(v).pointerEvents +
                 getComputedStyle(s.getElementById('crosshair')).pointerEvents}}; }}""")
    return lines


def test_big_cursor_host_and_widget_persists_and_resets(page: Any, servers: Servers) -> None:
    open_host(page, servers)
    watch_csp(page)
    normal = page.evaluate(CURSOR, "article p")
    assert "url(" not in normal
    open_panel(page)
    assert pressed(page, "cursor") == "false", "off by default"
    page.click("#cursor")
    assert pressed(page, "cursor") == "true"
    text_cursor = page.evaluate(CURSOR, "article p")
    link_cursor = page.evaluate(CURSOR, "nav a")
    arrow, hand = cursor_png(text_cursor), cursor_png(link_cursor)
    assert arrow != hand, "links and buttons get the pointer variant"
    assert text_cursor.endswith("auto") and link_cursor.endswith("pointer"), "a normal cursor as fallback"
    for png, value in ((arrow, text_cursor), (hand, link_cursor)):
        assert min(png_size(png)) >= 64
        url = re.search(r'url\("([^"]+)"\)', value)
        assert url
        black, white = page.evaluate(INK, url.group(1))
        assert black >= 400 and white >= 150, "black with a white outline: visible on any background"
    assert "url(" in page.evaluate(SHADOW_CURSOR, "play"), "the toolbar shows the big cursor too"
    page.mouse.move(400, 300)
    page.wait_for_timeout(100)
    assert page.evaluate("cspViolations") == [], "the host CSP (img-src 'self' data:) allows the cursor image"
    reopen(page)
    assert pressed(page, "cursor") == "true", "大鼠标 persists"
    assert page.evaluate(SHEETS) == 0 and "url(" not in page.evaluate(CURSOR, "article p"), \
        "no effect on the host page until broadcast mode is entered"
    open_panel(page)
    assert "url(" in page.evaluate(CURSOR, "article p")
    page.click("#reset")
    assert pressed(page, "cursor") == "false"
    assert page.evaluate(CURSOR, "article p") == normal
    assert "url(" not in page.evaluate(SHADOW_CURSOR, "play")


def test_zoom_steps_keep_the_widget_size_persist_and_reset(page: Any, servers: Servers) -> None:
    open_host(page, servers)
    open_panel(page)
    glyph = page.evaluate(GLYPH_PX)
    play = page.evaluate(f"{SHADOW}.getElementById('play').getBoundingClientRect().height")
    assert page.evaluate(ZOOM) == "1"
    seen = []
    for _ in range(5):
        page.click("#zoomin")
        seen.append(page.evaluate(ZOOM))
    assert seen == ["1.25", "1.5", "1.75", "2", "2"], "100→125→150→175→200%, then no further"
    wait_status(page, "文字已是最大")
    assert page.evaluate(GLYPH_PX) == pytest.approx(glyph * 2, rel=0.08), "the text is drawn twice as big"
    assert page.text_content("#zoomlevel") == "文字 200%"
    assert page.evaluate(f"{SHADOW}.getElementById('play').getBoundingClientRect().height") == play, \
        "the widget keeps its own size"
    assert page.evaluate(CURSOR.replace("cursor", "zoom"), "nav a") == "1", "only the main content is zoomed"
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, "zoomed text reflows instead of scrolling sideways"
    page.keyboard.press("Alt+ArrowDown")
    assert page.evaluate(ZOOM) == "1.75"
    page.keyboard.press("Alt+3")  # 缩小
    assert page.evaluate(ZOOM) == "1.5"
    page.keyboard.press("Alt+1")  # 放大
    page.keyboard.press("Alt+3")
    wait_status(page, "文字缩小到150%")
    reopen(page)
    open_panel(page)
    assert page.evaluate(ZOOM) == "1.5", "the zoom level persists"
    assert page.evaluate(GLYPH_PX) == pytest.approx(glyph * 1.5, rel=0.08)
    page.keyboard.press("Alt+0")  # 重置
    assert page.evaluate(ZOOM) == "1"
    assert page.text_content("#zoomlevel") == "文字 100%"
    page.click("#zoomout")
    wait_status(page, "文字已是最小")


def test_crosshair_follows_pointer_and_focus_and_never_catches_clicks(page: Any, servers: Servers) -> None:
    open_host(page, servers)
    open_panel(page)
    assert pressed(page, "cross") == "false" and crosshair(page)["hidden"], "off by default"
    page.keyboard.press("Alt+2")
    assert pressed(page, "cross") == "true"
    page.mouse.move(300, 200)
    lines = crosshair(page)
    assert not lines["hidden"]
    assert lines["x"] == pytest.approx(300, abs=2) and lines["y"] == pytest.approx(200, abs=2)
    assert lines["width"] >= 1280 - 20 and lines["height"] >= 900 - 20, "the lines cross the whole window"
    assert lines["events"] == "nonenonenone"
    page.mouse.move(641, 333)
    assert crosshair(page)["x"] == pytest.approx(641, abs=2)
    under = page.evaluate("() => document.elementFromPoint(641, 333).className")
    assert under != "bobao-widget-host", "the point under the lines is still the page's own element"
    box = page.locator("nav a").nth(1).bounding_box()
    page.focus("nav a >> nth=1")
    lines = crosshair(page)
    assert lines["x"] == pytest.approx(box["x"] + box["width"] / 2, abs=2), "keyboard focus moves them too"
    reopen(page)
    assert crosshair(page)["hidden"], "hidden while not in broadcast mode"
    open_panel(page)
    assert pressed(page, "cross") == "true" and not crosshair(page)["hidden"], "十字辅助线 persists"
    page.click("#reset")
    assert pressed(page, "cross") == "false" and crosshair(page)["hidden"]


def test_toggles_by_keyboard_and_listed_in_the_shortcut_dialog(page: Any, servers: Servers) -> None:
    open_host(page, servers)
    page.focus("nav a")
    page.keyboard.press("Alt+4")  # outside broadcast mode: the setting changes, the page does not
    assert pressed(page, "cursor") == "true"
    wait_status(page, "大鼠标已开启（进入播报模式后生效）")
    assert page.evaluate(SHEETS) == 0
    page.keyboard.press("Alt+4")
    assert pressed(page, "cursor") == "false"
    open_panel(page)
    page.click("#play")  # pause
    for _ in range(30):
        page.keyboard.press("Tab")
        if active_id(page) == "cursor":
            break
    assert active_id(page) == "cursor"
    page.keyboard.press("Space")
    assert pressed(page, "cursor") == "true" and "url(" in page.evaluate(CURSOR, "article p")
    page.keyboard.press("Shift+Tab")  # the toolbar order is 缩小, level, 放大, 大鼠标
    assert active_id(page) == "zoomin"
    page.keyboard.press("Enter")
    assert page.evaluate(ZOOM) == "1.25"
    shortcuts = {name: page.get_attribute(f"#{name}", "aria-keyshortcuts")
                 for name in ("zoomin", "zoomout", "cursor", "cross")}
    assert shortcuts == {"zoomin": "Alt+1 Alt+ArrowUp", "zoomout": "Alt+3 Alt+ArrowDown",
                         "cursor": "Alt+4", "cross": "Alt+2"}
    used = page.evaluate(f"[...{SHADOW}.querySelectorAll('#keyrows select')]"
                         ".map(s => s.value).filter(Boolean)")
    assert sorted(used) == sorted("0123456789"), "every Alt+digit is bound once"
    page.click("#help")
    rows = page.evaluate(f"[...{SHADOW}.querySelectorAll('#keyrows th')].map(th => th.textContent)")
    assert {"放大（大字）", "缩小（小字）", "大鼠标", "十字辅助线"} <= set(rows)
    assert "Alt+↑ / Alt+↓" in page.evaluate(f"{SHADOW}.getElementById('keyrows').textContent")
    page.select_option("#key-cross", "")  # remappable / can be switched off
    page.keyboard.press("Escape")
    page.keyboard.press("Alt+2")
    assert pressed(page, "cross") == "false"


def test_exit_and_destroy_restore_the_host_page(page: Any, servers: Servers) -> None:
    open_host(page, servers)
    before = page.evaluate("document.body.outerHTML")
    plain_cursor = page.evaluate(CURSOR, "article p")
    open_panel(page)
    for button in ("cursor", "cross", "zoomin", "zoomin"):
        page.click(f"#{button}")
    page.mouse.move(500, 400)
    assert page.evaluate(ZOOM) == "1.5" and page.evaluate(SHEETS) == 2
    page.click("#exit")
    wait_status(page, "已退出播报模式")
    assert page.evaluate("document.body.outerHTML") == before, "the host DOM is restored byte for byte"
    assert page.evaluate(SHEETS) == 0, "every adopted stylesheet is removed"
    assert page.evaluate(ZOOM) == "1" and page.evaluate(CURSOR, "article p") == plain_cursor
    assert crosshair(page)["hidden"]
    open_panel(page)  # the settings are kept and apply again
    assert page.evaluate(ZOOM) == "1.5" and not crosshair(page)["hidden"]
    page.evaluate("() => Bobao.destroy()")
    assert page.evaluate(SHEETS) == 0
    without = before.replace(WIDGET_HOST, "", 1).replace(SKIP_HOST, "", 1)
    assert page.evaluate("document.body.outerHTML") == without
    assert page.evaluate(ZOOM) == "1" and page.evaluate(CURSOR, "article p") == plain_cursor


@pytest.mark.bypass_csp
def test_axe_with_the_visual_pack_on(page: Any, servers: Servers, axe_path: Any) -> None:
    open_host(page, servers)
    open_panel(page)
    page.click("#play")  # pause, for a stable page
    for button in ("cursor", "cross", "zoomin", "zoomin", "zoomin", "zoomin"):
        page.click(f"#{button}")
    page.mouse.move(600, 300)
    assert run_axe(page, axe_path) == []
    screenshot(page, "widget-visual-pack")


BODY_COLORS = "() => { const s = getComputedStyle(document.querySelector('article p')); " \
              "return [s.backgroundColor, s.color]; }"


def test_theme_cycles_colours_on_the_host_only_and_leaves_no_trace(page: Any, servers: Servers) -> None:
    open_host(page, servers)
    before_dom = page.evaluate("document.body.outerHTML")
    original = page.evaluate(BODY_COLORS)
    open_panel(page)
    page.click("#play")  # pause
    page.click("#theme")
    assert page.text_content("#theme") == "配色：黑底黄字"
    wait_status(page, "配色：黑底黄字")
    assert page.evaluate(BODY_COLORS) == ["rgb(0, 0, 0)", "rgb(255, 255, 0)"]
    assert page.evaluate("getComputedStyle(document.querySelector('nav a')).color") == "rgb(0, 255, 255)"
    # The widget keeps its own colours, and images are left alone.
    play_bg = page.evaluate(f"getComputedStyle({SHADOW}.getElementById('play')).backgroundColor")
    assert play_bg != "rgb(0, 0, 0)"
    assert page.evaluate("getComputedStyle(document.querySelector('img')).backgroundColor") != "rgb(0, 0, 0)"
    page.click("#theme")
    assert page.evaluate(BODY_COLORS) == ["rgb(255, 255, 255)", "rgb(0, 0, 0)"]
    reopen(page)
    assert page.evaluate(BODY_COLORS) == original, "outside broadcast mode the page keeps its colours"
    open_panel(page)
    assert page.text_content("#theme") == "配色：白底黑字", "配色 persists"
    page.click("#exit")
    assert page.evaluate(BODY_COLORS) == original
    assert page.evaluate("document.body.outerHTML") == before_dom
    page.emulate_media(forced_colors="active")
    open_panel(page)
    page.click("#play")  # pause
    for _ in range(3):  # 白底黑字 → 蓝底白字 → 默认 → 黑底黄字
        page.click("#theme")
    assert page.text_content("#theme") == "配色：黑底黄字"
    assert page.evaluate(BODY_COLORS) != ["rgb(0, 0, 0)", "rgb(255, 255, 0)"], "forced colours win over 配色"
    page.click("#reset")
    assert page.text_content("#theme") == "配色：默认"


def mask(page: Any) -> dict[str, Any]:
    shades: dict[str, Any] = page.evaluate(f"""() => {{ const s = {SHADOW};
        const t = s.getElementById('mask-top').getBoundingClientRect();
        const b = s.getElementById('mask-bottom').getBoundingClientRect();
        return {{hidden: s.getElementById('masklayer').hidden, top_end: t.bottom, bottom_start: b.top,
                 events: getComputedStyle(s.getElementById('masklayer')).pointerEvents}}; }}""")
    return shades


def test_reading_mask_leaves_a_band_at_the_pointer_and_follows_reading(page: Any, servers: Servers) -> None:
    open_host(page, servers)
    open_panel(page)
    assert mask(page)["hidden"], "off by default"
    page.click("#mask")
    assert pressed(page, "mask") == "true"
    page.mouse.move(400, 600)
    shades = mask(page)
    assert not shades["hidden"] and shades["events"] == "none"
    assert shades["top_end"] < 600 < shades["bottom_start"], shades
    assert 60 <= shades["bottom_start"] - shades["top_end"] <= 200, "a band of a few lines"
    title = page.locator("article h1").bounding_box()
    assert title["y"] + title["height"] < shades["top_end"], "the title is in the shaded part"
    under = page.evaluate("([x, y]) => document.elementFromPoint(x, y).tagName",
                          [title["x"] + 10, title["y"] + title["height"] / 2])
    assert under == "H1", "the shade never catches the pointer: the page under it is still there"
    # While reading, the band moves to the sentence being read.
    page.click("#next")
    page.wait_for_timeout(400)
    sentence = page.evaluate("""() => { const h = CSS.highlights.get('bobao-current');
        const r = [...h][0].getBoundingClientRect(); return r.top + r.height / 2; }""")
    shades = mask(page)
    assert shades["top_end"] <= sentence <= shades["bottom_start"], (sentence, shades)
    page.click("#exit")
    assert mask(page)["hidden"]


def test_text_only_view_shows_the_article_text_in_a_dialog(page: Any, servers: Servers) -> None:
    open_host(page, servers)
    open_panel(page)
    page.click("#play")  # pause
    page.click("#text")
    assert page.evaluate(f"{SHADOW}.getElementById('textview').open")
    text = page.evaluate(f"{SHADOW}.getElementById('textbody').innerText")
    headings = page.evaluate(f"[...{SHADOW}.querySelectorAll('#textbody h3')].map(h => h.textContent)")
    assert headings[0] == page.text_content("article h1")
    assert any(h.startswith("一、") for h in headings), headings
    first_paragraph = page.text_content("article p:not(.date)").strip()
    assert first_paragraph[:20] in text
    assert "首页" not in text and "站内搜索" not in text, "only the article, no page chrome"
    page.keyboard.press("Escape")
    assert not page.evaluate(f"{SHADOW}.getElementById('textview').open")
    assert active_id(page) == "text", "focus returns to the 纯文本 button"


def test_caption_in_pinyin_and_traditional_from_the_bobao_origin(page: Any, servers: Servers) -> None:
    requests = open_host(page, servers)
    open_panel(page)
    page.click("#play")  # pause on the title
    page.click("#caption")
    page.select_option("#script", "pinyin")
    page.wait_for_function(f"() => {SHADOW}.querySelector('#captiontext ruby rt')")
    pairs = page.evaluate(f"""() => [...{SHADOW}.querySelectorAll('#captiontext ruby')]
        .map(r => [r.firstChild.textContent, r.querySelector('rt').textContent])""")
    assert pairs[:3] == [["重", "chóng"], ["庆", "qìng"], ["市", "shì"]]
    page.select_option("#script", "traditional")
    shown = f"{SHADOW}.getElementById('captiontext').textContent"
    page.wait_for_function(f"() => {shown}.includes('重慶市江北區')")
    assert page.evaluate(f"{SHADOW}.getElementById('captiontext').lang") == "zh-Hant"
    caption_calls = [r.url for r in requests if r.url.endswith("/caption")]
    assert caption_calls and all(url.startswith(servers.bobao + "/api/documents/") for url in caption_calls)
    page.click("#reset")
    assert page.input_value("#script") == "simplified"
