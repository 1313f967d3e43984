"""Compiled plans (matching/plans.py, matching/vector.py, data/rule_nodes.py) decide exactly
what the criterion-by-criterion explanation decides: every top-level status, the verdict,
and every "what if" answer question choice tries; stored plans equal plans compiled from
the records; the caches around them follow the store."""
from __future__ import annotations

import json
from datetime import date
from functools import lru_cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.rule_nodes import flatten, registry_criteria, walk_criteria
from data.store import open_store, upsert_trials
from benchmarks.synthetic import build_database, generate
from data.terminology import load_terminology
from data.trials import load_trials
from matching import pruned
from matching.cache import RecordCache
from matching.catalog import TrialCatalog
from matching.candidates import find_candidates
from matching.engine import INELIGIBLE, LIKELY, POSSIBLE, judge_criterion, match, rank_key
from matching.evaluate import Evaluator
from matching.plans import Judgement, PlanBook, PlanCache
from matching.questions import find_question, next_question
from core.rules import iter_leaves
from core.truth import FAIL, FALSE, PASS, REVIEW, TRUE, UNKNOWN
from core.facts import Fact, Profile

TODAY = date(2026, 1, 15)
TERMINOLOGY = load_terminology()
CONDITIONS = sorted(c.id for c in TERMINOLOGY.by_category("condition"))
THERAPIES = sorted(c.id for c in TERMINOLOGY.by_category("therapy"))[:40]
LABS = ["platelets", "creatinine", "anc", "hemoglobin", "alt", "ast", "bilirubin"]


@lru_cache(maxsize=1)
def trials() -> list[dict]:
    """The bundled trials and 40 synthetic variants of them."""
    bundled = load_trials()
    return bundled + list(generate(bundled, 40, seed=11))


def _fact(kind: str, concept: str, state: str) -> Fact:
    negated = state == "negated"
    if kind == "CONDITION":
        return Fact("CONDITION", concept, TERMINOLOGY.label(concept), negated=negated, uncertain=state == "uncertain")
    return Fact("THERAPY", concept, TERMINOLOGY.label(concept), negated=negated,
                status="failed" if state == "failed" else None)


profiles = st.builds(
    lambda conditions, therapies, years, labs: Profile(
        [_fact("CONDITION", c, s) for c, s in conditions] + [_fact("THERAPY", t, s) for t, s in therapies]
        + ([Fact("AGE", "age", f"{years} years", value=float(years))] if years else [])
        + [Fact("LAB", lab, f"{lab} {value}", value=float(value)) for lab, value in labs]),
    st.lists(st.tuples(st.sampled_from(CONDITIONS), st.sampled_from(["asserted", "negated", "uncertain"])), max_size=3),
    st.lists(st.tuples(st.sampled_from(THERAPIES), st.sampled_from(["asserted", "negated", "failed"])), max_size=3),
    st.one_of(st.none(), st.integers(5, 90)),
    st.lists(st.tuples(st.sampled_from(LABS), st.integers(0, 500)), max_size=2),
)


def _verdict(top: list) -> str:
    """Likely needs one of the trial's own criteria met (the registry's elig-* alone do not)."""
    statuses = [c.status for c in top]
    if FAIL in statuses:
        return INELIGIBLE
    own = [c.status for c in top if not c.id.startswith("elig-")]
    if PASS in own and all(s in (PASS, REVIEW) for s in statuses):
        return LIKELY
    return POSSIBLE


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles)
def test_plan_statuses_and_verdicts_equal_the_explained_criteria(profile):
    results = match(profile, trials(), today=TODAY)
    assert results == sorted(results, key=rank_key)          # the vectorised ranking is rank_key's
    for result in results:
        explained = [c.status for c in result.top]
        assert result.judgement.statuses(result.plan) == explained, result.id
        assert result.verdict == _verdict(result.top), result.id
        assert result.unknowns == explained.count(UNKNOWN)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles)
def test_what_if_equals_judging_the_whole_criterion_again(profile):
    """Question choice's path-only "what if" gives what re-judging the criterion with the
    leaf's answer assumed gives (every equal leaf of the criterion answered alike)."""
    for result in match(profile, trials(), today=TODAY):
        criteria = registry_criteria(result.trial)
        judgement = result.judgement
        for top, node in result.open_items():
            criterion = criteria[result.plan.tops.index(top)]
            leaf = judgement.book.arg[node]
            equal = [x for x in _leaves(criterion) if x == leaf]
            for answer in (TRUE, FALSE):
                ev = result.evaluator.what_if({id(x): answer for x in equal})
                again = judge_criterion(criterion, ev, [], None, criterion.get("kind", "inclusion")).status
                assert judgement.what_if(top, node, answer) == again, (result.id, criterion["id"], leaf, answer)


def _leaves(criterion: dict):
    for c in walk_criteria([criterion]):
        if c.get("rule") is not None and not c.get("children"):
            yield from iter_leaves(c["rule"])


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles)
def test_vectorised_judging_equals_judging_node_by_node(profile):
    book = PlanBook()
    plans = [book.plan(t) for t in trials()]
    ev = Evaluator(profile, today=TODAY)
    vectorised, one_by_one = Judgement(book, ev), Judgement(book, ev)
    one_by_one._n = 0                      # no snapshot: every node judged by _compute
    for node in range(len(book)):
        assert vectorised.value(node) == one_by_one.value(node), node
    assert [vectorised.statuses(p) for p in plans] == [one_by_one.statuses(p) for p in plans]


