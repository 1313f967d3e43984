"""Run trialbot as a Telegram bot (python-telegram-bot), by long polling or by webhook.

The token comes from $TELEGRAM_BOT_TOKEN (from @BotFather; never logged). The Bot API
base URL can be overridden with $TELEGRAM_API_BASE_URL (e.g. http://127.0.0.1:8081/bot for
a self-hosted Bot API server). Sessions live in the database (--db, else $TRIALBOT_DB,
else ./trialbot.db) and survive restarts. Webhook mode (--webhook URL --port N) needs the
webhooks extra of python-telegram-bot (pip install -e '.[webhooks]'); Telegram must reach
URL over HTTPS, usually through a reverse proxy forwarding to --listen:--port.
With $TRIALBOT_SYNC_HOURS set (e.g. 24), the bot also runs `sync` every that many hours in
the background, and tells users whose shown trials changed status the next time they write
(docs/sync.md).

Example:
  TELEGRAM_BOT_TOKEN=123456:ABC... python bot.py telegram
"""
from __future__ import annotations

import argparse
import importlib.util
import sys
from urllib.parse import urlparse

from bot.access import RateLimiter, clinician_allowlist
from data.errors import DataError
from data.settings import check_settings, db_path, integer_setting, setting

HELP = "run the Telegram bot (long polling, or --webhook URL --port N)"
BOOTSTRAP_RETRIES = 5   # start-up calls (deleteWebhook / setWebhook) retried on network errors


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--webhook", metavar="URL", help="public HTTPS URL Telegram posts updates to (webhook mode)")
    parser.add_argument("--port", type=int, default=8443, help="webhook: local port to listen on (default: 8443)")
    parser.add_argument("--listen", default="127.0.0.1", help="webhook: local address to listen on (default: 127.0.0.1)")


def run(args: argparse.Namespace) -> int:
    from data.store import StoreError, checkpoint  # start-up: the store only for commands that open it

    try:                                   # settings first: one that cannot be read stops start-up
        check_settings()
    except ValueError as exc:
        return _fail(str(exc))
    token = setting("token")
    if not token:
        return _fail("TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and export its token")
    if args.webhook:
        url = urlparse(args.webhook)
        if url.scheme not in ("https", "http") or not url.netloc:
            return _fail(f"--webhook needs a full URL such as https://example.org/trialbot, got {args.webhook!r}")
        if importlib.util.find_spec("tornado") is None:
            return _fail("webhook mode needs python-telegram-bot's webhooks extra: pip install -e '.[webhooks]'")
        if not 0 < args.port < 65536:
            return _fail(f"--port must be between 1 and 65535, got {args.port}")

    from telegram import Update
    from telegram.error import NetworkError, TelegramError, TimedOut

    from bot.engine_workers import WorkerGone  # start-up: the workers only for the bot
    from bot.telegram_app import build_application, configure_logging, webhook_options  # start-up: python-telegram-bot only for the telegram command

    try:                                   # settings first: a typo fails before the slow start
        clinicians, limiter = clinician_allowlist(), RateLimiter.from_settings()
    except ValueError as exc:
        return _fail(str(exc))
    configure_logging(token)
    engine = extraction = workers = app = None
    try:
        count = integer_setting("workers", 0)
        if count:
            engine, workers = start_workers(db_path(args.db), count)
        else:
            engine, extraction = start_engine(db_path(args.db))
        app = build_application(engine, token, setting("api_base"), clinicians=clinicians, limiter=limiter,
                                workers=workers)
        try:
            if args.webhook:
                app.run_webhook(**webhook_options(args.webhook, args.listen, args.port), bootstrap_retries=BOOTSTRAP_RETRIES)
            else:
                app.run_polling(allowed_updates=Update.ALL_TYPES, bootstrap_retries=BOOTSTRAP_RETRIES)
        finally:
            checkpoint(engine.store.db)    # close cleanly: nothing forgotten left in the -wal file
    except (DataError, StoreError, WorkerGone) as exc:
        return _fail(str(exc))
    except (NetworkError, TimedOut) as exc:     # no network, a name that does not resolve: not a refusal
        _close_requests(app)
        where = setting("api_base") or "https://api.telegram.org"
        return _fail(f"cannot reach the Telegram Bot API at {urlparse(where).netloc or where} "
                     f"({type(exc).__name__}: {str(exc).replace(token, '<token>')}): check the network "
                     "connection, or $TELEGRAM_API_BASE_URL")
    except TelegramError as exc:
        _close_requests(app)
        return _fail(f"Telegram refused: {type(exc).__name__}: {str(exc).replace(token, '<token>')}")
    finally:
        if extraction is not None:
            extraction.close()
        if workers is not None:
            workers.close()
    return 0


def start_engine(path: str):
    """The warmed-up engine for Telegram, and its extraction process (None: extraction in
    this process). Extraction in a child process of its own (nlp/extraction_process.py, as
    the chat does) builds the pipeline on the other core while this one loads the rest, and
    runs each turn's extraction there: meanwhile this process's interpreter is free for the
    Bot API traffic (the engine's thread waits on the child without holding the GIL)."""
    from bot.startup import build_engine  # start-up: the store only for commands that open it
    from nlp.build_cache import beside  # start-up: the pipeline's cache only for commands that build it
    from nlp.extraction_process import ExtractionProcess  # start-up: the child only for the bot

    try:
        extraction = ExtractionProcess(beside(path)).start()
    except (OSError, ValueError):
        extraction = None
    try:
        engine = build_engine(path, transport="telegram", extract=extraction)
        engine.warm_up()
    except BaseException:
        if extraction is not None:
            extraction.close()
        raise
    return engine, extraction


def start_workers(path: str, count: int):
    """The bot's own engine (its store for the outbox and the retention purge, its texts;
    no language pipeline) and ``count`` engine worker processes that run the turns, each
    warmed up (bot/engine_workers.py). The bot's process opens the store first (schema,
    bundled trials), then the workers start and warm up in parallel."""
    from bot.engine_workers import EngineWorkers  # start-up: the workers only for the bot
    from bot.startup import build_engine  # start-up: the store only for commands that open it

    engine = build_engine(path, transport="telegram")
    try:
        return engine, EngineWorkers(path, count).start()
    except BaseException:
        engine.store.db.conn.close()
        raise


def _close_requests(app) -> None:
    """Close the Bot API connections of an application whose start-up failed (python-
    telegram-bot shuts down only what started: aiohttp warned of unclosed sessions)."""
    import asyncio

    for request in getattr(getattr(app, "bot", None), "_request", ()) or ():
        try:
            asyncio.run(request.shutdown())
        except Exception:       # a session of a loop already gone: nothing left to close
            pass


def _fail(message: str) -> int:
    print(f"trialbot: error: {message}", file=sys.stderr)
    return 1
