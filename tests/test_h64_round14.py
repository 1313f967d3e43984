"""Round 14 (h64, issue #15): registry criteria with a threshold for each sex, a condition
defined by a bracketed measurement, blasts of the peripheral blood, what a condition is
"regardless of", and the QTc's ECG and correction formula."""
from core.rules import iter_leaves
from nlp.pipeline import extract
from criteria_helpers import lab_leaf as _lab, parse, verdict


def _review_only(rule):
    return all(leaf.get("type") == "review" for leaf in iter_leaves(rule))


# --- a threshold for each sex -----------------------------------------------------------------

HB_BY_SEX = "Hb\\<12g/dl for males and \\<11g/dl for females;"


def test_a_threshold_for_each_sex_is_read_with_its_sex():
    assert parse(HB_BY_SEX, "exclusion") == {"any": [
        {"all": [{"type": "sex", "allowed": ["male"]}, _lab("hemoglobin", "<", 12, "g/dL")]},
        {"all": [{"type": "sex", "allowed": ["female"]}, _lab("hemoglobin", "<", 11, "g/dL")]}]}


def test_each_sex_is_judged_by_its_own_threshold():
    rule = parse(HB_BY_SEX, "exclusion")
    assert verdict(rule, "58 year old man. Hemoglobin 11.5 g/dL.") == "true"
    assert verdict(rule, "58 year old woman. Hemoglobin 11.5 g/dL.") == "false"
    assert verdict(rule, "58 year old woman. Hemoglobin 10.5 g/dL.") == "true"
    # the sex not known: the threshold that applies is not known either
    assert verdict(rule, "Hemoglobin 11.5 g/dL.") == "unknown"


def test_sex_thresholds_in_brackets_and_with_patients_words():
    got = parse("QTc > 450 ms (men) or > 470 ms (women)", "exclusion")
    assert got == {"any": [
        {"all": [{"type": "sex", "allowed": ["male"]}, _lab("qtc", ">", 450, "ms")]},
        {"all": [{"type": "sex", "allowed": ["female"]}, _lab("qtc", ">", 470, "ms")]}]}
    got = parse("QTcF > 450 ms for male patients or > 470 ms for female patients", "exclusion")
    assert {leaf.get("value") for leaf in iter_leaves(got) if leaf["type"] == "lab"} == {450, 470}


def test_sex_thresholds_with_a_third_threshold_or_one_sex_stay_with_the_team():
    # a third threshold for another group: not one per sex
    assert _review_only(parse("QTcF > 450 ms for males and > 470 ms for females or QTcF ≥ 480 ms "
                              "for participants with bundle branch block", "exclusion"))
    # two thresholds for the same sex: never read as one per sex
    assert parse("Hb < 12 g/dl for males and < 11 g/dl for males", "exclusion") != parse(HB_BY_SEX, "exclusion")
    # a count with no analyte (drinks a day) stays the team's
    assert _review_only(parse("Current alcohol intake: more than 2 drinks per day for men and more "
                              "than 1 drink per day for women", "exclusion"))


# --- a condition defined by the measurement in its bracket -----------------------------------

def test_a_condition_defined_in_its_bracket_is_the_measurement():
    assert parse("End-stage renal disease (eGFR \\< 15 mL/min/1.73 m\\^2).", "exclusion") == \
        _lab("egfr", "<", 15, "mL/min/1.73m2")
    assert parse("Renal impairment (creatinine clearance < 30 mL/min)", "exclusion") == \
        _lab("crcl", "<", 30, "mL/min")


def test_an_adequate_function_bracket_list_is_its_thresholds():
    text = ("adequate renal and hepatic function \\[Bilirubin ≤ 1.5 times upper limit of normal (ULN), "
            "serum glutamic-oxaloacetic transaminase (SGOT) ≤ 2.5x ULN, Alkaline phosphatase ≤ 2.5x ULN, "
            "and Creatinine ≤ 2x ULN\\].")
    assert parse(text, "inclusion") == {"all": [
        _lab("bilirubin", "<=", uln=1.5), _lab("ast", "<=", uln=2.5), _lab("alp", "<=", uln=2.5),
        _lab("creatinine", "<=", uln=2)]}


def test_a_bracket_of_examples_or_a_negated_condition_is_no_definition():
    # "e.g.": an example of the condition, never all of it
    got = parse("Cardiac disease (e.g. LVEF < 40%)", "exclusion")
    assert got != _lab("lvef", "<", 40, "%")
    # "No renal failure (creatinine > 2)": the requirement is the absence, never the threshold
    got = parse("No renal failure (creatinine > 2 mg/dL)", "inclusion")
    assert got != _lab("creatinine", ">", 2, "mg/dL")


def test_the_measurement_alone_judges_the_defined_condition():
    rule = parse("End-stage renal disease (eGFR \\< 15 mL/min/1.73 m\\^2).", "exclusion")
    assert verdict(rule, "eGFR 12 mL/min/1.73m2") == "true"
    assert verdict(rule, "eGFR 45 mL/min/1.73m2") == "false"


# --- blasts of the peripheral blood -----------------------------------------------------------

