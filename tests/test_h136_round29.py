"""Round 29 (h136, issue #13): physicians' notes and referral letters read right: weights of an
earlier time, a treatment failed in a dated relapse, a treatment judged unnecessary, febrile and
provoked seizures, a test's name, stop remarks in a medication list, plans that wait for an
illness to resolve. Each test names a class of phrasing in wordings of its own (not the gold's)
and reads it through the real extraction path."""
from __future__ import annotations

from datetime import date

from benchmarks.assertion import predicted_assertion
from nlp.pipeline import extract

NOW = ("present", "patient", "current")
PAST = ("present", "patient", "past")
TODAY = date(2026, 12, 6)


def facts(text: str) -> list:
    return extract(text, today=TODAY)


def of(text: str, concept: str) -> list:
    return [f for f in facts(text) if f.concept == concept and f.label != "ALLERGY"]


def one(text: str, concept: str):
    found = of(text, concept)
    assert len(found) == 1, (text, [(f.label, f.concept) for f in facts(text)])
    return found[0]


def read(text: str, concept: str) -> tuple[str, str, str]:
    return predicted_assertion(one(text, concept))


# --- a weight of an earlier time ------------------------------------------------------------

def test_a_weight_dated_earlier_is_past_and_the_one_now_is_current():
    weights = of("She weighed 102 kg in 2022 and is 88 kg today.", "weight")
    assert [(w.value, predicted_assertion(w)) for w in weights] == [(102, PAST), (88, NOW)]
    weights = of("wt 77 kg last year, now 70 kg", "weight")
    assert [(w.value, predicted_assertion(w)) for w in weights] == [(77, PAST), (70, NOW)]


def test_a_weight_said_with_a_word_of_then_is_past():
    weights = of("His weight dropped from 81 kg to 72 kg since the spring.", "weight")
    assert [(w.value, predicted_assertion(w)) for w in weights] == [(81, PAST), (72, NOW)]
    weights = of("Weight 66 kg (70 kg at his last review).", "weight")
    assert [(w.value, predicted_assertion(w)) for w in weights] == [(66, NOW), (70, PAST)]
    assert predicted_assertion(one("Weight 58 kg.", "weight")) == NOW


def test_a_weight_date_dates_no_treatment_after_it():
    assert read("weight 95 kg last year now 90 kg, on empagliflozin and furosemide.", "empagliflozin") == NOW


# --- a treatment in a dated relapse -----------------------------------------------------------

def test_a_relapse_dated_in_a_past_clause_fails_the_treatment_it_happened_on():
    fact = one("Flared in mid 2022 while on azathioprine, then switched to rituximab.", "azathioprine")
    assert fact.status == "failed" and predicted_assertion(fact) == PAST
    fact = one("Her ITP relapsed in 03/2023 whilst taking eltrombopag; now on avatrombopag.", "eltrombopag")
    assert fact.status == "failed" and predicted_assertion(fact) == PAST
    assert read("Her ITP relapsed in 03/2023 whilst taking eltrombopag; now on avatrombopag.", "avatrombopag") == NOW


def test_a_recent_relapse_on_a_maintenance_is_not_read_as_dated_past():
    # no "in" before the date nor "while" after it: a relapse on a maintenance still given
    assert read("Third relapse 10/2025 on rituximab: rising creatinine.", "rituximab") == NOW


# --- a treatment judged unnecessary -------------------------------------------------------------

def test_a_treatment_not_needed_is_not_taken_and_its_disease_stays():
    text = "Anticoagulation is not required for her atrial fibrillation (CHA2DS2-VASc 0)."
    assert read(text, "anticoagulant")[0] == "absent"
    assert read(text, "arrhythmia") == NOW
    assert read("Statins not warranted at present.", "statin")[0] == "absent"


# --- seizures that are events with a cause -------------------------------------------------------

def test_a_febrile_or_provoked_seizure_is_no_epilepsy():
    assert of("Toddler with three febrile convulsions, otherwise well.", "epilepsy") == []
    assert of("One generalised seizure in 2020 secondary to hypoglycaemia.", "epilepsy") == []
    assert of("She had a hyponatraemic seizure on the ward.", "epilepsy") == []


