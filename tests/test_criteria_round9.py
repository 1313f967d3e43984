"""Registry criteria, round 9 (issue #15, 2026-12-03): a multiple of the upper limit of normal
written without "x", "within N times the ULN", "more than or equal to", "Total serum
bilirubin", and "hormone therapy" (in a criterion: no steroid course); each checked for what
it does to a patient (never a false exclusion)."""
from __future__ import annotations

from criteria_helpers import parse, types

from core.rules import iter_leaves


# --- a multiple of the upper limit of normal written without "x" ---------------------------


def test_a_multiple_of_the_upper_limit_without_times_is_no_mass_concentration():
    # NCT records: "Total bilirubin ≤1.5 upper limit of normal (ULN)" had been read as
    # bilirubin ≤ 1.5 mg/dL (a bilirubin of 2 mg/dL, within 1.5 x ULN at many labs, ruled out)
    for text in ("Total bilirubin ≤1.5 upper limit of normal (ULN)",
                 "Total bilirubin ≤ 1.5 upper limit normal",
                 "Creatinine ≤ 1.5 ULN"):
        rule = parse(text)
        assert rule.get("uln") == 1.5 and "unit" not in rule, text


def test_a_multiple_of_the_upper_limit_with_a_subgroup_keeps_both():
    rule = parse("AST ≤ 3 ULN (≤ 5 ULN if liver metastases)")
    ulns = sorted(leaf["uln"] for leaf in iter_leaves(rule) if leaf["type"] == "lab")
    assert ulns == [3, 5]
    assert "review" not in types(rule)


def test_within_a_multiple_of_the_upper_limit_is_at_most():
    for text in ("Plasma creatinine within 1.5 times the upper limit of normal for age.",
                 "Creatinine within 1.5 x ULN"):
        assert parse(text) == {"type": "lab", "analyte": "creatinine", "op": "<=", "uln": 1.5}, text


def test_within_normal_limits_is_not_rewritten():
    # "within" before no multiple of the ULN keeps its meaning (a window, a normal range)
    from nlp.criteria.parser import prepare
    assert prepare("Chemotherapy within 4 weeks") == "Chemotherapy within 4 weeks"
    assert "within" in prepare("Bilirubin within normal limits")


# --- comparators ----------------------------------------------------------------------------


def test_more_than_or_equal_to_is_at_least():
    assert parse("Karnofsky Performance Score more than or equal to 70") == \
        {"type": "score", "score": "karnofsky", "op": ">=", "value": 70}
    # round 30 (h144): with the Lansky scale beside it (no concept: the children's scale) the
    # line is the team's (gold s30-0252), no longer Karnofsky alone
    assert parse("Karnofsky/Lansky Performance Score more than or equal to 70")["type"] == "review"
    assert parse("Hemoglobin more than or equal to 9 g/dL") == \
        {"type": "lab", "analyte": "hemoglobin", "op": ">=", "value": 9, "unit": "g/dL"}
    assert parse("Karnofsky performance status more or equal to 60") == \
        {"type": "score", "score": "karnofsky", "op": ">=", "value": 60}


# --- "Total serum bilirubin" ---------------------------------------------------------------


def test_total_serum_bilirubin_is_total_bilirubin():
    assert parse("Total serum bilirubin ≤ 1.5 x ULN") == {"type": "lab", "analyte": "bilirubin", "op": "<=", "uln": 1.5}
    assert parse("Total plasma bilirubin < 2 x ULN") == {"type": "lab", "analyte": "bilirubin", "op": "<", "uln": 2}


# --- hormone therapy is no glucocorticoid in a criterion -----------------------------------


def _concepts(rule: dict) -> set:
    return {leaf.get("concept") for leaf in iter_leaves(rule)}


def test_hormone_therapy_is_no_steroid_course():
    # "Prior hormone therapy" had been read as any glucocorticoid: a breast cancer patient with
    # a past prednisone course was ruled out of a trial excluding prior endocrine therapy
    for text, kind in (("Prior hormone therapy", "exclusion"),
                       ("Prior hormonal therapy", "exclusion"),
                       ("Concurrent hormone therapy", "exclusion"),
                       ("Use of hormones within 4 weeks", "exclusion"),
                       ("Patients receiving concurrent exogenous hormone therapy (topical vaginal estrogen therapy is allowable).", "exclusion"),
                       ("No concurrent hormonal therapy", "inclusion"),
                       ("Radiation or anti-hormonal therapy within 14 days before randomization", "exclusion")):
        assert "glucocorticoid" not in _concepts(parse(text, kind)), text


def test_hormone_therapy_beside_other_therapies_keeps_them():
    rule = parse("Any concurrent chemotherapy, immunotherapy, biologic, or hormonal therapy for cancer", "exclusion")
    assert "chemotherapy" in _concepts(rule) and "glucocorticoid" not in _concepts(rule)
    assert "review" in types(rule)


def test_steroids_stay_steroids():
    # round 17 (h79): "systemic" leaves the inhaled forms out (the therapy leaf's except)
    assert parse("Prior systemic steroids", "exclusion") == {"type": "therapy", "concept": "glucocorticoid",
                                                             "except": ["inhaled_steroid", "topical_steroid"]}
    assert parse("Corticosteroids within 14 days", "exclusion") == \
        {"type": "therapy", "concept": "glucocorticoid", "within_days": 14}


