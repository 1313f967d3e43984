"""Round 21 (h97, issue #14): no false exclusions on the real registry trials.

Each class is tested in new wordings, never a gold row's text:

- a supportive-care trial whose title names its people by what they receive ("... in Children
  Receiving Highly Emetogenic Chemotherapy", filed under "Hematopoietic System--Cancer") is
  for a child with any cancer on such chemotherapy: its gate rules no one out by diagnosis;
- cancer anorexia-cachexia is a complication of any cancer: a cachexia trial is a cancer
  patient's (the weight loss is for the trial team), never ruled out by the cancer named;
- migraine is no central nervous system disorder (a CAR-T trial's CNS exclusion);
- "X-naive" / "naive to X" is never had X, and the negation stays on X;
- a screen with its tests between it and a negative result is no disease;
- a medicine "for my blood pressure" is hypertension.

The gate stays sharp elsewhere: a rule-out cites the trial's conditions and the patient's
diagnosis, and an unknown diagnosis never rules a trial out.
"""
from __future__ import annotations

import re
from datetime import date

import pytest

from core.facts import Profile
from data.condition_names import receiving_words
from data.limits import hard_limits
from data.rule_nodes import at_risk_of, condition_target, receiving_population
from data.store import condition_index
from data.terminology import load_terminology
from data.trials import load_trials
from matching.engine import match
from nlp import extract
from shared_records import record

TODAY = date(2026, 12, 5)



def bundled(trial_id: str) -> dict:
    return next(t for t in load_trials() if t["id"] == trial_id)


def judged(text: str, trial: dict):
    return match(Profile(extract(text)), [trial], today=TODAY)[0]


def criterion(result, cid: str):
    return next(c for c in result.top if c.id == cid)


def facts(text: str, label: str, concept: str):
    return [f for f in extract(text) if f.label == label and f.concept == concept]


# --- people named by what they receive -----------------------------------------------------------

def test_the_receiving_words_are_read_from_the_evidence_file():
    receiving, people = receiving_words()
    assert receiving.search("in Children Receiving Highly Emetogenic Chemotherapy")
    assert receiving.search("Adults Undergoing Stem Cell Transplantation")
    assert people.fullmatch("Children") and people.fullmatch("patients") and not people.fullmatch("cancer")


def test_a_trial_whose_people_receive_a_treatment_rules_no_one_out_by_diagnosis():
    trial = record("NCT03118986")
    assert at_risk_of(trial) == []
    assert receiving_population(trial) == ["Children Receiving Highly Emetogenic Chemotherapy"]
    assert hard_limits(trial)["conditions"] == 0 and condition_index(trial) == []
    target = condition_target(trial)
    assert target["rule"]["any"][0]["type"] == "target_condition"      # a blood cancer still fits best
    assert "Children Receiving Highly Emetogenic Chemotherapy" in target["text"]


@pytest.mark.parametrize("text", [
    "My son is 10 and has Ewing sarcoma. He is getting ifosfamide and doxorubicin and has been throwing up "
    "for days after each cycle even with the anti-sickness medicine.",
    "11F hepatoblastoma on cisplatin-based chemotherapy, severe emesis despite ondansetron and dexamethasone.",
])
def test_a_child_with_a_solid_tumour_on_emetogenic_chemotherapy_is_not_ruled_out_of_the_antiemetic_study(text):
    result = judged(text, record("NCT03118986"))
    assert criterion(result, "elig-condition").status != "fail"
    assert result.verdict != "ineligible"


@pytest.mark.parametrize("trial_id", [
    "NCT07367269",     # "in Breast Cancer Patients Receiving Outpatient Chemotherapy": for breast cancer
    "NCT00089661",     # "Subjects Undergoing Aromatase Inhibitor Therapy for Non-metastatic Breast Cancer"
    "NCT05949684",     # "Participants With MDS and Anemia Not Receiving Blood Transfusions"
    "NCT06120491",     # "Men With mCSPC Receiving Physician's Choice New Hormonal Agents"
    "NCT04809324",     # "Patients Undergoing Surgery for Oral Cavity Squamous Cell Carcinoma"
    "NCT05317416",     # "Patients With NDMM After Undergoing Autologous Stem-Cell Transplantation"
])
def test_a_trial_whose_people_have_a_disease_keeps_its_sharp_gate(trial_id):
    trial = record(trial_id)
    assert receiving_population(trial) == []
    assert condition_target(trial)["rule"]["type"] == "target_condition"


def test_a_rule_out_by_condition_cites_the_trials_conditions_and_the_patients_diagnosis():
    result = judged("My husband is 50 and has Crohn's disease; infliximab and adalimumab stopped working.",
                    record("NCT07367269"))       # breast cancer patients receiving chemotherapy
    condition = criterion(result, "elig-condition")
    assert result.verdict == "ineligible" and condition.status == "fail"
    reasons = " ".join(e.reason for e in condition.evidence)
    assert "Breast Cancer" in condition.text
    assert re.search(r"crohn", reasons, re.IGNORECASE)
    assert any(e.facts for e in condition.evidence)


def test_an_unknown_diagnosis_never_rules_a_trial_out_by_condition():
    for trial_id in ("NCT03118986", "NCT05380479", "NCT07367269"):
        result = judged("I'm 40 and would like to join a study. What do you need to know about me?", record(trial_id))
        assert criterion(result, "elig-condition").status != "fail", trial_id


