"""Round 24 (h113, issue #15): side effects of earlier anticancer therapy still present, end to
end: the rule language's toxicity leaf, the criteria reader, the judge, its question and the
answer's fact."""
from __future__ import annotations

from datetime import date

import pytest

from core.facts import Profile
from core.rules import RuleError, validate_rule
from matching.engine import match
from matching.questions import build_question
from nlp.criteria.parser import parse_criterion
from nlp.pipeline import extract

TODAY = date(2026, 12, 6)
LINE = "Persistent toxicities (CTCAE Grade ≥ 2) caused by previous anti-cancer therapy excluding alopecia"
PRESENCE = ("Presence of an acute or chronic toxicity resulting from prior anticancer treatment, with the "
            "exception of alopecia or nail changes, that has not resolved to Grade ≤ 1, as determined by NCI CTCAE v 5.0.")


# --- the rule language -------------------------------------------------------------------

def test_the_toxicity_leaf_takes_a_ctcae_grade_and_named_kinds_left_out():
    validate_rule({"type": "toxicity", "grade": 2, "except": ["alopecia", "nail_changes"]})
    validate_rule({"not": {"type": "toxicity", "grade": 1}})
    for bad in ({"type": "toxicity", "grade": 0}, {"type": "toxicity", "grade": 5}, {"type": "toxicity"},
                {"type": "toxicity", "grade": 2, "except": ["fatigue"]}, {"type": "toxicity", "grade": 2, "except": []},
                {"type": "toxicity", "grade": True}):
        with pytest.raises(RuleError):
            validate_rule(bad)


# --- the criteria reader -----------------------------------------------------------------

def test_a_line_that_is_a_lasting_side_effect_of_anticancer_therapy_is_the_leaf():
    assert parse_criterion(LINE, "exclusion") == {"type": "toxicity", "grade": 2, "except": ["alopecia"]}
    assert parse_criterion(PRESENCE, "exclusion") == {"type": "toxicity", "grade": 2,
                                                      "except": ["alopecia", "nail_changes"]}
    # "grade > 1" and "2 or higher" count from grade 2; no grade: any side effect left
    assert parse_criterion("Persistent toxicities (CTCAE Grade >1) caused by previous anticancer therapy.",
                           "exclusion") == {"type": "toxicity", "grade": 2}
    assert parse_criterion("Any unresolved Grade 2 or higher toxicity from previous anticancer therapy except "
                           "alopecia.", "exclusion") == {"type": "toxicity", "grade": 2, "except": ["alopecia"]}
    assert parse_criterion("Has unresolved toxicities from previous anticancer therapy.", "exclusion") == {
        "type": "toxicity", "grade": 1}
    assert parse_criterion("Ongoing toxicity associated with prior anticancer therapy", "exclusion") == {
        "type": "toxicity", "grade": 1}


def test_recovery_among_the_inclusions_is_no_side_effect_left():
    assert parse_criterion("Recovered from toxicity to prior anti-cancer therapy.", "inclusion") == {
        "not": {"type": "toxicity", "grade": 1}}
    assert parse_criterion("Participants who have adverse events (AEs) due to previous anticancer therapies must "
                           "have recovered to Grade ≤1 or baseline.", "inclusion") == {
        "not": {"type": "toxicity", "grade": 2}}


def _has_toxicity(rule: dict) -> bool:
    if "type" in rule:
        return rule["type"] == "toxicity"
    return any(_has_toxicity(part) for part in (rule.get("all") or rule.get("any") or [rule.get("not") or {}]))


