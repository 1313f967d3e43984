"""The status of the patient's disease (relapsed, refractory, newly diagnosed, in
remission, MRD; ``data/terminology/disease_status.yaml``) as the words just before it say:
"no relapse so far" and "relapse-free" are none, "if it relapses" is only feared.

ConText does not negate "relapse" in "no relapse": the REMISSION cue "no relapse"
(data/context_rules.json) covers the mention, and a cue never modifies a mention it covers.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from spacy.tokens import Span

from core.facts import Fact
from data.terminology import Terminology, load_terminology

STATUS_ROOT = "disease_status"
_WINDOW = 3   # tokens before the mention


@lru_cache(maxsize=1)
def _status_ids() -> frozenset[str]:
    terminology = load_terminology()
    if STATUS_ROOT not in terminology:
        return frozenset()
    return frozenset(terminology.descendants(STATUS_ROOT))


def is_status_span(ent: Span) -> bool:
    """A condition mention of a disease status ("primary refractory", "in remission")."""
    return ent.label_ == "CONDITION" and ent.kb_id_ in _status_ids()


class StatusWords:
    def __init__(self, terminology: Terminology, vocabulary: dict[str, Any]):
        self.terminology = terminology
        self.denied = frozenset(w.lower() for w in vocabulary.get("status_denied_by") or ())
        self.feared = frozenset(w.lower() for w in vocabulary.get("status_feared_by") or ())

    def is_status(self, concept: str) -> bool:
        return (STATUS_ROOT in self.terminology and concept in self.terminology
                and self.terminology.is_a(concept, STATUS_ROOT))

    def __call__(self, ents: list[Span], facts: list[Fact]) -> None:
        for ent, fact in zip(ents, facts):
            if fact.label != "CONDITION" or not self.is_status(fact.concept):
                continue
            sentence = ent.sent if ent.doc.has_annotation("SENT_START") else ent.doc[:]
            before = [t.lower_ for t in ent.doc[max(sentence.start, ent.start - _WINDOW):ent.start]]
            after = [t.lower_ for t in ent.doc[ent.end:min(sentence.end, ent.end + 2)]]
            if any(w in self.feared for w in before):
                fact.hypothetical = True
            elif any(w in self.denied for w in before) or "free" in after:   # "relapse-free"
                fact.negated = True
