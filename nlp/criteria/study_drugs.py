"""The drugs of the study whose criteria are being read, for lines that name them only as
"the study drug" ("Known hypersensitivity to the study treatment or any of its ingredients").

A criterion line alone never says which drugs "the study drug" is; the record does, in its
interventions (ClinicalTrials.gov ``armsInterventionsModule``). The importer reads a record's
criteria inside ``reading_study(record["interventions"])``; the criteria reader asks
``current_study_drugs()``, which is the concept of each drug the interventions name, or None
when it cannot say them all (no record, no drug among the interventions, or one intervention
that is not wholly drugs the pipeline reads: a code such as "ASP3082", "Endocrine Therapy of
Physician's Choice", a biosimilar's name). None leaves such a line to the trial team, as
before; a placebo, a procedure, radiotherapy or a behavioural intervention is no drug of the
study's. The words are data (``data/nlp/criteria_cues.yaml``: ``placebo_intervention``,
``intervention_filler``).
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Iterable, Iterator

from data.terminology import load_terminology
from nlp.criteria.cues import load_cues
from nlp.criteria.scopes import names_a_kind
from nlp.pipeline import extract_with_doc

# intervention types that are never a substance a patient can be allergic to
NOT_SUBSTANCES = ("PROCEDURE", "RADIATION", "BEHAVIORAL")

_STUDY: ContextVar[tuple[str, ...] | None] = ContextVar("study_drugs", default=None)
# a bracket right after a drug that names the same drug again holds its other names and codes
# ("Darolutamide (Nubeqa, BAY1841788)")
_BRACKET = re.compile(r"\s*\(([^()]*)\)")
_LEFT = re.compile(r"[^\W\d_]", re.UNICODE)


def current_study_drugs() -> tuple[str, ...] | None:
    """The concepts of the drugs of the record being read, or None (unknown)."""
    return _STUDY.get()


@contextmanager
def reading_study(interventions: Iterable[dict] | None) -> Iterator[tuple[str, ...] | None]:
    """Read criteria knowing the record's interventions (dicts with ``type`` and ``name``)."""
    token = _STUDY.set(study_drug_concepts(interventions) if interventions is not None else None)
    try:
        yield _STUDY.get()
    finally:
        _STUDY.reset(token)


def study_drug_concepts(interventions: Iterable[dict]) -> tuple[str, ...] | None:
    """Every drug concept the interventions name, in order; None when any intervention that
    may be a substance is not wholly read, or when there is no drug at all."""
    concepts: list[str] = []
    cues = load_cues()
    for intervention in interventions:
        kind = (intervention.get("type") or "").upper()
        name = (intervention.get("name") or "").strip()
        if kind in NOT_SUBSTANCES:
            continue
        if not name:
            return None
        if cues.search("placebo_intervention", name):
            continue
        named = name_concepts(name)
        if named is None:
            return None
        concepts.extend(named)
    return tuple(dict.fromkeys(concepts)) or None


@lru_cache(maxsize=4)
def _classes(_terminology_id: int) -> frozenset[str]:
    """The concepts some other drug sits under (classes of drugs, not one drug; a regimen sits
    under each of its drugs, which makes no drug a class)."""
    return frozenset(parent for concept in load_terminology().concepts.values() if concept.kind != "regimen"
                     for parent in concept.parents or ())


@lru_cache(maxsize=4096)
def name_concepts(name: str) -> tuple[str, ...] | None:
    """The drug concepts of one intervention's name when the name is those drugs and nothing
    else (joining, dosing and salt words aside; a bracket after a drug naming it again is its
    other names), else None."""
    facts, _ = extract_with_doc(name, conversation=False)
    terminology = load_terminology()
    if not facts or any(f.label != "DRUG" for f in facts):
        return None
    classes = _classes(id(terminology))
    for fact in facts:
        concept = terminology.get(fact.concept)
        if concept is None or concept.kind != "therapy" or fact.concept in classes or names_a_kind(concept, fact.text):
            return None     # a regimen ("FOLFIRI"), a class ("chemotherapy"), one kind ("Insulin glargine")
    rest = list(name)
    for fact in facts:
        rest[fact.start:fact.end] = " " * (fact.end - fact.start)
    left = "".join(rest)
    for fact in facts:
        bracket = _BRACKET.match(left, fact.end)
        if bracket is not None and any(other.concept == fact.concept and bracket.start(1) <= other.start < bracket.end(1)
                                       for other in facts):
            left = left[:bracket.start()] + " " * (bracket.end() - bracket.start()) + left[bracket.end():]
    cues = load_cues()
    for pattern in cues.patterns.get("intervention_filler", ()):
        left = pattern.sub(" ", left)
    if _LEFT.search(left):
        return None
    return tuple(dict.fromkeys(f.concept for f in facts))
