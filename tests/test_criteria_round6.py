"""Registry criteria, round 6 (issue #15, 2026-12-03): units written out in words, drug
classes a referrer can answer (strong CYP3A inhibitors/inducers, GLP-1 receptor agonists),
each checked for what it does to a patient (never a false exclusion)."""
from __future__ import annotations

import json

import pytest
from criteria_helpers import parse, types, verdict

from core.truth import FALSE, REVIEW, TRUE, UNKNOWN
from nlp.criteria.parser import build_rule, prepare


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
    # "mg/g" is no unit of haemoglobin: no threshold is invented
    rule = parse("Hemoglobin greater than 10 milligram per gram (mg/g)")
    assert "lab" not in types(rule)
    # ... and is the unit of the urine albumin-to-creatinine ratio (labs_urine.yaml), read in words
    assert parse("Urine Albumin-to-Creatinine Ratio (UACR) greater than 100 milligram per gram (mg/g)") == {
        "type": "lab", "analyte": "uacr", "op": ">", "value": 100, "unit": "mg/g"}


# --- drug classes a referrer can answer ---------------------------------------------------


def test_strong_cyp3a_inhibitors_within_a_window_judge_a_named_member_drug():
    # NCT06761586 exc-21 (the inducers after "or" stay the team's: any[rule, review])
    rule = parse("Use of strong CYP3A4 inhibitors within 14 days before the first dose", "exclusion")
    assert rule == {"type": "therapy", "concept": "strong_cyp3a_inhibitor", "within_days": 14}
    # a member taken now is inside the window: a washout the team decides (matching/therapy.py)
    assert verdict(rule, "She currently takes voriconazole for aspergillosis") == REVIEW
    assert verdict(rule, "He takes itraconazole daily") == REVIEW
    assert verdict(rule, "a man with lung cancer") == UNKNOWN
    # fluconazole is a moderate inhibitor: not a member
    assert verdict(rule, "She currently takes fluconazole") == UNKNOWN


def test_a_moderate_or_unqualified_cyp3a_class_is_never_read_as_the_strong_one():
    rule = parse("Use of moderate or strong CYP3A4 inhibitors within 14 days before the first dose", "exclusion")
    assert "review" in types(rule)                      # "moderate" stays the team's
    assert verdict(rule, "a man with lung cancer") != FALSE
    for text in ("Use of CYP3A4 inhibitors within 14 days", "Use of moderate CYP3A4 inducers within 14 days",
                 "medication that strongly induce or inhibit cytochrome P450 (CYP3A)"):
        assert "therapy" not in types(parse(text, "exclusion")), text


def test_strong_cyp3a_inducers_and_glp1_receptor_agonists():
    inducers = parse("Treatment with strong CYP3A inducers within 14 days prior to the first dose", "exclusion")
    assert inducers == {"type": "therapy", "concept": "strong_cyp3a_inducer", "within_days": 14}
    assert verdict(inducers, "On carbamazepine for epilepsy") == REVIEW
    assert verdict(inducers, "On levetiracetam for epilepsy") == UNKNOWN
    # NCT06717698 exc-4
    glp1 = parse("Use of any glucagon-like peptide-1 (GLP-1) RA (including medication with GLP-1 RA activity, "
                 "e.g., GIP/GLP-1 RA) within 90 days prior to screening.", "exclusion")
    assert glp1 == {"type": "therapy", "concept": "glp1_receptor_agonist", "within_days": 90}
    assert verdict(glp1, "type 2 diabetes on semaglutide weekly") == REVIEW
    assert verdict(glp1, "type 2 diabetes on metformin") == UNKNOWN


# --- comparator words in data -------------------------------------------------------------


def test_comparator_words_of_criteria_are_data_and_a_bad_sign_fails_naming_the_key(tmp_path):
    import pytest
    import yaml

    from data.errors import DataError
    from nlp.criteria.cues import CUES_FILE, read_cues

    assert parse("Age older than 65 years") == {"type": "age", "min": 65}
    assert parse("younger than 18 years of age") == {"type": "age", "max": 17}
    assert parse("A minimum of 2 prior lines of therapy")["score"] == "prior_lines"
    doc = yaml.safe_load(CUES_FILE.read_text(encoding="utf-8"))
    doc["sign_words"] = {"older than": "after"}
    broken = tmp_path / "criteria_cues.yaml"
    broken.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError, match="sign_words"):
        read_cues(broken)


# --- the cancer in the central nervous system, with a status ------------------------------


def test_one_status_word_before_cns_metastases_names_a_status_a_referrer_can_answer():
    rule = parse("Has symptomatic central nervous system (CNS) metastases", "exclusion")   # NCT05382364
    assert rule == {"type": "diagnosis", "concept": "symptomatic_brain_metastases"}
    assert verdict(rule, "lung cancer, no brain metastases") == FALSE
    assert verdict(rule, "lung cancer with brain metastases") == UNKNOWN      # which status: asked
    assert verdict(rule, "lung cancer with treated stable brain metastases") != TRUE
    assert parse("Participants must not have untreated central nervous system (CNS) metastases.", "exclusion") == {
        "type": "diagnosis", "concept": "untreated_brain_metastases"}
    assert parse("Spinal cord compression and unstable brain metastases.", "exclusion") == {"any": [
        {"type": "diagnosis", "concept": "spinal_cord_compression"},
        {"type": "diagnosis", "concept": "active_brain_metastases"}]}


