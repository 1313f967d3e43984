"""Round 28 (lead): a mother writing for her daughter of 15 with juvenile dermatomyositis, a
husband for his wife with scleroderma, a young mother with ITP, a rheumatologist's letter.

"we are in bristol, is there anything near us?" to "Which city?" was "No problem, I'll leave
that open"; "not sure about her lungs, they did a scan last year" was taken for a correction
("What should I correct?"); "im on warfarin myself for a clot" from a husband made his wife
"taking warfarin"; "no kidney trouble so far" a message after "my wife has scleroderma" was not
read; "ITP for about 18 months" was said back as "for 2 years".
"""
from __future__ import annotations

from datetime import date

import pytest

from nlp import extract

TODAY = date(2026, 12, 6)


def _at_city_question(tmp_path):
    from bundled_engine import bundled_engine, said, talk
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "a", "Patient or family", "I have lupus since 2015, tried mycophenolate, no HIV",
                   "I'm 44", "no")
    assert "Which city" in replies[-1]
    return engine, said


# --- the city in a sentence ------------------------------------------------------------------------

@pytest.mark.parametrize("answer, place", [
    ("we are in bristol, is there anything near us?", "Bristol"),
    ("were in Leeds - anything close?", "Leeds"),
    ("Bristol. how far is the nearest?", "Bristol"),
    ("we live in york, thanks", "York"),
])
def test_a_place_said_in_a_sentence_answers_the_city_question(tmp_path, answer, place):
    from bundled_engine import tracker_of
    engine, said = _at_city_question(tmp_path)
    reply = said(engine.message("a", answer))
    assert f"lives in {place}" in reply
    assert [f.concept for f in tracker_of(engine, "a").profile.facts if f.label == "LOCATION"] != []


@pytest.mark.parametrize("answer", ["tried mycophenolate", "not sure, she had rituximab", "no idea sorry"])
def test_no_place_is_made_of_other_words(tmp_path, answer):
    from bundled_engine import tracker_of
    engine, said = _at_city_question(tmp_path)
    said(engine.message("a", answer))
    assert not [f for f in tracker_of(engine, "a").profile.facts if f.label == "LOCATION"]


def test_sites_say_when_none_is_near_the_place(tmp_path):
    from bot.render import PLAIN, Renderer
    from bot.sites import where_lines, where_to_ask
    trial = {"id": "x", "sites": [{"facility": "Hospital", "city": "Hangzhou", "country": "China"}]}
    lines = [str(line) for line in where_lines(Renderer(PLAIN), "patient", where_to_ask(trial, "bristol"))]
    assert lines[0].startswith("Sites (none I know of in or near Bristol): Hospital, Hangzhou, China")
    lines = [str(line) for line in where_lines(Renderer(PLAIN), "patient", where_to_ask(trial, "hangzhou"))]
    assert "none I know of" not in lines[0]
    lines = [str(line) for line in where_lines(Renderer(PLAIN), "patient", where_to_ask(trial))]
    assert lines[0] == "Sites: Hospital, Hangzhou, China"


# --- a hedge is no correction ------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["not sure about her lungs, they did a scan last year and it was ok i think",
                                  "not that i know of", "it was fine i think"])
def test_a_hedge_opening_is_no_correction(text):
    from bot.texts import load_texts
    assert not load_texts().is_correction(text)


@pytest.mark.parametrize("text", ["not methotrexate, azathioprine", "no, it was azathioprine", "it was 2019"])
def test_corrections_still_are(text):
    from bot.texts import load_texts
    assert load_texts().is_correction(text)


def test_a_hedge_after_the_results_is_not_asked_to_be_corrected(tmp_path):
    from bundled_engine import bundled_engine, said, talk
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    talk(engine, "a", "Patient or family", "I have lupus since 2015, tried mycophenolate, no HIV", "I'm 44", "no", "leeds")
    said(engine.message("a", "results"))
    reply = said(engine.message("a", "not sure about my lungs, they did a scan last year and it was ok i think"))
    assert "What should I correct" not in reply