# --- cachexia: a complication of any cancer ---------------------------------------------------------

def test_cancer_cachexia_is_a_complication_of_any_cancer():
    assert "malignancy" in load_terminology()["cancer_cachexia"].attrs.get("complication_of", ())


@pytest.mark.parametrize("text", [
    "58F metastatic gastric adenocarcinoma after two lines. Down 8 kg since the summer, no appetite, ECOG 1.",
    "My dad (63) has stage 4 lung cancer and has lost a lot of weight, he barely eats.",
])
def test_a_patient_with_advanced_cancer_is_not_ruled_out_of_the_cachexia_trial_by_condition(text):
    result = judged(text, record("NCT05380479"))
    assert criterion(result, "elig-condition").status != "fail"


def test_a_patient_without_cancer_is_still_ruled_out_of_the_cachexia_trial():
    result = judged("I'm 35 with Crohn's disease, I've lost 6 kg in a flare.", record("NCT05380479"))
    assert criterion(result, "elig-condition").status == "fail"


# --- migraine is no CNS disorder --------------------------------------------------------------------

def test_migraine_is_no_central_nervous_system_disorder():
    terminology = load_terminology()
    assert not terminology.is_a("migraine", "cns_disorder")
    assert terminology.is_a("epilepsy", "cns_disorder") and terminology.is_a("stroke", "cns_disorder")


def test_a_patient_with_migraine_is_not_ruled_out_by_a_cns_exclusion():
    text = ("My sister is 40, she has had ITP for 6 years, platelets under 10 despite steroids, IVIG, "
            "eltrombopag and rituximab. She also gets migraines.")
    result = judged(text, bundled("NCT07193667"))
    assert criterion(result, "exc-2").status != "fail"
    result = judged(text.replace("She also gets migraines.", "She also has epilepsy."), bundled("NCT07193667"))
    assert criterion(result, "exc-2").status == "fail"


# --- "X-naive": never had X ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, drug", [
    ("Moderate UC, failed adalimumab and golimumab, ustekinumab-naive.", "ustekinumab"),
    ("She is naive to rituximab.", "rituximab"),
    ("55M, TKI-naive CML in chronic phase, anti-TNF naïve.", "anti_tnf"),
])
def test_a_drug_written_naive_is_never_had(text, drug):
    found = facts(text, "DRUG", drug)
    assert found and all(f.negated for f in found)


def test_the_naive_negation_stays_on_its_own_drug():
    found = {f.concept: f for f in extract("Refractory Crohn's: failed infliximab, adalimumab, vedolizumab-naive.")
             if f.label == "DRUG"}
    assert found["vedolizumab"].negated
    assert not found["infliximab"].negated and not found["adalimumab"].negated


def test_a_vedolizumab_naive_patient_is_not_ruled_out_of_the_vedolizumab_study():
    result = judged("44F ulcerative colitis, Mayo 9, failed infliximab and ustekinumab, vedolizumab-naive.",
                    record("NCT05481619"))
    assert result.verdict != "ineligible"


# --- a negative screen with tests between ---------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Polymyositis since 2023, cancer screen with CT chest abdomen pelvis negative.",
    "her malignancy screening was all clear",
])
def test_a_negative_screen_with_words_between_is_no_disease(text):
    found = facts(text, "CONDITION", "malignancy")
    assert found and all(f.negated for f in found)


def test_a_screen_that_found_something_is_not_negated():
    found = [f for f in extract("45M dermatomyositis, malignancy screen including CT showed a lung mass.")
             if f.label == "CONDITION" and f.text.lower() == "malignancy"]
    assert found and not any(f.negated for f in found)


def test_a_dermatomyositis_patient_with_a_negative_cancer_screen_keeps_the_cd19_trial():
    text = ("39F dermatomyositis (anti-NXP2), cancer screen including mammogram and CT negative. "
            "Refractory to steroids, MTX, IVIG and rituximab.")
    result = judged(text, bundled("NCT07193667"))
    assert criterion(result, "exc-5").status != "fail"


# --- a medicine for one's blood pressure ---------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "My dad takes amlodipine for his blood pressure.",
    "Mum's blood pressure has been treated with ramipril for years.",
    "Her blood pressure is controlled with losartan.",
])
def test_a_medicine_for_the_blood_pressure_is_hypertension(text):
    assert facts(text, "CONDITION", "hypertension")


@pytest.mark.parametrize("text", [
    "I went in for my blood pressure check and it was fine.",
    "My low blood pressure makes me dizzy.",
])
def test_a_blood_pressure_check_or_a_low_one_is_no_hypertension(text):
    assert not facts(text, "CONDITION", "hypertension")


def test_a_child_with_a_disease_of_no_such_kind_is_still_ruled_out_of_the_antiemetic_study():
    # the listed diseases are the setting: another cancer passes, an ITP child does not
    result = judged("My son is 12 and has ITP, platelets 15, he has had steroids and IVIG.", record("NCT03118986"))
    condition = criterion(result, "elig-condition")
    assert result.verdict == "ineligible" and condition.status == "fail"
    assert "Hematopoietic System--Cancer" in condition.text
