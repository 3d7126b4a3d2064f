"""axe-core on the player page in its four looks (normal, 大字幕, high contrast, 400% zoom); screenshots."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Servers
from tests.browser.conftest import demo_id
from tests.browser.conftest import run_axe
from tests.browser.conftest import screenshot
from tests.browser.conftest import wait_ready

pytestmark = [pytest.mark.browser, pytest.mark.bypass_csp]


def _open(page: Any, servers: Servers) -> None:
    page.emulate_media(reduced_motion="reduce")  # follow-scrolling jumps instead of animating: stable shots
    wait_ready(servers, demo_id(servers))
    page.goto(servers.bobao + "/")
    page.wait_for_selector("#doc-body .s")
    page.wait_for_selector("#download-page:not([hidden])")


def _play_one_sentence(page: Any) -> None:
    page.locator("#doc-body .s[data-i='12']").click()
    page.wait_for_function("() => !document.getElementById('audio').paused")
    page.click("#play")  # pause, so the screenshot is stable
    # Following the reading scrolls the sentence clear of the caption bar; check the page once it has.
    page.wait_for_function("""() => {
        const s = document.querySelector('#doc-body .s.current'); if (!s) return false;
        const bar = document.querySelector('.caption:not([hidden])');
        const limit = bar ? bar.getBoundingClientRect().top : window.innerHeight;
        const r = s.getBoundingClientRect(); return r.top >= 0 && r.bottom <= limit;
    }""")


def test_player_has_no_serious_axe_violations_in_any_look(page: Any, servers: Servers, axe_path: Any) -> None:
    _open(page, servers)
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert page.locator("main").count() == 1 and page.locator("nav").count() >= 1
    headings = page.locator("#doc-body h2, #doc-body h3, #doc-body h4, #doc-body h5").all_text_contents()
    assert headings and all(h.strip() for h in headings), "every section heading is shown"
    assert any(h.startswith("1. 优化政务服务") for h in headings), headings[:6]
    assert run_axe(page, axe_path) == []
    screenshot(page, "player-normal")

    page.click("#caption-toggle")
    _play_one_sentence(page)
    assert run_axe(page, axe_path) == []
    screenshot(page, "player-caption")
    page.select_option("#script", "pinyin")
    page.wait_for_selector("#caption-text ruby rt")
    assert run_axe(page, axe_path) == [], "拼音 caption"
    screenshot(page, "player-caption-pinyin")
    page.select_option("#script", "simplified")
    page.click("#caption-toggle")

    page.click("#contrast-toggle")
    assert run_axe(page, axe_path) == []
    screenshot(page, "player-contrast")
    page.click("#contrast-toggle")

    page.click("#large-toggle")
    sizes = page.evaluate("""() => [...document.querySelectorAll(
        '#player button:not([hidden]), #player select')]
        .filter(el => el.offsetParent).map(el => { const r = el.getBoundingClientRect();
        return [Math.round(r.width), Math.round(r.height)]; })""")
    assert sizes and all(w >= 44 and h >= 44 for w, h in sizes), sizes
    assert run_axe(page, axe_path) == []
    page.click("#large-toggle")


def test_player_reflows_at_400_percent_zoom(page: Any, servers: Servers, axe_path: Any) -> None:
    # 400% zoom of a 1280 px window is a 320 CSS px viewport (WCAG 1.4.10).
    page.set_viewport_size({"width": 320, "height": 640})
    _open(page, servers)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"horizontal scrolling of {overflow}px at 320 px"
    sizes = page.evaluate("""() => [...document.querySelectorAll('button, select, input, a.btn')]
        .filter(el => el.offsetParent && !el.closest('.visually-hidden'))
        .map(el => el.getBoundingClientRect())
        .map(r => Math.min(r.width, r.height))""")
    assert min(sizes) >= 24, "targets stay at least 24 px"
    assert run_axe(page, axe_path) == []
    screenshot(page, "player-zoom400")


def test_focus_is_not_hidden_by_the_sticky_player_or_caption(page: Any, servers: Servers) -> None:
    _open(page, servers)
    page.click("#caption-toggle")
    page.keyboard.press("Shift+Tab")  # back into the text order, then move down by keyboard only
    page.locator("#doc-body .s[tabindex='0']").focus()
    for _ in range(25):
        page.keyboard.press("ArrowDown")
    targets = ("#doc-body .s:focus", "button.read-section[data-section='8']", "#doc-body .s[data-i='40']")
    for selector in targets:
        page.locator(selector).focus()
        box = page.evaluate("""() => { const r = document.activeElement.getBoundingClientRect();
            const top = document.getElementById('player').getBoundingClientRect().bottom;
            const bottom = document.getElementById('caption').getBoundingClientRect().top;
            return {top: r.top, bottom: r.bottom, limitTop: top, limitBottom: bottom}; }""")
        assert box["top"] >= box["limitTop"] - 1 and box["bottom"] <= box["limitBottom"] + 1, (selector, box)


def test_reaching_the_stuck_player_or_a_status_line_keeps_the_text_still(page: Any, servers: Servers) -> None:
    # A keyboard user who tabs back to 播放 mid-article, or a status line that comes and goes while reading,
    # must not move the text under the reader's eyes.
    _open(page, servers)
    page.locator("#doc-body .s[data-i='40']").scroll_into_view_if_needed()
    where = """() => [Math.round(window.scrollY),
        Math.round(document.querySelector('#doc-body .s[data-i="40"]').getBoundingClientRect().top)]"""
    before = page.evaluate(where)
    assert before[0] > 500, "the page is scrolled well into the article"
    for selector in ("#play", "#rate", "#next-section", "#seek"):
        page.locator(selector).focus()
        assert page.evaluate(where) == before, selector
    page.evaluate("document.getElementById('status').textContent = '语音合成中，请耐心等待...'")
    assert page.evaluate(where) == before, "a status message shifts the text"
    page.evaluate("document.getElementById('status').textContent = ''")
    assert page.evaluate(where) == before, "a status message going away shifts the text"
