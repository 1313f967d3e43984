"""Round 30 (h140, issue #13): what patients and relatives write: things denied since a time
that were had before it, denials with an exception, flares denied beside a treatment taken,
"only one of them helped", failures and taking-now words in everyday English and in other
languages, hedges said after a disease stated as sure, small-letter disease abbreviations,
values said loosely, and whose fact a message gives. Each test reads a wording of its own (not
a gold message) through the real extraction path."""
from __future__ import annotations

from datetime import date

from assertion_helpers import facts_at, one_at
from benchmarks.assertion import predicted_assertion
from nlp.pipeline import extract

TODAY = date(2026, 12, 6)


def _facts(text: str, concept: str):
    return facts_at(text, concept, TODAY)


def _one(text: str, concept: str):
    return one_at(text, concept, TODAY)


# --- denied since a time: had before it ---------------------------------------------------

def test_a_pregnancy_denied_since_a_year_is_a_past_pregnancy():
    fact = _one("my partner hasnt been pregnant since 2016, she has lupus", "pregnant")
    assert not fact.negated and fact.historical


def test_a_treatment_not_taken_since_a_year_or_for_years_was_taken_before():
    for text in ("i havent taken prednisolone since 2021, ra is fine on humira",
                 "she hasnt had any steroids for years", "he has not needed ivig for 2 years"):
        fact = next(f for f in extract(text, today=TODAY) if f.label == "DRUG" and f.concept != "adalimumab")
        assert not fact.negated and fact.historical, text


def test_a_plain_denial_and_a_denial_with_no_stay_denied():
    assert _one("she hasnt had rituximab", "rituximab").negated
    assert _one("never had rituximab since diagnosis", "rituximab").negated
    assert _one("no mmf since 2022", "mycophenolate").negated


def test_a_denial_with_an_exception_right_after_it_is_no_denial_of_it_all():
    fact = _one("no steroids except for one short course in 2019", "glucocorticoid")
    assert not fact.negated and fact.historical and fact.status is None
    assert not _one("never been on any biologics apart from humira", "biologic").negated


# --- a flare denied ---------------------------------------------------------------------

def test_a_negated_flare_reaches_no_treatment_after_it():
    fact = _one("her crohns has not flared in two years on stelara", "ustekinumab")
    assert not fact.negated and fact.status == "current"


def test_a_disease_that_never_flared_again_is_there_and_quiet():
    fact = _one("my lupus never flared again after the cyclophosphamide", "sle")
    assert not fact.negated and not fact.historical


# --- only one of a list helped ----------------------------------------------------------

def test_only_one_of_a_list_helped_the_others_failed():
    facts = extract("we tried methotrexate, leflunomide then enbrel, only enbrel did anything", today=TODAY)
    status = {f.concept: f.status for f in facts if f.label == "DRUG"}
    assert status["methotrexate"] == "failed" and status["leflunomide"] == "failed"
    assert status["etanercept"] != "failed"


def test_the_only_one_that_worked_named_after_it_fails_the_ones_before():
    facts = extract("she had rituximab and mmf, now voclosporin, its the only thing thats worked", today=TODAY)
    status = {f.concept: f.status for f in facts if f.label == "DRUG"}
    assert status["rituximab"] == "failed" and status["mycophenolate"] == "failed"
    assert status["voclosporin"] == "current"


def test_only_without_a_helping_verb_fails_nothing():
    facts = extract("im on mmf and plaquenil, the only thing i want is a trial", today=TODAY)
    assert all(f.status == "current" for f in facts if f.label == "DRUG")


# --- outcomes and use in everyday words and other languages --------------------------------

def test_a_treatment_that_isnt_cutting_it_is_failing_and_taken():
    fact = _one("the infliximab isnt really cutting it anymore", "infliximab")
    assert fact.status == "failed" and fact.ongoing and not fact.historical


def test_only_a_treatment_so_far_after_a_denial_is_taken_now():
    fact = _one("never had rituximab or ivig, just pred so far", "prednisone")
    assert not fact.historical and fact.status == "current"


def test_the_writers_english_is_no_outcome_of_a_treatment():
    assert _one("tomo prednisona, sorry my english is not good", "prednisone").status == "current"


def test_drug_names_and_taking_now_verbs_in_other_languages():
    assert _one("mi madre toma micofenolato", "mycophenolate").status == "current"
    assert _one("prendo idrossiclorochina", "hydroxychloroquine").status == "current"
    assert _one("er bekommt Methotrexat", "methotrexate").status == "current"
    fact = _one("Kortison hat nicht geholfen", "glucocorticoid")
    assert fact.status == "failed"


def test_a_pregnancy_named_as_the_last_one_is_over():
    assert _one("my previous pregnancy was in 2015", "pregnant").historical


# --- hedges ----------------------------------------------------------------------------

def test_a_hedge_after_a_comma_does_not_reach_a_disease_stated_as_sure():
    assert not _one("he definitely has RA, maybe sjogrens as well", "rheumatoid_arthritis").uncertain
    assert _one("he definitely has RA, maybe sjogrens as well", "sjogrens_syndrome").uncertain
    assert _one("lupus, maybe, the doctors arent sure", "sle").uncertain


