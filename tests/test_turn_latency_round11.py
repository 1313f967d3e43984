"""Turn latency at scale, round 11: the same answers from cheaper paths.

- ``matching.engine.condition_fits`` over a catalog's lists keeps each patient condition's
  strengths by list number: a later turn (other candidates, the same diagnosis) works out
  only the lists no earlier turn did, and the fits equal those looked up plan by plan.
- ``judge_plans`` marks requested, targeted and untargeted trials with masks: the flags and
  the order are those of the rule (in the set, and fitting the patient's own disease).
"""
from __future__ import annotations

from core.facts import Fact, Profile
from matching import engine as matching_engine
from matching import relevance
from matching.evaluate import Evaluator
from matching.plans import TrialPlan, shared_book
from matching.relevance import EXACT_FIT


def _catalog_plans() -> list[TrialPlan]:
    conditions = [("sle",), ("rheumatoid_arthritis",), (), ("sle", "rheumatoid_arthritis"), ("dermatomyositis",),
                  ("systemic_sclerosis",), ("sle", "dermatomyositis")]
    return [TrialPlan((), conditions[i % len(conditions)]) for i in range(30)]


def _counting(monkeypatch) -> list:
    """The conditions of every list worked out (round 14: ``list_strengths`` works out the
    lists by number, ``condition_strength``'s values, instead of a call per list)."""
    calls: list = []
    real = matching_engine.list_strengths

    def counted(lists, codes, *args, **kwargs):
        calls.extend(lists[code][0] for code in codes)
        return real(lists, codes, *args, **kwargs)

    monkeypatch.setattr(matching_engine, "list_strengths", counted)
    return calls


def _fresh() -> None:
    matching_engine._WHOLE.clear()
    matching_engine._FITS.clear()
    matching_engine._BY_CODE.clear()


def test_a_later_turn_works_out_only_the_lists_no_earlier_turn_did(monkeypatch):
    _fresh()
    plans = _catalog_plans()
    book = shared_book()
    lists = matching_engine.condition_lists(plans, book)
    distinct, places = lists
    ev = Evaluator(Profile([Fact("CONDITION", "sle", "lupus", 0, 5)]))
    calls = _counting(monkeypatch)
    first = [0, 1, 2, 7, 8]                     # lists 0, 1, 2 (rows 7 and 8 hold 0 and 1 again)
    matching_engine.condition_fits([plans[r] for r in first], ev, book, (distinct, places[first]))
    assert sorted(calls) == sorted({distinct[c][0] for c in set(places[first].tolist())})
    calls.clear()
    later = [3, 4, 5, 6, 14, 0]                 # lists 3..6 new, list 0 worked out before
    fits = matching_engine.condition_fits([plans[r] for r in later], ev, book, (distinct, places[later]))
    assert sorted(calls) == sorted(distinct[c][0] for c in (3, 4, 5, 6))
    calls.clear()
    again = matching_engine.condition_fits([plans[r] for r in later[::-1]], ev, book, (distinct, places[later[::-1]]))
    assert calls == [] and again == fits[::-1]


def test_fits_by_list_number_equal_fits_looked_up_plan_by_plan():
    plans = _catalog_plans()
    book = shared_book()
    distinct, places = matching_engine.condition_lists(plans, book)
    for facts in ([Fact("CONDITION", "sle", "lupus", 0, 5)],
                  [Fact("CONDITION", "rheumatoid_arthritis", "RA", 0, 2), Fact("CONDITION", "sle", "lupus", 4, 9)],
                  [Fact("CONDITION", "dermatomyositis", "DM", 0, 2), Fact("CONDITION", "hypertension", "HTN", 3, 6)],
                  [Fact("CONDITION", "systemic_sclerosis", "scleroderma", 0, 11)]):
        ev = Evaluator(Profile(facts))
        for rows in ([0, 1, 2, 3, 4, 5, 6], [3, 8, 13, 22, 29], [2, 9], list(range(len(plans)))[::-1]):
            _fresh()
            chosen = [plans[r] for r in rows]
            expected = matching_engine.condition_fits(list(chosen), ev, book)
            _fresh()
            found = matching_engine.condition_fits(list(chosen), ev, book, (distinct, places[rows]))
            assert found == expected
            assert list(map(type, found)) == list(map(type, expected))      # 0, not 0.0, as before


def test_strengths_kept_for_one_terminology_are_not_read_for_another(monkeypatch):
    _fresh()
    plans = _catalog_plans()
    book = shared_book()
    distinct, places = matching_engine.condition_lists(plans, book)
    ev = Evaluator(Profile([Fact("CONDITION", "sle", "lupus", 0, 5)]))
    rows = list(range(7))
    matching_engine.condition_fits(plans[:7], ev, book, (distinct, places[rows]))
    kept = [k for k in matching_engine._BY_CODE if k[1] == id(ev.terminology)]
    assert kept and all(v[0] is distinct for v in matching_engine._BY_CODE.values())


def _judged(facts, **sets):
    records = [
        {"id": "T1", "title": "Lupus CAR-T", "conditions": ["sle"], "criteria": []},
        {"id": "T2", "title": "Lupus study", "conditions": ["sle"], "criteria": []},
        {"id": "T3", "title": "RA CAR-T", "conditions": ["rheumatoid_arthritis"], "criteria": []},
        {"id": "T4", "title": "Autoimmune basket", "conditions": ["autoimmune_disease"], "criteria": []},
    ]
    return matching_engine.match(Profile(facts), records, **sets)


def test_requested_targeted_and_untargeted_flags_follow_the_rule():
    lupus = [Fact("CONDITION", "sle", "lupus", 0, 5)]
    everyone = frozenset({"T1", "T2", "T3", "T4"})
    for sets in ({"requested": frozenset({"T1", "T3"})}, {"targeted": frozenset({"T2", "T4"})},
                 {"untargeted": frozenset({"T1", "T4"})}, {"requested": everyone, "untargeted": everyone}, {}):
        results = _judged(lupus, **sets)
        assert sorted(r.id for r in results) == ["T1", "T2", "T3", "T4"]
        for r in results:
            exact = r.condition_fit >= EXACT_FIT
            assert r.requested is (r.id in sets.get("requested", ()) and exact)
            assert r.targeted is (r.id in sets.get("targeted", ()) and exact)
            assert r.aimed_elsewhere is (r.id in sets.get("untargeted", ()) and r.condition_fit > 0)
        keys = [matching_engine.rank_key(r) for r in results]
        assert keys == sorted(keys)


def test_no_diagnosis_flags_nothing_and_ranks_by_id():
    results = _judged([], requested=frozenset({"T1"}), targeted=frozenset({"T2"}), untargeted=frozenset({"T3"}))
    assert [r.id for r in results] == ["T1", "T2", "T3", "T4"]
    assert not any(r.requested or r.targeted or r.aimed_elsewhere for r in results)
    assert all(r.condition_fit == 0 for r in results)
    assert relevance.EXACT_FIT == EXACT_FIT
