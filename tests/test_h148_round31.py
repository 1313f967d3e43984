"""Round 31 (h148, issue #15): lab-value and organ-function lines of registry criteria: a
subgroup's threshold written as a clause, a lab said to be normal, a value restated in a
bracket before a second limit, an organ-function label with a dash, sub-items run together
on one line, a connector in capitals, two genes sharing an alteration, a formula bracket, and
a score of the past."""
from datetime import date

from core.facts import Profile
from core.rules import iter_leaves
from core.truth import FALSE, TRUE, UNKNOWN
from matching.evaluate import Evaluator
from nlp import extract
from nlp.criteria.parser import parse_criterion


def _leaves(rule: dict) -> list[dict]:
    return [{k: v for k, v in leaf.items() if k != "note"} for leaf in iter_leaves(rule)]


def _reviews(rule: dict) -> int:
    return sum(leaf.get("type") == "review" for leaf in iter_leaves(rule))


def _verdict(rule: dict, patient: str) -> str:
    return Evaluator(Profile(extract(patient)), today=date(2026, 12, 6)).rule(rule).value


def U(analyte: str, op: str, n: float) -> dict:
    return {"type": "lab", "analyte": analyte, "op": op, "uln": n}


def test_a_subgroup_clause_who_may_be_included_is_the_subgroup_threshold():
    for lab, text in (("ast", "Aspartate transaminase (AST) ≤3 x ULN, except for patients with liver metastasis, "
                              "who may only be included if AST ≤5 x ULN"),
                      ("alt", "Alanine transaminase (ALT) ≤3 x ULN, except for patients with liver metastasis, "
                              "who may only be included if ALT ≤5 x ULN")):
        rule = parse_criterion(text, "inclusion")
        assert rule == {"any": [U(lab, "<=", 3), {"all": [{"type": "diagnosis", "concept": "liver_metastases"},
                                                         U(lab, "<=", 5)]}]}, text


def test_the_subgroup_clause_of_another_analyte_is_not_read_as_the_lines():
    # "who may be included if ALT ≤ 5 x ULN" after an AST threshold names another test
    rule = parse_criterion("Aspartate transaminase (AST) ≤3 x ULN, except for patients with liver metastasis, "
                           "who may only be included if ALT ≤5 x ULN", "inclusion")
    assert U("ast", "<=", 5) not in _leaves(rule)


def test_an_exclusion_with_a_higher_limit_for_gilbert_holds_above_both_limits():
    for text, low, high in (("Total bilirubin \\> upper limit of normal (ULN) or, for cases of known Gilbert's syndrome, "
                             "total bilirubin \\> 2 × ULN", 1, 2),
                            ("Total bilirubin \\>1.5 times ULN or \\>3 times ULN in the presence of documented Gilbert's "
                             "Syndrome (unconjugated hyperbilirubinaemia)", 1.5, 3)):
        rule = parse_criterion(text, "exclusion")
        assert rule == {"all": [U("bilirubin", ">", low), {"any": [{"not": {"type": "diagnosis", "concept": "gilbert_syndrome"}},
                                                                  U("bilirubin", ">", high)]}]}, text
    rule = parse_criterion("Total bilirubin \\> upper limit of normal (ULN) or, for cases of known Gilbert's syndrome, "
                           "total bilirubin \\> 2 × ULN", "exclusion")
    # 2.0 mg/dL is 1.7 x the typical ULN of 1.2: over the limit, under Gilbert's own
    assert _verdict(rule, "My total bilirubin is 2.0 mg/dL. I have Gilbert's syndrome.") == FALSE
    assert _verdict(rule, "My total bilirubin is 2.0 mg/dL.") == UNKNOWN
    assert _verdict(rule, "My total bilirubin is 0.8 mg/dL.") == FALSE


def test_a_lab_said_normal_is_at_most_its_upper_limit():
    assert parse_criterion("Bilirubin normal", "inclusion") == U("bilirubin", "<=", 1)
    assert parse_criterion("Amylase within age-appropriate limits", "inclusion") == U("amylase", "<=", 1)
    assert _verdict(parse_criterion("Bilirubin normal", "inclusion"), "Total bilirubin 3.1 mg/dL") == FALSE


