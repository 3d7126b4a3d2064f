"""The operator console (/admin) and the 报告读音错误 controls, in real Chromium."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Servers
from tests.browser.conftest import run_axe
from tests.browser.test_widget import SHADOW
from tests.browser.test_widget import open_host
from tests.browser.test_widget import wait_playing

pytestmark = pytest.mark.browser
TOKEN = "browser-console-token"


@pytest.fixture
def admin(servers: Servers) -> Iterator[Servers]:
    """The shared app with an admin token, and no reports or rules left behind for other tests."""
    servers.app.config["ADMIN_TOKEN"] = TOKEN
    instance = Path(servers.app.instance_path)
    yield servers
    servers.app.config["ADMIN_TOKEN"] = None
    for name in ("reports.json", "reading_rules.json"):
        (instance / name).unlink(missing_ok=True)


def stored_reports(servers: Servers) -> list[dict[str, Any]]:
    path = Path(servers.app.instance_path) / "reports.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def expect_only_refusals(page: Any, status: int) -> None:
    """Chromium logs a refused request as an error; the ones this test provokes are expected."""
    assert all(f"status of {status}" in error for error in page.js_errors), page.js_errors
    page.js_errors.clear()


def log_in(page: Any, servers: Servers) -> None:
    page.goto(servers.bobao + "/admin")
    page.fill("#token", TOKEN)
    page.click("#login button[type=submit]")
    page.wait_for_selector("#panels:not([hidden])")


@pytest.mark.bypass_csp  # only to inject axe-core
def test_a_listener_report_reaches_the_console_and_a_rule_fixes_it(
    page: Any, admin: Servers, axe_path: Any
) -> None:
    page.goto(admin.bobao + "/")
    page.wait_for_selector("#doc-body .s")
    page.click("#report")
    page.wait_for_function("() => document.getElementById('status').textContent.includes('已报告')")
    [report] = stored_reports(admin)
    page.goto(admin.bobao + "/admin")
    assert run_axe(page, axe_path) == [], "console, logged out"
    log_in(page, admin)
    page.wait_for_selector("#reports li")
    item = page.text_content("#reports li") or ""
    assert report["text"] in item and report["spoken"] in item
    assert page.get_attribute("#reports li audio", "src") == report["clip"]
    assert "句子音频" in (page.text_content("#cache-stats") or "")
    page.click("#cache-verify")
    page.wait_for_function("() => document.getElementById('cache-report').textContent.includes('全部完好')")
    assert page.locator("#docs tr").count() >= 1
    assert run_axe(page, axe_path) == [], "console, logged in"
    # Fix it with a reading rule: hear the draft first, then save and see how many sentences change.
    page.click("#reports li >> text=用读法规则修正")
    written = report["text"][:4]
    page.fill("#rule-written", written)
    page.fill("#rule-spoken", "试听读法")
    page.click("#rule-preview")
    page.wait_for_function("() => document.getElementById('preview-audio').src.startsWith('blob:')")
    assert "试听读法" in (page.text_content("#rule-spoken-out") or "")
    assert not (Path(admin.app.instance_path) / "reading_rules.json").exists(), "a preview saves nothing"
    page.click("#rule-form button[type=submit]")
    page.wait_for_function("() => document.getElementById('console-status').textContent.includes('读法改变')")
    status = page.text_content("#console-status") or ""
    assert int(status.split("。")[1].split(" ")[0]) >= 1, status
    assert page.locator("#rules tr").count() == 1
    page.click("#rules >> text=删除")
    page.wait_for_function("() => document.querySelectorAll('#rules tr').length === 0")
    # A bad rule is refused with the reason, and nothing saved is lost.
    page.fill("#rule-written", "12345")
    page.fill("#rule-spoken", "123")
    page.click("#rule-form button[type=submit]")
    page.wait_for_function("() => document.getElementById('console-error').textContent.includes('未保存')")
    expect_only_refusals(page, 422)
    page.click("#reports li >> text=关闭报告")
    page.wait_for_selector("#reports-empty:not([hidden])")
    assert stored_reports(admin) == []


def test_the_widget_reports_the_sentence_being_read(page: Any, admin: Servers) -> None:
    open_host(page, admin)
    page.click("#launcher")
    wait_playing(page)
    page.click("#report")
    page.wait_for_function(f"() => {SHADOW}.getElementById('status').textContent.includes('已报告')")
    [report] = stored_reports(admin)
    caption = page.evaluate(f"{SHADOW}.getElementById('captiontext').textContent")
    assert "".join(report["text"].split()) == "".join(caption.split())


def test_a_wrong_token_shows_nothing(page: Any, admin: Servers) -> None:
    page.goto(admin.bobao + "/admin")
    page.fill("#token", "wrong")
    page.click("#login button[type=submit]")
    error = "() => document.getElementById('console-error').textContent"
    page.wait_for_function(f"{error}.includes('令牌不正确')")
    assert page.is_hidden("#panels")
    expect_only_refusals(page, 401)
