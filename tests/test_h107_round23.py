"""Round 23 (h107, issue #15): the stage of the trial's cancer, end to end: the patient's
stage facts, the criteria reader's stage leaf, its judge and its question."""
from __future__ import annotations

from datetime import date

import pytest

from core.facts import Profile
from core.rules import RuleError, validate_rule
from matching.engine import match
from matching.questions import build_question
from nlp.criteria.parser import parse_criterion, stage_groups
from nlp.pipeline import extract

TODAY = date(2026, 12, 5)
LINE = "Must have Ann Arbor Stage III-IV disease."


def _stages(text: str) -> list[tuple]:
    return [(f.concept, f.historical, f.negated, f.uncertain) for f in extract(text, today=TODAY) if f.label == "STAGE"]


# --- the rule language -------------------------------------------------------------------

def test_the_stage_leaf_takes_stage_groups_and_lettered_stages_only():
    validate_rule({"type": "stage", "stages": ["III", "IVB", "0"]})
    for bad in (["3"], ["stage IV"], ["V"], []):
        with pytest.raises(RuleError):
            validate_rule({"type": "stage", "stages": bad})


# --- the patient's side ------------------------------------------------------------------

def test_a_stage_said_beside_a_cancer_is_a_stage_fact():
    assert _stages("I have stage 4 lymphoma") == [("IV", False, False, False)]
    assert _stages("DLBCL, stage IIIB, diagnosed last year.") == [("IIIB", False, False, False)]
    assert _stages("Ann Arbor IIIB Hodgkin lymphoma") == [("IIIB", False, False, False)]
    assert _stages("stage iv nsclc") == [("IV", False, False, False)]
    assert _stages("肺癌IV期") == [("IV", False, False, False)]


def test_time_negation_and_doubt_are_kept():
    assert _stages("breast cancer, initially stage II at diagnosis, now stage IV") == [
        ("II", True, False, False), ("IV", False, False, False)]
    assert _stages("Lung cancer, stage I when it was detected, now stage IV") == [
        ("I", True, False, False), ("IV", False, False, False)]
    assert _stages("I was told my lymphoma is stage 3") == [("III", False, False, False)]   # "was told": no past stage
    assert _stages("my lymphoma is not stage 4") == [("IV", False, True, False)]
    # the stage of a cancer of the past is of the past: never the stage of the cancer now
    assert _stages("history of stage I breast cancer 10 years ago, now has lymphoma") == [("I", True, False, False)]
    assert _stages("maybe stage 3 breast cancer") == [("III", False, False, True)]


def test_a_stage_of_no_cancer_or_two_stages_at_once_is_no_fact():
    for text in ("stage 3 chronic kidney disease", "CKD stage 4, also has lymphoma", "it's stage 3 or 4 lung cancer",
                 "what stage I am in with my lymphoma", "end-stage renal disease", "stage 4",
                 "her mother had stage 4 ovarian cancer"):
        assert _stages(text) == [], text


# --- the criteria reader -----------------------------------------------------------------

def test_stage_lists_read_as_the_leaf_writes_them():
    assert stage_groups("ii-iv") == ["II", "III", "IV"]
    assert stage_groups("iiib-iiic or stage iv") == ["IIIB", "IIIC", "IV"]
    assert stage_groups("3 or 4") == ["III", "IV"]
    assert stage_groups("iiib-iv") == ["IIIB", "IIIC", "IV"]
    assert stage_groups("iv-ii") == []


def test_a_line_that_is_the_stage_of_the_cancer_is_a_stage_leaf():
    assert parse_criterion(LINE, "inclusion") == {"type": "stage", "stages": ["III", "IV"]}
    assert parse_criterion("Stage IV disease", "inclusion") == {"type": "stage", "stages": ["IV"]}
    assert parse_criterion("Diagnosed with Stage IV breast cancer", "exclusion") == {
        "all": [{"type": "diagnosis", "concept": "breast_cancer"}, {"type": "stage", "stages": ["IV"]}]}
    assert parse_criterion("Patients with Stage I or IV breast cancer are not eligible.", "exclusion") == {
        "all": [{"type": "diagnosis", "concept": "breast_cancer"}, {"type": "stage", "stages": ["I", "IV"]}]}
    # the trial's own disease, said with "the": no diagnosis leaf of its own; "5a." is a list marker
    assert parse_criterion("5a. The lymphoma should be either in Stage III or IV according to Lugano classification "
                           "at screening.", "inclusion") == {"type": "stage", "stages": ["III", "IV"]}


