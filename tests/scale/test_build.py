"""``bobao build``: a site from a URL list or a sitemap, pre-rendered, resumable, failures recorded."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer

import pytest

from tests.fakes import register_fake
from tests.security.conftest import PUBLIC_ALIAS_IP
from tests.security.conftest import fakenet  # noqa: F401 - a fixture
from tests.security.conftest import public_alias
from web import build

PAGES = {
    f"/news/{i}.html": f"<html><head><title>通知{i}</title></head><body><h1>通知{i}</h1>"
    f"<p>这是第{i}份通知的第一句话。第二句话在这里。</p></body></html>".encode()
    for i in range(3)
}


@pytest.fixture
def site(fakenet) -> Iterator[tuple[str, list[str]]]:  # noqa: F811
    """The site on 127.0.0.1, reached as http://www.example.gov.cn (a public name and address)."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            hits.append(self.path)
            body = PAGES.get(self.path)
            if self.path == "/sitemap.xml":
                body = SITEMAP.replace("{base}", base).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/xml")
            elif body is None:
                self.send_response(404)
                body = b"gone"
            else:
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = public_alias(fakenet, f"http://127.0.0.1:{server.server_address[1]}").rstrip("/")
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    yield base, hits
    server.shutdown()
    server.server_close()


SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>{base}/news/0.html</loc></url>
  <url><loc>{base}/news/1.html</loc></url>
  <url><loc>{base}/news/2.html</loc></url>
</urlset>"""


@pytest.fixture
def env(tmp_path, monkeypatch):
    register_fake()
    for name, value in {
        "BOBAO_INSTANCE_PATH": str(tmp_path / "instance"),
        "BOBAO_TTS_ENGINE": "fake",
        "BOBAO_EXTRA_ENGINES": "fake=tests.fakes:create",
    }.items():
        monkeypatch.setenv(name, value)
    return tmp_path


def states(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_url_list_resumes_and_records_failures(env, site):
    base, hits = site
    urls = env / "urls.txt"
    urls.write_text(
        f"# the site\n{base}/news/0.html\n{base}/news/1.html\n{base}/missing.html\n{base}/news/2.html\n"
    )
    state = env / "urls.txt.state.jsonl"

    assert build.main([str(urls), "--max", "2"]) == 0  # an interrupted run: two pages done
    assert [r["status"] for r in states(state)] == ["ready", "ready"]
    assert all(r["duration_ms"] > 0 for r in states(state))

    assert build.main([str(urls)]) == 1  # resumes: only the other two are fetched; one is gone
    assert hits == ["/news/0.html", "/news/1.html", "/missing.html", "/news/2.html"]
    last = {r["url"]: r for r in states(state)}
    assert last[f"{base}/missing.html"]["status"] == "failed"
    assert "BadStatus" in last[f"{base}/missing.html"]["error"]
    assert last[f"{base}/news/2.html"]["status"] == "ready"

    assert build.main([str(urls)]) == 1  # only the failed page is tried again
    assert hits[4:] == ["/missing.html"]


def test_sitemap(env, site):
    base, hits = site
    sitemap = env / "sitemap.xml"
    sitemap.write_text(SITEMAP.replace("{base}", base))
    assert build.main([str(sitemap)]) == 0
    records = states(env / "sitemap.xml.state.jsonl")
    assert [r["title"] for r in records] == ["通知0", "通知1", "通知2"]
    assert len({r["doc_id"] for r in records}) == 3


def test_loopback_targets_refused_whatever_the_intranet_list(env, site, fakenet, monkeypatch):  # noqa: F811
    _, hits = site
    monkeypatch.setenv("BOBAO_FETCH_PRIVATE_NETWORKS", "0.0.0.0/0, ::/0")
    port = fakenet.nat[(PUBLIC_ALIAS_IP, 80)]  # the fixture server's real port
    urls = env / "urls.txt"
    urls.write_text(f"http://127.0.0.1:{port}/news/0.html\n")
    assert build.main([str(urls)]) == 1
    assert hits == []
    assert "TargetRefused" in states(env / "urls.txt.state.jsonl")[0]["error"]


def test_bad_sitemap_is_a_clear_error(env, capsys):
    bad = env / "sitemap.xml"
    bad.write_text("<urlset><url><loc>")
    assert build.main([str(bad)]) == 2
    assert "not a valid sitemap" in capsys.readouterr().err