# --- the writer's own treatment ----------------------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("im on warfarin myself for a clot but she isnt on any blood thinners", "warfarin"),
    ("I take metformin, she doesn't", "metformin"),
    ("i'm on metformin, she is on MMF", "metformin"),
])
def test_a_relatives_writer_taking_a_drug_is_not_the_patient(text, concept):
    found = [f for f in extract(text, today=TODAY, about="wife") if f.concept == concept]
    assert found and all(f.family for f in found)
    # the patient writing for themself: theirs
    assert [f.family for f in extract(text, today=TODAY) if f.concept == concept] == [False]


def test_the_patients_drug_beside_the_writers_stays_hers():
    found = {f.concept: f.family for f in extract("i'm on metformin, she is on MMF", today=TODAY, about="wife")}
    assert found["mycophenolate"] is False


def test_a_husband_writing_keeps_his_warfarin_out_of_his_wifes_profile(tmp_path):
    from bundled_engine import bundled_engine, talk, tracker_of
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    talk(engine, "a", "Patient or family", "my wife has scleroderma diagnosed 3 years ago, mycophenolate failed",
         "im on warfarin myself for a clot but she isnt on any blood thinners")
    profile = tracker_of(engine, "a").profile
    assert not [f for f in profile.facts if f.concept == "warfarin" and not f.family]


# --- organ trouble of the disease told before --------------------------------------------------------

@pytest.mark.parametrize("text, known, concept, negated", [
    ("she's 52, no kidney trouble so far, BP ok", ("systemic_sclerosis",), "kidney_disease", True),
    ("no kidney problems", ("sle",), "lupus_nephritis", True),
    ("her lungs are affected now", ("systemic_sclerosis",), "interstitial_lung_disease", False),
])
def test_organ_trouble_belongs_to_the_disease_the_conversation_knows(text, known, concept, negated):
    found = [f for f in extract(text, today=TODAY, about="wife", known=known) if f.concept == concept]
    assert [f.negated for f in found] == [negated]
    assert not [f for f in extract(text, today=TODAY) if f.concept == concept]     # no disease known: none


@pytest.mark.parametrize("text", ["her sister's lungs are affected", "she had pneumonia, her lungs are affected"])
def test_no_organ_disease_for_someone_elses_or_another_diseases_organ(text):
    found = extract(text, today=TODAY, about="wife", known=("systemic_sclerosis",))
    assert not [f for f in found if f.concept == "interstitial_lung_disease"]


# --- durations said back in their unit ---------------------------------------------------------------

@pytest.mark.parametrize("days, shown", [(547.9, "18 months"), (730.5, "2 years"), (365.25, "1 year"),
                                         (1100, "3 years"), (31, "1 month"), (10, "10 days"), (1, "1 day")])
def test_durations_are_said_in_the_unit_told(days, shown):
    from bot.render import Renderer
    assert Renderer()._duration(days) == shown


def test_eighteen_months_is_not_two_years(tmp_path):
    from bundled_engine import bundled_engine, talk
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "a", "Patient or family", "ive had ITP for about 18 months now, tried steroids and IVIG")
    assert "immune thrombocytopenia for 18 months" in replies[-1]


# --- twenty new messages (conv-6050..6069): the classes they showed ---------------------------------

def _one(text, concept, **kwargs):
    found = [f for f in extract(text, today=TODAY, **kwargs) if f.concept == concept]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("text", ["we'd rather look at car-t than another round of cyclophosphamide",
                                  "looking at car-t for him", "she would prefer car-t"])
def test_a_treatment_looked_at_or_preferred_is_not_had(text):
    fact = _one(text, "car_t")
    assert fact.hypothetical and not fact.historical


def test_looking_at_something_else_does_not_reach_a_treatment_named_later():
    fact = _one("they looked at her kidneys and said rituximab had failed", "rituximab")
    assert not fact.hypothetical and fact.status == "failed"


