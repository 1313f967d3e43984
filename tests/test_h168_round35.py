"""Round 35 (h168, issue #15): cardiac and vascular lines of registry criteria. How a blood pressure
is taken ("Mean seated SBP on AOBPM ≥ 170 mmHg") is no condition; "NYHA class III/IV" is a range,
never class III or heart failure; "Poorly controlled hypertension" is the concept of uncontrolled
hypertension; a control word of one condition that may reach the next of a list ("uncontrolled
diabetes mellitus and hypertension") leaves the next one to the team; a definition bracket may hold
an abbreviation's own bracket and may be for the patients on a treatment. On the patient's side,
"my heart pumps at 45 %" is an ejection fraction and "165 over 100" a blood pressure pair."""
from datetime import date

from core.facts import Profile
from matching.evaluate import Evaluator
from nlp import extract
from nlp.criteria.parser import parse_criterion
from nlp.criteria.rule_forms import review_only

from assertion_helpers import facts_at, one_at

TODAY = date(2026, 12, 7)

SBP_180 = {"type": "lab", "analyte": "sbp", "op": ">", "value": 180, "unit": "mmHg"}
DBP_100 = {"type": "lab", "analyte": "dbp", "op": ">", "value": 100, "unit": "mmHg"}


def _verdict(rule: dict, patient: str) -> str:
    return Evaluator(Profile(extract(patient, today=TODAY)), today=TODAY).rule(rule).value


def test_how_a_blood_pressure_is_taken_is_no_condition():
    # s25-0061, crit-0264 and s35-0007 of one record were left to the team for "seated ... on AOBPM"
    assert parse_criterion("Mean seated SBP on AOBPM ≥ 170 mmHg.", "exclusion") == {
        "type": "lab", "analyte": "sbp", "op": ">=", "value": 170, "unit": "mmHg"}
    assert parse_criterion("Mean seated DBP on AOBPM ≥ 105 mmHg.", "exclusion") == {
        "type": "lab", "analyte": "dbp", "op": ">=", "value": 105, "unit": "mmHg"}
    assert parse_criterion("Mean seated SBP on automated office blood pressure measurement (AOBPM) ≥ 140 mmHg "
                           "at Screening.", "inclusion") == {
        "type": "lab", "analyte": "sbp", "op": ">=", "value": 140, "unit": "mmHg"}


def test_a_nyha_range_written_with_a_slash():
    # "III/IV" had been class III exactly, with the heart failure after it an alternative of its own:
    # any heart failure excluded
    for line in ("New York Heart Association class III/IV congestive heart failure",
                 "NYHA class III / IV heart failure"):
        assert parse_criterion(line, "exclusion") == {"type": "score", "score": "nyha", "op": ">=", "value": 3}, line
    assert parse_criterion("ECOG 0/1", "inclusion") == {"type": "score", "score": "ecog", "op": "<=", "value": 1}


def test_poorly_controlled_hypertension_is_the_concept():
    # s31-0197: the control word of a term of uncontrolled_hypertension was read as a judgement
    assert parse_criterion("Poorly controlled hypertension", "exclusion") == {
        "type": "diagnosis", "concept": "uncontrolled_hypertension"}
    # a judgement that is no word of the concept's terms still counts
    assert not review_only(parse_criterion("Severe heart disease", "exclusion"))
    assert parse_criterion("Severe heart disease", "exclusion") != {"type": "diagnosis", "concept": "heart_disease"}


