"""Round 33 (h155, issue #13): what patients and their relatives write: the flu ("had a bad flu
in january", never a "flu jab" nor "flu-like" symptoms), "ABA" for abatacept beside RA, a
misspelt word before a value ("platlets are ususally 10-20"), a town after its country ("im in
canada, toronto"), "now on X and previously tried Y", a test's result after a hedged diagnosis
("might have lupus, ANA positive"), a drug right before a month ("pred in march"), "since the
start", "and my <disease>" after a past event, "uc 10 yrs" opening a message, a relation and its
age ending a message, and the replies: "nooo" and "nope none" are no, an age and sex alone is a
patient's answer, "my myositis" tells the writer's own illness. Each test reads a wording of its
own (not a gold message) through the real extraction path or the conversation engine."""
from __future__ import annotations

from datetime import date

from assertion_helpers import NOW, PAST, one_at
from benchmarks.assertion import predicted_assertion
from bot.texts import normalise
from bundled_engine import bundled_engine, talk, tracker_of
from nlp.pipeline import extract
from matching.answers import _normalise as answer_normalised

TODAY = date(2026, 12, 7)


def _facts(text: str):
    return extract(text, today=TODAY)


def _one(text: str, concept: str):
    return one_at(text, concept, TODAY)


def _reading(text: str, concept: str):
    return predicted_assertion(_one(text, concept))


def _concepts(text: str) -> set[str]:
    return {f.concept for f in _facts(text)}


# --- the flu --------------------------------------------------------------------------------

def test_the_flu_had_in_a_month_is_a_past_influenza():
    fact = _one("she caught a horrible flu over christmas, lupus is fine", "influenza")
    assert fact.label == "INFECTION" and fact.historical and not fact.negated
    # one right before a month is dated by it, as a course is ("pred in march")
    assert _one("influenza B in march, then my crohns flared", "influenza").date == "2026-03"


def test_a_flu_jab_names_a_vaccine_and_flu_like_symptoms_no_infection():
    concepts = _concepts("he got the flu shot in october and a covid booster")
    assert "covid_vaccine" in concepts and "influenza" not in concepts
    assert "influenza" not in _concepts("my mum had her flu vaccination last week, RA on mtx")
    assert "influenza" not in _concepts("i get flu-like symptoms after the methotrexate")
    assert "influenza" not in _concepts("flu like symptoms after each ritux infusion")


def test_a_regimens_flu_is_fludarabine_never_the_flu():
    assert "influenza" not in _concepts("haplo allo-SCT 2024 (Flu/Cy/TBI conditioning)")
    assert "influenza" not in _concepts("conditioning: ATG/Flu, day 0 in march")
    assert {"covid", "influenza"} <= _concepts("covid/flu swab negative last week")
    # a one-letter elided name is no regimen: "Hep B/C negative" is both hepatitis
    assert {"hbv", "hcv"} <= _concepts("Hep B/C serology negative")


def test_a_state_with_the_flu_is_of_the_flus_time():
    for text in ("she was bedbound for a week with the flu last year",
                 "he was bedridden for 2 weeks last winter with flu"):
        score = next(f for f in _facts(text) if f.label == "SCORE")
        assert score.historical, text


def test_a_disease_after_and_my_is_not_the_past_event_before_it():
    text = "had a nasty flu in october and my lupus flared straight after"
    assert _reading(text, "sle") == NOW
    assert _one(text, "influenza").historical


# --- shortenings and fillers ----------------------------------------------------------------

def test_aba_is_abatacept_beside_an_arthritis_only():
    assert _one("RA for 9 years, tried etanercept, on ABA now", "abatacept").status == "current"
    assert "abatacept" not in _concepts("our son has autism, he does ABA twice a week")


def test_a_misspelt_adverb_before_a_value_keeps_the_value():
    assert _one("her plts are usualy about 35", "platelets").value == 35
    assert _one("his platelets r normaly 15-25", "platelets").value == 15
    assert _one("ck genrally 1500 when she flares", "ck").value == 1500
    assert _one("ck roughly 800 last week", "ck").value == 800


# --- places ---------------------------------------------------------------------------------

