"""Candidate pruning (matching/candidates.py) never drops a trial the patient could match:
on synthetic trials, the verdicts of the pruned run equal those of judging every trial, and
a trial left out is ruled out by the matcher or treats only other conditions than the ones
the patient stated. Plus the hard limits (data/limits.py) and the compiled-record cache."""
from __future__ import annotations

import json
from datetime import date
from functools import lru_cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.limits import hard_limits
from data.rule_nodes import title_kinds
from data.store import all_trial_records, open_store, upsert_trials
from benchmarks.synthetic import generate
from data.terminology import load_terminology
from data.trials import load_trials
from matching.cache import RecordCache
from matching.catalog import TrialCatalog
from matching.candidates import find_candidates
from matching.engine import INELIGIBLE, LIKELY, match
from core.facts import Fact, Profile

TODAY = date(2026, 1, 15)
TERMINOLOGY = load_terminology()
CONDITIONS = sorted(c.id for c in TERMINOLOGY.by_category("condition"))
# ages on both sides of the synthetic trials' limits (data/synthetic.yaml)
BOUNDARY_AGES = sorted({a + d for a in (12, 16, 18, 21, 60, 65, 70, 75, 80) for d in (-1, 0, 1)})


@lru_cache(maxsize=1)
def store():
    """The bundled trials and 48 synthetic variants, in memory (built once)."""
    db = open_store(":memory:")
    upsert_trials(db, list(generate(load_trials(), 48, seed=3)), "synthetic", validate=False)
    return db


def condition(concept, state="asserted"):
    return Fact("CONDITION", concept, TERMINOLOGY.label(concept), negated=state == "negated",
                uncertain=state == "uncertain", family=state == "family")


def age(years, comparator=None):
    return Fact("AGE", "age", f"{years} years", value=float(years), comparator=comparator)


def sex(concept):
    return Fact("SEX", concept, concept)


profiles = st.builds(
    lambda conditions, years, who, pregnant: Profile(
        [condition(c, s) for c, s in conditions] + ([years] if years else []) + ([sex(who)] if who else [])
        + ([Fact("PREGNANCY", "pregnant", "pregnant", negated=not pregnant)] if pregnant is not None else [])),
    st.lists(st.tuples(st.sampled_from(CONDITIONS), st.sampled_from(["asserted", "asserted", "negated", "uncertain", "family"])),
             max_size=3),
    st.one_of(st.none(), st.sampled_from(BOUNDARY_AGES).map(age), st.integers(1, 95).map(age),
              st.integers(10, 80).map(lambda y: age(y, ">"))),
    st.sampled_from([None, "female", "male"]),
    st.sampled_from([None, True, False]),
)


def related(a, b):
    return TERMINOLOGY.is_a(a, b) or TERMINOLOGY.is_a(b, a)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles)
def test_pruning_never_drops_a_trial_the_patient_could_match(profile):
    db = store()
    everything = {r.id: r for r in match(profile, all_trial_records(db), today=TODAY)}
    records, found = TrialCatalog(db, RecordCache()).candidates(profile, TODAY)
    pruned = match(profile, records, today=TODAY)
    for result in pruned:                       # judged the same, from the compiled records
        full = everything[result.id]
        assert (result.verdict, result.score) == (full.verdict, full.score)
        assert [(c.id, c.status) for c in result.criteria] == [(c.id, c.status) for c in full.criteria]
        assert [q.key for q in result.questions] == [q.key for q in full.questions]
    kept = {r.id for r in pruned}
    for trial_id in set(everything) - kept:     # left out: ruled out, or another disease
        full = everything[trial_id]
        assert full.verdict != LIKELY
        if full.verdict != INELIGIBLE:
            assert found.diagnosis_known
            assert not any(related(c, p) for c in full.trial["conditions"] for p in found.patient.conditions)
    assert len(kept) + found.left_out == len(everything)


def test_a_stated_diagnosis_leaves_out_trials_for_other_conditions():
    found = find_candidates(store(), Profile([condition("sle"), age(34)]), TODAY)
    records = {r["id"]: r for r in all_trial_records(store())}
    assert found.diagnosis_known and found.diagnoses == ("sle",)
    assert "NCT05030779" in found.ids and "local-cd7-cart-heme" not in found.ids
    assert 0 < len(found.trials) < len(records)
    for trial_id in found.ids:
        # a trial's conditions: the listed ones, and the kind its title names above one listed
        # condition ("CAR-T in ... Autoimmune Disease" listing one disease: rule_nodes.title_kinds)
        conditions = [*records[trial_id]["conditions"], *title_kinds(records[trial_id])]
        assert any(related(c, "sle") for c in conditions) or not conditions


