"""Registry criteria, round 8 (issue #15, 2026-12-03): an alternative whose negated branch
would rule a patient out beside words the parser could not read, a leaf beside its own
negation, a chronic infection written "chronic infection with", and wrapped-line tails that
open with a joining word; each checked for what it does to a patient (never a false
exclusion)."""
from __future__ import annotations

from criteria_helpers import parse, types, verdict

from core.rules import iter_leaves
from core.truth import FALSE, TRUE, UNKNOWN


# --- any[<unread>, not X] never excludes on the negation alone -----------------------------


def test_a_relative_clause_with_a_negation_is_the_teams():
    # NCT06750094 exc-4 had any[review, not immunotherapy]: every immunotherapy-naive patient
    # was ruled out, whatever the tumour's status
    text = ("Participant with known mismatch repair deficiency (dMMR)/ high microsatellite instability "
            "(MSI-H) status who has not received immunotherapy treatments")
    rule = parse(text, "exclusion")
    assert types(rule) == {"review"}


def test_inability_to_rule_out_infection_excludes_no_patient_without_one():
    # NCT06417814 exc-10 had any[review, active infection, not(all[active infection, review])]:
    # the negated branch held for every patient without an infection
    text = ("Uncontrolled infection requiring IV antibiotics, antivirals, or antifungals, suspected "
            "infections or inability to rule out infections.")
    rule = parse(text, "exclusion")
    assert verdict(rule, "a 50 year old man with lung cancer and no infection") != TRUE
    assert types(rule) == {"review"}


def test_an_exception_under_a_history_keeps_its_negation():
    # all[malignancy, any[not(exception), review]]: the negation sits inside an all beside the
    # malignancy, so it never decides alone and the partial rule stays
    rule = parse("History of other malignancy within the last 5 years, except non-melanoma skin cancer "
                 "or adequately treated carcinoma in situ of the cervix", "exclusion")
    assert "history" in types(rule) or "diagnosis" in types(rule)


def test_a_leaf_beside_its_own_negation_is_the_teams():
    # NCT04862663 inc-6.4: "measurable lesion(s) ... or, in the absence of measurable disease,
    # lytic or mixed bone lesions": any[measurable, not measurable, ...] let everyone in
    text = ("Have measurable lesion(s) according to RECIST v1.1 or, in the absence of measurable "
            "disease, lytic or mixed bone lesions that can be assessed by computed tomography (CT)")
    assert types(parse(text)) == {"review"}


# --- chronic infection with hepatitis B or C ------------------------------------------------


def test_chronic_infection_with_hepatitis_b_or_c_is_the_chronic_markers():
    # NCT05813288 exc-1.14 read "chronic infection with hepatitis ... C" as any hepatitis C
    # active: an acute hepatitis C was excluded as chronic
    rule = parse("History of human immunodeficiency virus (HIV) infection or chronic infection with "
                 "hepatitis B or C.", "exclusion")
    assert rule == {"any": [{"type": "history", "concept": "hiv"},
                            {"type": "infection", "agent": "hbsag", "state": "positive"},
                            {"type": "infection", "agent": "hcv_rna", "state": "positive"}]}
    assert verdict(rule, "I had hepatitis C years ago, it was cured") != TRUE
    assert verdict(rule, "HBsAg positive") == TRUE


def test_active_or_chronic_still_reads_both():
    rule = parse("Known active or chronic hepatitis B or hepatitis C infection.", "exclusion")
    agents = {leaf["agent"] for leaf in _leaves(rule)}
    assert agents == {"hbv", "hbsag", "hcv", "hcv_rna"}


def test_history_of_a_plain_hepatitis_stays_a_history():
    assert parse("History of hepatitis B", "exclusion") == {"type": "history", "concept": "hbv"}
    assert parse("History of chronic hepatitis B", "exclusion") == {
        "type": "infection", "agent": "hbsag", "state": "positive"}


# --- wrapped-line tails -----------------------------------------------------------------------


def test_a_tail_opening_with_a_joining_word_is_a_fragment():
    # s8-0042 (criteria gold): "following chemotherapy." had required prior chemotherapy
    for text in ("following chemotherapy.", "after the last dose of chemotherapy.",
                 "unless treated with radiotherapy.", "including chemotherapy."):
        assert types(parse(text)) == {"review"}, text
    # a whole item written in lower case is still read
    assert parse("platelets ≥ 100,000/mm3") != {"type": "review"}


def test_spaces_and_hyphens_alike_in_cue_words():
    # "low grade", "low-grade", "low  grade": one cue (data/nlp/criteria_cues.yaml uses [\s-]+)
    a = parse("Patients with low-grade lymphoma", "exclusion")
    b = parse("Patients with low grade lymphoma", "exclusion")
    assert a == b


