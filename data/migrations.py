"""Registered schema migrations, applied in order, each exactly once per database.

Add a migration by appending a function decorated with ``@migration("name")``; never edit
or reorder one that has shipped. ``apply_migrations`` records what ran in ``_migrations``.
"""
from __future__ import annotations

from typing import Callable

import sqlite_utils

MIGRATIONS: list[tuple[str, Callable[[sqlite_utils.Database], None]]] = []


def migration(name: str):
    """Register ``fn(db)`` as the next migration, under a unique name."""

    def register(fn: Callable[[sqlite_utils.Database], None]):
        if any(existing == name for existing, _ in MIGRATIONS):
            raise ValueError(f"duplicate migration name {name!r}")
        MIGRATIONS.append((name, fn))
        return fn

    return register


def apply_migrations(db: sqlite_utils.Database) -> list[str]:
    """Run every registered migration the database has not seen; return their names."""
    db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    done = {row[0] for row in db.execute("SELECT name FROM _migrations").fetchall()}
    applied = []
    for name, fn in MIGRATIONS:
        if name in done:
            continue
        with db.conn:
            fn(db)
            db.execute("INSERT INTO _migrations (name, applied_at) VALUES (?, datetime('now'))", [name])
        applied.append(name)
    return applied


# --- the migrations -------------------------------------------------------------------
# (trial tables and conversation tables are appended below by their owners, in order)
