"""A condition a criterion defines by measurements is those measurements (issue #15, lead,
seventh session): "Significant kidney disease, defined as GFR < 60 ml/min" was read as
any[kidney disease and a review, eGFR < 60], so a patient with eGFR 78 stayed open. A
definition needing more than labs and scores, or holding a time window a lab leaf cannot
carry, is read as before."""
from __future__ import annotations

from criteria_helpers import parse, types, verdict

from core.truth import FALSE, TRUE, UNKNOWN


def test_a_disease_defined_by_a_threshold_is_the_threshold():
    rule = parse("Significant kidney disease, defined as Glomerular Filtration Rate (GFR) < 60 ml/min;", "exclusion")
    assert rule == {"type": "lab", "analyte": "egfr", "op": "<", "value": 60, "unit": "mL/min"}
    assert verdict(rule, "eGFR 78") == FALSE and verdict(rule, "eGFR 45") == TRUE
    assert verdict(rule, "lupus nephritis") == UNKNOWN


def test_poorly_controlled_hypertension_defined_by_blood_pressure():
    rule = parse("Patients with poorly controlled hypertension, defined as systolic blood pressure more than or "
                 "equal to 160 mmHg or diastolic blood pressure more than 100 mmHg.", "exclusion")
    assert types(rule) == {"lab"}
    assert verdict(rule, "hypertension, BP 130/80") == FALSE and verdict(rule, "BP 170/95") == TRUE


def test_a_definition_with_more_than_measurements_or_a_window_is_read_as_before():
    regimen = parse("Uncontrolled arterial hypertension defined as supine SBP of ≥ 140 mm Hg AND/OR supine DBP ≥ 90 "
                    "mmHg on stable doses of three or lesser different classes of antihypertensive medications", "exclusion")
    assert "review" in types(regimen)
    windowed = parse("Known hyperkalaemia, defined as potassium of ≥ 5.5 mmol/L within 3 months prior to screening.",
                     "exclusion")
    assert "review" in types(windowed)
    assert parse("Severe, active co-morbidity defined as follows:", "exclusion")["type"] == "review"
