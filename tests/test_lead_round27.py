"""Round 27 (lead): a wife writing for her husband with anti-MDA5 dermatomyositis and lung
disease, a breastfeeding mother with ulcerative colitis, and twenty new messages
(conv-5910..5929) in three voices.

"no cancer, they screened him" while "Has your husband taken a DMARD … and it did not work?"
was pending answered the question "no" (a DMARD never failed) as well as denying cancer. The
same question did not say that the wife had named tacrolimus, a DMARD. "Im breastfeeding my 5
month old at the moment" made the mother 5 months old ("age 34 → age 0.417") and put her out
of every adult trial.
"""
from __future__ import annotations

from datetime import date

import pytest

from assertion_helpers import of
from nlp import extract

TODAY = date(2026, 12, 5)


def facts(text: str):
    return extract(text, today=TODAY)


def one(text: str, concept: str):
    return of(text, concept, TODAY)


def _husband(tmp_path):
    from bundled_engine import bundled_engine, talk
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "a", "Patient or family",
                   "writing for my husband, 52, dermatomyositis with ILD. he's had high dose steroids and tacrolimus",
                   "taking them now")
    return engine, replies[-1]


# --- a message opening by denying something else is no reply ----------------------------------------

def test_no_cancer_is_not_a_no_to_the_pending_question(tmp_path):
    from bundled_engine import said, tracker_of
    engine, asked = _husband(tmp_path)
    assert "conventional immunosuppressant" in asked
    reply = said(engine.message("a", "no cancer, they screened him"))
    profile = tracker_of(engine, "a").profile
    assert [f.negated for f in profile.facts if f.concept == "malignancy"] == [True]
    assert not any(f.concept == "csdmard" for f in profile.facts)      # the question stays open
    assert "conventional immunosuppressant" in reply


@pytest.mark.parametrize("answer", ["no", "no, it was fine", "no methotrexate or anything like that",
                                    "nope"])
def test_a_no_that_is_a_reply_still_answers(tmp_path, answer):
    from bundled_engine import tracker_of
    engine, _ = _husband(tmp_path)
    engine.message("a", answer)
    profile = tracker_of(engine, "a").profile
    assert any(f.concept in ("csdmard", "methotrexate") and f.negated for f in profile.facts)


def test_the_question_names_the_drug_of_its_class_already_told(tmp_path):
    from bundled_engine import tracker_of
    engine, asked = _husband(tmp_path)
    assert "(you mentioned tacrolimus)" in asked
    engine.message("a", "yes")
    assert [f.status for f in tracker_of(engine, "a").profile.facts if f.concept == "tacrolimus"] == ["failed"]


def test_a_class_question_without_a_named_drug_gives_examples():
    from matching.questions import build_question
    question = build_question("therapy:csdmard:failed_or_intolerant")
    assert "for example" in question.patient and "mentioned" not in question.patient
    assert "例如" in (question.zh_patient or "")


def test_the_named_drug_is_said_in_chinese_too():
    from matching.questions import build_question
    told = [f for f in facts("he had tacrolimus") if f.concept == "tacrolimus"]
    question = build_question("therapy:csdmard:failed_or_intolerant", basis=told)
    assert "您提到过他克莫司" in (question.zh_patient or "") or "您提到过" in (question.zh_patient or "")
    assert "reported: tacrolimus" in question.clinician


# --- a baby fed is not the patient --------------------------------------------------------------------

@pytest.mark.parametrize("text", ["Im breastfeeding my 5 month old at the moment, is that a problem?",
                                  "still breast feeding my 10 month old daughter at night",
                                  "I'm 31 with lupus and I'm pregnant with my second, expecting my 2 year old to be a big sister"])
def test_a_baby_fed_by_the_writer_gives_no_age_of_the_patient(text):
    assert not [f for f in facts(text) if f.label == "AGE" and not f.family and f.value is not None and f.value < 18]


@pytest.mark.parametrize("text, age", [("my 5 month old has ITP", 0.417), ("hi, my 3 year old has ITP", 3.0),
                                        ("I'm asking for my 6 year old who has ITP", 6.0),
                                        ("She is my 14 year old and has lupus", 14.0)])
