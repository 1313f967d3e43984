"""Assertion, round 2 (issue #13, helper h6, 2026-12-03): each test names a class of
phrasing written for the dev gold (conv-0614 ... conv-0651), not one message."""
import json
from datetime import date

import pytest

from assertion_helpers import of, present
from nlp import extract
from nlp.resources import CONTEXT_RULES, DataError, context_rules

TODAY = date(2026, 12, 3)


def facts(text):
    return extract(text, today=TODAY)


# --- one literal, one rule ----------------------------------------------------------------

def test_no_two_context_rules_match_the_same_words():
    seen = {}
    for i, rule in enumerate(context_rules()):
        key = json.dumps(rule.get("pattern"), sort_keys=True) if rule.get("pattern") else " ".join(rule["literal"].lower().split())
        assert key not in seen, f"{rule['literal']!r}: rules {seen[key]} and {i}"
        seen[key] = i


def test_the_loader_rejects_a_literal_given_twice(tmp_path, monkeypatch):
    import nlp.resources as resources
    rule = {"literal": "screening for", "category": "POSSIBLE_EXISTENCE", "direction": "FORWARD"}
    path = tmp_path / "context_rules.json"
    path.write_text(json.dumps({"context_rules": [rule, dict(rule, literal="Screening  for", category="HYPOTHETICAL")]}))
    monkeypatch.setattr(resources, "CONTEXT_RULES", path)
    getattr(resources.context_rules, "cache_clear", lambda: None)()
    try:
        with pytest.raises(DataError):
            resources.context_rules()
    finally:
        getattr(resources.context_rules, "cache_clear", lambda: None)()
    assert CONTEXT_RULES.exists()


@pytest.mark.parametrize("text, concept", [
    ("Screening for TB is pending.", "tuberculosis"),
    ("Evaluate for autoimmune hepatitis vs drug induced liver injury.", "autoimmune_hepatitis"),
    ("Evaluated for lupus nephritis, biopsy awaited.", "lupus_nephritis"),
])
def test_a_disease_looked_for_is_possible(text, concept):
    f = of(text, concept)
    assert f.uncertain and not f.negated


@pytest.mark.parametrize("text", ["they evaluated her for CAR-T last month", "Evaluation for CAR-T next week."])
def test_a_treatment_evaluated_for_is_hypothetical(text):
    assert of(text, "car_t").hypothetical


# --- "or" lists with items the pipeline does not know ---------------------------------------

@pytest.mark.parametrize("text, concepts", [
    ("There is no evidence of alcoholic liver disease, bleeding from esophageal varices, hemochromatosis, "
     "autoimmune hepatitis or metabolic liver disease.", ["esophageal_varices", "autoimmune_hepatitis", "liver_disease"]),
    ("No evidence of HIV, recent travel, tick bites or hepatitis C.", ["hcv"]),
    ("never had TB, hep a, yellow fever or hiv", ["hiv"]),
])
def test_a_negation_reaches_every_item_of_an_or_list(text, concepts):
    for concept in concepts:
        assert of(text, concept).negated, concept


@pytest.mark.parametrize("text", ["No HIV, she has lupus or RA.", "No HIV, lupus since 2015 or so."])
def test_a_clause_after_a_negated_item_is_no_list_item(text):
    assert present(of(text, "sle"))


# --- a negative family history is the family's, not the patient's -------------------------

@pytest.mark.parametrize("text, concept", [
    ("Family history is negative for cancer.", "malignancy"),
    ("FHx: negative for colon cancer.", "colorectal_cancer"),
    ("Family history: negative for diabetes and stroke.", "stroke"),
    ("no family history of lupus", "sle"),
])
def test_a_negative_family_history_is_the_familys(text, concept):
    f = of(text, concept)
    assert f.family and f.negated


def test_the_patients_own_disease_after_a_negative_family_history_is_present():
    found = facts("Family history: negative for diabetes. PMH: HTN.")
    htn = next(f for f in found if f.concept == "hypertension")
    # the patient's own and not denied; listed under "PMH:" it is history, inside a line as on
    # a line of its own (twelfth session)
    assert not (htn.negated or htn.family or htn.uncertain or htn.hypothetical) and htn.historical
    assert present(next(f for f in facts("Family history: negative for diabetes. Has HTN.") if f.concept == "hypertension"))


def test_a_colon_then_negative_for_negates_forwards():
    assert of("Hepatitis screen: negative for HBV and HCV.", "hcv").negated


# --- a past value --------------------------------------------------------------------------

@pytest.mark.parametrize("text, concept, value", [
    ("Previous LVEF was 55%.", "lvef", 55),
    ("Prior platelet count 40.", "platelets", 40),
    ("her previous creatinine was 2.1 but its better now", "creatinine", 2.1),
])
def test_a_value_called_previous_is_past(text, concept, value):
    f = of(text, concept)
    assert f.historical and f.value == value


def test_a_newer_value_after_a_previous_one_is_current():
    f = of("prior platelet count 40, now 120", "platelets")
    assert present(f) and f.value == 120


def test_prior_still_reaches_a_list_of_diagnoses():
    assert all(f.historical for f in facts("Prior CVA, HTN, DMII.") if f.label == "CONDITION")


# --- a question answered in the same message ---------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("Is she on MMF? yes", "mycophenolate"),
    ("is he on rituximab? yes he is", "rituximab"),
    ("Is he on tacrolimus? Yes, since 2021.", "tacrolimus"),
])
def test_a_question_answered_yes_is_a_fact(text, concept):
    f = of(text, concept)
    assert present(f) and f.status == "current"


@pytest.mark.parametrize("text, concept", [("does she have HIV? no", "hiv"), ("Is she pregnant? No.", "pregnant")])
def test_a_question_answered_no_is_a_denial(text, concept):
    assert of(text, concept).negated


@pytest.mark.parametrize("text", ["Is she on MMF? no idea", "is she on MMF?"])
def test_an_unanswered_question_stays_open(text):
    f = of(text, "mycophenolate")
    assert f.uncertain and not f.negated


def test_a_yes_does_not_turn_a_wish_into_a_fact():
    assert of("could CAR-T help? yes maybe", "car_t").hypothetical


# --- a present perfect event, dated or not ------------------------------------------------

@pytest.mark.parametrize("text", ["he has had a stroke", "she's had a stroke", "hes had 2 strokes"])
def test_an_undated_present_perfect_event_stays_current(text):
    assert present(of(text, "stroke"))


@pytest.mark.parametrize("text", ["had a stroke in 2019", "has had a stroke in 2019", "i had a stroke in 2019, fully recovered"])
def test_a_dated_event_is_past(text):
    assert of(text, "stroke").historical


def test_a_clause_with_its_own_subject_ends_a_past_cue():
    found = {f.concept: f for f in facts("had a stroke in 2018, my diabetes is controlled")}
    assert found["stroke"].historical and present(found["diabetes_mellitus"])
