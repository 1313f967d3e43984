"""Three-valued truth (plus "review"), shared by every layer: Kleene combinators and criterion statuses.

A rule states a condition about the patient; judging it gives ``TRUE``, ``FALSE``,
``UNKNOWN`` (the profile does not say) or ``REVIEW`` (only the trial team can judge).
``all``/``any``/``not`` follow Kleene's logic; an undecided combination is ``REVIEW`` when
review leaves are all that keep it open, else ``UNKNOWN``: all[true, review] is review,
all[unknown, review] is unknown (asking can still help).

A criterion turns the rule's truth into a status: for an inclusion TRUE is ``pass``; for an
exclusion TRUE is ``fail`` (the exclusion applies). Unknown stays unknown either way.
"""
from __future__ import annotations

from typing import Iterable

TRUE, FALSE, UNKNOWN, REVIEW = "true", "false", "unknown", "review"
PASS, FAIL = "pass", "fail"
STATUSES = (PASS, FAIL, UNKNOWN, REVIEW)


def _undecided(values: list[str]) -> str:
    return UNKNOWN if UNKNOWN in values else REVIEW


def kleene_all(values: Iterable[str]) -> str:
    values = list(values)
    if FALSE in values:
        return FALSE
    if all(v == TRUE for v in values):
        return TRUE
    return _undecided(values)


def kleene_any(values: Iterable[str]) -> str:
    values = list(values)
    if TRUE in values:
        return TRUE
    if all(v == FALSE for v in values):
        return FALSE
    return _undecided(values)


def kleene_not(value: str) -> str:
    return {TRUE: FALSE, FALSE: TRUE}.get(value, value)


def status_of(value: str, kind: str) -> str:
    """A criterion's status from its rule's truth: inclusions need it, exclusions forbid it."""
    if value == TRUE:
        return FAIL if kind == "exclusion" else PASS
    if value == FALSE:
        return PASS if kind == "exclusion" else FAIL
    return value


def truth_of(status: str) -> str:
    """The truth value "this criterion is satisfied" (pass → true), for combining groups."""
    return {PASS: TRUE, FAIL: FALSE}.get(status, status)


def combine_statuses(combine: str, statuses: Iterable[str]) -> str:
    """A group's status from its children's statuses (``combine`` is "all" or "any")."""
    values = [truth_of(s) for s in statuses]
    value = kleene_any(values) if combine == "any" else kleene_all(values)
    return {TRUE: PASS, FALSE: FAIL}.get(value, value)
