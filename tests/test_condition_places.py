"""The catalog's lists of conditions worked out once: a turn's candidates fit as they fit
when their lists are looked up plan by plan (``matching.engine.condition_lists``)."""
from __future__ import annotations

from core.facts import Fact, Profile
from matching import engine as matching_engine
from matching.evaluate import Evaluator
from matching.plans import TrialPlan, shared_book


def _catalog_plans() -> list[TrialPlan]:
    conditions = [("sle",), ("rheumatoid_arthritis",), (), ("sle", "rheumatoid_arthritis"), ("dermatomyositis",)]
    return [TrialPlan((), conditions[i % len(conditions)]) for i in range(23)]


def test_candidates_fit_from_the_catalogs_places_as_looked_up_one_by_one():
    plans = _catalog_plans()
    book = shared_book()
    distinct, places = matching_engine.condition_lists(plans, book)
    assert len(distinct) == 5 and len(places) == len(plans)
    for facts in ([Fact("CONDITION", "sle", "lupus", 0, 5)],
                  [Fact("CONDITION", "rheumatoid_arthritis", "RA", 0, 2), Fact("CONDITION", "sle", "lupus", 4, 9)],
                  [Fact("CONDITION", "dermatomyositis", "DM", 0, 2)]):
        ev = Evaluator(Profile(facts))
        for rows in ([0, 1, 2, 3, 4], [3, 8, 13, 22], [2, 7], list(range(len(plans)))):
            chosen = [plans[r] for r in rows]
            expected = matching_engine.condition_fits(list(chosen), ev, book)
            assert matching_engine.condition_fits(list(chosen), ev, book, (distinct, places[rows])) == expected


def test_candidates_without_a_diagnosis_fit_nowhere_either_way():
    plans = _catalog_plans()
    lists = matching_engine.condition_lists(plans, shared_book())
    ev = Evaluator(Profile([]))
    assert matching_engine.condition_fits(plans[:4], ev, shared_book(), (lists[0], lists[1][:4])) == [0, 0, 0, 0]
