"""What the ranking reads from the stored trials, remembered per store while its trials stay
the same: one memo and one reading of rows for the ranking helpers (``matching.keywords``,
``status_trials``, ``targets``, ``outside_limits``, ``untreating``, ``volunteer_trials``).

- ``store_key(db)``: ``(id(db), trials_version(db))``, which changes whenever any process
  writes or deletes trials.
- ``StoreMemo``: values by store key and what was asked, at most ``limit`` of them, the
  oldest going first. A value is worked out by the caller's function only when it is not
  kept; an error while working it out passes and keeps nothing.
- ``stored_rows(db, sql)``: the rows of a SELECT, none from an older store that lacks the
  column or table read ("no such column", "no such table").
"""
from __future__ import annotations

from typing import Any, Callable, Hashable, Iterator, TypeVar

from data.store import trials_version

T = TypeVar("T")
_MISSING = object()


def store_key(db: Any) -> tuple[int, str | None]:
    """The store and its trials version: what every value read from the trials is kept by."""
    return (id(db), trials_version(db))


class StoreMemo:
    """Values by ``(store key, *asked)``; at most ``limit``, the oldest going first.
    ``unversioned=False``: a store whose trials carry no version yet keeps nothing (its
    value is worked out each time)."""

    def __init__(self, limit: int = 1, unversioned: bool = True):
        self.limit = limit
        self.unversioned = unversioned
        self._entries: dict[tuple, Any] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        self._entries.clear()

    def get(self, db: Any, compute: Callable[[], T], *asked: Hashable,
            store: tuple[int, str | None] | None = None) -> T:
        """The value kept for ``db`` (or the ``store`` key already read) and ``asked``,
        else ``compute()``, kept."""
        store = store_key(db) if store is None else store
        if store[1] is None and not self.unversioned:
            return compute()
        key = (store, *asked)
        found = self._entries.get(key, _MISSING)
        if found is not _MISSING:
            return found
        found = compute()
        if len(self._entries) >= self.limit:
            self._entries.pop(next(iter(self._entries)))
        self._entries[key] = found
        return found


def stored_rows(db: Any, sql: str, params: Any = ()) -> Iterator[tuple]:
    """The rows of ``sql``; none when the store is older than the column or table it reads
    (an error saying "no such ..."); any other error passes."""
    try:
        yield from db.execute(sql, params)
    except Exception as exc:      # an older store: no such column or table
        if "no such" not in str(exc):
            raise
