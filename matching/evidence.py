"""What the leaf judges read: a patient's facts by label, the facts related to a concept
(through the terminology's hierarchy), and the evidence rules behind presence and absence.

What counts as evidence (the team's safety rules):
- presence needs an *asserted* fact (not negated, hypothetical or family history);
- absence needs an explicit negation or a negative result: a thing never mentioned is
  unknown, never false;
- an uncertain fact ("possible dermatomyositis") leaves the leaf unknown, and says so.
"""
from __future__ import annotations

from datetime import date
from typing import Iterable

from core.facts import Fact, Profile
from data.terminology import Terminology, load_terminology
from matching.concepts import BROADER, EXACT, FUZZY, NARROWER, relation

PRESENT = (EXACT, NARROWER, FUZZY)   # a fact of this relation shows the criterion's concept
NEGATES = (EXACT, BROADER, FUZZY)    # a negated fact of this relation rules the concept out


class Evidence:
    """One profile on one day, as the leaf judges (``matching/leaves.py``, ``labs.py``,
    ``therapy.py``) read it; ``matching.evaluate.Evaluator`` adds rules, caching and
    "what if"."""

    def __init__(self, profile: Profile, terminology: Terminology | None = None,
                 today: date | None = None):
        self.profile = profile
        self.terminology = terminology or load_terminology()
        self.today = today or date.today()
        self._by_label: dict[str, list[Fact]] = {}
        for fact in profile.facts:
            self._by_label.setdefault(fact.label, []).append(fact)
        self._labels = frozenset(self._by_label)
        self._reads: set[str] | None = None     # labels read, while judging a baseline

    def facts(self, *labels: str) -> list[Fact]:
        if self._reads is not None:
            self._reads.update(labels)
        out: list[Fact] = []
        for label in labels:
            out.extend(self._by_label.get(label, ()))
        return out

    def related(self, labels: Iterable[str], concept: str) -> list[tuple[Fact, str]]:
        """Facts of the labels whose concept relates to ``concept`` (family history and
        hypothetical mentions are never about this patient and are left out)."""
        found = []
        for fact in self.facts(*labels):
            if fact.family or fact.hypothetical:
                continue
            rel = relation(fact.concept, fact.text, concept, self.terminology)
            if rel is not None:
                found.append((fact, rel))
        return found

    def label(self, concept: str) -> str:
        return self.terminology.label(concept)


def split_related(related: list[tuple[Fact, str]]):
    """(present, uncertain, broader, negated) facts from ``Evaluator.related``."""
    present = [f for f, r in related if r in PRESENT and not f.negated and not f.uncertain]
    uncertain = [f for f, r in related if r in PRESENT and not f.negated and f.uncertain]
    broader = [f for f, r in related if r == BROADER and not f.negated]
    negated = [f for f, r in related if r in NEGATES and f.negated]
    return present, uncertain, broader, negated
