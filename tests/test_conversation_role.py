"""Issue #16: the role question ("who am I talking to?") accepts answers as people give
them and never loops: after one unclear answer patient wording is assumed, said so, and
/role changes it."""
from __future__ import annotations

import pytest

from bot.render import PLAIN, Renderer
from bot.session_store import SessionStore
from bot.tracker import INTAKE, ROLE
from chat_fakes import fake_engine

CID = "cli:role"


@pytest.fixture
def engine(fresh_db):
    return fake_engine(SessionStore(fresh_db))


def said(reply) -> str:
    return "\n".join(Renderer(PLAIN).render(reply))


@pytest.mark.parametrize("answer", ["for my mum", "For my daughter.", "both", "my son", "i'm asking for my dad",
                                    "family", "I'm the patient", "患者本人", "我是家属", "帮我妈妈问"])
def test_everyday_answers_choose_patient_wording(engine, answer):
    engine.start(CID)
    reply = engine.message(CID, answer)
    assert reply.role == "patient" and reply.state == INTAKE
    assert "who am I talking to" not in said(reply)


@pytest.mark.parametrize("answer", ["not sure", "no", "idk", "just looking", "Not sure.", "why?"])
def test_no_real_answer_assumes_patient_wording_and_says_how_to_change_it(engine, answer):
    engine.start(CID)
    reply = engine.message(CID, answer)
    assert reply.role == "patient" and reply.state == INTAKE
    assert "/role clinician" in said(reply)


@pytest.mark.parametrize("answer", ["I'm a GP", "research nurse", "i'm a haematologist", "我是医生", "主治医生"])
def test_clinicians_in_their_own_words(engine, answer):
    engine.start(CID)
    assert engine.message(CID, answer).role == "clinician"


def test_an_unclear_answer_is_asked_once_more_then_patient_wording_is_assumed(engine):
    engine.start(CID)
    first = engine.message(CID, "hmm")
    assert first.state == ROLE and "who am I talking to" in said(first)
    second = engine.message(CID, "what")
    assert second.role == "patient" and second.state == INTAKE
    assert "who am I talking to" not in said(second) and "/role clinician" in said(second)


def test_facts_before_the_role_then_an_unclear_answer_go_on_with_questions(engine):
    engine.start(CID)
    # a new sentence without a subject: whose rituximab is unclear ("my mother has lupus,
    # tried rituximab" is the mother's own sentence and treatment since round 15)
    reply = engine.message(CID, "my mother has lupus. tried rituximab")
    assert "I noted" in said(reply) and "who am I talking to" in said(reply)
    reply = engine.message(CID, "she is the one who is ill")
    assert reply.role == "patient" and reply.state != ROLE
    assert "who am I talking to" not in said(reply)


def test_the_role_question_never_loops(engine):
    engine.start(CID)
    asked = 0
    for text in ["hmm", "eh", "what", "???", "ok"]:
        reply = engine.message(CID, text)
        asked += "who am I talking to" in said(reply)
    assert asked <= 1 and engine.profile(CID) is not None and reply.role == "patient"


def test_for_my_mum_speaks_of_the_mother(engine):
    engine.start(CID)
    reply = engine.message(CID, "for my mum")
    assert "your mother" in said(reply)


def test_role_command_changes_and_tells_the_role(engine):
    engine.start(CID, role="patient")
    assert "/role clinician" in said(engine.message(CID, "/role"))
    reply = engine.message(CID, "/role clinician")
    assert reply.role == "clinician"
    assert engine.message(CID, "/role patient").role == "patient"


def test_role_command_respects_the_clinician_allowlist(engine):
    from bot.replies import Channel

    engine.start(CID, role="patient", channel=Channel(clinician_ok=False))
    reply = engine.message(CID, "/role clinician", channel=Channel(clinician_ok=False))
    assert reply.role == "patient"


@pytest.mark.parametrize("opening", ["my daughter is 24 and has lupus", "im writing for my son, he has crohns"])
def test_a_relative_writing_is_not_asked_who_is_talking(engine, opening):
    """"my daughter has lupus" says who writes: a relative, in everyday words (said so,
    with /role to change it), never the role question on top."""
    engine.start(CID)
    reply = engine.message(CID, opening)
    assert reply.role == "patient" and reply.state != ROLE
    assert "who am I talking to" not in said(reply)
