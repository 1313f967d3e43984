"""Round 27 (h125, issue #13): what patients and relatives write: ages in loose forms, lab
values in everyday words, counts of courses, regimens joined by a hyphen, clinical shorthand,
and the engine's reading of an age that ends a reply. Wordings of their own, through
nlp.extract and the question answers (no gold row is copied here)."""
from __future__ import annotations

from datetime import date

import pytest

from benchmarks.assertion import predicted_assertion
from matching.answers import answer_to_facts
from nlp.pipeline import extract

TODAY = date(2026, 1, 15)


def facts(text: str) -> dict[str, object]:
    return {f.concept: f for f in extract(text, today=TODAY)}


def reading(text: str, concept: str) -> tuple[str, str, str]:
    return predicted_assertion(facts(text)[concept])


# --- a treatment counted as courses is over ------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("ive had rituximab twice for my vasculitis", "rituximab"),
    ("she has had abatacept three times", "abatacept"),
    ("on prednisolone and ivig done twice", "ivig"),
    ("had 2 courses of IVIG and a round of steroids, platelets still low", "glucocorticoid"),
])
def test_a_treatment_counted_as_courses_is_past(text, concept):
    assert reading(text, concept) == ("present", "patient", "past")


@pytest.mark.parametrize("text, concept", [
    ("he has had rituximab 4 times and is still on it", "rituximab"),
    ("on ivig twice a month", "ivig"),
    ("she is on her 2nd round of chemo", "chemotherapy"),
])
def test_a_count_with_the_treatment_going_on_stays_current(text, concept):
    assert reading(text, concept) == ("present", "patient", "current")


def test_a_hyphenated_combination_is_one_course():
    found = facts("relapsed myeloma, had dara-CyBorD x6 then a transplant")
    assert predicted_assertion(found["daratumumab"])[2] == "past"
    assert predicted_assertion(found["cybord"])[2] == "past"


def test_stills_disease_is_no_still_of_a_treatment():
    assert reading("he had tocilizumab twice for his still's and is now on anakinra", "tocilizumab")[2] == "past"


# --- ages and sex in loose forms -------------------------------------------------------------

@pytest.mark.parametrize("text, age", [
    ("M 61, psoriatic arthritis, failed two biologics", 61),
    ("F, 38. lupus since 2015", 38),
    ("we are both 57, my wife has the myositis", 57),
    ("my partner Sam has crohns. Sam is 33 and on vedolizumab", 33),
    ("psoriasis and arthritis in my hands. 44", 44),
])
def test_loose_ages_are_read(text, age):
    found = [f for f in extract(text, today=TODAY) if f.label == "AGE"]
    assert [f.value for f in found] == [age]
    assert predicted_assertion(found[0]) == ("present", "patient", "current")


def test_sex_before_the_age_is_read():
    found = facts("F 47, ITP since 2012, romiplostim failed")
    assert "female" in found and found["age"].value == 47


def test_a_relative_with_an_age_between_commas_opens_the_message_as_the_patient():
    found = facts("Mum, 74, has CLL, on ibrutinib since 2022")
    assert predicted_assertion(found["cll"]) == ("present", "patient", "current")
    assert predicted_assertion(found["age"]) == ("present", "patient", "current")


def test_same_as_a_relative_keeps_the_disease_the_patients():
    assert reading("he has the same as my dad, psoriatic arthritis", "psoriatic_arthritis") == ("present", "patient", "current")


def test_a_name_introduced_then_a_name_without_a_relation_is_no_age():
    assert not [f for f in extract("my doctor Smith said the MMF failed. Smith is 60", today=TODAY) if f.label == "AGE"]


def test_a_final_number_after_a_lab_value_in_the_same_sentence_is_no_age():
    assert not [f for f in extract("platelets 20, 37", today=TODAY) if f.label == "AGE"]


# --- lab values in everyday words ------------------------------------------------------------

@pytest.mark.parametrize("text, concept, status", [
    ("his CK is in the thousands despite the steroids", "ck", "high"),
    ("ferritin in the thousands, they think its stills", "ferritin", "high"),
    ("complement is persistently low, lupus", "complement", "low"),
    ("SLE, hypocomplementemic, proteinuria 1.2 g/day", "complement", "low"),
])
def test_a_lab_said_in_words(text, concept, status):
    fact = facts(text)[concept]
    assert fact.label == "LAB" and fact.status == status and fact.value is None


