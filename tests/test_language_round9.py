"""People's language, round 9 (issue #13, helper h35, 2026-12-03): what patients, relatives
and clinicians write in chat, by class. Each test names a general mechanism with wordings of
its own, none copied from a gold message."""
import pytest

from assertion_helpers import of, present
from benchmarks.assertion import predicted_assertion


# --- a treatment taken now (or since a date) that is not working -----------------------------

@pytest.mark.parametrize("text, concept", [
    ("anifrolumab started 4 months ago without any improvement", "anifrolumab"),
    ("Tocilizumab commenced 02/2026 without clinical benefit.", "tocilizumab"),
    ("she has been on benlysta for a year now with no real change", "belimumab"),
    ("on rituximab since march with little response", "rituximab"),
    ("we started cellcept in the summer and it hasnt done anything", "mycophenolate"),
    ("the IVIG did not make any difference", "ivig"),
])
def test_a_treatment_not_working_despite_its_start_is_failed(text, concept):
    assert of(text, concept).status == "failed"


@pytest.mark.parametrize("text, concept", [
    ("started MMF 3 months ago and it is helping", "mycophenolate"),
    ("on hydroxychloroquine since 2019, stable", "hydroxychloroquine"),
])
def test_a_treatment_started_and_working_stays_current(text, concept):
    assert of(text, concept).status == "current"


# --- "X neither / either": the same as the treatment before --------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("R-CHOP didnt work and obinutuzumab neither", "obinutuzumab"),
    ("MMF failed, cyclophosphamide neither", "cyclophosphamide"),
    ("tried humira, no good, cimzia either", "certolizumab"),
])
def test_neither_after_a_failure_is_a_failure_too(text, concept):
    assert of(text, concept).status == "failed"


@pytest.mark.parametrize("text, concept", [
    ("no rituximab, cyclophosphamide neither", "cyclophosphamide"),
    ("not on steroids and methotrexate neither", "methotrexate"),
])
def test_neither_after_a_denial_is_a_denial_too(text, concept):
    assert of(text, concept).negated


def test_neither_with_nothing_said_before_changes_nothing():
    fact = of("she takes plaquenil, and aspirin neither way", "hydroxychloroquine")
    assert fact.status is None or fact.status == "current"
    assert not fact.negated


# --- "never had A or B, only C": C was given -------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("he never got CAR-T or a transplant, only chemotherapy", "chemotherapy"),
    ("never had biologics, just methotrexate and steroids", "methotrexate"),
    ("never had biologics, just methotrexate and steroids", "glucocorticoid"),
    ("Never received rituximab except IVIG.", "ivig"),
])
def test_the_treatment_excepted_from_a_past_denial_was_given(text, concept):
    fact = of(text, concept)
    assert not fact.negated and fact.historical


def test_the_treatment_excepted_from_a_present_denial_is_taken_now():
    fact = of("not on azathioprine or MMF, only hydroxychloroquine", "hydroxychloroquine")
    assert not fact.negated and not fact.historical


def test_the_denied_treatments_stay_denied():
    assert of("he never got CAR-T or a transplant, only chemotherapy", "car_t").negated


# --- seasons date treatments ---------------------------------------------------------------------

def test_a_treatment_on_which_something_happened_last_season_is_over():
    fact = of("she had a bad chest infection on tocilizumab last spring", "tocilizumab")
    assert fact.historical and fact.date == "2026-04"


@pytest.mark.parametrize("text, concept, month", [
    ("on anifrolumab since spring 2025", "anifrolumab", "2025-04"),
    ("Rituximab in winter of 2024, none since", "rituximab", "2024-01"),
])
def test_a_season_and_its_year_date_a_treatment(text, concept, month):
    assert of(text, concept).date == month


def test_a_season_to_come_dates_nothing():
    assert of("we are starting rituximab next spring", "rituximab").date is None


# --- switches ---------------------------------------------------------------------------------

def test_the_treatment_switched_to_is_taken_now_and_the_one_before_is_over():
    text = "they changed her from azathioprine to mycophenolate in 2024"
    assert of(text, "mycophenolate").status == "current"
    assert of(text, "azathioprine").historical


def test_the_treatment_named_before_a_switch_is_over():
    text = "eltrombopag for a year, then the new consultant moved him onto avatrombopag"
    assert of(text, "eltrombopag").historical
    assert of(text, "avatrombopag").status == "current"


# --- infections caught, recovered from, feared ------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("my son caught covid at christmas", "covid"),
    ("she contracted shingles in 2023", "herpes_zoster"),
    ("covid twice last year, recovered both times", "covid"),
])
def test_an_infection_caught_or_recovered_from_is_over(text, concept):
    fact = of(text, concept)
    assert fact.historical and not fact.negated


@pytest.mark.parametrize("text, concept", [
    ("I'm scared I'll catch covid at the infusion unit", "covid"),
    ("worried he might get shingles again on the JAK", "herpes_zoster"),
    ("what happens if she catches covid during chemo", "covid"),
])
def test_an_infection_feared_is_not_had(text, concept):
    fact = of(text, concept)
    assert fact.hypothetical and not present(fact)


