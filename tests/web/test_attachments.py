"""Attachments through the API: an uploaded PDF or DOCX, and a 附件 link fetched by URL."""

from __future__ import annotations

import base64
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reader.test_attachments import STYLES
from tests.reader.test_attachments import docx
from tests.reader.test_attachments import para
from tests.security.conftest import fakenet  # noqa: F401 - a fixture
from tests.security.conftest import public_alias
from tests.web.conftest import make_app

PDF = (Path(__file__).parents[1] / "reader" / "data" / "attachments" / "report.pdf").read_bytes()


def upload(client, data: bytes, filename: str):
    body = {"file": base64.b64encode(data).decode("ascii"), "filename": filename}
    return client.post("/api/documents?wait=1", json=body)


def headings(manifest: dict) -> list[str]:
    return [s["heading"] for s in manifest["sections"] if s["heading"]]


def test_an_uploaded_pdf_is_read_section_by_section_and_voiced(client) -> None:
    response = upload(client, PDF, "附件1：2023年法治政府建设情况报告.pdf")
    assert response.status_code == 201, response.get_data(as_text=True)
    manifest = response.get_json()
    assert manifest["status"] == "ready" and manifest["title"] == "重庆市江北区2023年法治政府建设情况报告"
    assert headings(manifest)[:2] == ["一、法治政府建设的主要举措和成效",
                                      "(一)优化职能,持续营造法治化营商环境"]
    assert manifest["audio"]["size_bytes"] > 0
    assert client.get(manifest["audio"]["mp3"]).status_code == 200


def test_an_uploaded_word_document_is_read(client) -> None:
    body = para("关于做好防汛工作的通知", "a3") + para("一、总体要求", "1") + para("坚持人民至上。")
    response = upload(client, docx(body, STYLES), "通知.docx")
    assert response.status_code == 201, response.get_data(as_text=True)
    manifest = response.get_json()
    assert manifest["title"] == "关于做好防汛工作的通知" and headings(manifest) == ["一、总体要求"]


@pytest.mark.parametrize(("body", "code"), [
    ({"file": "这不是base64", "filename": "a.pdf"}, "bad_request"),
    ({"file": base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(64)).decode(), "filename": "a.png"},
     "unsupported_input"),
    ({"file": base64.b64encode(PDF[:3000]).decode(), "filename": "broken.pdf"}, "unsupported_input"),
    ({"file": base64.b64encode(PDF).decode(), "filename": 12}, "bad_request"),
])
def test_bad_uploads_get_a_clear_error_and_store_nothing(app, client, body: dict, code: str) -> None:
    response = client.post("/api/documents", json=body)
    assert response.status_code in (400, 422), response.get_data(as_text=True)
    assert response.get_json()["error"]["code"] == code
    store = Path(app.config["DOCUMENT_DIR"])
    assert not store.exists() or not any(p.name.endswith(".json") for p in store.rglob("*"))


@pytest.fixture
def attachment_server() -> Iterator[str]:
    """A site on 127.0.0.1 whose 附件 link serves the PDF the way many CMSs do: as octet-stream."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Disposition", 'attachment; filename="report.pdf"')
            self.send_header("Content-Length", str(len(PDF)))
            self.end_headers()
            self.wfile.write(PDF)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/uploadfile/fujian1.pdf"
    server.shutdown()
    server.server_close()


def test_an_attachment_link_is_fetched_and_read(tmp_path: Path, attachment_server: str, fakenet) -> None:  # noqa: F811
    attachment_server = public_alias(fakenet, attachment_server)
    app = make_app(tmp_path, FETCH_ALLOWED_HOSTS=[".example.gov.cn"])
    response = app.test_client().post("/api/documents?wait=1", json={"url": attachment_server})
    assert response.status_code == 201, response.get_data(as_text=True)
    manifest = response.get_json()
    assert manifest["source"] == attachment_server and "4. 强化法治保障" in headings(manifest)
    app.extensions["bobao"].jobs.shutdown()


def test_the_form_states_the_upload_limit_the_server_enforces(tmp_path: Path) -> None:
    app = make_app(tmp_path, MAX_CONTENT_LENGTH=4 * 1024 * 1024)
    page = app.test_client().get("/").get_data(as_text=True)
    limit = (4 * 1024 * 1024 - 1024) * 3 // 4
    assert f'data-max-upload-bytes="{limit}"' in page and "不超过 3.0 MB" in page
    # A file of exactly that size, in base64 with its field names, fits in the body limit.
    body = '{"file": "' + "A" * (limit * 4 // 3) + '", "filename": "a.pdf"}'
    assert len(body) <= 4 * 1024 * 1024
    app.extensions["bobao"].jobs.shutdown()
