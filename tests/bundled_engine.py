"""The conversation engine on a fresh store holding the bundled trials, and a reply as the
terminal chat shows it: shared by the lead's conversation tests."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.engine import Engine
from bot.render import PLAIN, Renderer
from bot.session_store import SessionStore
from bot.tracker import Tracker
from data.store import open_store, sync_bundled, upsert_trials
from registry.ctgov import import_file

CTGOV_FIXTURES = Path(__file__).parent / "data" / "ctgov"


def bundled_engine(path: Path, today: date | None = None) -> Engine:
    """An engine on a new store at ``path`` with the bundled trials, no gazetteer."""
    db = open_store(path)
    sync_bundled(db)
    return Engine(SessionStore(db), gazetteer=None, today=today)


def engine_with_records(tmp_path: Path, today: date, *fixtures: str) -> Engine:
    """An engine with the bundled trials and the registry records of ``fixtures`` (files of
    tests/data/ctgov) imported, no gazetteer."""
    db = open_store(tmp_path / "t.db")
    sync_bundled(db)
    records = [r for name in fixtures for r in import_file(CTGOV_FIXTURES / name)]
    if records:
        upsert_trials(db, records, "import")
    return Engine(SessionStore(db), gazetteer=None, today=today)


def said(reply) -> str:
    """A reply's text as the terminal chat prints it."""
    return "\n".join(Renderer(PLAIN).render(reply))


def talk(engine: Engine, cid: str, *messages: str) -> list[str]:
    """A new conversation ``cid`` with ``messages`` sent in turn: each reply's text."""
    engine.start(cid)
    return [said(engine.message(cid, m)) for m in messages]


def tracker_of(engine: Engine, cid: str) -> Tracker:
    """The conversation's state rebuilt from its stored events."""
    return Tracker.rebuild(cid, engine.store.events(cid))

