"""bot/conversation.mmd draws exactly the engine's named states, and every state the
engine can report is reachable in a scripted conversation."""
from __future__ import annotations

import re
from pathlib import Path

import bot.tracker as tracker
from bot.session_store import SessionStore
from chat_fakes import fake_engine

DIAGRAM = Path(tracker.__file__).resolve().parent / "conversation.mmd"
STATES = {tracker.ROLE, tracker.INTAKE, tracker.ASKING, tracker.LOCATION, tracker.RESULTS}


def test_the_diagram_names_exactly_the_engines_states():
    lines = [line for line in DIAGRAM.read_text(encoding="utf-8").splitlines() if not line.strip().startswith("%%")]
    drawn = set()
    for line in lines:
        for match in re.finditer(r"(?:^|-->\s*)\s*([A-Z][A-Z_]+)\b", line.strip()):
            drawn.add(match.group(1))
    assert drawn == STATES


def test_every_state_is_reached_in_a_conversation(fresh_db):
    engine = fake_engine(SessionStore(fresh_db))
    seen = [engine.start("cli:s").state]
    for text in ("patient", "lupus", "I'm 40", "no HIV", "no", "Hangzhou", "more questions"):
        seen.append(engine.message("cli:s", text).state)
    assert set(seen) == STATES
