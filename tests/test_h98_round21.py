"""Round 21 (h98, issue #15): allergy and hypersensitivity criteria, end to end: the patient's
allergy facts, the criteria reader's allergy leaf, its judge and its question."""
from __future__ import annotations

from datetime import date

from core.facts import ANY_DRUG, Profile
from core.rules import iter_leaves, validate_rule
from matching.engine import match
from matching.questions import build_question
from nlp.criteria.parser import parse_criterion
from nlp.pipeline import extract

TODAY = date(2026, 12, 5)
LINE = "Known hypersensitivity to cyclophosphamide, fludarabine or tocilizumab, or to any of their excipients"


def _allergies(text: str) -> set[tuple]:
    return {(f.concept, f.negated, f.uncertain, f.family, f.status) for f in extract(text, today=TODAY)
            if f.label == "ALLERGY"}


# --- the patient's side ------------------------------------------------------------------

def test_no_known_drug_allergies_is_absent_for_every_drug():
    for text in ("Allergies: NKDA", "No known drug allergies.", "She has no allergies", "he's not allergic to anything",
                 "Allergies: nil", "NKA", "否认药物过敏史"):
        assert _allergies(text) == {(ANY_DRUG, True, False, False, None)}, text


def test_an_allergy_to_a_named_drug_is_present_for_that_drug_with_its_reaction():
    assert _allergies("She is allergic to penicillin and sulfa.") == {
        ("penicillin", False, False, False, None), ("sulfonamide_antibiotic", False, False, False, None)}
    assert _allergies("She had anaphylaxis to rituximab in 2021.") == {("rituximab", False, False, False, "anaphylaxis")}
    assert _allergies("Allergies: penicillin (rash), cotrimoxazole") == {
        ("penicillin", False, False, False, "rash"), ("co_trimoxazole", False, False, False, None)}
    assert _allergies("rituximab caused an allergic reaction") == {("rituximab", False, False, False, None)}
    assert _allergies("fludarabine allergy") == {("fludarabine", False, False, False, None)}


def test_negation_doubt_and_family_are_kept_and_a_side_effect_is_no_allergy():
    assert _allergies("She is not allergic to fludarabine.") == {("fludarabine", True, False, False, None)}
    assert _allergies("I think I might be allergic to tocilizumab") == {("tocilizumab", False, True, False, None)}
    assert _allergies("Her mother is allergic to penicillin") == {("penicillin", False, False, True, None)}
    assert _allergies("azathioprine made me sick") == set()
    # a drug taken now beside the allergy words is no allergy
    assert _allergies("Allergic to penicillin. On prednisolone 10mg.") == {("penicillin", False, False, False, None)}


# --- the criteria reader -----------------------------------------------------------------

def test_a_line_that_is_an_allergy_to_named_drugs_is_an_allergy_leaf():
    rule = parse_criterion(LINE, "exclusion")
    assert rule == {"any": [{"type": "allergy", "substance": c} for c in ("cyclophosphamide", "fludarabine", "tocilizumab")]}
    validate_rule(rule)
    assert parse_criterion("Allergy to gabapentin.", "exclusion") == {"type": "allergy", "substance": "gabapentin"}
    assert parse_criterion("Have a history of allergy or hypersensitivity to ifetroban;", "exclusion") == {
        "type": "allergy", "substance": "ifetroban"}
    # "intolerance" among the words: the drug not tolerated too
    assert parse_criterion("Known allergies, hypersensitivity, or intolerance to imetelstat or its excipients", "exclusion") == {
        "any": [{"type": "allergy", "substance": "imetelstat"},
                {"type": "therapy", "concept": "imetelstat", "response": "intolerant"}]}
    # "no known allergy" among the inclusions: not the allergy
    assert parse_criterion("No known allergy to fludarabine", "inclusion") == {
        "not": {"type": "allergy", "substance": "fludarabine"}}


def test_what_the_form_does_not_account_for_stays_with_the_team():
    severe = parse_criterion("History of severe allergic reaction to cyclophosphamide or fludarabine", "exclusion")
    assert severe["all"][0] == {"any": [{"type": "allergy", "substance": "cyclophosphamide"},
                                        {"type": "allergy", "substance": "fludarabine"}]}
    assert severe["all"][1]["type"] == "review"
    for text in ("History of severe allergic reaction to any component of the study drug",   # the study drug: not named
                 "Known hypersensitivity to the study drug",
                 "Patients with known hypersensitivity to rituximab or murine proteins",      # murine proteins: no concept
                 "Known Grade 3 or 4 hypersensitivity to macrolide antibiotics",
                 "History of hypersensitivity to osimertinib or drugs with a similar chemical structure or class"):
        rule = parse_criterion(text, "exclusion")
        assert not any(leaf["type"] == "allergy" for leaf in iter_leaves(rule)) or any(
            leaf["type"] == "review" for leaf in iter_leaves(rule)), text
    # an allergy required among the inclusions (misfiled) is never a full allergy rule
    assert not any(leaf["type"] == "allergy" for leaf in iter_leaves(parse_criterion("Known allergy to fludarabine", "inclusion")))


# --- judged end to end -------------------------------------------------------------------

def _record() -> dict:
    return {"id": "local-allergy", "nct_id": None, "sources": ["test"], "title": "check", "conditions": [],
            "criteria": [{"id": "exc-1", "kind": "exclusion", "text": LINE, "rule": parse_criterion(LINE, "exclusion")}]}


def _criterion(text: str):
    result = match(Profile(extract(text, today=TODAY)), [_record()], today=TODAY)[0]
    return result, next(c for c in result.criteria if c.id == "exc-1")