def test_a_normal_value_of_a_two_sided_lab_stays_with_the_team():
    # a low haemoglobin or platelet count is abnormal too: "normal" is no upper limit alone
    for text in ("Hemoglobin normal", "Platelet count within normal limits"):
        rule = parse_criterion(text, "inclusion")
        assert not [leaf for leaf in _leaves(rule) if leaf.get("type") == "lab"], text


def test_a_value_restated_in_another_unit_does_not_hide_the_second_limit():
    rule = parse_criterion("Urine albumin creatinine ratio \\> 200 mg/g (22.6 mg/mmol) and \\< 5000 mg/g (565 mg/mmol) "
                           "at screening", "inclusion")
    assert rule == {"all": [{"type": "lab", "analyte": "uacr", "op": ">", "value": 200, "unit": "mg/g"},
                            {"type": "lab", "analyte": "uacr", "op": "<", "value": 5000, "unit": "mg/g"}]}


def test_a_bracket_with_another_value_is_no_restatement():
    # 99 mg/mmol is 875 mg/g: not the 200 written before it, so the line stays partly unread
    rule = parse_criterion("Urine albumin creatinine ratio \\> 200 mg/g (99 mg/mmol) and \\< 5000 mg/g", "inclusion")
    assert _reviews(rule) >= 1


def test_a_connector_in_capitals_is_the_loosest_joint():
    rule = parse_criterion("eGFR ≥ 30 and ≤ 75 mL/min/1.73 m2 (local or central laboratory values) AND UACR ≥ 500 mg/g "
                           "(56.5 mg/mmol) and ≤ 5000 mg/g (565 mg/mmol) or UPCR ≥ 700 mg/g (79 mg/mmol) and ≤ 7000 mg/g "
                           "(790 mg/mmol) (local or central laboratory values).", "inclusion")
    assert "all" in rule
    egfr = [leaf for leaf in rule["all"] if leaf.get("analyte") == "egfr"]
    assert len(egfr) == 2      # the eGFR range is required whichever urine ratio is given
    assert any("any" in part for part in rule["all"])


def test_an_organ_function_label_with_a_dash_is_a_label():
    assert parse_criterion("Renal function- Creatinine ≤ 1.5 ULN, Creatinine clearance \\>= 50 mL/min", "inclusion") == {
        "all": [U("creatinine", "<=", 1.5), {"type": "lab", "analyte": "crcl", "op": ">=", "value": 50, "unit": "mL/min"}]}
    rule = parse_criterion("Hematological- Hb\\> 80 g/L, ANC ≥ 1.5 x 109/L, platelets ≥ 100 x 109/L.", "inclusion")
    assert _reviews(rule) == 0 and len(_leaves(rule)) == 3


def test_sub_items_run_together_keep_each_bracket_with_its_own_threshold():
    rule = parse_criterion("Total Bilirubin ≤ 1.2 x ULN AST (SGOT) ≤ 3 x ULN (≤ 5 × ULN if known liver metastases) "
                           "ALT (SGPT) ≤ 3 x ULN (≤ 5 × ULN if known liver metastases) Creatinine clearance (CrCl) ≥ 30 "
                           "mL/min (either measured or estimated by the Cockcroft- Gault formula) Albumin ≥ 3.0 g/dL",
                           "inclusion")
    assert _reviews(rule) == 0
    leaves = _leaves(rule)
    assert U("ast", "<=", 5) in leaves and U("alt", "<=", 5) in leaves
    assert {"type": "lab", "analyte": "crcl", "op": ">=", "value": 30, "unit": "mL/min"} in leaves
    assert {"type": "lab", "analyte": "albumin", "op": ">=", "value": 3, "unit": "g/dL"} in leaves


def test_two_genes_sharing_an_alteration_are_both_read():
    rule = parse_criterion("Absence of sensitizing EGFR mutations and ALK and ROS1 rearrangements.", "inclusion")
    assert rule == {"not": {"any": [{"type": "biomarker", "marker": m, "state": "positive"}
                                    for m in ("egfr_sensitizing_mutation", "alk_rearrangement", "ros1_rearrangement")]}}
    leaves = _leaves(parse_criterion("Documented EGFR and ALK wild-type status (local or central).", "inclusion"))
    assert {"type": "biomarker", "marker": "egfr_mutation", "state": "negative"} in leaves
    assert {"type": "biomarker", "marker": "alk_rearrangement", "state": "negative"} in leaves


