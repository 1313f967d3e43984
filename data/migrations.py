"""Registered schema migrations, applied in order, each exactly once per database.

Add a migration by appending a function decorated with ``@migration("name")``; never edit
or reorder one that has shipped. ``apply_migrations`` records what ran in ``_migrations``.
"""
from __future__ import annotations

import json
from typing import Callable

import sqlite_utils

from data import search
from data.limits import limits_row
from data.rule_nodes import plan_row

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
        # explicitly one transaction (sqlite-utils 4 commits each db.execute otherwise), so a
        # crash half-way through a migration leaves no half-made schema behind
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            if db.execute("SELECT 1 FROM _migrations WHERE name = ?", [name]).fetchone() is None:
                fn(db)       # (another process may have applied it while we waited)
                db.execute("INSERT INTO _migrations (name, applied_at) VALUES (?, datetime('now'))", [name])
        except BaseException:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            raise
        db.conn.execute("COMMIT")
        applied.append(name)
    return applied


# --- the migrations -------------------------------------------------------------------
# (trial tables and conversation tables are appended below by their owners, in order)


@migration("0001_trials")
def _trials(db: sqlite_utils.Database) -> None:
    """Trial knowledge base: one row per study plus its criteria, sites, contacts, and the
    condition index used to prune candidates before criterion evaluation."""
    db["trials"].create(
        {
            "id": str, "nct_id": str, "title": str, "status": str, "phase": str,
            "origin": str,          # bundled | import | synthetic
            "source_hash": str,     # hash of the record as loaded (rebuild detection)
            "min_age": float, "max_age": float, "sex": str,
            "record": str,          # the full validated record as JSON
            "updated_at": str,
        },
        pk="id",
    )
    db["criteria"].create(
        {
            "trial_id": str, "id": str, "parent": str, "kind": str, "position": int,
            "text": str, "combine": str, "rule": str, "note": str,
        },
        pk=("trial_id", "id"),
        foreign_keys=[("trial_id", "trials", "id")],
    )
    db["sites"].create(
        {
            "id": int, "trial_id": str, "position": int, "facility": str, "city": str,
            "region": str, "country": str, "status": str, "lat": float, "lon": float,
        },
        pk="id",
        foreign_keys=[("trial_id", "trials", "id")],
    )
    db["contacts"].create(
        {
            "id": int, "trial_id": str, "site_id": int, "name": str, "role": str,
            "phone": str, "email": str,
        },
        pk="id",
        foreign_keys=[("trial_id", "trials", "id")],
    )
    db["trial_conditions"].create(
        {"trial_id": str, "concept": str}, pk=("trial_id", "concept"),
        foreign_keys=[("trial_id", "trials", "id")],
    )
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["criteria"].create_index(["trial_id"])
    db["sites"].create_index(["trial_id"])
    db["contacts"].create_index(["trial_id"])
    db["trial_conditions"].create_index(["concept"])
    db["trials"].create_index(["origin"])


@migration("0002_conversations")
def _conversations(db: sqlite_utils.Database) -> None:
    """Conversation state as an append-only event log per conversation. ``/forget``
    deletes a conversation's events, processed updates and the conversation row in one
    transaction (foreign keys are enforced, so events cannot outlive their conversation)."""
    db["conversations"].create(
        {"id": str, "transport": str, "role": str, "created_at": str, "updated_at": str},
        pk="id",
    )
    db["events"].create(
        {"id": int, "conversation_id": str, "seq": int, "ts": str, "type": str, "payload": str},
        pk="id",
        foreign_keys=[("conversation_id", "conversations", "id")],
    )
    db.execute("CREATE UNIQUE INDEX idx_events_conversation_seq ON events (conversation_id, seq)")
    db["conversations"].create_index(["updated_at"])
    # Telegram update ids already handled (no update processed twice after a restart)
    db["processed_updates"].create(
        {"update_id": int, "conversation_id": str, "ts": str}, pk="update_id",
    )
    db["processed_updates"].create_index(["conversation_id"])


@migration("0003_outbox")
def _outbox(db: sqlite_utils.Database) -> None:
    """Replies not yet delivered: a Telegram turn writes its reply here in the transaction
    that records the turn, and the transport deletes each piece once Telegram accepted it.
    A crash or an outage between the two loses no reply: what is left is sent on the next
    turn, on redelivery of the update, at start-up, or by the periodic maintenance task.
    ``/forget`` and the retention purge delete these rows with the rest of a conversation."""
    db["outbox"].create(
        {"id": int, "conversation_id": str, "chat_id": int, "update_id": int, "position": int,
         "body": str, "created_at": str},
        pk="id",
        foreign_keys=[("conversation_id", "conversations", "id")],
    )
    db["outbox"].create_index(["conversation_id"])


