"""Round 37 (h180): the round-37 personas of data/bench_personas.yaml (one-word openers, whole
histories, later corrections, a question about a place, Chinese writers, short referrals)
driven through the engine on the bundled trials: the right trial first, at most three
questions before it; and the misreads their transcripts showed, each on a text of its own."""
from __future__ import annotations

import pytest

from benchmarks.conversation import TODAY, _first_trial, converse, load_personas
from core.facts import Profile
from nlp.pipeline import extract
from assertion_helpers import facts_at, of
from bundled_engine import bundled_engine, talk, tracker_of

PERSONAS = {p["id"]: p for p in load_personas()}


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return bundled_engine(tmp_path_factory.mktemp("h180") / "t.db", today=TODAY)


@pytest.mark.parametrize("persona_id, trial, most", [
    ("r37-pat-lupus-oneword-coop", "NCT07193667", 3),            # "lupus", then age and city
    ("r37-pat-uc-shanghai-coop", "NCT05239702", 1),              # "is there anything in shanghai for UC? ..."
    ("r37-rel-mother55-pm-correcting", "NCT07193667", 3),        # "... the doctors call it polymyositis not dermatomyositis"
    ("r37-rel-wife35-ln-rtx-correcting", "NCT07193667", 3),      # "actually she did have rituximab in 2023"
    ("r37-zh-rel-mother62-ra-coop", "NCT05239702", 3),           # "我妈妈62岁，类风湿关节炎十几年了 ..."
    ("r37-rel-girl8-tall-long-coop", "local-cd7-cart-heme", 3),  # a whole history with two relatives' diseases
])
def test_round37_persona_right_trial_first(engine, persona_id, trial, most):
    persona = PERSONAS[persona_id]
    assert persona["split"] == "dev"
    truth = Profile().add(extract(persona["truth"], today=TODAY))
    played = converse(engine, f"cli:h180-{persona_id}", persona, truth)
    assert _first_trial(played["events"]) == trial
    assert played["questions"] <= most


def test_a_relatives_correction_in_the_first_person_is_the_patients_diagnosis(engine):
    talk(engine, "cli:h180-told", "my son is 12 and has T-ALL, relapsed after chemo",
         "i was told it is ETP-ALL actually")
    facts = [f for f in tracker_of(engine, "cli:h180-told").profile.facts if f.concept == "etp_all"]
    assert facts and not any(f.writer or f.family for f in facts)


def test_the_writers_own_illness_is_still_the_writers(engine):
    talk(engine, "cli:h180-own", "my son is 12 and has T-ALL", "i have asthma myself")
    asthma = [f for f in tracker_of(engine, "cli:h180-own").profile.facts if f.concept == "asthma"]
    assert asthma and all(f.writer for f in asthma)


def test_a_question_for_trials_for_a_disease_does_not_doubt_it():
    assert not of("any trials for my lupus?", "sle", TODAY).uncertain
    assert not of("is there anything in shanghai for UC?", "ulcerative_colitis", TODAY).uncertain
    assert of("do i have lupus?", "sle", TODAY).uncertain            # a question of the disease itself


def test_a_place_a_trial_is_asked_for():
    assert of("any trials near Leeds for lupus", "Leeds", TODAY).label == "LOCATION"
    assert of("is there anything in shanghai for UC? im 44", "shanghai", TODAY).label == "LOCATION"
    assert not [f for f in extract("any trials in children for lupus?", today=TODAY) if f.label == "LOCATION"]


def test_kidney_lupus_is_lupus_nephritis():
    assert of("kidney lupus", "lupus_nephritis", TODAY)
    assert of("she has lupus in her kidneys, MMF failed", "lupus_nephritis", TODAY)


def test_failed_misspelt():
    assert of("methotrexate faild, now on humira", "methotrexate", TODAY).status == "failed"
    both = [of("anakinra n tocilizumab both faild, im 31", drug, TODAY) for drug in ("anakinra", "tocilizumab")]
    assert [f.status for f in both] == ["failed", "failed"]


def test_a_denial_after_failed_is_never_had_not_a_failure_denied():
    rituximab = of("failed MTX, never had rituximab", "rituximab", TODAY)
    assert rituximab.negated and rituximab.status is None
    assert of("failed MTX, never had rituximab", "methotrexate", TODAY).status == "failed"
    assert [f.status for f in facts_at("Failed MTX, LEF, ETN, ADA, TCZ", "tocilizumab", TODAY)] == ["failed"]


def test_a_year_after_a_bracket_of_plain_words_dates_the_disease_not_the_drug_after_it():
    text = "Stills disease (adult onset) since 2021 anakinra failed"
    assert str(of(text, "adult_onset_stills_disease", TODAY).date) == "2021"
    assert of(text, "anakinra", TODAY).date is None
