"""axe-core on a host page with the widget open (axe walks the open shadow root), plus screenshots."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Servers
from tests.browser.conftest import run_axe
from tests.browser.conftest import screenshot
from tests.browser.test_widget import SHADOW
from tests.browser.test_widget import open_host
from tests.browser.test_widget import wait_playing

pytestmark = [pytest.mark.browser, pytest.mark.bypass_csp]


def _controls_sizes(page: Any) -> list[tuple[float, float]]:
    return page.evaluate(f"""() => [...{SHADOW}.querySelectorAll('button, select')]
        .filter(el => el.offsetParent)
        .map(el => {{ const r = el.getBoundingClientRect(); return [r.width, r.height]; }})""")


def test_widget_open_has_no_serious_axe_violations(page: Any, servers: Servers, axe_path: Any) -> None:
    open_host(page, servers)
    assert run_axe(page, axe_path) == [], "closed widget"
    page.click("#launcher")
    wait_playing(page)
    # axe really looks inside the shadow root: the widget's controls are in its results.
    checked = page.evaluate("""async () => { const r = await axe.run(document, {runOnly: ['button-name']});
        return r.passes.concat(r.violations).flatMap(v => v.nodes.map(n => JSON.stringify(n.target))); }""")
    assert any("#play" in target for target in checked), checked[:5]
    assert run_axe(page, axe_path) == [], "open widget"
    names = page.evaluate(f"[...{SHADOW}.querySelectorAll('button:not([hidden])')]"
                          ".filter(b => b.offsetParent).map(b => b.textContent.trim())")
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in name) for name in names), names
    assert all(w >= 24 and h >= 24 for w, h in _controls_sizes(page))
    screenshot(page, "widget-open")
    page.click("#caption")
    page.click("#play")  # pause, for a stable picture
    assert run_axe(page, axe_path) == [], "caption bar"
    screenshot(page, "widget-caption")
    page.click("#help")
    assert run_axe(page, axe_path) == [], "shortcut dialog"
    screenshot(page, "widget-help")
    page.keyboard.press("Escape")
    page.click("#theme")
    page.click("#mask")
    page.mouse.move(400, 500)
    assert run_axe(page, axe_path) == [], "配色 黑底黄字 with the reading mask"
    screenshot(page, "widget-theme-mask")
    page.click("#text")
    assert run_axe(page, axe_path) == [], "纯文本 dialog"
    screenshot(page, "widget-text-only")


def test_widget_forced_colors_large_mode_and_400_zoom(page: Any, servers: Servers, axe_path: Any) -> None:
    page.emulate_media(forced_colors="active")
    open_host(page, servers, "/article-large")
    page.click("#launcher")
    wait_playing(page)
    page.click("#play")
    sizes = _controls_sizes(page)
    assert sizes and all(w >= 44 and h >= 44 for w, h in sizes), "适老化 mode: 44 px targets"
    screenshot(page, "widget-high-contrast")
    page.emulate_media(forced_colors="none")
    page.set_viewport_size({"width": 320, "height": 640})
    page.wait_for_timeout(200)
    page.click("#more")  # the compact bar: everything else is behind 更多
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"widget causes {overflow}px of horizontal scrolling at 320 px"
    panel = page.evaluate(f"{SHADOW}.getElementById('panel').getBoundingClientRect().height")
    assert panel <= 640 * 0.6, "the panel never covers most of a small screen"
    assert run_axe(page, axe_path) == []
    screenshot(page, "widget-zoom400-expanded")
    page.click("#more")
    assert page.evaluate(f"{SHADOW}.getElementById('panel').getBoundingClientRect().height") < panel
    screenshot(page, "widget-zoom400")
    page.evaluate("localStorage.clear()")
    page.reload()
    page.click("#launcher")
    assert not page.is_visible("#point"), "on a small screen the toolbar starts collapsed"