def test_what_the_form_does_not_account_for_stays_with_the_team():
    for text, kind in (
            # a therapy narrower than any anticancer therapy
            ("Patients must have recovered from all toxicities related to prior systemic therapies to grade ≤1.", "inclusion"),
            ("Any unresolved toxicity CTCAE >Grade 2 from the prior chemoradiation therapy (excluding alopecia).", "exclusion"),
            ("Any residual chemotherapy-induced CTCv3.0 Grade 2 or greater non-hematological toxicity.", "exclusion"),
            # surgery beside the therapy; a consultation; an approval; a second sentence
            ("Non-resolution of all acute toxic effects of prior anti-cancer therapy or surgical procedures to NCI "
             "CTCAE v5.0 Grade 1 or better", "exclusion"),
            ("Has any unresolved toxicity ≥ Grade 2 from previous anticancer therapy without medical monitor approval.", "exclusion"),
            ("Persistent toxicities (CTCAE Grade ≥ 2) caused by previous anticancer therapy, excluding alopecia. "
             "Participants with irreversible toxicity that is not reasonably expected to be exacerbated by study "
             "intervention may be included (eg, hearing loss).", "exclusion"),
            # a grade that cannot be read whole; a kind left out with no name; "treatment-related alopecia"
            ("Presence of an acute or chronic toxicity resulting from prior anti cancer treatment, with the exception "
             "of alopecia or nail changes, that has not resolved to Grade Less than 1, as determined by NCI CTCAE v 5.0.", "exclusion"),
            ("Persistent toxicities caused by previous anticancer therapy, excluding alopecia and fatigue", "exclusion"),
            # the leaf's sense turned around: a toxicity among the inclusions, a recovery among the exclusions
            ("Persistent toxicities caused by previous anticancer therapy", "inclusion"),
            ("Recovered from toxicity to prior anti-cancer therapy.", "exclusion"),
            ("Grade ≥2 peripheral neuropathy.", "exclusion")):
        assert not _has_toxicity(parse_criterion(text, kind)), text


# --- judged end to end -------------------------------------------------------------------

def _record(text: str = LINE, kind: str = "exclusion") -> dict:
    return {"id": "local-toxicity", "nct_id": None, "sources": ["test"], "title": "check", "conditions": [],
            "criteria": [{"id": "c-1", "kind": kind, "text": text, "rule": parse_criterion(text, kind)}]}


def _criterion(facts, record=None):
    result = match(Profile(facts), [record or _record()], today=TODAY)[0]
    return result, next(c for c in result.criteria if c.id == "c-1")


def _answered(reply: str):
    base = extract("58 year old woman with breast cancer, had chemotherapy last year", today=TODAY)
    return base + build_question("toxicity").answer_to_facts(reply, TODAY)


def test_silence_is_asked_never_failed():
    result, criterion = _criterion(extract("58 year old woman with breast cancer, had chemotherapy last year",
                                           today=TODAY))
    assert criterion.status == "unknown"
    assert result.verdict != "ineligible"
    assert "toxicity" in {q.key for q in result.questions}


def test_a_side_effect_that_limits_daily_life_fails_with_the_criterion_text_and_the_evidence():
    result, criterion = _criterion(_answered("Ones that limit daily life"))
    assert criterion.status == "fail"
    shown = criterion.to_dict()
    assert shown["text"] == LINE
    assert any("limits daily life stated" in e["reason"] for e in shown["evidence"])
    assert any(q["text"] == "Ones that limit daily life" for e in shown["evidence"] for q in e["quotes"])


def test_none_left_or_only_mild_ones_pass_grade_two():
    for reply in ("None left", "no", "Mild ones"):
        assert _criterion(_answered(reply))[1].status == "pass", reply


def test_hair_loss_or_nail_changes_count_only_where_the_line_counts_them():
    # the line leaves out alopecia only: nail changes may still count at grade 2 (the team's, not asked again)
    result, criterion = _criterion(_answered("Only hair loss or nail changes"))
    assert criterion.status == "unknown" and result.verdict != "ineligible"
    assert "toxicity" not in {q.key for q in result.questions}
    # both left out: passes
    assert _criterion(_answered("Only hair loss or nail changes"), _record(PRESENCE))[1].status == "pass"
    # any side effect left counts: fails
    any_left = _record("Has unresolved toxicities from previous anticancer therapy.")
    assert _criterion(_answered("Only hair loss or nail changes"), any_left)[1].status == "fail"
    assert _criterion(_answered("Mild ones"), any_left)[1].status == "fail"


def test_the_inclusion_of_recovery_passes_on_none_left_and_fails_on_a_side_effect_left():
    record = _record("Recovered from toxicity to prior anti-cancer therapy.", "inclusion")
    assert _criterion(_answered("None left"), record)[1].status == "pass"
    assert _criterion(_answered("Mild ones"), record)[1].status == "fail"


