"""Round 16 (h74, issue #15): registry criteria read as exact rules, precision first.

Classes found by the round's random sample of 100 criteria (s16-0001 ... s16-0100 of
tests/data/criteria_gold/dev.jsonl) and by counting the review / partial criteria of the 241
records: each test states the class with new texts of the same kind, not only the sampled line.
"""
from __future__ import annotations

from criteria_helpers import lab_leaf, parse, verdict

from core.rules import iter_leaves


def _reviews(rule: dict) -> int:
    return sum(leaf.get("type") == "review" for leaf in iter_leaves(rule))


def _sexed(male: dict, female: dict) -> dict:
    return {"any": [{"all": [{"type": "sex", "allowed": ["male"]}, male]},
                    {"all": [{"type": "sex", "allowed": ["female"]}, female]}]}


# --- precision: what the sample found misread ------------------------------------------------

def test_plain_hbv_or_hcv_positive_is_the_teams_beside_the_leaf():
    # "HBV positive" does not say which test: the plain leaf held for a resolved infection's
    # anti-HBc, so a patient with only that was excluded
    for text in ("HIV, hepatitis B virus (HBV), or hepatitis C virus (HCV) positive;",
                 "Known hepatitis B or C infection", "HBV or HCV positive"):
        rule = parse(text, "exclusion")
        assert _reviews(rule) >= 2, text
        assert verdict(rule, "anti-HBc positive, HBsAg negative") != "true", text
    rule = parse("HIV, HBV or HCV positive", "exclusion")
    assert verdict(rule, "I am HIV positive") == "true"
    assert verdict(rule, "no HIV, no hepatitis B, no hepatitis C") == "false"


def test_hepatitis_with_its_state_or_test_is_unchanged():
    assert parse("Active hepatitis B or C", "exclusion") == {"any": [
        {"type": "infection", "agent": "hbv", "state": "active"}, {"type": "infection", "agent": "hcv", "state": "active"}]}
    assert parse("Chronic hepatitis B", "exclusion") == {"type": "infection", "agent": "hbsag", "state": "positive"}
    assert parse("HBsAg positive or HBV-DNA positivity", "exclusion") == {"any": [
        {"type": "infection", "agent": "hbsag", "state": "positive"}, {"type": "infection", "agent": "hbv_dna", "state": "positive"}]}
    assert parse("History of hepatitis C", "exclusion") == {"type": "history", "concept": "hcv"}
    # an antibody's own leaf implies the virus named in its bracket: no check left beside it
    assert parse("Subjects with positive antibody to Hepatitis C virus (HCV) and peripheral blood HCV RNA", "exclusion") == \
        {"all": [{"type": "infection", "agent": "anti_hcv", "state": "positive"}, {"type": "infection", "agent": "hcv_rna", "state": "positive"}]}


def test_a_group_named_as_an_item_with_no_age_is_the_teams():
    # "Children and pregnancy": "children" was a filler word, the pregnancy alone was read
    for text in ("Children and pregnancy", "Pregnancy, children", "Pregnant women or children.", "Pregnancy, minors"):
        rule = parse(text, "exclusion")
        assert "any" in rule and _reviews(rule) >= 1, text
        assert verdict(rule, "I am pregnant") == "true"
        assert verdict(rule, "I am a 40 year old man") != "false", text
    # an age on the line says which
    assert _reviews(parse("Children (< 18 years) and pregnant women", "exclusion")) == 0
    assert parse("Pregnancy", "exclusion") == {"type": "pregnancy", "states": ["pregnant"]}


# --- coverage: lines the gold says are rules ------------------------------------------------

def test_first_dose_without_the_article_or_as_1st():
    assert parse("Receiving any other investigational agent within 4 weeks before first dose;", "exclusion") == \
        {"type": "therapy", "concept": "investigational_drug", "within_days": 28}
    assert parse("Live vaccines within 30 days prior to the 1st dose of study treatment", "exclusion") == \
        {"type": "therapy", "concept": "live_vaccine", "within_days": 30}
    assert parse("Major surgery within 28 days preceding first dose", "exclusion") == \
        {"type": "procedure", "concept": "major_surgery", "within_days": 28}


def test_at_least_1_of_a_condition_is_having_it():
    measurable = {"type": "diagnosis", "concept": "measurable_disease"}
    assert parse("At least 1 measurable lesion according to RECIST v1.1, as assessed by the investigator.") == measurable
    assert parse("At least 1 measurable lesion") == measurable
    assert _reviews(parse("At least 2 measurable lesions")) == 1      # a count the leaf cannot hold


def test_units_spelled_out_and_restated_in_a_bracket():
    assert parse("eGFR <45 millilitres/minute/1.73 meter squared (mL/min/1.73m^2) and UACR >30 milligram/gram (mg/g) (0.030 mg/mg)") == \
        {"all": [lab_leaf("egfr", "<", 45, "mL/min/1.73m2"), lab_leaf("uacr", ">", 30, "mg/g")]}
    assert parse("Creatinine clearance ≥ 50 milliliters per minute") == lab_leaf("crcl", ">=", 50, "mL/min")
    assert parse("eGFR ≥ 30 mL/min/1.73 m2 (mL/min/1.73 m2)") == lab_leaf("egfr", ">=", 30, "mL/min/1.73m2")


