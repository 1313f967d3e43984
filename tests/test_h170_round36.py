"""Round 36 (h170, issue #13): what patients and their relatives write: a list closed by "and
now only on", a two-digit age right after a relation with no verb ("my brother 33 T-LBL"), a
relation of three words before its age and sex letter, "hes 61 m", "im 29 (f)", "dx 2018 aged
35", a cancer in remission after the treatment that gave it, a remission said not reached ("chemo
never got me to remission"), a remission before the relapse that ended it, a remission between a
treatment and a relapse (the treatment worked), "did the chemo", "worked 2 yrs", "only the ivig
ever helped", "dint work", a wish for another child, "scleroderma diffuse", "pltz", "18 months
ago" told to the month, and the conversations these writers have with the bot (gold: conv-7264 …
conv-7343)."""
from __future__ import annotations

from datetime import date

from assertion_helpers import FAMILY, NOW, PAST, reading
from benchmarks.assertion import predicted_assertion
from bundled_engine import bundled_engine, talk
from nlp import extract

TODAY = date(2026, 12, 7)


def _facts(text: str):
    return extract(text, today=TODAY)


def _drug(text: str, concept: str):
    found = [f for f in _facts(text) if f.label in ("DRUG", "PROCEDURE") and f.concept == concept]
    assert found, concept
    return found[0]


def _values(text: str, label: str) -> list:
    return [(f.concept, f.value) for f in _facts(text) if f.label == label]


# --- lists and outcomes -----------------------------------------------------------------

def test_a_list_closed_by_and_now_only_on_is_over():
    text = "dad has RA, he has been on sulfasalazine, hcq, and leflunomide and now only on tocilizumab"
    for concept in ("sulfasalazine", "hydroxychloroquine", "leflunomide"):
        assert reading(text, concept) == PAST, concept
    assert reading(text, "tocilizumab") == NOW
    # "and now on" after a list without an Oxford comma, too
    assert reading("tried humira, stelara and entyvio and now on skyrizi", "vedolizumab") == PAST
    # a treatment added ("and now on pred too") keeps the one before
    assert reading("on mtx and now on pred too", "methotrexate") == NOW


def test_only_the_one_that_helped_in_the_past_is_over_too():
    text = "her ITP: pred, ivig, romiplostim, only the ivig ever worked. plts 30 now"
    ivig = [f for f in _facts(text) if f.concept == "ivig"]
    assert len(ivig) == 2 and all(predicted_assertion(f) == PAST for f in ivig)
    assert _drug(text, "romiplostim").status == "failed"
    # said in the present it is taken now
    assert reading("tried infliximab, now on ustekinumab, its the only one that works", "ustekinumab") == NOW


def test_didnt_work_typed_fast():
    assert _drug("aza dint work so now mmf", "azathioprine").status == "failed"


def test_a_course_of_a_told_length_is_over():
    assert reading("for his myositis ivig helped about 2 years, now its flaring", "ivig") == PAST
    assert reading("mycophenolate worked first time, lupus quiet 3 yrs, now its back", "mycophenolate") == PAST


def test_a_remission_between_a_treatment_and_a_relapse_says_the_treatment_worked():
    text = "my son, 20, t-all, finished the chemo, in remission for 2 years then relapsed in may, cd7 pos"
    chemo = _drug(text, "chemotherapy")
    assert chemo.status != "failed"
    assert predicted_assertion(chemo) == PAST
    # with no remission between, the relapse says it failed
    assert _drug("brentuximab-CHP x6 then relapse", "bv_chp").status == "failed"


# --- remission --------------------------------------------------------------------------

def test_a_remission_not_reached_and_the_treatment_that_did_not_reach_it():
    text = "AML, 58 m. 7+3 never got him into remission, blasts 30%"
    assert reading(text, "in_remission")[0] == "absent"
    assert _drug(text, "chemotherapy").status == "failed"
    assert reading("the induction got her into remission", "in_remission") == NOW


def test_a_cancer_in_remission_after_the_treatment_that_gave_it_is_the_patients_now():
    assert reading("my dad has been in remission since the transplant last year for his aml", "aml") == NOW
    assert reading("t-lbl, 30 f, in remission after consolidation", "t_lbl") == NOW
    # a remission of many years with nothing that gave it: over
    assert reading("i had hodgkin lymphoma as a teen, in remission 20 yrs. now lupus", "hodgkin_lymphoma") == PAST