def test_the_childs_age_stays_when_the_child_is_the_patient(text, age):
    assert [f.value for f in facts(text) if f.label == "AGE" and not f.family] == [age]


def test_the_mothers_age_is_kept_when_she_says_she_breastfeeds(tmp_path):
    from bundled_engine import bundled_engine, talk, tracker_of
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    talk(engine, "a", "Patient or family", "Hi I'm 34 and I have ulcerative colitis since i was 19, failed infliximab",
         "Im breastfeeding my 5 month old at the moment, is that a problem?")
    profile = tracker_of(engine, "a").profile
    assert profile.first("AGE").value == 34
    assert any(f.concept == "lactating" and not f.negated for f in profile.facts)


# --- an outcome in brackets is its own item's ------------------------------------------------------

def test_an_outcome_in_brackets_after_one_drug_is_that_drugs_only():
    text = "tried loads, steroids, ivig, eltrombopag (made my liver tests go up so stopped), now on romiplostim"
    assert one(text, "eltrombopag").status == "intolerant"
    assert one(text, "glucocorticoid").status is None and one(text, "ivig").status is None
    assert one(text, "romiplostim").status == "current"


def test_a_bracket_that_speaks_of_them_all_is_everyones():
    text = "steroids, ivig and eltrombopag (all stopped due to side effects)"
    assert {one(text, c).status for c in ("glucocorticoid", "ivig", "eltrombopag")} == {"intolerant"}


@pytest.mark.parametrize("text", ["prednisone (no response), IVIG (transient response), rituximab (no response)",
                                  "methotrexate (not tolerated, nausea) and then leflunomide"])
def test_each_drug_keeps_its_own_bracketed_outcome(text):
    assert one(text, "prednisone" if "prednisone" in text else "methotrexate").status in ("failed", "intolerant")
    if "leflunomide" in text:
        assert one(text, "leflunomide").status is None


# --- an organ's trouble belongs to the disease, not to another organ's disease -------------------

def test_no_kidney_problems_after_scleroderma_and_lung_fibrosis_is_no_kidney_disease():
    text = ("my mum is 67 with scleroderma and lung fibrosis. she's on mycophenolate and nintedanib, "
            "FVC went from 78 to 61 in a year. no kidney problems")
    assert one(text, "kidney_disease").negated
    assert not one(text, "interstitial_lung_disease").negated


# --- pregnancy plans denied; an age opening a message; "even after"; a dose per day ------------------

@pytest.mark.parametrize("text", ["we aren't planning kids", "we're not planning any more kids", "im not planning a baby yet"])
def test_pregnancy_plans_denied(text):
    assert one(text, "planning").negated


@pytest.mark.parametrize("text, age", [("34 and UC since i was 19", 34.0), ("32 and have lupus", 32.0)])
def test_an_age_opening_a_message_before_and(text, age):
    assert [f.value for f in facts(text) if f.label == "AGE"] == [age]


@pytest.mark.parametrize("text", ["18 and over only?", "platelets 45. 20 and rising"])
def test_a_number_and_something_else_is_no_age(text):
    assert not [f for f in facts(text) if f.label == "AGE"]


def test_a_count_still_low_even_after_a_drug_is_that_drug_failing():
    assert one("plts 9 this morning even after the nplate", "romiplostim").status == "failed"
    assert one("she was fine even after stopping the steroids", "glucocorticoid").status is None


# --- two questions in one message ---------------------------------------------------------------------

def test_two_questions_in_one_message_are_both_answered():
    from bot.faq import load_faq
    faq = load_faq()
    assert [a.id for a in faq.find_all("whats car-t exactly and does it hurt?")] == ["term:car_t", "risks"]
    assert [a.id for a in faq.find_all("is it safe??")] == ["risks"]
    assert faq.find_all("can my daughter join? she has lupus") == []


def test_the_chat_answers_both_questions(tmp_path):
    from bundled_engine import bundled_engine, talk
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "a", "Patient or family", "whats car-t exactly and does it hurt?")
    assert "T cells" in replies[-1] and "cytokine release syndrome" in replies[-1]


# --- "no" and "thanks" after the results ----------------------------------------------------------------

