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
    # nor before an age or a time: "Female patients must be at least 18" may say either
    # that only women are admitted or what women must be, so it stays the team's
    assert prepare("Female patients must be at least 18 years old") == "Female patients must be at least 18 years old"
    assert types(parse("Female patients must be at least 18 years old")) == {"review"}


def test_lesser_than_is_less_than_and_an_unless_stays_the_teams():
    # NCT06831370 inc-8.3: everyone else has the threshold; since round 31 (h148) the Gilbert
    # exception is read whole (Gilbert's syndrome raises bilirubin: terminology ``raises``), so
    # the rule is the threshold or the syndrome, no team check left
    rule = parse("Total bilirubin must be lesser than (\\<)1.5 x upper limit of the normal range (ULN) "
                 "unless the elevation is known to be due to Gilbert syndrome.")
    assert types(rule) == {"lab", "diagnosis"}
    assert verdict(rule, "bilirubin 3 x ULN, Gilbert syndrome") != FALSE


def test_a_second_age_for_one_country_stays_the_teams():
    # NCT06350097 inc-1.1: "Participant from Japan must be ≥ 20 years" is not read as an age
    rule = parse("Participant must be ≥ 18 years; Participant from Japan must be ≥ 20 years, at the time of signing the ICF.")
    assert "review" in types(rule)
    assert verdict(rule, "19 year old woman") != FALSE


# --- whether a patient can receive a treatment ---------------------------------------------


def test_a_treatment_a_patient_cannot_or_may_not_receive_is_no_prior_treatment():
    # NCT07030517 exc-1 excluded every patient who never had teclistamab; NCT07040059 exc-19,
    # NCT05048797 exc-7 and NCT02992574 exc-7 everyone who had the drug or radiotherapy
    lines = [
        "Participants who are not eligible to receive teclistamab as per the locally approved prescribing information",
        "Patients with any known contraindication to receive trastuzumab, or capecitabine, or oxaliplatin.",
        "Contraindication to platinum-based doublet chemotherapy or pembrolizumab",
        "Not fit for surgery, radiotherapy or adjuvant systemic therapy",
        "Patients who cannot receive chemotherapy due to internal or surgical disease",
        "Is unable to interrupt aspirin or other nonsteroidal anti-inflammatory drugs (NSAIDs)",
    ]
    for line in lines:
        rule = parse(line, "exclusion")
        assert types(rule) == {"review"}, line
        for patient in ("woman with breast cancer, prior capecitabine and pembrolizumab, radiotherapy 2020",
                        "man with myeloma, no prior chemotherapy, takes ibuprofen"):
            assert verdict(rule, patient) != TRUE, (line, patient)


def test_a_prior_treatment_without_an_inability_word_is_still_read():
    assert parse("Prior chemotherapy within 4 weeks", "exclusion") == {
        "type": "therapy", "concept": "chemotherapy", "within_days": 28}
    assert "therapy" in types(parse("Previous use of infliximab", "exclusion"))


# --- the inclusion and exclusion headings as registries write them ------------------------


def test_exclusion_headings_written_without_a_colon_or_with_marks_switch_the_list():
    from registry.criteria_text import split_criteria

    def kinds(text):
        review = lambda _text, _kind: {"type": "review", "reason": "other"}
        return [(c["kind"], c["text"]) for c in split_criteria(text, parse=review)]

    for inc, exc in (("Inclusion:", "Exclusion:"),                     # NCT00055497
                     ("1) Inclusion Criteria", "2) Exclusion Criteria"),   # NCT05421650
                     ("[Inclusion Criteria]", "[Exclusion Criteria]"),    # NCT05482828
                     ("Inclusion Criteria:-", "Exclusion Criteria:-"),    # NCT06818682
                     ("Inclusion criteria", "Exclusion Criteria Disease Related")):  # NCT03633708
        got = kinds(f"{inc}\n\n* Diagnosis of Crohn's disease\n\n{exc}\n\n* Pregnancy or breastfeeding\n")
        assert got == [("inclusion", "Diagnosis of Crohn's disease"), ("exclusion", "Pregnancy or breastfeeding")], (inc, exc)


def test_a_line_about_criteria_is_no_heading():
    from registry.patterns import load_patterns

    headings = load_patterns().criteria
    for line in ("Exclusion criteria apply to all patients", "Other protocol-defined Inclusion/Exclusion criteria apply",
                 "Exclusion: patients with diabetes", "Exclusion Criteria Patients with cancer",
                 "Patients meeting the exclusion criteria of study X"):
        assert not headings["exclusion_heading"].match(line), line


