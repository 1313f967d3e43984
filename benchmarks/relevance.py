"""Relevance benchmark (issue #14): does the right trial come first, and are trials for
other conditions ruled out, on real registry trials?

The trials: the bundled records plus every ClinicalTrials.gov record in ``shared/ctgov``
(241 real API v2 studies), imported into a fresh database exactly as ``import`` does. The
patients: the judged set in ``tests/data/relevance/`` (``dev.jsonl`` is tuned on,
``test.jsonl`` is held aside; both are reported), each a description in a patient's,
relative's or clinician's words with every trial graded 2 (for the patient's condition,
may fit), 1 (for the condition, or a close one, but probably not for this patient) or 0.

For each patient the real path runs: extraction, then ``matching.pruned.match`` over the
store's catalogue (pruning, plans, the condition gate, ranking). The list a person sees is
the judged candidates in their ranked order, the ruled-out ones (judged or left out by
pruning, judged in full the way triage does) last, those whose conditions fit the patient's
first, as the full triage list ranks them. Reported per set:

- **NDCG@10** (graded gains 2/1/0, log2 discount) over patients with a relevant trial;
- **ruled out, not relevant**: the share of grade-0 trials whose verdict is *ineligible*
  (or that pruning left out), i.e. not offered;
- **false exclusions**: grade-2 trials ruled out for any reason, and trials of grade 1 or 2
  ruled out by the condition gate (``elig-condition`` or pruned on conditions): target 0;
- the ruled-out share again over the patients who **state a diagnosis** (asserted, not only
  suspected, implied by a medicine or a value): an unknown diagnosis never rules a trial out,
  so the patients who name none keep every trial for other conditions open;
- a description of several people with their own illnesses ("my son has crohns and my
  daughter has lupus") is judged per person, as the chat serves it (``judge_patient``); its
  grades are the family's, so a trial is ruled out only when it is for none of them;
- the same NDCG@10 for a **BM25 keyword baseline**: SQLite FTS5 over each trial's title,
  conditions, keywords, MeSH terms and criteria text, queried with the patient's words.

Example: python bot.py bench matching
"""
from __future__ import annotations

import json
import math
import re
import sqlite3
import tempfile
from datetime import date
from itertools import zip_longest
from pathlib import Path
from typing import Any

from core.facts import Profile
from data.rule_nodes import walk_criteria
from data.store import all_trial_records, get_trial, open_store
from data.terminology import load_terminology
from matching.catalog import TrialCatalog
from matching.engine import match as engine_match
from matching.evaluate import Evaluator
from matching.relevance import states_a_diagnosis
from matching.pruned import match
from nlp.pipeline import extract, people_of
from registry.run import apply, plan, read_files, stored_trials

ROOT = Path(__file__).resolve().parent.parent
RELEVANCE_DIR = ROOT / "tests" / "data" / "relevance"
CTGOV_DIR = ROOT.parent / "shared" / "ctgov"
TODAY = date(2026, 12, 1)
K = 10
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def load_patients(name: str) -> list[dict[str, Any]]:
    path = RELEVANCE_DIR / f"{name}.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def build_catalogue(folder: Path, ctgov: Path = CTGOV_DIR) -> Any:
    """A fresh store with the bundled trials and every registry record of ``ctgov``."""
    db = open_store(str(folder / "relevance.db"))
    records = read_files(sorted(ctgov.glob("NCT*.json")))
    apply(db, plan(records, stored_trials(db)))
    return db


def ndcg(ranked: list[str], grades: dict[str, int], k: int = K) -> float | None:
    """NDCG@k of a ranked id list (None when nothing is relevant)."""
    ideal = sorted(grades.values(), reverse=True)[:k]
    best = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    if best == 0:
        return None
    got = sum(grades.get(t, 0) / math.log2(i + 2) for i, t in enumerate(ranked[:k]))
    return got / best