@pytest.mark.parametrize("message", ["no", "no thanks", "thanks", "ok thank you"])
def test_no_or_thanks_after_the_results_is_no_correction(tmp_path, message):
    from bundled_engine import bundled_engine, talk
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "a", "Patient or family", "im 45 with lupus nephritis class 4, failed cellcept and rituximab",
                   "results", message)
    assert "What should I correct" not in replies[-1] and "didn't find anything new" not in replies[-1]
    assert replies[-1].startswith("OK.")


# --- a letter's own drug name in the triage report ---------------------------------------------------

def test_triage_says_prednisolone_as_the_letter_does():
    from bot.commands.triage import _profile_line
    from core.facts import Profile
    profile = Profile(facts=facts("She is currently on low-dose prednisolone 5 mg daily."))
    line = _profile_line(profile)
    assert "prednisolone" in line and "prednisone" not in line


def test_a_noun_of_change_before_a_value_makes_its_from_to_a_change():
    fvc = one("continued decline in FVC (from 82% to 64% predicted)", "fvc")
    assert fvc.value == 64.0
    assert one("fall in eGFR from 60 to 41", "egfr").value == 41.0
    assert not [f for f in facts("FVC from 82% to 64% predicted") if f.concept == "fvc" and f.value is not None]


# --- at the merge: an excepted item's own outcome in a clause of its own ----------------------------

def test_an_excepted_items_own_outcome_after_a_comma_stays_its_own():
    drug = one("no side effects from anything besides cyclophosphamide, that made me really sick", "cyclophosphamide")
    assert drug.status == "intolerant" and not drug.negated
    assert one("all the biologics except rinvoq failed", "upadacitinib").status is None
    assert one("all the biologics except rinvoq which failed too", "upadacitinib").status == "failed"


# --- at the merge: whole families (h112) ------------------------------------------------------------

def _people(text):
    from nlp.pipeline import people_of
    return {p.relation: p for p in people_of(text, today=TODAY)}


def test_a_pronoun_or_a_bare_relation_word_goes_back_to_its_person():
    for text in ("my son (17) has crohns and my daughter (22) has lupus. he is on stelara which isnt working, "
                 "she failed mycophenolate and benlysta",
                 "my son has crohns and my daughter has lupus, both tried everything. son is 17, on stelara which "
                 "isnt working. daughter is 22, failed mycophenolate and benlysta"):
        people = _people(text)
        son = {f.concept for f in people["son"].facts}
        daughter = {f.concept for f in people["daughter"].facts}
        assert "ustekinumab" in son and "ustekinumab" not in daughter
        assert {"mycophenolate", "belimumab"} <= daughter and "belimumab" not in son


@pytest.mark.parametrize("text", ["im writing for my daughter (15) with lupus. im 45 and i have RA myself, not relevant i guess",
                                  "Writing for my dad, 67, AML with CD7 on the cells. My mom has lupus and she's on plaquenil.",
                                  "my mum is 67 with RA, on baricitinib since spring. My sister also has RA but hers is mild, "
                                  "she takes hydroxychloroquine."])
def test_one_person_written_for_or_a_relative_in_passing_is_no_family_question(text):
    assert _people(text) == {}


def test_each_of_two_people_keeps_their_own_age():
    people = _people("Me and my sister both have SSc, im 40 and shes 37")
    assert [f.value for f in people["sister"].facts if f.label == "AGE"] == [37.0]


def test_the_first_reply_to_a_family_says_nobodys_facts_mixed(tmp_path):
    from bundled_engine import bundled_engine, talk
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "a", "my son (17) has crohns and my daughter (22) has lupus. he is on stelara which isnt "
                   "working, she failed mycophenolate and benlysta")
    assert "I noted" not in replies[-1] and "start with your son" in replies[-1]


def test_the_family_question_comes_after_the_role_was_chosen_first(tmp_path):
    # the telling answers "Tell me about the illness in your own words" (a question pending)
    from bundled_engine import bundled_engine, talk
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "a", "Patient or family",
                   "my son (17) has crohns and my daughter (22) has lupus. he is on stelara which isnt "
                   "working, she failed mycophenolate and benlysta")
    assert "start with your son" in replies[-1] and "I noted" not in replies[-1]
