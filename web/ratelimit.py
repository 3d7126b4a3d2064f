"""Being written by the ops engineer; init_app(app) is the hook create_app calls."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Install this module's request hooks on app."""
