"""h183, round 38 (issue #14, relevance): ranking and gating on the real registry trials.

* An operation on a cancer said without its kind ("since my breast cancer operation", "surgery
  for her bowel cancer", "had his glioblastoma removed", "breast cancer, operated in 2023") is the
  cancer's removal: the cancer's setting is resected, so the trials for advanced or metastatic
  disease rank after those for early disease. Only when one kind of cancer is stated, and never
  when the operation is denied or the cancer has spread.
* A trial whose title joins two of its listed conditions with "and" ("... in Participants With
  Hypertension and Obesity or Overweight", listed as Hypertension; Overweight or Obesity) is for
  people with each: a normal blood pressure rules it out though the person is obese. One listed
  name holding both ("Chronic Kidney Disease and Hypertension") and "with and without", "and
  other solid tumours" join nothing.
* A person booked for an operation a trial's people are having ("arthroscopic shoulder surgery",
  "a total knee replacement") names it: the trial ranks first among the open ones.
* "My blood pressure has never been high" denies hypertension as "has always been normal" does
  (not when treated, one reading or a named hypertension).
"""
from __future__ import annotations

from datetime import date

import pytest

from benchmarks.relevance import CTGOV_DIR
from core.facts import Profile
from data.rule_nodes import condition_target, title_joins
from data.store import open_store
from data.terminology import load_terminology
from matching.catalog import TrialCatalog
from matching.pruned import match
from matching.status_trials import patient_settings
from nlp.pipeline import extract
from registry.run import apply, plan, read_files, stored_trials

TODAY = date(2026, 12, 7)
EARLY = "NCT05774951"         # camizestrant in ER+/HER2- early breast cancer after 2 years of ET
ADVANCED = "NCT04862663"      # capivasertib for advanced/metastatic HR+/HER2- breast cancer
HTN_OBESITY = "NCT06948435"   # orforglipron, hypertension and obesity or overweight (listed both)
OBESITY = "NCT06993792"       # orforglipron, obesity or overweight with and without T2D
CKD_HTN = "NCT06268873"       # baxdrostat, listed "Chronic Kidney Disease and Hypertension"
SHOULDER = "NCT05381389"      # interscalene block in arthroscopic shoulder surgery (listed: Analgesia)
KNEE = "NCT05389579"          # postoperative hypothermia in total knee arthroplasty
OTHERS = ("NCT00739752", "NCT00711529", "NCT05380778", "NCT04809324")


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    db = open_store(str(tmp_path_factory.mktemp("h183") / "t.db"))
    ids = (EARLY, ADVANCED, HTN_OBESITY, OBESITY, CKD_HTN, SHOULDER, KNEE, *OTHERS)
    apply(db, plan(read_files([CTGOV_DIR / f"{n}.json" for n in ids]), stored_trials(db)))
    return TrialCatalog(db)


def ranked(catalog, text):
    return match(Profile(extract(text, today=TODAY)), catalog, today=TODAY)


def settings(text):
    return patient_settings(Profile(extract(text, today=TODAY)), load_terminology())


def verdicts(catalog, text):
    return {r.id: r.verdict for r in ranked(catalog, text)}


# --- an operation on the cancer said without its kind ---------------------------------------

@pytest.mark.parametrize("text", [
    "I'm 54 and have been taking letrozole for three years since my breast cancer operation.",
    "my mum had breast cancer surgery in 2023 and has been on exemestane since then",
    "I had surgery for breast cancer in 2022 and now take anastrozole",
    "She had an operation for her breast cancer two years ago, on tamoxifen since",
    "breast cancer, operated in 2023, on letrozole",
    "had my breast cancer removed in 2022, all clear since",
])
def test_an_operation_on_the_cancer_makes_its_setting_resected(text):
    assert "resected" in settings(text)


@pytest.mark.parametrize("text", [
    "He had bowel cancer surgery last year",
    "My husband had his glioblastoma removed in June, then radiotherapy with temozolomide",
])
def test_the_same_for_other_cancers(text):
    assert "resected" in settings(text)


@pytest.mark.parametrize("text", [
    "I had an operation for my breast cancer, now it has spread to my liver",
    "no surgery for her breast cancer, only chemo and letrozole",
    "I had breast cancer surgery in 2012 and now I have ovarian cancer",
    "she will have surgery for her breast cancer next month",
    "knee operation in 2020. breast cancer on letrozole",
])
def test_no_resected_setting_when_spread_denied_planned_another_cancer_or_another_operation(text):
    assert "resected" not in settings(text)


@pytest.mark.parametrize("text", [
    "I'm 54 and have been taking letrozole for about three years since my breast cancer operation. "
    "It was oestrogen receptor positive. All fine so far.",
    "my mum (61) had breast cancer surgery in 2023 and has been on exemestane since then. she's well.",
])
def test_the_early_breast_cancer_trial_ranks_before_the_advanced_one(catalog, text):
    order = [r.id for r in ranked(catalog, text)]
    assert order.index(EARLY) < order.index(ADVANCED)
    got = verdicts(catalog, text)
    assert got[ADVANCED] != "ineligible"        # ranked lower, never ruled out on it


