"""h157, round 33 (issue #14, relevance): a blood pressure said to be normal is no hypertension;
"at least 1 of the following" makes a registry group of alternatives (the orforglipron obesity
trial's weight-related comorbidities, baxdrostat's two subpopulations); a PSA rising in a man on
a hormone medicine for his prostate cancer (or with a castrate testosterone) is castration-
resistant; a trial for the patient's cancer in another setting (prevention, castration-sensitive)
ranks after the baskets fitting the setting; "73 and healthy" says the person is healthy; a study
of ageing ("Aging") is a healthy older person's, one in a particular group of healthy people
("Special Forces Trainees") is not every healthy person's."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from core.facts import Profile
from nlp.pipeline import extract
from assertion_helpers import of
from catalogue_helpers import catalogue_of

TODAY = date(2026, 12, 1)
ROOT = Path(__file__).resolve().parent.parent
CTGOV = ROOT.parent / "shared" / "ctgov"


def _catalogue(tmp_path, ids):
    return catalogue_of(tmp_path, ids)


def _results(catalog, text):
    from matching.pruned import match

    return match(Profile(extract(text, today=TODAY)), catalog, today=TODAY)


def _ranked(catalog, text):
    return [r.id for r in _results(catalog, text) if r.verdict != "ineligible"]


# --- a normal blood pressure ------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "I had a stroke. My blood pressure has always been normal and I take no tablets for it.",
    "He had a small stroke. His blood pressure is fine - he has never needed pills.",
    "BMI 32, no diabetes, blood pressure normal without tablets.",
    "kidneys fine, blood pressure ok.",
])
def test_a_normal_blood_pressure_is_no_hypertension(text):
    assert of(text, "hypertension").negated


@pytest.mark.parametrize("text", [
    "My blood pressure is fine on ramipril alone.",
    "her high blood pressure is fine now",
])
def test_a_treated_or_high_blood_pressure_said_fine_is_not_denied(text):
    assert not any(f.negated for f in extract(text, today=TODAY) if f.concept == "hypertension")


def test_the_obesity_trial_stays_open_to_a_stroke_with_obesity_and_a_normal_blood_pressure(tmp_path):
    # NCT06972459: "BMI >= 30 or BMI >= 25 and at least 1 of the following weight-related
    # comorbidities": its list was read as all of them, so a denied hypertension failed it
    catalog = _catalogue(tmp_path, ["NCT06972459"])
    text = ("I'm 60 (m) and had a stroke a year ago. My blood pressure has always been normal and I "
            "take no tablets for it. BMI 33, no diabetes.")
    verdicts = {r.id: r.verdict for r in _results(catalog, text)}
    assert verdicts["NCT06972459"] != "ineligible"


def test_at_least_1_of_the_following_is_a_group_of_alternatives():
    from registry.ctgov import import_file

    record = import_file(CTGOV / "NCT06344104.json")[0] if CTGOV.is_dir() else pytest.skip("needs ../shared/ctgov")
    groups = [c for c in record["criteria"] if c.get("children") and "at least 1 of the following" in c["text"]]
    assert groups and all(c["combine"] == "any" for c in groups)


# --- castration-resistant in lay words ----------------------------------------------------------
@pytest.mark.parametrize("text", [
    "I'm 72. My prostate cancer has spread to my bones. I'm on Zoladex and abiraterone with prednisolone "
    "and my PSA is creeping up again.",
    "76M prostate adenocarcinoma with bone mets, on an LHRH agonist since 2024; PSA now rising 4 -> 21 "
    "with castrate testosterone.",
    "Dad has prostate cancer, he takes enzalutamide and his PSA is going up.",
])
def test_a_psa_rising_on_hormone_treatment_is_castration_resistant(text):
    assert not of(text, "crpc").negated


def test_a_psa_falling_on_the_injections_is_no_crpc():
    text = "He started hormone injections for prostate cancer last month and his PSA is coming down."
    assert "crpc" not in {f.concept for f in extract(text, today=TODAY)}


def test_a_prevention_trial_ranks_after_the_baskets_for_metastatic_crpc(tmp_path):
    # NCT00056407: REDUCE, "To Reduce The Incidence Of Prostate Cancer"; NCT05380986:
    # camrelizumab + apatinib for solid tumours after one or two lines
    catalog = _catalogue(tmp_path, ["NCT00056407", "NCT05380986"])
    ranked = _ranked(catalog, "I'm 72. My prostate cancer has spread to my bones. I'm on Zoladex and "
                              "abiraterone and my PSA is creeping up again.")
    assert ranked.index("NCT05380986") < ranked.index("NCT00056407")


# --- healthy older people -------------------------------------------------------------------------
def test_an_age_and_healthy_says_healthy():
    fact = of("My mum is 73 and healthy, no diabetes, but she sits in her chair most of the day.", "healthy")
    assert not fact.negated


def test_a_study_of_ageing_ranks_first_for_a_sedentary_healthy_man_of_67(tmp_path):
    # NCT05482711: FAR, condition "Aging", 65+; NCT05381025: kavalactones in healthy special
    # forces trainees (18+, men); it had ranked first for him
    catalog = _catalogue(tmp_path, ["NCT05482711", "NCT05381025"])
    ranked = _ranked(catalog, "I'm 67, a retired bus driver. No health problems and no medicines, but I "
                              "hardly move - I watch TV most of the day. Not diabetic.")
    assert ranked[0] == "NCT05482711"


def test_the_study_of_ageing_is_ruled_out_for_a_healthy_woman_of_30(tmp_path):
    catalog = _catalogue(tmp_path, ["NCT05482711"])
    # ruled out by its ages (65 and over): left out of the results, or shown as ineligible
    verdicts = {r.id: r.verdict for r in _results(catalog, "I'm 30 (f), healthy, no illnesses, no medicines.")}
    assert verdicts.get("NCT05482711", "ineligible") == "ineligible"