def test_another_round_of_a_treatment_was_had_before():
    assert _one("we'd rather look at car-t than another round of cyclophosphamide", "cyclophosphamide").historical


@pytest.mark.parametrize("text, concept", [("pred twice, ivig once (worked 2 weeks), on eltrombopag", "prednisone"),
                                           ("pred twice, ivig once (worked 2 weeks), on eltrombopag", "ivig"),
                                           ("rituximab twice.", "rituximab")])
def test_courses_counted_after_a_treatment_are_over(text, concept):
    assert _one(text, concept).historical


@pytest.mark.parametrize("text, concept", [("hydroxychloroquine twice daily", "hydroxychloroquine"),
                                           ("methotrexate once a week", "methotrexate")])
def test_a_dose_frequency_is_not_a_count_of_courses(text, concept):
    assert not _one(text, concept).historical


@pytest.mark.parametrize("text, kind", [("post nelarabine and HSCT (2025, sibling donor).", "allo_hsct"),
                                        ("SCT (2021, Leeds, MUD)", "allo_hsct"),
                                        ("ASCT (2022, autologous)", "auto_hsct")])
def test_a_transplants_kind_in_a_bracket_after_its_date(text, kind):
    assert kind in [f.concept for f in extract(text, today=TODAY)]


def test_a_breastfeeding_mothers_baby_is_not_the_patient():
    found = extract("im breastfeeding at the moment, my baby is 4 months. UC flaring since the birth, on mesalazine",
                    today=TODAY)
    lactating = [f for f in found if f.concept == "lactating"]
    assert lactating and not lactating[0].family
    assert all(f.family for f in found if f.label == "AGE")      # the baby's age
    # a parent writing about the baby alone: the baby's
    assert [f.family for f in extract("my baby is 4 months and has eczema", today=TODAY) if f.label == "AGE"] == [False]


def test_a_cue_of_the_sentence_before_does_not_choose_what_since_dates():
    found = {f.concept: f for f in extract(
        "Referral: 38F, diffuse SSc dx 2022, anti-Scl-70+. MMF 3g since 2022 with progressive ILD.", today=TODAY)}
    assert found["mycophenolate"].date == "2022" and found["mycophenolate"].ongoing
    assert found["interstitial_lung_disease"].date is None


# --- "no treatments yet" is no answer to a diagnosis question ----------------------------------------

def _question(kind_key: str, concepts=None):
    from matching.questions import build_question
    return build_question(kind_key, concepts=concepts)


def test_no_followed_by_another_topic_does_not_answer_a_diagnosis_question():
    from matching.questions import DIAGNOSIS_ANY
    q = _question(DIAGNOSIS_ANY, ["lupus_nephritis", "sle"])
    assert q.answer_to_facts("no treatments yet except ibuprofen") == []
    assert q.answer_to_facts("no other meds") == []
    assert [f.negated for f in q.answer_to_facts("no")] == [True, True]
    assert [f.negated for f in q.answer_to_facts("none of these")] == [True, True]
    assert [f.concept for f in q.answer_to_facts("no, just lupus") if not f.negated] == ["sle"]


def test_no_treatments_still_answers_a_treatment_question():
    q = _question("therapy_failed:csdmard")
    found = q.answer_to_facts("no treatments yet except ibuprofen")
    assert found and found[0].negated


def test_the_diagnosis_question_stays_after_a_reply_about_treatments(tmp_path):
    from bundled_engine import bundled_engine, said, talk, tracker_of
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    first = talk(engine, "a", "Patient or family",
                 "my doctor thinks i might have lupus but its not confirmed yet. ANA positive 1:640. im 31")[-1]
    reply = said(engine.message("a", "no treatments yet except ibuprofen"))
    profile = tracker_of(engine, "a").profile
    assert not [f for f in profile.facts if f.label == "CONDITION" and f.negated]
    if "diagnosed with any of these" in first:
        assert "diagnosed with any of these" in reply


# --- trials fitting nothing the patient named are counted, not listed --------------------------------