class KeywordBaseline:
    """BM25 (SQLite FTS5) over every trial's text, queried with the patient's words."""

    def __init__(self, records: list[dict]):
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE t USING fts5(id UNINDEXED, title, conditions, criteria)")
        for r in records:
            conditions = " ".join([*(r.get("conditions_text") or []), *(r.get("keywords") or []),
                                   *(r.get("condition_terms") or [])])
            criteria = " ".join(c.get("text") or "" for c in walk_criteria(r.get("criteria") or []))
            self.db.execute("INSERT INTO t VALUES (?, ?, ?, ?)",
                            [r["id"], " ".join(filter(None, [r.get("title"), r.get("official_title")])),
                             conditions, criteria])
        self.ids = [r["id"] for r in records]

    def rank(self, text: str) -> list[str]:
        words = sorted({w.lower() for w in _WORD.findall(text) if len(w) > 2})
        ranked: list[str] = []
        if words:
            query = " OR ".join(f'"{w}"' for w in words)
            ranked = [row[0] for row in self.db.execute(
                "SELECT id FROM t WHERE t MATCH ? ORDER BY bm25(t, 0, 5.0, 3.0, 1.0)", [query])]
        seen = set(ranked)
        return ranked + sorted(t for t in self.ids if t not in seen)


def judge_patient(db: Any, catalog: TrialCatalog, patient: dict, all_ids: list[str]) -> dict[str, Any]:
    """Ranked ids, verdicts and condition-gate failures for one patient, on the real path.

    A description of two or more people with their own illnesses ("my son has crohns and my
    daughter has lupus", nlp's ``people_of``) is judged the way the chat serves it: one person
    at a time, each with the facts of their own part of the text (bot/family.py asks whom to
    start with and offers the others after the results). The row's grades are the family's
    (each trial graded for whichever of them it may suit), so a trial is ruled out only when
    it is ruled out for every one of them; the list is the people's offered trials taken in
    turn, then the ruled-out ones."""
    people = people_of(patient["text"])
    if not people:
        return _judge_profile(db, catalog, Profile(extract(patient["text"])), all_ids)
    judged = [_judge_profile(db, catalog, Profile(list(p.facts)), all_ids) for p in people]
    offered = _in_turn([[t for t in j["ranked"] if t not in j["ruled_out"]] for j in judged])
    rest = [t for t in _in_turn([j["ranked"] for j in judged]) if t not in set(offered)]
    return {"ranked": offered + rest,
            "ruled_out": set.intersection(*(j["ruled_out"] for j in judged)),
            "gate": set.intersection(*(j["gate"] for j in judged)),
            "stated": any(j["stated"] for j in judged),
            "diagnoses": sorted({d for j in judged for d in j["diagnoses"]}),
            "people": len(people)}


def _in_turn(lists: list[list[str]]) -> list[str]:
    """The lists' ids taken one from each in turn, each id once."""
    seen: set[str] = set()
    merged: list[str] = []
    for row in zip_longest(*lists):
        for trial in row:
            if trial is not None and trial not in seen:
                seen.add(trial)
                merged.append(trial)
    return merged


def _judge_profile(db: Any, catalog: TrialCatalog, profile: Profile, all_ids: list[str]) -> dict[str, Any]:
    results = match(profile, catalog, today=TODAY)
    judged = {r.id for r in results}
    pruned = sorted(t for t in all_ids if t not in judged)
    verdicts = {r.id: r.verdict for r in results}
    gate: set[str] = set()
    if pruned:     # why pruning left them out: judged in full, the way triage does
        records = [get_trial(db, t) for t in pruned]
        results_pruned = engine_match(profile, records, today=TODAY)
    else:
        results_pruned = []
    for r in [*results, *results_pruned]:
        if r.verdict == "ineligible" and any(c.id == "elig-condition" and c.status == "fail" for c in r.top):
            gate.add(r.id)
    ruled_out = {t for t, v in verdicts.items() if v == "ineligible"} | set(pruned)
    # the ruled-out trials in the order the full list (triage without --prune) gives them:
    # those for the patient's condition (ruled out by another criterion) first
    out = sorted([*(r for r in results if r.verdict == "ineligible"), *results_pruned],
                 key=lambda r: -r.condition_fit)
    ranked = [r.id for r in results if r.verdict != "ineligible"] + [r.id for r in out]
    return {"ranked": ranked, "ruled_out": ruled_out, "gate": gate, "stated": _states_a_diagnosis(profile),
            "diagnoses": sorted({f.concept for f in profile.facts if f.label == "CONDITION" and not f.negated})}


