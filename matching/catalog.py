"""``TrialCatalog``: what the conversation engine holds instead of a list of every record.
``candidates(profile)`` prunes (in memory once preloaded, ``matching.catalog_index``; in
SQLite meanwhile, ``matching.candidates``) and returns the compiled records of the trials
left; iterating it streams every record (``/trials``)."""
from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Any, Iterator

from core.facts import Fact, Profile
from data.terminology import load_terminology
from matching.cache import RecordCache, shared_cache
from matching.candidates import find_candidates, patient_of
from matching.plans import shared_plans

_FETCH = 2_000             # ids per SQL query


class TrialCatalog:
    """The trials in the store, for the conversation engine: pruned and compiled on demand.
    Behaves as a read-only sequence of records ordered by id (``len``, ``[i]``, iteration)."""

    def __init__(self, db: Any, cache: RecordCache | None = None, plans: Any = None):
        self.db = db
        self.cache = cache if cache is not None else shared_cache()
        self.plans = plans if plans is not None else shared_plans()
        self.last = None               # the last Candidates found (for benchmarks and logs)
        self._index: Any = None        # matching.catalog_index.CatalogIndex, once preloaded
        self._building: threading.Thread | None = None
        self._lock = threading.Lock()
        self.found: OrderedDict = OrderedDict()   # Candidates by (index version, patient)

    def preload(self, today: Any = None) -> int:
        """Load every stored trial's plan, the judge-ready nodes and the in-memory pruning
        index (``matching.catalog_index``) now, at start-up, so no turn waits for them;
        returns the trials loaded. Once preloaded, the index is rebuilt in the background
        whenever the trials change (turns prune in SQL meanwhile). Every leaf is judged
        once for a patient of whom nothing is known yet on ``today`` (the engine's day;
        None: the real one), as the first turn would: what each leaf reads with no facts is
        then known (``matching.evaluate``), so the first turn judges again only the leaves
        whose facts it brings."""
        from matching import keywords, status_trials  # start-up: the matcher only once a turn matches
        from matching.evaluate import _judges  # start-up: the matcher only once a turn matches
        from matching.targets import untargeted_trials  # start-up: the matcher only once a turn matches
        from matching.untreating import untreating_trials  # start-up: the matcher only once a turn matches
        from matching.volunteer_trials import volunteer_trials  # start-up: the matcher only once a turn matches

        index = self._build_index()
        snapshot = self.plans.book.snapshot()
        _judges()                          # the leaf judges' modules, and what pruning reads
        patient_of(Profile([]))
        if index is not None:
            _prepare_conditions(self.plans.book, snapshot, index.plans, index.conditions)
            _judge_nothing_known(self.plans.book, index.plans, today)
            index.every()                  # every row's top-level nodes and their plans (a turn before a diagnosis)
            keywords.preload(self.db)      # the text index's ids and sizes, read by the first turn's ranking
            # the trials naming any target antigen and those for a cancer (the same for every
            # patient, remembered while the trials stay the same): the first turn's ranking reads them
            untargeted_trials(self.db, Profile([]))
            # and those naming the product's own treatment (CAR-T), the requested trials of
            # every patient who asks for no other treatment (``keywords.requested_trials``)
            keywords.requested_trials(self.db, Profile([]))
            # and those naming each status of a disease (``status_trials.mismatched_trials``),
            # and the studies offering no treatment (every record read: 0.5 s at 10,000 trials)
            status_trials.preload(self.db)
            untreating_trials(self.db)
            # and the studies for healthy people and those accepting them, which a healthy
            # person's first turn read from every record (~5 s at 100,000 trials)
            volunteer_trials(self.db).for_healthy()
        # data files the first turn would read otherwise (~12 ms of YAML): the reply words
        # the ranking leaves out of its query, the priors of question choice
        from matching.question_priors import load_priors  # start-up: the matcher only once a turn matches
        from data.condition_names import preload as condition_lists  # start-up: names only when planning

        keywords.reply_words()
        load_priors()
        # and the word lists of data/evidence.yaml that a trial's criteria are read with
        # when results are shown (``matching.engine.planned_criteria``)
        condition_lists()
        return len(index) if index is not None else 0

    def index(self) -> Any:
        """The in-memory pruning index while it matches the stored trials, else None."""
        from data.store import trials_version  # start-up: the store only for commands that open it

        current = self._index
        if current is None:
            return None
        if current.version == trials_version(self.db):
            return current
        with self._lock:                   # stale: rebuild once, in the background
            if self._building is None:
                self._building = threading.Thread(target=self._rebuild, name="trialbot-index", daemon=True)
                self._building.start()
        return None

    def _rebuild(self) -> None:
        try:
            self._build_index()
        except Exception:                  # the SQL path keeps working; the next turn retries
            pass
        finally:
            with self._lock:
                self._building = None

    def _build_index(self) -> Any:
        from data.store import trials_version  # start-up: the store only for commands that open it
        from matching.catalog_index import CatalogIndex  # start-up: numpy (~0.17 s) only once plans are judged

        version = trials_version(self.db)
        if version is None:
            return None
        from matching.engine import condition_lists  # start-up: the matcher only once a turn matches

        index = CatalogIndex.build(self.db, version, self.plans)
        # every plan's list of conditions, once (a turn's candidates take their places from it)
        index.conditions = condition_lists(index.plans, self.plans.book)
        if trials_version(self.db) == version:     # unchanged while reading: current
            self._index = index
        return index

    def record(self, trial_id: str) -> dict:
        """The stored record of one trial (what a result shows), or ``{"id": ...}`` when it
        was deleted meanwhile."""
        row = self.db.execute("SELECT source_hash FROM trial_limits WHERE trial_id = ?", [trial_id]).fetchone()
        found = self.cache.records(self.db, [(trial_id, row[0])]) if row else []
        return found[0] if found else {"id": trial_id}

    def candidates(self, profile: Any, today: Any = None) -> tuple[list[dict], Any]:
        """(compiled records of the candidate trials, the ``Candidates`` found)."""
        found = find_candidates(self.db, profile, today)
        self.last = found
        return self.cache.records(self.db, found.trials), found

    def __len__(self) -> int:
        return self.db.execute("SELECT count(*) FROM trials").fetchone()[0]

    def __bool__(self) -> bool:
        return self.db.execute("SELECT 1 FROM trials LIMIT 1").fetchone() is not None

    def __getitem__(self, index: int) -> dict:
        if not isinstance(index, int):
            raise TypeError("TrialCatalog indices are integers")
        count = len(self)
        if index < 0:
            index += count
        if not 0 <= index < count:
            raise IndexError("trial index out of range")
        row = self.db.execute("SELECT id, source_hash FROM trials ORDER BY id LIMIT 1 OFFSET ?", [index]).fetchone()
        return self.cache.records(self.db, [(row[0], row[1])])[0]

    def __iter__(self) -> Iterator[dict]:
        """Every record, in id order, streamed (records not cached are not added)."""
        last = ""
        while True:
            rows = self.db.execute("SELECT id, record FROM trials WHERE id > ? ORDER BY id LIMIT ?", [last, _FETCH]).fetchall()
            if not rows:
                return
            for trial_id, text in rows:
                yield json.loads(text)
            last = rows[-1][0]


