"""``bobao build URLS.txt|sitemap.xml``: pre-render a whole site, with a progress bar, resumable.

Each URL is fetched under the SSRF rules (``web.fetch``), read, and synthesized exactly as the API
would (same document ids, same cache), so visitors later get finished audio at once. With a broker
configured the jobs run on the Celery workers; otherwise on this process's threads.

Progress is appended to a state file (``<input>.state.jsonl``, one JSON line per finished URL,
flushed and fsynced), so an interrupted build — Ctrl-C, a crash, a reboot — resumes where it
stopped: URLs already ``ready`` are skipped; failed ones are tried again.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
from pathlib import Path
from typing import Any

from lxml import etree
from tqdm import tqdm

from web.fetch import FetchError
from web.fetch import fetch_url

_SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
_XML_TYPES = ("application/xml", "text/xml", "text/plain")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bobao build", description="Pre-render the audio of many pages.")
    parser.add_argument("source", type=Path, help="a file of URLs (one a line, # comments) or a sitemap.xml")
    parser.add_argument("--state", type=Path, default=None, help="resume file (default: SOURCE.state.jsonl)")
    parser.add_argument(
        "--max", type=int, default=None, help="stop after this many URLs (the rest: next run)"
    )
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds to wait for one page's audio")
    return parser.parse_args(argv)


def read_urls(source: Path, config: Any) -> list[str]:
    """URLs from a text list or a sitemap (a sitemap index's child sitemaps are fetched)."""
    data = source.read_bytes()
    if data.lstrip().startswith(b"<"):
        return _sitemap_urls(data, config)
    lines = (line.strip() for line in data.decode("utf-8-sig").splitlines())
    return _unique(line for line in lines if line and not line.startswith("#"))


def _sitemap_urls(data: bytes, config: Any, depth: int = 0) -> list[str]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"not a valid sitemap: {exc}") from None
    locs = [(el.text or "").strip() for el in root.iter(f"{_SITEMAP_NS}loc", "loc")]
    if not root.tag.endswith("sitemapindex"):
        return _unique(loc for loc in locs if loc)
    if depth > 0:
        raise ValueError("nested sitemap indexes are not followed")
    urls: list[str] = []
    for loc in locs:
        child, _ = fetch_url(loc, content_types=_XML_TYPES, **_fetch_options(config))
        urls.extend(_sitemap_urls(child, config, depth + 1))
    return _unique(urls)


def _unique(urls: Any) -> list[str]:
    return list(dict.fromkeys(urls))


def _fetch_options(config: Any) -> dict[str, Any]:
    return {
        "allowed_hosts": config.get("FETCH_ALLOWED_HOSTS") or None,
        "timeout_s": float(config.get("FETCH_TIMEOUT_S", 10.0)),
        "max_bytes": int(config.get("FETCH_MAX_BYTES", 2 * 1024 * 1024)),
        "private_networks": config.get("FETCH_PRIVATE_NETWORKS") or (),
    }


def load_state(path: Path) -> dict[str, dict[str, Any]]:
    """The last recorded outcome per URL; a torn last line (crash mid-write) is ignored."""
    state: dict[str, dict[str, Any]] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict) and "url" in record:
                state[record["url"]] = record
    return state


def _append(path: Path, record: dict[str, Any]) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def render_one(services: Any, config: Any, url: str, timeout_s: float) -> dict[str, Any]:
    """Fetch, read and synthesize one page; the record to store in the state file."""
    try:
        data, content_type = fetch_url(url, **_fetch_options(config))
        content = base64.b64encode(data).decode("ascii")
        manifest = services.create("url", content, url=url, content_type=content_type, listener=False)
        doc_id = manifest["id"]
        if manifest["status"] != "ready":
            services.wait(doc_id, timeout_s)
            manifest = services.store.load(doc_id)
    except Exception as exc:  # one bad page (unreachable, unreadable, refused) must not stop the build
        return {"url": url, "status": "failed", "error": f"{type(exc).__name__}: {exc}"[:300]}
    if manifest["status"] != "ready":
        error = services.jobs.error(doc_id) or manifest.get("error") or f"still {manifest['status']}"
        return {"url": url, "status": "failed", "doc_id": doc_id, "error": str(error)[:300]}
    audio = manifest["audio"]
    return {
        "url": url,
        "status": "ready",
        "doc_id": doc_id,
        "duration_ms": audio["duration_ms"],
        "title": manifest["title"],
    }


def run(
    source: Path, state_path: Path, *, limit: int | None, timeout_s: float, services: Any
) -> tuple[int, int, int]:
    """Build every URL not yet ready; returns (ready, failed, skipped because already ready)."""
    config = services.config
    urls = read_urls(source, config)
    done = {u for u, r in load_state(state_path).items() if r.get("status") == "ready"}
    remaining = [u for u in urls if u not in done]
    todo = remaining if limit is None else remaining[:limit]
    ready = failed = 0
    with tqdm(
        total=len(urls), initial=len(urls) - len(remaining), unit="page", desc="bobao build", disable=None
    ) as bar:
        for url in todo:
            record = render_one(services, config, url, timeout_s)
            _append(state_path, record)
            ready += record["status"] == "ready"
            failed += record["status"] == "failed"
            bar.set_postfix(ready=ready, failed=failed, refresh=False)
            bar.update(1)
    return ready, failed, len(urls) - len(remaining)


def main(argv: list[str]) -> int:
    """Entry point of ``bobao build``; 0 when every URL is ready, 1 when some failed."""
    args = parse_args(argv)
    from web.config import load_config
    from web.core import build_services

    services = build_services(load_config())  # the server's services, without a Flask app
    state_path = args.state or args.source.with_name(args.source.name + ".state.jsonl")
    try:
        ready, failed, skipped = run(args.source, state_path, limit=args.max, timeout_s=args.timeout,
                                     services=services)
    except (OSError, ValueError, FetchError) as exc:
        print(f"bobao build: error: {exc}", file=sys.stderr)
        return 2
    finally:
        services.jobs.shutdown()
    print(
        f"bobao build: {ready} ready, {failed} failed, {skipped} skipped; state in {state_path}",
        file=sys.stderr,
    )
    return 1 if failed else 0
