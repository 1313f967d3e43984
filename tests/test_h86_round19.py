"""h86, round 19 (issue #13): referral letters and notes in new formats (US H&P and discharge
summaries, MDT outcomes, emails, letters by non-native writers, impressions naming outcomes,
medication tables): classes found by writing new letters (letter-191 .. letter-210)."""
from __future__ import annotations

from datetime import date

import pytest

from benchmarks.assertion import predicted_assertion
from nlp.components.letter_date import letter_date
from nlp.pipeline import extract

TODAY = date(2026, 12, 5)


def _fact(text, concept, nth=0, today=TODAY):
    facts = [f for f in extract(text, today=today) if f.concept == concept]
    return facts[nth]


def _time(text, concept, nth=0):
    return predicted_assertion(_fact(text, concept, nth))[2]


# --- a failure said of a treatment the letter names as taken now --------------------------------

def test_an_impressions_failure_of_a_drug_taken_now_is_a_failure_while_taken():
    text = ("Current treatment: hydroxychloroquine 200 mg od, azathioprine 100 mg od.\n"
            "Impression: moderately active SLE despite anifrolumab and azathioprine.")
    aza = _fact(text, "azathioprine", 1)
    assert aza.status == "failed" and aza.ongoing and _time(text, "azathioprine", 1) == "current"


def test_an_impressions_failure_of_a_drug_listed_nowhere_as_current_is_over():
    text = ("Impression: active SLE, refractory despite anifrolumab and azathioprine.\n"
            "Current treatment: prednisolone 15 mg.")
    for concept in ("anifrolumab", "azathioprine"):
        fact = _fact(text, concept)
        assert fact.status == "failed" and _time(text, concept) == "past"


def test_a_failed_course_on_a_dated_line_stays_a_course_of_then():
    text = ("Treatment: hATG + ciclosporin + eltrombopag 06/2024 - no response at 6 months.\n"
            "Medications: ciclosporin 150 mg bd, aciclovir 400 mg bd.")
    assert _time(text, "cyclosporine", 0) == "past"


def test_refractory_disease_with_its_class_after_treatments_names_them_failed():
    fact = _fact("Impression: refractory class III/V lupus nephritis after cyclophosphamide, MMF and rituximab.",
                 "mycophenolate")
    assert fact.status == "failed"


def test_a_plan_line_that_tells_a_failure_is_no_plan_of_those_drugs():
    fact = _fact("Plan: progressive SSc-ILD despite MMF, tocilizumab and nintedanib. Query eligibility for a CAR-T.",
                 "nintedanib")
    assert fact.status == "failed" and not fact.hypothetical


# --- why a treatment stopped ---------------------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("Rx hx: tofacitinib 2023-2024 (DVT); sarilumab 2024-present.", "deep_vein_thrombosis"),
    ("Prior tx: eltrombopag 2023-2025 (hepatotoxicity), fostamatinib (stopped after 2 mo, HTN).", "hypertension"),
    ("leflunomide 2014-2016 (hypertension and raised ALT), hydroxychloroquine since 2016.", "alt"),
])
def test_what_the_bracket_after_a_treatment_that_is_over_names_is_of_then(text, concept):
    assert _time(text, concept) == "past"


@pytest.mark.parametrize("text, concept", [
    ("Meds: apixaban (AF), omeprazole (GERD).", "arrhythmia"),
    ("Nelarabine x2 cycles: no response (blasts 41%).", "blasts"),
])
def test_a_bracket_after_a_treatment_taken_now_or_after_its_outcome_is_of_now(text, concept):
    assert _time(text, concept) == "current"


# --- courses with a count -------------------------------------------------------------------------

@pytest.mark.parametrize("text, concepts", [
    ("Received IVIG 1 g/kg x 2 and methylprednisolone 1 g x 3 with plt recovery to 61K.",
     ("ivig", "methylprednisolone")),
    ("Rx: pulse methylpred x3, PLEX x7, rituximab 375 mg/m2 x4 + cyclophosphamide 500 mg x6.",
     ("rituximab", "cyclophosphamide")),
])
def test_a_course_with_its_count_listed_after_a_finished_one_is_finished(text, concepts):
    for concept in concepts:
        assert _time(text, concept) == "past"


