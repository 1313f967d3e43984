"""The Telegram transport (python-telegram-bot v22): a thin layer over the engine.

Long polling by default, webhook mode on request. Updates are processed concurrently,
with one lock per conversation so one user's messages are handled in order; engine work
runs in one worker thread (the event loop stays free to talk to Telegram) while a typing
indicator shows. Replies are HTML (the renderer escapes everything it fills in), split
to fit 4096 characters, with inline keyboards for quick replies. Each Telegram user is
one conversation (``tg:<user id>``); group chats get a polite refusal and nothing is
stored. Logs carry no message text and never the token.
"""
from __future__ import annotations

import asyncio
import logging
import secrets
import weakref
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Awaitable, Callable
from urllib.parse import urlparse

from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Update
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application, ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters,
)

from bot.engine import Engine, Reply
from bot.render import HTML, Renderer, split_message

log = logging.getLogger("trialbot.telegram")
TYPING_EVERY = 4.0   # seconds; Telegram shows "typing…" for about five


class TokenMissing(RuntimeError):
    """TELEGRAM_BOT_TOKEN is not set."""


def conversation_id(update: Update) -> str:
    return f"tg:{update.effective_user.id}"


class TelegramTransport:
    """Handlers wiring Telegram updates to the engine."""

    def __init__(self, engine: Engine, renderer: Renderer | None = None):
        self.engine = engine
        self.renderer = renderer or Renderer(HTML, engine.texts)
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="trialbot-engine")

    # --- handlers (each: one update in, the engine's reply out) --------------------------
    async def on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/start: welcome, privacy notice, and where the conversation stands."""
        await self._turn(update, context, lambda cid, uid: self.engine.start(cid, update_id=uid))

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A known slash command (/help, /profile, /results, /trial ID, /forget …)."""
        name = update.effective_message.text.split()[0][1:].split("@")[0].casefold()
        arg = " ".join(context.args or [])
        await self._turn(update, context, lambda cid, uid: self.engine.command(cid, name, arg, update_id=uid))

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Free text, an answer typed, or an unknown /command."""
        text = update.effective_message.text
        await self._turn(update, context, lambda cid, uid: self.engine.message(cid, text, update_id=uid))

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

        await self._turn(update, context, lambda cid, uid: self.engine.press(cid, data, update_id=uid), acknowledge)

    async def on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Photos, stickers, voice, documents…: a polite explanation (nothing stored)."""
        chat = update.effective_chat
        if chat is not None:
            await context.bot.send_message(chat.id, self.renderer.t("non_text", None))

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the error's type only (never message text), tell the user briefly."""
        log.error("update failed: %s", type(context.error).__name__)
        chat = getattr(update, "effective_chat", None) if isinstance(update, Update) else None
        if chat is not None:
            await _quietly(context.bot.send_message(chat.id, self.renderer.t("error", None)))

    # --- one turn ----------------------------------------------------------------------
    async def _turn(self, update: Update, context: ContextTypes.DEFAULT_TYPE,
                    call: Callable[[str, int], Reply | None],
                    before: Callable[[], Awaitable[None]] | None = None) -> None:
        chat = update.effective_chat
        if chat is None or update.effective_user is None:
            return
        if chat.type != ChatType.PRIVATE:
            await context.bot.send_message(chat.id, self.renderer.t("group_chat", None))
            return
        cid = conversation_id(update)
        lock = self._locks.get(cid)
        if lock is None:
            lock = self._locks[cid] = asyncio.Lock()
        async with lock:                       # taken before any await: arrival order
            if before is not None:
                await before()
            async with _typing(context.bot, chat.id):
                loop = asyncio.get_running_loop()
                reply = await loop.run_in_executor(self._worker, call, cid, update.update_id)
            if reply is not None:              # None: this update was handled before a restart
                await self.send(context.bot, chat.id, reply)

    async def send(self, bot: Any, chat_id: int, reply: Reply) -> None:
        """The reply as HTML messages, each within Telegram's limit; the keyboard goes
        with the last piece."""
        pieces = [piece for message in self.renderer.render(reply) for piece in split_message(message)]
        rows = self.renderer.keyboard(reply)
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data) for label, data in row]
                                       for row in rows]) if rows else None
        for n, piece in enumerate(pieces):
            await bot.send_message(chat_id, piece, parse_mode=ParseMode.HTML,
                                   link_preview_options=LinkPreviewOptions(is_disabled=True),
                                   reply_markup=markup if n == len(pieces) - 1 else None)

    def close(self) -> None:
        self._worker.shutdown(wait=True)


def _button_label(markup: Any, data: str) -> str | None:
    for row in getattr(markup, "inline_keyboard", None) or ():
        for button in row:
            if button.callback_data == data:
                return button.text
    return None


async def _quietly(awaitable: Any) -> None:
    """Cosmetic calls (answering a button, editing its message) must not fail a turn."""
    try:
        await awaitable
    except TelegramError as exc:
        log.info("cosmetic call failed: %s", type(exc).__name__)


@asynccontextmanager
async def _typing(bot: Any, chat_id: int) -> AsyncIterator[None]:
    """Show "typing…" while the body runs, renewed every few seconds."""

    async def keep_typing() -> None:
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


def build_application(engine: Engine, token: str, base_url: str | None = None,
                      builder: ApplicationBuilder | None = None) -> Application:
    """The Application with every handler wired; ``base_url`` (TELEGRAM_API_BASE_URL) points
    it at a self-hosted Bot API server or a test server."""
    if not token:
        raise TokenMissing("TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather and export it")
    transport = TelegramTransport(engine)
    builder = (builder or ApplicationBuilder()).token(token).concurrent_updates(True)
    if base_url:
        root = base_url.rstrip("/")
        builder = builder.base_url(root).base_file_url(_file_url(root))

    async def post_init(app: Application) -> None:
        commands = [BotCommand(name, about) for name, about in engine.texts.commands.items()]
        await _quietly(app.bot.set_my_commands(commands))

    async def post_shutdown(app: Application) -> None:
        transport.close()

    app = builder.post_init(post_init).post_shutdown(post_shutdown).build()
    app.bot_data["transport"] = transport
    app.add_handler(CommandHandler("start", transport.on_start))
    names = [name for name in engine.texts.commands if name != "start"]
    app.add_handler(CommandHandler(names, transport.on_command))
    app.add_handler(CallbackQueryHandler(transport.on_button))
    app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT, transport.on_text))
    app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & ~filters.TEXT, transport.on_other))
    app.add_error_handler(transport.on_error)
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


class _Redact(logging.Filter):
    """Replace the token wherever it would appear in a log line."""

    def __init__(self, secret: str):
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secret:
            message = record.getMessage()
            if self.secret in message:
                record.msg, record.args = message.replace(self.secret, "<token>"), None
        return True


def configure_logging(token: str, level: int = logging.INFO) -> None:
    """Log to stderr without URLs (httpx logs every request URL, which holds the token),
    without python-telegram-bot's debug dumps of messages, and with the token redacted
    from anything else that might carry it."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    # python-telegram-bot logs API call parameters (message text) at DEBUG: never below INFO
    logging.getLogger("telegram").setLevel(max(level, logging.INFO))
    redact = _Redact(token)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)