def test_a_narrower_or_broader_diagnosis_finds_the_trial():
    dermatomyositis = find_candidates(store(), Profile([condition("dermatomyositis")]), TODAY)
    assert "NCT07193667" in dermatomyositis.ids          # lists inflammatory myopathy, a broader concept
    myositis = find_candidates(store(), Profile([condition("inflammatory_myopathy")]), TODAY)
    assert "NCT05239702" in myositis.ids                  # lists dermatomyositis, a narrower concept


def test_without_a_diagnosis_every_trial_within_the_limits_is_a_candidate_and_it_says_why():
    nothing = find_candidates(store(), Profile([]), TODAY)
    assert not nothing.diagnosis_known and nothing.reason == "no diagnosis stated yet"
    assert nothing.left_out == 0
    suspected = find_candidates(store(), Profile([condition("sle", "uncertain"), condition("itp", "negated")]), TODAY)
    assert not suspected.diagnosis_known and suspected.left_out == 0


def test_a_comorbidity_no_trial_treats_is_not_a_diagnosis():
    found = find_candidates(store(), Profile([condition("epilepsy")]), TODAY)
    assert not found.diagnosis_known
    assert found.reason == "no stored trial treats the conditions stated"
    assert found.left_out == 0


def test_a_condition_the_terminology_does_not_know_turns_condition_pruning_off():
    found = find_candidates(store(), Profile([condition("sle"), Fact("CONDITION", "sjogren syndrome", "Sjögren")]), TODAY)
    assert not found.diagnosis_known and "does not know" in found.reason


def test_age_and_sex_outside_the_hard_limits_leave_a_trial_out():
    db = open_store(":memory:")
    adults = dict(load_trials()[0], id="local-adults-only")
    adults["eligibility"] = dict(adults["eligibility"], min_age_years=18, max_age_years=65, sex="FEMALE")
    upsert_trials(db, [adults], "import")
    sle = condition("sle")
    assert "local-adults-only" not in find_candidates(db, Profile([sle, age(12)]), TODAY).ids
    assert "local-adults-only" not in find_candidates(db, Profile([sle, age(70)]), TODAY).ids
    assert "local-adults-only" not in find_candidates(db, Profile([sle, sex("male")]), TODAY).ids
    assert "local-adults-only" in find_candidates(db, Profile([sle, age(40), sex("female")]), TODAY).ids
    assert "local-adults-only" in find_candidates(db, Profile([sle, age(70, ">")]), TODAY).ids   # a bound prunes nothing


def test_hard_limits_are_the_ones_the_matcher_applies():
    registry = {"eligibility": {"min_age_years": 18, "max_age_years": 65, "sex": "MALE"}, "criteria": [], "conditions": ["sle"]}
    assert hard_limits(registry) == {"min_age": 18.0, "max_age": 65.0, "sex": "MALE", "conditions": 1}
    stated = dict(registry, criteria=[
        {"id": "inc-1", "kind": "inclusion", "text": "", "rule": {"all": [{"type": "age", "min": 16, "max": 70},
                                                                         {"type": "diagnosis", "concept": "sle"}]}}])
    assert hard_limits(stated)["min_age"] == 16.0 and hard_limits(stated)["max_age"] == 70.0   # criteria win
    either = dict(registry, criteria=[
        {"id": "inc-1", "kind": "inclusion", "text": "",
         "rule": {"any": [{"type": "age", "min": 16}, {"type": "review", "reason": "other"}]}}])
    assert hard_limits(either)["min_age"] is None        # an age inside "any" is not a hard limit
    assert hard_limits(either)["sex"] == "MALE"          # no criterion states sex: the registry's counts


def test_the_store_keeps_limits_for_every_trial():
    db = store()
    trials = db.execute("SELECT count(*) FROM trials").fetchone()[0]
    limits = db.execute("SELECT count(*) FROM trial_limits JOIN trials ON trials.id = trial_limits.trial_id").fetchone()[0]
    assert trials == limits


def test_compiled_records_share_equal_leaves_between_trials_only():
    cache = RecordCache()
    leaf = {"type": "infection", "agent": "hiv", "state": "positive"}
    record = {"id": "T", "criteria": [{"id": "exc-1", "kind": "exclusion", "text": "", "rule": {"any": [leaf, leaf]}}]}
    first, second = cache.compile(json.dumps(record)), cache.compile(json.dumps(record))
    a, b = first["criteria"][0]["rule"]["any"], second["criteria"][0]["rule"]["any"]
    assert a[0] is b[0] and a[1] is b[1]                 # shared across the two trials
    assert a[0] is not a[1] and a[0] == a[1]             # two equal leaves of one trial stay two


