"""The engine as both transports run it: on a database, its bundled trials brought up to
date and idle conversations purged (``bot.collaborators`` holds the real collaborators
and their background preload)."""
from __future__ import annotations

from typing import Callable

from bot.collaborators import retention_days
from bot.engine import Engine
from bot.session_store import SessionStore
from data.store import open_store


def build_engine(db_path: str | None, transport: str, extract: Callable[..., list] | None = None):
    """The engine on the database at ``db_path`` (bundled trials brought up to date,
    conversations idle past the retention period purged), as both transports run it;
    ``extract``: the extractor (default: ``nlp.pipeline.extract`` in this process)."""
    store = SessionStore(open_store(db_path))
    store.purge_idle(retention_days())
    return Engine(store, transport=transport, extract=extract)
