"""Round 25 (h119, issue #15): lines of therapy end to end. The criteria reader counts prior
treatment regimens as lines and drops a sentence that only defines a line; patient texts
(conversation, letters, en and zh) now set the score ``prior_lines``, so "at least 2 prior
lines of therapy" is judged from "she's had 3 lines of treatment" with the words as evidence,
and stays unknown (asked) when nothing is said or what is said is not a count of the past."""
from __future__ import annotations

from core.facts import Profile
from core.truth import FALSE, TRUE, UNKNOWN
from matching.evaluate import Evaluator
from nlp.criteria.parser import parse_criterion
from nlp.pipeline import extract


def _lines(op: str, n: int) -> dict:
    return {"type": "score", "score": "prior_lines", "op": op, "value": n}


def _counts(text: str) -> list[tuple[float, str]]:
    return [(f.value, f.comparator) for f in extract(text) if f.label == "SCORE" and f.concept == "prior_lines"]


def _judge(rule: dict, text: str):
    return Evaluator(Profile(extract(text))).rule(rule)


# --- the criteria reader -------------------------------------------------------------------

def test_prior_treatment_regimens_are_lines_of_treatment():
    assert parse_criterion("Subject must have received ≥ 1 prior treatment regimen.", "inclusion") == _lines(">=", 1)
    assert parse_criterion("Received no more than 3 prior regimens of therapy", "inclusion") == _lines("<=", 3)
    assert parse_criterion("At least 2 previous systemic regimens", "inclusion") == _lines(">=", 2)


def test_regimens_of_one_kind_stay_with_the_team():
    for text in ("No more than 1 prior chemotherapy regimen for advanced or metastatic disease",
                 "Patients who have received at least 1 but not more than 3 prior chemotherapy regimens in a "
                 "metastatic setting."):
        rule = parse_criterion(text, "inclusion")
        assert "prior_lines" not in str(rule), text


def test_a_sentence_defining_one_line_is_not_read_as_a_condition():
    # NCT05552976: the note's "hematopoietic stem cell transplant" is an example of a phase
    line = ("Participant has received at least one prior line of anti-myeloma therapy. Note: One line can contain "
            "several phases (e.g., induction, \\[with or without\\] hematopoietic stem cell transplant, (with or "
            "without) consolidation, and/or \\[with or without\\] maintenance therapy).")
    assert parse_criterion(line, "inclusion") == _lines(">=", 1)
    line = ("Participants must have received at least 2 previous systemic regimens. Induction, consolidation, stem "
            "cell collection, preparative regimen and transplantation ± maintenance are considered a single line of "
            "therapy.")
    assert parse_criterion(line, "inclusion") == _lines(">=", 2)
    # a sentence that requires something stays
    line = "Participants must have received at least 2 prior lines of therapy. One line must include rituximab."
    assert parse_criterion(line, "inclusion") != _lines(">=", 2)


# --- the patient's side ----------------------------------------------------------------------

def test_a_count_of_all_lines_is_exact_and_lines_of_one_kind_a_lower_bound():
    assert _counts("He has had two prior lines of treatment for his lymphoma.") == [(2.0, "==")]
    assert _counts("Second relapse after 2 lines.") == [(2.0, "==")]
    assert _counts("at least 3 lines of therapy so far") == [(3.0, ">=")]
    assert _counts("She's had 3 lines of chemo and relapsed again.") == [(3.0, ">=")]
    assert _counts("患者接受过3线治疗后复发") == [(3.0, ">=")]


def test_a_list_of_regimens_counts_at_least_its_items_unless_one_line_is_named():
    assert _counts("She had R-CHOP, then R-ICE, then CAR-T.") == [(3.0, ">=")]
    assert _counts("R-CHOP -> R-ICE -> CAR-T") == [(3.0, ">=")]
    assert _counts("R-CHOP then R-ICE then ASCT") == []           # salvage and transplant: one line
    assert _counts("R-CHOP followed by rituximab maintenance") == []
    assert _counts("He will get R-CHOP then R-ICE") == []         # planned


def test_no_count_from_the_future_doubt_a_negation_a_relative_or_other_lines():
    for text in ("If she needs 2 more lines we will see.", "He might need 2 lines of chemo.",
                 "Her mother had 3 lines of chemo.", "She has 2 IV lines.", "He had 6 cycles of R-CHOP.",
                 "She has not had 2 lines yet.", "The pregnancy test showed 2 lines.", "I can only type 3 lines."):
        assert _counts(text) == [], text


def test_the_count_is_judged_with_its_words_as_evidence():
    rule = parse_criterion("Patients must have received at least 2 prior lines of therapy", "inclusion")
    met = _judge(rule, "DLBCL, she's had 3 lines of treatment, ECOG 1")
    assert met.value == TRUE
    assert any("3 lines of treatment" in f.text for leaf in met.leaves for f in leaf.facts)
    assert _judge(rule, "DLBCL, 1 prior line of therapy").value == FALSE
    # lines of one kind are a lower bound: enough for "at least", open against "no more than"
    assert _judge(rule, "3 lines of chemo").value == TRUE
    at_most = parse_criterion("No more than 3 prior lines of therapy", "inclusion")
    assert _judge(at_most, "3 lines of chemo").value == UNKNOWN
    assert _judge(at_most, "R-CHOP then R-ICE then polatuzumab then CAR-T, 4 prior lines").value == FALSE


def test_unknown_is_asked_in_everyday_words_in_english_and_chinese():
    from matching.question_texts import load_question_texts

    rule = parse_criterion("Patients must have received at least 2 prior lines of therapy", "inclusion")
    open_ = _judge(rule, "DLBCL, relapsed, ECOG 1")
    assert open_.value == UNKNOWN and {leaf.ask for leaf in open_.leaves} == {"score:prior_lines"}
    entry = load_question_texts().entry("score", "score:prior_lines")
    assert "lines of treatment" in entry["patient"] and "线" in entry["zh_patient"]


def test_a_permission_bounding_the_count_of_lines_is_the_count_at_most():
    # NCT06140836 (NSCLC): the trial's own cancer named, nothing else on the line
    assert parse_criterion("Up to 1 prior line of systemic treatment for NSCLC is permitted",
                           "inclusion") == _lines("<=", 1)
    assert parse_criterion("Up to 2 prior lines of therapy are allowed.", "inclusion") == _lines("<=", 2)
    # a setting, lines of one kind, two cancers, or among the exclusions: not this form
    for text, kind in (("Up to 1 prior line of systemic treatment for metastatic NSCLC is permitted", "inclusion"),
                       ("Up to 1 prior line of chemotherapy is permitted", "inclusion"),
                       ("Up to 1 prior line of therapy for NSCLC or SCLC is permitted", "inclusion"),
                       ("Up to 1 prior line of systemic treatment for NSCLC is permitted", "exclusion")):
        assert "prior_lines" not in str(parse_criterion(text, kind)), text
