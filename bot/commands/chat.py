"""Chat with trialbot in the terminal: the same conversation engine as the Telegram bot.

Interactive when standard input is a terminal (a prompt, readable formatting); when input
is piped, each line is one user message, replies go to standard output, and the chat ends
cleanly at end of input. Commands work as in Telegram: /start /help /profile /results
/summary /trials /trial ID /restart /forget. Sessions are stored in the database
(--db, else $TRIALBOT_DB, else ./trialbot.db); only extracted facts are kept, never the
messages themselves. The language pipeline runs in a second process of its own, which
loads while the welcome shows and ends with the chat.

Example:
  printf 'I have lupus since 2015, mycophenolate failed\\nresults\\n' | python bot.py chat --role patient
"""
from __future__ import annotations

import argparse
import re
import sys

from bot.collaborators import preload
from data.errors import DataError
from data.settings import check_settings, db_path
from nlp.build_cache import beside
from nlp.extraction_process import ExtractionProcess

HELP = "chat in the terminal (the same engine as the Telegram bot)"

_SESSION = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--role", choices=["patient", "clinician"],
                        help="who is chatting (skips the first question)")
    parser.add_argument("--session", metavar="NAME",
                        help="resume (or start) the stored session NAME; default: a new session")


def run(args: argparse.Namespace) -> int:
    if args.session is not None and not _SESSION.match(args.session):
        return _fail("--session NAME may hold letters, digits, '.', '_' and '-' only (at most 64)")
    try:                                   # settings first: one that cannot be read stops start-up
        check_settings()
    except ValueError as exc:
        return _fail(str(exc))
    path = db_path(args.db)
    cache = beside(path)
    # the NLP pipeline builds in a process of its own (with its build cache, kept beside
    # the database) while this one opens the store and shows the welcome
    extraction = _start_extraction(ExtractionProcess, cache)
    try:
        return _chat(args, path, cache, extraction)
    finally:
        if extraction is not None:
            extraction.close()


def _start_extraction(process_class, cache):
    """The extraction process, started; None (extraction in this process) when this
    system cannot start one."""
    try:
        return process_class(cache).start()
    except (OSError, ValueError):
        return None


def _chat(args: argparse.Namespace, path, cache, extraction) -> int:
    from bot.cli_chat import new_session_name, run_chat  # start-up: the store only for commands that open it
    from bot.startup import build_engine  # start-up: the store only for commands that open it
    from data.store import StoreError, checkpoint  # start-up: the store only for commands that open it

    for stream in (sys.stdin, sys.stdout):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    try:
        engine = build_engine(path, transport="cli", extract=extraction)
        # the matching modules, the gazetteer and the trials' plans load while the welcome
        # shows
        loading = preload(engine, nlp_cache=cache, extraction=extraction)
        try:
            return run_chat(engine, args.session or new_session_name(), role=args.role, ready=loading.wait)
        finally:
            loading.finish()               # no reader left: the checkpoint copies a /forget into the file
            checkpoint(engine.store.db)    # close cleanly: nothing forgotten left in the -wal file
    except (DataError, StoreError) as exc:
        return _fail(str(exc))


def _fail(message: str) -> int:
    print(f"trialbot: error: {message}", file=sys.stderr)
    return 1
