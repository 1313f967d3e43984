"""Assertion, round 4 (issue #13, helper h12, 2026-12-03): each test names a class of
phrasing found on the dev gold written for it (conv-1393 ... conv-1605), with wordings of
its own, not one gold message."""
from datetime import date

import pytest

from assertion_helpers import of, present
from nlp import extract
from nlp.pipeline import speaker_of

TODAY = date(2026, 12, 3)


def ages(text):
    return [(f.value, f.family) for f in extract(text, today=TODAY) if f.label == "AGE"]


# --- a disease said to reach an organ ---------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("He has SLE with renal involvement.", "lupus_nephritis"),
    ("lupus that has now spread to his kidneys", "lupus_nephritis"),
    ("Polymyositis with pulmonary involvement, on MMF.", "interstitial_lung_disease"),
    ("her RA is affecting her lungs now", "interstitial_lung_disease"),
    ("ANCA vasculitis with renal involvement", "kidney_disease"),
    # the organ as the subject, the disease a dozen words before (lead, ninth session)
    ("my husband was diagnosed with dermatomyositis last year, the MDA5 kind, and his lungs are affected",
     "interstitial_lung_disease"),
    ("she has lupus and her kidneys are also involved", "lupus_nephritis"),
])
def test_a_disease_with_an_organ_involved_names_the_organ_disease(text, concept):
    assert present(of(text, concept))


def test_an_organ_without_a_disease_before_it_is_not_a_diagnosis():
    assert not [f for f in extract("what does kidney involvement mean?", today=TODAY) if f.label == "CONDITION"]


def test_no_organ_involvement_is_absent():
    assert of("SLE, no renal involvement so far", "lupus_nephritis").negated


# --- results written before the marker ----------------------------------------------------------

@pytest.mark.parametrize("text, concept, status", [
    ("-ve ANA, +ve anti-Ro", "ana", "negative"),
    ("Bloods: +ve dsDNA, low C3", "anti_dsdna", "positive"),
    ("neg HBsAg", "hbsag", "negative"),
])
def test_a_sign_word_before_a_marker_is_its_result(text, concept, status):
    assert of(text, concept).status == status


# --- an infection kept for life and controlled -------------------------------------------------

@pytest.mark.parametrize("text", [
    "he has HIV but it is undetectable",
    "HIV, viral load suppressed on Biktarvy",
])
def test_controlled_hiv_is_still_hiv(text):
    fact = of(text, "hiv")
    assert not fact.negated and fact.status != "negative"


def test_an_undetectable_hbv_dna_stays_a_negative_result():
    assert of("HBV DNA undetectable", "hbv_dna").negated


# --- vaccines -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("she had her pneumonia jab last week", "active_infection"),
    ("completely vaccinated against hep B", "hbv"),
])
def test_a_vaccine_is_not_the_infection(text, concept):
    # denied, or (since round 33, h155: "the flu jab names no infection") no fact at all
    assert all(f.negated for f in extract(text) if f.concept == concept)


# --- why a treatment was stopped ----------------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("he came off azathioprine because of his liver numbers", "azathioprine"),
    ("stopped leflunomide cos her platelets dropped", "leflunomide"),
    ("Mycophenolate discontinued due to the white count.", "mycophenolate"),
])
def test_stopped_for_an_organ_or_a_count_is_intolerance(text, concept):
    assert of(text, concept).status == "intolerant"


def test_a_reason_to_take_a_drug_is_not_intolerance():
    assert of("she takes tacrolimus because of her kidneys", "tacrolimus").status != "intolerant"


@pytest.mark.parametrize("text, concept", [
    ("we had to stop stelara because of the cost", "ustekinumab"),
    ("had to quit enbrel due to insurance", "etanercept"),
])
def test_a_stop_for_money_or_insurance_is_past_not_intolerance(text, concept):
    fact = of(text, concept)
    assert fact.historical and fact.status != "intolerant"


def test_a_harm_then_so_they_took_me_off_it_is_intolerance():
    assert of("got pneumonia on actemra so the doctors took me off it", "tocilizumab").status == "intolerant"


# --- still on it, not working -----------------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("still on saphnelo but its not helping", "anifrolumab"),
    ("she remains on rituximab though it isnt working", "rituximab"),
    ("on cellcept but she is still flaring", "mycophenolate"),
    ("Continues tocilizumab despite persistent activity.", "tocilizumab"),
])
def test_still_on_it_but_not_working_is_failed(text, concept):
    assert of(text, concept).status == "failed"


def test_still_on_it_and_working_is_current():
    assert of("still on benlysta and its working well", "belimumab").status == "current"


# --- options not chosen yet ---------------------------------------------------------------------

def test_options_after_next_are_hypothetical():
    text = "Next: rituximab vs cyclophosphamide."
    assert of(text, "rituximab").hypothetical and of(text, "cyclophosphamide").hypothetical


# --- history lists ------------------------------------------------------------------------------

def test_a_medical_history_significant_for_a_list_is_past():
    text = "Her medical history is significant for asthma, psoriasis and hypothyroidism."
    assert all(of(text, c).historical for c in ("asthma", "psoriasis", "hypothyroidism"))


# --- ages of the one the message is about -------------------------------------------------------

def test_a_babys_age_in_months_without_old():
    assert (0.75, False) in ages("my grandson is 9 months and has a heart problem")


def test_the_writers_age_then_the_childs_with_a_pronoun_going_on():
    found = ages("im 41 and my son is 3 years old, he has ITP")
    assert (41, True) in found and (3, False) in found
    assert speaker_of("im 41 and my son is 3 years old, he has ITP").relation == "son"


def test_an_age_in_brackets_after_a_parent_opening_the_message():
    assert (77, False) in ages("dad (77) has myelodysplasia")


def test_a_hyphenated_relation_with_an_age():
    assert (70, False) in ages("my father-in-law is 70 and has CLL")


def test_writing_for_a_friend_the_friends_age():
    assert (44, False) in ages("asking for a friend, he is 44 and has crohns")


def test_a_baby_described_in_two_words_keeps_its_age():
    assert (0.25, False) in [(round(v, 2), fam) for v, fam in ages("our little girl is 3 months old, she has a heart defect")]