def _leaves(rule):
    return [leaf for leaf in iter_leaves(rule) if leaf.get("type") != "review"]


# --- "receiving" a treatment is a treatment now -----------------------------------------------


def test_receiving_a_treatment_is_current():
    # NCT03745326 exc-8.2 "Patients who are receiving any other investigational agents" had
    # excluded everyone who ever took part in a drug trial
    rule = parse("Patients who are receiving any other investigational agents.", "exclusion")
    assert rule == {"type": "therapy", "concept": "investigational_drug", "response": "current"}
    assert parse("Having a diagnosis of breast cancer and receiving chemotherapy") == {"all": [
        {"type": "diagnosis", "concept": "breast_cancer"},
        {"type": "therapy", "concept": "chemotherapy", "response": "current"}]}
    # the first dose of the study drug is no treatment the patient is on
    assert parse("Received an investigational study drug within 28 days prior to receiving their first "
                 "dose of study drug.", "exclusion") == {
        "type": "therapy", "concept": "investigational_drug", "within_days": 28}


# --- HER2 and hormone receptor status ---------------------------------------------------------


def test_her2_and_hormone_receptor_status_are_markers():
    # NCT06380751 inc-2
    rule = parse("Histologically or cytologically documented diagnosis of HR-positive, HER2-negative breast cancer")
    assert rule == {"all": [{"type": "biomarker", "marker": "hormone_receptor", "state": "positive"},
                            {"type": "biomarker", "marker": "her2", "state": "negative"},
                            {"type": "diagnosis", "concept": "breast_cancer"}]}
    assert verdict(rule, "I have ER-positive, HER2-negative breast cancer") == TRUE   # ER is a hormone receptor
    assert verdict(rule, "HER2+ breast cancer") == FALSE
    assert verdict(rule, "breast cancer, hormone receptor negative") == FALSE
    assert verdict(rule, "I have breast cancer") == UNKNOWN                           # asked, never ruled out
    assert verdict(rule, "HER2-positive breast cancer") == FALSE                      # no longer one condition term


def test_her2_words_that_state_no_status_stay_the_teams():
    # a mutation, an expression level, a therapy aimed at HER2: none is HER2-positive status
    for text in ("Histologically documented non-squamous NSCLC with HER2 mutation in exons 19 or 20",
                 "histologically confirmed HER2-expressing (IHC 3+ or IHC 2+) BTC;",
                 "HER2-low breast cancer", "Prior treatment with a HER2-targeted agent",
                 "Prior anti-HER2 therapy"):
        assert "biomarker" not in types(parse(text, "exclusion")), text
    # no bare ER / PR / HR: heart rate, partial response
    assert "biomarker" not in types(parse("partial response (PR) to prior therapy"))


def test_what_a_treatment_was_for_is_no_condition_of_the_patient():
    # NCT06312176 exc-4 had any[all[chemotherapy, review], history breast cancer]: every breast
    # cancer patient was excluded from a breast cancer trial
    rule = parse("Has received prior chemotherapy for unresectable locally advanced or metastatic breast cancer",
                 "exclusion")
    assert verdict(rule, "I have breast cancer, no treatment yet") != TRUE
    # a marker of what the treatment was for is no marker of the patient either (NCT06112379 exc-14)
    rule = parse("Any prior systemic anticancer therapy for TNBC or HER2-negative breast cancer", "exclusion")
    assert verdict(rule, "HER2-negative breast cancer, newly diagnosed") != TRUE
    assert parse("Prior chemotherapy for ER-positive breast cancer", "exclusion") == {
        "all": [{"type": "therapy", "concept": "chemotherapy"}, {"type": "review", "reason": "other"}]}


# --- COVID-19, PCR, treatments accepted for the trial, examples of a qualified kind ----------


def test_a_pcr_result_is_the_viruss_result():
    assert parse("HIV PCR negative") == {"not": {"type": "infection", "agent": "hiv", "state": "positive"}}
    # the long form before its bracket had lost the result after it (a negative read as positive)
    assert parse("CMV Polymerase Chain Reaction (PCR) test result negative") == {
        "not": {"type": "infection", "agent": "cmv", "state": "positive"}}
    rule = parse("COVID-19 Polymerase Chain Reaction (PCR) test result negative")
    assert rule == {"not": {"type": "infection", "agent": "covid", "state": "positive"}}
    # a COVID-19 long past is cleared: no positive test now, never a failed criterion
    assert verdict(rule, "I had covid in 2021") == UNKNOWN
    assert verdict(rule, "covid in 2022, fully recovered") == UNKNOWN      # dated long ago: cleared
    assert verdict(rule, "I have covid right now") == FALSE
    assert verdict(parse("Diagnosed with COVID-19"), "I had covid in 2021") == UNKNOWN
    # HIV is not cleared: a past HIV is a positive marker still
    assert verdict(parse("HIV PCR negative"), "I have had HIV since 2010") == FALSE


