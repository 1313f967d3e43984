"""Round 19 (h88, issue #15): registry criteria, precision and coverage on a new sample.

Classes found by the round's random sample (s19-0001 ... s19-0100 of
tests/data/criteria_gold/dev.jsonl) and by reading the 241 records' criteria for lines like
them: each test states the class with new texts of the same kind, not only the line that
showed it.
"""
from __future__ import annotations

from criteria_helpers import parse, verdict

from core.rules import iter_leaves
from nlp.criteria.cues import load_cues


def _reviews(rule: dict) -> int:
    return sum(leaf.get("type") == "review" for leaf in iter_leaves(rule))


def _leaves(rule: dict) -> list[dict]:
    return [leaf for leaf in iter_leaves(rule) if leaf.get("type") != "review"]


# --- precision: an episode of a lasting condition with a window ----------------------------

def test_a_seizure_within_a_window_is_the_teams_beside_the_epilepsy_leaf():
    for text in ("Seizure within 6 months prior to screening",
                 "History of seizures within the past year",
                 "Convulsions in the last 3 months"):
        rule = parse(text, "exclusion")
        assert _reviews(rule) == 1, text
        assert any(leaf.get("concept") == "epilepsy" and leaf.get("within_days") for leaf in _leaves(rule)), text
    # a well-controlled epilepsy is no longer excluded outright by "a seizure in 6 months"
    rule = parse("Stroke, transient ischemic attack, or seizure within 6 months prior to screening", "exclusion")
    assert verdict(rule, "I have epilepsy, seizure-free for 10 years on levetiracetam") != "true"
    # ... while a patient without either still passes (the leaf is kept)
    assert verdict(rule, "No history of stroke or epilepsy") == "false"
    # the disorder itself, and a seizure history with no window, read as before
    assert parse("Epilepsy within 6 months", "exclusion") == {"type": "history", "concept": "epilepsy", "within_days": 182}
    assert parse("History of seizure", "exclusion") == {"type": "history", "concept": "epilepsy"}
    # an event that is its own concept keeps its window
    assert parse("Stroke within 6 months", "exclusion") == {"type": "history", "concept": "stroke", "within_days": 182}


def test_features_suggestive_of_a_disease_in_an_exclusion_are_the_teams():
    for text in ("Participants with history of MDS/AML or with features suggestive of MDS/AML",
                 "History of lymphoma or findings suggestive of lymphoma",
                 "Signs or symptoms suggesting tuberculosis"):
        assert parse(text, "exclusion")["type"] == "review", text
    # a plain history is still read
    assert parse("History of MDS or AML", "exclusion") == {"any": [{"type": "history", "concept": "mds"},
                                                                   {"type": "history", "concept": "aml"}]}


def test_participating_in_another_trial_now_is_no_participation_ever():
    for text in ("Subjects who are participating in another clinical trial",
                 "Patients currently enrolled in another clinical study",
                 "Participants enrolled in another clinical trial"):
        rule = parse(text, "exclusion")
        assert _reviews(rule) >= 1, text
        assert verdict(rule, "I was in a clinical trial in 2015") != "true", text
    # a past participation with a window is read as before
    assert parse("Subjects who have participated in another clinical trial within 30 days", "exclusion") == {
        "any": [{"type": "procedure", "concept": "clinical_trial_participation", "within_days": 30},
                {"type": "therapy", "concept": "investigational_drug", "within_days": 30}]}


# --- coverage: notes that state no fact of the patient ------------------------------------

def test_a_trailing_site_procedure_sentence_is_no_condition():
    assert parse("Known seropositivity for human immunodeficiency (HIV) virus. For patients in Germany and "
                 "Spain only: testing for HIV is required during Screening.", "exclusion") == {
        "type": "infection", "agent": "hiv", "state": "positive"}
    assert parse("Positive hepatitis B surface antigen during screening. NOTE: Results with equivocal "
                 "interpretation should be reviewed with the medical monitor", "exclusion") == {
        "type": "infection", "agent": "hbsag", "state": "positive"}
    # a sentence that is all the line says stays the team's (the required_in_exclusion convention)
    assert parse("Testing for hepatitis B and C is required during Screening.", "exclusion")["type"] == "review"
    # a trailing sentence naming patients or an exception is kept (and the line is the team's)
    rule = parse("INR ≤ 1.5 × ULN. Subjects on anticoagulant therapy should be discussed with the Medical Monitor.",
                 "inclusion")
    assert _reviews(rule) >= 1


def test_hcv_rna_and_hbv_dna_spelled_out_are_the_viral_load_markers():
    assert parse("Positive hepatitis C virus ribonucleic acid (RNA)", "exclusion") == {
        "type": "infection", "agent": "hcv_rna", "state": "positive"}
    assert parse("Detectable hepatitis B virus deoxyribonucleic acid", "exclusion")["agent"] == "hbv_dna"


