"""The browser under test cannot reach the internet, and the suite notices any attempt."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import _leaves_loopback

pytestmark = pytest.mark.browser


def test_only_loopback_resolves_and_attempts_are_seen(browser: Any) -> None:
    ctx = browser.new_context()
    seen: list[str] = []
    ctx.on("request", lambda r: seen.append(r.url) if _leaves_loopback(r.url) else None)
    page = ctx.new_page()
    outcome = page.evaluate("""async () => { try { await fetch('https://dequeuniversity.com/rules/axe');
        return 'reached'; } catch (e) { return 'blocked'; } }""")
    ctx.close()
    assert outcome == "blocked", "the resolver rule keeps every outside host unreachable"
    assert seen == ["https://dequeuniversity.com/rules/axe"], "the request listener records the attempt"


def test_loopback_is_not_outside() -> None:
    assert not _leaves_loopback("http://127.0.0.1:8000/audio/x.mp3")
    assert not _leaves_loopback("data:image/png;base64,AAAA")
    assert _leaves_loopback("https://github.com/dequelabs/axe-core")