def test_an_infection_had_now_stays_current():
    fact = of("he has covid right now", "covid")
    assert present(fact) and fact.status == "positive"


# --- test results around a bracket --------------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("his hep C test (done at the GP) was negative", "hcv"),
    ("HIV serology (May 2026) negative", "hiv"),
])
def test_a_result_after_a_bracketed_aside_is_read(text, concept):
    fact = of(text, concept)
    assert fact.negated and fact.status == "negative"


def test_a_result_after_a_bracketed_aside_can_be_positive():
    fact = of("her hepatitis B test (the one in june) came back positive", "hbv")
    assert not fact.negated and fact.status == "positive"


def test_the_test_named_in_a_bracket_after_a_result_shares_it():
    facts = [f for f in __import__("nlp").extract("TB screen negative (QuantiFERON).") if f.concept == "tuberculosis"]
    assert facts and all(f.negated for f in facts)


# --- treatments before the current one, planned, talked about ------------------------------------------

def test_the_other_treatments_before_the_current_one_are_over():
    text = "she is on her third biologic, cosentyx, the previous ones were enbrel and humira"
    assert of(text, "etanercept").historical and of(text, "adalimumab").historical


@pytest.mark.parametrize("text, concept", [
    ("the flare came so they deferred her cyclophosphamide", "cyclophosphamide"),
    ("Hep B serology before starting rituximab please", "rituximab"),
    ("TB screening prior to tofacitinib", "tofacitinib"),
])
def test_a_treatment_postponed_or_checked_for_is_still_to_come(text, concept):
    assert of(text, concept).hypothetical


def test_a_treatment_started_after_a_past_screen_is_not_planned():
    fact = of("i was treated for latent TB in 2020 before starting humira", "adalimumab")
    assert not fact.hypothetical


def test_a_procedure_discussed_in_shorthand_is_not_done():
    assert of("Splenectomy discussed, family want to wait.", "splenectomy").hypothetical


def test_a_diagnosis_to_rule_out_in_shorthand_is_possible():
    assert of("Fever, neutropenia. Sepsis r/o.", "active_infection").uncertain


def test_a_drug_named_as_exposure_was_taken_before():
    fact = of("Necrotising myopathy, anti-HMGCR positive, statin exposure.", "statin")
    assert predicted_assertion(fact)[2] == "past"


def test_an_infection_checked_before_a_treatment_is_not_known_yet():
    fact = of("Please check hepatitis B serology before the obinutuzumab", "hbv")
    assert fact.uncertain and fact.status is None


def test_plan_opening_a_clinicians_sentence_is_a_treatment_to_come():
    assert of("Plan belimumab.", "belimumab").hypothetical
    assert not of("Plan belimumab, continue MMF.", "mycophenolate").hypothetical


# --- whose illness: a relative's set aside -----------------------------------------------------

def test_a_relatives_illness_set_aside_with_not_me_is_theirs_and_the_writers_is_the_patients():
    text = "my dad has gout, not me. i have psoriatic arthritis"
    assert of(text, "gout").family
    assert not of(text, "psoriatic_arthritis").family


def test_a_relative_set_aside_in_a_bracket_denies_nothing():
    text = "I (not my husband) have crohns. he has asthma"
    crohns = of(text, "crohns_disease")
    assert not crohns.negated and not crohns.family
    assert of(text, "asthma").family


def test_a_pronoun_without_a_relative_named_is_no_relative():
    fact = of("i have lupus and my rheumatologist says she thinks it is mild", "sle")
    assert not fact.family


# --- lists, sequences, brackets --------------------------------------------------------------------

def test_an_outcome_opened_by_a_conjunction_after_a_sequence_reaches_all():
    text = "first remicade, after that stelara but nothing help much"
    assert of(text, "infliximab").status == "failed"
    assert of(text, "ustekinumab").status == "failed"


def test_an_outcome_said_of_the_last_of_a_sequence_stays_its_own():
    text = "steroids, IVIG, then eltrombopag but did nothing"
    assert of(text, "eltrombopag").status == "failed"
    assert of(text, "ivig").status != "failed"


def test_a_date_in_a_bracket_after_a_treatment_is_its_own():
    text = "cyclophosphamide (6 pulses in 2022), rituximab and belimumab, none helped"
    assert of(text, "cyclophosphamide").date == "2022"
    assert of(text, "rituximab").date is None


# --- bowel surgery in a patient's words ---------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "he had an operation on his bowel in 2019",
    "i had bowel surgery last year",
])
def test_surgery_on_the_bowel_is_major_surgery_without_a_disease_named(text):
    fact = of(text, "major_surgery")
    assert fact.historical


def test_surgery_elsewhere_is_not_bowel_surgery():
    from assertion_helpers import concepts
    assert "major_surgery" not in concepts("she had surgery on her knee")
