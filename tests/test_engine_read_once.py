"""A message read twice in one turn (the FAQ check, then the answer) is read by the real
extractor once: the second read gets copies of the same facts with its own source."""
from __future__ import annotations

from datetime import date

import nlp.pipeline
from bot.engine import Engine
from bot.session_store import SessionStore
from data.store import open_store

TODAY = date(2026, 1, 15)
TEXT = "41, UC since 2010, failed mesalamine and infliximab, am i eligible?"


def test_a_question_with_facts_is_extracted_once_and_the_facts_are_the_same(db_path, monkeypatch):
    real = nlp.pipeline.extract
    calls: list[str] = []

    def counted(text, source=None, today=None):
        calls.append(text)
        return real(text, source=source, today=today)

    counted.__module__ = real.__module__            # the real extractor, counted
    monkeypatch.setattr(nlp.pipeline, "extract", counted)
    engine = Engine(SessionStore(open_store(db_path)), gazetteer=None, today=TODAY)
    engine.start("cli:once", role="patient")
    engine.message("cli:once", TEXT)
    assert len(calls) == 1                                       # the FAQ check's read reused
    kept = engine.profile("cli:once").facts
    assert {f.concept for f in kept} >= {"ulcerative_colitis", "infliximab"}
    # the copies given out are the extractor's facts, with the reader's source
    first, again = engine._read(TEXT, source="9"), engine._read(TEXT)
    assert first == real(TEXT, source="9", today=TODAY) and again == real(TEXT, today=TODAY)
    assert len(calls) == 1
    first[0].negated = not first[0].negated                     # a caller's change stays its own
    assert engine._read(TEXT) == real(TEXT, today=TODAY)


def test_a_given_extractor_is_called_every_time(db_path):
    calls: list[str] = []

    def fake(text, source=None, today=None):
        calls.append(text)
        return []

    engine = Engine(SessionStore(open_store(db_path)), extract=fake, gazetteer=None, today=TODAY)
    engine._read("x")
    engine._read("x")
    assert calls == ["x", "x"]
