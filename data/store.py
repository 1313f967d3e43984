"""The SQLite store (sqlite-utils): trials, criteria, sites, contacts, and the
conversation event log. One file, WAL mode, created readable by its owner only,
schema managed by registered migrations (data/migrations.py).
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import sqlite_utils

from data.migrations import apply_migrations
from data.settings import db_path


class StoreError(RuntimeError):
    """The database cannot be used (locked, read-only, corrupt, disk full); says which and why."""


def connect(path: str | os.PathLike | None = None) -> sqlite_utils.Database:
    """Open (creating if needed, mode 0600) the database at ``path`` (default: $TRIALBOT_DB),
    switch on WAL and apply pending migrations."""
    target = Path(db_path(str(path) if path is not None else None))
    try:
        if str(target) != ":memory:" and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(target, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
        conn = sqlite3.connect(str(target), timeout=10, check_same_thread=False)
        db = sqlite_utils.Database(conn)
        if str(target) != ":memory:":
            db.enable_wal()
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA synchronous = NORMAL")
        apply_migrations(db)
        return db
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"database {target} cannot be used: {exc}") from None
    except OSError as exc:
        raise StoreError(f"database {target} cannot be opened: {exc.strerror or exc}") from None
