"""h193, round 40 (issue #14, relevance): the right trial first on the real registry records.

* A chronic disease told with the date it began ("asthma since 2005", "diagnosed 2003", "T2DM
  since 2009") or how long it has lasted is ongoing: unless it is said to be over it is present
  in any window up to now ("Documented evidence of asthma in the 10 years up to Visit 1"). The
  date of a one-off event (a heart attack in 2015) still dates the event. ``lasting`` in the
  terminology says which diseases go on once they began; a kind that comes and goes says
  ``lasting: false`` (acute kidney injury, gestational diabetes).
* "A 5-year history of X" says how long X has lasted up to now: ongoing, not a past illness.
* A disease said to be fine with or on its treatment ("asthma but it's fine with a brown
  inhaler") is under control, not denied.
* Lay diagnoses defined by how long their symptoms last: dizziness for three months or more is
  chronic (persistent postural-perceptual) dizziness; breathlessness or tiredness since COVID is
  the post-COVID condition. The CSD synonyms "chronic / persistent (non-vertiginous) dizziness".
* A term with a bracketed restatement in words inside it ("keyhole (arthroscopic) shoulder
  surgery") is the term; an abbreviation defined in brackets is left to its own rules.
* Trials for a condition linked to the patient's (CKD for lupus nephritis) come after the trials
  for the patient's own and the reply says why.
"""
from __future__ import annotations

from datetime import date

import pytest

from benchmarks.relevance import CTGOV_DIR
from bot.texts import load_texts
from core.facts import Profile
from data.store import open_store
from data.terminology import load_terminology
from matching.catalog import TrialCatalog
from matching.evaluate import Evaluator
from matching.pruned import match
from nlp.criteria.parser import build_rule
from nlp.pipeline import extract
from registry.run import apply, plan, read_files, stored_trials

TODAY = date(2026, 12, 7)
CSD = "NCT05482828"           # Jaeumgeonbi-Tang in chronic subjective dizziness
POST_COVID = "NCT05381779"    # inspiratory muscle vs aerobic training after COVID
AZD4604 = "NCT06020014"       # inc-6: "Documented evidence of asthma in the 10 years up to ... Visit 1"
DUPILUMAB = "NCT05097287"
IGLARLIXI = "NCT06716424"     # "Type 2 Diabetes diagnosed for at least 1 year ... on Metformin"
OTHERS = ("NCT00739752", "NCT05381389", "NCT06326047")


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    db = open_store(str(tmp_path_factory.mktemp("h193") / "t.db"))
    ids = (AZD4604, DUPILUMAB, IGLARLIXI, CSD, POST_COVID, *OTHERS)
    apply(db, plan(read_files([CTGOV_DIR / f"{n}.json" for n in ids]), stored_trials(db)))
    return TrialCatalog(db)


def verdicts(catalog, text):
    return {r.id: r.verdict for r in match(Profile(extract(text, today=TODAY)), catalog, today=TODAY)}


def judged(rule_text, kind, patient):
    rule = build_rule(rule_text, kind)
    return Evaluator(Profile(extract(patient, today=TODAY)), today=TODAY).rule(rule).value


# --- a chronic disease begun long ago is present now -------------------------------------------

@pytest.mark.parametrize("text", [
    "I'm 46 (m) and have had asthma since 2005. Two severe attacks in the last year needed prednisolone and one "
    "put me in hospital. On high-dose Fostair and montelukast, eosinophils 500. Never smoked.",
    "52F asthma diagnosed 2003, on high-dose ICS/LABA + montelukast; 3 severe exacerbations requiring OCS in "
    "the past 12 months. Eos 0.4. Never smoker.",
    "My mum (61) has had asthma since 1998. She still had 2 bad attacks needing prednisolone in the past 12 "
    "months on a high-dose steroid inhaler and montelukast. Eosinophils 400, she never smoked.",
    "I'm 44 (f) and I've been asthmatic for 15 years. Three attacks last year needed steroid tablets.",
])
def test_an_asthma_begun_long_ago_is_asthma_in_the_last_ten_years(catalog, text):
    got = verdicts(catalog, text)
    assert got[AZD4604] != "ineligible"
    assert got[DUPILUMAB] != "ineligible"


@pytest.mark.parametrize("patient", [
    "asthma since 2005",
    "asthma diagnosed in 2001, on a brown inhaler",
    "He has been asthmatic since 1999.",
])
def test_a_window_on_a_lasting_disease_holds_whatever_its_start(patient):
    assert judged("Documented evidence of asthma in the 10 years up to Visit 1.", "inclusion", patient) == "true"
    assert judged("History of asthma within the last 5 years", "exclusion", patient) == "true"


@pytest.mark.parametrize("patient", [
    "57F, T2DM since 2009 on metformin 2 g only, HbA1c 8.0 %, BMI 33.",
    "I'm 58 (m), type 2 diabetes diagnosed in 2006, on metformin. HbA1c 8.4, BMI 30.",
])
def test_a_diabetes_begun_long_ago_keeps_a_diabetes_trial_open(catalog, patient):
    assert verdicts(catalog, patient)[IGLARLIXI] != "ineligible"


@pytest.mark.parametrize("patient", [
    "I had a heart attack in 2015.",
    "MI 2016, stented.",
])
def test_a_one_off_event_long_ago_stays_out_of_the_window(patient):
    assert judged("Myocardial infarction within 6 months", "exclusion", patient) == "false"


@pytest.mark.parametrize("patient", [
    "I had asthma as a child but it went away in 1995.",
    "Childhood asthma, resolved in 2001, no inhalers since.",
])
def test_a_lasting_disease_said_to_be_over_keeps_its_date(patient):
    assert judged("History of asthma within the last 5 years", "exclusion", patient) != "true"