# --- how a QT interval is measured -------------------------------------------------------


def test_how_a_qt_interval_is_measured_adds_no_condition():
    # NCT06112379 exc-10, NCT06008288 exc-4, NCT03633708: the ECG, the formula, "corrected"
    for line, op, value in (("Mean resting corrected QTcF interval \\> 470 ms obtained from ECG", ">", 470),
                            ("Mean QT interval corrected for heart rate using Fridericia's formula (QTcF) ≥470 ms "
                             "calculated from 3 electrocardiograms.", ">=", 470),
                            ("Corrected QT interval (QTc) \\> 500 ms, using Bazett's formula.", ">", 500)):
        rule = parse(line, "exclusion")
        assert rule == {"type": "lab", "analyte": "qtc", "op": op, "value": value, "unit": "ms"}, line
    rule = parse("Mean resting corrected QTcF interval \\> 470 ms obtained from ECG", "exclusion")
    assert verdict(rule, "QTc 490 ms") == TRUE
    assert verdict(rule, "QTc 430 ms") == FALSE
    assert verdict(rule, "a woman with lupus") == UNKNOWN


def test_the_qt_limit_of_one_arm_stays_the_teams():
    # NCT04862663: "to be treated with ribociclib" is the arm, never a prior ribociclib
    rule = parse("Participants to be treated with ribociclib: QTcF ≥ 450 ms obtained from the average of "
                 "3 consecutive (triplicate) ECGs", "exclusion")
    assert types(rule) == {"review"}


# --- eGFR per 1.73 m² as registries write it -----------------------------------------------


def test_egfr_per_body_surface_written_apart_and_its_equation_are_read():
    # NCT06035874 exc-15, NCT06383390 exc-3.1, NCT05042505 exc-2
    assert prepare("eGFR <60 mL/min/1•73 m2") == "eGFR <60 mL/min/1.73m2"
    assert prepare("eGFR \\<20 mL/min/1.73 m\\^2") == "eGFR <20 mL/min/1.73m2"
    for line, value in (("Estimated glomerular filtration rate (eGFR) \\<60 mL/min/1•73 m2 using the Modification of "
                         "Diet in Renal Disease Study (MDRD) equation.", 60),
                        ("Participants have an eGFR \\<20 mL/min/1.73 m\\^2 at screening", 20),
                        ("Estimated glomerular filtration rate (eGFR) \\<45 ml/min/1.73 m2, calculated by the Chronic "
                         "Kidney Disease - Epidemiology (CKD-EPI) equation", 45)):
        rule = parse(line, "exclusion")
        assert rule == {"type": "lab", "analyte": "egfr", "op": "<", "value": value, "unit": "mL/min/1.73m2"}, line
    rule = parse("Participants have an eGFR \\<20 mL/min/1.73 m\\^2 at screening", "exclusion")
    assert verdict(rule, "eGFR 12 mL/min/1.73m2") == TRUE
    assert verdict(rule, "eGFR 70 mL/min/1.73m2") == FALSE


def test_the_name_of_an_egfr_equation_is_no_kidney_disease():
    rule = parse("eGFR <30 mL/min/1.73m2, calculated by the CKD-EPI equation", "exclusion")
    assert "diagnosis" not in types(rule)
    assert parse("Chronic kidney disease", "exclusion") == {"type": "diagnosis", "concept": "kidney_disease"}


# --- performance status ------------------------------------------------------------------


def test_the_scale_named_after_a_performance_status_and_poor_add_no_condition():
    # NCT05514054 inc-5, NCT06712420 exc-8, NCT06417814 inc-6
    assert parse("Have a Performance Status of 0 or 1 on the Eastern Cooperative Oncology Group scale.") == {
        "type": "score", "score": "ecog", "op": "<=", "value": 1}
    assert parse("World Health Organization (WHO)/Eastern Cooperative Oncology Group (ECOG) performance status of 0 or 1.") == {
        "type": "score", "score": "ecog", "op": "<=", "value": 1}
    rule = parse("Poor performance status ECOG 3 or more.", "exclusion")
    assert rule == {"type": "score", "score": "ecog", "op": ">=", "value": 3}
    assert verdict(rule, "ECOG 3") == TRUE
    assert verdict(rule, "ECOG 1") == FALSE


def test_a_performance_status_that_must_not_have_deteriorated_stays_partly_the_teams():
    rule = parse("ECOG performance status of 0 or 1 with no deterioration over the previous 2 weeks")
    assert "review" in types(rule)


# --- HIV: an AIDS-related illness, a test that need not be done ---------------------------


