"""The vectorised judgement's list of leaf values is carried from one judgement to the next
(matching/evaluate.py ``Evaluator._listed``): only the leaves of label sets whose facts
changed are judged again. Whatever the order of profiles, every value must equal judging
node by node with nothing carried over."""
from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.synthetic import generate
from core.facts import Fact, Profile
from data.terminology import load_terminology
from data.trials import load_trials
from matching import evaluate
from matching.evaluate import Evaluator
from matching.plans import Judgement, PlanBook

TODAY = date(2026, 1, 15)
TERMINOLOGY = load_terminology()
CONDITIONS = sorted(c.id for c in TERMINOLOGY.by_category("condition"))[:60]
THERAPIES = sorted(c.id for c in TERMINOLOGY.by_category("therapy"))[:40]
LABS = ["platelets", "creatinine", "anc", "hemoglobin", "alt"]
BOOK = PlanBook()
PLANS = [BOOK.plan(t) for t in load_trials() + list(generate(load_trials(), 30, seed=13))]

facts = st.one_of(
    st.builds(lambda c, neg: Fact("CONDITION", c, TERMINOLOGY.label(c), negated=neg), st.sampled_from(CONDITIONS), st.booleans()),
    st.builds(lambda t, s: Fact("THERAPY", t, TERMINOLOGY.label(t), negated=s == "negated", status="failed" if s == "failed" else None),
              st.sampled_from(THERAPIES), st.sampled_from(["asserted", "negated", "failed"])),
    st.builds(lambda y: Fact("AGE", "age", f"{y} years", value=float(y)), st.integers(5, 90)),
    st.builds(lambda lab, v: Fact("LAB", lab, f"{lab} {v}", value=float(v)), st.sampled_from(LABS), st.integers(0, 500)),
)


def _values(profile: Profile) -> list[str]:
    judgement = Judgement(BOOK, Evaluator(profile, today=TODAY))
    return [judgement.value(node) for node in range(len(BOOK))]


def _one_by_one(profile: Profile) -> list[str]:
    judgement = Judgement(BOOK, Evaluator(profile, today=TODAY))
    judgement._n = 0                        # no snapshot: every node judged by _compute
    return [judgement.value(node) for node in range(len(BOOK))]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(facts, min_size=1, max_size=6), st.randoms(use_true_random=False))
def test_values_carried_from_turn_to_turn_equal_judging_afresh(added, rnd):
    # a conversation: facts arrive one by one (and one may be taken back), judged each time
    profiles = [Profile(added[:n]) for n in range(len(added) + 1)]
    profiles.append(Profile([f for f in added if rnd.random() < 0.5]))
    for profile in profiles:
        assert _values(profile) == _one_by_one(profile)


def test_another_day_is_judged_afresh():
    profile = Profile([Fact("AGE", "age", "40 years", value=40.0),
                       Fact("THERAPY", "rituximab", "rituximab", date="2026-01-01")])
    assert _values(profile) == _one_by_one(profile)
    assert evaluate._LISTED                  # the list is carried to the next judgement
    later = date(2026, 9, 1)                 # a washout that was running is over
    carried = Judgement(BOOK, Evaluator(profile, today=later))
    fresh = Judgement(BOOK, Evaluator(profile, today=later))
    fresh._n = 0
    assert [carried.value(n) for n in range(len(BOOK))] == [fresh.value(n) for n in range(len(BOOK))]
