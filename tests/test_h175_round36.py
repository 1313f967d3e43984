"""Round 36 (h175): the round-36 personas of data/bench_personas.yaml (relatives giving
the relation and age in several ways, clinicians' shorthand ending in a short request,
question-first openings) driven through the engine on the bundled trials: the right trial
first, at most three questions before it; and a treatment named before "not tried"."""
from __future__ import annotations

import pytest

from benchmarks.conversation import TODAY, _first_trial, converse, load_personas
from core.facts import Profile
from nlp.pipeline import extract
from assertion_helpers import of
from bundled_engine import bundled_engine

PERSONAS = {p["id"]: p for p in load_personas()}


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return bundled_engine(tmp_path_factory.mktemp("h175") / "t.db", today=TODAY)


@pytest.mark.parametrize("persona_id, trial", [
    ("r36-rel-son12-tall-coop", "local-cd7-cart-heme"),          # "my son (12) has T-ALL, CD7 positive ..."
    ("r36-rel-boy9-aml-impatient", "local-cd7-cart-heme"),       # "our boy, age 9, AML relapsed after 2nd transplant"
    ("r36-pat-question-sle-coop", "NCT07193667"),                # "what is car t? i have lupus since 2019 ..."
    ("r36-cli-mda5-short-correcting", "NCT05239702"),            # "48F anti-MDA5 DM w/ RP-ILD ... Thoughts?"
    ("r36-pat-stills-coop", "NCT05239702"),                      # "... canakinumab not tried"
])
def test_round36_persona_right_trial_first(engine, persona_id, trial):
    persona = PERSONAS[persona_id]
    assert persona["split"] == "dev"
    truth = Profile().add(extract(persona["truth"], today=TODAY))
    played = converse(engine, f"cli:h175-{persona_id}", persona, truth)
    assert _first_trial(played["events"]) == trial
    assert played["questions"] <= 3


def test_treatment_named_before_not_tried_is_not_taken():
    text = "anakinra helped at first then stopped, canakinumab not tried"
    assert of(text, "canakinumab", TODAY).negated
    assert not of(text, "anakinra", TODAY).negated
    assert of("rituximab not yet tried", "rituximab", TODAY).negated


def test_not_tried_after_a_comma_keeps_the_treatment_before():
    text = "methotrexate failed, tried rituximab, not tried belimumab"
    assert not of(text, "rituximab", TODAY).negated
    assert not of(text, "methotrexate", TODAY).negated
    assert of(text, "belimumab", TODAY).negated


def test_not_tried_never_reaches_back_to_a_disease():
    text = "i have lupus and rituximab not tried"
    assert not of(text, "sle", TODAY).negated
    assert of(text, "rituximab", TODAY).negated


def test_stills_opening_records_canakinumab_as_never_taken(engine):
    engine.start("cli:h175-stills")
    engine.message("cli:h175-stills", PERSONAS["r36-pat-stills-coop"]["opening"])
    drugs = {f.concept: f for f in engine.profile("cli:h175-stills").facts if f.label == "DRUG"}
    assert drugs["canakinumab"].negated
    assert not drugs["anakinra"].negated


def test_the_only_one_that_helped_for_a_while_still_fails_the_ones_before():
    text = "crohns since 2014, ive had infliximab, adalimumab and stelara, only stelara worked for a bit, 29 f"
    assert of(text, "infliximab", TODAY).status == "failed"
    assert of(text, "adalimumab", TODAY).status == "failed"
    text = "tried humira, stelara then skyrizi, only skyrizi worked for a few months"
    assert of(text, "adalimumab", TODAY).status == "failed"
    assert of(text, "ustekinumab", TODAY).status == "failed"



def test_a_since_after_a_bracket_of_plain_words_dates_the_disease_before_it():
    text = "Still's disease (adult onset) since 2021, 33M, anakinra helped at first then stopped"
    assert of(text, "adult_onset_stills_disease", TODAY).date == "2021"
    assert of(text, "anakinra", TODAY).date is None
    text = "scleroderma (the diffuse kind) since 2020, methotrexate didnt work"
    assert of(text, "diffuse_systemic_sclerosis", TODAY).date == "2020"
    assert of(text, "methotrexate", TODAY).date is None
