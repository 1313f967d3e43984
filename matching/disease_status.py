"""The status of the patient's disease (relapsed, refractory, newly diagnosed, in
remission, MRD; ``data/terminology/disease_status.yaml``) in judging and ranking.

A status is a condition concept under ``disease_status`` so that a criterion's status is a
``diagnosis`` leaf met through the is-a hierarchy (a relapse meets "relapsed or
refractory"), but it is never a diagnosis: ``without_status`` keeps it out of the relevance
gate and the ranking's condition fit. Statuses the terminology says contradict each other
(``contradicts``: a relapsed disease is not newly diagnosed) make the other one false
(``contradicting``); one not stated stays unknown and is asked.

In the ranking (``matching.status_trials``), a trial whose title or keywords name a status the
patient's contradicts ("Newly Diagnosed Multiple Myeloma" for a relapsed myeloma, "Relapsed
or Refractory ..." for a newly diagnosed patient), and not the patient's own, ranks with the
trials for a related condition, after those for the patient's disease (``matching.engine``);
it rules nothing out: only a criterion does.
"""
from __future__ import annotations

from core.facts import Fact
from data.condition_names import is_disease_status
from data.terminology import Terminology


def without_status(facts: list[Fact], terminology: Terminology) -> list[Fact]:
    """The facts that are no disease status: what may name a diagnosis."""
    return [f for f in facts if not is_disease_status(f.concept, terminology)]


def contradicting(concept: str, facts: list[Fact], terminology: Terminology) -> list[Fact]:
    """The patient's asserted, confirmed status facts that contradict ``concept`` ("relapsed"
    against "newly diagnosed"): the status, or one above it, lists the other (or one above
    it) under ``contradicts``, either way round. A status that is over (past: "MRD positive
    after induction, MRD negative after consolidation", read by
    nlp/components/disease_status.py) contradicts nothing now."""
    if not is_disease_status(concept, terminology):
        return []
    found = []
    for fact in facts:
        if (fact.negated or fact.family or fact.hypothetical or fact.uncertain or fact.historical
                or not is_disease_status(fact.concept, terminology)):
            continue
        if _contradict(concept, fact.concept, terminology) or _contradict(fact.concept, concept, terminology):
            found.append(fact)
    return found


def _contradict(one: str, other: str, terminology: Terminology) -> bool:
    for above in terminology.ancestors(one):
        for target in terminology[above].attrs.get("contradicts", ()):
            if other == target or terminology.is_a(other, target):
                return True
    return False

