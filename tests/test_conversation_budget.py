"""The question budget (issue #16): results come by themselves after at most
``QUESTION_BUDGET`` (8) questions, with "Ask me more questions" to go on (8 more at most)."""
from __future__ import annotations

import pytest
from chat_fakes import TRIALS, FakeQuestion, fake_extract, fake_match

from bot.asking import QUESTION_BUDGET
from bot.engine import Engine
from bot.render import PLAIN, Renderer
from bot.session_store import SessionStore
from bot.tracker import ASKING, LOCATION, RESULTS
from core.facts import Fact

CID = "cli:budget"


def _question(key: str, i: int) -> FakeQuestion:
    def fact(negated: bool):
        return lambda: [Fact("CONDITION", f"condition_{key}", "x", 0, 1, negated=negated)]
    return FakeQuestion(key, f"Question {i}?", f"Q{i}?", on_yes=fact(False), on_no=fact(True))


def endless_questions(results, profile, exclude):
    """Always one more yes/no question (q01, q02, ...), never the same key twice."""
    for i in range(1, 100):
        key = f"q{i:02d}"
        if key not in exclude:
            return _question(key, i)
    return None


def few_questions(results, profile, exclude):
    for i in range(1, 4):
        if f"q{i}" not in exclude:
            return _question(f"q{i}", i)
    return None


def said(reply) -> str:
    return "\n".join(Renderer(PLAIN).render(reply))


def labels(reply) -> list[str]:
    renderer = Renderer(PLAIN)
    return [renderer.choice_label(c) for c in reply.choices]


def engine_with(store, next_question):
    return Engine(store, extract=fake_extract, match=fake_match, next_question=next_question,
                  trials=TRIALS, gazetteer=None)


def run(engine, answer: str, limit: int = 30):
    """Answer every question with ``answer``; the number of questions asked and the last reply."""
    engine.start(CID, role="patient")
    reply = engine.message(CID, "I have lupus since 2015, I'm 40")
    asked = 0
    while reply.state in (ASKING, LOCATION) and asked < limit:
        asked += 1
        reply = engine.message(CID, answer)
    return asked, reply


# answers that leave questions open ("not sure", "skip") bring the results after two in a
# row (test_two_questions_left_open_bring_the_results, round 19): the budget is for answers
@pytest.mark.parametrize("answer", ["no", "yes"])
def test_results_come_by_themselves_after_at_most_eight_questions(fresh_db, answer):
    engine = engine_with(SessionStore(fresh_db), endless_questions)
    asked, reply = run(engine, answer)
    assert asked == QUESTION_BUDGET == 8
    assert reply.state == RESULTS
    assert "enough questions for now" in said(reply)
    assert "Ask me more questions" in labels(reply)


def test_ask_me_more_gives_another_eight_at_most(fresh_db):
    engine = engine_with(SessionStore(fresh_db), endless_questions)
    asked, reply = run(engine, "no")
    reply = engine.press(CID, next(c.data for c in reply.choices if Renderer(PLAIN).choice_label(c) == "Ask me more questions"))
    assert reply.state == ASKING and "Question 9?" in said(reply)
    more = 1
    while reply.state == ASKING:
        reply = engine.message(CID, "not sure")
        more += 1 if reply.state == ASKING else 0
    assert more == 8 and reply.state == RESULTS
    reply = engine.message(CID, "ask me more")           # typed works too
    assert reply.state == ASKING and "Question 17?" in said(reply)


def test_fewer_questions_when_nothing_more_can_change_a_verdict(fresh_db):
    engine = engine_with(SessionStore(fresh_db), few_questions)
    asked, reply = run(engine, "no")
    assert asked == 4 and reply.state == RESULTS          # three questions and the city
    assert "enough questions" not in said(reply)


def test_the_budget_is_rebuilt_from_the_event_log(fresh_db):
    store = SessionStore(fresh_db)
    engine = engine_with(store, endless_questions)
    engine.start(CID, role="patient")
    reply = engine.message(CID, "I have lupus since 2015, I'm 40")
    for _ in range(5):
        reply = engine.message(CID, "no")
    again = engine_with(SessionStore(fresh_db), endless_questions)   # a restarted process
    for _ in range(2):
        reply = again.message(CID, "no")
    assert reply.state == ASKING
    reply = again.message(CID, "no")
    assert reply.state == RESULTS


@pytest.mark.parametrize("answer", ["not sure", "I don't know", "skip"])
def test_two_questions_left_open_bring_the_results(fresh_db, answer):
    """A person who could not answer two questions in a row is unlikely to know the next:
    the results come (after the city), "Ask me more questions" goes on (round 19, h89)."""
    engine = engine_with(SessionStore(fresh_db), endless_questions)
    asked, reply = run(engine, answer)
    assert asked == 3 and reply.state == RESULTS          # two questions and the city
    assert "Ask me more questions" in labels(reply)
