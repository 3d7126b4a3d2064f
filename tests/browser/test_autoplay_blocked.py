"""When the browser refuses play() (no user activation), both UIs offer 点击继续播放 instead of failing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import BROWSER_ARGS
from tests.browser.conftest import CHROMIUM
from tests.browser.conftest import Servers
from tests.browser.conftest import demo_id
from tests.browser.test_widget import SHADOW
from tests.browser.test_widget import wait_playing

pytestmark = pytest.mark.browser

SCRIPT_CLICK = "window.addEventListener('load', () => setTimeout(() => %s.click(), 1500));"


@pytest.fixture
def strict_page(browser: Any) -> Iterator[Any]:
    """A Chromium that, like mobile browsers, only plays media after a real user gesture."""
    strict = browser.browser_type.launch(
        executable_path=CHROMIUM, args=[*BROWSER_ARGS, "--autoplay-policy=document-user-activation-required"]
    )
    page = strict.new_page()
    yield page
    strict.close()


def test_player_offers_tap_to_continue_when_play_is_refused(strict_page: Any, servers: Servers) -> None:
    page = strict_page
    # A click from a timer, before any real input: the browser has seen no user gesture. (Playwright's
    # evaluate() and locator polling count as gestures, so nothing may touch the page until the click.)
    page.add_init_script(SCRIPT_CLICK % "document.getElementById('play')")
    page.goto(f"{servers.bobao}/d/{demo_id(servers)}")
    page.wait_for_timeout(3500)  # a plain timer: polling the page would itself count as a gesture
    assert page.locator("#unlock").is_visible()
    assert page.evaluate("document.getElementById('audio').paused")
    assert page.text_content("#play .label") == "播放"
    page.wait_for_function("() => document.getElementById('status').textContent.includes('点击继续播放')")
    page.click("#unlock")  # a real tap
    page.wait_for_function("() => !document.getElementById('audio').paused")
    assert page.locator("#unlock").is_hidden()


def test_widget_offers_tap_to_continue_when_play_is_refused(strict_page: Any, servers: Servers) -> None:
    page = strict_page
    page.add_init_script(SCRIPT_CLICK % f"{SHADOW}.getElementById('launcher')")
    page.goto(servers.host + "/article")
    page.wait_for_timeout(5000)
    assert page.locator("#unlock").is_visible()
    assert page.evaluate(f"{SHADOW}.getElementById('audio').paused")
    page.click("#unlock")
    wait_playing(page)
