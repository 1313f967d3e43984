"""Issue #16: `/trial ID` in chat shows the trial in full, worded for the person: status and
conditions in words (no raw concept ids), every criterion (no headings) under this
patient's verdict for it with the facts it rests on, or what a person needs and what stops
one when nothing is known yet; sites, contacts and the registry page."""
from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.render import PLAIN, Renderer
from bot.session_store import SessionStore
from data.store import open_store

CID = "cli:trialview"


def said(reply) -> str:
    return "\n".join(Renderer(PLAIN).render(reply))


@pytest.fixture
def engine(tmp_path):
    return Engine(SessionStore(open_store(tmp_path / "trials.db")), gazetteer=None)


def test_before_anything_is_known_the_criteria_are_listed_in_words(engine):
    engine.start(CID, role="patient")
    text = said(engine.message(CID, "/trial local-cd7-cart-heme"))
    assert "hematologic_malignancy" not in text                       # a concept id, worded
    assert "Criteria: 7 inclusion" not in text                        # counts are no trial
    assert "To take part, a person needs:" in text and "A person cannot take part with:" in text
    assert "meet any of the following criteria:" not in text          # headings are no criteria
    assert "Liver, kidney and cardiopulmonary functions meet the following requirements:" not in text
    assert "Only the trial team can decide" in text


def test_with_facts_every_criterion_under_this_patients_verdict(engine):
    engine.start(CID, role="patient")
    engine.message(CID, "I'm 30, I have lupus since 2015, mycophenolate failed")
    text = said(engine.message(CID, "/trial NCT05030779"))
    assert "For you so far:" in text and "may qualify" in text
    assert "What fits, from what you told me:" in text and "(you told me: systemic lupus erythematosus" in text
    assert "Still open" in text and "Patients with HIV infection" in text
    assert "Only the trial team can judge:" in text
    assert "Subjects with any of the following exclusion criteria were not eligible" not in text
    assert "https://clinicaltrials.gov/study/NCT05030779" in text


def test_a_trial_for_another_condition_is_judged_too_with_its_reason(engine):
    engine.start(CID, role="patient")
    engine.message(CID, "I'm 30, I have lupus since 2015, mycophenolate failed")
    text = said(engine.message(CID, "/trial local-cd7-cart-heme"))
    assert "For you so far:" in text and "What probably rules it out:" in text
