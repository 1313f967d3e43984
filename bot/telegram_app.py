"""The Telegram transport (python-telegram-bot v22): a thin layer over the engine.

Long polling by default, webhook mode on request. Updates are processed concurrently,
with one lock per conversation so one user's messages are handled in order; engine work
runs in engine worker processes (``python bot.py telegram``: TRIALBOT_WORKERS of them,
bot/engine_workers.py; a conversation always in the same one) or in one worker thread of
this process (TRIALBOT_WORKERS=0, and tests), so the event loop stays free to talk to
Telegram; a typing indicator shows when a turn takes longer than ``TYPING_AFTER``. Replies are HTML (the renderer escapes everything it fills in), split
to fit 4096 characters, with inline keyboards for quick replies. Each Telegram user is
one conversation (``tg:<user id>``); group chats get a polite refusal and nothing is
stored. Logs carry no message text and never the token.

Reliability: an update is confirmed to Telegram only once its turn is committed
(bot/telegram_polling.py), so a crash loses none: Telegram sends it again and a turn
already committed is recognised by its update id. A turn's reply is stored with the turn
(the session store's outbox); a piece Telegram accepted is noted in the delivery log the
instant the answer arrives (bot/delivery_log.py: a crash then does not send it again) and
deleted from the outbox after the reply's last piece (on a thread of its own); Bot API failures are retried with
backoff (bot/telegram_retry.py); a reply still undelivered after that is retried in the
background with a growing pause (at most ``REDELIVER_MAX`` seconds) until the Bot API is
back, and also goes out before the user's next turn, when Telegram redelivers an update, at
start-up and from the maintenance task, which also purges conversations idle past the
retention period (TRIALBOT_RETENTION_DAYS).
Access: a per-user rate limit (TRIALBOT_RATE_LIMIT) and an optional clinician allowlist
(TRIALBOT_CLINICIANS), both in bot/access.py.
"""
from __future__ import annotations

import asyncio
import contextvars
import html
import logging
import re
import secrets
import weakref
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Awaitable, Callable
from urllib.parse import urlparse

from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Update
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    Application, ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters,
)

from bot.access import RateLimiter, clinician_allowlist
from bot.delivery_log import DeliveryLog
from bot.engine import Engine, Reply
from bot.log_privacy import configure_logging  # noqa: F401  (the transport's logging set-up)
from bot import telegram_http
from bot.render import HTML, Renderer
from bot.telegram_polling import Acknowledgements, AcknowledgingProcessor, AcknowledgingUpdater
from bot.sync_job import schedule as schedule_sync
from bot.telegram_retry import CONCURRENT_REQUESTS, RetryingRequests, RetryPolicy, Timeouts
from bot.telegram_turns import Outcome, ThreadTurns, TurnCall, reply_pieces
from bot.texts import LANGUAGES
from data.store import StoreError, db_file

log = logging.getLogger("trialbot.telegram")
TYPING_EVERY = 4.0          # seconds; Telegram shows "typing…" for about five
TYPING_AFTER = 1.0          # seconds: a turn answered sooner shows no "typing…" (one request saved)
MAINTENANCE_EVERY = 3600.0  # seconds between retention purges / redelivery of queued replies
REDELIVER_FIRST = 1.0       # seconds before retrying replies Telegram could not take; doubles
REDELIVER_MAX = 4.0
_TAG = re.compile(r"<[^>]*>")
_SENDING: contextvars.ContextVar[tuple[int, int] | None] = contextvars.ContextVar("trialbot_sending", default=None)


class TokenMissing(RuntimeError):
    """TELEGRAM_BOT_TOKEN is not set."""


def conversation_id(update: Update) -> str:
    return f"tg:{update.effective_user.id}"


