"""Round 24 (lead): what a person's stated age says about pregnancy, and the trials for
people at risk of a complication of pregnancy.

A 67-year-old woman with rheumatoid arthritis was offered a pre-eclampsia prevention study
and a gestational-diabetes screening study second and third ("may qualify, some questions
are still open": "Singleton pregnancies"), and every pregnancy criterion stayed open for her
and for a girl of six. Outside the child-bearing years (``childbearing_ages``,
data/evidence.yaml) no pregnancy is assumed unless one is stated, citing the age; and a trial
for people at risk of a complication of pregnancy keeps its sharp gate,
so for anyone else its condition gate fails (the trial is "for other conditions").
"""
from __future__ import annotations

from datetime import date

import pytest

from core.facts import Profile
from core.truth import FALSE, TRUE, UNKNOWN
from data.errors import DataError
from data.rule_nodes import condition_target
from matching.engine import match
from matching.evidence import Evidence
from matching.evidence_rules import load_evidence_rules, read_evidence_rules
from matching.leaves import pregnancy
from nlp import extract
from shared_records import record

TODAY = date(2026, 12, 5)
LEAF = {"type": "pregnancy", "states": ["pregnant", "lactating"]}



def judged(text: str):
    return pregnancy(Evidence(Profile(extract(text, today=TODAY))), LEAF)


# --- the bounds are data ------------------------------------------------------------------------

def test_the_child_bearing_years_are_read_from_the_evidence_file():
    youngest, oldest = load_evidence_rules().childbearing_ages
    assert 0 < youngest < 18 < 45 < oldest <= 70


def test_bad_child_bearing_bounds_fail_naming_the_field(tmp_path):
    path = tmp_path / "evidence.yaml"
    path.write_text("childbearing_ages: [60, 10]\n", encoding="utf-8")
    with pytest.raises(DataError, match="childbearing_ages"):
        read_evidence_rules(path)


# --- the pregnancy leaf -------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "I'm a 67 year old woman with rheumatoid arthritis",
    "my mum is 72 and has had lupus for years",
    "Referral: 64F with diffuse SSc",
])
def test_a_woman_past_the_years_of_pregnancy_is_not_pregnant_citing_her_age(text):
    result = judged(text)
    assert result.value == FALSE and result.ask is None
    assert "age" in result.reason and "trial team" in result.reason
    assert [f.label for f in result.facts] == ["AGE"]


@pytest.mark.parametrize("text", ["my daughter is 6 and has T-ALL", "our little girl (4) has ITP"])
def test_a_young_child_is_not_asked_about_pregnancy(text):
    result = judged(text)
    assert result.value == FALSE and "too young" in result.reason


@pytest.mark.parametrize("text", [
    "I'm 34 and have lupus",           # within the years: asked
    "she has lupus",                   # no age: asked
    "she is over 40 and has lupus",    # a lower bound inside the years: asked
])
def test_within_the_years_or_without_an_age_pregnancy_is_asked(text):
    result = judged(text)
    assert result.value == UNKNOWN and result.ask == "pregnancy"


def test_a_stated_pregnancy_wins_over_the_age():
    assert judged("62 year old woman, 20 weeks pregnant after IVF, with lupus").value == TRUE


# --- trials for people at risk of a complication of pregnancy -------------------------------------

@pytest.mark.parametrize("trial_id", ["NCT04766866", "NCT06209411"])
def test_a_pregnancy_complication_prevention_trial_keeps_its_sharp_gate(trial_id):
    gate = condition_target(record(trial_id))
    assert gate["rule"]["type"] == "target_condition"       # no at-risk review beside it
    assert "for pregnant women: a pregnancy the patient has meets it" in gate["text"]


