"""The native Mandarin Kokoro v1.0 styles vendored in ``audio/data/voices`` and their checks.

The eight ``zf_*``/``zm_*`` styles come byte for byte from the npm package ``kokoro-js@1.2.1``
(``package/voices/<name>.bin``, Apache-2.0; its LICENSE sits beside them). ``manifest.json`` pins
the package version and each file's size and sha256. Every load checks them, so a truncated or
edited file is an ``EngineUnavailable`` that names the file, never a different voice.

Each file is float32 little-endian ``[510, 1, 256]``: one style row per phoneme-token count, the
same layout as the rows of ``voices_ja.npz`` (whose ``jf_alpha`` equals kokoro-js's byte for byte).
"""

from __future__ import annotations

import hashlib
import importlib.resources
import json
from importlib.resources.abc import Traversable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from audio.errors import EngineUnavailable

STYLE_SHAPE = (510, 1, 256)
_FOLDER = ("data", "voices")


def voice_folder() -> Traversable:
    """Where the vendored style files live inside the installed ``audio`` package."""
    folder = importlib.resources.files("audio")
    for part in _FOLDER:
        folder = folder / part
    return folder


def manifest() -> dict[str, Any]:
    """The pinned source and per-file sha256 (raises ``EngineUnavailable`` if it is missing)."""
    try:
        loaded: dict[str, Any] = json.loads((voice_folder() / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise EngineUnavailable(f"the native voice manifest audio/data/voices/manifest.json is unreadable: "
                                f"{exc}; reinstall bobao") from exc
    return loaded


def native_names() -> list[str]:
    """The style names the manifest pins, e.g. ``zf_xiaoxiao``."""
    return list(manifest()["voices"])


def load_native_styles() -> dict[str, NDArray[np.float32]]:
    """Every pinned style as a float32 array, after checking size and sha256 of each file."""
    pinned = manifest()
    styles: dict[str, NDArray[np.float32]] = {}
    for name, entry in pinned["voices"].items():
        blob = _verified_bytes(name, entry, pinned.get("source", "?"))
        styles[name] = np.frombuffer(blob, dtype="<f4").reshape(STYLE_SHAPE).astype(np.float32)
    return styles


def problems() -> list[str]:
    """Plain sentences describing missing or corrupt voice files; empty when all are sound."""
    try:
        pinned = manifest()
    except EngineUnavailable as exc:
        return [str(exc)]
    found = []
    for name, entry in pinned["voices"].items():
        try:
            _verified_bytes(name, entry, pinned.get("source", "?"))
        except EngineUnavailable as exc:
            found.append(str(exc))
    return found


def _verified_bytes(name: str, entry: dict[str, Any], source: str) -> bytes:
    path = voice_folder() / entry["file"]
    try:
        blob: bytes = path.read_bytes()
    except OSError as exc:
        raise EngineUnavailable(f"the voice file audio/data/voices/{entry['file']} ({name}) is missing; "
                                f"reinstall bobao (the files come from {source})") from exc
    digest = hashlib.sha256(blob).hexdigest()
    if len(blob) != entry["bytes"] or digest != entry["sha256"]:
        raise EngineUnavailable(f"the voice file audio/data/voices/{entry['file']} ({name}) is corrupt: "
                                f"{len(blob)} bytes, sha256 {digest[:12]}, expected {entry['bytes']} bytes, "
                                f"sha256 {entry['sha256'][:12]} from {source}; reinstall bobao")
    return blob


def styles_sha256() -> str:
    """One digest over the pinned sha256s: it changes whenever any vendored style does."""
    pinned = manifest()["voices"]
    joined = ",".join(f"{name}={entry['sha256']}" for name, entry in sorted(pinned.items()))
    return hashlib.sha256(joined.encode("ascii")).hexdigest()
