"""The engine's real collaborators, imported only when first needed (spaCy and the
matching engine are heavy): extraction, matching, next-question choice, the trials in
the store, the gazetteer, and the retention setting.

The engine's ``next_question`` collaborator has the signature
``next_question(results, profile, exclude) -> Question | None`` where ``exclude`` holds
the question keys already asked, answered or left open.
"""
from __future__ import annotations

from typing import Any, Callable

from data.settings import setting

DEFAULT = object()   # "use the real collaborator" (None means "none", e.g. no gazetteer)


def real_extract() -> Callable[..., list]:
    from nlp.pipeline import extract

    return extract


def real_match() -> Callable[..., list]:
    from matching.engine import match

    return match


def real_next_question() -> Callable[..., Any]:
    from matching import questions

    def next_question(results: list, profile: Any, exclude: set[str]) -> Any:
        return questions.next_question(results, asked=exclude)

    return next_question


def store_trials(db: Any) -> Callable[[], list[dict]]:
    """The trial records in the store, after bringing the bundled ones up to date."""

    def load() -> list[dict]:
        from data.store import all_trial_records, sync_bundled

        sync_bundled(db)   # a no-op when the bundled trials are current
        return list(all_trial_records(db))

    return load


def real_gazetteer() -> Any:
    from bot.geo import load_gazetteer

    return load_gazetteer()


def retention_days() -> int:
    try:
        return max(1, int(setting("retention_days") or 30))
    except ValueError:
        return 30


def build_engine(db_path: str | None, transport: str):
    """The engine on the database at ``db_path`` (bundled trials brought up to date,
    conversations idle past the retention period purged), as both transports run it."""
    from bot.engine import Engine
    from bot.session_store import SessionStore
    from data.store import open_store

    store = SessionStore(open_store(db_path))
    store.purge_idle(retention_days())
    return Engine(store, transport=transport)