# --- a modifier sharing the next fact's head noun ------------------------------------------


def test_drug_or_alcohol_abuse_names_both():
    # "drug" is filler alone: "Drug or alcohol abuse" had been alcohol abuse only, so a patient
    # with an opioid use disorder was not ruled out by it
    for text in ("Drug or alcohol abuse", "History of drug or alcohol abuse", "History of alcohol or drug abuse"):
        concepts = _concepts(parse(text, "exclusion"))
        assert concepts == {"substance_use_disorder"}, text


def test_a_history_cue_before_a_shared_head_noun_applies_to_both():
    rule = parse("History of drug or alcohol abuse within 1 year", "exclusion")
    assert rule == {"type": "history", "concept": "substance_use_disorder", "within_days": 365}
    rule = parse("History of alcohol or drug abuse/dependence", "exclusion")
    assert "review" not in types(rule)


def test_a_filler_word_naming_nothing_with_the_head_stays_filler():
    # "prior or current hepatitis B": "prior hepatitis B" is no term; nothing is added
    assert parse("Prior or current hepatitis B", "exclusion")["type"] == "infection"


# --- "taking" a drug is taking it now --------------------------------------------------------


def test_taking_a_drug_is_now():
    # s9-0011: "Subjects taking insulin and/or metformin and/or sulfonylurea" was any use ever:
    # a patient who had stopped metformin years ago met the inclusion
    rule = parse("Subjects taking insulin and/or metformin and/or sulfonylurea.")
    assert rule == {"any": [{"type": "therapy", "concept": c, "response": "current"}
                            for c in ("insulin", "metformin", "sulfonylurea")]}
    assert parse("Taking oral anticoagulants", "exclusion") == \
        {"type": "therapy", "concept": "anticoagulant", "response": "current"}


def test_taking_with_a_window_keeps_the_window():
    rule = parse("Patients taking strong CYP3A inhibitors within 14 days", "exclusion")
    assert rule == {"type": "therapy", "concept": "strong_cyp3a_inhibitor", "within_days": 14}


def test_a_history_of_taking_is_no_current_use():
    assert parse("History of taking metformin", "exclusion") == {"type": "therapy", "concept": "metformin"}


# --- the psychiatric manual a diagnosis is made by -------------------------------------------


def test_the_dsm_is_how_a_diagnosis_is_made():
    assert parse("DSM-IV diagnosis of PTSD") == {"type": "diagnosis", "concept": "ptsd"}
    assert parse("Current diagnosis of bipolar disorder, as defined by DSM-IV") == \
        {"type": "diagnosis", "concept": "bipolar_disorder"}
    assert parse("Meets DSM-IV (Diagnostic and Statistical Manual of Mental Disorders) criteria for PTSD") == \
        {"type": "diagnosis", "concept": "ptsd"}


def test_the_manuals_name_is_no_mental_disorder():
    rule = parse("History of drug or alcohol abuse according to Diagnostic and Statistical Manual of Mental "
                 "Disorders (5th edition) (DSM-V) criteria within 3 years before Screening", "exclusion")
    assert rule == {"type": "history", "concept": "substance_use_disorder", "within_days": 1095}
    assert parse("Mental disorders", "exclusion") == {"type": "diagnosis", "concept": "psychiatric_illness"}


# --- receptor statuses: "HER2-", "ER-positive/HER2-negative" -------------------------------


def test_a_minus_sign_after_a_receptor_is_negative():
    assert parse("HER2- breast cancer") == {"all": [{"type": "biomarker", "marker": "her2", "state": "negative"},
                                                    {"type": "diagnosis", "concept": "breast_cancer"}]}


def test_opposite_statuses_joined_by_a_slash_are_one_tumours():
    # "ER-positive/HER2-negative breast cancer" had been any[ER+, all[HER2-, breast cancer]]:
    # an ER-positive, HER2-positive cancer met it
    want = {"all": [{"type": "biomarker", "marker": "estrogen_receptor", "state": "positive"},
                    {"type": "biomarker", "marker": "her2", "state": "negative"},
                    {"type": "diagnosis", "concept": "breast_cancer"}]}
    assert parse("ER-positive/HER2-negative breast cancer") == want
    assert parse("ER+/HER2- breast cancer") == want
    hr = parse("HR+/HER2- breast cancer")
    assert {leaf.get("marker") for leaf in iter_leaves(hr)} >= {"hormone_receptor", "her2"}
    assert "any" not in hr


def test_a_same_state_pair_is_left_as_written():
    from nlp.criteria.parser import prepare
    assert prepare("ER+/PR+ breast cancer") == "ER+/PR+ breast cancer"
    assert prepare("HER2-low") == "HER2-low"


def test_statuses_beside_a_disease_that_took_their_noun_are_the_teams():
    # "ER+/HER2- or triple-negative breast cancer": "breast cancer" went into TNBC's name, so
    # the statuses' branch has no disease of its own; an ER+/HER2- lung cancer must not meet it
    rule = parse("ER+/HER2- or triple-negative breast cancer")
    assert "review" in types(rule)
    branch = next(c for c in rule["any"] if "all" in c)
    assert {leaf["type"] for leaf in iter_leaves(branch)} == {"biomarker", "review"}
    assert {"type": "diagnosis", "concept": "triple_negative_breast_cancer"} in rule["any"]