class _Result:
    def __init__(self, id_, fit, verdict="possible"):
        self.trial = {"id": id_, "title": id_}
        self.verdict, self.condition_fit, self.criteria = verdict, fit, []


def test_trials_fitting_nothing_named_are_counted_when_some_fit():
    from bot.results import shape_results
    view = shape_results([_Result("a", 3), _Result("b", 0), _Result("c", 0)], None, None)
    assert [t["id"] for t in view["candidates"]] == ["a"] and view["unfitted"] == 2
    view = shape_results([_Result("b", 0), _Result("c", 0)], None, None)     # nothing fits: all listed
    assert [t["id"] for t in view["candidates"]] == ["b", "c"] and view["unfitted"] == 0


def test_the_count_is_said():
    from bot.render import PLAIN, Renderer
    from bot.render_results import results_text
    from bot.results import shape_results
    text = results_text(Renderer(PLAIN), "patient", shape_results([_Result("a", 3), _Result("b", 0)], None, None))
    assert "1 more trials are not ruled out but are for conditions you have not told me of" in text


@pytest.mark.parametrize("value, shown", [(1.5, "age 18 months"), (0.417, "age 5 months"), (0.25, "age 3 months"),
                                          (2, "age 2"), (34, "age 34")])
def test_a_young_childs_age_is_said_in_months(value, shown):
    from bot.render import Renderer
    from core.facts import Fact
    assert str(Renderer().fact(Fact("AGE", "age", "x", 0, 1, value=value), "patient")) == shown


# --- questions people asked --------------------------------------------------------------------------

@pytest.mark.parametrize("question, entries", [
    ("are any of these trials in the UK?", ["sites"]),
    ("how long does car-t take and would i have to stay in hospital?", ["trial_steps", "travel"]),
    ("can i bring my husband?", ["companion"]),
    ("is there anything near us?", ["sites"]),
])
def test_faq_answers_what_people_asked(question, entries):
    from bot.faq import load_faq
    assert [a.id for a in load_faq().find_all(question)] == entries


def test_a_country_named_in_a_sites_question_is_noted(tmp_path):
    from bundled_engine import bundled_engine, said, talk, tracker_of
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    talk(engine, "a", "Patient or family", "I'm 38 with SLE since 2012, MMF and rituximab failed")
    said(engine.message("a", "are any of these trials in China?"))
    assert [f.concept for f in tracker_of(engine, "a").profile.facts if f.label == "LOCATION"] == ["China"]


def test_in_hospital_is_no_place(tmp_path):
    from bundled_engine import bundled_engine, said, talk, tracker_of
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    talk(engine, "a", "Patient or family", "I'm 38 with SLE since 2012, MMF and rituximab failed")
    said(engine.message("a", "where is the hospital, would i have to stay in hospital?"))
    assert not [f for f in tracker_of(engine, "a").profile.facts if f.label == "LOCATION"]


# --- a harm in a clause of its own -------------------------------------------------------------------

def test_an_infection_in_a_clause_of_its_own_is_no_harm_of_the_treatment_before():
    found = {f.concept: f for f in extract(
        "had a TB test before humira which was negative, and i had shingles last year", today=TODAY)}
    assert found["adalimumab"].status != "intolerant"
    assert found["herpes_zoster"].date == "2025" and found["adalimumab"].date is None


@pytest.mark.parametrize("text", ["upadacitinib (shingles)", "rinvoq gave her shingles",
                                  "she was on rinvoq, then she got shingles and they stopped it",
                                  "she was on rinvoq, and she got shingles so they stopped it"])
def test_a_harm_of_the_treatment_stays_its_own(text):
    assert _one(text, "upadacitinib").status == "intolerant"


# --- after h115's eighty messages --------------------------------------------------------------------

def test_a_course_told_by_its_length_then_what_is_taken_now_is_over():
    found = {f.concept: f for f in extract("etanercept for 18 months, now on tocilizumab", today=TODAY)}
    assert found["etanercept"].historical and not found["tocilizumab"].historical
    assert not _one("etanercept for 18 months now", "etanercept").historical


