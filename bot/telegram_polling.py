"""Long polling that confirms an update to Telegram only once it was handled.

python-telegram-bot's own ``Updater`` confirms a batch of updates (the next ``getUpdates``
``offset``) as soon as it has queued them, before any is handled: a crash then loses every
queued update. Here the offset confirms only what is settled:

* ``Acknowledgements`` keeps the ids fetched but not yet settled (in memory: never any text);
  the offset is the oldest of them (Telegram confirms every update below the offset), or
  one past the newest id seen when none is open. An update is settled when its turn is
  committed (the transport says so: its reply is then in the outbox) or, at the latest,
  when its handling ended, however it ended.
* ``AcknowledgingProcessor`` (the Application's update processor) settles each update
  when its handling ends.
* ``AcknowledgingUpdater`` polls with that offset; an update fetched again while it is
  still open (or settled above the offset) is not handed over twice, nor parsed again: the
  answer is read as JSON and only new updates become ``Update`` objects; with only open
  updates in the answer it polls again after ``BUSY_WAIT``. After a crash Telegram
  redelivers whatever was not confirmed; a turn already committed is recognised by its
  update id (``processed_updates``) and only its undelivered reply goes out.

Polling errors (5xx, refused connections, timeouts) are retried after a pause that doubles
up to ``MAX_PAUSE`` seconds, so polling resumes within seconds of the Bot API coming back;
a 429 waits as long as Telegram asks.
"""
from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import logging
from typing import Any, Awaitable, Sequence

from telegram import Update
from telegram.error import InvalidToken, RetryAfter, TelegramError
from telegram.ext import BaseUpdateProcessor, Updater

from bot.telegram_retry import retry_after_seconds

log = logging.getLogger("trialbot.telegram")
FIRST_PAUSE = 0.25      # seconds before polling again after a failed getUpdates; doubles
MAX_PAUSE = 2.0
BUSY_WAIT = 0.05        # seconds: with only unsettled updates fetched, the pause before the next poll
DRAIN_S = 15.0          # on stop: how long to wait for open updates before the last confirmation
CONCURRENT_UPDATES = 256


class Acknowledgements:
    """Update ids fetched and not yet settled; the ``offset`` that confirms the rest."""

    def __init__(self) -> None:
        self._open: set[int] = set()
        self._seen: set[int] = set()     # at or above the offset: open or settled
        self._next = 0                   # one past the newest id seen
        self.changed = asyncio.Event()

    @property
    def offset(self) -> int:
        return min(self._open) if self._open else self._next

    @property
    def open(self) -> int:
        return len(self._open)

    def admit(self, update_id: int) -> bool:
        """True the first time an update is fetched (handle it), False for a repeat."""
        if update_id < self.offset or update_id in self._seen:
            return False
        self._open.add(update_id)
        self._seen.add(update_id)
        self._next = max(self._next, update_id + 1)
        return True

    def settle(self, update_id: int) -> None:
        """The update needs no redelivery any more (its turn committed, or handling ended)."""
        if update_id in self._open:
            self._open.discard(update_id)
            floor = self.offset
            self._seen = {seen for seen in self._seen if seen >= floor}
            self.changed.set()


class AcknowledgingProcessor(BaseUpdateProcessor):
    """Handles updates concurrently (as ``concurrent_updates(True)``) and settles each
    update once its handling ended."""

    def __init__(self, acks: Acknowledgements, max_concurrent_updates: int = CONCURRENT_UPDATES):
        super().__init__(max_concurrent_updates)
        self.acks = acks

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        try:
            await coroutine
        finally:
            if isinstance(update, Update):
                self.acks.settle(update.update_id)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


class AcknowledgingUpdater(Updater):
    """``Updater`` whose polling confirms only settled updates (see the module doc).
    Webhook mode is the library's own."""

    def __init__(self, bot: Any, update_queue: asyncio.Queue, acks: Acknowledgements):
        super().__init__(bot, update_queue)
        self.acks = acks
        self._poller: asyncio.Task | None = None
        self._confirm: dict[str, Any] = {}

    async def _start_polling(self, poll_interval: float, timeout: Any, bootstrap_retries: int,
                             drop_pending_updates: bool | None, allowed_updates: Sequence[str] | None,
                             ready: asyncio.Event, error_callback: Any) -> None:
        await self._bootstrap(bootstrap_retries, drop_pending_updates=drop_pending_updates,
                              webhook_url="", allowed_updates=None)
        self._confirm = {"allowed_updates": allowed_updates}
        self._poller = asyncio.create_task(self._poll(timeout, allowed_updates, poll_interval),
                                           name="trialbot:polling")
        ready.set()

    async def _poll(self, timeout: Any, allowed_updates: Sequence[str] | None, interval: float) -> None:
        acks, pause = self.acks, FIRST_PAUSE
        while self.running:
            try:
                raw = await self._get_updates(acks.offset, timeout, allowed_updates)
            except RetryAfter as exc:
                await asyncio.sleep(retry_after_seconds(exc))
                continue
            except InvalidToken:
                log.error("polling: Telegram refused the token (InvalidToken)")
                await asyncio.sleep(MAX_PAUSE)
                continue
            except TelegramError as exc:
                log.warning("polling failed (%s); polling again in %.2gs", type(exc).__name__, pause)
                await asyncio.sleep(pause)
                pause = min(MAX_PAUSE, pause * 2)
                continue
            pause = FIRST_PAUSE
            fresh = [data for data in raw if isinstance(data, dict) and acks.admit(int(data.get("update_id", -1)))]
            for data in fresh:             # only the new ones are parsed
                update = Update.de_json(data, self.bot)
                self.bot.insert_callback_data(update)
                await self.update_queue.put(update)
            if raw and not fresh:
                # Telegram answers at once while an update is unconfirmed: rather than fetch
                # the same ones again and again, pause a little before asking for new ones
                await asyncio.sleep(BUSY_WAIT)
            elif interval:
                await asyncio.sleep(interval)

    async def _get_updates(self, offset: int, timeout: Any, allowed_updates: Sequence[str] | None) -> list:
        """``getUpdates`` as Telegram's JSON, unparsed: while updates are being handled
        Telegram sends them again with every answer (up to 100), and parsing those into
        ``Update`` objects each time cost the bot's process more than the turns' replies."""
        seconds = timeout.total_seconds() if isinstance(timeout, dtm.timedelta) else float(timeout or 0)
        read = self.bot._request[0].read_timeout or 0       # as Bot.get_updates: the long poll on top
        kwargs = {"offset": offset, "timeout": seconds, "limit": 100}
        if allowed_updates is not None:
            kwargs["allowed_updates"] = list(allowed_updates)
        # python-telegram-bot 22's own path for getUpdates (Bot.get_updates) minus the parsing
        answer = await self.bot._post("getUpdates", kwargs, read_timeout=read + seconds)
        return answer if isinstance(answer, list) else []

    async def _stop_polling(self) -> None:
        task, self._poller = self._poller, None
        if task is None:
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        # what is being handled still settles (the Application stops after the updater);
        # then one last getUpdates confirms it, so a clean restart is not sent it again
        deadline = asyncio.get_running_loop().time() + DRAIN_S
        while self.acks.open and asyncio.get_running_loop().time() < deadline:
            self.acks.changed.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.acks.changed.wait(), 0.1)
        try:
            await self.bot.get_updates(offset=self.acks.offset, timeout=dtm.timedelta(seconds=0), **self._confirm)
        except TelegramError as exc:
            log.info("the last confirmation of updates failed (%s); they come again at start-up", type(exc).__name__)
