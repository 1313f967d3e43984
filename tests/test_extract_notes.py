"""Real physician notes (issue #13): a note's "Past Medical History:" section and "her past
medical history is remarkable for ..." list history; a test and its result are one fact
("Beta hcg: negative for pregnancy"); gestational age is a pregnancy; "a 41 year man" has
an age; opposite prefixes are never typos; kinds of a condition keep their own concept."""
from __future__ import annotations

from datetime import date

import pytest

from nlp import extract

TODAY = date(2026, 12, 2)

NOTE = """74M hx of CAD s/p CABG, admitted with dyspnea. He has lupus.
Past Medical History:
CAD s/p CABG in [**2154**]
Anemia
Hypertension
Diabetes c/b retinopathy

Medications:
prednisone 5 mg daily
"""


def facts(text):
    return extract(text, today=TODAY)


def by_concept(text):
    return {f.concept: f for f in facts(text)}


def test_a_past_medical_history_section_is_history():
    found = by_concept(NOTE)
    for concept in ("anemia", "hypertension", "diabetes_mellitus"):
        assert found[concept].historical, concept
    assert not found["sle"].historical                       # before the heading
    assert found["prednisone"].status == "current" and not found["prednisone"].historical   # the next section


def test_a_long_note_keeps_its_history_section_across_pieces():
    long_note = ("Patient seen in clinic. " * 60) + "\n" + NOTE
    assert len(long_note) > 1500
    assert by_concept(long_note)["hypertension"].historical


def test_a_sentence_that_opens_a_history_list():
    found = by_concept("Her past medical history is remarkable for hypercholesterolemia and two C/sections. She has lupus.")
    assert found["hypercholesterolemia"].historical
    assert not found["sle"].historical


def test_a_plain_medical_history_heading_in_a_letter_is_not_past():
    """'Medical history:' in a referral lists what the patient has now."""
    assert not by_concept("Medical history:\nSLE since 2015, lupus nephritis class IV")["sle"].historical


@pytest.mark.parametrize("text", [
    "Creatinine: 0.5 mg/dl Beta hcg: negative for pregnancy",
    "urine pregnancy test was negative",
    "a negative pregnancy test",
])
def test_a_negative_pregnancy_test_is_one_negated_fact(text):
    pregnancy = [f for f in facts(text) if f.label == "PREGNANCY"]
    assert len(pregnancy) == 1 and pregnancy[0].negated


@pytest.mark.parametrize("text", ["G1P1 at 32+ 6 weeks of gestational age", "she was at 6 weeks of gestational age",
                                  "12 weeks gestation"])
def test_gestational_age_is_a_pregnancy(text):
    assert any(f.concept == "pregnant" and not f.negated for f in facts(text))


def test_an_age_without_old():
    age = next(f for f in facts("Fernandez is a 41 year man who is a soccer player") if f.label == "AGE")
    assert age.value == 41


def test_hypotension_is_not_a_misspelt_hypertension():
    assert not any(f.concept == "hypertension" for f in facts("tolerated the trial without hypotension"))
    assert any(f.concept == "hypertension" for f in facts("she has hypertenstion"))


@pytest.mark.parametrize("text, concept, kind_of", [
    ("unresectable anaplastic astrocytoma", "anaplastic_astrocytoma", "brain_tumor"),
    ("microangiopathic hemolytic anemia", "hemolytic_anemia", "anemia"),
    ("atypical hemolytic uremic syndrome", "atypical_hus", "ttp"),
    ("mild mitral regurgitation", "mitral_regurgitation", "valvular_heart_disease"),
    ("history of hyperlipidemia", "hyperlipidemia", "dyslipidemia"),
    ("2 prior C diff infections", "c_difficile_infection", "active_infection"),
    ("Pulm HTN", "pulmonary_hypertension", "pulmonary_hypertension"),
    ("hx of CAD, DMII", "type_2_diabetes", "diabetes_mellitus"),
    ("recurrent UTIs and urosepsis", "uti", "active_infection"),
])
def test_note_wording_reaches_the_terminology(text, concept, kind_of):
    from data.terminology import load_terminology

    found = [f.concept for f in facts(text)]
    assert concept in found, found
    assert load_terminology().is_a(concept, kind_of)


def test_a_relatives_age_written_before_the_relative():
    ages = [f for f in facts("She is 32. Her 70-year-old father has hypertension.") if f.label == "AGE"]
    assert [(a.value, a.family) for a in ages] == [(32, False), (70, True)]
    daughter = next(f for f in facts("my 24-year-old daughter has lupus") if f.label == "AGE")
    assert daughter.value == 24 and not daughter.family      # the relative the message is about


def test_a_family_history_list_is_the_familys():
    found = by_concept("Her family history is positive for DM type 2 and HTN. She smokes and has lupus.")
    assert found["type_2_diabetes"].family and found["hypertension"].family
    assert not found["sle"].family


def test_an_age_before_a_relation_word_without_a_possessive_is_the_patients():
    from nlp.pipeline import extract

    ages = [f for f in extract("17-year-old girl with SLE, lupus nephritis despite mycophenolate.") if f.label == "AGE"]
    assert [(f.value, f.family) for f in ages] == [(17.0, False)]
