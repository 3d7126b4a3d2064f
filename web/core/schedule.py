"""Demand scheduling: which sentence of which document is synthesized next.

The unit of work is a sentence; documents take turns. Every document with work left holds one
*token* in one of three lanes, most urgent first:

* ``NOW``: a listener is waiting for a sentence that has no clip yet (the page was just opened, or
  the listener sought or jumped to it);
* ``AHEAD``: someone listens to the document and the next sentences are synthesized ahead of them;
* ``BACKGROUND``: nobody listens (``bobao build``, the demo, a page left unwatched) and whole-page
  MP3 assembly.

A worker takes the most urgent token, synthesizes one sentence and then keeps the document only
while no token of the same or a more urgent lane waits; otherwise it puts the document back at the
end of its lane. So a waiting listener gets a worker within one sentence's synthesis time, and
documents in one lane share the workers round-robin, one sentence each.

A listener's position (the *demand cursor*) is recorded whenever the player or the widget polls a
manifest with ``?at=<sentence id>``; it expires after ``LISTEN_S`` without a poll. Within a document
work starts at the cursor and runs forward, then wraps round to the sentences before it.

This module is pure: the job backends (``web.core.jobs``, ``web.core.tasks``) hold tokens and cursors, and
``web.core.services`` asks these functions what to do.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from collections.abc import Sequence

LISTEN_S = 30
"""How long a recorded listener position counts without a new poll (players poll every second or so)."""


class Lane(enum.IntEnum):
    """How urgent a document's next piece of work is; lower is more urgent."""

    NOW = 0
    AHEAD = 1
    BACKGROUND = 2


ShouldYield = Callable[[Lane], bool]
"""Asked by a running job after each sentence: does work of this lane or a more urgent one wait?"""


def work_order(pending: Sequence[int], cursor: int | None) -> list[int]:
    """Sentence ids still to synthesize, in the order to do them.

    ``pending`` is in reading order. With a cursor, the sentences from it onward come first, then
    the ones before it (a listener who jumped ahead may come back); without one, reading order.
    """
    if cursor is None:
        return list(pending)
    after = [sid for sid in pending if sid >= cursor]
    before = [sid for sid in pending if sid < cursor]
    return after + before


def lane_for(items: Sequence[int], pending: Sequence[int], cursor: int | None) -> Lane:
    """The lane of a document whose spoken sentences are ``items``, ``pending`` of them without a clip.

    With a live cursor the listener waits (``NOW``) when the sentence they are at, the first spoken
    one at or after the cursor, has no clip; otherwise the work is lookahead (``AHEAD``). Without a
    listener, or with only assembly left, it is background work.
    """
    if cursor is None or not pending:
        return Lane.BACKGROUND
    at = next((sid for sid in items if sid >= cursor), None)
    return Lane.NOW if at is not None and at in set(pending) else Lane.AHEAD
