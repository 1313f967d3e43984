"""Round 20 (h92, issue #14): trials whose population is not a disease.

A trial for people AT RISK of its listed condition, or preventing it ("... In Children ... Who
Are At High Risk For Systemic Fungal Infection", filed under Candidiasis; "To Reduce The
Incidence Of Prostate Cancer In Men Who Are At Increased Risk"; "Planned Delivery to Prevent
Preeclampsia") was ruled out for every patient lacking the condition: a child on intensive
chemotherapy was told the voriconazole prophylaxis study was "for Candidiasis; Candidemia".
Its condition gate now never rules out a patient who lacks the condition (any[gate, review]),
and pruning keeps it (no conditions in the index). Every other trial's gate is as sharp as
before: a rule-out still cites the trial's conditions and the patient's diagnosis, and an
unknown diagnosis still rules nothing out. Tested in new wordings, never a gold row's text.
"""
from __future__ import annotations

import re
from datetime import date

import pytest

from core.facts import Profile
from data.condition_names import at_risk_words
from data.limits import hard_limits
from data.rule_nodes import at_risk_of, care_population, condition_target
from data.store import condition_index
from matching.engine import match
from nlp import extract
from shared_records import record

TODAY = date(2026, 12, 5)



def gate(text: str, trial: dict):
    result = match(Profile(extract(text)), [trial], today=TODAY)[0]
    return result, next(c for c in result.top if c.id == "elig-condition")


# --- the at-risk words are data ---------------------------------------------------------------

def test_the_at_risk_phrases_are_read_from_the_evidence_file():
    pattern, not_after = at_risk_words()
    assert pattern.search("Women at Risk of Developing Breast Cancer")
    assert pattern.search("primary PROPHYLAXIS of invasive aspergillosis")
    assert not pattern.search("A Study in Patients With Risky Behaviour")
    assert "worsening" in not_after and "progression" in not_after


# --- which records are for people at risk -------------------------------------------------------

@pytest.mark.parametrize("trial_id, words", [
    ("NCT00739934", "Systemic Fungal Infection"),       # at high risk for; filed Candidiasis + "Infections"
    ("NCT00056407", "Prostate Cancer"),                 # reduce the incidence of
    ("NCT04766866", "Preeclampsia"),                    # prevent
    ("NCT00711529", "Breast Cancer"),                   # women at risk of developing
    ("NCT06209411", "type 2 diabetes mellitus"),        # GDM: at high risk of developing (summary)
])
def test_a_trial_for_people_at_risk_of_its_listed_condition_is_found(trial_id, words):
    assert words.lower() in [w.lower() for w in at_risk_of(record(trial_id))]


@pytest.mark.parametrize("trial_id", [
    "NCT05097287",     # "Prevention of Lung Function Decline in ... Asthma": the patients have asthma
    "NCT06370169",     # "Primary Prophylaxis of Gastric Varices", listed "Gastric Varices Bleeding"
    "NCT05994521",     # "Prophylactic EUS-guided Gastroenterostomy in Advanced Periampullary Cancers"
    "NCT06383390",     # "prevent the worsening of kidney function" in a CKD trial
    "NCT05380934",     # healthy subjects, an RA drug
])
def test_a_trial_for_people_who_have_the_condition_keeps_its_sharp_gate(trial_id):
    # NCT03118986 ("antiemetic prophylaxis" for "Children Receiving Highly Emetogenic
    # Chemotherapy") is no at-risk trial either, but its people are named by what they
    # receive: tests/test_h97_round21.py
    trial = record(trial_id)
    assert at_risk_of(trial) == []
    target = condition_target(trial)
    assert target["rule"]["type"] == "target_condition"


def test_an_at_risk_trial_is_never_pruned_on_conditions():
    trial = record("NCT00739934")
    assert hard_limits(trial)["conditions"] == 0 and condition_index(trial) == []
    target = condition_target(trial)
    assert target["rule"]["any"][0]["type"] == "target_condition"     # a patient with it still fits
    assert "at risk of Systemic Fungal Infection" in target["text"]
    assert "Candidiasis" in target["text"]
    other = record("NCT05097287")
    assert hard_limits(other)["conditions"] > 0 and condition_index(other)


