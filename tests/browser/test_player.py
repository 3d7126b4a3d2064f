"""The player page in real headless Chromium: playback, highlight sync, keyboard, downloads, settings."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Servers
from tests.browser.conftest import demo_id
from tests.browser.conftest import wait_ready

pytestmark = pytest.mark.browser

CURRENT = "() => { const s = document.querySelector('#doc-body .s.current'); " \
          "return s ? Number(s.dataset.i) : -1; }"
PLAYING = "() => { const a = document.getElementById('audio'); return !a.paused && a.currentTime > %s; }"
AUDIO = "() => { const a = document.getElementById('audio'); return {t: a.currentTime, paused: a.paused, " \
        "rate: a.playbackRate, pitch: a.preservesPitch, src: a.currentSrc, autoplay: a.autoplay}; }"


def sentences(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for section in manifest["sections"] for s in section["sentences"]]


def open_demo(page: Any, servers: Servers) -> dict[str, Any]:
    manifest = wait_ready(servers, demo_id(servers))
    page.goto(f"{servers.bobao}/d/{manifest['id']}")
    page.wait_for_selector("#doc-body .s")
    page.wait_for_selector("#download-page:not([hidden])")
    return manifest


def wait_for(page: Any, expression: str, arg: Any = None, timeout_ms: int = 15_000) -> Any:
    return page.wait_for_function(expression, arg=arg, timeout=timeout_ms).json_value()


def post_slow(page: Any, servers: Servers, text: str) -> dict[str, Any]:
    """Create a document as the player page would, with the slow engine; its manifest as answered."""
    page.goto(servers.bobao + "/")
    created: dict[str, Any] = page.evaluate("""async (text) => { const r = await fetch('/api/documents', {
        method: 'POST', headers: {'Content-Type': 'application/json'},
        body: JSON.stringify({text, engine: 'slowfake'})}); return r.json(); }""", text)
    return created


def focus_ring_ok(page: Any) -> bool:
    return page.evaluate("""() => { const el = document.activeElement; const cs = getComputedStyle(el);
        return cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2; }""")


def test_no_autoplay_on_load_or_after_reload(page: Any, servers: Servers) -> None:
    media: list[str] = []
    page.on("request", lambda r: media.append(r.url) if r.url.endswith(".mp3") or "/audio/" in r.url else 0)
    manifest = open_demo(page, servers)
    page.wait_for_timeout(1000)
    state = page.evaluate(AUDIO)
    assert state["paused"] and state["t"] == 0 and not state["autoplay"]
    assert page.evaluate("[...document.querySelectorAll('audio, video')].every(m => m.paused)")
    assert page.evaluate("!window.speechSynthesis || !speechSynthesis.speaking")
    assert media == [], "no audio may even be fetched before the user presses play"
    # A remembered position is offered, never played, after a reload.
    page.evaluate("(id) => localStorage.setItem('bobao:pos:' + id, '5')", manifest["id"])
    page.reload()
    page.wait_for_selector("#resume:not([hidden])")
    page.wait_for_timeout(800)
    assert page.evaluate(AUDIO)["paused"]
    assert page.evaluate(CURRENT) == 5
    assert "第 6 句" in page.text_content("#resume-text")
    assert media == []


def test_play_moves_highlight_with_audio_and_caption(page: Any, servers: Servers) -> None:
    manifest = open_demo(page, servers)
    flat = sentences(manifest)
    page.select_option("#rate", "2")
    page.click("#caption-toggle")
    page.click("#play")
    wait_for(page, PLAYING % 0.2)
    assert page.text_content("#play .label") == "暂停"
    assert page.text_content("#status") == "正在播放"
    audio = page.evaluate(AUDIO)
    assert audio["rate"] == 2 and audio["pitch"] is True
    assert audio["src"].endswith(manifest["audio"]["mp3"]), "a ready document plays the page MP3"
    first = page.evaluate(CURRENT)
    moved = wait_for(page, f"() => ({CURRENT})() > {first} && ({CURRENT})()", timeout_ms=20_000)
    # The highlighted sentence is the one the audio is in (page timing map), give or take one timeupdate.
    t_ms = page.evaluate(AUDIO)["t"] * 1000
    now = page.evaluate(CURRENT)
    assert now >= moved
    assert flat[now]["start_ms"] - 300 <= t_ms <= flat[now]["end_ms"] + 300
    caption = page.evaluate("""() => { const c = document.getElementById('caption-text');
        const cs = getComputedStyle(c);
        return {text: c.textContent, size: parseFloat(cs.fontSize), fg: cs.color,
                bg: getComputedStyle(document.getElementById('caption')).backgroundColor}; }""")
    assert caption["text"] == flat[page.evaluate(CURRENT)]["text"] or caption["text"] == flat[now]["text"]
    assert caption["size"] >= 36
    assert contrast(caption["fg"], caption["bg"]) >= 4.5
    style = page.evaluate("""() => { const cs = getComputedStyle(document.querySelector('.s.current'));
        return {bg: cs.backgroundColor, line: cs.textDecorationLine}; }""")
    assert style["bg"] != "rgba(0, 0, 0, 0)" and "underline" in style["line"], "highlight is not colour alone"
    title = page.evaluate("navigator.mediaSession.metadata && navigator.mediaSession.metadata.title")
    assert title == manifest["title"]
    page.click("#play")
    assert page.evaluate(AUDIO)["paused"]
    page.wait_for_function("() => document.getElementById('status').textContent === '已暂停'")
    assert page.text_content("#play .label") == "播放"


def test_keyboard_only_seek_and_sentence_focus(page: Any, servers: Servers) -> None:
    open_demo(page, servers)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert focus_ring_ok(page)
    page.keyboard.press("Enter")
    for _ in range(10):
        page.keyboard.press("Tab")
        assert focus_ring_ok(page), page.evaluate("document.activeElement.outerHTML.slice(0, 80)")
        if page.evaluate("document.activeElement.id") == "play":
            break
    assert page.evaluate("document.activeElement.id") == "play"
    page.keyboard.press("Enter")
    wait_for(page, "() => !document.getElementById('audio').paused")
    page.keyboard.press("Space")  # the same button pauses
    assert page.evaluate(AUDIO)["paused"]
    seek = page.locator("#seek")
    seek.focus()
    assert focus_ring_ok(page)
    start = int(seek.input_value())
    page.keyboard.press("ArrowRight")
    assert int(seek.input_value()) - start in (5, 6)
    page.keyboard.press("PageUp")
    assert int(seek.input_value()) - start in (35, 36)
    valuetext = seek.get_attribute("aria-valuetext")
    assert re.fullmatch(r"(\d+分\d{2}秒|\d{1,2}秒)，共\d+分\d{2}秒", valuetext), valuetext
    page.keyboard.press("PageUp")
    page.keyboard.press("PageUp")  # past one minute: "1分05秒，共6分38秒"
    minutes, seconds = divmod(int(seek.input_value()), 60)
    assert seek.get_attribute("aria-valuetext").startswith(f"{minutes}分{seconds:02d}秒，共")
    page.keyboard.press("PageDown")
    page.keyboard.press("PageDown")
    page.keyboard.press("PageDown")
    assert int(seek.input_value()) - start in (5, 6)
    page.keyboard.press("Home")
    assert int(seek.input_value()) == 0
    # The text is one tab stop; arrows move between sentences, Enter plays from the focused one.
    page.locator("#doc-body .s[tabindex='0']").focus()
    assert focus_ring_ok(page)
    first = int(page.evaluate("document.activeElement.dataset.i"))
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    target = int(page.evaluate("document.activeElement.dataset.i"))
    assert target == first + 3
    assert page.locator("#doc-body .s[tabindex='0']").count() == 1
    page.keyboard.press("Enter")
    wait_for(page, "() => !document.getElementById('audio').paused")
    assert page.evaluate(CURRENT) == target
    page.keyboard.press("Alt+P")  # documented in aria-keyshortcuts
    assert page.evaluate(AUDIO)["paused"]


def test_click_sentence_section_and_step_buttons(page: Any, servers: Servers) -> None:
    manifest = open_demo(page, servers)
    flat = sentences(manifest)
    page.locator("#doc-body .s[data-i='12']").click()
    wait_for(page, "() => !document.getElementById('audio').paused")
    assert page.evaluate(CURRENT) == 12
    assert abs(page.evaluate(AUDIO)["t"] * 1000 - flat[12]["start_ms"]) < 1500
    page.click("#next-sentence")
    assert page.evaluate(CURRENT) == 13
    page.click("#prev-sentence")
    page.click("#prev-sentence")
    assert page.evaluate(CURRENT) == 11
    third = manifest["sections"][3]
    page.locator("button.read-section[data-section='3']").click()
    first_of_third = flat.index(next(s for s in flat if s["id"] == third["sentences"][0]["id"]))
    assert page.evaluate(CURRENT) == first_of_third
    name = page.locator("button.read-section[data-section='3']").evaluate("b => b.textContent")
    assert name.startswith("朗读本节") and third["heading"] in name
    page.click("#next-section")
    assert page.evaluate(CURRENT) == first_of_third + len(third["sentences"])
    page.click("#stop")
    assert page.evaluate(AUDIO)["paused"] and page.evaluate(CURRENT) == 0
    assert page.text_content("#status") in ("", "已停止")
    page.wait_for_function("() => document.getElementById('status').textContent === '已停止'")


def test_contents_name_every_part_and_the_signature_ends_the_last(page: Any, servers: Servers) -> None:
    manifest = open_demo(page, servers)
    toc = page.eval_on_selector_all("#toc a", "links => links.map(a => a.textContent)")
    headings = [s["heading"] for s in manifest["sections"] if s["heading"]]
    assert toc == ["（开头）", *headings]
    assert not any("部分）" in entry for entry in toc)
    last = len(manifest["sections"]) - 1
    signed = page.eval_on_selector_all(f"#sec-{last} .s", "spans => spans.map(s => s.textContent)")
    assert signed[-2:] == ["重庆市江北区人民政府", "202427"]


def test_downloads_show_size_and_serve_the_mp3(page: Any, servers: Servers) -> None:
    manifest = open_demo(page, servers)
    link = page.locator("#download-page")
    size_mb = manifest["audio"]["size_bytes"] / 1024 / 1024
    assert f"{size_mb:.1f} MB" in link.text_content()
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.endswith(".mp3")
    assert Path(download.path()).stat().st_size == manifest["audio"]["size_bytes"]
    response = page.request.get(servers.bobao + link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "audio/mpeg"
    assert response.headers["content-disposition"].startswith("attachment")
    body = response.body()
    assert len(body) == manifest["audio"]["size_bytes"]
    assert body[:3] == b"ID3" or (body[0] == 0xFF and body[1] & 0xE0 == 0xE0)
    section = next(i for i, s in enumerate(manifest["sections"]) if s["size_bytes"])
    section_link = page.locator(f"#sec-{section} a.dl-section")
    assert "KB" in section_link.text_content() or "MB" in section_link.text_content()
    part = page.request.get(servers.bobao + section_link.get_attribute("href"))
    assert part.status == 200 and len(part.body()) == manifest["sections"][section]["size_bytes"]


def test_streaming_plays_first_sentence_before_the_page_is_ready(page: Any, servers: Servers) -> None:
    # Thirty sentences at 0.3 s each: the page MP3 cannot exist yet when the first clip starts playing.
    text = "".join(f"流式播放测试第{i}句话。" for i in range(1, 31))
    created = post_slow(page, servers, text)
    assert created["status"] != "ready"
    page.goto(f"{servers.bobao}/d/{created['id']}")
    page.wait_for_selector("#doc-body .s")
    page.click("#play")
    wait_for(page, PLAYING % 0, timeout_ms=10_000)
    src = page.evaluate(AUDIO)["src"]
    status = servers.app.test_client().get(f"/api/documents/{created['id']}").get_json()["status"]
    assert "/audio/" in src, "while synthesizing, the player plays sentence clips"
    assert status != "ready", "the first sentence played before the page MP3 existed"
    page.wait_for_selector("#download-page:not([hidden])", timeout=30_000)
    wait_for(page, f"() => ({CURRENT})() >= 1", timeout_ms=20_000)


def test_a_jump_ahead_while_synthesizing_is_heard_without_waiting_for_the_sentences_between(
    page: Any, servers: Servers
) -> None:
    # Forty sentences at 0.3 s each; the listener clicks sentence 30 right away. The poll's ?at=
    # moves synthesis there, so it plays long before the sentences in between are done.
    text = "".join(f"跳转播放测试第{i}句话。" for i in range(1, 41))
    created = post_slow(page, servers, text)
    page.goto(f"{servers.bobao}/d/{created['id']}")
    page.wait_for_selector("#doc-body .s")
    page.locator("#doc-body .s[data-i='30']").click()
    wait_for(page, f"() => ({CURRENT})() === 30 && ({PLAYING % 0})()", timeout_ms=60_000)
    manifest = servers.app.test_client().get(f"/api/documents/{created['id']}").get_json()
    target = sentences(manifest)[30]
    assert "/audio/" in page.evaluate(AUDIO)["src"] and (target["clip"] or target["pieces"]["ready"])
    assert manifest["progress"]["done"] < 20, manifest["progress"]


def test_a_long_first_sentence_plays_piece_by_piece_then_goes_on(page: Any, servers: Servers) -> None:
    # The first sentence is cut into pieces; the player plays each as it lands, then sentence two.
    text = "江北区人民政府办公室关于进一步做好政务公开和无障碍阅读服务工作的通知。" + "".join(
        f"第{i}项工作按期完成。" for i in range(1, 6))
    created = post_slow(page, servers, text)
    page.goto(f"{servers.bobao}/d/{created['id']}")
    page.wait_for_selector("#doc-body .s")
    page.evaluate("""() => { window.played = []; document.getElementById('audio').addEventListener('playing',
        (e) => window.played.push(new URL(e.target.currentSrc).pathname)); }""")
    page.click("#play")
    wait_for(page, f"() => ({CURRENT})() >= 1", timeout_ms=30_000)
    played = page.evaluate("window.played")
    manifest = servers.app.test_client().get(f"/api/documents/{created['id']}").get_json()
    first = manifest["sections"][0]["sentences"][0]
    pieces = [p["clip"] for p in first["pieces"]["ready"]]
    assert len(pieces) == first["pieces"]["count"] >= 3
    assert played[0] == pieces[0], "the first sound is the first piece, not the whole sentence"
    # Every piece is heard once, in order (or the rest of the sentence from its clip, if that came first).
    heard = [src for src in played if src in pieces]
    assert heard == pieces[: len(heard)] and heard
    assert len(heard) == len(pieces) or first["clip"] in played


def test_caption_shows_pinyin_over_each_character_or_traditional_text(page: Any, servers: Servers) -> None:
    manifest = open_demo(page, servers)
    title = sentences(manifest)[0]["text"]
    page.click("#caption-toggle")
    assert page.text_content("#caption-text") == title
    page.select_option("#script", "pinyin")
    page.wait_for_selector("#caption-text ruby rt")
    pairs = page.evaluate("""() => [...document.querySelectorAll('#caption-text ruby')]
        .map(r => [r.firstChild.textContent, r.querySelector('rt').textContent])""")
    assert pairs[:2] == [["重", "chóng"], ["庆", "qìng"]], "重庆 read chóng qìng, as the voice says it"
    han = [ch for ch in title if "\u4e00" <= ch <= "\u9fff"]
    assert [ch for ch, _ in pairs] == han, "every Han character has its reading, nothing else has one"
    page.select_option("#script", "traditional")
    page.wait_for_function("() => document.getElementById('caption-text').lang === 'zh-Hant'")
    assert "重慶市江北區" in page.text_content("#caption-text")
    page.reload()
    page.wait_for_selector("#doc-body .s")
    assert page.input_value("#script") == "traditional", "the choice is remembered"
    page.wait_for_function("() => document.getElementById('caption-text').textContent.includes('重慶')")
    page.click("#reset-settings")
    assert page.input_value("#script") == "simplified"


CLAUSE = "() => { const h = CSS.highlights.get('bobao-clause'); return h ? [...h][0].toString() : null; }"


def test_the_clause_being_heard_is_marked_inside_the_sentence(page: Any, servers: Servers) -> None:
    text = ("分句测试\n\n2023年全区共接待来访群众1.2万人次，同比增长32.7%，"
            "群众满意度达到98%以上，各项工作稳步推进。")
    page.goto(servers.bobao + "/")
    created = page.evaluate("""async (text) => { const r = await fetch('/api/documents?wait=1',
        {method: 'POST', headers: {'Content-Type': 'application/json'},
         body: JSON.stringify({text, engine: 'clausefake'})});
        return r.json(); }""", text)
    sentence = next(s for sec in created["sections"] for s in sec["sentences"] if "接待" in s["text"])
    clauses = [sentence["text"][m["start"]:m["end"]] for m in sentence["marks"]]
    assert clauses[1] == "同比增长32.7%，"
    page.goto(f"{servers.bobao}/d/{created['id']}")
    page.wait_for_selector("#doc-body .s")
    page.click(f"#doc-body .s[data-i='{sentence['id']}']")
    heard = set()
    for _ in range(60):
        clause = page.evaluate(CLAUSE)
        if clause:
            heard.add(clause)
            current = page.text_content("#doc-body .s.current")
            assert clause in current, "the clause is inside the highlighted sentence"
        if len(heard) == len(clauses):
            break
        page.wait_for_timeout(100)
    assert heard == set(clauses), "each clause is marked in turn, as it is heard"


def test_settings_persist_and_reset(page: Any, servers: Servers) -> None:
    open_demo(page, servers)
    page.select_option("#rate", "1.5")
    page.click("#caption-toggle")
    page.click("#contrast-toggle")
    page.click("#mute")
    page.reload()
    page.wait_for_selector("#doc-body .s")
    assert page.input_value("#rate") == "1.5"
    assert page.get_attribute("#caption-toggle", "aria-pressed") == "true"
    assert page.evaluate("document.body.classList.contains('hc')")
    assert page.get_attribute("#mute", "aria-pressed") == "true"
    assert page.evaluate(AUDIO)["paused"]
    page.click("#reset-settings")
    assert page.input_value("#rate") == "1"
    assert page.get_attribute("#caption-toggle", "aria-pressed") == "false"
    assert not page.evaluate("document.body.classList.contains('hc')")
    assert page.evaluate("localStorage.getItem('bobao:settings')") is None


def test_form_reads_pasted_text(page: Any, servers: Servers) -> None:
    page.goto(servers.bobao + "/")
    page.fill("#text-input", "表单测试标题\n\n这是粘贴进来的第一句话。这是第二句话。")
    page.click("#read-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/d/[0-9a-f]+$"))
    page.wait_for_selector("#doc-body .s")
    texts = page.locator("#doc-body .s").all_text_contents()
    assert any("第一句话" in t for t in texts)
    page.goto(servers.bobao + "/")
    page.click("#read-form button[type=submit]")
    assert "请先粘贴文字" in page.text_content("#form-error")


def test_form_reads_an_uploaded_pdf_attachment(page: Any, servers: Servers) -> None:
    pdf = Path(__file__).parents[1] / "reader" / "data" / "attachments" / "report.pdf"
    page.goto(servers.bobao + "/")
    page.set_input_files("#file-input", str(pdf))
    page.click("#read-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/d/[0-9a-f]+$"))
    page.wait_for_selector("#doc-body .s")
    assert page.text_content("h1").strip() == "重庆市江北区2023年法治政府建设情况报告"
    headings = page.locator("#doc-body h2, #doc-body h3, #doc-body h4").all_text_contents()
    assert "一、法治政府建设的主要举措和成效" in headings
    sentences = page.locator("#doc-body .s").all_text_contents()
    assert any("规模为1700户企业授信11.2亿元" in s for s in sentences), "the page-break paragraph is whole"


def test_unknown_document_shows_alert_with_retry(page: Any, servers: Servers) -> None:
    page.goto(servers.bobao + "/d/" + "0" * 24)
    alert = page.locator("#alert")
    alert.wait_for()
    assert "找不到" in alert.text_content()
    assert page.locator("#retry").is_visible()
    assert all("404" in e for e in page.js_errors), page.js_errors  # the expected 404 of the manifest
    page.js_errors.clear()


def contrast(fg: str, bg: str) -> float:
    def lum(css: str) -> float:
        r, g, b = (int(v) / 255 for v in re.findall(r"\d+(?:\.\d+)?", css)[:3])
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    light, dark = sorted((lum(fg), lum(bg)), reverse=True)
    return (light + 0.05) / (dark + 0.05)

