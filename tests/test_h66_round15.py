"""Round 15 (h66, issue #13): what patients and relatives write in a chat.

Contraception in everyday words, a lab quality shared across "C3 and C4", "hydroxy" read by
the diagnosis, a remission denied, a treatment's own "since march", a question mark before a
bracket, a treatment whose failure an "if" makes the condition, and the relative whose
treatment the message tells. Each wording is new text of its class, not a gold row.
"""
from __future__ import annotations

import json

import pytest

from nlp import extract
from nlp.criteria.parser import parse_criterion
from nlp.pipeline import speaker_of


def facts(text, concept=None, label=None):
    return [f for f in extract(text) if (concept is None or f.concept == concept) and (label is None or f.label == label)]


def one(text, concept):
    found = facts(text, concept)
    assert len(found) == 1, (text, concept, found)
    return found[0]


# --- contraception ------------------------------------------------------------------------

@pytest.mark.parametrize("text, span", [
    ("im 29, lupus, and on the pill", "pill"),
    ("my daughter came off the pill last year when she started cellcept", "pill"),
    ("she has had the coil fitted since 2021", "coil"),
    ("RA, on methotrexate. I have the implant in my arm", "implant"),
    ("Depo injections every 3 months", "Depo"),
    ("she is on the depo", "depo"),
    ("we use condoms", "condoms"),
    ("Contraception: Mirena IUS", "Mirena"),
])
def test_a_method_of_contraception_in_everyday_words(text, span):
    found = facts(text, "contraception")
    assert [f.text for f in found if f.text == span], (text, found)


@pytest.mark.parametrize("text", [
    "I take a pill for my blood pressure",
    "she had a coil put in the aneurysm in her brain",
    "she has a breast implant",
    "Depo-Medrol injection into the knee",
    "a cochlear implant since childhood",
])
def test_the_everyday_words_alone_are_no_contraception(text):
    assert facts(text, "contraception") == []


def test_no_contraception_is_absent_and_sterilisation_is_a_procedure():
    assert one("not on any contraception right now", "contraception").negated
    tied = one("i had my tubes tied after my second baby", "tubal_ligation")
    assert tied.label == "PROCEDURE" and tied.historical


def test_a_partners_vasectomy_is_read():
    assert one("my husband had a vasectomy so we dont use anything", "vasectomy").label == "PROCEDURE"


@pytest.mark.parametrize("text, kind", [
    ("Women of childbearing potential must agree to use effective contraception during the study and for 6 months after.",
     "inclusion"),
    ("Pregnant or lactating women, or women of childbearing potential not using highly effective contraception",
     "exclusion"),
    ("Male participants must use condoms or have had a vasectomy", "inclusion"),
])
def test_contraception_is_never_a_leaf_of_a_criterion(text, kind):
    # the team judges an agreement to contraception: no therapy leaf for it, so a patient's
    # "not on any contraception" can never fail (or meet) such a criterion
    rule = json.dumps(parse_criterion(text, kind))
    for concept in ("contraception", "tubal_ligation", "vasectomy"):
        assert f'"concept": "{concept}"' not in rule, rule


# --- complement ---------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["SLE, low C3 and C4", "low C3/C4 again", "C3 and C4 both low"])
def test_a_quality_said_once_of_two_labs_is_each_ones(text):
    assert one(text, "complement_c3").status == "low"
    assert one(text, "complement_c4").status == "low"


def test_complement_in_lower_case_with_a_value():
    c3 = one("my c3 is 0.7 and c4 0.08", "complement_c3")
    c4 = one("my c3 is 0.7 and c4 0.08", "complement_c4")
    assert (c3.value, c4.value) == (0.7, 0.08)


def test_each_lab_keeps_its_own_quality():
    assert one("Hb low and C4 normal", "complement_c4").status == "normal"
    assert one("Hb low and C4 normal", "hemoglobin").status == "low"


# --- "hydroxy" -----------------------------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("lupus for 6 years, on hydroxy and pred", "hydroxychloroquine"),
    ("my rheumy put me on hydroxy", "hydroxychloroquine"),
    ("sickle cell, on hydroxy since age 5", "hydroxyurea"),
    ("polycythaemia vera, takes hydroxy", "hydroxyurea"),
])
def test_hydroxy_by_the_diagnosis(text, concept):
    found = [f for f in extract(text) if f.text.lower() == "hydroxy"]
    assert [f.concept for f in found] == [concept]


