"""The conversation on a store with many trials (the bundled ones and synthetic variants):
replies stay bounded and name what they leave out, the event log keeps what was shown,
and the pending question is found again among the trials questions are chosen for."""
from __future__ import annotations

from datetime import date

import pytest

from bot.engine import Engine
from bot.render import PLAIN, Renderer
from bot.session_store import SessionStore
from data.store import open_store, upsert_trials
from benchmarks.synthetic import generate
from data.trials import load_trials
from matching import pruned

CID = "cli:many"
TODAY = date(2026, 1, 15)


@pytest.fixture
def engine(tmp_path):
    db = open_store(tmp_path / "many.db")
    upsert_trials(db, list(generate(load_trials(), 120, seed=4)), "synthetic", validate=False)
    pruned.forget()
    return Engine(SessionStore(db), gazetteer=None, today=TODAY)


def said(reply) -> str:
    return "\n".join(Renderer(PLAIN).render(reply))


def test_the_summary_details_the_best_trials_and_counts_the_rest(engine):
    engine.start(CID, role="clinician")
    engine.message(CID, "34F with refractory SLE, failed mycophenolate")
    text = said(engine.command(CID, "summary"))
    assert "further trials not listed" in text              # the trials for other conditions, counted
    shown = [e for e in engine.store.events(CID) if e.type == "shown"][-1].payload
    assert 0 < len(shown["trials"]) <= 10


def test_results_log_only_the_trials_shown_and_how_many_more(engine):
    engine.start(CID, role="patient")
    engine.message(CID, "I have lupus and I'm 34")
    engine.command(CID, "results")
    shown = [e for e in engine.store.events(CID) if e.type == "shown"][-1].payload
    assert len(shown["trials"]) <= 10 and shown["more"] > 0


def test_an_answer_to_the_pending_question_is_read_with_many_trials(engine):
    engine.start(CID, role="patient")
    engine.message(CID, "I have lupus and I'm 34")
    asked = [e for e in engine.store.events(CID) if e.type == "asked"][-1].payload
    reply_word, kind = ("no", "answer") if asked["form"] == "yes_no" else ("not sure", "skip")
    engine.message(CID, reply_word)
    recorded = [e for e in engine.store.events(CID) if e.type == kind]
    assert recorded and recorded[-1].payload["key"] == asked["key"]
