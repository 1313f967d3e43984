"""Round 43 (lead): what people wrote that the bot misread, written as they wrote it.

A sister writing for her sister with dermatomyositis "on prednisolone the whole time" answered
"no" to "Has your sister taken any steroid and it did not work (you mentioned prednisone)?" and
was asked again (the prednisolone told without an outcome kept the leaf open); "tried
tocilizumab last year but had to come off it due to infections", "had rituximab twice in 2025
but protein in urine still high" and "he was started on tofacitinib in june" gave no status.
"""
from __future__ import annotations

from datetime import date

import pytest

from core.facts import Profile
from data.store import get_trial, open_store, sync_bundled
from matching.engine import match
from nlp import extract

from bundled_engine import bundled_engine, talk

TODAY = date(2026, 12, 7)


def _bundled(db_path, trial_id):
    db = open_store(db_path)
    sync_bundled(db)
    return get_trial(db, trial_id)


def _judged(record, text):
    return match(Profile(extract(text, today=TODAY)), [record], today=TODAY)[0]


# -- "had to come off it" ---------------------------------------------------------------------

def _drugs(text):
    return {f.concept: f for f in extract(text, today=TODAY) if f.label == "DRUG"}


@pytest.mark.parametrize("text, concept", [
    ("tried tocilizumab last year but had to come off it due to infections", "tocilizumab"),
    ("she had to come off the mmf because of her liver", "mycophenolate"),
    ("had to come off methotrexate because of nausea, now on leflunomide", "methotrexate"),
    ("he has had to get off azathioprine, his bloods went funny", "azathioprine"),
])
def test_a_forced_stop_is_a_treatment_not_tolerated(text, concept):
    assert _drugs(text)[concept].status == "intolerant"


@pytest.mark.parametrize("text, stopped, next_one", [
    ("he had to come off pred and then started humira", "prednisone", "adalimumab"),
    ("had to come off methotrexate because of nausea, now on leflunomide", "methotrexate", "leflunomide"),
])
def test_the_treatment_after_a_forced_stop_is_not_the_stopped_one(text, stopped, next_one):
    drugs = _drugs(text)
    assert drugs[stopped].status == "intolerant"
    assert drugs[next_one].status == "current"


# -- "no" to a class's failure, after a drug of it told without an outcome ----------------------

def test_no_to_the_steroid_question_settles_the_prednisolone_told_before(db_path):
    engine = bundled_engine(db_path)
    replies = talk(engine, "c2",
                   "Im asking for my sister, shes 34. she was diagnosed with dermatomyositis about 3 years ago, "
                   "muscles are still weak and her CK is over 3000. shes been on prednisolone the whole time "
                   "(15mg now), methotrexate didnt help, then mycophenolate which she is still on",
                   "no", "/results")
    assert "you mentioned prednisolone" in replies[0]          # her word, not "prednisone"
    asked_again = [r for r in replies[1:] if "you mentioned prednisolone" in r]
    assert not asked_again


@pytest.mark.parametrize("told", ["on prednisolone 10mg", "she takes pred every day", "still on medrol"])
def test_a_denied_class_failure_decides_the_leaf(db_path, told):
    from matching.questions import build_question

    facts = extract(f"dermatomyositis since 2020, {told}", today=TODAY)
    answer = build_question("therapy:glucocorticoid:failed_or_intolerant", basis=facts).answer_to_facts("no")
    result = match(Profile([*facts, *answer]), [_bundled(db_path, "NCT05239702")], today=TODAY)[0]
    steroid = [c for c in result.criteria if "prednisone and other first-line" in c.text]
    assert steroid and steroid[0].status == "fail"


# -- "but the protein is still high" ----------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("had rituximab twice in 2025 but protein in urine still high", "rituximab"),
    ("tried eltrombopag but her platelets are still low", "eltrombopag"),
    ("ivig x3 yet CK still rising", "ivig"),
    ("she had 6 months of cyclophosphamide but the kidneys are still leaking protein", "cyclophosphamide"),
])
def test_a_disease_unmoved_after_a_treatment_is_its_failure(text, concept):
    assert _drugs(text)[concept].status == "failed"


@pytest.mark.parametrize("text, concept", [
    ("shes on mycophenolate and hydroxychloroquine, had rituximab in 2025 but protein still high", "mycophenolate"),
    ("benlysta since march but her kidneys are still fine", "belimumab"),
])
def test_only_the_treatment_before_the_contrast_failed(text, concept):
    assert _drugs(text)[concept].status == "current"


# -- "was started on X", "put back on 20mg pred" -------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("he was started on tofacitinib in june", "tofacitinib"),
    ("she was commenced on mycophenolate last month", "mycophenolate"),
    ("she was put back on 20mg pred", "prednisone"),
    ("they put her back on 10 mg of prednisolone", "prednisone"),
    ("tofacitinib was started in 2019", "tofacitinib"),
    ("lupus flared after tapering prednisolone, now back on 20mg", "prednisone"),
])
def test_a_treatment_started_or_restarted_is_taken_now(text, concept):
    assert _drugs(text)[concept].status == "current"


# -- "Dublin, Ireland": the town before its country's comma --------------------------------------

@pytest.mark.parametrize("text, place", [
    ("Dublin, Ireland", "Dublin, Ireland"),
    ("crohns since 2010. Dublin, Ireland", "Dublin, Ireland"),
    ("New York, USA", "New York, USA"),
])
def test_a_town_before_its_country_is_kept_with_it(text, place):
    assert [f.concept for f in extract(text, today=TODAY) if f.label == "LOCATION"] == [place]


@pytest.mark.parametrize("text, place", [
    ("lupus, mmf failed, Germany", "Germany"),
    ("she has lupus. Lupus, Germany", "Germany"),
])
def test_no_town_before_the_comma_leaves_the_country(text, place):
    assert [f.concept for f in extract(text, today=TODAY) if f.label == "LOCATION"] == [place]


@pytest.mark.parametrize("text", ["no leukaemia cells in the spinal fluid", "there were no leukemia cells in his csf"])
def test_leukaemia_cells_denied_in_the_spinal_fluid_deny_the_cns_only(text):
    facts = extract(text, today=TODAY)
    assert [f.negated for f in facts if f.concept == "cns_involvement"] == [True]
    assert not [f for f in facts if f.concept == "leukemia" and f.negated]
