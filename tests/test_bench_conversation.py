"""`python bot.py bench conversation` (issue #16): 30+ scripted personas as data, a
rule-based answerer from each persona's hidden truth, and the report (questions before
results p50/max, share of verdicts equal to every-fact-known). No number is asserted
beyond the budget the engine guarantees: the benchmark is the measure."""
from __future__ import annotations

import argparse

import pytest

from benchmarks import conversation as bench
from benchmarks.command import SUITES
from bot.asking import QUESTION_BUDGET
from core.facts import Fact, Profile
from data.errors import DataError


def test_at_least_30_personas_of_every_role_and_style():
    personas = bench.load_personas()
    assert len(personas) >= 30
    assert {p["role"] for p in personas} == set(bench.ROLES)
    assert {p["style"] for p in personas} == set(bench.STYLES)
    assert {p["split"] for p in personas} == {"dev", "test"}


def test_a_bad_persona_is_named(tmp_path):
    bad = tmp_path / "personas.yaml"
    bad.write_text("personas:\n  - {id: a, role: doctor, style: unsure, split: dev, opening: x, truth: y}\n")
    with pytest.raises(DataError, match=r"personas\[0\]"):
        bench.load_personas(bad)


TRUTH = Profile().add([
    Fact("AGE", "age", "24", 0, 2, value=24.0),
    Fact("CONDITION", "dermatomyositis", "dermatomyositis", 0, 15),
    Fact("DRUG", "mycophenolate", "mycophenolate", 0, 13, status="failed"),
    Fact("PREGNANCY", "pregnant", "pregnant", 0, 8, negated=True),
    Fact("LAB", "platelets", "platelets 150", 0, 13, value=150.0, unit="10^9/L"),
    Fact("LOCATION", "Hangzhou", "Hangzhou", 0, 8),
])


@pytest.mark.parametrize("key, form, options, expected", [
    ("age", "number", [], "24"),
    ("location", "text", [], "Hangzhou"),
    ("labs", "yes_no", [], "yes"),
    ("lab:platelets", "number", [], "150 10^9/L"),
    ("lab:alt", "number", [], "not sure"),                     # not in the truth: unknown
    ("biomarker:cd19", "choice", ["Positive", "Negative"], "not sure"),   # only a lab knows
    ("pregnancy", "choice", ["Pregnant", "Breastfeeding", "None of these"], "None of these"),
    ("diagnosis:inflammatory_myopathy", "yes_no", [], "yes"),  # dermatomyositis is a myopathy
    ("diagnosis:cns_disorder", "yes_no", [], "no"),            # not named: not had
    ("therapy_failed:mycophenolate", "yes_no", [], "yes"),
    ("therapy_failed:rituximab", "yes_no", [], "no"),
    ("last_dose:mycophenolate", "date", [], "no"),     # took it, not now
    ("last_dose:rituximab", "date", [], "never"),
])
def test_the_answerer_answers_from_the_hidden_truth(key, form, options, expected):
    assert bench.answer(key, form, options, TRUTH) == expected


def test_the_report_gives_p50_max_and_the_share_of_equal_verdicts():
    rows = [{"id": str(n), "role": "patient", "style": "cooperative", "split": "dev", "questions": q, "equal": eq,
             "cut": False}
            for n, (q, eq) in enumerate([(2, True), (5, True), (8, False), (4, True)])]
    result = bench.report(rows)
    assert result["questions_before_results"]["p50"] == 4 and result["questions_before_results"]["max"] == 8
    assert result["verdicts_equal_share"] == 0.75
    assert result["targets_met"] is True
    assert all(len(row) == 2 for row in result["table"])


def test_the_bench_is_in_the_cli_bench_table():
    assert SUITES["conversation"] == "benchmarks.conversation:bench_conversation"


def test_a_few_personas_on_the_real_engine_stay_within_the_budget(monkeypatch):
    personas = bench.load_personas()
    picked = [next(p for p in personas if p["style"] == style) for style in bench.STYLES]
    monkeypatch.setattr(bench, "load_personas", lambda: picked)
    result = bench.bench_conversation(argparse.Namespace(json=True))
    assert result["personas"] == len(bench.STYLES)
    assert result["questions_before_results"]["max"] <= QUESTION_BUDGET
    assert 0.0 <= result["verdicts_equal_share"] <= 1.0
    assert all(row["verdicts"] and row["reference"] for row in result["conversations"])
    real = result.get("real_records")
    if real is not None:    # a persona no trial fits with every fact known has no right trial to put first
        assert real["personas_with_a_trial"] + len(real["no_trial_fits"]) == real["personas"]
        assert real["right_trial_first"] + len(real["right_trial_never_first"]) == real["personas_with_a_trial"]


def test_questions_before_the_right_trial_count_until_results_led_by_it():
    from types import SimpleNamespace as Event

    shown = lambda *ids: Event(type="shown", payload={"what": "results", "trials": [{"id": i, "verdict": "possible"} for i in ids]})
    asked = Event(type="asked", payload={})
    events = [asked, shown("OTHER", "MINE"), asked, asked, shown("MINE")]
    assert bench._first_right(events, {"MINE"}) == (3, 1)          # first results after 1, led by it after 3
    assert bench._first_right(events[:2], {"MINE"}) == (None, 1)   # never led by it
    assert bench._first_right([asked, asked], {"MINE"}) == (None, 2)