# --- the gate on the real path ---------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "My grandson is 6 and has leukaemia, he is on strong chemotherapy and will be neutropenic for weeks; "
    "the haematologist wants to give him something to stop fungal infections.",
    "7 year old boy with Ewing sarcoma about to start high-dose chemotherapy, antifungal prophylaxis planned.",
])
def test_a_child_at_risk_of_fungal_infection_is_not_ruled_out_of_the_prophylaxis_study(text):
    result, condition = gate(text, record("NCT00739934"))
    assert condition.status != "fail"
    assert result.verdict != "ineligible"


def test_a_man_at_risk_of_prostate_cancer_is_not_ruled_out_of_the_prevention_study():
    result, condition = gate("I am 58, my PSA is 5 and my one prostate biopsy in October was clear. "
                             "I also have high blood pressure.", record("NCT00056407"))
    assert condition.status != "fail"


def test_a_pregnant_woman_with_another_diagnosis_is_not_ruled_out_of_the_preeclampsia_prevention_study():
    _result, condition = gate("I'm 30 and 35 weeks pregnant with my first baby; I have asthma, well controlled.",
                              record("NCT04766866"))
    assert condition.status != "fail"


def test_a_rule_out_by_condition_cites_the_trials_conditions_and_the_patients_diagnosis():
    result, condition = gate("My wife is 41 and has lupus, it keeps flaring despite mycophenolate.",
                             record("NCT05097287"))     # an asthma trial
    assert result.verdict == "ineligible" and condition.status == "fail"
    reasons = " ".join(e.reason for e in condition.evidence)
    assert "Asthma" in condition.text and "asthma" in reasons.lower()     # the trial's conditions
    assert re.search(r"lupus", reasons, re.IGNORECASE)                # the patient's diagnosis
    assert any(e.facts for e in condition.evidence)                  # with the words it rests on


def test_an_unknown_diagnosis_never_rules_a_trial_out_by_condition():
    for trial_id in ("NCT05097287", "NCT00739934", "NCT00056407", "NCT06370169"):
        _result, condition = gate("I'm 45 and would like to take part in a study. What do you need to know?",
                                  record(trial_id))
        assert condition.status != "fail", trial_id


def test_the_sharp_gate_still_rules_out_other_conditions():
    # a man with lupus is not a varices patient, nor an asthma patient: ruled out as before
    for trial_id in ("NCT06370169", "NCT05097287"):
        _result, condition = gate("I'm 45 (m) with lupus, on hydroxychloroquine, joints flaring.", record(trial_id))
        assert condition.status == "fail", trial_id


# --- vaccination studies, procedure populations, a complication of cancer ---------------------

def test_a_vaccination_study_is_for_people_without_the_infection():
    trial = record("NCT00739752")       # "Interventions to Increase HBV Vaccinations in ... STD Clinics"
    assert at_risk_of(trial)
    _result, condition = gate("I'm 23 and was treated for gonorrhoea last week; never had the hepatitis B jab.", trial)
    assert condition.status != "fail"


@pytest.mark.parametrize("trial_id, text", [
    ("NCT05381389", "I'm 52 and fit, booked for keyhole shoulder surgery after a rotator cuff tear; I also have asthma."),
    ("NCT05389579", "My mother is 68 and is having her knee replaced next month; she has type 2 diabetes."),
])
def test_a_trial_listing_only_what_is_done_to_people_rules_no_one_out_by_diagnosis(trial_id, text):
    trial = record(trial_id)
    assert care_population(trial) and hard_limits(trial)["conditions"] == 0
    _result, condition = gate(text, trial)
    assert condition.status != "fail"


def test_a_trial_listing_a_disease_is_no_care_population():
    for trial_id in ("NCT05381779", "NCT06454773", "NCT05097287"):    # post-COVID; prediabetes; asthma
        assert care_population(record(trial_id)) == []