@pytest.mark.parametrize("text, relation", [
    ("my dad's MDS is getting worse, azacitidine isn't doing anything", "father"),
    ("My sister's hb is 7.1 and plts 18. aplastic anaemia, had ATG last spring", "sister"),
    ("my mum's creatinine was 1.3 and hemoglobin 9.8", "mother"),
])
def test_a_relatives_own_illness_or_value_as_the_subject_makes_the_message_theirs(text, relation):
    from nlp.pipeline import speaker_of
    assert speaker_of(text).relation == relation
    assert not any(f.family for f in extract(text, today=TODAY) if f.label in ("CONDITION", "LAB", "DRUG"))


def test_the_writers_own_illness_beside_a_relatives_stays_the_writers():
    from nlp.pipeline import speaker_of
    assert speaker_of("I have lupus. my sister's lupus is bad too").relation is None


@pytest.mark.parametrize("text", ["- Prednisolone 1 mg/kg 2021, tapered; currently 12.5 mg daily",
                                  "pred 60 in 2023, now 10mg"])
def test_an_item_ending_with_the_dose_of_now_is_taken_now(text):
    fact = _one(text, "prednisone")
    assert not fact.historical and fact.status == "current"


def test_now_and_an_age_is_no_dose():
    assert _one("had chemo as a teenager for hodgkins, now 45 and fine", "chemotherapy").historical


@pytest.mark.parametrize("question", ["we are in bristol, anything near us?", "is there anything near me?",
                                      "are there trials near you?"])
def test_near_us_is_no_country(tmp_path, question):
    from bundled_engine import bundled_engine, said, talk, tracker_of
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    talk(engine, "a", "Patient or family", "my wife has scleroderma since 2022, mycophenolate failed")
    said(engine.message("a", question))
    assert not [f for f in tracker_of(engine, "a").profile.facts if f.label == "LOCATION"]


def test_the_us_in_capitals_is_the_country(tmp_path):
    from bundled_engine import bundled_engine, said, talk, tracker_of
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    talk(engine, "a", "Patient or family", "my wife has scleroderma since 2022, mycophenolate failed")
    said(engine.message("a", "are any of these trials in the US?"))
    places = [f.concept for f in tracker_of(engine, "a").profile.facts if f.label == "LOCATION"]
    assert places in ([], ["United States"])      # known only when a trial site is in the US


def test_the_sites_of_a_suspected_diagnosis_are_those_of_the_trials_listed(tmp_path):
    from bundled_engine import bundled_engine, said, talk
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    talk(engine, "a", "Patient or family", "my doctor thinks i might have lupus but its not confirmed. im 31")
    reply = said(engine.message("a", "where are the sites?"))
    assert "NCT07193667" in reply
    assert "haematological tumours" not in reply        # the CD7 blood-cancer trial fits nothing she named


def test_a_reply_giving_the_asked_score_in_words_answers_the_question(tmp_path):
    from bundled_engine import bundled_engine, said, talk, tracker_of
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "a", "Patient or family",
                   "my brother is 42 and has T-ALL that came back after chemo, the cells are CD7 positive")
    if "how he is on most days" not in replies[-1]:
        pytest.skip("the ECOG question is not the first one asked here")
    reply = said(engine.message("a", "hes pretty weak, mostly in bed now"))
    assert "how he is on most days" not in reply
    assert [f.value for f in tracker_of(engine, "a").profile.facts if f.concept == "ecog"] == [3]


@pytest.mark.parametrize("text, concept", [("she has lupus since 2015 (not sure exactly), tried methotrexate", "sle"),
                                           ("ITP for 3 years (i think), failed steroids", "itp")])
def test_a_hedge_of_the_time_does_not_doubt_the_disease(text, concept):
    assert not _one(text, concept).uncertain


def test_a_hedge_of_another_disease_in_the_bracket_keeps_its_doubt():
    assert _one("lupus since 2015 (maybe lupus nephritis too?)", "lupus_nephritis").uncertain