def test_a_planned_course_with_a_count_stays_planned():
    fact = _fact("Plan: IVIG 1 g/kg x2, dexamethasone 40 mg x4 days.", "dexamethasone")
    assert fact.hypothetical


# --- a treatment named as the cause of a harm ------------------------------------------------------

def test_the_steroid_of_steroid_induced_diabetes_is_of_then():
    text = "Complications: steroid-induced hyperglycemia. Discharge meds: prednisone 40 mg daily."
    assert _time(text, "glucocorticoid") == "past"
    assert _time(text, "prednisone") == "current"


# --- medication tables ------------------------------------------------------------------------------

def test_a_table_row_with_a_start_and_a_stop_is_over_and_an_ongoing_row_is_not():
    text = ("| drug | start | stop | reason stopped |\n"
            "| prednisolone | 2012 | 2014 | weaned, growth concerns |\n"
            "| canakinumab | 2023 | - | ongoing, partial response |")
    assert _time(text, "prednisone") == "past"
    assert _time(text, "canakinumab") == "current"


# --- a test to be done ------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Recommendation: PET-CT to restage before screening; hepatitis B and HIV serology.",
    "Plan: check HIV serology.",
])
def test_an_infection_named_as_a_test_on_a_plan_line_is_not_a_finding(text):
    fact = _fact(text, "hiv")
    assert fact.hypothetical and not fact.negated


def test_an_infection_treated_on_a_plan_line_stays_the_patients():
    fact = _fact("Plan: continue antiretrovirals for HIV.", "hiv")
    assert not fact.hypothetical


def test_eval_for_a_trial_is_a_question():
    assert _fact("Follow-up: heme clinic 1 wk; eval for clinical trial (CAR-T).", "car_t").hypothetical


# --- dates --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, written", [
    ("HISTORY AND PHYSICAL\nDate of service: 03/14/2025\nCC: leg swelling", date(2025, 3, 14)),
    ("Pulmonary clinic - H&P\nDate: 11/20/2024\n45F, dcSSc", date(2024, 11, 20)),
    ("Clinic letter\nDate: 02.06.2025\nDear Dr A", date(2025, 6, 2)),
])
def test_a_us_header_date_is_read_month_first_when_day_first_is_impossible(text, written):
    assert letter_date(text, TODAY) == written


def test_an_undated_letters_newest_dated_value_is_current():
    text = ("Rheumatology referral - SLE\nDx SLE 2017.\nAnifrolumab 300 mg monthly since 06/2025.\n"
            "Bloods 10/2025: C3 0.62 g/L, C4 0.08 g/L, dsDNA 210 IU/mL.")
    assert _time(text, "complement_c3") == "current"


def test_an_undated_letters_earlier_value_with_a_later_one_stays_past():
    text = ("Dear Colleague,\n3rd line: VenR 2023-2025, progressed on therapy 07/2025 (lymphocytes 86, nodes).\n"
            "Current: Hb 112, lymphocytes 118 x10^9/L.")
    assert _time(text, "alc", 0) == "past"
    assert _time(text, "alc", 1) == "current"


def test_a_message_dated_long_ago_keeps_its_value_past():
    assert _time("my platelets were 20 in march 2025", "platelets") == "past"


# --- an earlier value of an analyte followed by a later one ----------------------------------------

def test_a_documents_value_tied_to_an_event_and_followed_by_a_later_one_is_past():
    text = ("Summary: relapsed 09/2024 (marrow 38% blasts, CD7 positive).\n"
            "Nelarabine x2 cycles: no response (blasts 41%).")
    assert _time(text, "blasts", 0) == "past"
    assert _time(text, "blasts", 1) == "current"


def test_two_values_of_one_message_are_both_of_now():
    text = "Blasts 0% in PB, BM blasts 9%. Hb 92 g/L."
    assert _time(text, "blasts", 0) == "current" and _time(text, "blasts", 1) == "current"


def test_a_documents_value_not_tied_to_a_time_keeps_its_now():
    text = "Labs: Hb 96 g/L, plt 142.\nRepeat labs: Hb 94 g/L."
    assert _time(text, "hemoglobin", 0) == "current"