def test_a_patient_with_no_known_drug_allergies_passes():
    _, criterion = _criterion("58 year old woman with lupus. Allergies: NKDA.")
    assert criterion.status == "pass"
    shown = criterion.to_dict()
    assert shown["text"] == LINE
    assert any("no drug allergies" in e["reason"] for e in shown["evidence"])
    assert any(q["text"] == "NKDA" for e in shown["evidence"] for q in e["quotes"])


def test_a_patient_allergic_to_fludarabine_fails_with_the_criterion_text_and_the_evidence():
    result, criterion = _criterion("58 year old woman with lupus, she had anaphylaxis to fludarabine")
    assert criterion.status == "fail"
    assert result.verdict == "ineligible"
    shown = criterion.to_dict()
    assert shown["text"] == LINE
    assert any("allergy to fludarabine (anaphylaxis) stated" in e["reason"] for e in shown["evidence"])
    assert any(q["text"] == "fludarabine" for e in shown["evidence"] for q in e["quotes"])


def test_an_allergy_not_mentioned_is_asked_never_excluded():
    result, criterion = _criterion("58 year old woman with lupus")
    assert criterion.status == "unknown"
    assert result.verdict != "ineligible"
    asked = {q.key for q in result.questions}
    assert {"allergy:cyclophosphamide", "allergy:fludarabine", "allergy:tocilizumab"} & asked
    # an allergy to another drug, or an intolerance, decides nothing here
    _, other = _criterion("58 year old woman with lupus, allergic to penicillin; azathioprine made her sick")
    assert other.status == "unknown"
    # an allergy said with doubt is asked, not a failure
    _, doubt = _criterion("58 year old woman with lupus, I might be allergic to tocilizumab")
    assert doubt.status == "unknown"


def test_the_allergy_question_reads_in_both_languages_and_its_answer_is_a_fact():
    question = build_question("allergy:fludarabine")
    assert question.patient == "Have you ever had an allergic reaction to fludarabine?"
    assert question.clinician == "Known allergy or hypersensitivity to fludarabine?"
    assert question.zh_patient and "过敏" in question.zh_patient and "{" not in question.zh_patient
    no = question.answer_to_facts("no", TODAY)
    assert [(f.label, f.concept, f.negated) for f in no] == [("ALLERGY", "fludarabine", True)]
    yes = question.answer_to_facts("yes", TODAY)
    assert [(f.label, f.concept, f.negated) for f in yes] == [("ALLERGY", "fludarabine", False)]
    # answered "no" for each drug: the criterion passes
    facts = extract("58 year old woman with lupus", today=TODAY)
    for concept in ("cyclophosphamide", "fludarabine", "tocilizumab"):
        facts += build_question(f"allergy:{concept}").answer_to_facts("no", TODAY)
    result = match(Profile(facts), [_record()], today=TODAY)[0]
    assert next(c for c in result.criteria if c.id == "exc-1").status == "pass"


def test_a_pregnancy_plan_said_with_a_noun_is_planning():
    # found by the round's sample (s21-0093): the plan was read as a pregnancy and a review
    assert parse_criterion("Pregnancy or breastfeeding, or intention of becoming pregnant during study treatment",
                           "exclusion") == {"type": "pregnancy", "states": ["pregnant", "lactating", "planning"]}
    assert parse_criterion("Pregnancy, breastfeeding, or plans of becoming pregnant", "exclusion") == {
        "type": "pregnancy", "states": ["pregnant", "lactating", "planning"]}
    # after "with" the connector would join it to the pregnancy as "all": never a full rule there
    rule = parse_criterion("Pregnant or lactating women, or women with the intention of becoming pregnant", "exclusion")
    assert any(leaf["type"] == "review" for leaf in iter_leaves(rule))


def test_the_no_allergy_phrases_are_shown_back_in_both_languages():
    from bot.render import Renderer

    renderer = Renderer()
    none = [f for f in extract("Allergies: NKDA", today=TODAY) if f.label == "ALLERGY"][0]
    not_flu = [f for f in extract("She is not allergic to fludarabine.", today=TODAY) if f.label == "ALLERGY"][0]
    assert str(renderer.fact(none, None)) == "no known drug allergies"
    assert str(renderer.fact(not_flu, None)) == "no allergy to fludarabine"
    renderer.lang = "zh"
    assert str(renderer.fact(none, None)) == "无已知药物过敏"
    # an allergy stated is shown as the allergy, once (the DRUG fact of the same words is
    # not shown as a treatment tried and not tolerated; lead, round 24)
    renderer.lang = "en"
    facts = extract("allergic to penicillin", today=TODAY)
    stated = [f for f in facts if f.label == "ALLERGY"][0]
    assert str(renderer.fact(stated, None)) == "allergic to penicillin"
    assert [str(p) for p in renderer.facts(facts, None)] == ["allergic to penicillin"]


def test_chinese_allergies_and_a_no_allergy_phrase_about_one_drug():
    assert _allergies("她对青霉素过敏") == {("penicillin", False, False, False, None)}
    assert _allergies("我对环磷酰胺和青霉素过敏") == {("cyclophosphamide", False, False, False, None),
                                                ("penicillin", False, False, False, None)}
    # "not allergic to penicillin" right after the drug is no statement about every drug
    assert (ANY_DRUG, True, False, False, None) not in _allergies("对青霉素没有过敏")
    assert (ANY_DRUG, True, False, False, None) not in _allergies("penicillin - no allergy")
    assert _allergies("She is on rituximab, no allergies") == {(ANY_DRUG, True, False, False, None)}