def test_which_diseases_last():
    terminology = load_terminology()
    assert all(terminology.lasting(c) for c in ("asthma", "copd", "type_2_diabetes", "hypertension", "sle",
                                               "lupus_nephritis", "crohns_disease", "kidney_disease"))
    assert not any(terminology.lasting(c) for c in ("acute_kidney_injury", "scleroderma_renal_crisis",
                                                   "gestational_diabetes", "myocardial_infarction", "stroke",
                                                   "breast_cancer", "hashimoto_thyroiditis"))


# --- how long a complaint has lasted, and a disease fine on its treatment ----------------------

def conditions(text):
    return [f for f in extract(text, today=TODAY) if f.label == "CONDITION"]


@pytest.mark.parametrize("text, concept", [
    ("a 5 year history of ulcerative colitis", "ulcerative_colitis"),
    ("10-year history of type 2 diabetes, on metformin", "type_2_diabetes"),
    ("52F with a 3-year history of rheumatoid arthritis", "rheumatoid_arthritis"),
])
def test_a_history_of_n_years_is_ongoing(text, concept):
    found = [f for f in conditions(text) if f.concept == concept]
    assert found and not any(f.historical for f in found)


@pytest.mark.parametrize("text, concept", [
    ("She has a history of asthma.", "asthma"),
    ("history of breast cancer in 2010", "breast_cancer"),
])
def test_a_bare_history_of_stays_past(text, concept):
    assert any(f.historical for f in conditions(text) if f.concept == concept)


@pytest.mark.parametrize("text, concept", [
    ("I also have asthma but it's fine with a brown inhaler twice a day.", "asthma"),
    ("She has asthma and it is ok on a brown inhaler.", "asthma"),
    ("I have high blood pressure but its fine on amlodipine.", "hypertension"),
])
def test_a_disease_fine_on_its_treatment_is_not_denied(text, concept):
    found = [f for f in conditions(text) if f.concept == concept]
    assert found and not any(f.negated for f in found)


@pytest.mark.parametrize("text", ["They checked for cancer and its clear.", "tested for TB and it's fine"])
def test_a_clear_test_still_denies(text):
    assert all(f.negated for f in extract(text, today=TODAY) if f.label in ("CONDITION", "INFECTION"))


# --- lay diagnoses defined by how long the symptoms last ---------------------------------------

@pytest.mark.parametrize("text", [
    "I'm 38 (m). For about 18 months I feel dizzy and off balance almost every day, worse in busy places.",
    "She has been dizzy and unsteady almost every day for two years.",
    "52F 2-year history of persistent non-vertiginous dizziness, worse with visual motion; vestibular tests normal.",
    "My husband (50) has chronic dizziness, the ENT tests were normal.",
])
def test_dizziness_for_months_is_chronic_dizziness(catalog, text):
    found = [f for f in conditions(text) if f.concept == "chronic_dizziness"]
    assert found and not any(f.historical or f.negated for f in found)
    assert match(Profile(extract(text, today=TODAY)), catalog, today=TODAY)[0].id == CSD


@pytest.mark.parametrize("text", ["I felt dizzy for 2 days after the flu.", "dizzy for a month", "I get dizzy when I stand up."])
def test_a_short_dizzy_spell_is_no_diagnosis(text):
    assert not [f for f in conditions(text) if f.concept == "chronic_dizziness"]


@pytest.mark.parametrize("text", [
    "I'm 45 (f). Since covid in 2023 I get out of breath and exhausted after small efforts like the stairs. BMI 26.",
    "My son (30) has been breathless and tired ever since he had COVID last year. BMI 24, no other illness.",
    "ever since catching coronavirus in 2022 she has brain fog and fatigue",
])
def test_symptoms_since_covid_are_the_post_covid_condition(catalog, text):
    found = [f for f in conditions(text) if f.concept == "post_covid_condition"]
    assert found and not any(f.historical or f.negated for f in found)
    assert match(Profile(extract(text, today=TODAY)), catalog, today=TODAY)[0].id == POST_COVID


@pytest.mark.parametrize("text", ["I have been tired since the covid vaccine.", "Since covid I have been fine."])
def test_no_post_covid_without_its_symptoms(text):
    assert not [f for f in conditions(text) if f.concept == "post_covid_condition"]


# --- a bracketed restatement inside a term -----------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("I am booked for keyhole (arthroscopic) shoulder surgery next month.", "shoulder_arthroscopy"),
    ("He is having keyhole (arthroscopic) surgery on his shoulder.", "shoulder_arthroscopy"),
    ("My wife is booked for a keyhole (arthroscopic) rotator cuff repair.", "shoulder_arthroscopy"),
    ("Arthroscopic (keyhole) shoulder surgery is planned for January.", "shoulder_arthroscopy"),
])
def test_a_bracketed_word_inside_a_term(text, concept):
    assert concept in {f.concept for f in extract(text, today=TODAY)}


def test_an_abbreviation_in_brackets_is_left_to_its_rules():
    rule = build_rule("Participant has a known history of human immunodeficiency virus [HIV] infection. No HIV "
                      "testing is required unless mandated by a local health authority.", "exclusion")
    assert rule == {"type": "history", "concept": "hiv"}


def test_a_bracket_outside_a_term_changes_nothing():
    facts = extract("I take metformin (500 mg) twice a day.", today=TODAY)
    assert [f.concept for f in facts if f.label == "DRUG"] == ["metformin"]


# --- trials for a linked condition come after, and the reply says why --------------------------

def test_the_linked_header_says_they_come_after():
    texts = load_texts()
    for role in ("patient", "clinician"):
        assert "after" in texts.text("linked_header", role)
    assert "can come with the one you told me of" in texts.text("linked_header", "patient")
    assert "之后" in texts.text("linked_header", "patient", "zh")