class TelegramTransport:
    """Handlers wiring Telegram updates to the engine."""

    def __init__(self, engine: Engine, renderer: Renderer | None = None, *,
                 clinicians: frozenset[int] | None = None, limiter: RateLimiter | None = None,
                 workers: Any = None):
        self.engine = engine
        self.renderer = renderer or Renderer(HTML, engine.texts)
        self.clinicians = clinicians
        self.limiter = limiter or RateLimiter(0)
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        # where turns run: engine worker processes (bot/engine_workers.py), else a thread here
        self.turns = workers if workers is not None else ThreadTurns(engine, self.renderer)
        self._outbox = ThreadPoolExecutor(max_workers=1, thread_name_prefix="trialbot-outbox")
        self.delivery_log = DeliveryLog.beside(db_file(engine.store.db))
        self.typing_after = TYPING_AFTER
        self._maintenance: asyncio.Task | None = None
        self._redelivery: asyncio.Task | None = None
        self.redeliver_first = REDELIVER_FIRST
        self.settled: Callable[[int], None] = lambda update_id: None   # the update's turn is committed

    # --- handlers (each: one update in, the engine's reply out) --------------------------
    async def on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/start: welcome, privacy notice, and where the conversation stands."""
        lang = getattr(update.effective_user, "language_code", None)     # "zh-hans": replies in Chinese
        await self._turn(update, context, "start", (lang,))

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A known slash command (/help, /profile, /results, /trial ID, /forget …)."""
        name = update.effective_message.text.split()[0][1:].split("@")[0].casefold()
        arg = " ".join(context.args or [])
        await self._turn(update, context, "command", (name, arg))

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Free text, an answer typed, or an unknown /command."""
        await self._turn(update, context, "message", (update.effective_message.text,))

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """An inline keyboard button: acknowledge it, mark the choice on the message, answer."""
        query = update.callback_query
        data = query.data or ""

        async def acknowledge() -> None:
            await _quietly(query.answer())
            message = query.message
            if message is not None and getattr(message, "text", None) is not None:
                label = _button_label(message.reply_markup, data)
                text = message.text_html + (f"\n\n✓ {self.renderer.fmt.esc(label)}" if label else "")
                await _quietly(query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=None))

        await self._turn(update, context, "press", (data,), acknowledge)

    async def on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Photos, stickers, voice, documents…: a polite explanation (nothing stored)."""
        chat = update.effective_chat
        if chat is not None and await self._admit(update, context):
            await context.bot.send_message(chat.id, self.renderer.t("non_text", None))

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log what failed without message text (the error's type; for a database fault,
        what is wrong with the database), tell the user briefly."""
        error = context.error
        key = "error"
        if isinstance(error, StoreError):
            log.error("update failed: database %s: %s", error.kind, error)
            key = "store_busy" if error.transient else "error"
        else:
            log.error("update failed: %s", type(error).__name__)
        chat = getattr(update, "effective_chat", None) if isinstance(update, Update) else None
        if chat is not None:
            await _quietly(context.bot.send_message(chat.id, self.renderer.t(key, None)))

    # --- access --------------------------------------------------------------------------
    async def _admit(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
        """The per-user rate limit: False (and, once per stretch, a polite note) when the
        user sends faster than allowed; the update is then neither read nor stored."""
        user = update.effective_user
        if user is None:
            return True
        verdict = self.limiter.check(user.id)
        if verdict == "ok":
            return True
        log.info("rate limit: an update was not processed")
        if update.callback_query is not None:
            await _quietly(update.callback_query.answer())
        chat = update.effective_chat
        if verdict == "refuse_and_tell" and chat is not None:
            await _quietly(context.bot.send_message(chat.id, self.renderer.t("rate_limited", None)))
        return False

    # --- one turn ----------------------------------------------------------------------
    async def _turn(self, update: Update, context: ContextTypes.DEFAULT_TYPE, kind: str, args: tuple[Any, ...],
                    before: Callable[[], Awaitable[None]] | None = None) -> None:
        chat = update.effective_chat
        if chat is None or update.effective_user is None:
            return
        if not await self._admit(update, context):
            return
        if chat.type != ChatType.PRIVATE:
            await context.bot.send_message(chat.id, self.renderer.t("group_chat", None))
            return
        cid = conversation_id(update)
        allowed = self.clinicians is None or update.effective_user.id in self.clinicians
        call = TurnCall(kind, cid, update.update_id, allowed, chat.id, args)
        async with self._lock(cid):            # taken before any await: arrival order
            if before is not None:
                await before()
            async with _typing(context.bot, chat.id, self.typing_after):
                outcome: Outcome = await self.turns.run(call)
            if outcome.direct is not None:      # not stored (after /forget): sent as it is
                for body in outcome.direct:
                    await self._deliver(context.bot, chat.id, body)
                return
            # committed with its reply (or handled before: a redelivery): Telegram may forget it;
            # the conversation's queued pieces go out in order, an earlier undelivered one first
            self.settled(update.update_id)
            if not await self._send_pending(context.bot, cid, outcome.pending):
                self.redeliver_soon(context.bot)

    def _lock(self, cid: str) -> asyncio.Lock:
        lock = self._locks.get(cid)
        if lock is None:
            lock = self._locks[cid] = asyncio.Lock()
        return lock

    async def _in_outbox(self, fn: Callable[..., Any], *args: Any) -> Any:
        """The bot's own database work (start-up recovery, the retention purge, dropping a
        blocked user's pieces, listing who has pieces waiting) on a thread of its own; a
        conversation's pieces are read and deleted by its turn runner (``self.turns``)."""
        return await asyncio.get_running_loop().run_in_executor(self._outbox, fn, *args)

    # --- replies -------------------------------------------------------------------------
    def pieces(self, reply: Reply) -> list[dict[str, Any]]:
        """The reply as HTML messages, each within Telegram's limit (``reply_pieces``)."""
        return reply_pieces(self.renderer, reply)

    async def flush(self, bot: Any, cid: str) -> bool:
        """Deliver a conversation's queued reply pieces in order (the caller holds the
        conversation's lock). False when Telegram could not be reached."""
        return await self._send_pending(bot, cid, await self.turns.pending(cid))

    async def _send_pending(self, bot: Any, cid: str, pieces: list[Any]) -> bool:
        """Deliver queued pieces in order; each is noted in the delivery log the instant
        Telegram's answer arrives (``accepted``) and deleted from the outbox after the
        last. False when Telegram could not be reached (the rest stays queued)."""
        done: list[int] = []
        try:
            for piece in pieces:
                chat_id = piece.chat_id if piece.chat_id is not None else _user_id(cid)
                sending = _SENDING.set(piece.key)
                try:
                    await self._deliver(bot, chat_id, piece.body)
                except Forbidden:              # the user blocked the bot: nobody to deliver to
                    log.info("a user cannot be reached (Forbidden); their queued replies were dropped")
                    await self._in_outbox(self.engine.store.undeliverable, cid)
                    done.clear()
                    return True
                except BadRequest:             # Telegram will never take this piece
                    log.error("a reply piece was refused (BadRequest) and dropped")
                except TelegramError as exc:
                    log.warning("reply not delivered (%s); it stays queued", type(exc).__name__)
                    return False
                finally:
                    _SENDING.reset(sending)
                done.append(piece.id)
            return True
        finally:
            if done:                           # deleted in order with the conversation's turns; not awaited
                self.turns.delivered(cid, done)

    def accepted(self, endpoint: str) -> None:
        """Telegram answered a request (called by ``RetryingRequests`` before the answer is
        parsed): a reply piece being sent is noted as delivered at once."""
        key = _SENDING.get()
        if key is None or endpoint != "sendMessage" or self.delivery_log is None:
            return
        _SENDING.set(None)
        try:
            self.delivery_log.append(key)
        except OSError as exc:                 # the outbox delete after the send still follows
            log.warning("delivery log not written (%s)", type(exc).__name__)

    async def _deliver(self, bot: Any, chat_id: int, body: dict[str, Any]) -> None:
        rows = body.get("keyboard") or []
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data) for label, data in row]
                                       for row in rows]) if rows else None
        try:
            await _send_message(bot, chat_id, body["text"], ParseMode.HTML, markup)
        except BadRequest:
            # never expected (the renderer escapes what it fills in); plain text rather than nothing
            log.error("Telegram refused a reply's HTML (BadRequest); sending it as plain text")
            await _send_message(bot, chat_id, html.unescape(_TAG.sub("", body["text"])) or "…", None, markup)

    # --- maintenance -----------------------------------------------------------------------
    async def maintain(self, bot: Any) -> int:
        """Purge conversations idle past the retention period; deliver queued replies.
        Returns how many conversations were purged."""
        purged = await self._in_outbox(self.engine.store.purge_idle, self.engine.retention_days)
        if purged:
            log.info("retention: %d idle conversation(s) purged", purged)
        if self.delivery_log is not None and self.delivery_log.rotate():
            await self._in_outbox(self.delivery_log.apply_old, self.engine.store.delivered_keys)
        if not await self.flush_all(bot):
            self.redeliver_soon(bot)
        return purged

    async def flush_all(self, bot: Any) -> bool:
        """Deliver every conversation's queued pieces; False when Telegram could not be reached."""
        waiting = sorted({p.conversation_id for p in await self._in_outbox(self.engine.store.pending)})
        for cid in waiting:
            async with self._lock(cid):
                if not await self.flush(bot, cid):
                    return False               # Telegram cannot be reached: try again later
        return True

    def redeliver_soon(self, bot: Any) -> None:
        """Retry undelivered replies in the background, after ``redeliver_first`` seconds and
        then a pause doubling up to ``REDELIVER_MAX``, until all went out: after an outage
        longer than a request's own retries, replies go out within seconds of the Bot API
        coming back, without waiting for the user's next message."""
        if self._redelivery is None or self._redelivery.done():
            self._redelivery = asyncio.create_task(self._redeliver(bot), name="trialbot:redelivery")

    async def _redeliver(self, bot: Any) -> None:
        pause = self.redeliver_first
        while True:
            await asyncio.sleep(pause)
            try:
                if await self.flush_all(bot):
                    return
            except StoreError as exc:
                log.error("redelivery failed: database %s", exc.kind)
            log.info("replies still undelivered; trying again in %.2gs", pause)
            pause = min(REDELIVER_MAX, pause * 2)

    def start_maintenance(self, bot: Any, every: float) -> None:
        """Run ``maintain`` every ``every`` seconds in the background (a plain asyncio task)."""

        async def loop() -> None:
            while True:
                await asyncio.sleep(every)
                try:
                    await self.maintain(bot)
                except Exception as exc:       # keep running; say what failed, never with content
                    log.error("maintenance failed: %s", type(exc).__name__)

        self._maintenance = asyncio.create_task(loop())

    async def stop_maintenance(self) -> None:
        for task in (self._maintenance, self._redelivery):
            if task is not None:
                task.cancel()
                try:
                    await task
                except asyncio.CancelledError:
                    pass
        self._maintenance = self._redelivery = None

    async def start_up(self, bot: Any) -> None:
        """Before anything is sent: pieces the last run noted as accepted leave the outbox
        (bot/delivery_log.py), then the maintenance (replies still queued go out now)."""
        if self.delivery_log is not None:
            applied = await self._in_outbox(self.delivery_log.recover, self.engine.store.delivered_keys)
            if applied:
                log.info("start-up: %d reply piece(s) the last run had sent were taken off the outbox", applied)
        await self.maintain(bot)

    def close(self) -> None:
        """Stop cleanly: the turn runner (its queued deletes done), then the delivery log,
        applied once more and removed (a clean stop leaves no log behind)."""
        self.turns.close()
        self._outbox.shutdown(wait=True)
        if self.delivery_log is not None:
            self.delivery_log.close()
            try:
                self.delivery_log.recover(self.engine.store.delivered_keys)
            except StoreError as exc:          # kept: the next start-up applies it
                log.error("delivery log not applied at exit: database %s", exc.kind)


