"""A long letter is read whole (issue #13): Telegram splits a message over 4,096
characters into parts arriving within a second; the engine reads each part as free text
and never takes the next part as the answer to the question on screen. The transport is
not involved (bot/telegram_app.py unchanged): the engine knows a part by its length and the
rest by arriving within ``LETTER_JOIN_SECONDS`` of it."""
from __future__ import annotations

from datetime import date

import pytest

from bot import engine as engine_module
from bot.engine import Engine
from bot.session_store import SessionStore
from data.store import open_store

TELEGRAM_LIMIT = 4096

HISTORY = ("She was seen in clinic repeatedly for Raynaud phenomenon, digital ulcers and skin "
           "thickening of the hands and forearms, with reflux and dysphagia; the modified Rodnan "
           "skin score rose over the year despite treatment and physiotherapy. ")


def _split_letter() -> tuple[str, str]:
    """The two updates Telegram delivers: the first 4,096 characters, then the rest, here
    one short line (so only its timing says it is not an answer)."""
    text = ("Dear colleague,\nI am referring Mrs A, 41, with diffuse cutaneous systemic sclerosis since 2019.\n"
            + HISTORY * 17 + "Treatment: mycophenolate 2022-2024 (progression), rituximab 2024 (anti-Scl-70 positive), "
            "creatinine 0.8 mg/dL. Kind regards, Dr B")
    assert len(text) > TELEGRAM_LIMIT
    first, rest = text[:TELEGRAM_LIMIT], text[TELEGRAM_LIMIT:]
    assert "\n" not in rest and len(rest) < engine_module.LETTER_CHARS
    return first, rest


@pytest.fixture
def engine():
    return Engine(SessionStore(open_store(":memory:")), gazetteer=None, today=date(2026, 12, 2))


def _asked(engine, cid):
    engine.start(cid, role="clinician")
    engine.message(cid, "systemic sclerosis")
    assert engine.store.events(cid)[-1].type == "asked" or any(e.type == "asked" for e in engine.store.events(cid))


def test_a_letters_last_part_that_looks_like_an_answer_is_not_one(engine, monkeypatch):
    """"...anti-Scl-70 | positive", "...pregnancy test: | no": the split leaves a fragment
    that alone would answer the question on screen."""
    clock = [1_000_000.0]
    monkeypatch.setattr(engine_module.time, "time", lambda: clock[0])
    _asked(engine, "tg:3")
    engine.message("tg:3", _split_letter()[0])
    assert engine.store.events("tg:3")[-1].type == "asked"
    before = len(engine.store.events("tg:3"))
    clock[0] += 0.5
    engine.message("tg:3", "no")
    assert not any(e.type in ("answer", "skip") for e in engine.store.events("tg:3")[before:])


def test_the_parts_of_a_split_letter_are_read_not_taken_as_answers(engine, monkeypatch):
    clock = [1_000_000.0]
    monkeypatch.setattr(engine_module.time, "time", lambda: clock[0])
    _asked(engine, "tg:1")
    first, rest = _split_letter()
    before = len(engine.store.events("tg:1"))
    engine.message("tg:1", first)
    clock[0] += 0.4
    engine.message("tg:1", rest)
    events = engine.store.events("tg:1")[before:]
    assert not any(e.type == "answer" for e in events)
    concepts = {f["concept"] for e in events if e.type == "facts" for f in e.payload["facts"]}
    assert {"rituximab", "creatinine"} <= concepts


def test_a_short_answer_long_after_a_letter_answers_the_question(engine, monkeypatch):
    clock = [1_000_000.0]
    monkeypatch.setattr(engine_module.time, "time", lambda: clock[0])
    _asked(engine, "tg:2")
    engine.message("tg:2", _split_letter()[0])
    clock[0] += 60
    before = len(engine.store.events("tg:2"))
    engine.message("tg:2", "no")
    events = engine.store.events("tg:2")[before:]
    assert any(e.type in ("answer", "skip") for e in events)
