"""Page, section and clip downloads: real MP3 bytes decoded, Range, ETag, chapters and VTT."""

from __future__ import annotations

import io
from urllib.parse import unquote

import numpy as np
import pytest
from mutagen.id3 import ID3

from tests.web.conftest import decode_mp3
from tests.web.conftest import parse_vtt
from tests.web.conftest import spoken_sentences


@pytest.fixture(scope="module")
def page(ready):
    client, manifest = ready
    response = client.get(manifest["audio"]["mp3"])
    assert response.status_code == 200
    return response


def test_full_download_advertises_ranges_and_etag(ready, page):
    _, manifest = ready
    assert page.headers["Accept-Ranges"] == "bytes"
    assert page.headers["ETag"]
    assert page.mimetype == "audio/mpeg"
    assert int(page.headers["Content-Length"]) == len(page.data) == manifest["audio"]["size_bytes"]


def test_range_gives_206_with_the_right_bytes(ready, page):
    client, manifest = ready
    response = client.get(manifest["audio"]["mp3"], headers={"Range": "bytes=0-99"})
    assert response.status_code == 206
    assert response.headers["Content-Range"] == f"bytes 0-99/{len(page.data)}"
    assert response.data == page.data[:100]


def test_suffix_range_gives_the_tail(ready, page):
    client, manifest = ready
    response = client.get(manifest["audio"]["mp3"], headers={"Range": "bytes=-500"})
    assert response.status_code == 206
    assert response.data == page.data[-500:]


def test_range_past_the_end_is_416(ready, page):
    client, manifest = ready
    response = client.get(manifest["audio"]["mp3"], headers={"Range": f"bytes={len(page.data) + 10}-"})
    assert response.status_code == 416
    assert response.headers["Content-Range"] == f"bytes */{len(page.data)}"
    assert response.get_json()["error"]["status"] == 416


@pytest.mark.parametrize("header", ["bytes=0-0,10-20", "bytes=0-9, -5"])
def test_several_ranges_get_the_whole_file(ready, page, header):
    client, manifest = ready
    response = client.get(manifest["audio"]["mp3"], headers={"Range": header})
    assert response.status_code == 200
    assert response.data == page.data
    clip = spoken_sentences(manifest)[0]["clip"]
    whole = client.get(clip)
    assert client.get(clip, headers={"Range": header}).data == whole.data


def test_malformed_range_is_416_with_the_length(ready, page):
    client, manifest = ready
    response = client.get(manifest["audio"]["mp3"], headers={"Range": "bytes=9-3"})
    assert response.status_code == 416
    assert response.headers["Content-Range"] == f"bytes */{len(page.data)}"


def test_if_none_match_gives_304(ready, page):
    client, manifest = ready
    response = client.get(manifest["audio"]["mp3"], headers={"If-None-Match": page.headers["ETag"]})
    assert response.status_code == 304


def test_page_mp3_decodes_to_the_manifest_duration(ready, page):
    _, manifest = ready
    samples = decode_mp3(page.data)
    decoded_ms = len(samples) * 1000 / 24_000
    assert abs(decoded_ms - manifest["audio"]["duration_ms"]) < 100
    # The tone engine's audio is not silence: most of the file carries signal.
    assert float(np.sqrt(np.mean(samples**2))) > 0.05


def test_page_mp3_has_one_chapter_per_top_level_section(ready, page):
    _, manifest = ready
    tag = ID3(io.BytesIO(page.data))
    chapters = sorted(tag.getall("CHAP"), key=lambda c: c.start_time)
    top = min(s["level"] for s in manifest["sections"] if s["heading"])
    headings = [s["heading"] for s in manifest["sections"] if s["heading"] and s["level"] == top]
    lead = manifest["sections"][0]["heading"] is None or manifest["sections"][0]["level"] != top
    titles = [c.sub_frames["TIT2"].text[0] for c in chapters]
    assert titles == ([manifest["title"]] if lead else []) + headings
    assert chapters[0].start_time == 0
    assert chapters[-1].end_time == manifest["audio"]["duration_ms"]
    for before, after in zip(chapters, chapters[1:], strict=False):
        assert before.end_time == after.start_time
    assert len(tag.getall("CTOC")) == 1


