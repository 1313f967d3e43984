"""One Telegram turn as the engine runs it, wherever it runs: in a thread of the bot's
process (``ThreadTurns``) or in an engine worker process (``bot/engine_workers.py``).

A turn is described by a ``TurnCall`` (plain data: it crosses to a worker process over a
pipe, and is never stored or logged); ``run_turn`` runs it on an engine and returns an
``Outcome``: the conversation's reply pieces still to deliver, in order (the turn's own
reply was committed with the turn into the outbox, after any earlier piece still waiting),
or, for a reply that is not stored (after /forget), the pieces to send as they are.
"""
from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from bot.engine import Channel, Engine, Reply
from bot.render import Renderer, split_message
from bot.session_store import Pending

log = logging.getLogger("trialbot.telegram")

@dataclass(frozen=True)
class TurnCall:
    """What a Telegram update asks of the engine. ``kind``: start (args: language code),
    command (name, argument), message (text) or press (button data)."""

    kind: str
    cid: str
    update_id: int
    clinician_ok: bool
    chat_id: int
    args: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Outcome:
    pending: list[Pending]                     # the conversation's undelivered pieces, oldest first
    direct: list[dict[str, Any]] | None = None  # a reply not stored (after /forget): sent as it is


def reply_pieces(renderer: Renderer, reply: Reply) -> list[dict[str, Any]]:
    """The reply as HTML messages, each within Telegram's limit; the keyboard goes with the
    last piece. JSON-able: the outbox stores them until delivered."""
    texts = [piece for message in renderer.render(reply) for piece in split_message(message)]
    rows = [[[label, data] for label, data in row] for row in renderer.keyboard(reply)]
    return [{"text": text, "keyboard": rows if n == len(texts) - 1 and rows else None}
            for n, text in enumerate(texts)]


def run_turn(engine: Engine, renderer: Renderer, call: TurnCall) -> Outcome:
    """Run one turn (committed with its reply in the outbox) and read what is to deliver."""
    channel = Channel(clinician_ok=call.clinician_ok, outbox=lambda reply: reply_pieces(renderer, reply),
                      chat_id=call.chat_id)
    options = {"update_id": call.update_id, "channel": channel}
    if call.kind == "start":
        reply = engine.start(call.cid, lang=call.args[0], **options)
    elif call.kind == "command":
        reply = engine.command(call.cid, call.args[0], call.args[1], **options)
    elif call.kind == "press":
        reply = engine.press(call.cid, call.args[0], **options)
    else:
        reply = engine.message(call.cid, call.args[0], **options)
    if reply is not None and not reply.queued:     # not stored (after /forget): sent as it is
        return Outcome([], reply_pieces(renderer, reply))
    return Outcome(engine.store.pending(call.cid))  # None: handled before (a redelivery)


class ThreadTurns:
    """Turns in one worker thread of the bot's process (the event loop stays free to talk
    to Telegram): the engine's own process, as tests and ``TRIALBOT_WORKERS=0`` run it.

    The runner interface (``EngineWorkers`` has the same): ``run`` a turn; ``pending``
    reads a conversation's undelivered pieces and ``delivered`` deletes delivered ones,
    both in order with that conversation's turns (one thread here, the conversation's
    worker there), so a read never sees a piece whose delete was asked for before it.
    ``delivered`` does not wait: the piece is already in the delivery log."""

    def __init__(self, engine: Engine, renderer: Renderer):
        self.engine, self.renderer = engine, renderer
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="trialbot-engine")

    async def run(self, call: TurnCall) -> Outcome:
        return await asyncio.get_running_loop().run_in_executor(self._thread, run_turn, self.engine, self.renderer, call)

    async def pending(self, cid: str) -> list[Pending]:
        return await asyncio.get_running_loop().run_in_executor(self._thread, self.engine.store.pending, cid)

    def delivered(self, cid: str, piece_ids: list[int]) -> None:
        future = asyncio.get_running_loop().run_in_executor(self._thread, self.engine.store.delivered_all, piece_ids)
        future.add_done_callback(_failed_delete)

    def close(self) -> None:
        self._thread.shutdown(wait=True)


def _failed_delete(future: Any) -> None:
    if not future.cancelled() and future.exception() is not None:
        log.error("delivered pieces not deleted from the outbox (%s); the delivery log keeps them",
                  type(future.exception()).__name__)