def test_protein_in_grams_alone_is_urine_protein():
    fact = facts("lupus nephritis, her protein was about 4g at diagnosis and is 1.2g now")["urine_protein_24h"]
    assert fact.label == "LAB"
    assert not [f for f in extract("total protein 65 g/L", today=TODAY) if f.concept == "urine_protein_24h"]


def test_complementary_therapy_is_no_complement():
    assert not [f for f in extract("i use complementary therapies", today=TODAY) if f.label == "LAB"]


# --- shorthand and anaphors ------------------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("interstital lung dz, on nintedanib", "interstitial_lung_disease"),
    ("crohns dz since 2008", "crohns_disease"),
    ("PMH: CKD4, gout", "kidney_disease"),
    ("AL amyloid with heart involvement", "al_amyloidosis"),
])
def test_clinical_shorthand(text, concept):
    assert concept in facts(text)


def test_an_autologous_one_stands_for_a_transplant_named_before():
    found = facts("he asked if CAR-T is like a stem cell transplant, he had an autologous one in 2019")
    assert found["auto_hsct"].text == "autologous one"
    assert predicted_assertion(found["auto_hsct"])[2] == "past"
    assert not [f for f in extract("we bought an automatic one", today=TODAY) if f.label == "PROCEDURE"]


@pytest.mark.parametrize("text, concept", [
    ("ITP for years, tried romi and eltrombopag", "romiplostim"),
    ("myeloma, now on len maintenance", "lenalidomide"),
    ("lupus nephritis treated with cyclo in 2019", "cyclophosphamide"),
    ("myeloma: dara-CyBorD", "daratumumab"),
])
def test_clippings_read_by_the_disease(text, concept):
    assert concept in facts(text)


def test_clippings_without_the_disease_stay_unread():
    found = facts("my friend Dara and her husband Len came over")
    assert "daratumumab" not in found and "lenalidomide" not in found


# --- the engine's answers --------------------------------------------------------------------

class _Question:
    def __init__(self, kind: str, form: str, concepts: tuple[str, ...] = ()):
        self.kind, self.form, self.concepts, self.detail, self.basis, self.unit = kind, form, concepts, None, [], None


@pytest.mark.parametrize("reply, age", [("she is on hcq, 37", 37), ("oh and she had ritux twice. 52", 52), ("41", 41)])
def test_an_age_that_ends_the_reply_answers_how_old(reply, age):
    found = answer_to_facts(_Question("age", "number"), reply, TODAY)
    assert [f.value for f in found] == [age]


def test_no_age_in_a_reply_without_a_closing_number():
    assert answer_to_facts(_Question("age", "number"), "she is on hcq", TODAY) == []


def test_no_to_when_did_she_last_take_is_no_date():
    found = answer_to_facts(_Question("last_dose", "date", ("mycophenolate",)), "no", TODAY)
    assert len(found) == 1 and found[0].negated and found[0].date is None


# --- a schedule after a list cue of an earlier item ---------------------------------------------

def test_a_schedule_after_an_earlier_items_status_post_is_taken_now():
    found = facts("CIDP, s/p plasma exchange, IVIG q3w, methotrexate x1 year (2021)")
    assert predicted_assertion(found["ivig"]) == ("present", "patient", "current")
    assert predicted_assertion(facts("CIDP, s/p plasma exchange, IVIG monthly until 2023")["ivig"])[2] == "past"


# --- a past disease back again ----------------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("had ITP as a child and now its back", "itp"),
    ("i had lupus nephritis in 2012 and it came back this spring", "lupus_nephritis"),
])
def test_a_past_disease_said_to_be_back_is_had_now(text, concept):
    assert reading(text, concept) == ("present", "patient", "current")


def test_a_test_coming_back_negative_brings_nothing_back():
    assert reading("had hepatitis B as a child, it came back negative last year", "hbv")[2] == "past"


def test_a_return_feared_brings_nothing_back():
    assert reading("she is in remission from AML, asking about trials in case it comes back", "aml")[2] == "past"
    assert reading("he had T-ALL as a boy, we worry in case its back", "t_all")[2] == "past"
