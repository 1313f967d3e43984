"""Round 24 (lead): what a person's stated age says about pregnancy, and the trials for
people at risk of a complication of pregnancy.

A 67-year-old woman with rheumatoid arthritis was offered a pre-eclampsia prevention study
and a gestational-diabetes screening study second and third ("may qualify, some questions
are still open": "Singleton pregnancies"), and every pregnancy criterion stayed open for her
and for a girl of six. Outside the child-bearing years (``childbearing_ages``,
data/evidence.yaml) no pregnancy is assumed unless one is stated, citing the age; and a trial
for people at risk of a complication of pregnancy takes pregnant women or new mothers only,
so for anyone else its condition gate fails (the trial is "for other conditions").
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from core.facts import Profile
from core.truth import FALSE, TRUE, UNKNOWN
from data.errors import DataError
from data.rule_nodes import condition_target
from matching.engine import match
from matching.evidence import Evidence
from matching.evidence_rules import load_evidence_rules, read_evidence_rules
from matching.leaves import pregnancy
from nlp import extract
from registry.ctgov import import_file

TODAY = date(2026, 12, 5)
CTGOV = Path(__file__).resolve().parents[2] / "shared" / "ctgov"
LEAF = {"type": "pregnancy", "states": ["pregnant", "lactating"]}


def record(trial_id: str) -> dict:
    path = CTGOV / f"{trial_id}.json"
    if not path.exists():
        pytest.skip(f"needs the shared registry records ({CTGOV})")
    return import_file(path)[0]


def judged(text: str):
    return pregnancy(Evidence(Profile(extract(text, today=TODAY))), LEAF)


# --- the bounds are data ------------------------------------------------------------------------

def test_the_child_bearing_years_are_read_from_the_evidence_file():
    youngest, oldest = load_evidence_rules().childbearing_ages
    assert 0 < youngest < 18 < 45 < oldest <= 70


def test_bad_child_bearing_bounds_fail_naming_the_field(tmp_path):
    path = tmp_path / "evidence.yaml"
    path.write_text("childbearing_ages: [60, 10]\n", encoding="utf-8")
    with pytest.raises(DataError, match="childbearing_ages"):
        read_evidence_rules(path)


# --- the pregnancy leaf -------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "I'm a 67 year old woman with rheumatoid arthritis",
    "my mum is 72 and has had lupus for years",
    "Referral: 64F with diffuse SSc",
])
def test_a_woman_past_the_years_of_pregnancy_is_not_pregnant_citing_her_age(text):
    result = judged(text)
    assert result.value == FALSE and result.ask is None
    assert "age" in result.reason and "trial team" in result.reason
    assert [f.label for f in result.facts] == ["AGE"]


@pytest.mark.parametrize("text", ["my daughter is 6 and has T-ALL", "our little girl (4) has ITP"])
def test_a_young_child_is_not_asked_about_pregnancy(text):
    result = judged(text)
    assert result.value == FALSE and "too young" in result.reason


@pytest.mark.parametrize("text", [
    "I'm 34 and have lupus",           # within the years: asked
    "she has lupus",                   # no age: asked
    "she is over 40 and has lupus",    # a lower bound inside the years: asked
])
def test_within_the_years_or_without_an_age_pregnancy_is_asked(text):
    result = judged(text)
    assert result.value == UNKNOWN and result.ask == "pregnancy"


def test_a_stated_pregnancy_wins_over_the_age():
    assert judged("62 year old woman, 20 weeks pregnant after IVF, with lupus").value == TRUE


# --- trials for people at risk of a complication of pregnancy -------------------------------------

@pytest.mark.parametrize("trial_id", ["NCT04766866", "NCT06209411"])
def test_a_pregnancy_complication_prevention_trial_names_its_population(trial_id):
    gate = condition_target(record(trial_id))
    assert "pregnant women or new mothers" in gate["text"]
    alternative = gate["rule"]["any"][1]
    assert alternative["all"][0] == LEAF


@pytest.mark.parametrize("text", [
    "I'm a 67 year old woman with rheumatoid arthritis, failed methotrexate and rituximab",
    "45 year old man with lupus nephritis",
])
def test_someone_who_cannot_be_pregnant_is_ruled_out_by_condition(text):
    result = match(Profile(extract(text, today=TODAY)), [record("NCT04766866")], today=TODAY)[0]
    assert result.verdict == "ineligible" and result.off_condition
    gate = next(c for c in result.top if c.id == "elig-condition")
    assert "Preeclampsia" in gate.text       # the trial's conditions are cited


def test_a_woman_of_child_bearing_age_is_not_ruled_out_by_condition():
    result = match(Profile(extract("I'm 31 with lupus", today=TODAY)), [record("NCT04766866")], today=TODAY)[0]
    assert not result.off_condition
    gate = next(c for c in result.top if c.id == "elig-condition")
    assert gate.status != "fail"


def test_a_pregnant_woman_with_lupus_keeps_the_prevention_trial():
    result = match(Profile(extract("I'm 31, 20 weeks pregnant, and I have lupus", today=TODAY)),
                   [record("NCT04766866")], today=TODAY)[0]
    assert result.verdict != "ineligible"
