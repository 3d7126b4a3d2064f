"""A short text posted while the demo page is being synthesized: how long until its first sound?

    python bench/schedule.py [--engine offline] [--delay-s 3] [--workers 2]

The scenario of issue 10 part 2 with default settings: the server queues the demo at start (as
``bobao serve`` does), a listener posts a long page (the demo text with a heading of its own), then
after ``--delay-s`` a two-sentence text; both are polled the way the player
polls (``?at=`` the sentence it waits for). Prints, for the short text, the time from its POST to
its first playable audio (a lead-in piece or a clip) and to its whole clip, and how many sentences of
the long page were done meanwhile. Everything runs in-process with a fresh cache in a temp folder.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from web import create_app  # noqa: E402
from web.core.services import DEMO_FILE  # noqa: E402

SHORT = "请各单位于本周五前报送材料。逾期未报送的，视为放弃。"


def first_entry(client, doc_id: str) -> dict:
    manifest = client.get(f"/api/documents/{doc_id}").get_json()
    first = manifest["sections"][0]["sentences"][0]
    manifest = client.get(f"/api/documents/{doc_id}?at={first['id']}").get_json()
    return manifest["sections"][0]["sentences"][0]


def done(client, doc_id: str) -> int:
    return int(client.get(f"/api/documents/{doc_id}?at=0").get_json()["progress"]["done"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="offline")
    parser.add_argument("--delay-s", type=float, default=3.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout-s", type=float, default=300.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bobao-bench-") as tmp:
        app = create_app({
            "TESTING": True, "TTS_ENGINE": args.engine, "JOB_WORKERS": args.workers, "RATE_LIMIT": "off",
            "INSTANCE_PATH": f"{tmp}/instance", "AUDIO_CACHE_DIR": f"{tmp}/audio",
            "DOCUMENT_DIR": f"{tmp}/documents",
        })
        client = app.test_client()
        services = app.extensions["bobao"]
        services.engine.synthesize("你好。", services.speech_params(services.engine, None, None))  # warm
        services.load_demo()
        text = resources.files("web").joinpath("demo", DEMO_FILE).read_text(encoding="utf-8")
        long_id = client.post("/api/documents", json={"text": "另一份长篇报告\n\n" + text}).get_json()["id"]
        end = time.monotonic() + args.delay_s
        while time.monotonic() < end:
            done(client, long_id)  # the long page's listener keeps polling
            time.sleep(0.25)
        long_before = done(client, long_id)
        posted = time.monotonic()
        short_id = client.post("/api/documents", json={"text": SHORT}).get_json()["id"]
        first_sound_s = clip_s = None
        while clip_s is None and time.monotonic() - posted < args.timeout_s:
            entry = first_entry(client, short_id)
            done(client, long_id)
            if first_sound_s is None and (entry["clip"] or (entry.get("pieces") or {}).get("ready")):
                first_sound_s = time.monotonic() - posted
            if entry["clip"]:
                clip_s = time.monotonic() - posted
            time.sleep(0.05)
        long_meanwhile = done(client, long_id) - long_before
        total = client.get(f"/api/documents/{long_id}").get_json()["progress"]["total"]
        services.jobs.shutdown()
    print(f"engine={args.engine} workers={args.workers} long page: {total} sentences, short posted after "
          f"{args.delay_s:.0f} s ({long_before} done)")
    print(f"short text first sound: {first_sound_s if first_sound_s is None else round(first_sound_s, 2)} s; "
          f"whole first clip: {clip_s if clip_s is None else round(clip_s, 2)} s; "
          f"long-page sentences done meanwhile: {long_meanwhile}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
