"""Shared fixtures: temporary databases (in the style of sqlite-utils' tests) and the seed
pages. No test ever touches ./trialbot.db: TRIALBOT_DB points into the test's tmp_path."""
from __future__ import annotations

from pathlib import Path

import pytest

from data.store import connect, open_store

SEEDS_DIR = Path(__file__).resolve().parent / "data" / "seeds"


@pytest.fixture(autouse=True)
def _isolated_default_db(tmp_path, monkeypatch):
    """Whatever a test runs, the default database is a file in its own tmp_path."""
    monkeypatch.setenv("TRIALBOT_DB", str(tmp_path / "default-trialbot.db"))


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