def _user_id(cid: str) -> int:
    return int(cid.split(":", 1)[1])


def _button_label(markup: Any, data: str) -> str | None:
    for row in getattr(markup, "inline_keyboard", None) or ():
        for button in row:
            if button.callback_data == data:
                return button.text
    return None


async def _send_message(bot: Any, chat_id: int, text: str, parse_mode: str | None, markup: Any) -> None:
    """``bot.send_message`` (python-telegram-bot 22's own request path, with its retries and
    the delivery log's hook) without parsing Telegram's answer into a ``Message``: the
    answer is not needed, and parsing it cost the bot's process about as much as sending."""
    data: dict[str, Any] = {"chat_id": chat_id, "text": text, "link_preview_options": LinkPreviewOptions(is_disabled=True)}
    if parse_mode:
        data["parse_mode"] = parse_mode
    if markup is not None:
        data["reply_markup"] = markup
    await bot._post("sendMessage", data)


async def _quietly(awaitable: Any) -> None:
    """Cosmetic calls (answering a button, editing its message) must not fail a turn."""
    try:
        await awaitable
    except TelegramError as exc:
        log.info("cosmetic call failed: %s", type(exc).__name__)


@asynccontextmanager
async def _typing(bot: Any, chat_id: int, after: float = 0.0) -> AsyncIterator[None]:
    """Show "typing…" while the body runs, from ``after`` seconds on (a quick turn shows
    none: one Bot API request less), renewed every few seconds."""

    async def keep_typing() -> None:
        if after > 0:
            await asyncio.sleep(after)
        while True:
            await _quietly(bot.send_chat_action(chat_id, ChatAction.TYPING))
            await asyncio.sleep(TYPING_EVERY)

    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass


