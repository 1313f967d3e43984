"""Answers as people give them (issue #16): results, help and start-over asked for in
everyday words (data/phrasings.yaml, at least 100 phrasings, small typos tolerated), and
"no" to "When did you last take X? … or say 'never'" from someone who took X means "not now"."""
from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.phrasings import PHRASINGS_PATH, load_phrasings, plain
from bot.render import PLAIN, Renderer
from bot.session_store import SessionStore
from bot.tracker import ASKING, RESULTS, ROLE, INTAKE
from chat_fakes import TRIALS, fake_extract, fake_match, fake_next_question
from core.facts import Fact
from data.files import read_yaml
from matching.questions import build_question

CID = "cli:requests"
RAW = read_yaml(PHRASINGS_PATH)["requests"]
ALL = [(command, phrase) for command, phrases in RAW.items() for phrase in phrases]


def said(reply) -> str:
    return "\n".join(Renderer(PLAIN).render(reply))


@pytest.fixture
def engine(fresh_db):
    return Engine(SessionStore(fresh_db), extract=fake_extract, match=fake_match,
                  next_question=fake_next_question, trials=TRIALS, gazetteer=None)


def test_at_least_a_hundred_tested_phrasings():
    assert len(ALL) >= 100
    assert {command for command, _ in ALL} == {"results", "help", "restart"}


@pytest.mark.parametrize("command,phrase", ALL)
def test_every_phrasing_is_understood(command, phrase):
    phrasings = load_phrasings()
    assert phrasings.request(phrase) == command
    assert phrasings.request(phrase.upper() + "!!") == command          # any case, punctuation
    assert phrasings.request(f"  {phrase}?  ") == command


@pytest.mark.parametrize("typed,command", [
    ("resluts please", "results"), ("can you jsut show me the trials pls", "results"),
    ("show me waht you found", "results"), ("what trails are there", "results"),
    ("strat again", "restart"), ("start ovr", "restart"), ("can you hlep me", "help"),
    ("Results, please.", "results"), ("Can you just show me the trials, pls?", "results"),
])
def test_small_typos_and_punctuation(typed, command):
    assert load_phrasings().request(typed) == command


@pytest.mark.parametrize("typed", ["no", "yes", "45", "not sure", "never", "taking it now", "3 weeks ago",
                                   "I have lupus since 2015", "none of these", "prednisone", "in Hangzhou",
                                   "she is 24", "mycophenolate failed", "start methotrexate again"])
def test_answers_are_not_taken_for_requests(typed):
    assert load_phrasings().request(typed) is None


def test_plain():
    assert plain("Don\u2019t  show me, the TRIALS!") == "dont show me the trials"


@pytest.mark.parametrize("phrase", ["results please", "can you just show me the trials pls",
                                    "show me what you found", "what trials are there"])
def test_results_in_everyday_words_while_a_question_is_pending(engine, phrase):
    engine.start(CID, role="patient")
    reply = engine.message(CID, "I have lupus since 2015, tried mycophenolate")
    assert reply.state == ASKING
    reply = engine.message(CID, phrase)
    assert reply.state == RESULTS and "Trials you may qualify for" in said(reply)


@pytest.mark.parametrize("phrase", ["start again", "start over", "Start over please!", "strat again"])
def test_start_over_in_everyday_words(engine, phrase):
    engine.start(CID, role="patient")
    engine.message(CID, "I have lupus since 2015")
    reply = engine.message(CID, phrase)
    assert reply.state == ROLE and "Started over" in said(reply)
    assert not engine.profile(CID).facts


def test_help_in_everyday_words(engine):
    engine.start(CID, role="patient")
    reply = engine.message(CID, "how do i use this?")
    assert "Commands" in said(reply) and reply.state == INTAKE


# --- "no" to "When did you last take X? ... or say 'never'" ---------------------------

def tried_mycophenolate(text, source=None, today=None):
    if "mycophenolate" in text:
        return [Fact("DRUG", "mycophenolate_mofetil", "mycophenolate", 0, 13, status="failed", source=source),
                Fact("CONDITION", "sle", "lupus", 0, 5, source=source)]
    return []


def last_dose(results, profile, exclude):
    key = "last_dose:mycophenolate_mofetil"
    basis = [f for f in profile.facts if f.label == "DRUG"]
    return build_question(key, None, basis) if key not in exclude else None


@pytest.fixture
def dosing(fresh_db):
    return Engine(SessionStore(fresh_db), extract=tried_mycophenolate, match=fake_match,
                  next_question=last_dose, trials=TRIALS, gazetteer=None)


@pytest.mark.parametrize("no", ["no", "No.", "nope", "not now"])
def test_no_to_when_did_you_last_take_it_means_not_now(dosing, no):
    dosing.start(CID, role="patient")
    reply = dosing.message(CID, "I have lupus, mycophenolate failed")
    assert "When did you last take" in said(reply) and "never" in said(reply)
    reply = dosing.message(CID, no)
    assert "never had" not in said(reply) and "didn't catch" not in said(reply)
    drugs = [f for f in dosing.profile(CID).facts if f.label == "DRUG"]
    assert len(drugs) == 1 and not drugs[0].negated and drugs[0].status == "failed"
    assert drugs[0].status != "current"


def test_never_after_saying_it_was_taken_is_not_turned_into_not_now_silently(dosing):
    dosing.start(CID, role="patient")
    dosing.message(CID, "I have lupus, mycophenolate failed")
    reply = dosing.message(CID, "never")
    drugs = [f for f in dosing.profile(CID).facts if f.label == "DRUG"]
    assert len(drugs) == 1 and drugs[0].negated and drugs[0].historical    # said "never": a correction, shown as one
    assert "→" in said(reply)