@pytest.mark.parametrize("text", ["on hydroxy for years", "lupus and sickle cell disease, on hydroxy"])
def test_hydroxy_without_a_deciding_diagnosis_is_unread(text):
    assert not [f for f in extract(text) if f.text.lower() == "hydroxy"]


# --- remission, since, questions ----------------------------------------------------------------

def test_a_denied_remission_keeps_the_cancer_current():
    text = "AML, not in CR after 7+3"
    assert not one(text, "aml").historical
    assert one(text, "chemotherapy").status == "failed"
    assert one(text, "in_remission").negated
    # a remission named with the treatment that gave it is the cancer's present state (h170,
    # round 36: "in remission after induction"); a remission told without one leaves it past
    assert not one("AML in CR after 7+3", "aml").historical
    assert one("AML in CR after 7+3", "in_remission") is not None


def test_cr_is_no_creatinine():
    assert facts("rise in Cr to 2.1", "in_remission") == []


def test_a_treatments_own_since_outlasts_a_word_of_order():
    anakinra = one("on anakinra since march, before canakinumab which didnt work", "anakinra")
    assert not anakinra.historical and anakinra.status == "current"
    assert one("on MMF since 2020, stopped last month", "mycophenolate").historical


def test_a_question_mark_does_not_reach_into_the_bracket_after_it():
    sle = one("I have the coil, is that ok for the study? (SLE, mmf 2g)", "sle")
    assert not sle.uncertain
    assert one("could it be lupus? (ANA positive)", "sle").uncertain


def test_a_past_cue_after_a_treatment_clause_leaves_the_condition():
    assert not one("CML in chronic phase, hydroxy before imatinib.", "cml").historical
    assert not one("on methotrexate for my RA, 47, also sulfasalazine in the past", "rheumatoid_arthritis").historical
    assert one("on methotrexate for my RA, 47, also sulfasalazine in the past", "sulfasalazine").historical


# --- a failure made the condition ---------------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("would azathioprine be next if cellcept doesnt work?", "mycophenolate"),
    ("they will add rituximab if the steroids dont help", "glucocorticoid"),
    ("If no response to eltrombopag, we would proceed to romiplostim.", "eltrombopag"),
    ("considering obinutuzumab if she fails MMF.", "mycophenolate"),
])
def test_the_treatment_whose_failure_is_the_condition_is_given_now(text, concept):
    fact = one(text, concept)
    assert not fact.hypothetical and not fact.historical and fact.status != "failed"


@pytest.mark.parametrize("text, concept", [
    ("If no response to eltrombopag, we would proceed to romiplostim.", "romiplostim"),
    ("she might need plasma exchange if the IVIG doesnt help", "plasma_exchange"),
    ("tacrolimus now. if it fails we would consider rituximab", "rituximab"),
])
def test_the_plan_stays_hypothetical_and_not_failed(text, concept):
    fact = one(text, concept)
    assert fact.hypothetical and fact.status != "failed"


def test_a_failure_in_the_past_tense_stays_a_failure():
    assert one("Could belimumab work if methotrexate didn't work?", "methotrexate").status == "failed"


def test_what_if_is_no_treatment_given():
    assert one("what happens if CAR-T doesnt work", "car_t").hypothetical


# --- relatives -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, relation", [
    ("my father has myositis, tried IVIG, now on rituximab", "father"),
    ("my sister has lymphoma that came back after R-CHOP", "sister"),
])
def test_the_relative_whose_treatment_the_message_tells(text, relation):
    assert speaker_of(text).relation == relation


@pytest.mark.parametrize("text", ["my mum has RA too, now on MMF", "I have lupus. my mum has RA, tried MTX"])
def test_the_writers_own_illness_keeps_the_message_theirs(text):
    assert speaker_of(text).speaker == "patient"


def test_a_dropped_status_takes_its_mention_with_it():
    # "refractory" beside ITP is no status (the autoimmune voice): the treatment after it
    # keeps its own cues ("current"), failed by the platelets yet taken now
    romiplostim = one("ITP, refractory. Rituximab 2023, romiplostim current - plt still <20.", "romiplostim")
    assert romiplostim.status == "failed" and romiplostim.ongoing


def test_another_heading_ends_a_line_of_earlier_treatments():
    text = "Past treatments: IVIG, eltrombopag. Current: fostamatinib."
    assert one(text, "eltrombopag").historical
    assert not one(text, "fostamatinib").historical
