"""Round 16 (h70, issue #13): what patients, relatives and referring clinicians write.

A failure said in the present of a treatment taken now, a "still on" written after the
treatment, a treatment joined by "and then" to a past one, the treatment a check is for, a
treatment planned at the end of a text, intolerance in a list with and without a verb, and the
name a clinician's reply gives anti-synthetase syndrome. Each wording is new text of its
class, not a gold row.
"""
from __future__ import annotations

import pytest

from assertion_helpers import NOW, PAST, one, reading
from nlp import extract




# --- a failure said in the present of a treatment with a present cue of its own ----------

@pytest.mark.parametrize("text, concept", [
    ("had infliximab, then vedolizumab and now ustekinumab but still bleeding", "ustekinumab"),
    ("she takes hydroxychloroquine 200mg daily but still gets the joint pains", "hydroxychloroquine"),
    ("currently on tacrolimus but the proteinuria is still high", "tacrolimus"),
    ("lung fibrosis progressing on mycophenolate", "mycophenolate"),
])
def test_failure_in_the_present_of_a_treatment_taken_now(text, concept):
    fact = one(text, concept)
    assert fact.status == "failed" and fact.ongoing, fact
    assert reading(text, concept) == NOW


@pytest.mark.parametrize("text, concept", [
    ("been on abatacept 6 months now without any benefit", "abatacept"),    # "been on": given
    ("he has been on eltrombopag but his count is still low", "eltrombopag"),
    ("on ustekinumab until june but it lost effect", "ustekinumab"),        # said in the past
    ("she takes anakinra, it didnt help at first", "anakinra"),
])
def test_failure_said_in_the_past_or_of_a_treatment_only_given_stays_past(text, concept):
    assert reading(text, concept) == PAST


def test_earlier_treatments_of_the_list_stay_past():
    text = "tried aza, remicade and now entyvio but still flaring"
    assert reading(text, "azathioprine") == PAST
    assert reading(text, "infliximab") == PAST
    assert reading(text, "vedolizumab") == NOW


# --- a "still on" after the treatment ---------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("the tacrolimus he's still on is not doing much", "tacrolimus"),
    ("the cellcept shes still taking but its not helping", "mycophenolate"),
])
def test_still_on_written_after_the_treatment(text, concept):
    assert reading(text, concept) == NOW


def test_still_on_before_another_treatment_is_that_ones():
    text = "she had rituximab and she's still on azathioprine"
    assert reading(text, "rituximab") == PAST
    assert reading(text, "azathioprine") == NOW


# --- "and then" after a past treatment --------------------------------------------------

def test_treatment_after_and_then_in_a_past_telling_is_past():
    text = "my husband had R-CHOP and then R-ICE for the lymphoma"
    assert reading(text, "r_chop") == PAST
    assert reading(text, "chemotherapy") == PAST


@pytest.mark.parametrize("text, concept", [
    ("he had six cycles of azacitidine and then gilteritinib which he is still on", "gilteritinib"),
    ("she had steroids and then belimumab which is working", "belimumab"),  # its own cue
])
def test_treatment_after_then_with_more_said_is_not_made_past(text, concept):
    fact = one(text, concept)
    assert not (fact.historical and fact.status is None), fact


# --- the treatment a check is for ----------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("screened for hep C before obinutuzumab", "obinutuzumab"),
    ("she was checked for TB prior to starting baricitinib", "baricitinib"),
])
def test_treatment_after_a_check_is_planned(text, concept):
    fact = one(text, concept)
    assert fact.hypothetical and not fact.historical


def test_treatment_started_after_a_check_is_not_planned():
    fact = one("my hep B test was fine before i started adalimumab", "adalimumab")
    assert not fact.hypothetical


def test_treatment_planned_at_the_end_of_the_text():
    fact = one("MMF stopped (cytopenias). Obinutuzumab planned", "obinutuzumab")
    assert fact.hypothetical
    assert one("Obinutuzumab planned\nCreatinine 90", "obinutuzumab").hypothetical


# --- intolerance in a list ----------------------------------------------------------------

def test_intolerance_after_a_verb_led_list_is_the_last_ones():
    text = "tried sulfasalazine, methotrexate intolerant"
    assert one(text, "sulfasalazine").status is None
    assert one(text, "sulfasalazine").historical
    assert one(text, "methotrexate").status == "intolerant"


@pytest.mark.parametrize("text", [
    "Sulfasalazine, methotrexate intolerant.",          # a clinician's list with no verb
    "had sulfasalazine, methotrexate, both intolerant",  # a word naming them all
])
def test_intolerance_shared_by_the_list(text):
    assert one(text, "sulfasalazine").status == "intolerant"
    assert one(text, "methotrexate").status == "intolerant"


# --- display name ---------------------------------------------------------------------------

def test_clinician_reply_names_antisynthetase_syndrome_by_its_label():
    from bot.render import Renderer
    from bot.formats import PLAIN
    render = Renderer(PLAIN)
    assert render.name("antisynthetase_syndrome", "CONDITION", "clinician") == "anti-synthetase syndrome"
    assert render.name("sle", "CONDITION", "clinician") == "SLE"    # the usual abbreviation stays


# --- a disease named as someone's own is not doubted by a question about its treatment ----

@pytest.mark.parametrize("text, concept", [
    ("do you think tocilizumab could help my scleroderma?", "systemic_sclerosis"),
    ("would a CAR-T trial be possible for his crohns?", "crohns_disease"),
])
def test_own_disease_in_a_question_is_had(text, concept):
    assert reading(text, concept) == NOW


@pytest.mark.parametrize("text, concept", [
    ("not sure if its my RA or just wear and tear", "rheumatoid_arthritis"),   # a hedge right before
    ("does she have myositis?", "inflammatory_myopathy"),                     # no possessive
])
def test_disease_still_doubted_without_a_possessive_or_with_a_hedge_before_it(text, concept):
    assert reading(text, concept) != NOW


# --- "N years ago diagnosed": the ago dates the diagnosis ------------------------------------

def test_ago_before_diagnosed_dates_the_diagnosis():
    assert reading("crohns 5 years ago diagnosed, on humira", "crohns_disease") == NOW
    assert reading("DVT 3 years ago diagnosed", "deep_vein_thrombosis") == PAST   # an event is over
