"""Round 17 (h75, issue #13): what patients, relatives and referring clinicians write.

A test's result written after a time closing the test's clause ("tested for hep C last year,
came back negative") or as a bare word ("screened for hep B, positive"); an organ's trouble
in plain words after a disease ("lupus with kidney problems"); relatives named with a count
("my 4 kids have asthma, I have lupus"); a treatment taken again after a stop ("stopped in
2020, then back on 2g"); a stop that ends at a word of order ("so stopped, then tacrolimus");
MRD given as a percentage; the disease a past treatment was for ("s/p auto-SCT for
myeloma"). Each wording is new text of its class, not a gold row.
"""
from __future__ import annotations

import pytest

from assertion_helpers import FAMILY, NOW, PAST, one, predicted_assertion, reading
from nlp import extract




# --- a test's result after its clause's comma --------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("she was tested for HIV in january, came back negative", "hiv"),
    ("Tested for hep B in 2023, negative.", "hbv"),
    ("he got screened for TB last month, it was negative", "tuberculosis"),
])
def test_a_result_after_a_time_and_a_comma_is_the_tests(text, concept):
    fact = one(text, concept)
    assert fact.negated and fact.status == "negative"


@pytest.mark.parametrize("text, concept", [
    ("screened for hep C, positive, what now?", "hcv"),
    ("my son was screened for HBV, positive", "hbv"),
])
def test_a_bare_positive_after_a_screen_gives_the_status(text, concept):
    fact = one(text, concept)
    assert fact.status == "positive" and not fact.negated and not fact.uncertain


def test_a_test_with_no_result_stays_unknown():
    fact = one("tested for TB last year before rituximab", "tuberculosis")
    assert fact.uncertain and fact.status is None


def test_a_result_after_another_mention_is_not_the_first_ones():
    # "I had covid last year, hep B negative": the result is hep B's only
    assert one("had covid in march, HIV negative", "covid").status != "negative"


# --- an organ's trouble in plain words ----------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("my mum has lupus with kidney trouble", "lupus_nephritis"),
    ("SLE with renal issues since 2022", "lupus_nephritis"),
    ("dermatomyositis with lung damage", "interstitial_lung_disease"),
])
def test_organ_trouble_after_a_disease_is_its_organ_disease(text, concept):
    assert one(text, concept).concept == concept


def test_organ_trouble_without_a_disease_before_it_adds_nothing():
    assert not [f for f in extract("he had kidney problems after the surgery") if f.concept == "lupus_nephritis"]


# --- relatives named with a count ----------------------------------------------------------

@pytest.mark.parametrize("text", [
    "my three kids have eczema, I have Crohn's",
    "I have RA. my 2 sons have eczema",
])
def test_relatives_named_with_a_count_are_family(text):
    assert reading(text, "atopic_dermatitis") == FAMILY


# --- a restart after a stop; a stop that ends at a word of order ---------------------------

@pytest.mark.parametrize("text, concept", [
    ("tacrolimus stopped last year when she was pregnant, then back on 2mg", "tacrolimus"),
    ("Pred stopped 2021, back on 10mg since the flare.", "prednisone"),
])
def test_a_restart_after_a_stop_is_taken_now(text, concept):
    assert reading(text, concept) == NOW


@pytest.mark.parametrize("text, concept", [
    ("leflunomide gave me a rash so stopped, then sulfasalazine since june", "sulfasalazine"),
    ("MTX (stopped - nausea) -> etanercept", "etanercept"),
])
def test_a_stop_ends_at_a_word_of_order(text, concept):
    assert reading(text, concept) == NOW


# --- MRD as a percentage ------------------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("AML, MRD 0.2% by flow after cycle 2", "mrd_positive"),
    ("T-ALL with MRD 3% at day 29", "mrd_positive"),
    ("MRD <0.01% after consolidation", "mrd_negative"),
    ("MRD 0% on the last marrow", "mrd_negative"),
])
def test_mrd_percentage_gives_its_status(text, concept):
    assert one(text, concept).concept == concept


def test_mrd_below_a_higher_bound_gives_no_status():
    assert not [f for f in extract("MRD <0.1% after induction") if f.concept in ("mrd_positive", "mrd_negative")]


# --- the disease a past treatment was for -------------------------------------------------

def test_the_disease_a_past_transplant_was_for_is_not_past():
    assert reading("s/p allo-SCT 2022 for AML; relapsed, on venetoclax", "aml") == NOW


# --- a relative named as the patient; a "now" right after the last of a past list ----------

@pytest.mark.parametrize("text, own, writers", [
    ("my husband is the patient, 61, CLL. I had breast cancer in 2015", "cll", "breast_cancer"),
    ("the patient is my daughter, she has Crohn's. I have psoriasis", "crohns_disease", "psoriasis"),
])
def test_a_relative_named_as_the_patient(text, own, writers):
    assert predicted_assertion(one(text, own))[1] == "patient"
    assert predicted_assertion(one(text, writers))[1] == "family"


def test_now_right_after_the_last_of_a_past_list_is_taken_now():
    text = "she had cyclophosphamide and rituximab now"
    assert reading(text, "cyclophosphamide") == PAST
    assert reading(text, "rituximab") == NOW


# --- a relative without "my" opening the message, whose sentence goes on about them ---------

@pytest.mark.parametrize("text, concept", [
    ("dad has ITP, 77. he is on eltrombopag", "itp"),
    ("grandma has myositis, IVIG since april, CK still high", "inflammatory_myopathy"),
    ("mum has SSc and is 63, on MMF", "systemic_sclerosis"),
])
def test_an_opening_relative_whose_sentence_goes_on_is_the_patient(text, concept):
    assert reading(text, concept) == NOW


@pytest.mark.parametrize("text, concept", [
    ("Father has T2DM.", "type_2_diabetes"),
    ("Mother has psoriasis; sister had melanoma.", "psoriasis"),
    ("mum has asthma, I have lupus", "asthma"),
    ("dad has RA, and so do I", "rheumatoid_arthritis"),
])
def test_terse_family_history_or_the_writers_own_stays_family(text, concept):
    assert any(predicted_assertion(f)[1] == "family" for f in extract(text) if f.concept == concept)


# --- a cancer said to be over that came back --------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("my daughter had AML at 12 and it came back last month", "aml"),
    ("Hx: T-LBL 2020, CR after BFM. Relapse 03/2026.", "t_lbl"),
])
def test_a_cancer_had_that_came_back_is_there_now(text, concept):
    assert reading(text, concept) == NOW


@pytest.mark.parametrize("text, concept", [
    ("had breast cancer in 2015. now relapsed AML after 7+3", "breast_cancer"),
    ("AML with prior MDS. Aza/ven x 4, refractory.", "mds"),
])
def test_a_relapse_of_another_cancer_leaves_the_old_one_over(text, concept):
    assert reading(text, concept) == PAST


# --- a value read right before "despite" one treatment ----------------------------------------

def test_a_value_before_despite_one_treatment_is_failing_now():
    fact = one("Hb 8.1 despite luspatercept", "luspatercept")
    assert fact.status == "failed" and predicted_assertion(fact) == NOW


@pytest.mark.parametrize("text, concept", [
    ("plt 20 in 2021 despite IVIG", "ivig"),
    ("platelets 30 despite IVIG and steroids", "ivig"),
])
def test_a_dated_value_or_a_list_of_courses_stays_past(text, concept):
    assert reading(text, concept) == PAST