_FROM_SETTINGS: Any = object()


def build_application(engine: Engine, token: str, base_url: str | None = None,
                      builder: ApplicationBuilder | None = None, *,
                      clinicians: frozenset[int] | None = _FROM_SETTINGS,
                      limiter: RateLimiter | None = None,
                      retry: RetryPolicy | None = None,
                      timeouts: Timeouts | None = None,
                      maintenance_every: float | None = MAINTENANCE_EVERY,
                      workers: Any = None) -> Application:
    """The Application with every handler wired; ``base_url`` (TELEGRAM_API_BASE_URL) points
    it at a self-hosted Bot API server or a test server. The clinician allowlist and the
    rate limit come from the settings unless given; ``retry`` and ``timeouts`` tune the
    Bot API requests; ``maintenance_every`` (seconds; None: never) runs the retention purge
    and the redelivery of queued replies in the background; ``workers`` (an
    ``EngineWorkers``, bot/engine_workers.py) runs the turns in worker processes instead of
    a thread of this one (the transport closes them at shutdown)."""
    if not token:
        raise TokenMissing("TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather and export it")
    transport = TelegramTransport(engine, clinicians=clinician_allowlist() if clinicians is _FROM_SETTINGS else clinicians,
                                  limiter=limiter if limiter is not None else RateLimiter.from_settings(),
                                  workers=workers)
    timeouts = timeouts or Timeouts()
    acks = Acknowledgements()
    transport.settled = acks.settle
    builder = (builder or ApplicationBuilder()).token(token).concurrent_updates(AcknowledgingProcessor(acks))
    builder = builder.rate_limiter(RetryingRequests(retry, accepted=transport.accepted))
    fast = telegram_http.request(CONCURRENT_REQUESTS + 2, timeouts.read, timeouts.connect, timeouts.pool)
    if fast is not None:               # every Bot API request over aiohttp (bot/telegram_http.py)
        polls = telegram_http.request(1, timeouts.read, timeouts.connect, timeouts.pool)
        builder = builder.request(fast).get_updates_request(polls)
    else:
        builder = (builder.connection_pool_size(CONCURRENT_REQUESTS + 2)
                   .connect_timeout(timeouts.connect).read_timeout(timeouts.read)
                   .write_timeout(timeouts.write).pool_timeout(timeouts.pool)
                   .get_updates_connect_timeout(timeouts.connect).get_updates_read_timeout(timeouts.read)
                   .get_updates_write_timeout(timeouts.write).get_updates_pool_timeout(timeouts.pool))
    if base_url:
        root = base_url.rstrip("/")
        builder = builder.base_url(root).base_file_url(_file_url(root))

    async def post_init(app: Application) -> None:
        for lang in LANGUAGES:          # the menu in the user's Telegram language (data/bot_texts.yaml)
            worded = [BotCommand(name, about) for name, about in engine.texts.command_texts(lang).items()]
            await _quietly(app.bot.set_my_commands(worded, language_code=lang))
        commands = [BotCommand(name, about) for name, about in engine.texts.commands.items()]
        await _quietly(app.bot.set_my_commands(commands))
        try:
            await transport.start_up(app.bot)   # replies left queued by the last run go out now
        except StoreError as exc:
            log.error("start-up maintenance failed: database %s", exc.kind)
        if maintenance_every:
            transport.start_maintenance(app.bot, maintenance_every)

    async def post_shutdown(app: Application) -> None:
        await transport.stop_maintenance()
        transport.close()

    app = builder.post_init(post_init).post_shutdown(post_shutdown).build()
    app.updater = AcknowledgingUpdater(app.bot, app.update_queue, acks)   # confirms settled updates only
    app.bot_data["transport"] = transport
    app.add_handler(CommandHandler("start", transport.on_start))
    names = [name for name in engine.texts.commands if name != "start"]
    app.add_handler(CommandHandler(names, transport.on_command))
    app.add_handler(CallbackQueryHandler(transport.on_button))
    app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT, transport.on_text))
    app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & ~filters.TEXT, transport.on_other))
    app.add_error_handler(transport.on_error)
    schedule_sync(app, engine.store.db)     # TRIALBOT_SYNC_HOURS: sync in the background (bot/sync_job.py)
    return app


def webhook_options(url: str, listen: str, port: int, secret: str | None = None) -> dict[str, Any]:
    """Arguments for python-telegram-bot's run_webhook / start_webhook: listen on
    ``listen:port`` at the URL's path, register ``url`` with Telegram, and accept only
    requests carrying a fresh secret token (no token in the URL path)."""
    return {"listen": listen, "port": port, "url_path": urlparse(url).path.lstrip("/"), "webhook_url": url,
            "secret_token": secret or secrets.token_urlsafe(32), "allowed_updates": Update.ALL_TYPES}


def _file_url(base_url: str) -> str:
    """http://host:8081/bot -> http://host:8081/file/bot (the Bot API's file path)."""
    head, sep, tail = base_url.rpartition("/")
    return f"{head}/file/{tail}" if sep else base_url