@pytest.mark.parametrize("text", [
    "I'm a 67 year old woman with rheumatoid arthritis, failed methotrexate and rituximab",
    "45 year old man with lupus nephritis",
    "my daughter is 19 and has lupus nephritis. she is not pregnant",
    "I'm 31 with lupus",
])
def test_someone_with_another_disease_and_no_pregnancy_is_ruled_out_by_condition(text):
    result = match(Profile(extract(text, today=TODAY)), [record("NCT04766866")], today=TODAY)[0]
    assert result.verdict == "ineligible" and result.off_condition
    gate = next(c for c in result.top if c.id == "elig-condition")
    assert "Preeclampsia" in gate.text and "pregnant women" in gate.text    # the trial's conditions are cited


def test_a_pregnant_woman_with_lupus_keeps_the_prevention_trial():
    result = match(Profile(extract("I'm 31, 20 weeks pregnant, and I have lupus", today=TODAY)),
                   [record("NCT04766866")], today=TODAY)[0]
    assert result.verdict != "ineligible"
    gate = next(c for c in result.top if c.id == "elig-condition")
    assert gate.status == "pass"


def test_an_unknown_diagnosis_never_rules_the_pregnancy_trial_out():
    result = match(Profile(extract("I'm 31", today=TODAY)), [record("NCT04766866")], today=TODAY)[0]
    assert not result.off_condition


# --- a question the person talks past is not asked after every message ----------------------------

from bot.render import PLAIN, Renderer              # noqa: E402
from bundled_engine import bundled_engine, said, talk, tracker_of     # noqa: E402


@pytest.fixture
def engine(tmp_path):
    return bundled_engine(tmp_path / "t.db", TODAY)


OPENING = ("Patient or family",
           "my daughter is 19, she has lupus nephritis since 2020. mycophenolate and rituximab didnt work")


def pending_key(engine, cid):
    tracker = tracker_of(engine, cid)
    return tracker.pending["key"] if tracker.pending else None


def test_a_question_talked_past_twice_is_left_open_and_the_next_comes(engine):
    cid = "cli:past"
    talk(engine, cid, *OPENING)
    first = pending_key(engine, cid)
    assert first is not None
    once = said(engine.message(cid, "she also has high blood pressure"))
    assert "hypertension" in once and pending_key(engine, cid) == first        # asked once more
    twice = said(engine.message(cid, "her creatinine is 1.4"))
    assert "creatinine" in twice and "leave that question open" in twice
    tracker = tracker_of(engine, cid)
    assert first in tracker.skipped
    assert tracker.pending is None or tracker.pending["key"] != first


def test_an_answer_after_one_aside_is_still_taken(engine):
    cid = "cli:aside"
    talk(engine, cid, *OPENING)
    first = pending_key(engine, cid)
    said(engine.message(cid, "she also has high blood pressure"))
    said(engine.message(cid, "Taking it now" if first.startswith("last_dose") else "Not sure"))
    tracker = tracker_of(engine, cid)
    assert first in tracker.answered | tracker.skipped
    assert tracker.passed == 0


def test_maternal_hypertension_is_a_complication_of_pregnancy_not_hypertension():
    from data.condition_names import condition_concept
    assert condition_concept("Maternal Hypertension") == "gestational_hypertension"
    assert condition_concept("Hypertension") == "hypertension"
    found = {f.concept for f in extract("she has high blood pressure", today=TODAY)}
    assert "hypertension" in found and "gestational_hypertension" not in found


def test_triage_says_a_stopped_drug_is_past_not_just_its_date():
    from bot.commands.triage import _profile_line
    line = _profile_line(Profile(extract("No active GVHD, off ciclosporin since 04/2025. On ruxolitinib since 05/2025.",
                                         today=TODAY)))
    assert "ciclosporin (past, 2025-04)" in line
    assert "ruxolitinib (current, 2025-05)" in line          # taken now: its date is when it began


# --- extraction: talked-of pregnancy ruled out; a disease going on, on a treatment ------------------

def drug(text: str, concept: str):
    return next(f for f in extract(text, today=TODAY) if f.concept == concept)


