"""Registry criteria, round 3 (issue #15, 2026-12-03): classes read from the 241 real
records, each checked for what it does to a patient (never a false exclusion)."""
from __future__ import annotations

from criteria_helpers import parse, types, verdict

from core.rules import iter_leaves
from core.truth import FALSE, TRUE, UNKNOWN

# --- another ULN threshold for the patients a condition names ---------------------------

def test_a_bracket_naming_liver_metastases_gives_them_their_own_threshold():
    # NCT05865002, NCT06761586, NCT07040059
    for text in ("AST (SGOT) ≤ 3 x ULN (≤ 5 × ULN if known liver metastases).",
                 "AST (SGOT) less than or equal to 3 x ULN (less than or equal to 5 × ULN if known liver metastases)."):
        rule = parse(text)
        assert rule == {"any": [{"type": "lab", "analyte": "ast", "op": "<=", "uln": 3},
                                {"all": [{"type": "diagnosis", "concept": "liver_metastases"},
                                         {"type": "lab", "analyte": "ast", "op": "<=", "uln": 5}]}]}
    rule = parse("AST (SGOT) ≤ 3 x ULN (≤ 5 × ULN if known liver metastases).")
    assert verdict(rule, "colorectal cancer with liver metastases, AST 4 x ULN") == TRUE
    assert verdict(rule, "colorectal cancer, AST 4 x ULN") == UNKNOWN        # are there liver metastases?
    assert verdict(rule, "colorectal cancer with liver metastases, AST 6 x ULN") == FALSE
    assert verdict(rule, "AST 2 x ULN") == TRUE


def test_a_subgroup_threshold_shared_by_a_list_and_in_an_exclusion():
    rule = parse("AST and ALT ≤ 2.5 × ULN (≤ 5 × ULN for subjects with documented liver metastases)")
    assert rule["any"][1]["all"][0] == {"type": "diagnosis", "concept": "liver_metastases"}
    assert {leaf.get("uln") for leaf in iter_leaves(rule["any"][1])} == {None, 5}
    rule = parse("ALT or AST > 2.5 × ULN (> 5 × ULN if liver metastases)", "exclusion")
    assert "review" not in types(rule)
    assert verdict(rule, "liver metastases, ALT 3 x ULN, AST 1 x ULN") == FALSE   # not excluded
    assert verdict(rule, "ALT 3 x ULN, AST 1 x ULN, no liver metastases") == TRUE


def test_a_subgroup_threshold_stays_the_teams_when_it_names_no_one_or_not_its_own_analyte():
    # whose threshold it is, only its place says: bilirubin must never get AST's 5 × ULN
    rule = parse("Total bilirubin ≤ 1.5 × ULN, AST ≤ 2.5 × ULN (≤ 5 × ULN if liver metastases)")
    assert {"type": "lab", "analyte": "bilirubin", "op": "<=", "uln": 5} not in list(iter_leaves(rule))
    assert "review" in types(rule)
    for text in ("AST ≤ 2.5 × ULN (≤ 5 × ULN if liver involvement)",     # no concept
                 "AST ≤ 2.5 × ULN (≤ 5 × ULN if no liver metastases)",   # negated
                 "AST ≤ 2.5 × ULN (≤ 2 × ULN if liver metastases)"):     # stricter: not an allowance
        assert "review" in types(parse(text)), text


# --- blood counts with transfusion or growth-factor support allowed or refused -------------

def test_a_count_that_may_be_transfused_never_fails_the_patient():
    for text in ("Hemoglobin ≥ 9 g/dL (Transfusion is allowed to achieve this Hb).",
                 "Hemoglobin \\> 8.0 g/dL. Subjects may be transfused to reach this cut-off.",
                 "Hemoglobin ≥ 9 g/dL. Transfusion is permitted."):
        rule = parse(text)
        assert list(rule) == ["any"] and rule["any"][1] == {"type": "review", "reason": "clinical"}, text
        assert rule["any"][0]["analyte"] == "hemoglobin"
    rule = parse("Hemoglobin ≥ 9 g/dL (Transfusion is allowed to achieve this Hb).")
    assert verdict(rule, "Hb 8.1 g/dL") != FALSE       # may be transfused: the team decides
    assert verdict(rule, "Hb 10.2 g/dL") == TRUE


