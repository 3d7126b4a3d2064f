"""web/jsbundle.py: the player and widget scripts assembled from the shared core and each UI's files."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from web import jsbundle

STATIC = Path(jsbundle.STATIC_DIR)
SERVED = ("widget.js", "player.js")


def js_files() -> list[str]:
    return sorted(str(p.relative_to(STATIC)) for p in STATIC.rglob("*.js"))


def test_every_script_is_assembled_or_served_on_its_own() -> None:
    bundled = {path for bundle in jsbundle.BUNDLES.values() for path in bundle.files}
    assert set(js_files()) - bundled == {"console.js"}  # the operator console's own page script
    assert bundled <= set(js_files())


def test_the_core_is_shared_and_each_ui_has_its_own_files() -> None:
    widget, player = (set(jsbundle.BUNDLES[name].files) for name in SERVED)
    assert widget & player == set(jsbundle.CORE_FILES)
    for name in SERVED:  # the core first: the UI files use its names
        files = jsbundle.BUNDLES[name].files
        assert files[: len(jsbundle.CORE_FILES)] == jsbundle.CORE_FILES
        assert len(set(files)) == len(files)
    assert "core/exports.js" not in widget | player  # the test hook never reaches a host page


def test_no_script_is_over_600_lines() -> None:
    lines = {path: len((STATIC / path).read_text(encoding="utf-8").splitlines()) for path in js_files()}
    assert {path: n for path, n in lines.items() if n > 600} == {}


def test_a_bundle_is_one_strict_function_with_every_file_and_the_css_inlined() -> None:
    body = jsbundle.assemble("widget.js").body.decode("utf-8")
    assert body.startswith('(function () {\n"use strict";\n') and body.endswith("})();\n")
    for path in jsbundle.BUNDLES["widget.js"].files:
        assert f"// ---- {path} ----\n" in body
        lines = (STATIC / path).read_text(encoding="utf-8").splitlines()
        assert all(line in body for line in lines if jsbundle.CSS_MARKER not in line)
    assert jsbundle.CSS_MARKER not in body and ".launcher" in body
    assert "__BOBAO_WIDGET_CSS__" not in jsbundle.assemble("player.js").body.decode("utf-8")


def test_a_bundle_is_cached_until_one_of_its_files_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(STATIC, tmp_path / "static")
    monkeypatch.setattr(jsbundle, "STATIC_DIR", tmp_path / "static")
    first = jsbundle.assemble("player.js")
    assert jsbundle.assemble("player.js") is first
    queue = tmp_path / "static" / "core" / "queue.js"
    queue.write_text(queue.read_text(encoding="utf-8") + "// changed\n", encoding="utf-8")
    os.utime(queue, ns=(queue.stat().st_atime_ns, queue.stat().st_mtime_ns + 1_000_000_000))
    second = jsbundle.assemble("player.js")
    assert b"// changed\n" in second.body and second.etag != first.etag


def test_an_unknown_bundle_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        jsbundle.assemble("nope.js")


@pytest.mark.skipif(shutil.which("node") is None, reason="no node to parse the bundles")
@pytest.mark.parametrize("name", sorted(jsbundle.BUNDLES))
def test_each_bundle_parses(name: str, tmp_path: Path) -> None:
    script = tmp_path / name
    script.write_bytes(jsbundle.assemble(name).body)
    result = subprocess.run(["node", "--check", str(script)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