@pytest.mark.parametrize("text, concept", [
    ("went through the change years ago so pregnancy isnt an issue", "pregnant"),
    ("pregnancy is not a concern for us", "pregnant"),
    ("HIV isn't an issue, she was tested", "hiv"),
])
def test_a_thing_said_to_be_no_issue_is_ruled_out(text, concept):
    found = next(f for f in extract(text, today=TODAY) if f.concept == concept)
    assert found.negated


def test_a_treatment_weighed_as_no_option_is_not_had():
    # h182, round 38: "not an option" says the treatment was not given (was: hypothetical)
    found = next(f for f in extract("a stem cell transplant is not an option for her now", today=TODAY) if f.label == "PROCEDURE")
    assert found.negated and not found.hypothetical


@pytest.mark.parametrize("text, concept", [
    ("I've been on canakinumab 2 years, still flaring", "canakinumab"),
    ("switched to ustekinumab, still flaring", "ustekinumab"),
])
def test_still_flaring_on_the_treatment_just_named_fails_it_and_it_goes_on(text, concept):
    found = drug(text, concept)
    assert found.status == "failed" and found.ongoing and not found.historical


@pytest.mark.parametrize("text, concept", [
    ("then rituximab twice, still flaring", "rituximab"),
    ("cyclophosphamide 6 doses, still flaring", "cyclophosphamide"),
    ("tried tocilizumab, still flaring", "tocilizumab"),
])
def test_courses_given_or_a_treatment_tried_before_still_flaring_are_over(text, concept):
    found = drug(text, concept)
    assert found.status == "failed" and not found.ongoing


@pytest.mark.parametrize("text, concept", [
    ("she took azathioprine but her liver couldnt handle it", "azathioprine"),
    ("methotrexate, his stomach was not good with it", "methotrexate"),
    ("she was on leflunomide but her body didnt tolerate it", "leflunomide"),
])
def test_a_body_part_that_could_not_take_the_treatment_is_an_intolerance(text, concept):
    assert drug(text, concept).status == "intolerant"


def test_an_organ_still_bad_on_a_treatment_is_no_intolerance():
    assert drug("on MMF but her kidneys are not good", "mycophenolate").status == "failed"


# --- allergies said back as allergies -------------------------------------------------------------

def said_back(text: str) -> list[str]:
    return [str(p) for p in Renderer(PLAIN).facts(extract(text, today=TODAY), "patient")]


def test_an_allergy_is_said_back_as_an_allergy_not_a_treatment_tried():
    said = said_back("shes allergic to penicillin")
    assert said == ["allergic to penicillin"]
    assert not any("tried" in s for s in said)


def test_no_allergy_to_a_drug_is_not_never_had_it():
    said = said_back("no allergy to sulfa, allergic to penicillin")
    assert "allergic to penicillin" in said
    assert any(s.startswith("no allergy to sulfa") for s in said)
    assert not any("never" in s for s in said)


def test_triage_names_allergies_for_the_clinician():
    from bot.commands.triage import _profile_line
    line = _profile_line(Profile(extract("45F SLE. Allergies: penicillin (rash).", today=TODAY)))
    assert "allergy to penicillin (rash)" in line and "intolerant" not in line
    assert "no known drug allergies" in _profile_line(Profile(extract("45F SLE. NKDA.", today=TODAY)))
    assert "any_drug" not in _profile_line(Profile(extract("45F SLE. NKDA.", today=TODAY)))


@pytest.mark.parametrize("text, said", [
    ("shes alergic to penicilin", ["allergic to penicillin"]),
    ("no known drug alergies", ["no known drug allergies"]),
])
def test_allergy_spelt_with_one_l_is_read(text, said):
    assert said_back(text) == said


def test_an_allergy_spelt_with_one_l_after_a_failed_list_is_still_an_allergy():
    said = said_back("my mum is 67, RA, mtx and humira failed, shes alergic to penicilin")
    assert "allergic to penicillin" in said and not any("penicillin (did not help)" in s for s in said)
