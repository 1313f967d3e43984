"""h109, round 23 (issue #14, relevance on new kinds of patients).

- A biomarker basket whose two titles name its people once by the top class and once by a
  kind ("Study of LY3537982 in Cancer Patients With a Specific Genetic Mutation (KRAS G12C)" /
  "... in Patients With KRAS G12C-Mutant Advanced Solid Tumors") is for the kind
  (``title_kinds``): the listed organs are its cohorts, and a pretreated oesophageal cancer
  was ruled out of it on the condition gate (rel-852).
- "Indeterminate colitis" / "IBD unclassified" / "IBD-U" is inflammatory bowel disease (the
  family, not yet Crohn's or UC): it named nothing before, and every trial stayed open.
- The mission diseases' non-English names ("maladie de Still de l'adulte", "colite
  ulcéreuse", "polyarthrite rhumatoïde", "artritis reumatoide", "sclérodermie",
  "esclerodermia", "dermatomiositis") are those diseases.
"""
from __future__ import annotations

import pytest

from data.rule_nodes import own_conditions, title_kinds
from gate_helpers import conditions, gate
from shared_records import record


# --- a basket named by the top class and by a kind ------------------------------------------------

def test_a_kras_basket_named_for_cancer_patients_and_solid_tumours_is_for_solid_tumours():
    trial = record("NCT04956640")
    assert "solid_tumor" in title_kinds(trial)
    assert "solid_tumor" in own_conditions(trial)


def test_an_oesophageal_cancer_is_not_ruled_out_of_the_kras_basket_by_condition():
    _result, condition = gate("66M metastatic oesophageal squamous cell carcinoma (liver, nodes), progressed after "
                              "first-line cisplatin/5-FU + nivolumab. ECOG 1.", record("NCT04956640"))
    assert condition.status != "fail"


def test_the_kras_basket_still_rules_out_a_disease_of_another_kind():
    _result, condition = gate("I'm 40 and have had lupus for 8 years, rituximab did not help.", record("NCT04956640"))
    assert condition.status == "fail"


def test_a_single_listed_condition_under_cancer_alone_gains_no_kind():
    # "cancer" in "Oral Cancer" is no kind the title chose (the rule for one listed condition is as before)
    assert title_kinds(record("NCT06737822")) == []


# --- indeterminate colitis --------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "they can't decide if it's crohns or ulcerative colitis, they call it indeterminate colitis. I'm 30.",
    "62F, IBD-U since 2019, failed infliximab.",
    "He has inflammatory bowel disease, unclassified, on vedolizumab.",
])
def test_indeterminate_colitis_is_inflammatory_bowel_disease(text):
    assert "ibd" in conditions(text)


def test_indeterminate_colitis_keeps_the_ibd_arm_of_the_cd7_trial_open_and_rules_out_others():
    text = "they call it indeterminate colitis, not sure if crohns or UC. I'm 30, infliximab and vedolizumab failed."
    _result, condition = gate(text, record("NCT04638790"))       # a Hodgkin lymphoma trial
    assert condition.status == "fail"


# --- non-English names of the mission diseases ------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("I'm 31, French, diagnosed with 'maladie de Still de l'adulte' two years ago.", "adult_onset_stills_disease"),
    ("I am 45 and have enfermedad de Still del adulto.", "adult_onset_stills_disease"),
    ("I have colite ulcéreuse since 2018, failed infliximab", "ulcerative_colitis"),
    ("rectocolite hémorragique depuis 2015", "ulcerative_colitis"),
    ("polyarthrite rhumatoïde since 2010, methotrexate failed", "rheumatoid_arthritis"),
    ("I have artritis reumatoide and take methotrexate", "rheumatoid_arthritis"),
    # its form said after it is that kind (lead, round 31: "scleroderma, the diffuse type")
    ("I have sclérodermie, the diffuse form", "diffuse_systemic_sclerosis"),
    ("diagnosed with esclerodermia in Spain in 2021", "systemic_sclerosis"),
    ("I am 19 and have juvenile dermatomiositis with calcinosis.", "dermatomyositis"),
])
def test_a_mission_disease_by_its_non_english_name(text, concept):
    assert concept in conditions(text)


@pytest.mark.parametrize("text", [
    "I still have pain in my hands.",
    "The maladie was not named; the pain is still there.",
])
def test_the_english_word_still_is_no_disease(text):
    assert "adult_onset_stills_disease" not in conditions(text)
