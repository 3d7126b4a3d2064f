"""Being written by the ops engineer; create_app registers bp."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("health", __name__)
