"""Polyphone (多音字) disambiguation for the Mandarin G2P: our word data plus context rules.

The offline voice and the 拼音 caption both read through ``MandarinG2P``, which asks this package
for every polyphonic character that the site lexicon does not pin, so they always agree.

    Disambiguator().resolve([Token("说", "v"), Token("得", "ud"), Token("好", "a")],
                            [["shuo1"], ["de2"], ["hao3"]], [[None], [None], [None]])
    == [["shuo1"], ["de5"], ["hao3"]]
"""

from __future__ import annotations

import hashlib
import importlib.resources
import threading

from audio.polyphone.data import RESOURCE
from audio.polyphone.data import PolyphoneData
from audio.polyphone.disambiguate import Disambiguator
from audio.polyphone.disambiguate import context_token
from audio.polyphone.rules import RULES_VERSION
from audio.polyphone.rules import Token

__all__ = [
    "Disambiguator", "PolyphoneData", "Token", "context_token", "polyphone_version", "shared_disambiguator",
]

_shared: Disambiguator | None = None
_lock = threading.Lock()


def shared_disambiguator() -> Disambiguator:
    """The disambiguator over the shipped data, loaded once per process."""
    global _shared
    with _lock:
        if _shared is None:
            _shared = Disambiguator(PolyphoneData.default())
        return _shared


def polyphone_version() -> str:
    """Changes with the shipped word data or the rules, without parsing the data (cheap at import)."""
    data = (importlib.resources.files("audio") / "data" / RESOURCE).read_bytes()
    return f"{RULES_VERSION}.{hashlib.sha256(data).hexdigest()[:8]}"
