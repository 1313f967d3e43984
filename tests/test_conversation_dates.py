"""Answers to "When did she last take X?" (found by a product review): a date in a reply
about something else belongs to that thing ("creatinine was 1.8 last month" is no last
dose of rituximab); a date that only dates a therapy already known is said back as such,
never as a "correction" that shows no change."""
from __future__ import annotations

from datetime import date

import pytest

from bot.engine import Engine
from bot.render import PLAIN, Renderer
from bot.session_store import SessionStore
from data.store import open_store
from matching import pruned

CID = "cli:dates"
TODAY = date(2026, 12, 2)
OPENING = "my daughter is 24 and has lupus since 2019. she tried cellcept and rituximab, nothing worked"


@pytest.fixture
def engine(tmp_path):
    pruned.forget()
    return Engine(SessionStore(open_store(tmp_path / "t.db")), gazetteer=None, today=TODAY)


def said(reply) -> str:
    return "\n".join(Renderer(PLAIN).render(reply))


def _to_last_dose(engine):
    engine.start(CID, role="patient")
    reply = engine.message(CID, OPENING)
    for _ in range(6):
        if "When did she last take" in said(reply):
            return reply
        reply = engine.message(CID, "not sure")
    pytest.skip("no last-dose question on the bundled trials")


def test_a_date_about_something_else_is_not_the_last_dose(engine):
    asked = said(_to_last_dose(engine))
    reply = engine.message(CID, "her kidneys arent great, creatinine was 1.8 last month")
    drugs = [f for f in engine.profile(CID).facts if f.label == "DRUG"]
    assert all(f.date is None for f in drugs), [(f.concept, f.date) for f in drugs]
    assert any(f.label == "LAB" and f.concept == "creatinine" for f in engine.profile(CID).facts)
    assert asked.splitlines()[-1] in said(reply) or "When did she last take" in said(reply)   # still open


def test_a_last_dose_is_said_back_with_its_date_not_as_a_correction(engine):
    _to_last_dose(engine)
    text = said(engine.message(CID, "about 8 months ago"))
    assert "corrected" not in text and "last taken 2026-04" in text
