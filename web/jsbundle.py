"""The browser scripts, assembled from ``web/static/core/*.js`` and each UI's files at serve time.

The player and the widget share one JavaScript core (polling, the clip and piece queue, marks,
captions, settings, Media Session). The widget runs on foreign sites and must stay ONE request,
so each bundle is its files concatenated inside one strict IIFE (the core's names stay private to
it), the widget's stylesheet inlined, and the result cached in memory per file version. No build
step: editing a file and reloading is enough. The gzip form is made once per version too.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

STATIC_DIR = Path(__file__).parent / "static"

CORE_FILES = (
    "core/settings.js", "core/api.js", "core/poll.js", "core/queue.js", "core/marks.js",
    "core/captions.js", "core/media.js",
)
# The widget's parts (web/static/widget/), then its UI.
WIDGET_FILES = (
    "widget/setup.js", "widget/reading.js", "widget/locate.js", "widget/snapshot.js", "widget/describe.js",
    "widget/visual.js", "widget/keys.js", "widget/highlight.js", "widget/playback.js", "widget/mode.js",
    "widget/panel.js", "widget/controls.js", "widget.js",
)
# The player's parts (web/static/player/), then player.js, which starts it.
PLAYER_FILES = (
    "player/text.js", "player/document.js", "player/readform.js", "player/state.js", "player/timeline.js",
    "player/highlight.js", "player/follow.js", "player/playback.js", "player/transport.js",
    "player/settings.js", "player/manifest.js", "player/controls.js", "player/keys.js", "player.js",
)
# Every bundle is its files between these two: one strict function, so the files' names stay private.
WRAPPER_OPEN = '(function () {\n"use strict";\n'
WRAPPER_CLOSE = "})();\n"
# widget.js carries this placeholder; the assembler swaps in widget.css so the widget is one request.
CSS_MARKER = '"__BOBAO_WIDGET_CSS__"'


@dataclass(frozen=True)
class Bundle:
    files: tuple[str, ...]  # paths under web/static/, in order
    css_file: str | None = None  # inlined for CSS_MARKER


BUNDLES: dict[str, Bundle] = {
    "widget.js": Bundle(
        CORE_FILES + WIDGET_FILES,
        css_file="widget.css",
    ),
    "player.js": Bundle(CORE_FILES + PLAYER_FILES),
    # The core alone, for its browser test (tests/browser/test_core.py); not served.
    "core.js": Bundle(CORE_FILES + ("core/exports.js",)),
}


@dataclass(frozen=True)
class Assembled:
    body: bytes
    gzipped: bytes  # the same, compressed once here rather than on every request
    etag: str


def assemble(name: str) -> Assembled:
    """The named bundle, rebuilt only when one of its files changed (KeyError for an unknown name)."""
    bundle = BUNDLES[name]
    paths = bundle.files + ((bundle.css_file,) if bundle.css_file else ())
    versions = tuple((STATIC_DIR / path).stat().st_mtime_ns for path in paths)
    return _assemble(name, versions)


@lru_cache(maxsize=16)
def _assemble(name: str, versions: tuple[int, ...]) -> Assembled:
    # versions is only the cache key: a changed file makes a new entry.
    del versions
    bundle = BUNDLES[name]
    parts = [WRAPPER_OPEN]
    for path in bundle.files:
        parts.append(f"// ---- {path} ----\n")
        parts.append((STATIC_DIR / path).read_text(encoding="utf-8").rstrip("\n") + "\n")
    parts.append(WRAPPER_CLOSE)
    source = "".join(parts)
    if bundle.css_file:
        css = (STATIC_DIR / bundle.css_file).read_text(encoding="utf-8")
        source = source.replace(CSS_MARKER, json.dumps(css, ensure_ascii=False), 1)
    body = source.encode("utf-8")
    return Assembled(body=body, gzipped=gzip.compress(body, compresslevel=9, mtime=0),
                     etag=hashlib.sha256(body).hexdigest()[:32])