def test_the_record_cache_parses_again_when_the_source_hash_changes():
    db = open_store(":memory:")
    cache = RecordCache()
    pairs = list(db.execute("SELECT id, source_hash FROM trials ORDER BY id"))
    first = cache.records(db, pairs)
    assert cache.records(db, pairs)[0] is first[0] and cache.compiled == 4
    changed = dict(load_trials()[0], title="A new title")
    upsert_trials(db, [changed], "bundled")
    fresh = cache.records(db, list(db.execute("SELECT id, source_hash FROM trials ORDER BY id")))
    assert {r["title"] for r in fresh} >= {"A new title"} and cache.compiled == 5


def test_the_catalog_reads_like_the_list_of_records():
    db = open_store(":memory:")
    catalog = TrialCatalog(db, RecordCache())
    assert len(catalog) == 4 and bool(catalog)
    assert [r["id"] for r in catalog] == [r["id"] for r in all_trial_records(db)]
    assert catalog[0]["id"] == all_trial_records(db)[0]["id"]


def test_conversation_matching_reuses_results_only_for_the_same_facts_and_trials():
    from matching import pruned

    db = open_store(":memory:")
    catalog = TrialCatalog(db, RecordCache())
    pruned.forget()
    lupus = Profile([condition("sle"), age(34)])
    first = pruned.match(lupus, catalog, today=TODAY)
    assert [r.id for r in first] == [r.id for r in match(lupus, all_trial_records(db), today=TODAY) if r.id in catalog.last.ids]
    assert pruned.match(Profile([condition("sle"), age(34)]), catalog, today=TODAY)[0] is first[0]   # same facts
    assert pruned.match(Profile([condition("sle"), age(35)]), catalog, today=TODAY)[0] is not first[0]
    upsert_trials(db, [dict(load_trials()[0], title="Changed")], "bundled")                          # a trial changed
    assert pruned.match(lupus, catalog, today=TODAY)[0] is not first[0]
    pruned.forget()


def test_the_memo_holds_few_entries_and_never_too_many_results():
    from matching.cache import Memo

    memo = Memo(size=3, max_weight=10)
    for key in "abcd":
        memo.get(key, lambda: [key] * 4, weigh=len)
    assert memo.get("d", lambda: "computed again") == ["d"] * 4          # the newest is kept
    assert memo.get("a", lambda: "computed again") == "computed again"   # the oldest went
    memo.get("huge", lambda: [0] * 50, weigh=len)                      # heavier than the limit: alone
    assert memo.get("d", lambda: "again") == "again"


def test_contradictory_age_limits_are_no_limit():
    """Cohorts' ages read as limits every patient must meet ("< 11 years" and ">= 11 and
    < 25 years" as two inclusions) contradict each other: no age limit is kept, so pruning
    never leaves the trial out for every age."""
    from data.limits import hard_limits

    record = {"criteria": [
        {"id": "inc-1", "kind": "inclusion", "text": "Standard risk 1: < 11 years", "rule": {"type": "age", "max": 10}},
        {"id": "inc-2", "kind": "inclusion", "text": "Standard risk 2: >= 11 and < 25 years",
         "rule": {"type": "age", "min": 11, "max": 24}}]}
    limits = hard_limits(record)
    assert limits["min_age"] is None and limits["max_age"] is None


def test_contradictory_age_requirements_rule_nobody_out():
    """The same cohorts' ages in matching: no age meets both, so both are for the trial
    team (data.rule_nodes), and a 14-year-old and a 30-year-old are not ruled out on age."""
    from datetime import date

    from core.facts import Fact, Profile
    from matching.engine import match

    record = {"id": "T-COH", "nct_id": None, "title": "cohorts", "conditions": [], "criteria": [
        {"id": "inc-1", "kind": "inclusion", "text": "Standard risk 1: < 11 years", "rule": {"type": "age", "max": 10}},
        {"id": "inc-2", "kind": "inclusion", "text": "Standard risk 2: >= 11 and < 25 years",
         "rule": {"type": "age", "min": 11, "max": 24}}]}
    for age in (14, 30):
        result = match(Profile([Fact("AGE", "age", str(age), 0, 2, value=age)]), [record], today=date(2026, 12, 2))[0]
        assert result.verdict != "ineligible"
        assert {c.id: c.status for c in result.criteria} == {"inc-1": "review", "inc-2": "review"}