def test_two_status_words_or_a_status_shared_with_the_next_item_stay_the_teams():
    # either status: plain brain metastases with the words for the team (as before)
    rule = parse("Untreated and/or uncontrolled brain metastases", "exclusion")
    assert rule["all"][0] == {"type": "diagnosis", "concept": "brain_metastases"} and "review" in types(rule)
    # "active" reaches the meningitis too
    rule = parse("Have known active central nervous system metastases and/or carcinomatous meningitis.", "exclusion")
    assert rule["any"][0] == {"type": "diagnosis", "concept": "active_brain_metastases"}
    assert rule["any"][1]["all"][0] == {"type": "diagnosis", "concept": "leptomeningeal_metastases"}
    assert "review" in types(rule["any"][1])


def test_cns_involvement_is_no_other_cns_disorder():
    # NCT04975997, NCT02964858: was cns_disorder, and a patient with epilepsy was excluded
    rule = parse("Known central nervous system involvement with MM.", "exclusion")
    assert rule == {"type": "diagnosis", "concept": "cns_involvement"}
    assert verdict(rule, "multiple myeloma, epilepsy since childhood") != TRUE
    assert verdict(rule, "multiple myeloma, no CNS involvement") == FALSE
    lymphoma = parse("Systemic lymphomas with CNS involvement.", "exclusion")
    assert verdict(lymphoma, "DLBCL, had a stroke in 2019") != TRUE
    assert verdict(lymphoma, "DLBCL with CNS involvement") == TRUE


# --- "... or planned during the study" -----------------------------------------------------


def test_a_plan_for_the_time_of_the_study_is_the_teams_beside_the_rule_of_the_rest():
    rule = parse("Major surgery within 4 weeks of study entry or planned during study.", "exclusion")  # NCT05786924
    assert rule == {"any": [{"type": "procedure", "concept": "major_surgery", "within_days": 28}, {"type": "review", "reason": "clinical"}]}
    # no surgery lately: the plan is still the team's (never decided here)
    assert verdict(rule, "a woman with breast cancer, no surgery in the last year") in (UNKNOWN, REVIEW)
    rule = parse("Live attenuated vaccine was administered within 28 days prior to initial study administration "
                 "or is expected to be administered during study treatment", "exclusion")       # NCT05482568
    assert rule == {"any": [{"type": "therapy", "concept": "live_vaccine", "within_days": 28}, {"type": "review", "reason": "clinical"}]}
    # an inclusion, or a line whose rest is not read, is left as it was
    assert "procedure" not in types(parse("Major surgery within 4 weeks or planned during study.", "inclusion"))
    # thymectomy is a concept since round 19 (lead): read as "Major surgery within 4 weeks ... or
    # planned" is, the plan left to the team (it had been an unread line, all review)
    rule = parse("History of thymectomy within 12 months prior to screening or planned during the study", "exclusion")
    assert rule == {"any": [{"type": "procedure", "concept": "thymectomy", "within_days": 365}, {"type": "review", "reason": "clinical"}]}
    assert verdict(rule, "myasthenia gravis, thymectomy 3 months ago") == TRUE
    assert verdict(rule, "myasthenia gravis, thymectomy 2019") in (UNKNOWN, REVIEW)


def test_investigational_therapy_within_a_window():
    # NCT05170204 exc-21, NCT01929941 exc-1.1 ("whichever is longer": either window)
    rule = parse("Treatment with investigational therapy within 28 days prior to initiation of study treatment", "exclusion")
    assert rule == {"type": "therapy", "concept": "investigational_drug", "within_days": 28}
    rule = parse("Received an investigational study drug within 28 days or 5 half-lives (whichever is longer) prior to "
                 "receiving their first dose of study drug.", "exclusion")
    assert rule == {"any": [{"type": "therapy", "concept": "investigational_drug", "within_days": 28},
                            {"type": "therapy", "concept": "investigational_drug", "within_half_lives": 5}]}


def test_the_test_a_heart_measurement_is_read_by_adds_nothing():
    for text in ("LVEF ≥ 50% by ECHO or MUGA", "LVEF ≥ 50% by echocardiogram or multigated acquisition scan",
                 "LVEF ≥ 45% on echocardiogram"):
        rule = parse(text)
        assert rule["type"] == "lab" and rule["analyte"] == "lvef", text


def test_with_child_pugh_is_no_pregnancy():
    # NCT05296798 exc-17, NCT04961996 exc-9: "consistent with Child-Pugh Class B or C" had been
    # read as "with child" (pregnant): the liver disease held only for pregnant patients
    rule = parse("Clinically significant liver disease consistent with Child-Pugh Class B or C", "exclusion")
    assert "pregnancy" not in types(rule)
    assert "liver_disease" in str(rule) and "review" in types(rule)


@pytest.mark.parametrize("text", [
    "Having any pathology like chronic renal disease, and hepatic impairment was excluded from the study.",
    "Seropositivity for hepatitis B antigen, hepatitis C antibody, or human immunodeficiency virus (HIV). "
    "Subjects will undergo testing during screening, and any subjects who are seropositive for hepatitis B "
    "antigen, hepatitis C antibody, or HIV will be excluded.",
])
def test_an_exclusion_that_says_its_list_is_excluded_negates_no_item(text):
    """"X and Y were excluded from the study": the list carries the negation from Y to X, and
    "excluded" only restates the exclusion for X too; read as "not X" it excluded every
    patient without kidney disease (NCT05380245) or without hepatitis C (NCT00739882)."""
    rule = build_rule(text, "exclusion")
    assert '"not"' not in json.dumps(rule)


def test_a_real_negation_carried_along_a_list_stays():
    assert '"not"' in json.dumps(build_rule("No chronic renal disease or hepatic impairment", "exclusion"))
