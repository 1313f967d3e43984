"""Scenario tests: free text (a referral or a patient's own words) through extraction and
matching, against the verdict and failing criteria a clinician expects for every bundled
trial. One JSON file per case under tests/data/scenarios/ (see benchmarks/matching.py)."""
from functools import lru_cache

import pytest

from data.trials import load_trials
from benchmarks.matching import SCENARIO_DIR, load_scenarios, run_scenario, score

SCENARIOS = load_scenarios()


@lru_cache(maxsize=1)
def _trials():
    return load_trials()


def test_there_are_at_least_forty_scenarios_each_judging_every_bundled_trial():
    assert len(SCENARIOS) >= 40
    ids = {t["id"] for t in _trials()}
    for scenario in SCENARIOS:
        assert set(scenario["expected"]) == ids, scenario["name"]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["name"] for s in SCENARIOS])
def test_scenario(scenario):
    outcome = run_scenario(scenario, _trials())
    assert outcome.mismatches() == []


def test_scenario_files_are_one_case_each():
    assert len(list(SCENARIO_DIR.glob("*.json"))) == len(SCENARIOS)


def test_scoring_counts_false_exclusions():
    from benchmarks.matching import Outcome

    outcome = Outcome("x", verdicts={"T": ("possible", "ineligible")}, failing={"T": (set(), {"exc-1"})},
                      criteria={"T": ["inc-1", "exc-1"]})
    result = score([outcome])
    assert result["false_exclusions"] == 1
    assert result["false_failing_criteria"] == 1
    assert result["criterion_accuracy"] == 0.5
    assert result["trial_accuracy"] == 0.0
