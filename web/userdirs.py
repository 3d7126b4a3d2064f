"""Where the ``bobao`` command keeps its files when no folder is configured: the user's folders.

Documents, the site lexicon and ``config.py`` are data (the instance folder); sentence clips are a
cache that can be rebuilt. Both live in the platform's per-user folders, never inside the
virtualenv (where Flask would put an installed package's instance folder) or the working copy:

==========  ======================================  ====================================
platform    data (instance folder)                  cache (audio clips)
==========  ======================================  ====================================
Linux, BSD  ``$XDG_DATA_HOME/bobao``                ``$XDG_CACHE_HOME/bobao``
            (default ``~/.local/share/bobao``)      (default ``~/.cache/bobao``)
macOS       ``~/Library/Application Support/bobao``  ``~/Library/Caches/bobao``
Windows     ``%LOCALAPPDATA%\\bobao``                ``%LOCALAPPDATA%\\bobao\\Cache``
==========  ======================================  ====================================

Only the standard library, so that ``bobao --help`` stays fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

APP = "bobao"


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    """The per-user folder for Bobao's documents, lexicon and configuration."""
    env = os.environ if env is None else env
    if sys.platform == "win32":
        return _local_app_data(env) / APP
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP
    return _xdg(env, "XDG_DATA_HOME", Path(".local") / "share") / APP


def cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """The per-user folder for Bobao's rebuildable cache."""
    env = os.environ if env is None else env
    if sys.platform == "win32":
        return _local_app_data(env) / APP / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / APP
    return _xdg(env, "XDG_CACHE_HOME", Path(".cache")) / APP


def _xdg(env: Mapping[str, str], name: str, fallback: Path) -> Path:
    # The XDG spec: a relative path in these variables is invalid and must be ignored.
    value = env.get(name, "")
    return Path(value) if os.path.isabs(value) else _home(env) / fallback


def _home(env: Mapping[str, str]) -> Path:
    return Path(env["HOME"]) if env.get("HOME") else Path.home()


def _local_app_data(env: Mapping[str, str]) -> Path:
    value = env.get("LOCALAPPDATA", "")
    return Path(value) if value else Path.home() / "AppData" / "Local"