def test_a_count_without_support_never_passes_alone():
    for text in ("ANC ≥ 1000/μL (without WBC growth factor support)",
                 "Platelet count ≥ 75 x 10^9/L (75,000/uL) without transfusion"):
        rule = parse(text)
        assert list(rule) == ["all"] and rule["all"][1] == {"type": "review", "reason": "clinical"}, text
    rule = parse("ANC ≥ 1000/μL (without WBC growth factor support)")
    assert verdict(rule, "ANC 500/uL") == FALSE
    assert verdict(rule, "ANC 3000/uL") != TRUE


def test_support_in_an_exclusion_and_beside_anything_but_a_count():
    # NCT02227251: growth factors allowed, so a low count may not exclude
    rule = parse("Absolute neutrophil count (ANC) \\<1000 cells/mm\\^3 or platelet count \\<75,000/mm\\^3 during screening. "
                 "Use of granulocyte-stimulating factors and platelet growth factors prior to and during the study is "
                 "acceptable.", "exclusion")
    assert list(rule) == ["all"] and rule["all"][1]["type"] == "review"
    assert verdict(rule, "ANC 500/mm3") != TRUE
    # transfusion beside anything but a blood count, or allowed and refused at once: the team's
    assert types(parse("Creatinine ≤ 1.5 mg/dL (transfusion allowed)")) == {"review"}
    assert types(parse("Platelets ≥ 100,000/μL without transfusion support; Hemoglobin ≥ 9 g/dL (transfusion allowed)")) == {"review"}
    # NCT06898385: "no blood transfusion ... within 14 days" negated the ANC threshold (everyone
    # with a normal count excluded)
    rule = parse("Hematology requirements (no blood transfusion or hematopoietic stimulating factor treatment within "
                 "14 days): Absolute neutrophil count ≥ 1.5×10\\^9/L; Platelet count ≥ 75×10\\^9/L, hemoglobin \\> 90 g/dL")
    assert '"not"' not in str(rule).replace("'", '"')


# --- a condition with kinds taken out ("other malignancy except ...") ---------------------

def test_kinds_taken_out_of_a_malignancy_history():
    # NCT06737822, NCT02992574
    assert parse("History of previous malignancy excluding non-melanoma skin cancers or cervical carcinoma in situ.",
                 "exclusion") == {"type": "history", "concept": "malignancy",
                                  "except": ["non_melanoma_skin_cancer", "cervical_carcinoma_in_situ"]}
    rule = parse("Previous or concurrent malignancy other than non melanomatous skin cancer and carcinoma in situ "
                 "of the cervix", "exclusion")
    assert rule["except"] == ["non_melanoma_skin_cancer", "cervical_carcinoma_in_situ"]
    # NCT06716424: "any diabetes other than T2DM"
    assert parse("Type 1 Diabetes mellitus or any diabetes other than T2DM", "exclusion") == {"any": [
        {"type": "diagnosis", "concept": "type_1_diabetes"},
        {"type": "diagnosis", "concept": "diabetes_mellitus", "except": ["type_2_diabetes"]}]}


def test_a_history_with_exceptions_judges_the_patient():
    rule = {"type": "history", "concept": "malignancy", "within_days": 1826,
            "except": ["basal_cell_carcinoma", "cutaneous_squamous_cell_carcinoma"]}
    assert verdict(rule, "basal cell carcinoma excised last year") != TRUE         # the kind taken out
    assert verdict(rule, "breast cancer diagnosed last year") == TRUE
    assert verdict(rule, "basal cell carcinoma and breast cancer, both last year") == TRUE
    assert verdict(rule, "skin cancer last year") == UNKNOWN                        # may be a basal cell carcinoma
    assert verdict(rule, "no history of cancer") == FALSE


