"""Issue #16 on the real engine and the bundled trials: questions chosen by how much they
can change a shown trial's verdict, results as soon as nothing left is likely to change
one ("ask me more" asks the rest), and never a question the person said they cannot answer."""
from __future__ import annotations

from datetime import date

import pytest

from bot.engine import Engine
from bot.render import PLAIN, Renderer
from bot.session_store import SessionStore
from data.store import open_store
from matching import pruned

TODAY = date(2026, 1, 15)
RARE = ("pregnancy", "infection:hiv:positive", "infection:syphilis:positive", "diagnosis:cns_disorder")


@pytest.fixture
def engine(db_path):
    pruned.forget()
    return Engine(SessionStore(open_store(db_path)), gazetteer=None, today=TODAY)


def said(reply) -> str:
    return "\n".join(Renderer(PLAIN).render(reply))


def asked_keys(engine, cid: str) -> list[str]:
    return [e.payload["key"] for e in engine.store.events(cid) if e.type == "asked"]


def answer_all(engine, cid: str, reply, answer: str = "no", limit: int = 30):
    for _ in range(limit):
        if reply.state not in ("ASKING", "LOCATION"):
            break
        key = asked_keys(engine, cid)[-1]
        reply = engine.message(cid, "never" if key.startswith("last_dose:") else "Hangzhou" if key == "location" else answer)
    return reply


def test_a_lupus_patient_reaches_results_within_five_questions_and_no_rare_exclusion_first(engine):
    cid = "cli:choice-lupus"
    engine.start(cid, role="patient")
    reply = answer_all(engine, cid, engine.message(cid, "I'm 34, I have lupus since 2015, mycophenolate didn't help"))
    assert reply.state == "RESULTS"
    first_round = asked_keys(engine, cid)
    assert 1 <= len(first_round) <= 5
    assert not any(key in RARE for key in first_round), first_round
    assert "Ask me more questions" in said(reply)              # the rest are still there to answer
    # "ask me more": the rare exclusions come now
    reply = answer_all(engine, cid, engine.press(cid, "more:"))
    for _ in range(5):
        if "more:" not in [c.data for c in reply.choices]:
            break
        reply = answer_all(engine, cid, engine.press(cid, "more:"))
    later = asked_keys(engine, cid)[len(first_round):]
    assert "pregnancy" in later and "infection:hiv:positive" in later


def test_the_trial_a_requirement_rules_out_is_settled_first(engine):
    # Crohn's disease, two biologics failed, no steroids ever: the Crohn's/UC/RA trial needs
    # failed steroids, and the bot asks what decides it before any rare exclusion. Once the
    # Crohn's branch is likely to fail, the trial's other diseases (RA, dermatomyositis...)
    # are not asked of a patient who told us their diagnosis (round 6); since round 43 they
    # are groups for other diseases than his, so the failed Crohn's branch rules the trial out
    cid = "cli:choice-crohns"
    engine.start(cid, role="clinician")
    reply = answer_all(engine, cid, engine.message(cid, "36M Crohn's since 2012, failed infliximab, adalimumab, ustekinumab"))
    keys = asked_keys(engine, cid)
    assert len(keys) <= 3 and keys[0] == "last_dose:glucocorticoid", keys
    assert not any(key.startswith("diagnosis") for key in keys), keys
    result = {r.id: r.verdict for r in engine.match(engine.profile(cid), engine.trials, today=TODAY)}
    assert result["NCT05239702"] == "ineligible"                   # no failed steroids; RA is not his
    assert reply.state == "RESULTS"


def test_results_come_with_a_word_when_the_rest_can_wait(engine):
    cid = "cli:choice-word"
    engine.start(cid, role="patient")
    reply = answer_all(engine, cid, engine.message(cid, "I'm 34, I have lupus since 2015, mycophenolate didn't help"))
    assert reply.state == "RESULTS"
    assert "That's what matters most for now" in said(reply) or "That's all I need to ask" in said(reply)


def test_no_lab_question_after_no_labs_even_when_asked_for_more(engine):
    cid = "cli:choice-labs"
    engine.start(cid, role="patient")
    engine.message(cid, "I'm 34, I have lupus since 2015, mycophenolate didn't help")
    reply = engine.message(cid, "i dont have my labs")
    reply = answer_all(engine, cid, reply)
    for _ in range(4):
        if "more:" not in [c.data for c in reply.choices]:
            break
        reply = answer_all(engine, cid, engine.press(cid, "more:"))
    keys = asked_keys(engine, cid)
    assert not any(k.startswith("lab:") or k == "labs" for k in keys), keys


def test_not_sure_is_never_asked_again(engine):
    cid = "cli:choice-unsure"
    engine.start(cid, role="patient")
    reply = answer_all(engine, cid, engine.message(cid, "my daughter is 24, she has lupus nephritis since 2019, mycophenolate failed"),
                       answer="not sure")
    for _ in range(4):
        if "more:" not in [c.data for c in reply.choices]:
            break
        reply = answer_all(engine, cid, engine.press(cid, "more:"), answer="not sure")
    keys = asked_keys(engine, cid)
    assert len(keys) == len(set(keys)), keys


def test_not_sure_with_no_question_open_is_no_correction(engine):
    # after the results, "not sure" (the answer to a question already gone) was taken for a
    # correction: "What should I correct?"
    cid = "cli:choice-unsure-after"
    engine.start(cid, role="patient")
    reply = answer_all(engine, cid, engine.message(cid, "I'm 34, I have lupus since 2015, mycophenolate didn't help"))
    assert reply.state == "RESULTS"
    before = engine.profile(cid).facts
    for text in ("not sure", "skip"):
        reply = engine.message(cid, text)
        assert "What should I correct" not in said(reply) and said(reply).startswith("OK.")
    assert engine.profile(cid).facts == before
