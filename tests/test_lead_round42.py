"""Round 42 (lead): what people wrote that the bot misread, written as they wrote it.

A daughter asking "are there any trials near leeds?" for her mother with rheumatoid arthritis
got no place noted (a town in small letters after "trials near"); her mother's trial said
"Fits: Rheumatoid arthritis; A trial for: Crohn Disease; Ulcerative Colitis; Dermatomyositis
(the registry's conditions); also ..." (the diagnosis twice, once without what she said). A
wife's "right now hes on skyrizi but i dont think its working" noted risankizumab as taken,
nothing of its failure. A real record's "histological sub-types of follicular lymphoma,
marginal zone lymphoma, mantle cell lymphoma, diffuse large B cell lymphoma ..." was read as
a patient needing all four lymphomas at once.
"""
from __future__ import annotations

from datetime import date

import pytest

from nlp import extract
from nlp.criteria.parser import build_rule

from bundled_engine import bundled_engine, talk

TODAY = date(2026, 12, 7)


def _places(text):
    return [f.concept for f in extract(text, today=TODAY) if f.label == "LOCATION"]


# -- a town a trial is asked for, in small letters ---------------------------------------------

@pytest.mark.parametrize("text, town", [
    ("are there any trials near leeds?", "Leeds"),
    ("any trials in leeds?", "Leeds"),
    ("is there anything near leeds", "Leeds"),
    ("any studies close to birmingham", "Birmingham"),
    ("trials around manchester please", "Manchester"),
    ("trials in milton keynes?", "Milton Keynes"),
])
def test_a_town_a_trial_is_asked_for_is_the_place(text, town):
    assert _places(text) == [town]


@pytest.mark.parametrize("text", [
    "any trials in children?", "anything near you?", "any trials near me", "anything in mind?",
    "any trials in lupus?", "any trials in remission?",
])
def test_words_after_trials_in_that_are_no_town(text):
    assert _places(text) == []


def test_a_place_lived_in_wins_over_a_town_asked_for():
    assert _places("we live in york. any trials near leeds?") == ["york"]


def test_a_country_asked_for_is_still_the_country():
    assert _places("any trials in the uk?") == ["uk"]


# -- a diagnosis said once on a candidate's line ------------------------------------------------

def test_the_trials_conditions_give_way_to_the_criterion_on_the_same_diagnosis(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    talk(engine, "a", "Patient or family")
    reply = "\n".join(talk(engine, "a", "my mum is 68 and has rheumatoid arthritis, methotrexate made her sick. "
                                        "show me the trials"))
    if "Fits:" not in reply:
        reply = "\n".join(talk(engine, "a", "Show results"))
    fits = next(line for line in reply.splitlines() if "Fits:" in line and "Rheumatoid" in line)
    assert "A trial for:" not in fits
    assert "Rheumatoid arthritis (you told me: rheumatoid arthritis" in fits


def test_the_trials_conditions_stay_when_nothing_else_says_the_diagnosis(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    talk(engine, "a", "Patient or family")
    reply = "\n".join(talk(engine, "a", "my husband is 52, crohns for 20 years, infliximab and humira failed"))
    if "Fits:" not in reply:
        reply = "\n".join(talk(engine, "a", "Show results"))
    assert any("Fits:" in line and "A trial for:" in line for line in reply.splitlines())


# -- "i dont think its working": no response seen ----------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("right now hes on skyrizi but i dont think its working", "risankizumab"),
    ("on benlysta, I don't think it's really helping", "belimumab"),
    ("skyrizi doesnt seem to be working", "risankizumab"),
    ("the IVIG didn't seem to help", "ivig"),
])
def test_a_response_not_seen_is_a_failure(text, concept):
    fact = next(f for f in extract(text, today=TODAY) if f.concept == concept)
    assert fact.status == "failed" and not fact.negated


def test_a_treatment_taken_and_not_seen_working_is_still_taken():
    fact = next(f for f in extract("right now hes on skyrizi but i dont think its working", today=TODAY)
                if f.concept == "risankizumab")
    assert fact.ongoing


def test_a_hedged_denial_of_a_treatment_is_no_failure():
    fact = next(f for f in extract("i dont think she has had rituximab", today=TODAY) if f.concept == "rituximab")
    assert fact.status != "failed"


# -- kinds of one disease listed in an inclusion are alternatives ------------------------------

def _diagnoses(node, under=None):
    """(concept, the group it stands in) of every diagnosis leaf."""
    for key in ("all", "any"):
        if key in node:
            return [d for child in node[key] for d in _diagnoses(child, key)]
    return [(node["concept"], under)] if node.get("type") == "diagnosis" else []


