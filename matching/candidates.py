"""Candidate pruning: which stored trials are worth judging for a patient, decided in
SQLite before any criterion is evaluated, so the cost of matching follows the trials a
patient could match rather than every trial in the database.

``find_candidates(db, profile) -> Candidates`` uses two indexes the store keeps:
``trial_conditions`` (per trial, its condition concepts with their ancestors and
descendants) and ``trial_limits`` (per trial, the age range and sex the matcher holds every
patient to, see ``data/limits.py``).

A trial is left out only when it cannot match:

- **conditions**: the patient has stated a diagnosis, and none of the trial's conditions
  is that diagnosis, a broader or a narrower concept of it. A diagnosis is *stated* when
  the patient asserts a condition (not negated, hypothetical, family history or only
  suspected) that some stored trial treats; comorbidities no trial treats ("a stroke")
  and merely suspected diagnoses do not count. Trials listing no condition at all are
  always kept. When a condition fact names something the terminology does not know
  (matching may then relate it to a trial's concept by spelling), nothing is pruned on
  conditions.
- **age**: the patient's age, as the matcher reads it (``matching.leaves.stated_age``:
  one plausible age), is given exactly and lies outside the trial's hard limits. An age
  given as a bound ("over 60") prunes nothing.
- **sex**: the matcher's own sex judge says the patient is female (male) and the trial
  admits only the other sex.

**No diagnosis known** (nothing stated yet, only suspected, or only comorbidities): the
conditions cannot narrow anything, ``Candidates.diagnosis_known`` is False and says why,
and every trial within the patient's age and sex limits is a candidate: the caller
evaluates what it asks for. The conversation engine then judges all of them; its first
question is the diagnosis (docs/benchmarks.md gives the cost of such a turn).
"""
from __future__ import annotations

import json
import math
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable

from core.facts import Profile
from core.truth import FALSE, TRUE
from data.terminology import load_terminology

_FEMALE = {"type": "sex", "allowed": ["female"]}      # the matcher's own sex judge, asked three ways
_MALE = {"type": "sex", "allowed": ["male"]}
_EITHER = {"type": "sex", "allowed": ["female", "male"]}


@dataclass(frozen=True)
class Patient:
    """What pruning knows of a patient: asserted condition concepts, age in whole years as
    the matcher counts it (or None), sex (``FEMALE`` / ``MALE`` / None), and why anything
    the profile holds is not used."""

    conditions: tuple[str, ...] = ()
    age: int | None = None
    sex: str | None = None
    unknown_conditions: bool = False
    notes: tuple[str, ...] = ()


@dataclass
class Candidates:
    """The trials to judge, as ``(trial id, source hash)`` pairs in id order."""

    trials: list[tuple[str, str]]
    total: int                               # trials in the database
    patient: Patient
    diagnosis_known: bool
    diagnoses: tuple[str, ...] = ()          # the patient's concepts some trial treats
    reason: str = ""                         # why conditions did not narrow (when not known)
    memo: dict = field(default_factory=dict, repr=False, compare=False)   # what callers derive from it

    @property
    def ids(self) -> list[str]:
        return [trial_id for trial_id, _ in self.trials]

    @property
    def left_out(self) -> int:
        return self.total - len(self.trials)


def patient_of(profile: Profile, today: Any = None) -> Patient:
    """The pruning-relevant facts of a profile, read the way the matcher reads them."""
    from matching.evaluate import Evaluator  # start-up: the matcher only once a turn matches
    from matching.leaves import stated_age  # start-up: the matcher only once a turn matches
    from matching.relevance import asserted_diagnoses, implied_diagnoses, suspected_diagnoses  # start-up: the matcher only once a turn matches

    terminology = load_terminology()
    ev = Evaluator(profile, terminology, today=today)
    notes: list[str] = []
    conditions: list[str] = []
    unknown = False
    # the gate's stated diagnoses: a habit or exposure ("I smoke", "no illness at all") is none,
    # so it narrows nothing (as it rules nothing out)
    stated = asserted_diagnoses(ev)
    # conditions measured values imply (BMI: obesity) widen what a stated diagnosis keeps;
    # alone they narrow nothing, as they rule nothing out (matching.relevance)
    implied = implied_diagnoses(ev, stated) if stated else []
    # a diagnosis only suspected beside a stated one keeps its trials too (the gate: unknown)
    suspected = suspected_diagnoses(ev) if stated else []
    for fact in (*stated, *implied, *suspected):          # the gate's own (matching.relevance)
        if fact.concept in terminology:
            conditions.append(fact.concept)
        else:
            unknown = True
    if unknown:
        notes.append("a condition the terminology does not know was mentioned")
    age = None
    fact, problem = stated_age(ev)
    if fact is not None and problem is None:
        if fact.comparator:
            notes.append("the age is given as a bound")
        else:
            age = math.floor(fact.value)
    sex = None
    if ev.leaf(_FEMALE).value == TRUE:
        sex = "FEMALE"
    elif ev.leaf(_MALE).value == TRUE:
        sex = "MALE"
    elif ev.leaf(_EITHER).value == FALSE:
        notes.append("the sex stated is neither female nor male")
    return Patient(tuple(dict.fromkeys(conditions)), age, sex, unknown, tuple(notes))


