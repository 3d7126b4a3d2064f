"""GET /api/documents/<id>/caption: the caption in 拼音 and 繁體."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.web.conftest import Reader


def test_every_sentence_gets_pinyin_per_character_and_traditional_text(client: FlaskClient) -> None:
    manifest = Reader(client).read(wait=False)  # the caption does not wait for the audio
    response = client.get(f"/api/documents/{manifest['id']}/caption")
    assert response.status_code == 200
    body = response.get_json()
    texts = {s["id"]: s["text"] for section in manifest["sections"] for s in section["sentences"]}
    assert body["id"] == manifest["id"] and [s["id"] for s in body["sentences"]] == list(texts)
    for sentence in body["sentences"]:
        text = texts[sentence["id"]]
        assert len(sentence["pinyin"]) == len(text)
        for char, reading in zip(text, sentence["pinyin"], strict=True):
            assert (reading is not None) == ("\u4e00" <= char <= "\u9fff"), (char, reading)
        assert len(sentence["traditional"]) == len(text)
    title = body["sentences"][0]
    assert title["traditional"].startswith("區政府關於測試工作的報告")
    assert title["pinyin"][:3] == ["qū", "zhèng", "fǔ"]


def test_the_caption_is_cacheable_and_unknown_documents_are_404(client: FlaskClient) -> None:
    manifest = Reader(client).read(wait=False)
    url = f"/api/documents/{manifest['id']}/caption"
    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    for bad in ("0" * 24, "not-an-id", "..%2F..%2Fetc"):
        missing = client.get(f"/api/documents/{bad}/caption")
        assert missing.status_code == 404
        assert missing.get_json()["error"]["code"] == "not_found"


def test_a_changed_site_lexicon_changes_the_caption(tmp_path) -> None:
    from tests.web.conftest import make_app

    app = make_app(tmp_path, ADMIN_TOKEN="t0ken")
    client = app.test_client()
    manifest = Reader(client).read("通知\n\n观音桥商圈开展消防演练。", wait=False)
    url = f"/api/documents/{manifest['id']}/caption"
    before = client.get(url).get_json()["sentences"][-1]["pinyin"]
    assert before[3:5] == ["shāng", "quān"]
    site = [{"word": "商圈", "pinyin": "shang1 juan4"}]
    put = client.put("/admin/api/lexicon", json=site, headers={"Authorization": "Bearer t0ken"})
    assert put.status_code == 200
    after = client.get(url).get_json()["sentences"][-1]["pinyin"]
    assert after[3:5] == ["shāng", "juàn"], "the caption follows the lexicon, not a stale copy"
    app.extensions["bobao"].jobs.shutdown()