# --- conditions a title joins with "and" ---------------------------------------------------

@pytest.mark.parametrize("text", [
    "My husband (58) had a heart attack two years ago and has a stent. His BMI is 35. He isn't diabetic and "
    "his blood pressure is normal, 120/76, without any tablets for it.",
    "I'm 44 (f), BMI 37. My blood pressure has always been normal.",
    "I'm 55, type 2 diabetes, BMI 33, blood pressure normal",
])
def test_a_normal_blood_pressure_rules_out_the_hypertension_and_obesity_trial(catalog, text):
    results = {r.id: r for r in ranked(catalog, text)}
    assert results[HTN_OBESITY].verdict == "ineligible"
    gate = next(c for c in results[HTN_OBESITY].top if c.id == "elig-condition")
    assert gate.status == "fail" and "no hypertension" in " ".join(e.reason for e in gate.evidence)
    assert results[OBESITY].verdict != "ineligible"     # the obesity trial stays open


@pytest.mark.parametrize("text", [
    "I'm 44 (f), BMI 37, I'd like a weight loss study.",            # blood pressure not said
    "I'm 50, BMI 34 and high blood pressure on amlodipine.",
    "I'm 50, BMI 34, my blood pressure is fine on ramipril.",       # a treated hypertension
])
def test_the_joined_trial_stays_open_without_a_denial(catalog, text):
    assert verdicts(catalog, text)[HTN_OBESITY] != "ineligible"


def test_a_ckd_patient_with_a_normal_blood_pressure_keeps_the_ckd_and_hypertension_trial(catalog):
    # listed as one name, "Chronic Kidney Disease and Hypertension": the CKD meets it as written
    # (its own criterion, "history of HTN and a SBP >= 130 mmHg", may rule it out; its gate does not)
    for text in ("My mum (70) has polycystic kidneys, working at about 35 percent now. Her blood pressure has "
                 "always been normal.", "I'm 61 with chronic kidney disease, BP 118/72."):
        result = next(r for r in ranked(catalog, text) if r.id == CKD_HTN)
        assert not result.off_condition


def test_which_titles_join_their_listed_conditions():
    def joined(nct):
        record = read_files([CTGOV_DIR / f"{nct}.json"])[0]
        return bool(condition_target(record)["rule"].get("joined"))
    assert joined(HTN_OBESITY)
    assert not joined(OBESITY)          # "With and Without Type 2 Diabetes"
    assert not joined(CKD_HTN)          # one listed name
    assert not joined("NCT06008288")    # "Pancreatic Cancer and Other Solid Tumors"
    assert title_joins("A Study in Adults With Asthma and Obesity", ["Asthma", "Obesity"])
    assert not title_joins("A Study in Adults With Asthma and Other Lung Diseases", ["Asthma", "Lung Diseases"])


# --- an operation the trial's people are having -----------------------------------------------

@pytest.mark.parametrize("text, trial", [
    ("I'm 41 (m), booked for an arthroscopic shoulder operation (rotator cuff) in three weeks. Is there a study "
     "on the nerve block?", SHOULDER),
    ("My wife (48) is having shoulder arthroscopy next month. Any research about the anaesthetic?", SHOULDER),
    ("My dad (71) is having a total knee replacement next month for his arthritis.", KNEE),
    ("I'm 68 and my TKR is booked for January. Could I help with a study?", KNEE),
])
def test_a_person_booked_for_the_operation_ranks_its_trial_first(catalog, text, trial):
    results = ranked(catalog, text)
    assert results[0].id == trial and results[0].verdict != "ineligible"


# --- a blood pressure said never to have been high ----------------------------------------------

@pytest.mark.parametrize("text", [
    "I'm 62 (m), I had a stroke 18 months ago. BMI 33. My blood pressure has never been high and I'm not diabetic.",
    "her blood pressure isn't high, BMI 36",
    "his blood pressure has never been a problem",
])
def test_a_blood_pressure_never_high_denies_hypertension(text):
    found = [f for f in extract(text, today=TODAY) if f.concept == "hypertension"]
    assert found and all(f.negated for f in found)


@pytest.mark.parametrize("text", [
    "his blood pressure has never been high since he started amlodipine",   # treated
    "my blood pressure is not high now",                                     # one reading
    "my high blood pressure has never been a problem",                       # a hypertension
])
def test_no_denial_when_treated_one_reading_or_named(text):
    assert not [f for f in extract(text, today=TODAY) if f.concept == "hypertension" and f.negated]


def test_a_stroke_patient_whose_blood_pressure_was_never_high_is_ruled_out_of_the_joined_trial(catalog):
    text = "I'm 62 (m), I had a stroke 18 months ago and recovered well. BMI 33. My blood pressure has never been high."
    assert verdicts(catalog, text)[HTN_OBESITY] == "ineligible"
