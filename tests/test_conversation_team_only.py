"""Issue #16: questions only a trial team can answer (a marker on the cells: "Has a test
shown CD19 expression?") are not asked of a patient or a relative; the criteria stay open
for the trial team. A clinician is still asked (data/phrasings.yaml `team_only`)."""
from __future__ import annotations

from datetime import date

import pytest

from bot.engine import Engine
from bot.render import PLAIN, Renderer
from bot.session_store import SessionStore
from data.store import open_store

CID = "cli:teamonly"


def said(reply) -> str:
    return "\n".join(Renderer(PLAIN).render(reply))


@pytest.fixture
def engine(tmp_path):
    return Engine(SessionStore(open_store(tmp_path / "t.db")), gazetteer=None, today=date(2026, 1, 15))


def asked_keys(engine) -> list[str]:
    return [e.payload["key"] for e in engine.store.events(CID) if e.type == "asked"]


def converse(engine, role: str, opening: str, more: bool = False) -> list[str]:
    """Every question asked, each answered "not sure"; with ``more``, "ask me more" after
    the results while the bot offers it."""
    engine.start(CID, role=role)
    reply = engine.message(CID, opening)
    for _ in range(30):
        if reply.state not in ("ASKING", "LOCATION"):
            if more and any(str(c.data).startswith("more:") for c in getattr(reply, "choices", [])):
                reply = engine.message(CID, "ask me more")
                continue
            break
        reply = engine.message(CID, "not sure")
    return asked_keys(engine)


@pytest.mark.parametrize("opening", ["I'm 30, I have lupus since 2015, mycophenolate failed",
                                     "my daughter is 24, she has lupus nephritis since 2019, mycophenolate failed"])
def test_no_marker_question_to_a_patient_or_relative(engine, opening):
    keys = converse(engine, "patient", opening)
    assert keys and not [k for k in keys if k.startswith("biomarker:")]


def test_a_clinician_is_asked_about_markers(engine):
    # "CD19 positive?" can no longer change the trial shown first (B cells carry CD19 unless
    # depleted; round 18, h82), so it waits for the first results: asked once the clinician
    # asks for more
    keys = converse(engine, "clinician", "30F SLE since 2015, failed MMF", more=True)
    assert any(k.startswith("biomarker:") for k in keys)