_FOUND: "weakref.WeakKeyDictionary[Any, OrderedDict]" = weakref.WeakKeyDictionary()
_FOUND_LOCK = threading.Lock()
_FOUND_PER_DB = 16


def find_candidates(db: Any, profile: Profile, today: Any = None) -> Candidates:
    """The stored trials this patient could match (see the module docstring). The same
    pruning facts on an unchanged trials table (``data.store.trials_version``) reuse the
    last answer: a conversation's turns mostly add facts pruning does not read."""
    from data.store import trials_version  # start-up: the store only for commands that open it

    patient = patient_of(profile, today)
    version = trials_version(db)
    if version is None:
        return _find(db, patient)
    key = (patient, version)
    with _FOUND_LOCK:
        kept = _FOUND.setdefault(db, OrderedDict())
        found = kept.get(key)
        if found is not None:
            kept.move_to_end(key)
            return found
    found = _find(db, patient)
    with _FOUND_LOCK:
        kept[key] = found
        while len(kept) > _FOUND_PER_DB:
            kept.popitem(last=False)
    return found


def narrowing(patient: Patient, treated: Callable[[tuple[str, ...]], tuple[str, ...]]) -> tuple[tuple[str, ...], str]:
    """(the patient's stated diagnoses some stored trial treats, in concept order; why the
    conditions cannot narrow the candidates, or ""). ``treated(concepts)`` gives those of
    ``concepts`` some stored trial lists, sorted (SQL or the in-memory index)."""
    if patient.unknown_conditions:
        return (), "a condition was named that the terminology does not know"
    if not patient.conditions:
        return (), "no diagnosis stated yet"
    diagnoses = treated(patient.conditions)
    return diagnoses, "" if diagnoses else "no stored trial treats the conditions stated"


def _find(db: Any, patient: Patient) -> Candidates:
    total = db.execute("SELECT count(*) FROM trial_limits").fetchone()[0]
    diagnoses, reason = narrowing(patient, lambda concepts: tuple(row[0] for row in db.execute(
        "SELECT DISTINCT concept FROM trial_conditions WHERE concept IN (SELECT value FROM json_each(?)) ORDER BY concept",
        [json.dumps(list(concepts))])))
    where, params = demographics_sql(patient)
    if diagnoses:
        sql = ("WITH matched(trial_id) AS ("
               " SELECT trial_id FROM trial_conditions WHERE concept IN (SELECT value FROM json_each(?))"
               " UNION SELECT trial_id FROM trial_limits WHERE conditions = 0) "
               f"SELECT l.trial_id, l.source_hash FROM matched m JOIN trial_limits l ON l.trial_id = m.trial_id "
               f"WHERE {where} ORDER BY l.trial_id")
        params = [json.dumps(list(diagnoses)), *params]
    else:
        sql = f"SELECT l.trial_id, l.source_hash FROM trial_limits l WHERE {where} ORDER BY l.trial_id"
    trials = [(row[0], row[1]) for row in db.execute(sql, params)]
    return Candidates(trials, total, patient, bool(diagnoses), diagnoses, reason)


def demographics_sql(patient: Patient) -> tuple[str, list[Any]]:
    """SQL keeping the trials whose hard limits admit the patient (NULL: no limit)."""
    clauses, params = ["1"], []
    if patient.age is not None:
        clauses.append("(l.min_age IS NULL OR l.min_age <= ?) AND (l.max_age IS NULL OR l.max_age >= ?)")
        params += [patient.age, patient.age]
    if patient.sex is not None:
        clauses.append("(l.sex IS NULL OR l.sex = ?)")
        params.append(patient.sex)
    return " AND ".join(clauses), params