def test_an_exception_read_broader_or_narrower_than_its_words_is_never_taken_out_whole():
    # "Stage I uterine cancer" is not every uterine cancer; "superficial" or "adequately treated"
    # limits which basal cell carcinomas are let through: the team judges those
    rule = parse("History of malignancy other than superficial basal cell carcinoma.", "exclusion")
    assert rule["any"][0] == {"type": "history", "concept": "malignancy", "except": ["basal_cell_carcinoma"]}
    assert "review" in types(rule["any"][1])
    assert verdict(rule, "breast cancer") == TRUE
    assert verdict(rule, "basal cell carcinoma") != TRUE
    rule = parse("History of malignancy within 3 years, except Stage I uterine cancer", "exclusion")
    assert "except" not in str(rule) and "review" in types(rule)
    # an inclusion's exception lets patients in (an exemption), as before
    assert "except" not in str(parse("No history of malignancy except basal cell carcinoma"))


def test_a_specimens_margins_are_not_the_patients_facts():
    # NCT02992574: "margin clear of invasive cancer or DCIS" read as "no DCIS" ruled out DCIS
    rule = parse("Upfront total mastectomy (with minimum 1 mm margin clear of invasive cancer or DCIS) and axillary "
                 "staging procedure (clearance, sampling or SNB)")
    assert types(rule) == {"review"}


# --- a list of tests sharing one multiple of the normal limit -------------------------------

def test_a_list_of_tests_shares_the_multiple_it_ends_with():
    rule = parse("AST, ALT, and alkaline phosphatase (ALP) ≤ 3 x upper limit of normal (ULN)")   # NCT05482516
    assert rule == {"all": [{"type": "lab", "analyte": a, "op": "<=", "uln": 3} for a in ("ast", "alt", "alp")]}
    rule = parse("Alanine aminotransferase (ALT) and aspartate aminotransferase (AST) ≤ 2.5 x ULN")
    assert rule == {"all": [{"type": "lab", "analyte": a, "op": "<=", "uln": 2.5} for a in ("alt", "ast")]}
    # a value with a unit stays the last test's own
    assert "review" in types(parse("Hemoglobin, ANC ≥ 1.5 x 10^9/L"))


def test_unstable_angina_is_a_concept_of_its_own():
    # it was a term of coronary artery disease: the parser kept "unstable" for the team
    assert parse("Unstable angina, heart attack or stroke in the past 3 months", "exclusion") == {"any": [
        {"type": "history", "concept": "unstable_angina", "within_days": 91},
        {"type": "history", "concept": "myocardial_infarction", "within_days": 91},
        {"type": "history", "concept": "stroke", "within_days": 91}]}
    rule = {"type": "diagnosis", "concept": "unstable_angina"}
    assert verdict(rule, "unstable angina last month") == TRUE
    assert verdict(rule, "stable angina since 2019") == UNKNOWN     # broader: asked, never assumed
    assert verdict({"type": "diagnosis", "concept": "coronary_artery_disease"}, "unstable angina") == TRUE


def test_a_malignant_disease_other_than_the_trials_own_keeps_the_malignancy():
    # NCT05110196: read as a history of NSCLC (the trial's own cancer), the malignancy lost
    rule = parse("Presence or history of a malignant disease other than NSCLC that has been diagnosed and/or "
                 "required therapy within the past 3 years.", "exclusion")
    assert rule["all"][0] == {"type": "history", "concept": "malignancy"}
    assert "review" in types(rule)


# --- the trial's first dose as a point in time; "≤ N days from" as a window ---------------

def test_the_first_dose_is_a_point_in_time_not_a_dosage():
    assert parse("Chemotherapy within 21 days before the first dose", "exclusion") == \
        {"type": "therapy", "concept": "chemotherapy", "within_days": 21}
    # NCT05211895: the drug dosed first is the trial's, not one the patient took
    assert parse("Current or prior use of immunosuppressive medication within 14 days before the first dose of "
                 "durvalumab.", "exclusion") == {"type": "therapy", "concept": "immunosuppressant", "within_days": 14}
    # NCT05605119: "≤ 28 days from Cycle 1 Day 1"
    assert parse("Major surgery ≤ 28 days from Cycle 1 Day 1 (major surgery is defined as a procedure requiring "
                 "general anesthesia)", "exclusion") == {"type": "procedure", "concept": "major_surgery", "within_days": 28}
    # a dose the patient received stays the patient's (and the line the team's in part)
    rule = parse("Patients who received the first dose of rituximab within 6 months", "exclusion")
    assert "rituximab" in str(rule) and "review" in types(rule)
    assert "review" in types(parse("At least 4 weeks since the last dose of chemotherapy"))


