"""Listener reports: "报告读音错误" marks one sentence of a document for the operator's review.

``POST /api/reports`` with ``{"document": <id>, "sentence": <id>}`` stores what the operator needs
to judge the reading — the sentence's text, its spoken form and its clip — looked up from the
manifest, never taken from the request. Nothing about the listener is kept: no address, no agent,
no cookie, and only the day. Reports of one sentence are merged into one with a count. Each client
may send ``REPORT_RATE`` reports (default 20 an hour; the bucket lives in memory only).

The file is ``<instance>/reports.json``, rewritten atomically under a file lock, so that several
server processes share it and a crash leaves the old or the new list, never half of one.
"""

from __future__ import annotations

import fcntl
import json
import math
import threading
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC
from datetime import datetime
from pathlib import Path
from typing import Any
from typing import TypeVar
from typing import cast

from flask import Blueprint
from flask import current_app
from flask import jsonify
from flask import request
from flask.typing import ResponseReturnValue

from audio import write_atomic
from web.adminbodies import Report
from web.bodies import ReportReceipt
from web.bodies import ReportRequest
from web.core.documents import is_doc_id
from web.errors import DocumentNotFound
from web.errors import InvalidRequest
from web.openapi.operation import operation
from web.openapi.replies import error
from web.openapi.replies import json_reply
from web.ratelimit import Rate
from web.ratelimit import RateLimited
from web.ratelimit import TokenBucketLimiter
from web.ratelimit import client_key

bp = Blueprint("reports", __name__)

MAX_REPORTS = 1000  # open reports kept; the oldest go first (a flood cannot fill the disk)
DEFAULT_REPORT_RATE = "20/hour"
_LIMITER = "bobao.report_limit"
_lock = threading.Lock()


T = TypeVar("T")

class ReportStore:
    """Open reports in one JSON file, merged per (document, sentence)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def all(self) -> list[Report]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as exc:
            raise InvalidRequest(f"the report file {self.path.name} is unreadable: {exc}") from exc
        return cast(list[Report], data) if isinstance(data, list) else []  # our own file, as written

    def add(self, document: dict[str, Any], sentence: dict[str, Any]) -> Report:
        """Store or count up the report of ``sentence`` in ``document`` (a manifest)."""
        report_id = f"{document['id']}-{sentence['id']}"

        def change(reports: list[Report]) -> Report:
            found = next((r for r in reports if r["id"] == report_id), None)
            if found is None:
                found = {"id": report_id, "document": document["id"], "title": document.get("title"),
                         "sentence": sentence["id"], "text": sentence["text"], "spoken": sentence["spoken"],
                         "clip": sentence.get("clip"), "count": 0,
                         "first_day": datetime.now(UTC).date().isoformat()}
                reports.append(found)
                del reports[:-MAX_REPORTS]
            found["count"] += 1
            return found

        return self._update(change)

    def remove(self, report_id: str) -> bool:
        def change(reports: list[Report]) -> bool:
            kept = [r for r in reports if r["id"] != report_id]
            removed = len(kept) != len(reports)
            reports[:] = kept
            return removed

        return self._update(change)

    def _update(self, change: Callable[[list[Report]], T]) -> T:
        with self._locked():
            reports = self.all()
            result = change(reports)
            data = json.dumps(reports, ensure_ascii=False, indent=1).encode("utf-8")
            write_atomic(self.path, data)
            return result

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _lock, open(self.path.with_suffix(".lock"), "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # other server processes share the file
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def report_store() -> ReportStore:
    return ReportStore(Path(current_app.instance_path) / "reports.json")


@bp.record_once
def _limiter(state: Any) -> None:
    setting = str(state.app.config.get("REPORT_RATE", DEFAULT_REPORT_RATE) or "").strip()
    if setting.lower() not in ("", "off", "none", "0"):
        state.app.extensions[_LIMITER] = TokenBucketLimiter(Rate.parse(setting))


@bp.post("/api/reports")
@operation(
    "报告读音错误: mark a sentence for review (rate-limited, anonymous).",
    body=ReportRequest,
    responses={
        201: json_reply(ReportReceipt, "What was stored (nothing about the sender)."),
        400: error("Bad body."),
        404: error("No such document or sentence."),
        429: error("Too many reports from this client (REPORT_RATE).", Retry_After="Seconds to wait."),
    },
)
def report() -> ResponseReturnValue:
    """Mark a sentence as misread; answers 201 with what was stored (nothing about the sender)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidRequest('send {"document": "<id>", "sentence": <number>}')
    doc_id, sentence_id = body.get("document"), body.get("sentence")
    if not isinstance(doc_id, str) or not is_doc_id(doc_id):
        raise InvalidRequest("document must be a document id")
    if isinstance(sentence_id, bool) or not isinstance(sentence_id, int):
        raise InvalidRequest("sentence must be a sentence id (a whole number)")
    limiter: TokenBucketLimiter | None = current_app.extensions.get(_LIMITER)
    if limiter is not None:
        wait_s = limiter.take(client_key(request.remote_addr))
        if wait_s > 0:
            raise RateLimited(max(1, math.ceil(wait_s)))
    manifest = current_app.extensions["bobao"].store.load(doc_id)
    sentences = [s for section in manifest["sections"] for s in section["sentences"]]
    sentence = next((s for s in sentences if s["id"] == sentence_id), None)
    if sentence is None:
        raise DocumentNotFound(f"{doc_id} has no sentence {sentence_id}")
    stored = report_store().add(manifest, sentence)
    receipt: ReportReceipt = {"id": stored["id"], "count": stored["count"],
                              "message": "已收到，谢谢您的反馈。"}
    return jsonify(receipt), 201
