"""``audio.write_atomic``: the one atomic write (clips, page MP3s, manifests, lexicons, reports)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from audio import write_atomic


def test_writes_bytes_and_parts_and_replaces_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "page.mp3"
    write_atomic(target, b"old")
    write_atomic(target, [b"ab", b"", b"cd"])
    assert target.read_bytes() == b"abcd"
    assert [p.name for p in target.parent.iterdir()] == ["page.mp3"]


def test_mode_is_private_unless_asked(tmp_path: Path) -> None:
    write_atomic(tmp_path / "manifest.json", b"{}")
    write_atomic(tmp_path / "clip.mp3", b"x", mode=0o644)
    assert stat.S_IMODE((tmp_path / "manifest.json").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "clip.mp3").stat().st_mode) == 0o644


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "manifest.json"
    write_atomic(target, b"old")

    def parts():
        yield b"half"
        raise RuntimeError("writer died")

    with pytest.raises(RuntimeError):
        write_atomic(target, parts())
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]
