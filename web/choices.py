"""Which engines and voices a client may pick: the operator's allow-list, not the client's wish.

The README promises that no page text leaves the server unless the operator chose the online
voice, so a request naming ``"engine": "edge"`` on an offline install must be refused before any
engine is built. ``CLIENT_ENGINES`` lists what a request may name; unset, that is the default
engine (``TTS_ENGINE``), the engines the operator registered in ``EXTRA_ENGINES`` and the site's
own speech server (``speech-api``) once ``SPEECH_API_URL`` is set.
``CLIENT_VOICES``, when set, narrows the voices the same way (the engine's default voice is always
allowed, since a request that names none gets it anyway).
"""

from __future__ import annotations

from collections.abc import Collection
from collections.abc import Mapping
from typing import Any

from web.config import configured_engines
from web.errors import NotAllowed


def allowed_engines(config: Mapping[str, Any]) -> set[str]:
    """The engine names a request may name."""
    listed = _names(config.get("CLIENT_ENGINES"))
    if listed:
        return listed | {str(config["TTS_ENGINE"])}
    return {str(config["TTS_ENGINE"]), *configured_engines(config)}


# Engines that send the text to a speech service off this server: Microsoft's (edge, and auto, which
# tries it first) or the site's own speech server (speech-api, which may run on another machine).
_MICROSOFT = "在线语音服务（微软）"
_OUTSIDE = {"edge": _MICROSOFT, "auto": _MICROSOFT, "speech-api": "本站指定的语音服务器"}


def text_recipients(config: Mapping[str, Any]) -> list[str]:
    """Who else receives page text when a listener picks an offered engine (empty: nobody)."""
    return sorted({_OUTSIDE[name] for name in allowed_engines(config) if name in _OUTSIDE})


def check_engine(config: Mapping[str, Any], name: str | None, known: Collection[str]) -> None:
    """Refuse (NotAllowed) a known engine the operator did not open to clients; unknown ones pass on."""
    allowed = allowed_engines(config)
    if name and name in known and name not in allowed:
        raise NotAllowed(f"engine {name!r} is not offered here; choose one of {', '.join(sorted(allowed))}")


def check_voice(config: Mapping[str, Any], voice: str | None) -> None:
    """Refuse a voice outside ``CLIENT_VOICES`` when the operator set that list."""
    if voice and not voice_allowed(config, voice):
        raise NotAllowed(f"voice {voice!r} is not offered here")


def voice_allowed(config: Mapping[str, Any], voice: str) -> bool:
    """True when no ``CLIENT_VOICES`` list is set, or ``voice`` is on it (or is ``TTS_VOICE``)."""
    listed = _names(config.get("CLIENT_VOICES"))
    return not listed or voice in listed or voice == config.get("TTS_VOICE")


def _names(value: object) -> set[str]:
    """A config list, or a comma/space separated string from the environment, as a set of names."""
    if isinstance(value, str):
        return {item for item in value.replace(",", " ").split() if item}
    if isinstance(value, list | tuple | set | frozenset):
        return {str(item).strip() for item in value if str(item).strip()}
    return set()