def test_a_bracket_naming_the_formula_is_no_condition():
    assert parse_criterion("Calculated creatinine clearance (using Cockcroft-Gault formula) ≥45 mL/min", "inclusion") == {
        "type": "lab", "analyte": "crcl", "op": ">=", "value": 45, "unit": "mL/min"}
    # the ages that choose the formula are no condition of the line
    rule = parse_criterion("Renal dysfunction, defined as an estimated glomerular filtration rate (eGFR) \\<60 mL/min/1.73m² "
                           "at Screening Visit 2 (using the Chronic Kidney Disease Epidemiology Collaboration \\[CKD-EPI\\] "
                           "formula \\[Levey et al, 2009\\] for age ≥18 years at screening; using the Bedside Schwartz "
                           "\\[Schwartz and Work, 2009\\] eGFR formula for age \\<18).", "exclusion")
    assert rule == {"type": "lab", "analyte": "egfr", "op": "<", "value": 60, "unit": "mL/min/1.73m2"}


def test_a_score_of_the_past_is_the_teams():
    rule = parse_criterion("History of New York Heart Association class IV heart failure or last known left ventricular "
                           "ejection fraction \\<25%.", "exclusion")
    # a patient with NYHA class IV now was not necessarily so in the past and vice versa: the
    # score is never decided alone
    nyha = [part for part in rule["any"] if "all" in part]
    assert nyha and _reviews(nyha[0]) == 1
    assert {"type": "lab", "analyte": "lvef", "op": "<", "value": 25, "unit": "%"} in rule["any"]


def test_a_current_history_keeps_the_score():
    rule = parse_criterion("Current history of New York Heart Association (NYHA) Class III or IV heart failure", "exclusion")
    assert _reviews(rule) == 0
    assert {"type": "score", "score": "nyha", "op": ">=", "value": 3} in _leaves(rule)


def test_a_subgroup_threshold_verdict_for_a_patient_with_liver_metastases():
    rule = parse_criterion("Aspartate transaminase (AST) ≤3 x ULN, except for patients with liver metastasis, "
                           "who may only be included if AST ≤5 x ULN", "inclusion")
    assert _verdict(rule, "I have colon cancer with liver metastases. My AST was 150 U/L.") == TRUE
    assert _verdict(rule, "I have colon cancer. My AST was 250 U/L.") == FALSE


def test_an_exception_for_the_condition_that_raises_the_lab_is_read_whole():
    # Gilbert's syndrome raises bilirubin (terminology ``raises``): "unless due to it" is the
    # exception itself, no team check of the cause
    for text in ("Total bilirubin must be lesser than (\\<)1.5 x upper limit of the normal range (ULN) unless the "
                 "elevation is known to be due to Gilbert syndrome.",
                 "total bilirubin ≤ 1.5 × ULN (except participants with a diagnosis of Gilbert's disease)"):
        rule = parse_criterion(text, "inclusion")
        assert _reviews(rule) == 0, text
        assert {"type": "diagnosis", "concept": "gilbert_syndrome"} in rule["any"], text
    assert _verdict(parse_criterion("total bilirubin ≤ 1.5 × ULN (except participants with a diagnosis of Gilbert's "
                                    "disease)", "inclusion"), "Bilirubin 3.5 mg/dL, I have Gilbert's syndrome") == TRUE


def test_a_cause_that_does_not_raise_the_lab_stays_the_teams():
    for text in ("AST ≤ 3 x ULN unless due to Gilbert's disease",
                 "Bilirubin ≤ 1.5 x ULN unless due to liver metastases"):
        assert _reviews(parse_criterion(text, "inclusion")) == 1, text


def test_a_score_in_a_bracket_after_a_past_condition_is_the_teams():
    # the class of a past heart failure is no class the patient has now
    rule = parse_criterion("Current or past history of heart failure (NYHA Class 2 or higher)", "exclusion")
    assert {"type": "history", "concept": "heart_failure"} in _leaves(rule)
    assert _reviews(rule) == 1
    # a condition now keeps its class: decided
    assert parse_criterion("Congestive heart failure (NYHA class III or IV)", "exclusion") == {
        "type": "score", "score": "nyha", "op": ">=", "value": 3}
