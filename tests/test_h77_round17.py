"""Round 17 (h77, issue #14): relevance on patients never seen, and fewer questions.

The classes of patient text that could rule a relevant trial out (found by reasoning, not from
the held-aside set): a disease named after the organ it reaches ("my kidneys are involved with
my lupus"), a finding that is a sign of a disease beside another diagnosis ("lupus ... protein
in my urine"), a diagnosis said only in lay words that define it ("my immune system destroys
my platelets", "a muscle disease with a rash"), and a clinician's age as a fraction of a year
("aged 7/12") read as years. A disease defined by an antibody answers the criterion asking for
it, so the bot does not ask it. Each wording is new text of its class, not a gold row.
"""
from __future__ import annotations

from datetime import date

import pytest

from core.facts import Fact, Profile
from matching.engine import match
from matching.evaluate import Evaluator
from matching.relevance import implied_diagnoses, asserted_diagnoses
from nlp import extract

TODAY = date(2026, 12, 5)


def conditions(text):
    return {f.concept for f in extract(text) if f.label == "CONDITION" and not f.negated}


# --- a disease named after the organ it reaches ------------------------------------------------

@pytest.mark.parametrize("text, organ_disease", [
    ("im 33, my kidneys are involved with my lupus, protein in the urine for a year", "lupus_nephritis"),
    ("her lungs are affected by the scleroderma, FVC 60%", "interstitial_lung_disease"),
    ("kidney involvement from her SLE, creatinine rising", "lupus_nephritis"),
    ("My kidneys have been damaged by my lupus.", "lupus_nephritis"),
])
def test_an_organ_named_before_its_disease_is_the_organ_disease(text, organ_disease):
    assert organ_disease in conditions(text)


@pytest.mark.parametrize("text", [
    "her lungs are damaged from smoking and she has RA",       # another cause named right after
    "my lungs were affected by covid and I have lupus",
    "my kidneys are fine, the lupus is in the joints",
])
def test_an_organ_reached_by_something_else_names_no_organ_disease(text):
    found = conditions(text)
    assert "interstitial_lung_disease" not in found and "lupus_nephritis" not in found


# --- lay words that define a diagnosis ----------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("40 female. my own immune system keeps destroying my platelets, count is 8 now.", "itp"),
    ("the antibodies are attacking her platelets, she bruises everywhere", "itp"),
    ("my mom has a muscle disease with a rash on her eyelids and knuckles", "dermatomyositis"),
    ("he has muscle inflammation and a skin rash on his hands", "dermatomyositis"),
])
def test_a_diagnosis_in_the_lay_words_that_define_it(text, concept):
    assert concept in conditions(text)


def test_lay_words_denied_are_negated():
    found = [f for f in extract("they said it is not that her immune system is attacking her platelets")
             if f.concept == "itp"]
    assert found and all(f.negated for f in found)


def test_a_muscle_disease_without_a_rash_is_no_dermatomyositis():
    assert "dermatomyositis" not in conditions("no rash, she has a muscle disease")


# --- a finding beside a diagnosis keeps its disease's trials open -------------------------------

def _evaluator(text):
    return Evaluator(Profile(extract(text)), today=TODAY)


def test_proteinuria_beside_lupus_implies_kidney_disease_and_never_rules_out():
    ev = _evaluator("I have lupus and there has been protein in my urine for over a year. 35F")
    implied = {f.concept for f in implied_diagnoses(ev, asserted_diagnoses(ev))}
    assert "kidney_disease" in implied


def test_a_named_kidney_disease_needs_no_implied_one():
    ev = _evaluator("lupus nephritis class IV, protein in my urine for a year")
    implied = {f.concept for f in implied_diagnoses(ev, asserted_diagnoses(ev))}
    assert "kidney_disease" not in implied


def _trial(trial_id, conditions, criteria=()):
    return {"id": trial_id, "nct_id": None, "title": trial_id, "criteria": list(criteria),
            "conditions": list(conditions), "conditions_text": [], "sources": ["test"],
            "eligibility": {"min_age_years": None, "max_age_years": None, "sex": "ALL", "healthy_volunteers": None}}


def test_a_ckd_trial_stays_open_to_lupus_with_proteinuria():
    ckd = _trial("T-CKD", ["kidney_disease"])
    other = _trial("T-ASTHMA", ["asthma"])
    facts = extract("im 38 and have lupus, there has been protein in my urine for more than a year")
    results = {r.id: r for r in match(Profile(facts), [ckd, other], today=TODAY)}
    assert results["T-CKD"].verdict != "ineligible"
    assert results["T-ASTHMA"].verdict == "ineligible"     # the gate still works for other diseases


# --- a fraction of a year is no age in years ----------------------------------------------------

@pytest.mark.parametrize("text", ["pt aged 7/12 with ITP", "aged 18/52, neonatal lupus"])
def test_a_clinicians_fraction_of_a_year_is_not_read_as_years(text):
    assert not [f for f in extract(text) if f.label == "AGE"]


def test_aged_with_a_whole_number_is_still_an_age():
    ages = [f.value for f in extract("aged 66 with RA") if f.label == "AGE"]
    assert ages == [66.0]


# --- a disease defined by a marker answers the marker's criterion -------------------------------

MYOSITIS_ANTIBODY = {"type": "biomarker", "marker": "myositis_antibody", "state": "positive"}


def _marker(text):
    return _evaluator(text).rule(MYOSITIS_ANTIBODY)


def test_antisynthetase_syndrome_is_positive_for_a_myositis_antibody():
    result = _marker("61F antisynthetase syndrome with ILD, failed tacrolimus and rituximab")
    assert result.value == "true"


@pytest.mark.parametrize("text", [
    "61F dermatomyositis, failed tacrolimus",                               # not defined by one
    "my sister has antisynthetase syndrome; I have polymyositis",            # a relative's
    "they think it might be antisynthetase syndrome",                        # only suspected
])
def test_no_defining_disease_leaves_the_marker_open(text):
    assert _marker(text).value == "unknown"


def test_a_stated_negative_result_wins_over_the_definition():
    assert _marker("antisynthetase syndrome, myositis antibodies negative").value == "false"
