"""The in-memory pruning index (matching/catalog_index.py) finds exactly the candidates the
SQL pruning (matching/candidates.py) finds, and is used only while it matches the store."""
from __future__ import annotations

import json
from datetime import date
from functools import lru_cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.store import open_store, upsert_trials
from benchmarks.synthetic import generate
from data.terminology import load_terminology
from data.trials import load_trials
from matching import pruned
from matching.cache import RecordCache
from matching.catalog import TrialCatalog
from matching.candidates import _find, patient_of
from matching.plans import PlanBook, PlanCache
from core.facts import Fact, Profile

TODAY = date(2026, 1, 15)
TERMINOLOGY = load_terminology()
CONDITIONS = sorted(c.id for c in TERMINOLOGY.by_category("condition"))


@lru_cache(maxsize=1)
def catalog() -> TrialCatalog:
    db = open_store(":memory:")
    upsert_trials(db, list(generate(load_trials(), 150, seed=8)), "synthetic", validate=False)
    found = TrialCatalog(db, RecordCache(), PlanCache(PlanBook()))
    found.preload()
    return found


def _condition(concept: str, state: str) -> Fact:
    return Fact("CONDITION", concept, TERMINOLOGY.label(concept), negated=state == "negated",
                uncertain=state == "uncertain")


profiles = st.builds(
    lambda conditions, years, comparator, sex, unknown: Profile(
        [_condition(c, s) for c, s in conditions]
        + ([Fact("AGE", "age", f"{years} years", value=float(years), comparator=comparator)] if years is not None else [])
        + ([Fact("SEX", sex, sex)] if sex else [])
        + ([Fact("CONDITION", "made_up_disease", "zorblax syndrome")] if unknown else [])),
    st.lists(st.tuples(st.sampled_from(CONDITIONS), st.sampled_from(["asserted", "asserted", "negated", "uncertain"])),
             max_size=3),
    st.one_of(st.none(), st.integers(0, 100)),
    st.sampled_from([None, None, ">"]),
    st.sampled_from([None, "female", "male"]),
    st.booleans(),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles)
def test_the_index_finds_what_sql_finds(profile):
    index = catalog().index()
    assert index is not None
    patient = patient_of(profile, TODAY)
    rows, diagnoses, reason = index.find(patient)
    sql = _find(catalog().db, patient)
    assert [index.ids[r] for r in rows.tolist()] == sql.ids
    assert (diagnoses, reason) == (sql.diagnoses, sql.reason)


def test_matching_through_the_index_equals_matching_through_sql():
    profile = Profile([_condition("sle", "asserted"), Fact("AGE", "age", "34 years", value=34.0)])
    indexed = catalog()
    plain = TrialCatalog(indexed.db, RecordCache(), PlanCache(PlanBook()))     # never preloaded: SQL
    assert plain.index() is None
    pruned.forget()
    a = [(r.id, r.verdict, r.score) for r in pruned.match(profile, indexed, today=TODAY)]
    pruned.forget()
    b = [(r.id, r.verdict, r.score) for r in pruned.match(profile, plain, today=TODAY)]
    assert a == b and a


def test_a_stale_index_is_not_used_and_is_rebuilt(tmp_path):
    db = open_store(tmp_path / "t.db")
    found = TrialCatalog(db, RecordCache(), PlanCache(PlanBook()))
    found.preload()
    before = found.index()
    new = json.loads(json.dumps(next(t for t in load_trials() if "sle" in t["conditions"])))
    new["id"] = "local-another-lupus-study"
    upsert_trials(db, [new], "import")
    assert found.index() is None                    # stale: SQL meanwhile, rebuild started
    building = found._building
    if building is not None:
        building.join(timeout=60)
    after = found.index()
    assert after is not None and after is not before and "local-another-lupus-study" in after.ids
    pruned.forget()
    results = pruned.match(Profile([_condition("sle", "asserted")]), found, today=TODAY)
    assert "local-another-lupus-study" in {r.id for r in results}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles)
def test_trials_outside_the_limits_from_the_index_are_those_sql_finds(profile):
    """``matching.outside_limits`` reads the trials left out for age or sex from the index
    that found the candidates: the same rows, limits and order as its SQL query."""
    from data.store import trials_version
    from matching.outside_limits import _outside

    indexed = catalog()
    found = pruned._candidates(indexed, profile, TODAY)
    assert found.memo["index"]() is indexed.index()
    sql = _find(indexed.db, found.patient)
    if not sql.diagnosis_known or (found.patient.age is None and found.patient.sex is None):
        return
    assert _outside(indexed.db, found, trials_version(indexed.db)) == _outside(indexed.db, sql)
