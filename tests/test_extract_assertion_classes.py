"""Assertion error classes found on the dev gold and in referral triage (issue #13, helper
h3): each test names a class of phrasing, not one message."""
from datetime import date

import pytest

from nlp import extract

TODAY = date(2026, 12, 2)


def facts(text):
    return extract(text, today=TODAY)


def first(text, concept):
    found = [f for f in facts(text) if f.concept == concept]
    assert found, f"no {concept} in {text!r}: {[(f.label, f.concept) for f in facts(text)]}"
    return found[0]


def present(f):
    return not (f.negated or f.uncertain or f.hypothetical or f.family or f.historical)


# --- referral triage: "refractory despite A and B" --------------------------------------

@pytest.mark.parametrize("text", [
    "Active diffuse cutaneous SSc, refractory despite MMF 3 g/day and rituximab x2.",
    "Progressed on MMF 3 g/d and RTX.",
    "Lupus nephritis refractory despite cyclophosphamide 500 mg and rituximab.",
    "ITP, no response despite prednisolone 60 mg, IVIG and romiplostim.",
])
def test_a_dose_does_not_cut_an_outcome_off_the_rest_of_the_list(text):
    therapies = [f for f in facts(text) if f.label == "DRUG"]
    assert len(therapies) >= 2
    assert all(f.status == "failed" for f in therapies), [(f.concept, f.status) for f in therapies]


def test_a_dose_alone_still_says_the_drug_is_taken_now():
    assert first("MMF 2 g/day, HCQ 200 mg", "mycophenolate").status == "current"
    assert first("stopped prednisone 10 mg", "prednisone").status is None   # weak: the past wins


# --- referral triage: a request is not a fact -------------------------------------------

@pytest.mark.parametrize("text", [
    "Please assess for CAR-T trials.",
    "Please assess her for CD19 CAR-T.",
    "I would be grateful if you could evaluate him for CAR-T therapy.",
    "Referred for CAR-T evaluation.",
    "We are writing about his suitability for CAR-T.",
    "for your CD19 CAR-T study",
    "kindly consider her for CAR-T",
])
def test_a_request_for_a_therapy_is_not_a_therapy_given(text):
    car_t = first(text, "car_t")
    assert car_t.hypothetical and not present(car_t)


def test_a_therapy_given_is_still_given():
    assert present(first("She received CD19 CAR-T in 2024 and relapsed.", "car_t")) is False   # past
    assert first("She received CD19 CAR-T in 2024 and relapsed.", "car_t").hypothetical is False
    assert not first("currently on rituximab", "rituximab").hypothetical


def test_car_t_at_a_sentence_end_is_recognised():
    assert first("Please assess her for CD19 CAR-T.", "car_t").text == "CAR-T"
    assert first("She had CAR-T.", "car_t").historical


# --- referral triage: subtypes written the registry way ---------------------------------

@pytest.mark.parametrize("text, concept", [
    ("Systemic sclerosis, diffuse cutaneous", "diffuse_systemic_sclerosis"),
    ("Diagnosis: systemic sclerosis, diffuse cutaneous, anti-Scl-70 positive", "diffuse_systemic_sclerosis"),
    ("active diffuse cutaneous SSc", "diffuse_systemic_sclerosis"),
    ("SSc (limited cutaneous), ILD", "limited_systemic_sclerosis"),
    ("systemic sclerosis, diffuse lung involvement", "systemic_sclerosis"),
])
def test_the_systemic_sclerosis_subtype_is_read_when_written(text, concept):
    conditions = [f.concept for f in facts(text) if f.label == "CONDITION"]
    assert conditions[0] == concept