def test_chapters_start_at_their_heading_sentence(ready, page):
    _, manifest = ready
    chapters = sorted(ID3(io.BytesIO(page.data)).getall("CHAP"), key=lambda c: c.start_time)
    starts = {s["heading"]: s["start_ms"] for s in manifest["sections"] if s["heading"]}
    for chapter in chapters[1:]:
        assert chapter.start_time == starts[chapter.sub_frames["TIT2"].text[0]]


def test_vtt_cues_cover_every_sentence_in_order(ready):
    client, manifest = ready
    response = client.get(manifest["audio"]["vtt"])
    assert response.status_code == 200
    assert response.mimetype == "text/vtt"
    assert response.headers["Content-Type"] == "text/vtt; charset=utf-8"
    cues = parse_vtt(response.get_data(as_text=True))
    sentences = spoken_sentences(manifest)
    assert [c[2] for c in cues] == [s["text"] for s in sentences]
    assert [(c[0], c[1]) for c in cues] == [(s["start_ms"], s["end_ms"]) for s in sentences]
    assert all(a[1] <= b[0] for a, b in zip(cues, cues[1:], strict=False))


def test_section_mp3s_hold_their_own_sentences(ready):
    client, manifest = ready
    for section in manifest["sections"]:
        response = client.get(section["mp3"])
        assert response.status_code == 200
        assert len(response.data) == section["size_bytes"]
        samples = decode_mp3(response.data)
        sentences = section["sentences"]
        # The section file is the page's stretch from its first to its last sentence, pauses included.
        expected_ms = sentences[-1]["end_ms"] - sentences[0]["start_ms"]
        assert expected_ms == section["end_ms"] - section["start_ms"]
        assert abs(len(samples) * 1000 / 24_000 - expected_ms) < 100


def test_section_ranges_work_too(ready):
    client, manifest = ready
    response = client.get(manifest["sections"][0]["mp3"], headers={"Range": "bytes=10-19"})
    assert response.status_code == 206 and len(response.data) == 10


def test_missing_section_is_404(ready):
    client, manifest = ready
    response = client.get(f"/documents/{manifest['id']}/sections/{len(manifest['sections'])}.mp3")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_download_name_is_the_title_with_an_ascii_fallback(ready):
    client, manifest = ready
    response = client.get(manifest["audio"]["mp3"] + "?download=1")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f'filename="bobao-{manifest["id"]}.mp3"' in disposition
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == manifest["title"] + ".mp3"
    assert client.get(manifest["audio"]["mp3"]).headers["Content-Disposition"].startswith("inline;")


def test_clips_are_immutable_and_decodable(ready):
    client, manifest = ready
    sentence = spoken_sentences(manifest)[0]
    response = client.get(sentence["clip"])
    assert response.status_code == 200
    cache_control = response.headers["Cache-Control"]
    assert "immutable" in cache_control and "max-age=31536000" in cache_control and "public" in cache_control
    samples = decode_mp3(response.data)
    assert abs(len(samples) * 1000 / 24_000 - sentence["duration_ms"]) < 60
    assert client.get(sentence["clip"], headers={"Range": "bytes=0-9"}).status_code == 206


@pytest.mark.parametrize(
    "url",
    [
        "/audio/" + "0" * 64 + ".mp3",
        "/audio/..%2F..%2Fetc%2Fpasswd.mp3",
        "/audio/" + "g" * 64 + ".mp3",
        "/documents/" + "0" * 24 + ".mp3",
        "/documents/..%2Fmanifest.mp3",
        "/documents/" + "0" * 24 + ".vtt",
        "/documents/" + "0" * 24 + "/sections/0.mp3",
    ],
)
def test_unknown_and_malformed_audio_ids_are_404(ready, url):
    client, _ = ready
    response = client.get(url)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_not_ready_document_answers_409(app, client, reader):
    manifest = reader.read()
    store = app.extensions["bobao"].store
    store.save({**manifest, "status": "synthesizing"})
    response = client.get(manifest["audio"]["mp3"])
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "audio_not_ready"