def test_a_bracket_writing_out_a_formula_is_no_condition():
    text = ("Creatinine clearance (CrCl) greater than or equal to 60 mL/min (either measured or estimated by the "
            "Cockcroft-Gault formula). (Cockcroft-Gault formula for estimated creatinine clearance [eCrCl]: eCrCl = "
            "[140 - Age] × Weight [kg] × [0.85 if Female] / [72 × serum creatinine (mg/dL)]).")
    assert parse(text) == lab_leaf("crcl", ">=", 60, "mL/min")
    # a bracket without "=" is no formula written out
    assert parse("CrCl ≥ 50 mL/min (Cockcroft-Gault formula)") == lab_leaf("crcl", ">=", 50, "mL/min")


def test_abbreviations_in_square_brackets():
    text = ("Hepatic: Total bilirubin < 1.5 times the upper limit of normal; alanine aminotransferase [SGPT (ALT)] and "
            "aspartate aminotransferase [SGOT (AST)] < 5 times the institutional upper limit of normal.")
    assert parse(text) == {"all": [lab_leaf("bilirubin", "<", uln=1.5), lab_leaf("alt", "<", uln=5), lab_leaf("ast", "<", uln=5)]}
    assert parse("Creatinine clearance [CrCl] ≥ 50 mL/min") == lab_leaf("crcl", ">=", 50, "mL/min")


def test_a_threshold_for_each_sex_in_one_bracket():
    expected = _sexed(lab_leaf("qtc", ">", 450, "ms"), lab_leaf("qtc", ">", 470, "ms"))
    assert parse("Abnormal QTc (corrected QT interval) interval prolonged (>450 msec in males; >470 msec in women)", "exclusion") == expected
    assert parse("QTc prolonged (>450 msec in males; >470 msec in females)", "exclusion") == expected
    # the prolongation defined by the threshold in its bracket is the threshold
    assert parse("QTc prolongation (> 450 msec)", "exclusion") == lab_leaf("qtc", ">", 450, "ms")


def test_how_a_condition_was_found_is_no_condition():
    assert parse("Patient has known documented cirrhosis, either based on clinical criteria or liver histology or imaging.",
                 "exclusion") == {"type": "diagnosis", "concept": "cirrhosis"}
    assert parse("Interstitial lung disease based on imaging or biopsy", "exclusion") == \
        {"type": "diagnosis", "concept": "interstitial_lung_disease"}


def test_a_range_in_words():
    assert parse("Body weight of at least 40 kg and body mass index (BMI) within the range 18.0 and 30.0 kg/m^2 (inclusive) at screening.") == \
        {"all": [lab_leaf("weight", ">=", 40, "kg"), lab_leaf("bmi", ">=", 18, "kg/m2"), lab_leaf("bmi", "<=", 30, "kg/m2")]}
    assert parse("Age in the range of 18 to 65 years") == {"type": "age", "min": 18, "max": 65}


def test_hba1c_in_mmol_per_mol_with_its_percent_restated():
    assert parse("HbA1c ≥48 mmol/mol (6.5%) as measured at visit 1.") == lab_leaf("hba1c", ">=", 6.5, "%")
    assert parse("HbA1c ≥ 6.5% (48 mmol/mol)") == lab_leaf("hba1c", ">=", 6.5, "%")


def test_washout_windows_in_drug_elimination_half_lives():
    rule = parse("Treatment with strong CYP3A4 inhibitors or inducers within 14 days or 5 drug elimination half-lives "
                 "(whichever is longer) prior to initiation of study treatment", "exclusion")
    assert rule == {"any": [
        {"type": "therapy", "concept": "strong_cyp3a_inhibitor", "within_days": 14},
        {"type": "therapy", "concept": "strong_cyp3a_inhibitor", "within_half_lives": 5},
        {"type": "therapy", "concept": "strong_cyp3a_inducer", "within_days": 14},
        {"type": "therapy", "concept": "strong_cyp3a_inducer", "within_half_lives": 5}]}
    assert parse("Participant has received investigational therapy within 21 days or 5 half-lives, whichever is shorter, "
                 "prior to start of study intervention.", "exclusion") == {"all": [
        {"type": "therapy", "concept": "investigational_drug", "within_days": 21},
        {"type": "therapy", "concept": "investigational_drug", "within_half_lives": 5}]}


def test_a_score_taken_again_before_the_first_dose():
    assert parse("Have an Eastern Cooperative Oncology Group (ECOG) performance status score of 0, 1, or 2 at screening "
                 "and immediately prior to the start of administration of study treatment") == \
        {"type": "score", "score": "ecog", "op": "<=", "value": 2}