def test_a_recent_covid_is_a_history_with_its_window():
    rule = parse("Participant has known history of COVID-19 positive polymerase chain reaction (PCR) test "
                 "within 4 weeks prior to the start of study treatment.", "exclusion")
    assert rule == {"type": "history", "concept": "covid", "within_days": 28}
    assert verdict(rule, "I had covid in 2021") == FALSE
    # serious or significant COVID-19 is the team's
    assert types(parse("Serious COVID-19 infection within 14 days prior to enrollment; however, no screening "
                       "testing for SARS-CoV-2 is required", "exclusion")) == {"review"}


def test_a_treatment_the_patient_is_willing_to_undergo_was_not_had():
    # "Willing to undergo radiotherapy" had required radiotherapy already (all[procedure, review])
    for text in ("Willing to undergo radiotherapy", "Patient willing to undergo dialysis",
                 "Agrees to receive chemotherapy after surgery"):
        assert types(parse(text)) == {"review"}, text


def test_an_example_of_a_qualified_kind_never_holds_alone():
    # NCT04961996 exc-16: "(e.g., COVID-19)" of a clinically significant infection had excluded
    # every COVID-positive patient, however mild, at any time
    rule = parse("A serious infection requiring oral or IV antibiotics within 14 days prior to screening or "
                 "other clinically significant infection (e.g., COVID-19) within 14 days prior to screening",
                 "exclusion")
    assert verdict(rule, "I have covid right now, mild") != TRUE
    # NCT04603807 exc-9: an inactive Crohn's disease is no "active GI disease"
    rule = parse("Active GI disease (e.g., Crohn's disease, ulcerative colitis or short gut syndrome) or other "
                 "malabsorption syndrome that would reasonably impact drug absorption", "exclusion")
    assert verdict(rule, "Crohn's disease in remission for 10 years") != TRUE
    # an unqualified head's example still holds (it is a kind of the head)
    assert parse("Autoimmune disease (e.g. lupus)", "exclusion") == {"type": "diagnosis", "concept": "autoimmune_disease"}


def test_that_a_test_was_done_is_no_result():
    # NCT06630793 inc-6 had required every patient to be HIV positive
    assert types(parse("HIV testing is known and HPV (P16) testing done on tissue sample.")) == {"review"}
    assert parse("Women of childbearing potential only: Negative serum pregnancy test done =\\< 7 days prior to "
                 "registration.") == {"not": {"type": "pregnancy", "states": ["pregnant"]}}


def test_a_pregnancy_test_line_never_requires_a_pregnancy():
    # NCT03671044 inc-11 and NCT04073706 inc-8 had read all[pregnant, review]: every patient who
    # is not pregnant (every man too) failed
    for text in ("Serum pregnancy test at screening and urine pregnancy test on Day 1 (before randomization) "
                 "must be negative.",
                 "Negative (serum or urine) pregnancy test ≤ 30 days of surgery in pre-menopausal women and "
                 "women < 2 years after the onset of menopause."):
        rule = parse(text)
        assert verdict(rule, "a 60 year old man with lung cancer") != FALSE, text
        assert verdict(rule, "a 40 year old woman, not pregnant") != FALSE, text
    assert parse("Negative pregnancy test") == {"not": {"type": "pregnancy", "states": ["pregnant"]}}


# --- wrong rules found on the 241 records ------------------------------------------------------


def test_not_known_to_be_is_a_negation():
    # NCT00739752 inc-4 "Not known to be HIV positive." had required every patient to be HIV positive
    rule = parse("Not known to be HIV positive.")
    assert rule == {"not": {"type": "infection", "agent": "hiv", "state": "positive"}}
    assert verdict(rule, "HIV negative") == TRUE


def test_a_bracketed_scale_code_is_no_disease():
    # NCT00055354 inc-3 "(PSS-SR)" had been read as primary Sjögren's syndrome (required!)
    rule = parse("PTSD Symptom Scale-Self Report (PSS-SR) score > 16")
    assert {leaf.get("concept") for leaf in iter_leaves(rule)} <= {"ptsd", None}