def test_blood_pressure_in_mmhg_and_a_conditional_threshold_bracket():
    assert parse("Systolic blood pressure \\> 180 mmHg, or DBP \\> 110 mmHg at screening.", "exclusion") == {"any": [
        {"type": "lab", "analyte": "sbp", "op": ">", "value": 180, "unit": "mmHg"},
        {"type": "lab", "analyte": "dbp", "op": ">", "value": 110, "unit": "mmHg"}]}
    # NCT06948422: the bracket limits the DBP alternative; read as a sibling it let DBP alone pass
    assert types(parse("Has SBP ≥ 140 mmHg and/or DBP ≥ 90 mmHg (if DBP criteria alone is met, SBP must be "
                       "≥130 mmHg) at week 0 (Visit 3).")) == {"review"}


# --- what a subgroup must do: met by everyone outside it ----------------------------------

def test_a_subgroup_named_by_one_condition_is_met_by_everyone_else():
    rule = parse("Human immunodeficiency virus (HIV)-infected participants must have well controlled HIV on "
                 "antiretroviral therapy.")                                    # NCT06305754
    assert rule == {"any": [{"not": {"type": "infection", "agent": "hiv", "state": "positive"}},
                            {"type": "review", "reason": "clinical"}]}
    assert verdict(rule, "HIV negative") == TRUE
    assert verdict(rule, "HIV positive, on ART") != FALSE
    # a second sentence for the other patients, an exclusion, or more than one condition: the team's
    for text, kind in (("Patients with NSCLC must have had targeted therapy. Other patients must have had "
                        "platinum-based chemotherapy.", "inclusion"),
                       ("Patients with ovarian cancer or prostate cancer must have had approved first-line "
                        "chemotherapy.", "inclusion"),
                       ("Patients with pancreatic cancer must have received gemcitabine", "exclusion")):
        assert types(parse(text, kind)) == {"review"}, text


# --- a second age limit without an age word ---------------------------------------------

def test_a_second_age_limit_after_the_first():
    assert parse("Age greater than or equal to 18 years and less than or equal to 72 years.") == \
        {"all": [{"type": "age", "min": 18}, {"type": "age", "max": 72}]}          # NCT03745326
    assert parse("Age more than 3 years and less than 16 years.") == \
        {"all": [{"type": "age", "min": 3}, {"type": "age", "max": 15}]}           # NCT04474964
    # years since something are no age; limits no age meets are the team's; alternatives stay
    assert {"type": "age", "max": 4} not in list(iter_leaves(parse("Age ≥ 18 years and less than 5 years since diagnosis")))
    assert "age" not in types(parse("At least 3 years since other prior chemotherapy"))
    assert {"type": "age", "min": 65} not in list(iter_leaves(parse("Age ≥ 65 and ≤ 18 years")))
    assert parse("Be less than 18 years of age or greater than or equal to 80 years of age;", "exclusion") == \
        {"any": [{"type": "age", "max": 17}, {"type": "age", "min": 80}]}


def test_first_dose_without_an_article_after_a_window():
    assert parse("Major surgical procedure, radiotherapy, chemotherapy, or immunotherapy within 4 weeks prior to "
                 "first dose;", "exclusion") == {"any": [                          # NCT05380882
        {"type": "procedure", "concept": "major_surgery", "within_days": 28},
        {"type": "procedure", "concept": "radiotherapy", "within_days": 28},
        {"type": "therapy", "concept": "chemotherapy", "within_days": 28},
        {"type": "therapy", "concept": "immunotherapy", "within_days": 28}]}


def test_a_sign_restated_in_brackets_and_the_time_of_signing_the_icf():
    assert parse("Eastern cooperative oncology group (ECOG) performance status less than or equal to (≤)2.") == \
        {"type": "score", "score": "ecog", "op": "<=", "value": 2}                 # NCT06831370
    assert parse("Left ventricular ejection fraction (LVEF) of at least (≥)50% measured by echocardiogram (ECHO) or "
                 "multiple-gated acquisition scan (MUGA)") == {"type": "lab", "analyte": "lvef", "op": ">=", "value": 50,
                                                               "unit": "%"}
    assert parse("Participant must be ≥ 18 years, at the time of signing the ICF.") == {"type": "age", "min": 18}
