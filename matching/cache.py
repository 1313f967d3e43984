"""Caches that keep matching cheap from one conversation turn to the next.

- ``RecordCache``: trial records "compiled" once per process (parsed from the store's JSON,
  identical rule leaves of different trials shared as one object, so the evaluator's
  per-leaf cache serves them all) and reused until the trial's ``source_hash`` in the store
  changes. Bounded: the least recently used records go first.
- ``shared_cache``: the process's record cache, which every ``TrialCatalog``
  (``matching/catalog.py``) shares (with ``matching.plans.shared_plans``).
- ``Memo``: a small least-recently-used memo for whole results (``bot/collaborators.py``
  keys match results by the profile's facts, the day and the candidates' hashes: a turn
  that changes no fact, e.g. "not sure", reuses the last results).
- ``Lru``: a bounded mapping by content (each trial's question values, by the values of
  its nodes: ``matching/questions.py``).

Nothing here changes what matching decides: records are the stored ones, leaves are shared
only between trials (two equal leaves of one trial stay two objects, so a "what if" on one
never answers the other), and cached results are reused only for the same inputs.
"""
from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Any, Callable, Hashable, Iterable

from data.rule_nodes import walk_criteria

RECORD_LIMIT = 2_000       # records kept (~30 KB each): only trials shown or explained are loaded
_FETCH = 2_000             # ids per SQL query


class ByHash:
    """Values by trial id, each valid for one source hash; at most ``limit``, the least
    recently used going first. Not locked: its owner holds its own lock around it."""

    def __init__(self, limit: int):
        self.limit = limit
        self._entries: OrderedDict[str, tuple[str, Any]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def split(self, trials: Iterable[tuple[str, str]]) -> tuple[dict[str, Any], list[str]]:
        """(the values still valid for these ``(id, source_hash)`` pairs, by id; the ids to
        fetch again)."""
        found: dict[str, Any] = {}
        stale: list[str] = []
        for trial_id, source_hash in trials:
            entry = self._entries.get(trial_id)
            if entry is not None and entry[0] == source_hash:
                self._entries.move_to_end(trial_id)
                found[trial_id] = entry[1]
            else:
                stale.append(trial_id)
        return found, stale

    def keep(self, trial_id: str, source_hash: str, value: Any) -> Any:
        self._entries[trial_id] = (source_hash, value)
        self._entries.move_to_end(trial_id)
        while len(self._entries) > self.limit:
            self._entries.popitem(last=False)
        return value


class RecordCache:
    """Compiled records by trial id, each valid for one ``source_hash``."""

    def __init__(self, limit: int = RECORD_LIMIT):
        self._records = ByHash(limit)
        self._leaves: dict[str, list[dict]] = {}
        self._lock = threading.Lock()
        self.hits = self.compiled = 0

    def __len__(self) -> int:
        return len(self._records)

    def records(self, db: Any, trials: list[tuple[str, str]]) -> list[dict]:
        """The compiled records of ``(id, source_hash)`` pairs, in their order (a trial
        deleted meanwhile is left out)."""
        with self._lock:
            found, stale = self._records.split(trials)
            self.hits += len(found)
            for start in range(0, len(stale), _FETCH):
                rows = db.execute(
                    "SELECT id, source_hash, record FROM trials WHERE id IN (SELECT value FROM json_each(?))",
                    [json.dumps(stale[start:start + _FETCH])]).fetchall()
                for trial_id, source_hash, text in rows:
                    found[trial_id] = self._records.keep(trial_id, source_hash, self.compile(text))
            return [found[trial_id] for trial_id, _ in trials if trial_id in found]

    def compile(self, text: str) -> dict:
        """A record from its stored JSON, with leaves shared across trials."""
        record = json.loads(text)
        seen: dict[str, int] = {}
        for criterion in walk_criteria(record.get("criteria") or []):
            if criterion.get("rule") is not None:
                criterion["rule"] = self._share(criterion["rule"], seen)
        self.compiled += 1
        return record

    def _share(self, rule: dict, seen: dict[str, int]) -> dict:
        for op in ("all", "any"):
            if op in rule:
                rule[op] = [self._share(sub, seen) for sub in rule[op]]
                return rule
        if "not" in rule:
            rule["not"] = self._share(rule["not"], seen)
            return rule
        key = json.dumps(rule, sort_keys=True)
        nth = seen.get(key, 0)              # the n-th equal leaf of this trial ...
        seen[key] = nth + 1
        shared = self._leaves.setdefault(key, [])
        if nth < len(shared):               # ... is the n-th shared object
            return shared[nth]
        shared.append(rule)
        return rule


_SHARED = RecordCache()


def shared_cache() -> RecordCache:
    """The process's record cache (every engine and command shares it)."""
    return _SHARED


class Memo:
    """The last few results of an expensive call, by a hashable key. ``keep`` holds objects
    the key refers to by identity (so their ids stay theirs while the entry lives). At most
    ``size`` entries, and (when ``max_weight`` is given) entries weighing at most that much
    together, the newest one always kept: a memo of match results must not hold several
    100,000-trial result lists at once."""

    def __init__(self, size: int = 4, max_weight: int | None = None):
        self.size = size
        self.max_weight = max_weight
        self._entries: OrderedDict[Hashable, tuple[Any, Any, int]] = OrderedDict()
        self._weight = 0                    # the entries' weights together
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Hashable, compute: Callable[[], Any], keep: Any = None,
            weigh: Callable[[Any], int] | None = None) -> Any:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return entry[0]
        value = compute()
        with self._lock:
            self.misses += 1
            old = self._entries.pop(key, None)
            if old is not None:
                self._weight -= old[2]
            weight = weigh(value) if weigh is not None else 1
            self._entries[key] = (value, keep, weight)
            self._weight += weight
            while len(self._entries) > 1 and (len(self._entries) > self.size or self._too_heavy()):
                self._weight -= self._entries.popitem(last=False)[1][2]
        return value

    def _too_heavy(self) -> bool:
        return self.max_weight is not None and self._weight > self.max_weight

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._weight = 0


class Lru:
    """A bounded least-recently-used mapping (``get`` / ``put``), locked: values found by
    content (``matching.questions`` keeps each trial's question values by the values of its
    nodes, so a later turn, or another conversation, with the same values reuses them)."""

    def __init__(self, limit: int):
        self.limit = limit
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> Any:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: Hashable, value: Any) -> Any:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.limit:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
