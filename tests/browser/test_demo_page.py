"""The demo host page (/demo) and what a site not yet on the allow-list sees, in real Chromium."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from tests.browser.conftest import Servers
from tests.browser.conftest import run_axe
from tests.browser.test_widget import SHADOW
from tests.browser.test_widget import check_highlight_is_caption
from tests.browser.test_widget import squash
from tests.browser.test_widget import wait_playing

pytestmark = pytest.mark.browser


@pytest.mark.bypass_csp  # only to inject axe-core
def test_the_player_links_to_a_demo_page_where_the_widget_reads_aloud(
    page: Any, servers: Servers, axe_path: Any
) -> None:
    page.goto(servers.bobao + "/")
    page.click("#demo-link")
    page.wait_for_url(servers.bobao + "/demo")
    page.wait_for_function("() => window.Bobao && document.querySelector('.bobao-widget-host')")
    assert run_axe(page, axe_path) == [], "demo page, widget closed"
    page.click("#launcher")
    wait_playing(page)
    spoken = check_highlight_is_caption(page)
    assert squash(spoken) in squash(page.text_content("article") or "")
    assert run_axe(page, axe_path) == [], "demo page, widget reading"


def test_a_site_not_yet_allowed_is_told_so_and_the_operator_which_setting(
    context: Any, servers: Servers, caplog: pytest.LogCaptureFixture
) -> None:
    # The same host page from http://localhost:<port>: an origin the test server does not list.
    refused = servers.host.replace("127.0.0.1", "localhost")
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}"))
    caplog.set_level(logging.WARNING, logger="web.security")
    page.goto(refused + "/article")
    page.wait_for_function("() => window.Bobao && document.querySelector('.bobao-widget-host')")
    page.click("#launcher")
    page.wait_for_function(f"() => !{SHADOW}.getElementById('alertbox').hidden", timeout=15_000)
    alert = page.evaluate(f"{SHADOW}.getElementById('alert').textContent")
    assert alert == "本网站尚未开通语音播报服务，请联系网站管理员。"
    advice = [line for line in console if line.startswith("error: Bobao:")]
    assert len(advice) == 1 and "API_ALLOWED_ORIGINS" in advice[0] and refused in advice[0], console
    logged = [r.getMessage() for r in caplog.records if r.name == "web.security"]
    assert any(refused in line and "API_ALLOWED_ORIGINS" in line for line in logged), logged
    page.close()
