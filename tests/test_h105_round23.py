"""Round 23 (h105, issue #13): how patients and relatives really write. Past told with "used to
get" and an emphatic "did have", failures in shorthand ("no resp") and in a dialect double
negative ("didnt do nothing"), a clinician's "Planning X", "since starting X", a new clause in
voice-to-text ("... never worked she gets ivig"), months with two-digit years ("RTX 03/22",
"mtx 04/20-11/21"), lab shorthand in small letters ("cr 1.4", "alb 31") and lab values in words
("platelets are twelve"). Wordings of their own, not the gold's."""
from __future__ import annotations

from benchmarks.assertion import predicted_assertion
from nlp.pipeline import extract

from assertion_helpers import NOW as PRESENT_NOW, PAST, the_one as _one


# --- the past in everyday words ----------------------------------------------------------

def test_used_to_get_an_illness_is_past():
    assert predicted_assertion(_one("he used to get chest infections all the time as a boy, crohns now", "active_infection")) == PAST
    assert predicted_assertion(_one("she used to suffer from migraines before the lupus", "migraine")) == PAST


def test_an_emphatic_did_have_is_past():
    assert predicted_assertion(_one("never had TB but she did have shingles in her thirties", "herpes_zoster")) == PAST
    # the disease of now beside it stays current
    assert predicted_assertion(_one("I did have pneumonia once. I have myositis", "inflammatory_myopathy")) == PRESENT_NOW


# --- failures in shorthand and dialect --------------------------------------------------

def test_no_resp_after_a_treatment_is_a_failure():
    fact = _one("PTCL: GDP x2 then romidepsin, nil resp", "romidepsin")
    assert fact.status == "failed"
    assert predicted_assertion(fact) == PAST


def test_a_double_negative_of_no_effect_is_a_failure():
    fact = _one("the humira didnt do nothing for her crohns", "adalimumab")
    assert fact.status == "failed"
    assert _one("the rituximab don't do nothing for him", "rituximab").status == "failed"


# --- plans and starts -------------------------------------------------------------------

def test_a_clinicians_planning_is_not_given_yet():
    assert _one("Planning obinutuzumab for the LN.", "obinutuzumab").hypothetical
    # a stop after it is no plan
    assert not _one("planning pregnancy so stopped methotrexate", "methotrexate").hypothetical


def test_since_starting_a_treatment_is_taking_it_now():
    fact = _one("my skin cleared since starting tremfya", "guselkumab")
    assert fact.status == "current"
    assert predicted_assertion(fact) == PRESENT_NOW


# --- voice-to-text clauses --------------------------------------------------------------

def test_a_new_clause_without_punctuation_ends_a_negation():
    text = "azathioprine never did much he gets ivig every four weeks"
    ivig = _one(text, "ivig")
    assert not ivig.negated
    assert predicted_assertion(ivig) == PRESENT_NOW


def test_a_resolved_illness_does_not_reach_a_disease_after_now():
    assert predicted_assertion(_one("my son had ITP at 6 which resolved, now he has JIA", "juvenile_idiopathic_arthritis")) == PRESENT_NOW


# --- dates in numeric forms -------------------------------------------------------------

def test_a_month_with_a_two_digit_year_dates_the_treatment_before_it():
    fact = _one("myositis. IVIG 02/21. now on MMF", "ivig")
    assert fact.date == "2021"
    assert predicted_assertion(fact) == PAST
    # British months are no year: "MMF 6/12" is six months
    assert _one("MMF 6/12, then tacrolimus", "mycophenolate").date is None


def test_a_range_of_months_with_two_digit_years_ends_the_course():
    fact = _one("tocilizumab 05/19-08/21 then abatacept", "tocilizumab")
    assert fact.date == "2021-08"
    assert predicted_assertion(fact) == PAST


# --- lab shorthand and values in words --------------------------------------------------

def test_a_short_lab_abbreviation_in_small_letters_before_its_value():
    assert _one("bloods: cr 2.1, hb 9.4", "creatinine").value == 2.1
    assert _one("her ck was 5400 at diagnosis", "ck").value == 5400
    assert _one("alb 28 and falling", "albumin").value == 28
    # "CR" in capitals is a remission, and "cr" without a value is nothing
    assert not [f for f in extract("in CR after 7+3") if f.concept == "creatinine"]
    assert not [f for f in extract("is he in cr now?") if f.concept == "creatinine"]


def test_a_lab_value_in_words():
    assert _one("his platelets are fifteen this week", "platelets").value == 15
    assert _one("her hb is eight point four", "hemoglobin").value == 8.4
    assert _one("platelets about forty thousand", "platelets").value == 40000
    # a number with "hundred" after it is not read as its first word
    assert all(f.value != 1 for f in extract("platelets of one hundred and twenty"))
