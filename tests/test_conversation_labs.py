"""Never ask what the person said they don't know (issue #16): after "no labs" in any
wording no lab question; otherwise ONE "Do you have recent blood test results?" before the
first lab question, and "no" / "I don't know" to it or to a lab question skips them all."""
from __future__ import annotations

import json

import pytest

from bot.engine import Engine
from bot.phrasings import load_phrasings
from bot.render import PLAIN, Renderer
from bot.session_store import SessionStore
from bot.tracker import ASKING, LOCATION, RESULTS
from chat_fakes import TRIALS, FakeQuestion, fake_extract, fake_match
from core.facts import Fact

CID = "cli:labs"
KEYS = ["q1", "lab:creatinine", "q2", "lab:platelets", "q3"]


def questions(results, profile, exclude):
    for key in KEYS:
        if key not in exclude:
            if key.startswith("lab:"):
                name = key.split(":")[1]
                return FakeQuestion(key, f"Do you know your latest {name} result?", f"{name}?", form="number",
                                    on_number=lambda v, name=name: [Fact("LAB", name, "x", 0, 1, value=v)])
            fact = lambda negated, key=key: [Fact("CONDITION", f"c_{key}", "x", 0, 1, negated=negated)]
            return FakeQuestion(key, f"Question {key}?", f"{key}?", on_yes=lambda: fact(False), on_no=lambda: fact(True))
    return None


@pytest.fixture
def engine(fresh_db):
    return Engine(SessionStore(fresh_db), extract=fake_extract, match=fake_match, next_question=questions,
                  trials=TRIALS, gazetteer=None)


def said(reply) -> str:
    return "\n".join(Renderer(PLAIN).render(reply))


def converse(engine, first: str, answer) -> list[str]:
    """Every text said after the first message, answering each question with ``answer(text)``."""
    engine.start(CID, role="patient")
    reply = engine.message(CID, first)
    transcript = [said(reply)]
    for _ in range(20):
        if reply.state not in (ASKING, LOCATION):
            break
        reply = engine.message(CID, answer(said(reply)))
        transcript.append(said(reply))
    assert reply.state == RESULTS
    return transcript


@pytest.mark.parametrize("first", [
    "my daughter has lupus, i dont have her labs",
    "I have lupus. I don't know any lab results",
    "lupus, no labs",
    "I have lupus and I don\u2019t have my lab results!",
])
def test_no_lab_question_after_no_labs(engine, first):
    transcript = converse(engine, first, lambda q: "20" if "How old" in q else "no")
    everything = "\n".join(transcript)
    assert "Question q1?" in everything and "Question q3?" in everything
    assert "latest" not in everything and "blood test" not in everything
    assert "didn't catch" not in everything


def test_no_labs_said_alone_or_in_the_middle(engine):
    engine.start(CID, role="patient")
    engine.message(CID, "I have lupus")
    reply = engine.message(CID, "i dont have her labs")   # while "Question q1?" is pending
    assert "won't ask about lab results" in said(reply) and "didn't catch" not in said(reply)
    transcript = [said(reply)]
    while reply.state in (ASKING, LOCATION):
        reply = engine.message(CID, "no")
        transcript.append(said(reply))
    assert not any("latest" in t or "blood test" in t for t in transcript)


@pytest.mark.parametrize("no", ["no", "No", "I don't know", "not sure", "nope", "no i dont"])
def test_one_blood_test_question_before_the_first_lab_question(engine, no):
    engine.start(CID, role="patient")
    engine.message(CID, "I have lupus")
    reply = engine.message(CID, "no")                     # q1
    assert "Do you have recent blood test results?" in said(reply)
    reply = engine.message(CID, no)
    assert "didn't catch" not in said(reply)
    assert "won't ask about lab results" in said(reply) and "Question q2?" in said(reply)
    reply = engine.message(CID, "yes")                    # q2
    assert "Question q3?" in said(reply) and "latest" not in said(reply)


def test_yes_to_the_blood_test_question_asks_the_labs(engine):
    transcript = converse(engine, "I have lupus", lambda q: "yes" if "?" in q and "latest" not in q else "120")
    everything = "\n".join(transcript)
    assert everything.count("Do you have recent blood test results?") == 1
    assert "latest creatinine" in everything and "latest platelets" in everything
    assert everything.index("blood test") < everything.index("latest creatinine")


@pytest.mark.parametrize("no", ["no", "I don't know", "i dont have her labs"])
def test_no_to_a_lab_question_skips_every_lab_question(engine, no):
    engine.start(CID, role="patient")
    engine.message(CID, "I have lupus")
    engine.message(CID, "no")                             # q1
    reply = engine.message(CID, "yes")                    # blood tests: yes
    assert "latest creatinine" in said(reply)
    reply = engine.message(CID, no)
    assert "didn't catch" not in said(reply) and "won't ask about lab results" in said(reply)
    assert "Question q2?" in said(reply)
    reply = engine.message(CID, "no")
    assert "Question q3?" in said(reply) and "platelets" not in said(reply)


def test_the_no_labs_event_holds_no_text(engine):
    engine.start(CID, role="patient")
    engine.message(CID, "I have lupus, i dont have her labs")
    events = [e for e in engine.store.events(CID) if e.type == "labs"]
    assert [e.payload for e in events] == [{"known": False}]
    assert "dont" not in json.dumps([e.payload for e in engine.store.events(CID)])


def test_no_labs_phrasings_are_data_and_not_overeager():
    phrasings = load_phrasings()
    assert len(phrasings.no_labs) > 40
    for text in ["no, labs are fine", "I have lupus", "her labs were normal", "she has no lupus"]:
        assert not phrasings.says_no_labs(text), text