def test_nodes_added_after_the_snapshot_are_judged_one_by_one():
    book = PlanBook()
    first = book.plan(trials()[0])
    book.snapshot()
    extended = json.loads(json.dumps(trials()[0]))
    extended["id"] = "extended"
    extended["criteria"].append({"id": "exc-new", "kind": "exclusion", "text": "Weight over 150 kg",
                                 "rule": {"type": "weight", "min": 150}})
    later = book.plan(extended)                    # a small addition: no new snapshot
    assert book.snapshot().n < len(book)
    profile = Profile([_fact("CONDITION", "sle", "asserted")])
    judgement = Judgement(book, Evaluator(profile, today=TODAY))
    results = match(profile, [trials()[0], extended], today=TODAY, book=book)
    assert {r.id: r.judgement.statuses(r.plan) for r in results} == {
        trials()[0]["id"]: judgement.statuses(first), "extended": judgement.statuses(later)}
    assert {r.id: [c.status for c in r.top] for r in results} == {
        trials()[0]["id"]: judgement.statuses(first), "extended": judgement.statuses(later)}


def test_equal_criteria_of_different_trials_are_one_node():
    book = PlanBook()
    a, b = trials()[0], json.loads(json.dumps(trials()[0]))
    b["id"] = "copy"
    for criterion in b["criteria"]:
        criterion["text"] = "reworded: " + criterion["text"]      # texts are for display only
    assert book.plan(a).tops == book.plan(b).tops
    assert flatten(a)[0] == flatten(b)[0]


def test_registry_limits_are_part_of_the_plan():
    record = {"id": "x", "criteria": [], "eligibility": {"min_age_years": 18, "max_age_years": 65, "sex": "FEMALE"}}
    assert [c["id"] for c in registry_criteria(record)] == ["elig-age", "elig-sex"]
    results = match(Profile([Fact("AGE", "age", "70 years", value=70.0)]), [record], today=TODAY)
    assert results[0].verdict == INELIGIBLE
    assert [c.id for c in results[0].failing] == ["elig-age"]


def test_stored_plans_equal_plans_compiled_from_the_records(tmp_path):
    db = open_store(tmp_path / "t.db")
    synthetic = list(generate(load_trials(), 30, seed=5))
    upsert_trials(db, synthetic, "synthetic", validate=False)
    book = PlanBook()
    stored = PlanCache(book).plans(db, [(r[0], r[1]) for r in db.execute("SELECT id, source_hash FROM trials ORDER BY id")])
    records = {json.loads(r[1])["id"]: json.loads(r[1]) for r in db.execute("SELECT id, record FROM trials")}
    for trial_id, plan in stored:
        assert plan == book.plan(records[trial_id]), trial_id
    assert db.execute("SELECT count(*) FROM trial_limits WHERE plan IS NULL").fetchone()[0] == 0


def test_a_synthetic_database_holds_every_node_its_plans_name(tmp_path):
    build_database(tmp_path / "syn.db", 25)
    db = open_store(tmp_path / "syn.db")
    named = {h for (plan,) in db.execute("SELECT plan FROM trial_limits") for h in json.loads(plan)}
    stored = {h for (h,) in db.execute("SELECT hash FROM rule_nodes")}
    assert named <= stored
    catalog = TrialCatalog(db, RecordCache(), PlanCache(PlanBook()))
    assert catalog.preload() == db.execute("SELECT count(*) FROM trials").fetchone()[0]


def test_records_are_read_only_for_trials_that_are_shown(tmp_path):
    db = open_store(tmp_path / "t.db")
    upsert_trials(db, list(generate(load_trials(), 20, seed=2)), "synthetic", validate=False)
    records = RecordCache()
    catalog = TrialCatalog(db, records, PlanCache(PlanBook()))
    pruned.forget()
    results = pruned.match(Profile([_fact("CONDITION", "sle", "asserted")]), catalog, today=TODAY)
    assert results and records.compiled == 0
    assert [r.verdict for r in results]                   # verdicts need no record
    assert results[0].trial["id"] == results[0].id        # showing one reads one
    assert records.compiled == 1


def test_candidates_follow_trials_written_after_the_first_look(tmp_path):
    db = open_store(tmp_path / "t.db")
    profile = Profile([_fact("CONDITION", "sle", "asserted")])
    before = find_candidates(db, profile, TODAY)
    assert find_candidates(db, profile, TODAY) is before           # unchanged store: reused
    new = json.loads(json.dumps(next(t for t in load_trials() if "sle" in t["conditions"])))
    new["id"] = "local-new-lupus-study"
    upsert_trials(db, [new], "import")
    after = find_candidates(db, profile, TODAY)
    assert "local-new-lupus-study" in after.ids and "local-new-lupus-study" not in before.ids


def test_question_choice_looks_only_at_the_best_ranked_possible_trials():
    profile = Profile([_fact("CONDITION", "sle", "asserted")])
    results = match(profile, trials(), today=TODAY)
    possible = [r for r in results if r.verdict == POSSIBLE]
    assert len(possible) > 2
    chosen = next_question(results, limit=1)
    keys = {q.key for q in possible[0].questions}
    # one question, or the diagnoses that trial treats combined into one choice
    asked = [f"diagnosis:{c}" for c in chosen.concepts] if chosen.key == "diagnosis" else [chosen.key]
    assert set(asked) <= keys


def test_find_question_rebuilds_a_pending_question_while_it_matters():
    profile = Profile([_fact("CONDITION", "sle", "asserted")])
    results = match(profile, trials(), today=TODAY)
    asked = next_question(results, asked={"diagnosis"})    # a single criterion's question
    again = find_question(results, asked.key)
    assert again is not None and (again.key, again.patient) == (asked.key, asked.patient)
    assert find_question(results, "no:such:key") is None
