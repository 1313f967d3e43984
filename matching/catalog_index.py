"""The store's pruning index and every trial's plan, held in memory as arrays, so a turn
prunes and tallies thousands of candidates without a query or a Python loop per trial.

``CatalogIndex.build(db, plans)`` reads ``trial_limits`` (hard age/sex limits, condition
count, plan) and ``trial_conditions`` once, for one ``data.store.trials_version``;
``index.find(patient)`` answers what ``matching.candidates`` answers in SQL, by the same
rules (``tests/test_catalog_index.py`` checks they agree), and ``index.tops(rows)`` gives
the candidates' top-level criterion nodes for ``matching.vector.tally``. The index is
valid while the trials version is unchanged; ``TrialCatalog`` rebuilds it otherwise and
uses SQL meanwhile.
"""
from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from matching.candidates import narrowing
from matching.plans import TrialPlan
from matching.vector import pin_owners, tops_of

_SEX = {"FEMALE": 1, "MALE": 2}
_CHUNK = 2_000              # plans loaded per call while building (a turn may run in between)


class CatalogIndex:
    """Every stored trial, in id order (row numbers are positions in that order)."""

    def __init__(self, version: str, ids: list[str], hashes: list[str], plans: list[TrialPlan],
                 min_age: np.ndarray, max_age: np.ndarray, sex: np.ndarray, listed: np.ndarray,
                 by_concept: dict[str, np.ndarray]):
        self.version = version
        self.ids = ids
        self.hashes = hashes
        self.plans = plans
        self.min_age, self.max_age, self.sex, self.listed = min_age, max_age, sex, listed
        self.by_concept = by_concept
        self.no_conditions = np.flatnonzero(listed == 0)
        self.flat, self.sizes, _ = tops_of(plans)
        self.starts = np.cumsum(self.sizes) - self.sizes
        self._every: tuple | None = None            # ``tops`` of every row, once asked (``every``)
        # ``matching.engine.condition_lists`` of the plans (set by ``TrialCatalog``): the
        # distinct lists of conditions and each row's place among them
        self.conditions: tuple[list, np.ndarray] | None = None

    @classmethod
    def build(cls, db: Any, version: str, plan_cache: Any) -> "CatalogIndex":
        intern = sys.intern     # ids and hashes: one string each however many caches hold them
        rows = [(intern(r[0]), intern(r[1]), *r[2:]) for r in db.execute(
            "SELECT trial_id, source_hash, min_age, max_age, sex, conditions FROM trial_limits ORDER BY trial_id")]
        ids = [r[0] for r in rows]
        plans: dict[str, TrialPlan] = {}
        for start in range(0, len(rows), _CHUNK):      # the plan cache's lock is let go between chunks
            plans.update(plan_cache.plans(db, [(r[0], r[1]) for r in rows[start:start + _CHUNK]]))
        kept = [i for i, trial_id in enumerate(ids) if trial_id in plans]    # deleted meanwhile: left out
        rows = [rows[i] for i in kept]
        ids = [r[0] for r in rows]
        position = {trial_id: i for i, trial_id in enumerate(ids)}
        concepts: dict[str, list[int]] = {}
        for trial_id, concept in db.execute("SELECT trial_id, concept FROM trial_conditions").fetchall():
            row = position.get(trial_id)
            if row is not None:
                concepts.setdefault(concept, []).append(row)
        return cls(
            version, ids, [r[1] for r in rows], [plans[trial_id] for trial_id in ids],
            np.array([np.nan if r[2] is None else r[2] for r in rows], dtype=np.float64),
            np.array([np.nan if r[3] is None else r[3] for r in rows], dtype=np.float64),
            np.array([_SEX.get(r[4], 0) for r in rows], dtype=np.int8),
            np.array([r[5] or 0 for r in rows], dtype=np.int64),
            {c: np.unique(np.array(found, dtype=np.int64)) for c, found in concepts.items()},
        )

    def __len__(self) -> int:
        return len(self.ids)

    def find(self, patient: Any) -> tuple[np.ndarray, tuple[str, ...], str]:
        """(candidate rows in id order, the diagnoses some trial treats, why conditions did
        not narrow, or "") for a ``matching.candidates.Patient``."""
        diagnoses, reason = narrowing(patient, lambda concepts: tuple(sorted(
            c for c in set(concepts) if c in self.by_concept)))
        if diagnoses:
            rows = np.unique(np.concatenate([self.by_concept[c] for c in diagnoses] + [self.no_conditions]))
        else:
            rows = np.arange(len(self.ids), dtype=np.int64)
        return rows[self._admits(rows, patient)], diagnoses, reason

    def outside(self, patient: Any, diagnoses: Sequence[str]) -> np.ndarray:
        """The rows listing one of ``diagnoses`` whose hard age or sex limits exclude the
        patient (what ``find`` leaves out for its limits alone), in id order
        (``matching.outside_limits``)."""
        found = [self.by_concept[c] for c in diagnoses if c in self.by_concept]
        if not found:
            return np.zeros(0, dtype=np.int64)
        rows = np.unique(np.concatenate(found))
        return rows[~self._admits(rows, patient)]

    def _admits(self, rows: np.ndarray, patient: Any) -> np.ndarray:
        """Which of ``rows`` the patient's age and sex meet (no limit: met)."""
        keep = np.ones(len(rows), dtype=bool)
        if patient.age is not None:
            low, high = self.min_age[rows], self.max_age[rows]
            keep &= (np.isnan(low) | (low <= patient.age)) & (np.isnan(high) | (high >= patient.age))
        if patient.sex is not None:
            sex = self.sex[rows]
            keep &= (sex == 0) | (sex == _SEX[patient.sex])
        return keep

    def pairs(self, rows: np.ndarray) -> "Pairs":
        """``(id, source_hash)`` of ``rows``, as ``Candidates.trials`` holds them (made on
        demand: thousands of tuples kept per remembered answer would slow every garbage
        collection)."""
        return Pairs(self, rows)

    def tops(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
        """``matching.vector.tops_of`` for the plans of ``rows``, gathered from the arrays."""
        sizes = self.sizes[rows]
        total = int(sizes.sum())
        if not total:
            return np.zeros(0, dtype=np.int64), sizes, -1
        if len(rows) == len(self.sizes) and np.array_equal(rows, np.arange(len(rows))):
            # every row (no diagnosis yet: 100,000 candidates): the arrays as they are, not
            # gathered, the same (read-only) objects every time, their nodes' plans worked out
            # once (``matching.vector.pin_owners``)
            return self.every()
        begin = np.cumsum(sizes) - sizes
        flat = self.flat[np.repeat(self.starts[rows] - begin, sizes) + np.arange(total)]
        return flat, sizes, int(flat.max())

    def every(self) -> tuple[np.ndarray, np.ndarray, int]:
        """``tops`` of every row: read-only views of the index's arrays, made once."""
        if self._every is None:
            flat, sizes = self.flat.view(), self.sizes.view()
            flat.flags.writeable = sizes.flags.writeable = False
            pin_owners(flat, sizes)
            self._every = (flat, sizes, int(self.flat.max()) if len(self.flat) else -1)
        return self._every


class Pairs(Sequence):
    """``(id, source_hash)`` of some rows of an index, as a read-only sequence."""

    def __init__(self, index: CatalogIndex, rows: np.ndarray):
        self._index = index
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        row = int(self._rows[i])
        return self._index.ids[row], self._index.hashes[row]

    def __iter__(self):
        ids, hashes = self._index.ids, self._index.hashes
        for row in self._rows.tolist():
            yield ids[row], hashes[row]
