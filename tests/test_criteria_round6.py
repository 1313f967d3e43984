"""Registry criteria, round 6 (issue #15, 2026-12-03): units written out in words, drug
classes a referrer can answer (strong CYP3A inhibitors/inducers, GLP-1 receptor agonists),
each checked for what it does to a patient (never a false exclusion)."""
from __future__ import annotations

from criteria_helpers import parse, types, verdict

from core.truth import FALSE, TRUE, UNKNOWN
from nlp.criteria.parser import prepare


# --- units written out in words ----------------------------------------------------------


def test_a_unit_written_in_words_is_read_as_its_abbreviation():
    # NCT02227251, NCT06831370: "grams per deciliters (g/dL)", "per microliter (1,000/μL)"
    assert prepare("Hemoglobin ≥10.0 grams per deciliters (g/dL)") == "Hemoglobin ≥10.0 g/dL"
    assert prepare("Hemoglobin ≥10.0 g/dL (grams per deciliter)") == "Hemoglobin ≥10.0 g/dL"
    assert parse("Hemoglobin ≥10.0 grams per deciliters (g/dL)") == {
        "type": "lab", "analyte": "hemoglobin", "op": ">=", "value": 10, "unit": "g/dL"}
    rule = parse("Absolute neutrophil count greater than or equal to (≥)1,000 per microliter (1,000/μL)")
    assert rule == {"type": "lab", "analyte": "anc", "op": ">=", "value": 1000, "unit": "/uL"}
    assert verdict(rule, "ANC 800/uL") == FALSE
    assert verdict(rule, "ANC 1.5 x10^9/L") == TRUE
    assert verdict(rule, "a woman with lymphoma") == UNKNOWN


def test_a_unit_in_words_the_analyte_is_not_measured_in_stays_unread():
    # "mg/g" is no unit of any analyte here: no threshold is invented
    rule = parse("Urine Albumin-to-Creatinine Ratio (UACR) greater than 100 milligram per gram (mg/g)")
    assert "lab" not in types(rule)
