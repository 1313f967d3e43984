"""The session store: a narrow interface over the conversation tables of ``data.store``
(``conversations``, ``events``, ``processed_updates``: migration 0002; ``outbox``: 0003),
shared by the Telegram and CLI transports.

A conversation is an append-only list of events (``Event``); the engine rebuilds its state
from them. A turn's events are written in one transaction together with the transport's
update id, so after a crash a turn has either happened completely (and its update is known
as processed) or not at all. Payloads hold extracted facts, answers, corrections and what
was shown, never a raw message.

A transport that delivers replies over an unreliable network (Telegram) passes the turn's
rendered reply to ``commit_turn`` too: it is kept in ``outbox`` until ``delivered`` is
called for each piece, so a crash or an outage between recording a turn and sending its
reply loses no reply. Database faults (locked, read-only, full, corrupt) surface as
``data.store.StoreError`` with a clear message; a failed turn writes nothing.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, Iterator

import sqlite_utils

from data.store import db_file, is_fault, store_error, transaction


UPDATE_MEMORY_DAYS = 2


@dataclass(frozen=True)
class Event:
    seq: int
    type: str
    payload: dict[str, Any] = field(default_factory=dict)
    ts: str = ""


class DuplicateUpdate(Exception):
    """The transport update was already processed (a redelivery after a restart)."""


@dataclass(frozen=True)
class Pending:
    """One piece of a reply not yet delivered (``body`` as the transport rendered it)."""

    id: int
    conversation_id: str
    chat_id: int | None
    body: dict[str, Any]
    update_id: int | None = None       # the turn's update and the piece's place in its reply:
    position: int = 0                  # a key that stays unique (row ids are reused)

    @property
    def key(self) -> tuple[int, int] | None:
        return (self.update_id, self.position) if self.update_id is not None else None


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class SessionStore:
    """Per-conversation event logs in SQLite. Thread-safe: one lock serialises access to
    the shared connection."""

    def __init__(self, db: sqlite_utils.Database):
        self.db = db
        self._lock = threading.RLock()
        self._path = db_file(db)

    @contextmanager
    def _guarded(self) -> Iterator[None]:
        """Hold the lock; turn a database fault into a clear StoreError (after rolling back
        whatever the failed statement had begun)."""
        with self._lock:
            try:
                yield
            except sqlite3.Error as exc:
                if self.db.conn.in_transaction:
                    try:
                        self.db.conn.rollback()
                    except sqlite3.Error:
                        pass
                if is_fault(exc):
                    raise store_error(exc, self._path) from None
                raise

    # --- reading -------------------------------------------------------------------
    def exists(self, conversation_id: str) -> bool:
        with self._guarded():
            row = self.db.execute("SELECT 1 FROM conversations WHERE id = ?", [conversation_id]).fetchone()
        return row is not None

    def events(self, conversation_id: str) -> list[Event]:
        """The conversation's events in order (empty for an unknown conversation)."""
        with self._guarded():
            rows = self.db.execute(
                "SELECT seq, type, payload, ts FROM events WHERE conversation_id = ? ORDER BY seq",
                [conversation_id],
            ).fetchall()
        return [Event(seq, kind, json.loads(payload) if payload else {}, ts) for seq, kind, payload, ts in rows]

    def is_processed(self, update_id: int) -> bool:
        with self._guarded():
            row = self.db.execute("SELECT 1 FROM processed_updates WHERE update_id = ?", [update_id]).fetchone()
        return row is not None

    def conversation_ids(self) -> list[str]:
        with self._guarded():
            return [r[0] for r in self.db.execute("SELECT id FROM conversations ORDER BY id").fetchall()]

    # --- writing -------------------------------------------------------------------
    def commit_turn(
        self,
        conversation_id: str,
        transport: str,
        events: list[tuple[str, dict[str, Any]]],
        *,
        update_id: int | None = None,
        clear_first: bool = False,
        outbox: list[dict[str, Any]] | None = None,
        chat_id: int | None = None,
    ) -> list[Event]:
        """Append a turn's events (and mark ``update_id`` processed) in one transaction.

        ``clear_first`` deletes the conversation's earlier events in the same transaction
        (``/restart``). ``outbox``: the reply's pieces (JSON-able), kept until delivered.
        Raises ``DuplicateUpdate`` when the update was already processed; nothing is
        written then. Raises ``StoreError`` when the database cannot be written; nothing is
        written then either.
        """
        now = _now()
        written: list[Event] = []
        with self._guarded():
            try:
                with transaction(self.db):
                    if update_id is not None:
                        self.db.execute(
                            "INSERT INTO processed_updates (update_id, conversation_id, ts) VALUES (?, ?, ?)",
                            [update_id, conversation_id, now],
                        )
                    self.db.execute(
                        "INSERT INTO conversations (id, transport, role, created_at, updated_at) VALUES (?, ?, NULL, ?, ?) "
                        "ON CONFLICT(id) DO UPDATE SET updated_at = excluded.updated_at",
                        [conversation_id, transport, now, now],
                    )
                    if clear_first:
                        self.db.execute("DELETE FROM events WHERE conversation_id = ?", [conversation_id])
                        self.db.execute("UPDATE conversations SET role = NULL WHERE id = ?", [conversation_id])
                    last = self.db.execute(
                        "SELECT COALESCE(MAX(seq), 0) FROM events WHERE conversation_id = ?", [conversation_id]
                    ).fetchone()[0]
                    for offset, (kind, payload) in enumerate(events, start=1):
                        event = Event(last + offset, kind, payload, now)
                        self.db.execute(
                            "INSERT INTO events (conversation_id, seq, ts, type, payload) VALUES (?, ?, ?, ?, ?)",
                            [conversation_id, event.seq, now, kind, json.dumps(payload, ensure_ascii=False)],
                        )
                        if kind == "role":
                            self.db.execute("UPDATE conversations SET role = ? WHERE id = ?", [payload.get("role"), conversation_id])
                        written.append(event)
                    for position, body in enumerate(outbox or ()):
                        self.db.execute(
                            "INSERT INTO outbox (conversation_id, chat_id, update_id, position, body, created_at) "
                            "VALUES (?, ?, ?, ?, ?, ?)",
                            [conversation_id, chat_id, update_id, position, json.dumps(body, ensure_ascii=False), now],
                        )
            except sqlite3.IntegrityError as exc:
                if update_id is not None and "processed_updates" in str(exc):
                    raise DuplicateUpdate(update_id) from None
                raise
        return written

    def forget(self, conversation_id: str) -> int:
        """Delete every row about the conversation (events, undelivered replies, the
        conversation itself) in one transaction; return how many rows went. The ids of its
        processed updates stay, no longer tied to anyone (bare numbers, dropped after
        ``UPDATE_MEMORY_DAYS``): an update Telegram sends again after a crash is still
        known as handled, and what was forgotten is not read again."""
        with self._guarded(), transaction(self.db):
            count = 0
            for sql in (
                "DELETE FROM outbox WHERE conversation_id = ?",
                "DELETE FROM events WHERE conversation_id = ?",
                "UPDATE processed_updates SET conversation_id = '' WHERE conversation_id = ?",
                "DELETE FROM conversations WHERE id = ?",
            ):
                count += self.db.execute(sql, [conversation_id]).rowcount
        return count

    def purge_idle(self, days: float, now: datetime | None = None) -> int:
        """Forget every conversation idle for more than ``days``; return how many. Update
        ids older than two days are dropped too (Telegram redelivers for 24 hours at most)."""
        now = now or datetime.now(timezone.utc)
        cutoff = (now - timedelta(days=days)).isoformat(timespec="seconds")
        with self._guarded(), transaction(self.db):
            self.db.execute("DELETE FROM processed_updates WHERE ts < ?",
                            [(now - timedelta(days=UPDATE_MEMORY_DAYS)).isoformat(timespec="seconds")])
            self.db.execute("DELETE FROM outbox WHERE created_at < ?", [cutoff])
        with self._guarded():
            stale = [r[0] for r in self.db.execute("SELECT id FROM conversations WHERE updated_at < ?", [cutoff]).fetchall()]
        for conversation_id in stale:
            self.forget(conversation_id)
        return len(stale)

    # --- replies not yet delivered -------------------------------------------------------
    def pending(self, conversation_id: str | None = None) -> list[Pending]:
        """Undelivered reply pieces, oldest first (of one conversation, or of all)."""
        sql = "SELECT id, conversation_id, chat_id, body, update_id, position FROM outbox"
        args: list[Any] = []
        if conversation_id is not None:
            sql, args = sql + " WHERE conversation_id = ?", [conversation_id]
        with self._guarded():
            rows = self.db.execute(sql + " ORDER BY id", args).fetchall()
        return [Pending(row_id, cid, chat, json.loads(body), update, position)
                for row_id, cid, chat, body, update, position in rows]

    def delivered(self, piece_id: int) -> None:
        """Forget a reply piece once it was delivered."""
        with self._guarded(), transaction(self.db):
            self.db.execute("DELETE FROM outbox WHERE id = ?", [piece_id])

    def delivered_all(self, piece_ids: Iterable[int]) -> None:
        """Forget several delivered pieces in one transaction (ids already gone are fine)."""
        with self._guarded(), transaction(self.db):
            self.db.conn.executemany("DELETE FROM outbox WHERE id = ?", [(piece_id,) for piece_id in piece_ids])

    def delivered_keys(self, keys: Iterable[tuple[int, int]]) -> None:
        """Forget delivered pieces named by (update id, position) (``bot/delivery_log.py``)."""
        with self._guarded(), transaction(self.db):
            self.db.conn.executemany("DELETE FROM outbox WHERE update_id = ? AND position = ?", list(keys))

    def undeliverable(self, conversation_id: str) -> int:
        """Drop every pending piece of a conversation (e.g. the user blocked the bot)."""
        with self._guarded(), transaction(self.db):
            return self.db.execute("DELETE FROM outbox WHERE conversation_id = ?", [conversation_id]).rowcount