@migration("0004_trial_limits")
def _trial_limits(db: sqlite_utils.Database) -> None:
    """Candidate pruning's index (matching/candidates.py): per trial, the age range and sex
    the matcher holds every patient to (``data/limits.py``), how many condition concepts it
    lists (0: it cannot be pruned on conditions) and its source hash (so the candidates'
    lookup never reads the trials table); and trial_conditions covered by (concept,
    trial_id). Filled for the trials already stored."""
    db["trial_limits"].create(
        {"trial_id": str, "source_hash": str, "min_age": float, "max_age": float, "sex": str, "conditions": int},
        pk="trial_id",
        foreign_keys=[("trial_id", "trials", "id")],
    )
    db.execute("CREATE INDEX idx_trial_limits_no_conditions ON trial_limits (trial_id) WHERE conditions = 0")
    db.execute("CREATE INDEX idx_trial_conditions_concept_trial ON trial_conditions (concept, trial_id)")
    rows = db.execute("SELECT id, source_hash, record FROM trials")
    db.conn.executemany(
        "INSERT INTO trial_limits (trial_id, source_hash, min_age, max_age, sex, conditions) VALUES (?, ?, ?, ?, ?, ?)",
        ((trial_id, source_hash, *limits_row(json.loads(record))) for trial_id, source_hash, record in rows),
    )


@migration("0005_rule_nodes")
def _rule_nodes(db: sqlite_utils.Database) -> None:
    """Compiled criteria (``data/rule_nodes.py``): each distinct rule node once, by content
    hash, in ``rule_nodes``; per trial its top-level criterion hashes (``plan``) and its
    condition concepts (``condition_list``) beside the pruning limits, so matching reads a
    few hundred bytes per candidate instead of the whole record. Filled for the trials
    already stored."""

    db.execute("CREATE TABLE rule_nodes (hash TEXT PRIMARY KEY, node TEXT NOT NULL) WITHOUT ROWID")
    db.execute("ALTER TABLE trial_limits ADD COLUMN plan TEXT")
    db.execute("ALTER TABLE trial_limits ADD COLUMN condition_list TEXT")
    for trial_id, record in db.execute("SELECT id, record FROM trials").fetchall():
        plan, conditions, nodes = plan_row(json.loads(record))
        db.conn.executemany("INSERT OR IGNORE INTO rule_nodes (hash, node) VALUES (?, ?)", nodes)
        db.execute("UPDATE trial_limits SET plan = ?, condition_list = ? WHERE trial_id = ?", [plan, conditions, trial_id])


@migration("0006_trials_version")
def _trials_version(db: sqlite_utils.Database) -> None:
    """A first ``trials_version`` token (``data.store.trials_version``) for databases whose
    trials were written before the store kept one, so caches keyed by it work at once."""
    import uuid

    db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('trials_version', ?)", [uuid.uuid4().hex])


@migration("0007_sync")
def _sync(db: sqlite_utils.Database) -> None:
    """``python bot.py sync`` (registry/sync.py): ``sync_state``, one row per query (the
    query's canonical JSON and its hash), with the run under way (its ``since`` date, the
    next page token, the pages done) and the last completed run (its start date, the
    ``since`` of the next incremental run); ``sync_pages``, the records of a run's pages
    fetched so far (written to the trials only when the run completes, so an interrupted
    run resumes where it stopped and a failed one changes no trial); ``trial_freshness``,
    per trial what the registry says about its currency (last update posted, status
    verified) and when a sync last fetched it (no foreign key: a record rewrite keeps it)."""
    db.execute(
        "CREATE TABLE sync_state (query_key TEXT PRIMARY KEY, query TEXT NOT NULL, "
        "run_since TEXT, run_started_at TEXT, next_page_token TEXT, pages_done INTEGER NOT NULL DEFAULT 0, "
        "running INTEGER NOT NULL DEFAULT 0, last_since TEXT, last_started_at TEXT, last_completed_at TEXT, "
        "last_summary TEXT)"
    )
    db.execute(
        "CREATE TABLE sync_pages (query_key TEXT NOT NULL, page INTEGER NOT NULL, records TEXT NOT NULL, "
        "extra TEXT NOT NULL, PRIMARY KEY (query_key, page))"
    )
    db.execute(
        "CREATE TABLE trial_freshness (trial_id TEXT PRIMARY KEY, nct_id TEXT, last_updated TEXT, "
        "status_verified TEXT, synced_at TEXT)"
    )


@migration("0008_condition_gate_and_search")
def _condition_gate_and_search(db: sqlite_utils.Database) -> None:
    """Every stored trial's plan again, now with its conditions as a criterion
    (``elig-condition``, issue #14), and the full-text index ranking reads
    (``data/search.py``), filled for the trials already stored."""
    records = [json.loads(record) for (record,) in db.execute("SELECT record FROM trials").fetchall()]
    for record in records:
        plan, conditions, nodes = plan_row(record)
        db.conn.executemany("INSERT OR IGNORE INTO rule_nodes (hash, node) VALUES (?, ?)", nodes)
        db.execute("UPDATE trial_limits SET plan = ?, condition_list = ? WHERE trial_id = ?", [plan, conditions, record["id"]])
    search.create(db)
    search.index(db, records)


@migration("0009_trial_terms")
def _trial_terms(db: sqlite_utils.Database) -> None:
    """Each term's counts per row and column (``trial_terms``, ``data/search.py``), read
    from the full-text index the store already has: the ranking's BM25 reads them."""
    search.create_terms(db)
    search.fill_terms(db)