def test_an_aids_related_illness_after_hiv_positive_is_hiv():
    # NCT06760702, NCT07040059, NCT06761586, NCT05865002, NCT05607199, NCT05984147
    rule = parse("Known to be human immunodeficiency virus (HIV) positive or have an acquired immunodeficiency "
                 "syndrome-related illness.", "exclusion")
    assert rule == {"type": "infection", "agent": "hiv", "state": "positive"}
    assert verdict(rule, "HIV positive man with lymphoma") == TRUE
    assert verdict(rule, "HIV negative") == FALSE
    # after another infection the illness is not implied: it stays the team's
    assert "review" in types(parse("Hepatitis C positive or have an acquired immunodeficiency syndrome-related illness.",
                                   "exclusion"))


def test_a_test_that_need_not_be_done_is_no_negated_infection():
    # NCT05382559 exc-7: "No HIV testing is required" had read as "not HIV positive"
    rule = parse("Participant has a known history of human immunodeficiency virus [HIV] infection. "
                 "No HIV testing is required unless mandated by a local health authority.", "exclusion")
    assert rule == {"type": "history", "concept": "hiv"}
    assert verdict(rule, "HIV negative woman") != TRUE


# --- blood clots -------------------------------------------------------------------------


def test_a_thromboembolic_event_is_any_blood_clot_in_a_vein_or_an_artery():
    # NCT06109779 exc-6, NCT06346392 exc-7.2 (data/terminology/comorbidities.yaml)
    rule = parse("Thromboembolic event within 3 months", "exclusion")
    assert rule == {"type": "history", "concept": "thrombosis", "within_days": 91}
    assert verdict(rule, "DVT last month") == TRUE                  # a venous clot is one
    assert verdict(rule, "had a blood clot 3 weeks ago") == TRUE
    assert verdict(rule, "no history of blood clots") == FALSE
    assert verdict(rule, "stroke last month") == UNKNOWN            # a stroke may be a bleed: asked
    assert parse("History of arterial thromboembolism within the past 12 months prior to randomization", "exclusion") == {
        "type": "history", "concept": "arterial_thrombosis", "within_days": 365}
    # a venous clot is no arterial one
    rule = parse("History of arterial thromboembolism within the past 12 months prior to randomization", "exclusion")
    assert verdict(rule, "pulmonary embolism 2 months ago") != TRUE


# --- a subgroup's threshold written as a sentence in a bracket ----------------------------


def test_a_subgroup_allowed_a_higher_threshold_of_the_same_analyte_is_read():
    # NCT06761586 inc-3.4, NCT07040059 inc-6.1, NCT05984147 inc-3.4, NCT05865002 inc-3.4
    for line in ("Total Bilirubin ≤ 1.5 x ULN (Patients with known Gilbert's syndrome are allowed with a Total Bilirubin ≤ 2.5 x ULN).",
                 "Total Bilirubin ≤ 1.5 x ULN; (Patients with known Gilbert's syndrome are allowed with a Total Bilirubin ≤ 2.5 x ULN)"):
        rule = parse(line)
        assert rule == {"any": [{"type": "lab", "analyte": "bilirubin", "op": "<=", "uln": 1.5},
                                {"all": [{"type": "diagnosis", "concept": "gilbert_syndrome"},
                                         {"type": "lab", "analyte": "bilirubin", "op": "<=", "uln": 2.5}]}]}, line
        assert verdict(rule, "total bilirubin 2 x ULN, Gilbert syndrome") == TRUE
        assert verdict(rule, "total bilirubin 2 x ULN") != TRUE
    # another analyte in the bracket: not the same threshold, the team's
    assert "review" in types(parse("Total Bilirubin ≤ 1.5 x ULN (Patients with known Gilbert's syndrome are allowed "
                                   "with an ALT ≤ 2.5 x ULN)."))


def test_a_subgroup_threshold_cut_off_by_a_semicolon_is_never_dropped():
    # the bracket in a clause of its own had been lost: a Gilbert patient failed the 1.5 × ULN
    rule = parse("Total Bilirubin ≤ 1.5 x ULN; (≤ 2.5 x ULN if known Gilbert's syndrome)")
    assert verdict(rule, "total bilirubin 2 x ULN, Gilbert syndrome") != FALSE