def _states_a_diagnosis(profile: Profile) -> bool:
    """Whether the patient states a diagnosis the condition gate reads (``matching.relevance.
    states_a_diagnosis``: a condition, or an infection the terminology marks as one; not
    negated, a relative's, hypothetical or only suspected; no habit or exposure: "I smoke",
    "no illness at all" state none)."""
    return states_a_diagnosis(Evaluator(profile, load_terminology(), today=TODAY))


def evaluate_set(db: Any, patients: list[dict], baseline: KeywordBaseline, all_ids: list[str]) -> dict[str, Any]:
    catalog = TrialCatalog(db)
    ours, base = [], []
    not_relevant = ruled_not_relevant = 0
    stated_patients = stated_not_relevant = stated_ruled = 0
    false_any: list[str] = []
    false_gate: list[str] = []
    for patient in patients:
        grades = {t: g for t, g in patient["relevant"].items() if t in set(all_ids)}
        got = judge_patient(db, catalog, patient, all_ids)
        stated_patients += got["stated"]
        score = ndcg(got["ranked"], grades)
        if score is not None:
            ours.append(score)
            base.append(ndcg(baseline.rank(patient["text"]), grades))
        for trial in all_ids:
            grade = grades.get(trial, 0)
            if grade == 0:
                not_relevant += 1
                ruled_not_relevant += trial in got["ruled_out"]
                if got["stated"]:
                    stated_not_relevant += 1
                    stated_ruled += trial in got["ruled_out"]
            if grade == 2 and trial in got["ruled_out"]:
                false_any.append(f"{patient['id']}:{trial}")
            if grade >= 1 and trial in got["gate"]:
                false_gate.append(f"{patient['id']}:{trial}")
    return {
        "patients": len(patients),
        "with_relevant": len(ours),
        "ndcg@10": round(sum(ours) / len(ours), 4) if ours else None,
        "baseline_bm25_ndcg@10": round(sum(base) / len(base), 4) if base else None,
        "not_relevant_ruled_out": round(ruled_not_relevant / not_relevant, 4) if not_relevant else None,
        "patients_stating_a_diagnosis": stated_patients,
        "not_relevant_ruled_out_stated": round(stated_ruled / stated_not_relevant, 4) if stated_not_relevant else None,
        "false_exclusions_grade2": false_any,
        "false_exclusions_by_condition": false_gate,
    }


def _count(found: list | int) -> int:
    return found if isinstance(found, int) else len(found)


def bench_relevance(args: Any = None) -> dict[str, Any]:
    if not RELEVANCE_DIR.exists() or not CTGOV_DIR.exists():
        return {"error": f"the relevance set needs a checkout with {RELEVANCE_DIR} and {CTGOV_DIR}", "table": []}
    with tempfile.TemporaryDirectory(prefix="trialbot-relevance-") as folder:
        db = build_catalogue(Path(folder))
        records = list(all_trial_records(db))
        all_ids = sorted(r["id"] for r in records)
        baseline = KeywordBaseline(records)
        result: dict[str, Any] = {"trials": len(all_ids)}
        for name in ("dev", "test"):
            result[name] = evaluate_set(db, load_patients(name), baseline, all_ids)
        db.close()
    for key in ("false_exclusions_grade2", "false_exclusions_by_condition"):
        # the held-aside half is counted, never listed: its patients must not be looked up
        result["test"][key] = len(result["test"][key])
    table = [("trials (bundled + shared/ctgov)", result["trials"])]
    for name in ("dev", "test"):
        r = result[name]
        table += [
            (f"{name}: patients (with a relevant trial)", f"{r['patients']} ({r['with_relevant']})"),
            (f"{name}: NDCG@10 / BM25 baseline", f"{r['ndcg@10']} / {r['baseline_bm25_ndcg@10']}"),
            (f"{name}: not-relevant trials ruled out (target >= 90%)", f"{r['not_relevant_ruled_out']:.1%}"),
            (f"{name}: the same, {r['patients_stating_a_diagnosis']} patients stating a diagnosis",
             f"{r['not_relevant_ruled_out_stated']:.1%}" if r["not_relevant_ruled_out_stated"] is not None else "-"),
            (f"{name}: grade-2 trials ruled out (target 0)", _count(r["false_exclusions_grade2"])),
            (f"{name}: relevant trials ruled out by condition (target 0)", _count(r["false_exclusions_by_condition"])),
        ]
    result["table"] = table
    return result
