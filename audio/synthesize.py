"""Texts to clips: from the cache when possible, from the engine otherwise, in document order.

``iter_synthesize`` streams: a small thread pool works a few items ahead of the consumer, and
because the pool takes jobs first-in first-out, item 0 is always the first one ready. Identical
texts (a repeated heading, a refrain) are spoken once.

Clips are stored under the key of the engine and voice that actually spoke (``ClipCache.store_key``),
never under the requested engine's key: a fallback voice must not be served as the real one. For a
composite engine (``auto``) that is a member's own key, and ``ClipCache.lookup_keys`` asks the engine
which members to look under (``lookup_order``): the edge voice always, the offline fallback only while
edge is known to be down. So a rerun during an outage is all hits, and once edge answers again the
edge key misses and the page is re-spoken in the edge voice.

With ``on_part``, an uncached first item is spoken in growing pieces (``audio.leadin``) and each
piece is reported as soon as it exists, so a listener hears the page begin within about a second.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from concurrent.futures import Future
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from audio.cache import ClipCache
from audio.engines import Engine
from audio.errors import AudioError
from audio.errors import SynthesisFailed
from audio.leadin import join_speech
from audio.leadin import lead_pieces
from audio.model import AudioClip
from audio.model import Speech
from audio.model import SpeechParams

OnClip = Callable[[int, AudioClip], None]
OnPart = Callable[[int, int, int, AudioClip], None]
"""``(item id, piece index, piece count, clip)``: one piece of the first item, ready to play."""


def clip_for(
    text: str,
    engine: Engine,
    params: SpeechParams,
    cache: ClipCache,
    extra_key: Mapping[str, str] | None = None,
) -> AudioClip:
    """One text's clip: a cache hit, or synthesized and stored."""
    cached = _cached(text, engine, params, cache, extra_key)
    if cached is not None:
        return cached
    speech = _speak(engine, text, params)
    return cache.put(cache.store_key(engine, params, text, speech, extra=extra_key), speech)


def clip_in_pieces(
    text: str,
    engine: Engine,
    params: SpeechParams,
    cache: ClipCache,
    extra_key: Mapping[str, str] | None,
    on_piece: Callable[[int, int, AudioClip], None],
) -> AudioClip:
    """``text``'s clip; on a miss it is spoken in growing pieces, each reported as it lands.

    The pieces are joined into the clip stored under ``text``'s own key, so callers that never asked
    for pieces find an ordinary clip. A single piece is not reported: the clip itself follows.
    """
    cached = _cached(text, engine, params, cache, extra_key)
    if cached is not None:
        return cached
    pieces = lead_pieces(text, words=engine.words)
    if len(pieces) < 2:
        return clip_for(text, engine, params, cache, extra_key)
    clips: list[AudioClip] = []
    for index, piece in enumerate(pieces):
        clips.append(clip_for(piece, engine, params, cache, extra_key))
        on_piece(index, len(pieces), clips[-1])
    try:
        speech = join_speech(clips)
    except SynthesisFailed:  # the voice changed between pieces (a fallback): speak it whole
        return clip_for(text, engine, params, cache, extra_key)
    return cache.put(cache.store_key(engine, params, text, speech, extra=extra_key), speech)


def _cached(
    text: str, engine: Engine, params: SpeechParams, cache: ClipCache, extra_key: Mapping[str, str] | None
) -> AudioClip | None:
    for key in cache.lookup_keys(engine, params, text, extra=extra_key):
        cached = cache.get(key)
        if cached is not None:
            return cached
    return None


def _speak(engine: Engine, text: str, params: SpeechParams) -> Speech:
    try:
        speech = engine.synthesize(text, params)
    except AudioError:
        raise
    except Exception as exc:  # an engine bug must surface as our error, not a bare traceback
        raise SynthesisFailed(f"engine {engine.name!r} failed on {text[:30]!r}: {exc}") from exc
    if not isinstance(speech, Speech) or not speech.mp3:
        raise SynthesisFailed(f"engine {engine.name!r} returned no audio for {text[:30]!r}")
    return replace(speech, engine=speech.engine or engine.name, voice=speech.voice or params.voice)


def iter_synthesize(
    items: Sequence[tuple[int, str]],
    engine: Engine,
    params: SpeechParams,
    cache: ClipCache,
    *,
    extra_key: Mapping[str, str] | None = None,
    on_clip: OnClip | None = None,
    on_part: OnPart | None = None,
    workers: int = 1,
    lookahead: int = 4,
) -> Iterator[tuple[int, AudioClip]]:
    """Yield ``(id, clip)`` in the order of ``items`` as soon as each is ready.

    Up to ``lookahead`` items beyond the one being waited for are queued to ``workers`` threads.
    ``on_part`` (called from a worker thread, before item 0 is yielded) receives the pieces of an
    uncached first item. Closing the generator early cancels the queued work.
    """
    items = list(items)
    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="bobao-tts")
    futures: dict[str, Future[AudioClip]] = {}
    queued = 0
    try:
        for index, (item_id, text) in enumerate(items):
            while queued < len(items) and queued <= index + max(0, lookahead):
                queued_text = items[queued][1]
                if queued_text not in futures:
                    futures[queued_text] = _submit(pool, queued, items, engine, params, cache,
                                                   extra_key, on_part)
                queued += 1
            clip = futures[text].result()
            if on_clip is not None:
                on_clip(item_id, clip)
            yield item_id, clip
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _submit(
    pool: ThreadPoolExecutor,
    index: int,
    items: Sequence[tuple[int, str]],
    engine: Engine,
    params: SpeechParams,
    cache: ClipCache,
    extra_key: Mapping[str, str] | None,
    on_part: OnPart | None,
) -> Future[AudioClip]:
    item_id, text = items[index]
    if index == 0 and on_part is not None:
        def on_piece(piece: int, count: int, clip: AudioClip) -> None:
            on_part(item_id, piece, count, clip)

        return pool.submit(clip_in_pieces, text, engine, params, cache, extra_key, on_piece)
    return pool.submit(clip_for, text, engine, params, cache, extra_key)


def synthesize(
    items: Sequence[tuple[int, str]],
    engine: Engine,
    params: SpeechParams,
    cache: ClipCache,
    *,
    extra_key: Mapping[str, str] | None = None,
    on_clip: OnClip | None = None,
    workers: int = 1,
) -> list[AudioClip]:
    """Clips for all ``items``, in their order (see ``iter_synthesize``)."""
    stream = iter_synthesize(
        items, engine, params, cache, extra_key=extra_key, on_clip=on_clip, workers=workers
    )
    return [clip for _, clip in stream]
