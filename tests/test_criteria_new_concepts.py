"""Issue #15, new concepts read from real registry text (made-up lines of the same shapes):
radiotherapy, major surgery and organ transplants as procedures with their windows; BMI,
HbA1c, sodium, potassium, albumin as analytes; and the safety rules that keep a time the
leaves cannot hold out of a rule (review instead). Each is judged on a patient too: unknown
when the fact is missing (and asked), never a wrong exclusion."""
from __future__ import annotations

from datetime import date, timedelta

from benchmarks.criteria import without_notes
from core.rules import iter_leaves
from matching.engine import match
from nlp.criteria.parser import parse_criterion
from nlp.pipeline import extract

TODAY = date(2026, 12, 2)


def parse(text: str, kind: str = "exclusion") -> dict:
    return without_notes(parse_criterion(text, kind))


def is_review_only(rule: dict) -> bool:
    return all(leaf.get("type") == "review" for leaf in iter_leaves(rule))


def test_radiotherapy_and_major_surgery_are_procedures_with_their_window():
    assert parse("Radiotherapy within 3 weeks prior to enrolment") == {
        "type": "procedure", "concept": "radiotherapy", "within_days": 21}
    assert parse("Major surgery within 28 days before randomization.") == {
        "type": "procedure", "concept": "major_surgery", "within_days": 28}
    assert parse("Prior radiation therapy or chemotherapy") == {"any": [
        {"type": "procedure", "concept": "radiotherapy"}, {"type": "therapy", "concept": "chemotherapy"}]}


def test_an_organ_transplant_is_a_procedure_kidney_under_solid_organ():
    assert parse("History of solid organ transplantation") == {"type": "procedure", "concept": "solid_organ_transplant"}
    assert parse("Prior kidney transplant") == {"type": "procedure", "concept": "kidney_transplant"}


def test_radiotherapy_to_one_site_is_not_any_radiotherapy():
    rule = parse("Prior radiotherapy to the pelvis")
    assert any(leaf.get("type") == "review" for leaf in iter_leaves(rule))


def test_an_ongoing_procedure_is_for_the_team():
    for text in ("Ongoing radiotherapy", "Concurrent radiation therapy", "Currently on dialysis"):
        rule = parse(text)
        assert any(leaf.get("type") == "review" for leaf in iter_leaves(rule)), text


def test_time_the_leaves_cannot_hold_makes_the_line_review():
    for text in ("Anticancer treatment (chemotherapy, radiotherapy) within 3 weeks before randomization",
                 "Radiotherapy within 4 wk before enrolment or stereotactic radiotherapy within 1 wk before enrolment",
                 "Prior organ transplant or planned organ transplant within 6 months following randomisation",
                 "Scheduled kidney transplant during the study"):
        assert is_review_only(parse(text)), text
    # "less than or equal to N days from <the first dose>" is a window since round 34 (h163, gold s34-)
    assert parse("Major surgery less than or equal to 21 days from Cycle 1 Day 1") == {
        "concept": "major_surgery", "type": "procedure", "within_days": 21}
    # one length of time written twice is one window
    rule = parse("Radiotherapy within 3 months (13 weeks) before screening")
    assert not is_review_only(rule)


def test_bmi_hba1c_and_electrolytes_are_labs():
    assert parse("BMI between 18.5 and 30 kg/m2", "inclusion") == {"all": [
        {"type": "lab", "analyte": "bmi", "op": ">=", "value": 18.5, "unit": "kg/m2"},
        {"type": "lab", "analyte": "bmi", "op": "<=", "value": 30, "unit": "kg/m2"}]}
    assert parse("HbA1c > 10%") == {"type": "lab", "analyte": "hba1c", "op": ">", "value": 10, "unit": "%"}
    assert parse("Serum sodium < 130 mmol/L") == {"type": "lab", "analyte": "sodium", "op": "<", "value": 130, "unit": "mmol/L"}
    assert parse("Potassium > 5.5 mmol/L") == {"type": "lab", "analyte": "potassium", "op": ">", "value": 5.5, "unit": "mmol/L"}
    assert parse("Albumin ≥ 3.0 g/dL", "inclusion") == {"type": "lab", "analyte": "albumin", "op": ">=", "value": 3, "unit": "g/dL"}


