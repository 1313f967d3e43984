"""Registry criteria, round 7 (issue #15, 2026-12-03): a modal verb between a measurement and
its value, the ways an ECG interval is measured, each checked for what it does to a patient
(never a false exclusion)."""
from __future__ import annotations

from criteria_helpers import parse, types, verdict

from core.truth import FALSE, TRUE, UNKNOWN
from nlp.criteria.parser import prepare


# --- a modal verb before the value ---------------------------------------------------------


def test_a_modal_verb_before_a_comparator_and_a_number_is_dropped():
    # NCT06831370 inc-9.2: "Hemoglobin must be ≥8 grams per deciliter (g/dL)."
    assert prepare("Hemoglobin must be ≥8 g/dL") == "Hemoglobin ≥8 g/dL"
    assert prepare("ANC should be at least 1,500/µL") == "ANC at least 1,500/µL"
    rule = parse("Hemoglobin must be ≥8 grams per deciliter (g/dL).")
    assert rule == {"type": "lab", "analyte": "hemoglobin", "op": ">=", "value": 8, "unit": "g/dL"}
    assert verdict(rule, "Hb 7.1 g/dL") == FALSE
    assert verdict(rule, "Hb 10 g/dL") == TRUE
    assert verdict(rule, "a man with lupus") == UNKNOWN
    assert parse("Absolute neutrophil count must be at least 1,500/µL") == {
        "type": "lab", "analyte": "anc", "op": ">=", "value": 1500, "unit": "/uL"}


def test_a_modal_verb_before_words_is_kept():
    # not before a comparator and a number: the words stay as written
    assert prepare("Brain metastases must be asymptomatic") == "Brain metastases must be asymptomatic"
    assert prepare("Tumour must be at least partly resected") == "Tumour must be at least partly resected"


def test_lesser_than_is_less_than_and_an_unless_stays_the_teams():
    # NCT06831370 inc-8.3: the Gilbert patient is the team's, everyone else has the threshold
    rule = parse("Total bilirubin must be lesser than (\\<)1.5 x upper limit of the normal range (ULN) "
                 "unless the elevation is known to be due to Gilbert syndrome.")
    assert "lab" in types(rule) and "review" in types(rule)
    assert verdict(rule, "bilirubin 3 x ULN, Gilbert syndrome") != FALSE


def test_a_second_age_for_one_country_stays_the_teams():
    # NCT06350097 inc-1.1: "Participant from Japan must be ≥ 20 years" is not read as an age
    rule = parse("Participant must be ≥ 18 years; Participant from Japan must be ≥ 20 years, at the time of signing the ICF.")
    assert "review" in types(rule)
    assert verdict(rule, "19 year old woman") != FALSE