def test_epilepsy_and_a_denied_seizure_history_stay():
    assert read("Known epilepsy on levetiracetam.", "epilepsy") == NOW
    assert read("No history of seizures.", "epilepsy")[0] == "absent"
    assert read("NPSLE (seizures 2023)", "epilepsy")[2] == "past"


# --- a disease named as a test -----------------------------------------------------------------

def test_a_disease_before_panel_names_a_test_and_a_screen_stays_the_disease_looked_for():
    assert of("Myositis panel negative; CK 150.", "inflammatory_myopathy") == []
    assert read("Myositis diagnosed 2019, CK 4000.", "inflammatory_myopathy") == NOW
    assert read("Malignancy screen 2023 was negative.", "malignancy")[0] == "absent"


# --- a medication list with remarks in brackets ---------------------------------------------------

def test_a_stop_remark_in_a_bracket_stays_its_drugs():
    text = "Medications: apixaban 5 mg bd, sertraline, ramipril (discontinued 2024, cough), gabapentin (stopped on admission)."
    assert read(text, "sertraline") == NOW
    assert read(text, "apixaban") == NOW
    assert read(text, "ramipril") == PAST
    assert read(text, "gabapentin") == PAST


def test_a_harm_after_a_dash_is_the_listed_drugs():
    fact = one("Previous: leflunomide (stopped 2021), methotrexate - raised ALT.", "methotrexate")
    assert fact.status == "intolerant"


def test_a_remark_after_a_habit_stays_its_own():
    assert read("Ex-smoker (quit 2015) and drinks alcohol socially.", "alcohol_use") == NOW


# --- plans and holds -----------------------------------------------------------------------------

def test_a_treatment_held_on_admission_is_not_taken_now():
    assert read("Her tocilizumab and methotrexate were withheld on admission.", "tocilizumab") == PAST


def test_a_treatment_that_can_start_later_is_planned():
    assert read("Adalimumab can be started once the TB treatment is under way.", "adalimumab")[0] == "hypothetical"


def test_an_illness_whose_resolution_is_awaited_is_there_now():
    text = "Hold rituximab until the infection has resolved."
    assert read(text, "active_infection") == NOW
    assert read("The pneumonia has resolved.", "active_infection")[2] == "past"


def test_an_illness_of_the_teens_is_past_and_a_value_in_the_teens_is_not():
    assert read("bulimia nervosa in his teens, well since", "eating_disorder") == PAST
    assert predicted_assertion(one("platelets in the teens again", "platelets")) == NOW


def test_a_transplant_for_an_organ_failure_makes_the_failure_past():
    assert read("Renal transplant 2018 for ESRD secondary to IgA nephropathy.", "esrd") == PAST
    assert read("ESRD on haemodialysis, awaiting assessment.", "esrd") == NOW


# --- a service named by an infection or a pregnancy word ------------------------------------------

def test_a_service_named_by_an_infection_or_pregnancy_word_is_no_fact():
    assert of("Infectious diseases consult for a 40 yo with fever.", "active_infection") == []
    assert of("Plan: early pregnancy unit review next week.", "pregnant") == []
    assert read("She has a urinary infection and is pregnant.", "pregnant") == NOW


def test_a_result_said_of_a_whole_list_reaches_past_an_unknown_item():
    text = "ANA, anti-CCP, myositis panel and ANCA all negative."
    for concept in ("ana", "anti_ccp", "anca"):
        assert read(text, concept)[0] == "absent", concept


def test_a_named_sensitizing_egfr_mutation_and_a_brca_germline_mutation_are_read():
    fact = one("Stage IV adenocarcinoma of the lung, EGFR L858R, PD-L1 10%.", "egfr_sensitizing_mutation")
    assert predicted_assertion(fact) == NOW
    assert read("Ovarian cancer with a BRCA2 germline mutation.", "brca_mutation") == NOW
    assert of("eGFR 48, creatinine 1.3", "egfr_sensitizing_mutation") == []
