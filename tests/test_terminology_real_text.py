"""Concepts that real notes and registry criteria name (issues #13, #15; 2026-12-03):
lifestyle, comorbidities, labs, named infections and vaccines, drug classes, operations and
blood-cancer markers (data/terminology/{lifestyle,comorbidities,labs_extra,infections_extra,
therapies_extra,biomarkers_extra}.yaml). Each is read from the way notes write it, hangs
where a criterion needs it, and never turns a patient who quit, was vaccinated or has a
blood test of a similar name into one a trial excludes."""
from __future__ import annotations

import pytest
from criteria_helpers import parse, types, verdict

from core.truth import FALSE, REVIEW, TRUE, UNKNOWN
from data.terminology import load_terminology
from nlp import extract


def facts(text):
    return [(f.label, f.concept, bool(f.negated)) for f in extract(text)]


@pytest.mark.parametrize("child, ancestor", [
    ("apixaban", "anticoagulant"), ("warfarin", "anticoagulant"), ("heparin", "anticoagulant"),
    ("aspirin", "antiplatelet"), ("atorvastatin", "statin"), ("rosuvastatin", "statin"),
    ("arterial_thrombosis", "thrombosis"), ("varicella_vaccine", "live_vaccine"),
    ("herpes_zoster", "viral_infection"), ("carotid_artery_disease", "cardiovascular_disease"),
])
def test_hierarchy(child, ancestor):
    assert load_terminology().is_a(child, ancestor)


@pytest.mark.parametrize("concept, not_under", [
    ("former_smoker", "smoking"), ("alcohol_use", "alcohol_use_disorder"), ("drug_induced_lupus", "sle"),
    ("herpes_zoster", "active_infection"), ("zoster_vaccine", "live_vaccine"), ("thrombosis", "arterial_thrombosis"),
])
def test_kept_apart(concept, not_under):
    assert not load_terminology().is_a(concept, not_under)


def test_comorbidities_and_lifestyle_are_no_main_diagnoses():
    terms = load_terminology()
    for cid in ("smoking", "former_smoker", "alcohol_use", "illicit_drug_use", "carotid_artery_disease", "cholelithiasis"):
        assert terms[cid].attrs.get("background") and not terms[cid].attrs.get("main_kind")
    assert not any(terms[c].attrs.get("diagnosis") for c in ("herpes_zoster", "varicella", "h_pylori"))


def test_a_social_history_denial_is_negated():
    found = facts("She doesn't smoke, drink alcohol, or use illicit drugs.")
    assert ("CONDITION", "smoking", True) in found
    assert ("CONDITION", "alcohol_use", True) in found
    assert ("CONDITION", "illicit_drug_use", True) in found
    assert ("CONDITION", "smoking", True) in facts("i dont smoke")
    assert ("CONDITION", "smoking", False) in facts("He smokes 20 cigarettes per day.")


@pytest.mark.parametrize("text", ["He is a former smoker.", "ex-smoker", "I quit smoking 10 years ago", "I used to smoke"])
def test_someone_who_quit_is_a_former_smoker_not_a_smoker(text):
    concepts = [c for _, c, _ in facts(text)]
    assert "former_smoker" in concepts and "smoking" not in concepts


@pytest.mark.parametrize("text, concept", [
    ("Lupus anticoagulant detected", "lupus_anticoagulant"),
    ("do i need the shingles vaccine before rinvoq?", "zoster_vaccine"),
    ("varicella vaccine last month", "varicella_vaccine"),
    ("history of drug-induced lupus from hydralazine", "drug_induced_lupus"),
])
def test_look_alikes_are_their_own_concept(text, concept):
    concepts = [c for _, c, _ in facts(text)]
    assert concept in concepts
    assert not {"anticoagulant", "herpes_zoster", "varicella", "sle"} & set(concepts)


def test_labs_are_read_in_their_units():
    found = {f.concept: f for f in extract("LDH 450 U/L, TSH 15 mIU/L, ESR: 120 mm/hr, CRP 3 mg/dL, glucose 7.0 mmol/L, Hct 39%")}
    assert found["ldh"].value_normalized == pytest.approx(450)
    assert found["tsh"].value_normalized == pytest.approx(15)
    assert found["esr"].value_normalized == pytest.approx(120)
    assert found["crp"].value_normalized == pytest.approx(30)          # mg/dL -> mg/L
    assert found["glucose"].value_normalized == pytest.approx(126.1, abs=0.2)   # mmol/L -> mg/dL
    assert found["hematocrit"].value_normalized == pytest.approx(39)


