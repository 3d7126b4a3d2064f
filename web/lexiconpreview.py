"""The lexicon console's previews: how a text will be read with a draft lexicon, before it is saved.

The admin blueprint's lexicon routes use these; they build a throw-away offline engine from the draft
entries, so a reading (or a syllable the voice cannot say) is heard or refused before any page is.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from flask import current_app

import audio
from web import adminbodies as bodies
from web.errors import InvalidRequest
from web.sitelexicon import LEXICON_ENGINE
from web.sitelexicon import InvalidLexicon
from web.sitelexicon import entry_json
from web.sitelexicon import validate_entries
from web.sitelexicon import write_entries


def check_with_engine(entries: list[audio.LexiconEntry]) -> None:
    """Let the offline voice load the entries before they are saved: a syllable it cannot say
    (``xyz1``) is refused now, instead of failing every page later. The G2P built here is the one
    the saved lexicon uses (one per lexicon version), so the check costs nothing afterwards."""
    if not entries or LEXICON_ENGINE not in current_app.extensions["bobao"].engine_names:
        return
    try:
        engine = draft_engine(audio.get_engine(LEXICON_ENGINE), [entry_json(e) for e in entries])
        engine.phonemes(entries[0].word)
    except audio.EngineUnavailable:
        return  # no offline voice installed: nothing reads the lexicon
    except audio.AudioError as exc:
        raise InvalidLexicon([{"index": None, "word": None, "errors": [" ".join(str(exc).split())]}]) from exc


def draft_engine(engine: audio.Engine, entries: object) -> audio.Engine:
    """The engine as it will read once draft lexicon ``entries`` are saved (None: as it reads now)."""
    if entries is None:
        return engine
    if engine.name != LEXICON_ENGINE:
        raise InvalidRequest(f"only the {LEXICON_ENGINE} engine reads the site lexicon")
    draft = validate_entries(entries)
    folder = Path(current_app.instance_path) / "tmp"
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=folder, suffix=".tsv")
    os.close(fd)
    try:  # the factory reads a lexicon file; it is not needed once the engine is built
        write_entries(Path(name), draft)
        return audio.get_engine(LEXICON_ENGINE, lexicon=name)
    finally:
        Path(name).unlink(missing_ok=True)


def preview_sentence(
    engine: audio.Engine, params: audio.SpeechParams, spoken: str, extra: dict[str, str]
) -> bodies.PreviewSentence:
    lexicon = engine.lexicon
    result: bodies.PreviewSentence = {
        "spoken": spoken,
        "text_engine_spoken": spoken,
        "readings": [],
        "key": audio_key(engine, params, spoken, extra),
    }
    if lexicon is not None:
        result["text_engine_spoken"] = lexicon.apply_text(spoken)
        result["readings"] = [
            {"word": entry.word, "pinyin": " ".join(entry.syllables), "at": start}
            for start, entry in lexicon.matches(spoken)
        ]
    phonemes = engine.phonemes(spoken)
    if phonemes is not None:
        result["phonemes"] = phonemes
    return result


def audio_key(engine: audio.Engine, params: audio.SpeechParams, spoken: str, extra: dict[str, str]) -> str:
    """The clip-cache key narration uses for this spoken sentence: the first one holding a clip, else
    the best (``auto`` looks under several keys)."""
    cache: audio.ClipCache = current_app.extensions["bobao"].cache
    keys = cache.lookup_keys(engine, params, spoken, extra=extra)
    held = [key for key in keys if cache.path_for(key).with_suffix(".json").is_file()]
    return (held or keys)[0]
