"""Round 33 (h156, issue #13): clinicians' letters, real notes and clinicians' messages read
right: a "Re:" subject line naming the patient is no request, a plan line ends at the next
heading and at a drug said to be taken, an episode's treatment in the bracket after it ends with
the episode, an illness another came after is of then, a bracket after a treatment not given
says why (not denied), "hx" after an illness, "to be discussed", a disease named before
"referral for trial", "likely a ..." hedges what follows it only, the outcome written after a
treatment's dash ("- partial response", "- rash", "- PD"), "stopped for" a harm or a progression,
a line's "- refractory" followed by a later line, an "or" list opened by a negation whose first
items are unknown, and a repeat reading with its time between name and value. Each test names
a class of phrasing in wordings of its own (not the gold's) and reads it through the real
extraction path."""
from __future__ import annotations

from datetime import date

import pytest

from assertion_helpers import NOW, PAST, one_at
from benchmarks.assertion import predicted_assertion
from nlp.pipeline import extract

TODAY = date(2026, 12, 7)
ABSENT = ("absent", "patient", "current")
HYPOTHETICAL = ("hypothetical", "patient", "current")
POSSIBLE = ("possible", "patient", "current")


def read(text: str, concept: str) -> tuple[str, str, str]:
    return predicted_assertion(one_at(text, concept, TODAY))


def facts_of(text: str, concept: str) -> list:
    return [f for f in extract(text, today=TODAY) if f.concept == concept]


# --- headings of a letter written as one paragraph ----------------------------------------------

def test_a_re_line_naming_the_patient_is_no_request():
    text = "Re: Mrs D.O., 52, lupus since 2011. Belimumab 2019-2021. Voclosporin 2022."
    assert read(text, "belimumab") == PAST
    assert read(text, "voclosporin") == PAST


def test_a_re_line_asking_for_a_treatment_still_asks():
    assert read("Re: second opinion about CAR-T", "car_t") == HYPOTHETICAL


def test_a_plan_line_ends_at_the_next_heading():
    text = "Plan: start anifrolumab. PMH: asthma. Hep B core antibody positive, on tenofovir."
    assert read(text, "anifrolumab") == HYPOTHETICAL
    assert read(text, "tenofovir") == NOW


def test_a_drug_taken_in_a_later_sentence_of_a_plan_line_is_taken_now():
    text = "Plan: obinutuzumab, then review in clinic. DVT 2024, on edoxaban."
    assert read(text, "obinutuzumab")[0] == "hypothetical"
    assert read(text, "edoxaban") == NOW


# --- an episode and what was done for it ---------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("Still's disease. MAS in 2021 (HDU, anakinra), settled.", "anakinra"),
    ("Pneumocystis pneumonia 2024 (co-trimoxazole), resolved; now on atovaquone.", "co_trimoxazole"),
])
def test_a_treatment_in_the_bracket_of_an_episode_that_ended_is_over(text, concept):
    assert read(text, concept) == PAST


def test_an_episode_dated_after_its_bracket_and_resolved_is_over():
    text = "Febrile neutropenia (Pseudomonas bacteraemia, HDU) 05/2026, resolved. Now on azacitidine."
    assert all(predicted_assertion(f)[2] == "past" for f in facts_of(text, "active_infection"))
    assert read(text, "azacitidine") == NOW


def test_a_treatment_the_bracket_says_goes_on_is_taken_now():
    assert read("PE 2025 (on rivaroxaban), resolved.", "rivaroxaban") == NOW


def test_a_cancer_treated_is_not_over():
    text = "Ovarian cancer 2016 (BRCA1), treated with surgery and carboplatin; peritoneal relapse 2025."
    assert read(text, "ovarian_cancer") == NOW


# --- an illness another came after -----------------------------------------------------------------

def test_a_dated_illness_another_came_after_is_of_then():
    assert read("Mr P, 71, AML (2025) after myelofibrosis (2019; ruxolitinib).", "myelofibrosis") == PAST
    assert read("Mr P, 71, AML (2025) after myelofibrosis (2019; ruxolitinib).", "aml") == NOW


# --- why a treatment was not given ---------------------------------------------------------------

def test_the_illness_in_the_bracket_of_a_treatment_not_given_is_the_patients():
    text = "Not for methotrexate (cirrhosis)."
    assert read(text, "methotrexate")[0] == "absent"
    assert read(text, "cirrhosis") == NOW


def test_a_bracket_that_denies_its_own_reason_keeps_the_denial():
    assert read("Not for rituximab (no hepatitis B).", "hbv")[0] == "absent"


# --- cues ------------------------------------------------------------------------------------------

def test_an_illness_written_before_hx_is_of_the_past():
    text = "Known SLE and ITP hx, on hydroxychloroquine."
    assert read(text, "itp") == PAST
    assert read(text, "sle") == NOW


def test_a_treatment_to_be_discussed_is_not_given():
    assert read("Autologous transplant to be discussed at the next MDT.", "auto_hsct")[0] == "hypothetical"


def test_a_disease_before_referral_for_trial_is_the_patients():
    assert read("Myositis referral for trial. Mr K., 48.", "inflammatory_myopathy") == NOW
    assert read("CAR-T referral for trial.", "car_t") == HYPOTHETICAL