def test_a_remission_ended_by_the_relapse_told_before_it():
    assert reading("my wife relapsed after two years in remission, t-all cd7+", "in_remission") == PAST
    # a result after a course is no span of time: the later status stands
    assert reading("MRD positive after induction, MRD negative after consolidation", "mrd_negative") == NOW


# --- who, ages and sexes -------------------------------------------------------------------

def test_a_relative_with_a_two_digit_age_and_no_verb_is_the_patient():
    assert reading("my sister 41 dermatomyositis, on ivig", "dermatomyositis") == NOW
    assert reading("my aunt 52 itp plts 20", "itp") == NOW
    # a number that is no age keeps the relative's family history
    assert reading("i have lupus. my sister 12 years ago had itp", "itp")[1] == "family"


def test_ages_and_sex_letters_of_relatives_and_writers():
    assert set(_values("Mother in law 70 f, RA and copd", "SEX")) == {("female", None)}
    assert ("age", 70) in _values("Mother in law 70 f, RA and copd", "AGE")
    assert ("male", None) in _values("writing for my son. hes 19 m, crohns", "SEX")
    assert _values("sle 4 yrs, hcq only. shes 31 (f)", "SEX") == [("female", None)]
    assert _values("ra dx 2015 aged 40 (im 51 now)", "AGE") == [("age", 51)]


# --- words ----------------------------------------------------------------------------------

def test_a_wish_for_another_child_is_a_planned_pregnancy_wished_for():
    assert reading("we want another baby, is belimumab ok", "planning")[0] == "hypothetical"
    assert reading("she is hoping for a second child", "planning")[0] == "hypothetical"


def test_the_kind_of_scleroderma_written_after_it_and_pltz():
    assert reading("ssc limited, raynauds, on nifedipine", "limited_systemic_sclerosis") == NOW
    assert reading("my wife has scleroderma diffuse", "diffuse_systemic_sclerosis") == NOW
    assert ("platelets", 9) in _values("pltz 9 today", "LAB")


def test_a_time_a_year_ago_or_more_is_told_to_the_month():
    dates = {f.concept: f.date for f in _facts("diagnosed with myositis 14 months ago")}
    assert dates["inflammatory_myopathy"] == "2025-10"
    dates = {f.concept: f.date for f in _facts("last dose of rituximab 2 months ago")}
    assert dates["rituximab"] == "2026-10-07"


# --- conversations -----------------------------------------------------------------------

def test_a_brother_whose_chemo_gave_a_remission_is_not_told_it_failed(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    first = talk(engine, "c1", "my brother 29 t-all, did the chemo, in remission for 2 yrs then relapsed in july, cd7 positive")[0]
    assert "did not help" not in first
    assert "male" in first and "age 29" in first
    assert "relapsed" in first


def test_a_date_said_in_months_ago_is_shown_to_the_month(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    first = talk(engine, "c2", "i was diagnosed with lupus 18 months ago, on hcq. 30 f")[0]
    assert "2025-06" in first
    assert "2025-06-07" not in first


def test_a_relatives_list_closed_by_now_only_on_is_noted_as_tried(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    first = talk(engine, "c3", "my husband 58 has RA. been on mtx, lef, and hcq and now only on abatacept")[0]
    assert "tried methotrexate, leflunomide, hydroxychloroquine" in first
    assert "taking abatacept" in first
    assert "age 58" in first


def test_a_failure_dated_in_words_against_the_same_drug_taken_is_one_while_taken():
    text = "ra, on mtx + abatacept but the orencia stopped working over the summer"
    abatacept = [f for f in _facts(text) if f.concept == "abatacept"]
    assert all(predicted_assertion(f) == NOW for f in abatacept)
    assert any(f.status == "failed" and f.ongoing for f in abatacept)
    # a failure with a year in its sentence stays a course of then
    assert reading("mmf stopped working in 2023, now on voclosporin", "mycophenolate") == PAST


def test_a_response_lost_after_a_remission():
    text = "crohns. adalimumab got me into remission but i lost it within a year, now ustekinumab"
    assert _drug(text, "adalimumab").status == "failed"
    assert reading(text, "ustekinumab") == NOW


def test_a_drug_taken_that_stopped_working_is_noted_as_taken_and_not_helping(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    first = talk(engine, "c4", "crohns 30 m. on aza + ustekinumab but the stelara stopped working in the spring")[0]
    assert "ustekinumab (not helping)" in first
    assert "tried ustekinumab" not in first
