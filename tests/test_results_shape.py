"""The chat's results list: trials for other conditions are counted, not listed (their
only reason is the patient's diagnosis: a bile-duct study means nothing to a lupus
patient); trials for the patient's condition ruled out by a criterion are listed with
their reason."""
from __future__ import annotations

from types import SimpleNamespace

from bot.results import shape_results


def _result(trial_id: str, verdict: str, off_condition: bool = False):
    return SimpleNamespace(trial={"id": trial_id, "title": trial_id}, verdict=verdict, score=0.0, criteria=[],
                           off_condition=off_condition)


def test_trials_for_other_conditions_are_counted_not_listed():
    results = [_result("A", "possible"), _result("B", "ineligible"), _result("C", "ineligible", off_condition=True),
               _result("D", "ineligible", off_condition=True)]
    shaped = shape_results(results, None, None, left_out=5)
    assert [v["id"] for v in shaped["candidates"]] == ["A"]
    assert [v["id"] for v in shaped["ruled_out"]] == ["B"]
    assert shaped["left_out"] == 7 and shaped["more_ruled_out"] == 0
