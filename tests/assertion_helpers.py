"""Helpers the assertion-class tests share (tests/test_extract_assertion_classes.py,
test_extract_unseen_classes.py, test_extract_round2.py, test_h102_round22.py,
test_h105_round23.py): each names a class of phrasing
and asks what one fact of it is."""
from __future__ import annotations

from datetime import date

from benchmarks.assertion import predicted_assertion
from nlp import extract

# a fact's reading in the gold's words (benchmarks.assertion.predicted_assertion)
NOW = ("present", "patient", "current")
PAST = ("present", "patient", "past")
FAMILY = ("present", "family", "current")


def mentions(text: str, concept: str, today: date) -> list:
    """The facts of ``concept`` in ``text`` (at least one, else the test fails naming what was read)."""
    found = [f for f in extract(text, today=today) if f.concept == concept]
    assert found, f"no {concept} in {text!r}: {[(f.label, f.concept) for f in extract(text, today=today)]}"
    return found


# the day the round tests (tests/test_extract_round*.py) count relative times from
ROUND_TODAY = date(2026, 12, 3)


def the_one(text: str, concept: str):
    """The only fact of ``concept`` in ``text`` (read on the real day; the test fails naming
    what was read when there is none or more than one)."""
    found = [f for f in extract(text) if f.concept == concept]
    assert len(found) == 1, (text, [(f.label, f.concept) for f in extract(text)])
    return found[0]


def of(text: str, concept: str, today: date = ROUND_TODAY):
    """The first fact of ``concept`` in ``text``."""
    return mentions(text, concept, today)[0]


def concepts(text: str, today: date = ROUND_TODAY) -> set[str]:
    """Every concept read in ``text``."""
    return {f.concept for f in extract(text, today=today)}


def present(fact) -> bool:
    """Stated as present, the patient's, now: not negated, uncertain, hypothetical, a relative's or past."""
    return not (fact.negated or fact.uncertain or fact.hypothetical or fact.family or fact.historical)


def one(text: str, concept: str):
    """The one fact of ``concept`` in ``text`` (exactly one, else the test fails)."""
    found = [f for f in extract(text) if f.concept == concept]
    assert len(found) == 1, (text, concept, found)
    return found[0]


def reading(text: str, concept: str) -> tuple[str, str, str]:
    """(assertion, experiencer, time) of the one fact of ``concept`` in ``text``."""
    return predicted_assertion(one(text, concept))


def facts_at(text: str, concept: str, today: date) -> list:
    """The facts of ``concept`` in ``text`` read on ``today`` (none is fine: the round tests of
    h140 and h141, round 30, ask for absence too)."""
    return [f for f in extract(text, today=today) if f.concept == concept]


def one_at(text: str, concept: str, today: date):
    """The one fact of ``concept`` in ``text`` read on ``today`` (exactly one, else the test
    fails naming what was read)."""
    found = facts_at(text, concept, today)
    assert len(found) == 1, (text, concept, [(f.label, f.concept) for f in extract(text, today=today)])
    return found[0]

