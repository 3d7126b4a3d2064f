"""Blueprint "console": ``/admin``, the operator console (读音管理, cache, documents, reports).

The page is a static shell; everything it shows comes from the admin API (``web.admin``) with the
token the operator types in, kept in the tab's sessionStorage only. So the page itself holds no
data and needs no session: without the right token it shows nothing but the token form.
"""

from __future__ import annotations

from flask import Blueprint
from flask import current_app
from flask import render_template

from web.openapi.operation import operation
from web.openapi.replies import html

bp = Blueprint("console", __name__)


@bp.get("/admin")
@operation("The operator console (its data needs the admin token).",
           responses={200: html("The console page.")})
def console() -> str:
    return render_template("console.html", enabled=bool(current_app.config.get("ADMIN_TOKEN")))