def test_likely_a_hedges_what_follows_it_only():
    text = "Lymph node: ALK negative, likely a peripheral T-cell lymphoma."
    assert read(text, "alk_rearrangement")[0] == "absent"
    assert read(text, "ptcl") == POSSIBLE


# --- outcomes of a line of treatment -------------------------------------------------------------

@pytest.mark.parametrize("text, concept, status", [
    ("Leflunomide x 9/12 - partial response; now on tofacitinib.", "leflunomide", "failed"),
    ("Abatacept 2021-2023, inadequate response only; baricitinib since.", "abatacept", "failed"),
    ("Hydroxychloroquine x 3 yrs - rash; methotrexate since 2023.", "hydroxychloroquine", "intolerant"),
    ("Romidepsin 2025 - PD.", "romidepsin", "failed"),
])
def test_the_outcome_after_a_treatments_dash_is_its_status(text, concept, status):
    assert one_at(text, concept, TODAY).status == status


def test_a_partial_response_of_a_treatment_taken_since_a_date_goes_on():
    fact = one_at("Mycophenolate since 2023 - partial response, BILAG B.", "mycophenolate", TODAY)
    assert fact.status == "failed" and predicted_assertion(fact) == NOW


@pytest.mark.parametrize("text, concept, status", [
    ("Baricitinib 2022-2024, stopped for a pulmonary embolism 03/2024; now abatacept.", "baricitinib", "intolerant"),
    ("Gemcitabine + oxaliplatin 2025, stopped for PD after 3 cycles.", "gemcitabine", "failed"),
    ("Gemcitabine + oxaliplatin 2025, stopped for PD after 3 cycles.", "oxaliplatin", "failed"),
    ("Decitabine x 6 cycles, stopped at progression.", "decitabine", "failed"),
])
def test_a_treatment_stopped_for_a_reason_gets_its_status(text, concept, status):
    assert one_at(text, concept, TODAY).status == status


def test_a_stop_for_a_pregnancy_is_no_failure_or_intolerance():
    assert one_at("Mycophenolate stopped for a pregnancy in 2024.", "mycophenolate", TODAY).status is None


def test_refractory_after_a_line_followed_by_another_line_is_that_lines_outcome():
    text = "Hyper-CVAD 2025 - refractory. Then nelarabine x2, now venetoclax."
    assert predicted_assertion(facts_of(text, "refractory_disease")[0])[2] == "past"


def test_refractory_after_the_last_line_is_the_disease_now():
    text = "Nelarabine x2 (2026) - refractory.\nAllergies: penicillin (rash)."
    assert predicted_assertion(facts_of(text, "refractory_disease")[0]) == NOW


# --- a real note's list and value ------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Ultrasound shows a thick-walled gallbladder without perforation, abscess or free fluid.",
    "No perforation, collection or abscess on CT.",
    "CT: no obstruction, perforation or abscess.",
])
def test_an_or_list_a_negation_opens_with_unknown_items_denies_each(text):
    assert read(text, "active_infection")[0] == "absent"


def test_a_clause_after_the_comma_is_no_item_of_the_list():
    assert read("No fever, she has lupus or RA.", "sle") == NOW


def test_a_repeat_reading_with_its_time_between_name_and_value_is_read():
    values = sorted(f.value for f in facts_of("BP 146/99 at triage. Repeat BP a few hours later was 152/101.", "sbp"))
    assert values == [146, 152]     # both of this visit, as the notes' gold reads them


# --- a start and what the next item says; an event that goes on ------------------------------------

def test_a_stop_said_after_a_semicolon_is_the_next_items():
    text = "Hyper-CVAD started 09/2026; pericardial effusion at diagnosis, drained, resolved."
    fact = one_at(text, "hyper_cvad", TODAY)
    assert fact.status == "current" and predicted_assertion(fact) == NOW


def test_a_dated_infection_said_to_improve_goes_on():
    assert read("Mucormycosis 07/2026 on isavuconazole, improving.", "active_infection") == NOW
    assert read("CMV reactivation 05/2026, resolved.", "cmv")[2] == "past"


def test_a_course_opened_by_now_is_taken_now_whatever_its_count():
    assert read("Relapsed PTCL. Now romidepsin x2 cycles, tolerating well.", "romidepsin") == NOW
    assert read("Romidepsin x2 cycles, then pralatrexate.", "romidepsin")[2] == "past"


def test_the_treatment_in_the_bracket_after_a_treated_episode_is_over():
    assert read("Latent TB treated in 2019 (rifampicin 4/12). Now on adalimumab.", "rifampin") == PAST


def test_an_address_line_ends_with_its_sentence_in_a_one_paragraph_letter():
    text = "To: Dr Okafor. Mrs T.L., 58, limited SSc since 2012, on nifedipine."
    assert read(text, "limited_systemic_sclerosis") == NOW
    assert not facts_of("To: CAR-T referrals, haematology", "car_t")


def test_the_bare_year_after_what_a_treatment_was_for_is_the_treatments():
    assert read("Plasma exchange for crises 2021; rituximab since 2022.", "plasma_exchange")[2] == "past"
    assert one_at("Rituximab for ITP 2019.", "itp", TODAY).date == "2019"