def test_a_written_out_formula_and_a_24_hour_urine_are_how_a_clearance_is_got():
    assert parse("Severe renal dysfunction: estimated creatinine clearance of <25 mL/min, measured in 24-hour "
                 "urine or calculated using the formula of Cockroft and Gault [(140-Age)*Mass (kg)/(72*creatinine "
                 "mg/dL); multiply by 0.85 if female].", "exclusion") == {
        "type": "lab", "analyte": "crcl", "op": "<", "value": 25, "unit": "mL/min"}
    assert parse("Creatinine clearance (CrCl) ≥ 50 mL/min (either measured or estimated by the Cockcroft-Gault "
                 "formula). Cockcroft-Gault formula for estimated creatinine clearance (eCrCl):(140 - Age) × "
                 "Weight (kg) × (0.85 if Female)/(72 × serum creatinine in mg/dL).", "inclusion") == {
        "type": "lab", "analyte": "crcl", "op": ">=", "value": 50, "unit": "mL/min"}
    # a 24-hour urine that is the value's own specimen (protein) is not taken out
    assert not load_cues().search("measured_by", "Proteinuria > 1 g measured in 24-hour urine")


def test_a_window_to_the_consents_signing_is_no_consent():
    assert parse("Participation in any other clinical studies within 28 days prior to signing the informed "
                 "consent form", "exclusion") == {
        "type": "procedure", "concept": "clinical_trial_participation", "within_days": 28}
    rule = parse("Myocardial infarction within 6 months prior to signing informed consent form (ICF)", "exclusion")
    assert rule == {"type": "history", "concept": "myocardial_infarction", "within_days": 182}
    # consent itself stays the team's
    assert parse("Signed informed consent form prior to any study procedure", "inclusion")["reason"] == "consent"


# --- precision: found by reading random full rules of the 241 records ----------------------

def test_patients_on_a_treatment_take_it_now():
    for text, concept in (("Patients on antiretroviral therapy.", "antiretroviral"),
                          ("Participants who are on warfarin", "warfarin"),
                          ("Subjects currently on anticoagulants", "anticoagulant")):
        assert parse(text, "exclusion") == {"type": "therapy", "concept": concept, "response": "current"}, text
    # a patient who stopped is no longer excluded
    assert verdict(parse("Patients on antiretroviral therapy.", "exclusion"), "I took PrEP (tenofovir) in 2019, stopped since") != "true"
    # "on" before an ECG or a date is no treatment
    assert not any(leaf.get("response") == "current" for leaf in _leaves(
        parse("QTc > 450 ms for male patients or > 460 ms for female patients on ECG at screening", "exclusion")))


def test_a_plural_infections_after_named_infections_is_their_head_noun():
    assert parse("Active HIV infections", "exclusion") == {"type": "infection", "agent": "hiv", "state": "active"}
    assert parse("Participants with active hepatitis B virus (HBV), hepatitis C virus (HCV), or human "
                 "immunodeficiency virus (HIV) infections.", "exclusion") == {
        "any": [{"type": "infection", "agent": "hbv", "state": "active"},
                {"type": "infection", "agent": "hcv", "state": "active"},
                {"type": "infection", "agent": "hiv", "state": "active"}]}
    # "other infections" is still any infection beside the named one
    rule = parse("Tuberculosis or other infections", "exclusion")
    assert any(leaf.get("agent") == "active_infection" for leaf in _leaves(rule))


def test_words_unread_beside_a_status_word_stay_the_teams():
    rule = parse("Untreated brain metastases not needing immediate local therapy", "inclusion")
    assert rule == {"all": [{"type": "diagnosis", "concept": "untreated_brain_metastases"},
                            {"type": "review", "reason": "other"}]}
    assert parse("Untreated brain metastases", "exclusion") == {"type": "diagnosis", "concept": "untreated_brain_metastases"}


def test_a_measuring_method_never_swallows_a_site_limit():
    rule = parse("Participants must have at least one tumor that can be measured using special imaging techniques "
                 "like a CT scan or MRI at a site other than the brain", "inclusion")
    assert _reviews(rule) >= 1
    assert not any(leaf.get("concept") == "malignancy" for leaf in _leaves(rule))
    # the method alone is still taken out
    assert parse("LVEF ≥ 50% as assessed by an echocardiogram (ECHO) or Multigated Acquisition (MUGA) scan",
                 "inclusion") == {"type": "lab", "analyte": "lvef", "op": ">=", "value": 50, "unit": "%"}
    assert parse("Evidence of measurable disease as defined by RECIST 1.1 as determined by site.", "inclusion") == {
        "type": "diagnosis", "concept": "measurable_disease"}
    # "a tumour that can be measured" is measurable disease, not any cancer
    rule = parse("Participants must have at least one tumor that can be measured on a CT scan", "inclusion")
    assert any(leaf.get("concept") == "measurable_disease" for leaf in _leaves(rule))


def test_a_line_opening_with_an_agreement_is_the_teams_whatever_it_names():
    for text, reason in (("Must agree to the submission of fresh tumor tissue", "compliance"),
                         ("Consent to provide a mandatory archival tumour sample.", "consent"),
                         ("Willingness to participate in study procedures and recruit eligible pregnant women", "compliance"),
                         ("Patients must be willing to undergo a bone marrow biopsy", "compliance")):
        rule = parse(text, "inclusion")
        assert rule == {"type": "review", "reason": reason}, text
    # a man is no longer failed by the pregnant women he is to recruit
    rule = parse("Willingness to participate in study procedures and recruit eligible pregnant women", "inclusion")
    assert verdict(rule, "I am a 40 year old man") != "false"
