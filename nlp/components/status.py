"""Status of therapies, infections and markers, from the ConText modifiers of a span.

* DRUG / PROCEDURE: failed, intolerant or current: the nearest THERAPY_* modifier
  ("tried cellcept, didn't work" -> failed; "stopped rituximab due to side effects" ->
  intolerant; "currently on belimumab" -> current). On a tie: intolerant, failed, current.
* INFECTION: negative, positive or active: the nearest of a negation, RESULT_POSITIVE or
  INFECTION_ACTIVE modifier; with none, a mention the patient is said to have had
  (a history cue) is positive; otherwise unknown (None).
* BIOMARKER: positive or negative: a sign written in the mention ("CD7+", "CD7-positive"),
  else the nearest negation or RESULT_POSITIVE modifier, else positive when the mention
  says the marker is expressed ("CD7 expression").
"""
from __future__ import annotations

from typing import Any

from spacy.tokens import Span

THERAPY_STATUS = {"THERAPY_INTOLERANT": "intolerant", "THERAPY_FAILED": "failed", "THERAPY_CURRENT": "current"}
_THERAPY_RANK = {"intolerant": 0, "failed": 1, "current": 2}
RESULT_STATUS = {"NEGATED_EXISTENCE": "negative", "RESULT_POSITIVE": "positive", "INFECTION_ACTIVE": "active"}


def _distance(span: Span, modifier) -> int:
    start, end = modifier.modifier_span
    if end <= span.start:
        return span.start - end
    return max(0, start - span.end)


def _nearest(span: Span, categories: dict[str, str], rank: dict[str, int] | None = None) -> str | None:
    best: tuple[int, int, str] | None = None
    for modifier in span._.modifiers:
        status = categories.get(modifier.category)
        if status is None:
            continue
        key = (_distance(span, modifier), (rank or {}).get(status, 0), status)
        if best is None or key < best:
            best = key
    return None if best is None else best[2]


def therapy_status(span: Span) -> str | None:
    return _nearest(span, THERAPY_STATUS, _THERAPY_RANK)


def _negated_before(span: Span) -> bool:
    """A negation cue written before the span ("no CD19-positive B cells")."""
    return any(m.category == "NEGATED_EXISTENCE" and m.modifier_span[1] <= span.start for m in span._.modifiers)


def _has(span: Span, category: str) -> bool:
    return any(m.category == category for m in span._.modifiers)


def infection_status(span: Span, written: str | None = None) -> str | None:
    """``written`` is what MentionStatus read in the mention itself."""
    if span._.is_negated and written not in ("positive", "negative"):  # "No active infection"
        nearest = _nearest(span, RESULT_STATUS)
        return nearest if nearest in ("positive", "active") else "negative"
    if written == "active":
        return "active"
    if written in ("positive", "negative"):
        return written
    status = _nearest(span, RESULT_STATUS)
    if status is None and (written == "latent" or _has(span, "HISTORICAL")):
        return "positive"
    return status


class MentionStatus:
    """Reads a status written inside a marker or serology mention ("CD7+", "HBsAg(-)")."""

    def __init__(self, vocabulary: dict[str, Any]):
        self.words = {
            word.lower(): status for status, words in vocabulary["mention_status"].items() for word in words
        }

    def __call__(self, span: Span) -> str | None:
        """positive / negative / expressed from the last token (the "-" inside "anti-dsDNA"
        is not a result); active / latent from the first ("active tuberculosis")."""
        if len(span) < 2:
            return None
        last = self.words.get(span[-1].lower_)
        if last in ("positive", "negative", "expressed"):
            return last
        first = self.words.get(span[0].lower_)
        return first if first in ("active", "latent") else None


def biomarker_status(span: Span, written: str | None) -> str | None:
    """``written`` is what MentionStatus read in the mention itself; a negated positive
    mention ("no CD19-positive B cells") is negative."""
    if written == "positive" and _negated_before(span):
        return "negative"
    if written in ("positive", "negative"):
        return written
    status = _nearest(span, RESULT_STATUS)
    if status in ("positive", "negative"):
        return status
    return "positive" if written == "expressed" else None
