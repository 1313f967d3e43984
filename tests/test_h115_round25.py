"""h115, round 25 (issue #13): what patients and relatives write, in their own words.

Each test gives wordings of its own (not the gold messages') for a class the new conversation
gold (conv-5970 ... conv-6049) showed: a lab's direction with no number, "MG", a place one can
travel to, "had X since last spring", "for the past 6 wks", "despite" after a direction, short
lay names ("fibro"; "anti-synthetase antibodies" the marker), "back to normal"."""
from __future__ import annotations

from core.facts import LAB_TRENDS, Fact
from core.truth import UNKNOWN
from matching.lab_words import judge
from nlp.pipeline import extract


def _facts(text: str, label: str | None = None) -> list[Fact]:
    return [f for f in extract(text) if label is None or f.label == label]


def _one(text: str, concept: str) -> Fact:
    found = [f for f in extract(text) if f.concept == concept]
    assert len(found) == 1, (text, [(f.label, f.concept) for f in extract(text)])
    return found[0]


def test_a_lab_direction_without_a_number_is_a_lab_fact_with_that_direction():
    for text, concept, direction in [
        ("his creatine kinase keeps going up", "ck", "rising"),
        ("her creatinine is creeping up slowly", "creatinine", "rising"),
        ("plt falling again", "platelets", "falling"),
        ("her ferritin is through the roof", "ferritin", "rising"),
        ("the ALT is still climbing", "alt", "rising"),
        ("his fvc has been declining", "fvc", "falling"),
    ]:
        fact = _one(text, concept)
        assert fact.label == "LAB" and fact.value is None and fact.status == direction, text
        assert fact.status in LAB_TRENDS and fact.said_in_words
        assert not (fact.historical or fact.negated or fact.family), text


def test_a_direction_in_the_simple_past_is_of_then_unless_again_or_has():
    assert _one("her platelets fell on azathioprine but they recovered", "platelets").historical
    assert _one("my platelets went up for a while after the IVIG", "platelets").historical
    assert not _one("my platelets fell again", "platelets").historical
    assert not _one("her CK has dropped", "ck").historical
    assert not _one("his creatinine went up a little", "creatinine").historical


def test_a_denied_or_conditional_direction_is_not_a_present_finding():
    assert not [f for f in _facts("platelets not dropping anymore", "LAB") if f.status in LAB_TRENDS]
    fact = next((f for f in _facts("if her platelets drop again they will try romiplostim", "LAB")), None)
    assert fact is None or fact.hypothetical


def test_a_direction_is_never_met_or_failed_against_a_threshold():
    fact = _one("her platelets keep dropping", "platelets")
    leaf = {"type": "lab", "analyte": "platelets", "op": ">=", "value": 50, "unit": "10^9/L"}
    result = judge(leaf, fact, "platelets", {"uln": 400, "lln": 150}, 50.0, "×10⁹/L", "lab:platelets")
    assert result.value == UNKNOWN and result.ask == "lab:platelets"
    assert "falling" in result.reason and "no value" in result.reason


def test_mg_in_capitals_is_myasthenia_but_not_a_unit_after_its_number():
    assert _one("dx MG 2021, AChR positive", "myasthenia_gravis").label == "CONDITION"
    assert not [f for f in _facts("azathioprine 100 MG daily") if f.concept == "myasthenia_gravis"]
    assert not [f for f in _facts("she takes 5 mg of folic acid") if f.concept == "myasthenia_gravis"]


def test_a_place_the_person_can_travel_to_is_a_place():
    places = [f.text for f in _facts("im happy to travel to sheffield for it", "LOCATION")]
    assert places == ["sheffield"]
    assert not _facts("we can travel to the hospital easily", "LOCATION")
    assert not _facts("she could travel to appointments", "LOCATION")


def test_a_home_said_wins_over_a_place_one_can_travel_to():
    places = [f.text for f in _facts("We live in Derby but could travel to Nottingham", "LOCATION")]
    assert places == ["Derby"]


def test_had_a_disease_since_a_relative_time_goes_on():
    assert not _one("had lupus since last summer", "sle").historical
    assert not _one("she had crohns since last year", "crohns_disease").historical


def test_for_the_past_weeks_is_no_history_cue():
    fact = _one("on prednisolone for the past 3 months, lupus flared after a chest infection", "sle")
    assert not fact.historical


def test_a_direction_right_before_despite_keeps_the_treatment_taken():
    fact = _one("ALT creeping up despite tocilizumab", "tocilizumab")
    assert fact.status == "failed" and not fact.historical


def test_lay_short_names_and_back_to_normal():
    assert _one("i have lupus and fibro", "fibromyalgia").label == "CONDITION"
    marker = _one("anti-synthetase antibodies were positive", "myositis_antibody")
    assert marker.label == "BIOMARKER"
    fact = _one("her creatinine is back to normal", "creatinine")
    assert fact.status == "normal" and fact.value is None