def _prepare_conditions(book: Any, snapshot: Any, plans: list, lists: tuple | None = None) -> None:
    """Work out now what the first turn stating a diagnosis would otherwise: the reach of
    every condition gate (``matching.relevance``) and of every trial's list of conditions
    (the ranking's condition fit), remembered by the relevance module. It judges the gates
    (one by one, and as the snapshot's list, as a turn reads them) and the fits for one
    known condition (per list, and by the catalog's list numbers ``lists`` as a turn reads
    them: each list's reach kept by its number, ``relevance.list_strengths``, which a new
    diagnosis at 100,000 trials otherwise looked up for ~11,000 lists, ~10 ms) and keeps
    nothing of the judgement itself but the relevance module's memos."""
    from matching.engine import condition_fits  # start-up: the matcher only once a turn matches
    from matching.evaluate import Evaluator  # start-up: the matcher only once a turn matches
    from matching.relevance import BULK_VALUES, VALUES  # start-up: the matcher only once a turn matches

    terminology = load_terminology()
    concept = next((c for plan in plans for c in plan.conditions if c in terminology), None)
    judge = VALUES.get("target_condition")
    if concept is None or judge is None:
        return
    ev = Evaluator(Profile([Fact("CONDITION", concept, concept, 0, len(concept))]))
    arg = book.arg
    gates = [arg[i] for i in snapshot.leaves if arg[i].get("type") == "target_condition"]
    for leaf in gates:
        judge(ev, leaf)
    bulk = BULK_VALUES.get("target_condition")
    if bulk is not None:        # the gates of the snapshot together, as a turn reads them
        bulk(ev, snapshot, gates)
    condition_fits(plans, ev, book)
    if lists is not None:       # (a copy: the call above is remembered for this list of plans)
        condition_fits(list(plans), ev, book, lists)


def _judge_nothing_known(book: Any, plans: list, today: Any) -> None:
    """Judge the snapshot's leaves once for an empty profile (``TrialCatalog.preload``):
    the evaluator remembers each leaf's baseline and the list's values (keyed by the facts
    they rest on, so a turn re-judges the leaves whose facts changed); nothing else is kept."""
    from matching.evaluate import Evaluator  # start-up: the matcher only once a turn matches
    from matching.plans import Judgement  # start-up: the matcher only once a turn matches

    if plans:
        Judgement(book, Evaluator(Profile([]), today=today)).tallies(plans[:1])