def test_a_town_after_its_country_is_a_place_too():
    places = [f.text for f in _facts("we're in australia, melbourne. lupus, on hcq") if f.label == "LOCATION"]
    assert places == ["australia", "melbourne"]
    places = [f.text for f in _facts("56 f in ireland, galway") if f.label == "LOCATION"]
    assert places == ["ireland", "galway"]
    # no town: a word of the chat after the comma
    places = [f.text for f in _facts("im in the uk, thanks for this") if f.label == "LOCATION"]
    assert places == ["uk"]


# --- time and hedges ------------------------------------------------------------------------

def test_now_on_x_and_previously_tried_y():
    text = "RA 8 yrs, now on upadacitinib and previously tried adalimumab"
    assert _reading(text, "upadacitinib") == NOW and _one(text, "upadacitinib").status == "current"
    assert _reading(text, "adalimumab") == PAST
    text = "ustekinumab, previously vedolizumab"
    assert _reading(text, "ustekinumab") == NOW and _reading(text, "vedolizumab") == PAST


def test_a_tests_result_after_a_hedged_diagnosis_is_found():
    text = "the rheumy said i might have sjogrens, anti-Ro positive"
    assert _one(text, "sjogrens_syndrome").uncertain
    marker = next(f for f in _facts(text) if f.label == "BIOMARKER")
    assert not marker.uncertain and marker.status == "positive"
    assert _one("maybe lupus, ANA", "ana").uncertain       # no result said: still hedged


def test_a_drug_right_before_a_month_is_a_dated_course():
    text = "a short course of pred in april, hcq since then"
    assert _reading(text, "prednisone") == PAST and _reading(text, "hydroxychloroquine") == NOW
    assert _reading("we will start pred in march", "prednisone") != PAST


def test_since_the_start_is_taken_now():
    fact = _one("aza since the beginning, she is 30", "azathioprine")
    assert fact.status == "current" and not fact.historical


def test_a_small_letter_disease_opening_a_message_before_how_long():
    assert "rheumatoid_arthritis" in _concepts("ra 15 years, on mtx and pred")
    assert "ulcerative_colitis" in _concepts("uc 2 yrs, mesalazine")


def test_a_relation_and_its_age_end_the_message():
    ages = [f.value for f in _facts("crohns since his teens, on stelara, my son 19") if f.label == "AGE"]
    assert ages == [19]


# --- replies --------------------------------------------------------------------------------

def test_held_letters_are_one_letter_in_a_reply():
    assert normalise("Nooooo!") == "no" and normalise("yesss") == "yes"
    assert answer_normalised("nopeee") == "nope"


def test_a_sex_letter_alone_is_the_patients_sex():
    assert [(f.label, f.concept) for f in _facts("F")] == [("SEX", "female")]
    assert [(f.label, f.concept) for f in _facts("hes m")] == [("SEX", "male")]
    assert not [f for f in _facts("a m") if f.label == "SEX"]


def test_nope_none_after_the_list_is_a_no(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "none", "RA 10 years, on methotrexate, 44 f", "leeds", "nope none of those")
    assert "didn't find anything new" not in replies[-1]


def test_an_age_and_sex_alone_answer_the_role_question_as_a_patient(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    first, second = talk(engine, "role", "T-LBL, relapsed after chemo, cd7 positive", "27 m")
    assert "who am I talking to" in first
    assert "Clinician mode" not in second and "I noted: age 27; male" in second
    assert tracker_of(engine, "role").role == "patient"


def test_my_disease_tells_the_writers_own_illness(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    first, = talk(engine, "own", "covid in june then my crohns got worse, on infliximab")
    assert "who am I talking to" not in first and "I'll talk to you as a patient" in first


def test_a_hedged_own_illness_is_the_writers(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    first, = talk(engine, "hedged", "the gp thinks i may have myositis, ck 3000")
    assert "who am I talking to" not in first


def test_a_town_and_its_country_are_said_back_as_one_place(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    replies = talk(engine, "place", "my wife has lupus, 33, on benlysta", "we live in canada, vancouver")
    assert "lives in Vancouver, Canada" in replies[-1]
