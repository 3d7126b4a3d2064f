"""Blueprint "caption": the 大字幕 caption in its other scripts, 拼音 and 繁體.

    GET /api/documents/<id>/caption
    → {"id": …, "sentences": [{"id": 0, "pinyin": ["chóng", "qìng", null, …], "traditional": "重慶…"}]}

``pinyin`` has one entry per character of the sentence's displayed ``text`` (null where there is
no Han character), read with the site lexicon the way the offline voice reads it (``audio.ruby``);
``traditional`` is the text in traditional characters (OpenCC ``s2t``). The player and the widget
fetch it only when a listener turns on 拼音 or 繁體; the answer carries an ETag.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from flask import Blueprint
from flask import current_app
from flask import request
from flask.typing import ResponseReturnValue

import audio
from web.bodies import Caption
from web.bodies import CaptionSentence
from web.bodies import DocumentPath
from web.core.manifest import Manifest
from web.core.services import Services
from web.openapi.operation import operation
from web.openapi.replies import error
from web.openapi.replies import json_reply
from web.openapi.replies import not_modified

bp = Blueprint("caption", __name__, url_prefix="/api")

_converter: Any = None
_converter_lock = threading.Lock()
MADE_MAX = 64
"""Captions kept in memory (oldest out first); a long report's is about 60 KB."""
_made: dict[tuple[str, str], bytes] = {}
_made_lock = threading.Lock()


@bp.get("/documents/<doc_id>/caption")
@operation(
    "The caption in other scripts: pinyin per character (as the voice reads it) and 繁體.",
    path=DocumentPath,
    responses={
        200: json_reply(Caption, "One entry per sentence.", ETag="The caption's version."),
        304: not_modified(),
        404: error("No such document."),
    },
)
def caption(doc_id: str) -> ResponseReturnValue:
    """Pinyin and traditional characters for every sentence of the document."""
    svc: Services = current_app.extensions["bobao"]
    manifest = svc.manifest(doc_id)
    lexicon = svc.site_lexicon() or audio.Lexicon.default()
    # A document's text never changes, so its caption only does with the lexicon: every visitor
    # who turns on 拼音 asks for the same bytes, made once.
    key = (manifest["id"], lexicon.version)
    with _made_lock:
        body = _made.get(key)
    if body is None:
        body = json.dumps(_scripts(manifest, lexicon), ensure_ascii=False).encode("utf-8")
        with _made_lock:
            _made[key] = body
            while len(_made) > MADE_MAX:
                _made.pop(next(iter(_made)))
    response = current_app.response_class(body, mimetype="application/json")
    response.add_etag()
    response.headers["Cache-Control"] = "no-cache"
    return response.make_conditional(request)


def _scripts(manifest: Manifest, lexicon: audio.Lexicon) -> Caption:
    convert = _traditional()
    sentences: list[CaptionSentence] = [
        {"id": s["id"], "pinyin": audio.ruby(s["text"], lexicon), "traditional": convert(s["text"])}
        for section in manifest["sections"]
        for s in section["sentences"]
    ]
    return {"id": manifest["id"], "sentences": sentences}


def _traditional() -> Any:
    """OpenCC's simplified → traditional converter, built once (it loads its dictionaries)."""
    global _converter
    with _converter_lock:
        if _converter is None:
            import opencc

            _converter = opencc.OpenCC("s2t.json").convert
        return _converter