def test_grade_three_is_not_decided_by_daily_life_words():
    record = {"id": "local-toxicity-3", "nct_id": None, "sources": ["test"], "title": "check", "conditions": [],
              "criteria": [{"id": "c-1", "kind": "exclusion", "text": "Unresolved grade >= 3 toxicity of prior anticancer therapy",
                            "rule": {"type": "toxicity", "grade": 3}}]}
    assert _criterion(_answered("Ones that limit daily life"), record)[1].status == "unknown"
    assert _criterion(_answered("Mild ones"), record)[1].status == "pass"


def test_the_toxicity_question_reads_in_both_languages_and_its_answers_are_facts():
    question = build_question("toxicity")
    assert question.form == "choice" and "{" not in question.patient and "side effects" in question.patient
    assert question.zh_patient and "副作用" in question.zh_patient and "{" not in question.zh_patient
    assert len(question.zh_options) == len(question.options)
    assert question.answer_to_facts("yes", TODAY) == []          # how bad is not said: asked again
    assert question.answer_to_facts("not sure", TODAY) is None
    fact, = question.answer_to_facts("Ones that limit daily life", TODAY)
    assert (fact.label, fact.value, fact.negated) == ("TOXICITY", 2.0, False)


def test_the_answer_is_shown_back_in_both_languages():
    from bot.render import Renderer

    renderer = Renderer()
    fact, = build_question("toxicity").answer_to_facts("None left", TODAY)
    assert str(renderer.fact(fact, None)) == "no side effects left from earlier cancer treatment"
    renderer.lang = "zh"
    assert "副作用" in str(renderer.fact(fact, None))


# --- the patient's side: what a text says ------------------------------------------------

def _toxicities(text: str) -> list[tuple]:
    return [(f.negated, f.value, f.comparator, f.status) for f in extract(text, today=TODAY) if f.label == "TOXICITY"]


def test_side_effects_left_or_none_left_are_read_from_a_text():
    assert _toxicities("She has grade 2 peripheral neuropathy from oxaliplatin.") == [(False, 2.0, ">=", None)]
    assert _toxicities("still has numbness from the chemo") == [(False, 1.0, ">=", None)]
    assert _toxicities("still has hair loss from the chemo") == [(False, None, None, "cosmetic")]
    assert _toxicities("no side effects left from the chemo") == [(True, None, None, None)]
    assert _toxicities("The side effects from chemo have all gone away.") == [(True, None, None, None)]
    assert _toxicities("化疗的副作用都没有了") == [(True, None, None, None)]


def test_a_side_effect_of_the_past_of_no_cancer_treatment_or_of_another_person_is_no_fact():
    for text in ("the numbness from the chemo went away",            # one side effect gone: says nothing of the rest
                 "had grade 3 neuropathy from vincristine which resolved",
                 "grade 2 neuropathy from vincristine, now resolved",
                 "my mother had grade 2 neuropathy from chemo",
                 "grade 2 neuropathy from diabetes",
                 "no side effects from the methotrexate",
                 "persistent cough after the flu"):
        assert _toxicities(text) == [], text


def test_a_text_decides_the_leaf_only_as_far_as_it_goes():
    facts = extract("58 year old woman with breast cancer, grade 2 neuropathy from oxaliplatin", today=TODAY)
    assert _criterion(facts)[1].status == "fail"
    # one side effect below the grade: another may be worse, asked
    result, criterion = _criterion(extract("58 year old woman with breast cancer, still has numbness from the chemo",
                                           today=TODAY))
    assert criterion.status == "unknown" and "toxicity" in {q.key for q in result.questions}
    assert _criterion(extract("58 year old woman with breast cancer, no side effects left from the chemo",
                              today=TODAY))[1].status == "pass"


def test_a_drug_named_as_the_cause_of_no_side_effects_is_taken_not_negated():
    for text, drug in (("No side effects left from the chemo.", "chemotherapy"),
                       ("I have lupus, no side effects from rituximab", "rituximab")):
        found = [f for f in extract(text, today=TODAY) if f.label == "DRUG"]
        assert [(f.concept, f.negated) for f in found] == [(drug, False)], text