def test_a_treatment_a_patient_is_fit_or_eligible_for_is_no_prior_treatment():
    # NCT06926543 inc-4, NCT06103864 inc-6, NCT06214572 inc-9, NCT06818682 inc-1: an inclusion
    # had required the treatment to be had already (every treatment-naive patient failed)
    for line in ("Patients fit to receive adjuvant chemotherapy and radiotherapy",
                 "Eligible for one of the chemotherapy options listed as ICC (paclitaxel, nab-paclitaxel, or gemcitabine + carboplatin).",
                 "Patients with biopsy proven prostate adenocarcinoma, deemed suitable for curative- intent radiotherapy"):
        rule = parse(line)
        assert types(rule) == {"review"}, line
        assert verdict(rule, "man with prostate cancer, no prior chemotherapy or radiotherapy") != FALSE


def test_a_permission_with_a_length_of_time_is_an_exception_not_a_note():
    # NCT04961996 exc-8: a short adjuvant course (up to 12 weeks) is allowed
    rule = parse("Any prior endocrine treatment with selective ER modulators (e.g., tamoxifen), degraders, or aromatase "
                 "inhibitors. A short course of neoadjuvant or adjuvant endocrine therapy (up to 12 weeks) is allowed.",
                 "exclusion")
    assert types(rule) == {"review"}
    # a permission naming nothing of the line stays a note
    assert parse("Received a live or live-attenuated vaccine within 30 days before the first dose of study intervention. "
                 "Administration of killed vaccines is allowed.", "exclusion") == {
        "type": "therapy", "concept": "live_vaccine", "within_days": 30}


def test_time_since_or_recovery_from_a_treatment_is_no_prior_treatment():
    # NCT00456846 inc-6/inc-7, NCT00003454 inc-15.2, NCT06305754 exc-16: every patient who
    # never had the treatment had failed (or, negated, been excluded)
    for line, kind in (("At least 4 weeks since radiotherapy, with full recovery", "inclusion"),
                       ("Recovery from prior immunotherapy", "inclusion"),
                       ("Participants who have not adequately recovered from major surgery or have ongoing surgical complications.",
                        "exclusion")):
        rule = parse(line, kind)
        assert types(rule) == {"review"}, line
    # a window of its own beside the recovery is still read
    rule = parse("Major surgical procedures within 4 weeks prior to the first dose of the study intervention or still "
                 "recovering from prior surgery.", "exclusion")
    assert "procedure" in types(rule)


def test_words_that_name_a_treatment_to_come_are_no_prior_treatment():
    # NCT06119581 inc-2 ("in line with pemetrexed label"), NCT05481619 inc-1 ("indication for
    # vedolizumab"), NCT06429761 inc-3.3.1 ("G-CSF ... is not allowed within 1 wk")
    for line in ("Part B and Safety Lead-In Part B: the histology of the tumor must be predominantly non-squamous "
                 "(in line with pemetrexed label).",
                 "18 years of age or older, with moderate to severe ulcerative colitis, with an indication for vedolizumab treatment;",
                 "Absolute neutrophil count ≥ 1.5 × 109/L (granulocyte colony-stimulating factor administration is not "
                 "allowed within 1 wk prior to Screening assessment);"):
        rule = parse(line)
        assert "therapy" not in types(rule), line


# --- exclusions that held for patients who do NOT have something ---------------------------


def test_exclusions_that_had_held_for_not_having_something_are_the_teams():
    # NCT02513394 exc-8 excluded every patient (pregnant, or not pregnant); NCT06716424 exc-2
    # everyone never in a trial; NCT05774951 exc-8 everyone not on zoledronic acid;
    # NCT05572515 exc-2.2 everyone never given bortezomib; NCT00739752 exc-2 everyone without HBV
    for line in ("Pregnant women, or women of childbearing potential without a negative pregnancy test within 14 days prior to randomization.",
                 "The above information is not intended to contain all considerations relevant to a participant's potential "
                 "participation in a clinical trial.",
                 "Any concurrent anti-cancer treatment not specified in the protocol with the exception of bisphosphonates "
                 "(e.g. zoledronic acid) or RANKL inhibitors (eg, denosumab)",
                 "Does not meet criteria for bortezomib retreatment",
                 "Received any prior HBV vaccination",
                 "Cancer cervix other than the stages mentioned in inclusion criteria ASA PS \\>3"):
        rule = parse(line, "exclusion")
        assert types(rule) == {"review"}, line
        for patient in ("45 year old man, never in a trial, no prior bortezomib, HBV negative",
                        "woman with cervical cancer, not pregnant, ECOG 1"):
            assert verdict(rule, patient) != TRUE, (line, patient)
    assert parse("Pregnant or breastfeeding", "exclusion") == {"type": "pregnancy", "states": ["pregnant", "lactating"]}