def test_a_phase_code_on_a_disease_is_narrower_than_the_disease():
    # NCT06427811 exc-1 ("... progression to CML-AP/CML-BC") had excluded every CML patient from a
    # CML trial; "Ph+ CML-CP" is chronic-phase CML, not any CML
    rule = parse("Known second chronic phase of CML after previous progression to CML-AP/CML-BC.", "exclusion")
    assert verdict(rule, "I have chronic myeloid leukemia in chronic phase") != TRUE
    rule = parse("Confirmed diagnosis of Ph+ CML-CP.")
    assert "review" in types(rule)
    assert parse("T-ALL") == {"type": "diagnosis", "concept": "t_all"}


def test_hiv_1_is_hiv():
    assert parse("Known HIV-1 infection", "exclusion") == {"type": "infection", "agent": "hiv", "state": "positive"}


def test_a_lactating_mother_is_the_patient():
    assert parse("Pregnant or lactating mother", "exclusion") == {"type": "pregnancy", "states": ["pregnant", "lactating"]}


def test_a_limit_for_an_arms_drug_requires_no_such_drug():
    # NCT05833815 inc-5 had required prior gemcitabine and capecitabine of every patient
    rule = parse("Total bilirubin =\\< 3mg/dl for gemcitabine and any value for Capecitabine")
    assert not any(leaf.get("type") == "therapy" for leaf in iter_leaves(rule))
    assert verdict(rule, "bilirubin 1.0 mg/dL, never had chemotherapy") != FALSE


def test_a_bracketed_list_of_drugs_is_examples_never_all_required():
    # NCT06035874 inc-1.1 had required metformin AND a DPP-4 inhibitor AND ... of every patient
    rule = parse("On standard anti-diabetic agents (metformin, DPP-4 inhibitors, sulphonylureas or insulin, in "
                 "any combination) with an HbA1c of \\<9% at screening")
    assert verdict(rule, "type 2 diabetes on metformin only, HbA1c 7.5%") != FALSE
    # a pair joined by "and/or" is still read whole ("On" at the line's start: taken now, round 30)
    assert parse("On standard anti-diabetic agents (metformin and/or insulin) with an HbA1c of \\<=9% at screening") == {
        "all": [{"any": [{"type": "therapy", "concept": "metformin", "response": "current"},
                         {"type": "therapy", "concept": "insulin", "response": "current"}]},
                {"type": "lab", "analyte": "hba1c", "op": "<=", "value": 9, "unit": "%"}]}


def test_a_stage_narrows_the_disease():
    # NCT02513394 exc-3 "Stage I or IV breast cancer are not eligible" and NCT04961996 exc-5
    # "Diagnosed with Stage IV breast cancer" had excluded every breast cancer patient
    for text in ("Patients with Stage I or IV breast cancer are not eligible.", "Diagnosed with Stage IV breast cancer"):
        rule = parse(text, "exclusion")
        assert verdict(rule, "stage II breast cancer") != TRUE, text
        assert verdict(rule, "breast cancer") != TRUE, text
    assert parse("Breast cancer", "exclusion") == {"type": "diagnosis", "concept": "breast_cancer"}


def test_treatments_that_describe_the_disease_are_no_alternatives():
    # NCT04892173 exc-4 had excluded every patient ever given radiotherapy or chemotherapy
    rule = parse("Loco-regionally recurrent head & neck cancer that has been previously treated with surgery, "
                 "radiation therapy, and/or chemotherapy", "exclusion")
    assert verdict(rule, "breast cancer treated with chemotherapy in 2019") != TRUE
    # NCT06256588 exc-1.1: radiotherapy for another cancer is not "for management of head and neck cancer"
    rule = parse("Has received prior radiation therapy, systemic therapy, targeted therapy, or radical surgery for "
                 "management of head and neck cancer not considered part of CRT.", "exclusion")
    assert verdict(rule, "prostate cancer treated with radiotherapy in 2015") != TRUE


def test_a_preference_is_no_requirement():
    """"Priority will be given to subjects with HER2 positive solid tumor": whom the team
    enrols first is theirs; read as a rule it ruled a HER2-negative breast cancer out."""
    from criteria_helpers import parse, verdict
    rule = parse("3 Histologically or cytologically confirmed, locally advanced tumors, Priority will be given "
                 "to subjects with HER2 positive solid tumor;")
    assert verdict(rule, "metastatic breast cancer, ER positive HER2 negative") != "false"
    assert verdict(parse("Preferably HLA-A*02 positive", "inclusion"), "HLA-A2 negative") != "false"
    # the requirement itself is still read
    assert parse("HER2 positive solid tumor") == {"all": [{"type": "biomarker", "marker": "her2", "state": "positive"},
                                                          {"type": "diagnosis", "concept": "solid_tumor"}]}
