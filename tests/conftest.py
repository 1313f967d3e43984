"""Shared fixtures: temporary databases (in the style of sqlite-utils' tests) and the seed
pages. No test ever touches ./trialbot.db: TRIALBOT_DB points into the test's tmp_path."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest

from data.store import connect, open_store

SEEDS_DIR = Path(__file__).resolve().parent / "data" / "seeds"


@pytest.fixture(autouse=True, scope="session")
def _isolated_build_cache(tmp_path_factory):
    """The pipeline's shared build cache (nlp/build_cache.py ``shared()``) is a folder of the
    session's, never the user's: the session's first build derives everything, as a fresh
    installation's does; the builds of the subprocesses it starts read it."""
    import os

    before = os.environ.get("TRIALBOT_CACHE_DIR")
    os.environ["TRIALBOT_CACHE_DIR"] = str(tmp_path_factory.mktemp("nlp-build-cache"))
    yield
    if before is None:
        os.environ.pop("TRIALBOT_CACHE_DIR", None)
    else:
        os.environ["TRIALBOT_CACHE_DIR"] = before


@pytest.fixture(autouse=True)
def _isolated_default_db(tmp_path, monkeypatch):
    """Whatever a test runs, the default database is a file in its own tmp_path."""
    monkeypatch.setenv("TRIALBOT_DB", str(tmp_path / "default-trialbot.db"))


@pytest.fixture(autouse=True)
def _isolated_logging():
    """Logging is process-wide: whatever a test changes (logger levels, ``disabled``,
    ``propagate``, handlers and filters, ``logging.disable``) is undone after it, so no
    test sees another's. (A benchmark run that left the ``trialbot`` logger at ERROR once
    silenced tests/test_privacy_logs.py's retry lines in the full suite.)"""
    manager, root = logging.Logger.manager, logging.getLogger()
    loggers = {name: (lg.level, lg.disabled, lg.propagate, list(lg.handlers), list(lg.filters))
               for name, lg in list(manager.loggerDict.items()) if isinstance(lg, logging.Logger)}
    root_state = (root.level, list(root.handlers), list(root.filters))
    handler_filters = {handler: list(handler.filters) for handler in root.handlers}
    disabled = manager.disable
    yield
    logging.disable(disabled)
    for name, lg in list(manager.loggerDict.items()):
        if not isinstance(lg, logging.Logger):
            continue
        if name in loggers:
            lg.level, lg.disabled, lg.propagate, lg.handlers[:], lg.filters[:] = loggers[name]
        else:                                   # made during the test: back to the defaults
            lg.level, lg.disabled = logging.NOTSET, False
    level, handlers, filters = root_state
    for handler in root.handlers[:]:            # pytest attaches its own for each phase
        if handler not in handlers and not type(handler).__module__.startswith("_pytest"):
            root.removeHandler(handler)
    root.filters[:] = filters
    for handler, kept in handler_filters.items():
        handler.filters[:] = kept
    root.setLevel(level)                        # also clears the cached effective levels


@pytest.fixture
def fresh_db():
    """An empty in-memory database with every migration applied."""
    db = connect(":memory:")
    yield db
    db.close()


@pytest.fixture
def db_path(tmp_path) -> str:
    """The path of a database file that does not exist yet."""
    return str(tmp_path / "trialbot.db")


@pytest.fixture
def trials_db():
    """An in-memory database holding the bundled trials."""
    db = open_store(":memory:")
    yield db
    db.close()


@pytest.fixture
def seeds_dir() -> Path:
    """The five registry pages the bundled trials were curated from (copied unchanged)."""
    return SEEDS_DIR
