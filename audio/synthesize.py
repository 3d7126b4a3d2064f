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

With ``on_part``, an uncached item that would not be ready in time spoken whole (the first one,
and later ones when the machine is too slow) is spoken in pieces sized to the measured speed
(``audio.leadin``, ``audio.pace``), and each piece is reported as soon as it exists, so a listener
hears the page begin within about half a second and is not left in silence afterwards.
"""

from __future__ import annotations

import time
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
from audio.leadin import plan_pieces
from audio.model import AudioClip
from audio.model import Speech
from audio.model import SpeechParams
from audio.pace import Pace
from audio.pace import Runway
from audio.pace import pace_for

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
    *,
    runway: Runway | None = None,
    pace: Pace | None = None,
) -> AudioClip:
    """``text``'s clip; on a miss it may be spoken in pieces, each reported as it lands.

    ``on_piece(index, count, clip)``: ``count`` is the pieces known so far, the next one included
    until this one is the last (so the last report carries the true count). The pieces are joined
    into the clip stored under ``text``'s own key, so callers that never asked for pieces find an
    ordinary clip. A text spoken in one piece is not reported: the clip itself follows.
    ``runway`` is the listener's (one per stream); the default is a listener waiting for this text.
    ``pace`` defaults to the engine's process-wide estimate, which every synthesis updates.
    """
    runway = runway if runway is not None else Runway()
    cached = _cached(text, engine, params, cache, extra_key)
    if cached is not None:
        runway.add(cached.duration_ms)
        return cached
    words = engine.words  # None from an engine that cannot cut words: pieces cut anywhere
    clips: list[AudioClip] = []
    done = 0
    pace = pace if pace is not None else pace_for(engine.name)
    for piece in plan_pieces(text, pace=pace, runway=runway, words=words):
        if piece == text:  # ready in time whole: an ordinary clip
            clip = clip_for(text, engine, params, cache, extra_key)
            runway.add(clip.duration_ms)
            return clip
        clips.append(clip_for(piece, engine, params, cache, extra_key))
        runway.add(clips[-1].duration_ms)
        done += len(piece)
        index = len(clips) - 1
        on_piece(index, index + 1 if done == len(text) else index + 2, clips[-1])
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
    started = time.monotonic()
    try:
        speech = engine.synthesize(text, params)
    except AudioError:
        raise
    except Exception as exc:  # an engine bug must surface as our error, not a bare traceback
        raise SynthesisFailed(f"engine {engine.name!r} failed on {text[:30]!r}: {exc}") from exc
    if not isinstance(speech, Speech) or not speech.mp3:
        raise SynthesisFailed(f"engine {engine.name!r} returned no audio for {text[:30]!r}")
    pace_for(engine.name).record(len(text), time.monotonic() - started)
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
    pace: Pace | None = None,
) -> Iterator[tuple[int, AudioClip]]:
    """Yield ``(id, clip)`` in the order of ``items`` as soon as each is ready.

    Up to ``lookahead`` items beyond the one being waited for are queued to ``workers`` threads.
    ``on_part`` (called from a worker thread, before the item is yielded) receives the pieces of any
    item spoken in pieces: the first one when uncached, and a later one that would not be ready in
    time whole. ``pace`` overrides the engine's speed estimate (for tests and benches).
    Closing the generator early cancels the queued work.
    """
    items = list(items)
    runway = Runway()  # one listener, who starts at the first sound of this stream
    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="bobao-tts")
    futures: dict[str, Future[AudioClip]] = {}
    queued = 0
    try:
        for index, (item_id, text) in enumerate(items):
            while queued < len(items) and queued <= index + max(0, lookahead):
                queued_text = items[queued][1]
                if queued_text not in futures:
                    futures[queued_text] = _submit(pool, queued, items, engine, params, cache,
                                                   extra_key, on_part, runway, pace)
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
    runway: Runway,
    pace: Pace | None,
) -> Future[AudioClip]:
    item_id, text = items[index]
    if on_part is not None:
        def on_piece(piece: int, count: int, clip: AudioClip) -> None:
            on_part(item_id, piece, count, clip)

        return pool.submit(clip_in_pieces, text, engine, params, cache, extra_key, on_piece, runway=runway,
                           pace=pace)
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
