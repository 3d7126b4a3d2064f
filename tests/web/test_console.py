"""Reports, reading rules and the console API (web.reports, web.core.readingrules)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.web.conftest import Reader
from tests.web.conftest import decode_mp3
from tests.web.conftest import make_app
from web.core.engines import engine_stamp

TOKEN = "console-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
TEXT = "区政府工作报告\n\n请拨打12345热线咨询。今天共有2户参加。\n\n二、其他\n\n江北嘴的变化很大。\n"


@pytest.fixture
def app(tmp_path: Path):
    app = make_app(tmp_path, ADMIN_TOKEN=TOKEN, REPORT_RATE="3/hour")
    yield app
    app.extensions["bobao"].jobs.shutdown()


def sentences(manifest: dict) -> list[dict]:
    return [s for section in manifest["sections"] for s in section["sentences"]]


def test_a_report_stores_the_sentence_and_nothing_about_the_listener(app, client, reader: Reader):
    manifest = reader.read(TEXT)
    target = sentences(manifest)[1]
    headers = {"User-Agent": "Listener/1.0", "Cookie": "id=42", "X-Forwarded-For": "203.0.113.9"}
    first = client.post("/api/reports", json={"document": manifest["id"], "sentence": target["id"]},
                        headers=headers, environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert first.status_code == 201 and first.json["count"] == 1
    again = client.post("/api/reports", json={"document": manifest["id"], "sentence": target["id"]})
    assert again.json["count"] == 2  # one report per sentence, counted
    stored = (Path(app.instance_path) / "reports.json").read_text(encoding="utf-8")
    for private in ("198.51.100.7", "203.0.113.9", "Listener", "id=42"):
        assert private not in stored
    [report] = json.loads(stored)
    fields = ("text", "spoken", "clip")
    assert [report[f] for f in fields] == [target[f] for f in fields]
    listed = client.get("/admin/api/reports", headers=AUTH).json
    assert listed["count"] == 1 and listed["reports"][0]["spoken"] == target["spoken"]
    assert client.get(target["clip"]).status_code == 200  # the console plays the reported audio
    assert client.delete(f"/admin/api/reports/{report['id']}", headers=AUTH).status_code == 200
    assert client.get("/admin/api/reports", headers=AUTH).json["count"] == 0
    assert client.delete(f"/admin/api/reports/{report['id']}", headers=AUTH).status_code == 404


DOC = "0" * 24
BAD_REPORTS = [None, [], {"document": "x", "sentence": 1}, {"document": DOC},
               {"document": DOC, "sentence": True}, {"document": DOC, "sentence": "1"}]


@pytest.mark.parametrize("body", BAD_REPORTS)
def test_a_bad_report_is_a_clear_400(client, body):
    response = client.post("/api/reports", json=body)
    assert response.status_code == 400 and response.json["error"]["code"] == "bad_request"


def test_reports_of_unknown_sentences_are_404_and_reports_are_rate_limited(client, reader: Reader):
    manifest = reader.read(TEXT)
    assert client.post("/api/reports", json={"document": "0" * 24, "sentence": 0}).status_code == 404
    assert client.post("/api/reports", json={"document": manifest["id"], "sentence": 999}).status_code == 404
    codes = [client.post("/api/reports", json={"document": manifest["id"], "sentence": 0}).status_code
             for _ in range(3)]
    assert codes == [201, 429, 429]  # two tokens were spent on the 404s: REPORT_RATE is 3/hour
    limited = client.post("/api/reports", json={"document": manifest["id"], "sentence": 0})
    assert int(limited.headers["Retry-After"]) > 0


def test_a_reading_rule_changes_only_the_sentences_it_matches(app, client, reader: Reader):
    before = reader.read(TEXT)
    rule = [{"written": "12345热线", "spoken": "政务服务便民热线"}]
    saved = client.put("/admin/api/rules", json=rule, headers=AUTH)
    assert saved.status_code == 200, saved.json
    assert saved.json["count"] == 1 and saved.json["changed_sentences"] == 1
    after = reader.read(TEXT)
    assert after["id"] != before["id"]  # the rules' version is part of the document id
    old, new = sentences(before), sentences(after)
    pairs = list(zip(old, new, strict=True))
    changed = [(a["spoken"], b["spoken"]) for a, b in pairs if a["spoken"] != b["spoken"]]
    assert changed == [("请拨打幺二三四五热线咨询。", "请拨打政务服务便民热线咨询。")]
    # Clips are keyed by spoken text: every other sentence's clip is the one already rendered.
    assert [a["clip"] == b["clip"] for a, b in pairs] == [a["spoken"] == b["spoken"] for a, b in pairs]
    assert new[1]["text"] == old[1]["text"]  # what is shown stays as written
    assert client.get("/admin/api/rules", headers=AUTH).json["rules"] == rule
    assert client.put("/admin/api/rules", json=rule, headers=AUTH).json["changed_sentences"] == 0


@pytest.mark.parametrize(("rules", "problem"), [
    ([{"written": "", "spoken": "读法"}], "written"),
    ([{"written": "12345", "spoken": "123"}], "no digits"),
    ([{"written": "甲", "spoken": "乙"}, {"written": "甲", "spoken": "丙"}], "twice"),
    ([{"written": "x" * 41, "spoken": "很长"}], "written"),
])
def test_a_bad_rule_is_refused_and_what_was_saved_stays(app, client, rules, problem):
    good = [{"written": "江北嘴", "spoken": "江北嘴金融区"}]
    assert client.put("/admin/api/rules", json=good, headers=AUTH).status_code == 200
    response = client.put("/admin/api/rules", json=rules, headers=AUTH)
    assert response.status_code == 422 and response.json["error"]["code"] == "invalid_rules"
    assert problem in json.dumps(response.json["error"]["rules"], ensure_ascii=False)
    assert client.get("/admin/api/rules", headers=AUTH).json["rules"] == good
    assert client.put("/admin/api/rules", data="[", content_type="application/json",
                      headers=AUTH).status_code == 400


def test_rules_survive_a_restart(tmp_path, app, client):
    rule = [{"written": "12345热线", "spoken": "便民热线"}]
    assert client.put("/admin/api/rules", json=rule, headers=AUTH).status_code == 200
    again = make_app(tmp_path, ADMIN_TOKEN=TOKEN)
    try:
        assert again.test_client().get("/admin/api/rules", headers=AUTH).json["rules"] == rule
        doc = again.extensions["bobao"].parse("text", "请拨打12345热线。")
        assert [s.spoken for s in doc.sentences()] == ["请拨打便民热线。"]
    finally:
        again.extensions["bobao"].jobs.shutdown()


def test_a_draft_rule_is_heard_before_it_is_saved(client):
    body = {"text": "请拨打12345热线。", "rules": [{"written": "12345热线", "spoken": "便民热线"}]}
    preview = client.post("/admin/api/lexicon/preview", json=body, headers=AUTH)
    assert preview.status_code == 200
    assert [s["spoken"] for s in preview.json["sentences"]] == ["请拨打便民热线。"]
    clip = client.post("/admin/api/lexicon/preview?audio=1", json=body, headers=AUTH)
    assert clip.status_code == 200 and clip.mimetype == "audio/mpeg" and len(clip.data) > 144
    assert client.get("/admin/api/rules", headers=AUTH).json["count"] == 0  # nothing saved
    bad = client.post("/admin/api/lexicon/preview", json={"text": "好", "entries": [{"word": "重庆"}]},
                      headers=AUTH)
    assert bad.status_code == 400  # only the offline engine reads a lexicon; the fake is in use


def test_documents_in_progress_come_first(client, reader: Reader):
    done = reader.read(TEXT)
    pending = reader.read("新的一页。正在合成。", wait=False, engine="slowfake")
    rows = client.get("/admin/api/documents", headers=AUTH).json["documents"]
    assert rows[0]["id"] == pending["id"] and rows[0]["status"] in ("pending", "synthesizing")
    assert next(r for r in rows if r["id"] == done["id"])["status"] == "ready"
    assert client.get("/admin/api/documents").status_code == 401


def test_the_console_page_is_served_and_says_when_the_admin_api_is_off(tmp_path, client):
    page = client.get("/admin")
    assert page.status_code == 200 and "管理令牌" in page.get_data(as_text=True)
    assert "BOBAO_ADMIN_TOKEN" not in page.get_data(as_text=True)
    off = make_app(tmp_path / "off")
    try:
        assert "BOBAO_ADMIN_TOKEN" in off.test_client().get("/admin").get_data(as_text=True)
    finally:
        off.extensions["bobao"].jobs.shutdown()


def test_a_lexicon_change_counts_the_stored_sentences_it_touches(client, reader: Reader):
    reader.read(TEXT)
    entry = [{"word": "江北嘴", "pinyin": "jiang1 bei3 zui3"}]
    saved = client.put("/admin/api/lexicon", json=entry, headers=AUTH)
    assert saved.status_code == 200 and saved.json["changed_sentences"] == 1
    assert client.put("/admin/api/lexicon", json=entry, headers=AUTH).json["changed_sentences"] == 0
    wrong = [{"word": "江北嘴", "pinyin": "jiang9 bei3 zui3"}]
    bad = client.put("/admin/api/lexicon", json=wrong, headers=AUTH)
    assert bad.status_code == 422 and "tone digit" in json.dumps(bad.json, ensure_ascii=False)
    unknown = [{"word": "江北嘴", "pinyin": "jiang1 bxy3 zui3"}]  # well formed, but no Mandarin syllable
    bad = client.put("/admin/api/lexicon", json=unknown, headers=AUTH)
    assert bad.status_code == 422
    assert "'bxy3' is not a Mandarin syllable" in json.dumps(bad.json, ensure_ascii=False)
    oversized = "[" + "1," * 2_000_000 + "1]"
    huge = client.put("/admin/api/lexicon", data=oversized, content_type="application/json", headers=AUTH)
    assert huge.status_code == 413
    assert client.get("/admin/api/lexicon", headers=AUTH).json["entries"][0]["pinyin"] == "jiang1 bei3 zui3"


def test_auditioned_drafts_do_not_pile_up_jieba_dictionaries(monkeypatch):
    """Each draft lexicon heard in the console builds a G2P (~50 MB); only the recent few are kept."""
    from audio.engines import mandarin
    from audio.lexicon import Lexicon

    monkeypatch.setattr(mandarin, "MandarinG2P", lambda lexicon: object())
    monkeypatch.setattr(mandarin, "_g2ps", type(mandarin._g2ps)())
    drafts = [Lexicon.parse(f"重庆\tchong2 qing{tone}\n") for tone in range(1, 6)]
    built = [mandarin.shared_g2p(lexicon) for lexicon in drafts]
    assert len(mandarin._g2ps) == mandarin.MAX_SHARED_G2PS
    assert mandarin.shared_g2p(drafts[-1]) is built[-1]  # a recent version is reused, not rebuilt
    assert drafts[0].version not in mandarin._g2ps


def test_a_draft_lexicon_entry_is_heard_with_the_offline_voice_before_saving(tmp_path):
    app = make_app(tmp_path, ADMIN_TOKEN=TOKEN, TTS_ENGINE="offline")
    client = app.test_client()
    try:
        draft = {"text": "重庆银行。", "entries": [{"word": "重庆", "pinyin": "zhong4 qing4"}]}
        heard = client.post("/admin/api/lexicon/preview", json=draft, headers=AUTH).json["sentences"][0]
        saved = client.post("/admin/api/lexicon/preview", json={"text": "重庆银行。"}, headers=AUTH).json
        assert heard["readings"][0]["pinyin"] == "zhong4 qing4"
        assert saved["sentences"][0]["readings"][0]["pinyin"] == "chong2 qing4"
        assert heard["phonemes"] != saved["sentences"][0]["phonemes"]
        clip = client.post("/admin/api/lexicon/preview?audio=1", json=draft, headers=AUTH)
        assert clip.status_code == 200 and clip.mimetype == "audio/mpeg"
        assert 0.3 < len(decode_mp3(clip.data)) / 24_000 < 3
        assert client.get("/admin/api/lexicon", headers=AUTH).json["source"] == "default"  # nothing saved
        assert list((Path(app.instance_path) / "tmp").iterdir()) == []  # the draft file is gone
        wrong = {**draft, "entries": [{"word": "重庆", "pinyin": "x"}]}
        bad = client.post("/admin/api/lexicon/preview", json=wrong, headers=AUTH)
        assert bad.status_code == 422 and bad.json["error"]["code"] == "invalid_lexicon"
    finally:
        app.extensions["bobao"].jobs.shutdown()


def test_a_lexicon_edit_changes_only_the_cache_keys_of_sentences_holding_the_word(tmp_path):
    app = make_app(tmp_path, ADMIN_TOKEN=TOKEN, TTS_ENGINE="offline")
    client = app.test_client()

    def keys() -> list[str]:
        body = {"text": "江北嘴的变化很大。今天天气很好。", "engine": "offline"}
        preview = client.post("/admin/api/lexicon/preview", json=body, headers=AUTH).json
        return [sentence["key"] for sentence in preview["sentences"]]

    try:
        before = keys()
        entry = [{"word": "江北嘴", "pinyin": "jiang1 bei3 zui3"}]
        assert client.put("/admin/api/lexicon", json=entry, headers=AUTH).status_code == 200
        after = keys()
        assert after[0] != before[0] and after[1] == before[1]  # only the clip holding 江北嘴 changes
        # The document id still changes with the lexicon, so a ready page is read again (mostly cached).
        lexicon = client.get("/admin/api/lexicon", headers=AUTH).json["version"]
        assert engine_stamp(app.extensions["bobao"].get_engine("offline")).endswith(f"+lex-{lexicon}")
    finally:
        app.extensions["bobao"].jobs.shutdown()