def test_lipids_by_their_abbreviations():
    concepts = [c for _, c, _ in facts("FBS: 98 mg/dl TG: 150 mg/dl Cholesterol: 180 mg/dl LDL: 90 mg/dl HDL: 35 mg/dl")]
    assert concepts == ["glucose", "triglycerides", "total_cholesterol", "ldl_cholesterol", "hdl_cholesterol"]


def test_urea_is_not_read_as_bun():
    # urea in mg/dL is 2.14 x BUN in mg/dL: a BUN limit read on it would wrongly exclude
    assert "bun" not in [c for _, c, _ in facts("Urea: 29 mg/dL")]


# --- criteria: what the parser makes of them, and what that does to a patient ---------------


def test_anticoagulants_within_30_days_judge_a_named_drug():
    rule = parse("Use of warfarin, heparin or other anticoagulants in the last 30 days;", "exclusion")
    assert rule == {"type": "therapy", "concept": "anticoagulant", "within_days": 30}
    # taken now: a washout before enrolment may be enough, the trial team decides
    assert verdict(rule, "she takes apixaban 5 mg twice a day") == REVIEW
    assert verdict(rule, "no blood thinners") == FALSE
    assert verdict(rule, "a man with lupus") == UNKNOWN


def test_therapeutic_anticoagulation_as_a_qualifier_is_no_anticoagulant_leaf():
    rule = parse("History or evidence of inherited bleeding diathesis or significant coagulopathy at risk of "
                 "bleeding (i.e., in the absence of therapeutic anticoagulation).", "exclusion")
    assert "therapy" not in types(rule)


def test_smokers_exclude_a_smoker_never_one_who_quit():
    rule = parse("Smokers.", "exclusion")
    assert rule == {"type": "diagnosis", "concept": "smoking"}
    assert verdict(rule, "He smokes 10 cigarettes a day") == TRUE
    assert verdict(rule, "ex-smoker, quit in 2015") != TRUE
    assert verdict(rule, "She doesn't smoke.") == FALSE


def test_arterial_thromboembolism_is_not_met_by_a_clot_of_unstated_kind():
    rule = parse("History of arterial thromboembolism within the past 12 months prior to randomization", "exclusion")
    assert rule == {"type": "history", "concept": "arterial_thrombosis", "within_days": 365}
    assert verdict(rule, "blood clot in the leg 2 months ago") != TRUE


def test_fasting_glucose_range_and_lipid_limits():
    assert parse("Fasting Blood Glucose between 100-125 mg/dL;") == {"all": [
        {"type": "lab", "analyte": "glucose", "op": ">=", "value": 100, "unit": "mg/dL"},
        {"type": "lab", "analyte": "glucose", "op": "<=", "value": 125, "unit": "mg/dL"}]}
    rule = parse("Serum cholesterol <350 mg/dL and triglycerides < 400 mg/dL")
    assert verdict(rule, "cholesterol 5.2 mmol/L, triglycerides 2.0 mmol/L") == TRUE
    assert verdict(rule, "a woman with lupus") == UNKNOWN


def test_lifestyle_questions_read_as_questions_about_habits():
    from matching.question_texts import load_question_texts
    texts = load_question_texts()
    assert texts.entry("diagnosis", "diagnosis:smoking")["patient"] == "Do you smoke at the moment (cigarettes or other tobacco)?"
    assert texts.entry("diagnosis", "diagnosis:alcohol_use")["clinician"] == "Alcohol use?"


def test_smoking_weed_is_cannabis_not_tobacco():
    # rel-090 (relevance dev): "smoke weed most days" read as tobacco smoking made smoking
    # the patient's only stated condition and ruled out the cannabis/alcohol study
    concepts = [c for _, c, _ in facts("i drink way too much and smoke weed most days")]
    assert "cannabis_use" in concepts and "smoking" not in concepts
    from data.condition_names import condition_concept
    assert condition_concept("Cannabis Use") == "cannabis_use"
