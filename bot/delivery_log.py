"""The delivery log: the reply pieces Telegram accepted, noted the instant its
answer arrives, so a crash right after a send does not send the piece again.

A reply piece waits in the outbox (``bot.session_store``) until Telegram accepted it; the
bot then deletes it there. That delete is a database transaction, on a thread of its own,
behind other work and possibly behind an engine worker's commit: a ``kill -9`` in that
time leaves the piece in the outbox and the restarted bot sends it again. The Bot API has
no idempotency key, so instead the piece's key is appended to this file by the request that
sent it, in the event loop, as soon as Telegram's answer is read (one ``write`` of a few
bytes: in the operating system's hands at once, so a killed process cannot lose it). At
start-up every piece in the log is deleted from the outbox before anything is sent, then the
log is emptied; a clean stop does the same, so it leaves no log behind.

The file is ``<database>.sent`` beside the database, owner-only; it holds each piece's
key, one a line: the update id of the turn it answers and its position in the reply (two
decimal numbers), never any text. (Not the outbox row id: SQLite reuses the id of a
deleted last row, so an id noted before a crash could name a newer piece.) While the bot runs it is rotated (``rotate``): the full
log becomes ``<database>.sent.old`` and is removed once the outbox deletes of every piece in
it are committed (``apply_old``, on the outbox thread); start-up applies both files.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterable

Key = tuple[int, int]           # (update id, position)

SUFFIX = ".sent"
OLD = ".old"


class DeliveryLog:
    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.old = Path(str(self.path) + OLD)
        self._fd: int | None = None

    @classmethod
    def beside(cls, db_path: str | os.PathLike | None) -> "DeliveryLog | None":
        """The log of the database at ``db_path`` (None for an in-memory database)."""
        return cls(str(db_path) + SUFFIX) if db_path else None

    # --- start-up ---------------------------------------------------------------------
    def recover(self, delete: Callable[[Iterable[Key]], object]) -> int:
        """Delete from the outbox (``delete(keys)``) every piece a previous run noted as
        accepted, then empty the log; returns how many were applied."""
        ids = read_keys(self.old) | read_keys(self.path)
        if ids:
            delete(sorted(ids))
        for path in (self.old, self.path):
            try:
                path.unlink()
            except FileNotFoundError:
                pass
        return len(ids)

    def keys(self) -> set[Key]:
        """Every piece noted so far (both files; read only: an engine worker that starts
        again takes these off the outbox before its first turn)."""
        return read_keys(self.old) | read_keys(self.path)

    # --- while running -------------------------------------------------------------------
    def append(self, key: Key) -> None:
        """Note a piece as accepted (one write; survives the process being killed)."""
        if self._fd is None:
            self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.write(self._fd, b"%d %d\n" % key)

    def rotate(self) -> bool:
        """Move the log aside (``.old``) and start a new one; False when there was nothing
        to move or an older log still waits to be applied."""
        if self._fd is None or self.old.exists():
            return False
        os.close(self._fd)
        self._fd = None
        os.replace(self.path, self.old)
        return True

    def apply_old(self, delete: Callable[[Iterable[Key]], object]) -> None:
        """Delete the rotated log's pieces from the outbox (again: they were deleted
        after sending already), then remove it."""
        ids = read_keys(self.old)
        if ids:
            delete(sorted(ids))
        try:
            self.old.unlink()
        except FileNotFoundError:
            pass

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def read_keys(path: Path) -> set[Key]:
    """The keys in a log file (a line cut short by a crash is ignored)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return set()
    keys = set()
    for line in data.split(b"\n")[:-1]:
        parts = line.split()
        if len(parts) == 2 and all(part.isdigit() for part in parts):
            keys.add((int(parts[0]), int(parts[1])))
    return keys