def test_a_control_word_that_may_reach_the_next_condition():
    # s35-0056 had been any[uncontrolled diabetes, hypertension]: any hypertension excluded
    rule = parse_criterion("History of uncontrolled diabetes mellitus and hypertension.", "exclusion")
    assert rule["any"][0] == {"type": "history", "concept": "uncontrolled_diabetes"}
    second = rule["any"][1]["all"]
    assert second[0] == {"type": "history", "concept": "hypertension"} and second[1]["type"] == "review"
    listed = parse_criterion("Uncontrolled hypertension and/or diabetes mellitus", "exclusion")
    # before: true (any diabetes excluded); now open, the hypertension still to ask
    assert _verdict(listed, "I have type 2 diabetes, my sugars are fine") == "unknown"
    assert _verdict(listed, "I have no diabetes and no high blood pressure") == "false"
    # a control word naming no narrower concept of the next one is left as it was
    assert parse_criterion("Uncontrolled diabetes or infection.", "exclusion") == {"any": [
        {"type": "diagnosis", "concept": "uncontrolled_diabetes"},
        {"type": "infection", "agent": "active_infection", "state": "active"}]}


def test_a_definition_bracket_with_an_abbreviations_bracket():
    # s11-0009: "[BP]" inside the bracket kept the hypertension and a review beside the thresholds
    rule = parse_criterion("Inadequately controlled hypertension (ie, systolic blood pressure \\[BP\\] \\> 180 mm Hg "
                           "or diastolic BP \\> 100 mm Hg).", "exclusion")
    assert rule == {"any": [SBP_180, DBP_100]}


def test_a_definition_for_the_patients_on_a_treatment():
    # s30-0115
    rule = parse_criterion("Poorly controlled hypertension (systolic blood pressure \\> 180 mmHg and/or diastolic "
                           "blood pressure \\> 100 mmHg) in patients on anti-hypertensive medications", "exclusion")
    assert rule == {"all": [{"type": "therapy", "concept": "antihypertensive", "response": "current"},
                            {"any": [SBP_180, DBP_100]}]}
    assert _verdict(rule, "I take telmisartan every day, my bp is 190/105") == "true"
    assert _verdict(rule, "I take telmisartan every day, my bp is 130/80") == "false"
    # a tail that is no treatment is not read so
    assert parse_criterion("Uncontrolled diabetes (HbA1c > 9%) in patients on insulin", "exclusion") == {"all": [
        {"type": "therapy", "concept": "insulin", "response": "current"},
        {"type": "lab", "analyte": "hba1c", "op": ">", "value": 9, "unit": "%"}]}


def test_a_patients_words_for_the_ejection_fraction():
    for text, value in (("My heart pumps at 45 %.", 45), ("my heart's pumping function is 35 percent", 35),
                        ("the cardiologist said my heart is pumping at 40%", 40)):
        fact = one_at(text, "lvef", TODAY)
        assert fact.value_normalized == value, text
    rule = parse_criterion("LVEF < 40%", "exclusion")
    assert _verdict(rule, "My heart pumps at 35 %.") == "true"
    assert _verdict(rule, "My heart pumps at 45 %.") == "false"


def test_a_blood_pressure_said_as_one_value_over_another():
    assert one_at("my blood pressure is 165 over 100", "dbp", TODAY).value_normalized == 100
    assert one_at("My bp is 150/95.", "dbp", TODAY).value_normalized == 95
    assert facts_at("bp 150 over 20 days", "dbp", TODAY) == []   # a time, never the second value
    rule = parse_criterion("Uncontrolled hypertension (systolic blood pressure > 160 mmHg or diastolic blood pressure "
                           "> 100 mmHg)", "exclusion")
    assert _verdict(rule, "my blood pressure is 165 over 100") == "true"
    assert _verdict(rule, "my bp is 150/95") == "false"


def test_the_patients_words_for_the_other_cardiac_events():
    # the brief's patient words: each is read and judged against the window it is asked in
    mi = parse_criterion("Myocardial infarction within 6 months", "exclusion")
    assert _verdict(mi, "I had a heart attack in 2022.") == "false"
    assert _verdict(mi, "I had a heart attack 2 months ago.") == "true"
    assert one_at("I had a blood clot in my leg last year.", "deep_vein_thrombosis", TODAY).historical
    vte = parse_criterion("History of venous thromboembolism", "exclusion")
    assert _verdict(vte, "I had a blood clot in my leg last year.") == "true"