@pytest.mark.parametrize("text, concepts", [
    ("Diagnosis of follicular lymphoma, marginal zone lymphoma and mantle cell lymphoma",
     {"follicular_lymphoma", "marginal_zone_lymphoma", "mantle_cell_lymphoma"}),
    ("Patients with histological sub-types of follicular lymphoma, marginal zone lymphoma, mantle cell lymphoma, "
     "diffuse large B cell lymphoma and high-grade B cell lymphomas",
     {"follicular_lymphoma", "marginal_zone_lymphoma", "mantle_cell_lymphoma", "dlbcl"}),
    ("Crohn's disease and ulcerative colitis", {"crohns_disease", "ulcerative_colitis"}),
])
def test_kinds_of_one_disease_in_an_inclusion_are_alternatives(text, concepts):
    found = _diagnoses(build_rule(text, "inclusion"))
    assert {c for c, _ in found} >= concepts
    assert all(group == "any" for c, group in found if c in concepts), found


def test_the_rest_of_the_line_stays_required():
    rule = build_rule("CD7 positive T-ALL and AML", "inclusion")
    assert "all" in rule
    assert any(child.get("type") == "biomarker" for child in rule["all"])
    assert {"any": [{"type": "diagnosis", "concept": "t_all"}, {"type": "diagnosis", "concept": "aml"}]} in rule["all"]


@pytest.mark.parametrize("text", [
    "Confirmed diagnosis of SLE and rheumatoid arthritis",        # two main diseases: both
    "Patients with type 2 diabetes and chronic kidney disease",   # comorbidities: both
])
def test_diseases_of_no_narrower_kind_stay_both_required(text):
    rule = build_rule(text, "inclusion")
    assert "all" in rule and all(group == "all" for _, group in _diagnoses(rule))


def test_a_disease_and_its_own_kind_are_had_together():
    assert build_rule("SLE and lupus nephritis", "inclusion") == {"type": "diagnosis", "concept": "lupus_nephritis"}


def test_an_exclusion_list_is_read_as_before():
    rule = build_rule("Patients with follicular lymphoma and mantle cell lymphoma", "exclusion")
    assert "any" in rule


# -- "otherwise his ITP": a clause of its own after a past event --------------------------------

@pytest.mark.parametrize("text, concept", [
    ("dad is 71, had a heart attack 2 yrs ago, otherwise his ITP is the main thing", "itp"),
    ("she had a stroke in 2019 otherwise her lupus is the main problem", "sle"),
    ("had a heart attack, now his ITP is the main thing", "itp"),
])
def test_an_illness_after_otherwise_is_not_past(text, concept):
    fact = next(f for f in extract(text, today=TODAY) if f.concept == concept)
    assert not fact.historical


def test_the_past_event_before_it_stays_past():
    fact = next(f for f in extract("dad is 71, had a heart attack 2 yrs ago, otherwise his ITP is the main thing",
                                   today=TODAY) if f.concept == "myocardial_infarction")
    assert fact.historical


# -- a blood cancer in the spinal fluid, in lay words ------------------------------------------

@pytest.mark.parametrize("text, negated", [
    ("he had some in the spine at the start but i think its clear now", False),
    ("leukaemia cells were found in her spinal fluid", False),
    ("it spread to his csf last year", False),
    ("the lumbar puncture was clear, no blasts in the csf", True),
])
def test_the_disease_in_the_spinal_fluid_is_cns_involvement(text, negated):
    found = [f for f in extract(text, today=TODAY) if f.concept == "cns_involvement"]
    assert found and all(f.negated == negated for f in found)


@pytest.mark.parametrize("text", [
    "he had some pain in the spine", "her breast cancer spread to the spine", "it was in his brain i think",
])
def test_other_things_in_the_spine_are_no_cns_involvement(text):
    assert not [f for f in extract(text, today=TODAY) if f.concept == "cns_involvement"]


def test_a_leukaemia_named_with_its_cells_is_still_the_leukaemia():
    concepts = {f.concept for f in extract("leukaemia cells were found in her spinal fluid", today=TODAY)}
    assert {"leukemia", "cns_involvement"} <= concepts


# -- "not sure" and more: left open, and the rest taken in ----------------------------------------

def test_not_sure_with_more_said_keeps_what_was_said(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    talk(engine, "a", "Patient or family")
    reply = "\n".join(talk(engine, "a", "my boy is 9 and his t-cell ALL came back in october after the full chemo "
                                        "protocol. the hospital say his blasts are cd7 positive"))
    assert "how he is on most days" in reply
    reply = "\n".join(talk(engine, "a", "not sure, he had some in the spine at the start but i think its clear now"))
    assert "CNS involvement" in reply
    assert "leave that open" in reply
    assert "CNS involvement" in _summary(engine, "a")


def _summary(engine, cid):
    text = talk(engine, cid, "/summary")[0]
    return next(line for line in text.splitlines() if line.startswith("Patient:"))


# -- "she isnt pregant": the usual misspellings ----------------------------------------------------

@pytest.mark.parametrize("text, negated", [
    ("she isnt pregant", True), ("not pregnent", True), ("i am pregnat", False),
])
def test_a_misspelt_pregnancy_is_read(text, negated):
    found = [f for f in extract(text, today=TODAY) if f.label == "PREGNANCY"]
    assert len(found) == 1 and found[0].negated == negated
