"""The next question is chosen once per turn for the same results, excluded keys, labs and
role (``bot.asking._next``, ``Turn.next_cache``); the choice is forgotten when the facts
change, when the conversation is restarted and on /forget."""
from __future__ import annotations

import pytest

from bot import engine_commands
from bot.engine import Engine
from bot.session_store import SessionStore
from bot.tracker import Tracker
from bot.turn import Turn
from chat_fakes import TRIALS, FakeQuestion, fake_extract, fake_match
from core.facts import Fact

CID = "cli:next-memo"
KEYS = ["q1", "lab:creatinine", "q2"]


class Counting:
    """A next_question collaborator that counts its calls: the first key not excluded."""

    def __init__(self):
        self.calls = 0

    def __call__(self, results, profile, exclude):
        self.calls += 1
        for key in KEYS:
            if key not in exclude:
                return FakeQuestion(key, f"Question {key}?", f"{key}?")
        return None


@pytest.fixture
def chooser():
    return Counting()


@pytest.fixture
def engine(fresh_db, chooser):
    return Engine(SessionStore(fresh_db), extract=fake_extract, match=fake_match, next_question=chooser,
                  trials=TRIALS, gazetteer=None)


def _turn(facts=True) -> Turn:
    turn = Turn(CID, Tracker(CID))
    turn.record("role", {"role": "patient"})
    if facts:
        turn.record("facts", {"source": "m1", "facts": [Fact("CONDITION", "sle", "lupus", 0, 5).to_dict()]})
    return turn


def test_same_turn_same_choice_is_chosen_once(engine, chooser):
    turn = _turn()
    first = engine._next(turn, set())
    assert first.key == "q1" and chooser.calls == 1
    assert engine._next(turn, set()) is first and chooser.calls == 1
    # other excluded keys are another choice
    assert engine._next(turn, {"q1"}).key == "lab:creatinine" and chooser.calls == 2


def test_lab_passed_over_is_remembered_with_the_labs(engine, chooser):
    turn = _turn()
    turn.record("labs", {"known": False})
    assert engine._next(turn, {"q1"}).key == "q2" and chooser.calls == 2    # lab question passed over
    assert engine._next(turn, {"q1"}).key == "q2" and chooser.calls == 2
    turn.record("labs", {"known": True})                                     # labs at hand: chosen again
    assert engine._next(turn, {"q1"}).key == "lab:creatinine" and chooser.calls == 3


def test_new_facts_choose_again(engine, chooser):
    turn = _turn()
    engine._next(turn, set())
    turn.record("answer", {"key": "q1", "source": "m2", "facts": [Fact("DRUG", "rituximab", "rituximab", 0, 9).to_dict()]})
    assert turn.results_cache is None and not turn.next_cache
    engine._next(turn, set())
    assert chooser.calls == 2


def test_forget_and_restart_clear_the_choice(engine, chooser):
    for command in (engine_commands.forget, engine_commands.restart):
        turn = _turn()
        engine._next(turn, set())
        assert turn.next_cache
        command(engine, turn, "")
        assert not turn.next_cache and turn.results_cache is None


def test_a_conversation_asks_as_before(engine, chooser):
    engine.start(CID, role="patient")
    reply = engine.message(CID, "I have lupus")
    assert "Question q1?" in str(reply.blocks)
