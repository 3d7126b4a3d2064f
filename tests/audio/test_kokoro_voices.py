"""The vendored native styles: pinned, checked at load, and never silently replaced by another voice."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from audio.engines import kokoro_voices
from audio.engines import offline
from audio.errors import EngineUnavailable

NATIVE = {"zf_xiaobei", "zf_xiaoni", "zf_xiaoxiao", "zf_xiaoyi", "zm_yunjian", "zm_yunxi", "zm_yunxia",
          "zm_yunyang"}


@pytest.fixture
def copied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the voice folder that the loader reads instead of the installed one."""
    folder = tmp_path / "voices"
    shutil.copytree(Path(str(kokoro_voices.voice_folder())), folder)
    monkeypatch.setattr(kokoro_voices, "voice_folder", lambda: folder)
    return folder


def test_manifest_pins_kokoro_js_and_every_file_matches() -> None:
    pinned = kokoro_voices.manifest()
    assert pinned["source"] == "npm kokoro-js@1.2.1" and set(pinned["voices"]) == NATIVE
    folder = Path(str(kokoro_voices.voice_folder()))
    for entry in pinned["voices"].values():
        blob = (folder / entry["file"]).read_bytes()
        assert len(blob) == entry["bytes"] == 522_240
        assert hashlib.sha256(blob).hexdigest() == entry["sha256"]
    assert "Apache License" in (folder / "LICENSE").read_text(encoding="utf-8")
    assert kokoro_voices.problems() == []


def test_styles_load_in_the_model_layout() -> None:
    styles = kokoro_voices.load_native_styles()
    assert set(styles) == NATIVE
    for style in styles.values():
        assert style.shape == (510, 1, 256) and style.dtype == np.float32 and np.isfinite(style).all()
    # Distinct voices, not one file copied eight times.
    assert len({hashlib.sha256(s.tobytes()).hexdigest() for s in styles.values()}) == len(NATIVE)


def test_a_corrupt_file_is_named_and_stops_the_engine(copied: Path) -> None:
    data = bytearray((copied / "zf_xiaoxiao.bin").read_bytes())
    data[1000] ^= 0xFF
    (copied / "zf_xiaoxiao.bin").write_bytes(bytes(data))
    with pytest.raises(EngineUnavailable, match=r"zf_xiaoxiao\.bin.*corrupt"):
        kokoro_voices.load_native_styles()
    (problem,) = kokoro_voices.problems()
    assert "zf_xiaoxiao" in problem and "reinstall" in problem
    with pytest.raises(EngineUnavailable, match="zf_xiaoxiao"):
        offline._assemble()  # the model is not built with seven voices and a silent substitute


def test_a_missing_file_or_manifest_is_reported(copied: Path) -> None:
    (copied / "zm_yunxi.bin").unlink()
    assert any("zm_yunxi.bin" in p and "missing" in p for p in kokoro_voices.problems())
    (copied / "manifest.json").unlink()
    with pytest.raises(EngineUnavailable, match="manifest"):
        kokoro_voices.load_native_styles()


def test_the_cache_key_changes_when_a_pinned_style_changes(copied: Path) -> None:
    before = kokoro_voices.styles_sha256()
    pinned = json.loads((copied / "manifest.json").read_text(encoding="utf-8"))
    pinned["voices"]["zm_yunxi"]["sha256"] = "0" * 64
    (copied / "manifest.json").write_text(json.dumps(pinned), encoding="utf-8")
    assert kokoro_voices.styles_sha256() != before
