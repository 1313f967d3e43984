"""Helpers the relevance tests share (tests/test_h104_round22.py, test_h109_round23.py): the
patient's own diagnoses read from a message, and a trial's condition gate judged for it."""
from __future__ import annotations

from datetime import date

from core.facts import Profile
from matching.engine import match
from nlp import extract

GATE_TODAY = date(2026, 12, 5)


def conditions(text: str) -> set[str]:
    """The diagnoses ``text`` states as the patient's (not denied, not a relative's)."""
    return {f.concept for f in extract(text) if f.label == "CONDITION" and not f.negated and not f.family}


def gate(text: str, trial: dict, today: date = GATE_TODAY):
    """The trial's result for the patient of ``text``, and its condition gate's verdict."""
    result = match(Profile(extract(text)), [trial], today=today)[0]
    return result, next(c for c in result.top if c.id == "elig-condition")
