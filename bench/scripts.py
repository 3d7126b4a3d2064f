"""Serve the assembled browser scripts (``/widget.js``, ``/player.js``) in-process and time them.

Run: python bench/scripts.py [requests]
Through Flask's test client (no sockets, so only the app's own cost): requests/s for a full answer
without and with ``Accept-Encoding: gzip``, and for a 304 revalidation, with the bytes sent. Before
web/jsbundle.py, ``/widget.js`` was gzipped again on every request by web/security.py.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fakes import register_fake  # noqa: E402
from web import create_app  # noqa: E402


def rate(client: object, path: str, headers: dict[str, str], n: int) -> tuple[float, int]:
    start = time.perf_counter()
    for _ in range(n):
        response = client.get(path, headers=headers)  # type: ignore[attr-defined]
    return n / (time.perf_counter() - start), len(response.get_data())


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    register_fake()
    tmp = tempfile.mkdtemp()
    app = create_app({"TESTING": True, "TTS_ENGINE": "fake", "EXTRA_ENGINES": "fake=tests.fakes:create",
                      "INSTANCE_PATH": tmp + "/i", "AUDIO_CACHE_DIR": tmp + "/a", "DOCUMENT_DIR": tmp + "/d",
                      "RATE_LIMIT": "off", "LOAD_DEMO": False})
    client = app.test_client()
    print(f"{'script':12} {'encoding':9} {'200 req/s':>10} {'bytes':>8} {'304 req/s':>10}")
    for path in ("/widget.js", "/player.js"):
        for encoding in ("identity", "gzip"):
            headers = {"Accept-Encoding": encoding}
            first = client.get(path, headers=headers)
            if first.status_code != 200:  # an older checkout, without this script
                continue
            etag = first.headers["ETag"]
            full, size = rate(client, path, headers, n)
            again, _ = rate(client, path, {**headers, "If-None-Match": etag}, n)
            print(f"{path:12} {encoding:9} {full:10.0f} {size:8d} {again:10.0f}")
    app.extensions["bobao"].jobs.shutdown()


if __name__ == "__main__":
    main()
