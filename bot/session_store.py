"""The session store: a narrow interface over the conversation tables of ``data.store``
(``conversations``, ``events``, ``processed_updates``; migration 0002), shared by the
Telegram and CLI transports.

A conversation is an append-only list of events (``Event``); the engine rebuilds its state
from them. A turn's events are written in one transaction together with the transport's
update id, so after a crash a turn has either happened completely (and its update is known
as processed) or not at all. Payloads hold extracted facts, answers, corrections and what
was shown, never a raw message.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import sqlite_utils


UPDATE_MEMORY_DAYS = 2


@dataclass(frozen=True)
class Event:
    seq: int
    type: str
    payload: dict[str, Any] = field(default_factory=dict)
    ts: str = ""


class DuplicateUpdate(Exception):
    """The transport update was already processed (a redelivery after a restart)."""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class SessionStore:
    """Per-conversation event logs in SQLite. Thread-safe: one lock serialises access to
    the shared connection."""

    def __init__(self, db: sqlite_utils.Database):
        self.db = db
        self._lock = threading.RLock()

    # --- reading -------------------------------------------------------------------
    def exists(self, conversation_id: str) -> bool:
        with self._lock:
            row = self.db.execute("SELECT 1 FROM conversations WHERE id = ?", [conversation_id]).fetchone()
        return row is not None

    def events(self, conversation_id: str) -> list[Event]:
        """The conversation's events in order (empty for an unknown conversation)."""
        with self._lock:
            rows = self.db.execute(
                "SELECT seq, type, payload, ts FROM events WHERE conversation_id = ? ORDER BY seq",
                [conversation_id],
            ).fetchall()
        return [Event(seq, kind, json.loads(payload) if payload else {}, ts) for seq, kind, payload, ts in rows]

    def is_processed(self, update_id: int) -> bool:
        with self._lock:
            row = self.db.execute("SELECT 1 FROM processed_updates WHERE update_id = ?", [update_id]).fetchone()
        return row is not None

    def conversation_ids(self) -> list[str]:
        with self._lock:
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
    ) -> list[Event]:
        """Append a turn's events (and mark ``update_id`` processed) in one transaction.

        ``clear_first`` deletes the conversation's earlier events in the same transaction
        (``/restart``). Raises ``DuplicateUpdate`` when the update was already processed;
        nothing is written then.
        """
        now = _now()
        written: list[Event] = []
        with self._lock:
            try:
                with self.db.conn:
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
            except sqlite3.IntegrityError as exc:
                if update_id is not None and "processed_updates" in str(exc):
                    raise DuplicateUpdate(update_id) from None
                raise
        return written

    def forget(self, conversation_id: str) -> int:
        """Delete every row about the conversation (events, processed updates, the
        conversation itself) in one transaction; return how many rows went."""
        with self._lock, self.db.conn:
            count = 0
            for sql in (
                "DELETE FROM events WHERE conversation_id = ?",
                "DELETE FROM processed_updates WHERE conversation_id = ?",
                "DELETE FROM conversations WHERE id = ?",
            ):
                count += self.db.execute(sql, [conversation_id]).rowcount
        return count

    def purge_idle(self, days: float, now: datetime | None = None) -> int:
        """Forget every conversation idle for more than ``days``; return how many. Update
        ids older than two days are dropped too (Telegram redelivers for 24 hours at most)."""
        now = now or datetime.now(timezone.utc)
        cutoff = (now - timedelta(days=days)).isoformat(timespec="seconds")
        with self._lock, self.db.conn:
            self.db.execute("DELETE FROM processed_updates WHERE ts < ?",
                            [(now - timedelta(days=UPDATE_MEMORY_DAYS)).isoformat(timespec="seconds")])
        with self._lock:
            stale = [r[0] for r in self.db.execute("SELECT id FROM conversations WHERE updated_at < ?", [cutoff]).fetchall()]
        for conversation_id in stale:
            self.forget(conversation_id)
        return len(stale)