def test_what_the_form_does_not_account_for_stays_with_the_team():
    for text in ("Stage I PTSD symptoms",                                  # no cancer
                 "Stage 3 chronic kidney disease",
                 "Have been diagnosed with stage IV non-squamous NSCLC",    # a histology narrower than NSCLC
                 "Locally advanced, unresectable Stage III NSCLC",          # resectability
                 "Stage II, IIIA, or select IIIB (T3N2 only) NSCLC",        # a T/N category
                 "Pathologic Stage II-IIIB (N2) NSCLC treated with initial upfront resection.",
                 "FIGO Stage IV patients:"):
        rule = parse_criterion(text, "inclusion")
        assert rule.get("type") != "stage" and not any(
            part.get("type") == "stage" for part in rule.get("all", [])) or any(
            part.get("type") == "review" for part in rule.get("all", [])), text


# --- judged end to end -------------------------------------------------------------------

def _record() -> dict:
    return {"id": "local-stage", "nct_id": None, "sources": ["test"], "title": "check", "conditions": [],
            "criteria": [{"id": "inc-1", "kind": "inclusion", "text": LINE, "rule": parse_criterion(LINE, "inclusion")}]}


def _criterion(facts):
    result = match(Profile(facts), [_record()], today=TODAY)[0]
    return result, next(c for c in result.criteria if c.id == "inc-1")


def test_a_stated_stage_within_the_listed_ones_passes_with_the_criterion_text_and_the_evidence():
    _, criterion = _criterion(extract("62 year old man with Hodgkin lymphoma, Ann Arbor IIIB", today=TODAY))
    assert criterion.status == "pass"
    shown = criterion.to_dict()
    assert shown["text"] == LINE
    assert any("stage IIIB stated" in e["reason"] for e in shown["evidence"])
    assert any(q["text"] == "Ann Arbor IIIB" for e in shown["evidence"] for q in e["quotes"])


def test_a_stated_stage_outside_fails_and_silence_or_the_past_is_asked():
    result, criterion = _criterion(extract("62 year old man with stage 2 Hodgkin lymphoma", today=TODAY))
    assert criterion.status == "fail"
    assert any("stage II stated, not stage III or IV" in e["reason"] for e in criterion.to_dict()["evidence"])
    for text in ("62 year old man with Hodgkin lymphoma",                          # not said
                 "62 year old man with Hodgkin lymphoma, stage II at diagnosis",   # of the past
                 "62 year old man with Hodgkin lymphoma, maybe stage 2"):          # with doubt
        result, criterion = _criterion(extract(text, today=TODAY))
        assert criterion.status == "unknown", text
        assert result.verdict != "ineligible", text
        assert "stage" in {q.key for q in result.questions}, text


def test_a_lettered_stage_needs_its_letter_and_a_stage_ruled_out_passes_an_exclusion():
    record = {"id": "local-stage-2", "nct_id": None, "sources": ["test"], "title": "check", "conditions": [],
              "criteria": [{"id": "inc-1", "kind": "inclusion", "text": "Stage IIIB-IIIC",
                            "rule": {"type": "stage", "stages": ["IIIB", "IIIC"]}},
                           {"id": "exc-1", "kind": "exclusion", "text": "Stage IV disease",
                            "rule": {"type": "stage", "stages": ["IV"]}}]}
    result = match(Profile(extract("breast cancer, stage III", today=TODAY)), [record], today=TODAY)[0]
    assert next(c for c in result.criteria if c.id == "inc-1").status == "unknown"
    assert next(c for c in result.criteria if c.id == "exc-1").status == "pass"
    result = match(Profile(extract("my breast cancer is not stage 4", today=TODAY)), [record], today=TODAY)[0]
    assert next(c for c in result.criteria if c.id == "exc-1").status == "pass"


def test_the_stage_question_reads_in_both_languages_and_its_answer_is_a_fact():
    question = build_question("stage")
    assert question.form == "choice"
    assert "stage" in question.patient and "{" not in question.patient
    assert question.zh_patient and "期" in question.zh_patient and "{" not in question.zh_patient
    for reply, stage in (("Stage 3", "III"), ("IIIB", "IIIB"), ("4", "IV"), ("stage iv", "IV"), ("4期", "IV"),
                         ("i think it's 3", "III")):
        assert [(f.label, f.concept) for f in question.answer_to_facts(reply, TODAY)] == [("STAGE", stage)], reply
    assert question.answer_to_facts("3 or 4", TODAY) == []
    assert question.answer_to_facts("not sure", TODAY) is None
    facts = extract("62 year old man with Hodgkin lymphoma", today=TODAY) + question.answer_to_facts("Stage 4", TODAY)
    assert _criterion(facts)[1].status == "pass"


def test_a_stage_is_shown_back_in_both_languages():
    from bot.render import Renderer

    renderer = Renderer()
    facts = [f for f in extract("breast cancer, initially stage II at diagnosis, now stage IV", today=TODAY)
             if f.label == "STAGE"]
    assert [str(renderer.fact(f, None)) for f in facts] == ["stage II (earlier)", "stage IV"]
    renderer.lang = "zh"
    assert str(renderer.fact(facts[1], None)) == "IV期"