def test_blasts_of_the_peripheral_blood_are_the_teams():
    # the blasts analyte does not tell a marrow value from a blood one: a patient's "blasts 5%"
    # (the marrow's, mostly) says nothing of the blood's
    for text, kind in (("Peripheral blood blast count of \\>= 10% or bone marrow blast count of \\>=10%", "exclusion"),
                       ("Peripheral blast count of \\<10% throughout the Screening period", "inclusion"),
                       ("<15% blasts in peripheral blood and/or bone marrow", "inclusion")):
        assert _review_only(parse(text, kind)), text


def test_marrow_blasts_are_still_read():
    assert parse("Bone marrow blasts ≥ 20%", "inclusion") == _lab("blasts", ">=", 20, "%")


# --- "regardless of" --------------------------------------------------------------------------

def test_regardless_of_cause_or_severity_adds_nothing():
    assert parse("History of hepatic cirrhosis, regardless of cause or severity", "exclusion") == {
        "type": "history", "concept": "cirrhosis"}


# --- the ECG and the formula a QTc is read by -------------------------------------------------

def test_the_ecg_a_qtc_is_read_on_is_no_condition():
    assert parse("QTc interval > 450 ms on ECG", "exclusion") == _lab("qtc", ">", 450, "ms")
    assert parse("QTcF > 470 ms based on the average of triplicate ECGs", "exclusion") == _lab("qtc", ">", 470, "ms")


def test_the_correction_formula_and_a_second_time_of_measurement_are_no_condition():
    assert parse("QTc (Bazzett) interval \\>460 ms on ECG at screening and/or at Cycle 1 Day 1 pre-dose.",
                 "exclusion") == _lab("qtc", ">", 460, "ms")
    assert parse("QT corrected for heart rate by Fridericia's cube root formula (QTcF) at screening ≥450 msec "
                 "(both male and female participants)", "exclusion") == _lab("qtc", ">=", 450, "ms")
    assert parse("Absolute neutrophil count \\<2.000x10⁹/L at screening at Screening Visit 1 or Screening Visit 2.",
                 "exclusion") == _lab("anc", "<", 2, "10^9/L")


def test_an_ecg_is_taken_out_only_beside_a_value():
    # "ischemia on ECG" is no value read on an ECG: the words stay and the line is the team's
    assert _review_only(parse("Evidence of ischemia on ECG", "exclusion"))


def test_qtc_thresholds_for_each_sex_with_the_formula_and_the_ecg():
    got = parse("QTc (Bazzett) interval \\>450 ms for male patients or \\>460 ms for female patients on ECG at "
                "screening and/or at Cycle 1 Day 1 predose.", "exclusion")
    assert got == {"any": [
        {"all": [{"type": "sex", "allowed": ["male"]}, _lab("qtc", ">", 450, "ms")]},
        {"all": [{"type": "sex", "allowed": ["female"]}, _lab("qtc", ">", 460, "ms")]}]}
    assert verdict(got, "62 year old woman, QTc 455 ms") == "false"
    assert verdict(got, "62 year old man, QTc 455 ms") == "true"


# --- the ASA physical status ------------------------------------------------------------------

def test_asa_physical_status_is_a_score():
    assert parse("ASA physical status I - II", "inclusion") == {
        "type": "score", "score": "asa_physical_status", "op": "<=", "value": 2}
    assert parse("ASA physical status 1-3", "inclusion") == {
        "type": "score", "score": "asa_physical_status", "op": "<=", "value": 3}


def test_a_bare_asa_in_patient_text_is_no_score():
    # "ASA" alone is aspirin in a letter; only "ASA physical status / class / score" is the class
    assert not any(f.concept == "asa_physical_status" for f in extract("He takes ASA 81 mg daily."))
    assert any(f.concept == "asa_physical_status" for f in extract("ASA physical status 2."))


def test_a_prolongation_to_a_value_is_the_value():
    assert parse("QTc prolongation > 470 ms", "exclusion") == _lab("qtc", ">", 470, "ms")
    got = parse("Corrected QT interval (QTc) prolongation to \\> 470 ms (females) or \\>450 ms (male);", "exclusion")
    assert got == {"any": [
        {"all": [{"type": "sex", "allowed": ["female"]}, _lab("qtc", ">", 470, "ms")]},
        {"all": [{"type": "sex", "allowed": ["male"]}, _lab("qtc", ">", 450, "ms")]}]}
    # without a value the prolongation is the condition, as before
    assert parse("History of QT prolongation", "exclusion") == {"type": "history", "concept": "qt_prolongation"}


def test_an_hba1c_restated_in_mmol_per_mol_reads_the_percent():
    assert parse(". Glycated haemoglobin (HbA1c) ≥ 8.0% (63.9 mmol/mol)", "exclusion") == \
        _lab("hba1c", ">=", 8, "%")
    assert parse("Glycated haemoglobin (HbA1c) of 7.5-10.0% (58-86 millimoles per moles (mmol/mol)) "
                 "(both inclusive) as assessed by central laboratory at screening.", "inclusion") == {
        "all": [_lab("hba1c", ">=", 7.5, "%"), _lab("hba1c", "<=", 10, "%")]}