def test_a_hedge_said_after_the_disease_it_doubts():
    assert _one("crohns confirmed, psoriasis not sure yet", "psoriasis").uncertain
    assert not _one("crohns confirmed, psoriasis not sure yet", "crohns_disease").uncertain


# --- names and values said loosely -----------------------------------------------------

def test_small_letter_disease_abbreviations_opening_a_clause():
    assert _one("ra for 10 years, on methotrexate", "rheumatoid_arthritis")
    assert _one("uc flared again in june", "ulcerative_colitis")
    assert _one("tried everything, jia is still active", "juvenile_idiopathic_arthritis")
    assert _one("its crohns not uc", "ulcerative_colitis").negated


def test_ln_with_a_class_and_dermato_beside_muscle_words():
    assert _one("LN class 5 on biopsy", "lupus_nephritis")
    assert _one("her ck is 3000, dermato since 2021", "dermatomyositis")
    assert not _facts("my dermato said its eczema", "dermatomyositis")


def test_plates_before_a_value_and_thousands_of_a_non_count():
    assert _one("my plates were about 25 yesterday", "platelets").value == 25
    assert not _facts("we need new plates", "platelets")
    ck = _one("his ck is like 6k", "ck")
    assert ck.value_normalized == 6000
    assert _one("plts 40k", "platelets").value_normalized == 40


def test_values_that_sit_or_hover():
    assert _one("her platelets sit at about 20", "platelets").value == 20
    assert _one("plts hover around 15k", "platelets").value == 15


def test_a_month_after_a_diagnosis_word_is_the_diagnosis():
    fact = _one("platelets 12 on tuesday, itp diagnosed in october", "platelets")
    assert not fact.historical


def test_a_lab_said_now_takes_no_time_of_a_later_clause():
    fact = _one("her creatinine is 150 now, was 80 last year", "creatinine")
    assert not fact.historical and fact.value == 150


# --- whose fact ------------------------------------------------------------------------

def test_this_is_about_our_child_makes_the_partners_illness_family():
    facts = extract("my wife has psoriasis too but this is about our daughter, she has lupus", today=TODAY)
    by = {f.concept: f for f in facts}
    assert by["psoriasis"].family and not by["sle"].family


def test_the_writers_illness_that_is_not_why_they_write():
    facts = extract("my brother has myositis, ive got asthma but thats not why im here", today=TODAY)
    by = {f.concept: f for f in facts}
    assert by["asthma"].family and not by["inflammatory_myopathy"].family


def test_asking_for_her_after_both_have_it():
    facts = extract("me and my sister both have lupus, shes on benlysta and im on plaquenil, asking for her", today=TODAY)
    by = {f.concept: f for f in facts}
    assert not by["belimumab"].family and by["hydroxychloroquine"].family


def test_a_treatment_never_needed_is_denied_not_to_come():
    fact = _one("my granddad never needed a transplant for his leukaemia", "hsct")
    assert fact.negated and not fact.hypothetical


def test_predicted_assertions_of_a_denied_since_pregnancy():
    fact = _one("ive not been pregnant since 2020", "pregnant")
    assert predicted_assertion(fact) == ("present", "patient", "past")


def test_nothing_is_working_after_a_list_taken_now_is_failing_now():
    facts = extract("she takes pred and mmf, nothing is working", today=TODAY)
    drugs = [f for f in facts if f.label == "DRUG"]
    assert drugs and all(f.status == "failed" and f.ongoing for f in drugs)


def test_a_denied_flare_on_a_treatment_is_no_failure_of_it():
    assert _one("no flares on tocilizumab", "tocilizumab").status != "failed"
    fact = _one("he hasnt had any flares on humira", "adalimumab")
    assert not fact.negated and fact.status != "failed"
    assert _one("flares on tocilizumab", "tocilizumab").status == "failed"


def test_an_antigen_named_for_a_treatment_or_trial_is_no_result():
    assert not _facts("she had car-t but they said shes not eligible for cd19 ones", "cd19")
    assert not _facts("is there a cd7 trial near leeds", "cd7")
    assert _one("blasts are cd7 positive", "cd7").status == "positive"


def test_lungs_said_scarred_with_r_for_are():
    assert _one("sclero for 6 yrs, his lungs r scarred", "interstitial_lung_disease")


def test_a_level_that_never_goes_above_a_bound():
    plt = _one("his platelets never go above 40 even with romiplostim", "platelets")
    assert plt.value == 40 and plt.comparator == "<="
    drug = _one("his platelets never go above 40 even with romiplostim", "romiplostim")
    assert not drug.negated and drug.status == "failed"
    assert _one("platelets dont go over 25", "platelets").comparator == "<="
    assert _one("she never got rituximab", "rituximab").negated


def test_a_lasting_disease_had_for_a_span_goes_on():
    assert not _one("had ra 8 yrs, on enbrel", "rheumatoid_arthritis").historical
    assert not _one("ive had myositis for about 3 years", "inflammatory_myopathy").historical
    assert _one("had lupus 12 yrs ago, it went away", "sle").historical
    assert _one("had ITP for a year as a child", "itp").historical


def test_a_treatment_since_stopping_it_is_over():
    assert _one("no infections since stopping rituximab", "rituximab").historical
    assert _one("much better since she came off the pred", "prednisone").historical
