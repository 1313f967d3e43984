"""Issue #16: questions people ask get answers from data (data/faq.yaml): what CAR-T is,
what a trial involves, costs, what a term means, where the sites are; a question is never
noted as a fact; an unknown question gets what the bot can answer; never "I didn't catch
that" twice in a row."""
from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.faq import load_faq, read_faq
from bot.render import PLAIN, Renderer
from bot.session_store import SessionStore
from chat_fakes import fake_engine
from data.errors import DataError
from data.store import open_store

CID = "cli:faq"
CAUGHT = "didn't catch"


@pytest.fixture
def engine(fresh_db):
    return fake_engine(SessionStore(fresh_db))


def said(reply) -> str:
    return "\n".join(Renderer(PLAIN).render(reply))


@pytest.mark.parametrize("question, answer_id", [
    ("what is CAR-T?", "car_t"), ("How does CAR-T work?", "car_t"), ("waht is car-t?", "car_t"),
    ("ok but what is car-t exactly?", "car_t"), ("what does a trial involve?", "trial_steps"),
    ("how much does it cost?", "cost"), ("is it free?", "cost"), ("is it safe?", "risks"),
    ("do I have to travel?", "travel"), ("how do I join?", "join"), ("am I eligible?", "eligible"),
    ("where is the hospital?", "sites"), ("where are the sites?", "sites"), ("how do I get there?", "sites"),
    ("what is lupus nephritis?", "term:lupus_nephritis"), ("what does refractory mean?", "term:refractory"),
    ("what is CD7?", "term:cd7"), ("whats apheresis", "term:apheresis"), ("What is lymphodepletion?", "term:lymphodepletion"),
    ("what is a phase 1 trial?", "term:phase_1"), ("what is lymphodepeltion?", "term:lymphodepletion"),
])
def test_questions_find_their_answer(question, answer_id):
    found = load_faq().find(question)
    assert found is not None and found.id == answer_id


@pytest.mark.parametrize("message", ["I have lupus since 2015", "no", "45", "mycophenolate didn't help",
                                     "what is the weather like?", "my daughter is 24"])
def test_statements_and_other_questions_find_no_answer(message):
    assert load_faq().find(message) is None


def test_answers_hedge_where_trials_differ_and_never_say_eligible():
    faq = load_faq()
    for answer in {a.id: a for a in [*faq.wordings.values(), *faq.names.values()]}.values():
        if answer.text is None:
            continue
        for text in answer.text.values():
            assert "you are eligible" not in text.casefold() and "will qualify" not in text.casefold()
    for entry in ("trial_steps", "risks", "cost", "travel"):
        answer = next(a for a in faq.wordings.values() if a.id == entry)
        assert "trial team" in answer.text["patient"]


def test_a_wording_of_two_entries_is_refused(tmp_path):
    bad = tmp_path / "faq.yaml"
    bad.write_text("question_starts: [what]\nterm_questions: ['what is {term}']\n"
                   "entries:\n  a: {wordings: [cost], answer: x}\n  b: {wordings: [cost], answer: y}\n")
    with pytest.raises(DataError, match="entries.b.wordings"):
        read_faq(bad)


def test_a_question_before_the_role_is_answered_and_the_role_asked_once_more(engine):
    engine.start(CID)
    reply = engine.message(CID, "what is CAR-T?")
    assert "own immune cells" in said(reply) and "who am I talking to" in said(reply)
    assert not engine.profile(CID).facts
    reply = engine.message(CID, "what does refractory mean?")      # no loop: patient wording assumed
    assert "did not get better" in said(reply) and reply.role == "patient"


def test_a_question_while_a_question_is_pending_is_answered_and_the_question_repeated(engine):
    engine.start(CID, role="patient")
    reply = engine.message(CID, "I have lupus since 2015, tried mycophenolate")
    assert "How old are you?" in said(reply)
    reply = engine.message(CID, "what is apheresis?")
    assert "collected" in said(reply) and "How old are you?" in said(reply) and reply.state == "ASKING"


def test_where_is_the_hospital_lists_the_sites_contacts_and_registry_page(engine):
    engine.start(CID, role="patient")
    engine.message(CID, "I have lupus since 2015, tried mycophenolate")
    text = said(engine.message(CID, "where is the hospital?"))
    assert "First Hospital, Hangzhou" in text and "Contacts:" in text


def test_an_unknown_question_says_what_the_bot_can_answer(engine):
    engine.start(CID, role="patient")
    reply = engine.message(CID, "what is the weather like today?")
    assert "can't answer that one" in said(reply) and CAUGHT not in said(reply)


def test_never_i_didnt_catch_that_twice_in_a_row(engine):
    engine.start(CID, role="patient")
    engine.message(CID, "I have lupus since 2015, tried mycophenolate")
    first = said(engine.message(CID, "blorp"))
    second = engine.message(CID, "zzzz")
    assert CAUGHT in first and CAUGHT not in said(second)
    assert "leave this question open" in said(second) and "How old are you?" not in said(second)


def test_nothing_found_twice_says_what_the_bot_understands(engine):
    engine.start(CID, role="patient")
    first = said(engine.message(CID, "blorp"))
    second = said(engine.message(CID, "zzzz"))
    assert "couldn't find anything" in first and "/help" in second and first != second


def test_nothing_new_once_the_illness_is_known_does_not_ask_for_the_diagnosis_again(engine):
    engine.start(CID, role="patient")
    engine.message(CID, "I have lupus, I'm 40")
    for _ in range(3):                 # the open questions (labs, city), left open
        engine.message(CID, "skip")
    reply = said(engine.message(CID, "blorp"))
    assert "anything new" in reply and "/results" in reply
    assert "diagnosis" not in reply and "couldn't find anything" not in reply


@pytest.fixture
def real_engine(tmp_path):
    return Engine(SessionStore(open_store(tmp_path / "real.db")), gazetteer=None)


@pytest.mark.parametrize("question", ["what is CAR-T?", "is there a car-t trial for me?", "could CAR-T help?"])
def test_a_question_is_never_noted_as_a_fact_on_the_real_pipeline(real_engine, question):
    real_engine.start(CID, role="patient")
    reply = real_engine.message(CID, question)
    assert "I noted" not in said(reply)
    assert not real_engine.profile(CID).facts


def test_where_is_the_hospital_on_the_bundled_trials(real_engine):
    real_engine.start(CID, role="patient")
    real_engine.message(CID, "I'm 30, lupus since 2015, mycophenolate failed")
    text = said(real_engine.message(CID, "where is the hospital?"))
    assert "https://clinicaltrials.gov/study/NCT" in text and "Sites" in text