def test_the_patient_side_reads_the_same_facts():
    facts = {(f.label, f.concept) for f in extract("I had radiotherapy and a kidney transplant; BMI 31, HbA1c 7.2%")}
    assert {("PROCEDURE", "radiotherapy"), ("PROCEDURE", "kidney_transplant"), ("LAB", "bmi"), ("LAB", "hba1c")} <= facts


def _record(rule: dict) -> dict:
    return {"id": "local-check", "nct_id": None, "sources": ["test"], "title": "check", "conditions": [],
            "criteria": [{"id": "exc-1", "kind": "exclusion", "text": "radiotherapy within 4 weeks", "rule": rule}]}


def _status(text: str, rule: dict):
    from core.facts import Profile

    result = match(Profile(extract(text, today=TODAY)), [_record(rule)], today=TODAY)[0]
    return next(c for c in result.criteria if c.id == "exc-1").status


def test_a_window_on_radiotherapy_is_judged_and_unknown_when_not_said():
    rule = {"type": "procedure", "concept": "radiotherapy", "within_days": 28}
    recent = (TODAY - timedelta(days=10)).isoformat()
    assert _status(f"radiotherapy on {recent}", rule) == "fail"
    assert _status("radiotherapy in 2019", rule) == "pass"
    assert _status("35 year old woman with lupus", rule) == "unknown"
    assert _status("had radiotherapy", rule) == "unknown"     # when is not said: asked, never excluded


def test_a_list_number_left_at_the_start_is_not_read():
    assert parse("7\\. Eastern Cooperative Oncology Group (ECOG) ≤ 1", "inclusion") == {
        "type": "score", "score": "ecog", "op": "<=", "value": 1}
    assert parse("2 History of organ transplantation") == {"type": "procedure", "concept": "solid_organ_transplant"}
    assert parse("18 Years and older", "inclusion") == {"type": "age", "min": 18}


def test_unwillingness_and_standard_treatment_are_for_the_team():
    rule = parse("Women who are breastfeeding and are unwilling to stop breastfeeding")
    assert any(leaf.get("type") == "review" for leaf in iter_leaves(rule))
    assert is_review_only(parse("Malignant tumor that failed standard treatment or had no standard treatment", "inclusion"))


def test_a_condition_inside_the_line_is_never_dropped():
    for text, kind in (("Platelets ≥ 100 x10^9/L if no bone marrow involvement", "inclusion"),
                       ("Without type 2 diabetes, or with type 2 diabetes if HbA1c is 10% or lower", "inclusion")):
        assert is_review_only(parse(text, kind)), text
    # round 18 (h83): the unread condition is the team's beside the infection it is about (HIV
    # positive and not well controlled: an HIV-negative patient is not excluded), never dropped
    rule = parse("HIV infection: participants are excluded if not well-controlled", "exclusion")
    assert is_review_only(rule) or rule == {"all": [{"type": "infection", "agent": "hiv", "state": "positive"},
                                                    {"type": "review", "reason": "other"}]}, rule
    # a pregnancy rule never holds for a man: kept
    assert parse("Negative pregnancy test if female of childbearing potential", "inclusion") == {
        "not": {"type": "pregnancy", "states": ["pregnant"]}}
    # "when signing the consent" is no condition
    assert parse("Adults aged 18-75, inclusive when signing the informed consent.", "inclusion") != {
        "type": "review", "reason": "consent"}


def test_without_and_nothing_read_after_it_is_for_the_team():
    # "without BM involvement" limits the exclusion to some T-LBL: never all of them
    assert is_review_only(parse("T-LBL (T-lymphoblastic lymphoma) without BM involvement"))
    # support refused beside a blood count: the count can fail alone, never pass alone
    assert parse("ANC ≥ 1000/uL without growth factor support", "inclusion") == {"all": [
        {"type": "lab", "analyte": "anc", "op": ">=", "value": 1000, "unit": "/uL"}, {"type": "review", "reason": "clinical"}]}
