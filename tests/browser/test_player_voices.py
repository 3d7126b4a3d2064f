"""The player's 声音 menu (issue 10): the voices a client may pick, Mandarin first, remembered, posted."""

from __future__ import annotations

import json
from typing import Any

import pytest

from audio.engines.offline import VOICES
from tests.browser.conftest import Servers
from tests.browser.conftest import run_axe

pytestmark = pytest.mark.browser

OPTIONS = "() => [...document.querySelectorAll('#voice option')].map((o) => [o.value, o.textContent])"


def open_form(page: Any, servers: Servers, voice: str) -> None:
    page.goto(servers.bobao + "/")
    page.wait_for_selector(f"#voice option[value='{voice}']", state="attached")


def test_only_voices_the_operator_allows_are_offered_and_the_choice_is_posted_and_kept(
        page: Any, servers: Servers) -> None:
    config = servers.app.config
    before = config.get("CLIENT_VOICES")
    config["CLIENT_VOICES"] = "fake-male"
    try:
        open_form(page, servers, "fake-male")
        offered = page.request.get(servers.bobao + "/api/voices").json()["voices"]
        assert [v for v, _ in page.evaluate(OPTIONS)] == [v["name"] for v in offered]
        assert "fake-female" not in [v for v, _ in page.evaluate(OPTIONS)], "not on CLIENT_VOICES"
        page.select_option("#voice", "fake-male")
        page.fill("#text-input", "声音测试标题\n\n这是第一句话。")
        posted = lambda r: r.url.endswith("/api/documents") and r.request.method == "POST"  # noqa: E731
        with page.expect_response(posted) as info:
            page.click("#read-form button[type=submit]")
        assert json.loads(info.value.request.post_data or "{}")["voice"] == "fake-male"
        assert info.value.ok
        page.wait_for_url("**/d/*")
        doc_id = page.url.rsplit("/", 1)[-1]
        assert page.request.get(f"{servers.bobao}/api/documents/{doc_id}").json()["voice"] == "fake-male"
    finally:
        config["CLIENT_VOICES"] = before
    open_form(page, servers, "fake-female")  # the operator opened every voice again
    assert [v for v, _ in page.evaluate(OPTIONS)] == ["fake-female", "fake-male"]
    assert page.input_value("#voice") == "fake-male", "the listener's choice is remembered"
    page.click("#reset-settings")
    assert page.input_value("#voice") == "fake-female", "重置设置 goes back to the server's default"


def offline_voices(route: Any) -> None:
    """The offline engine's own voice table, Japanese styles listed first, one without a label."""
    names = list(reversed(VOICES))
    voices = [{"name": n, "engine": "offline", "lang": "zh-CN", "gender": VOICES[n][0],
               "display_name": "" if n == "jf_alpha" else VOICES[n][1]} for n in names]
    route.fulfill(json={"engine": "offline", "default": "zf_xiaobei", "voices": voices})


@pytest.mark.bypass_csp
def test_mandarin_styles_come_first_and_accented_ones_say_so(page: Any, servers: Servers,
                                                             axe_path: Any) -> None:
    page.route("**/api/voices", offline_voices)
    open_form(page, servers, "zf_xiaobei")
    options = page.evaluate(OPTIONS)
    mandarin = [n for n in VOICES if not n.startswith("j")]
    assert [v for v, _ in options[:len(mandarin)]] == [n for n in reversed(VOICES) if n in mandarin]
    assert all("普通话" in label for _, label in options[:len(mandarin)])
    assert all("日语口音" in label for _, label in options[len(mandarin):]), options
    assert dict(options)["jf_alpha"] == "jf_alpha（日语口音）"
    assert dict(options)["zf_xiaobei"].endswith("（默认）")
    assert page.input_value("#voice") == "zf_xiaobei"
    label = page.evaluate("() => document.querySelector('label[for=voice]').textContent")
    assert label == "声音"
    assert run_axe(page, axe_path, "#read-form") == []
