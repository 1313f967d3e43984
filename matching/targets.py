"""Trials aimed at an antigen the patient's cells carry.

A CAR-T or antibody trial is often filed under a broad condition ("haematological
malignancy") and defined by its target ("CD7 CAR-T cells in CD7-positive ... tumours"). For
a referral whose blasts are CD7 positive, such a trial is as much for the patient's disease
as one filed under T-ALL itself; the ranking counts it so (``matching.engine``), never the
verdicts. ``targeted_trials`` finds them: the trials whose title or keywords name an antigen
(a biomarker the terminology marks ``target: true``) the patient is positive for;
``untargeted_trials`` those naming one the patient is not known to carry, which rank after
the trials fitting the patient equally.
"""
from __future__ import annotations

from typing import Any

from core.facts import Profile
from data.terminology import load_terminology
from matching.keywords import trials_naming
from matching.status_trials import trials_for

_POSITIVE = ("positive", None)          # a marker named without a status ("CD7+ blasts") is positive


def target_names(profile: Profile) -> list[str]:
    """The names of the target antigens the patient is positive for (stated about the
    patient, not negated, not hypothetical): the concept's abbreviations and terms."""
    terminology = load_terminology()
    names: list[str] = []
    for fact in profile.facts:
        if (fact.label != "BIOMARKER" or fact.negated or fact.family or fact.hypothetical or fact.uncertain
                or fact.status not in _POSITIVE or fact.concept not in terminology):
            continue
        concept = terminology[fact.concept]
        if concept.attrs.get("target"):
            names += [*concept.abbreviations] or [concept.label]
    return sorted(set(names))


def targeted_trials(db: Any, profile: Profile) -> frozenset[str]:
    """Ids of the trials whose title or keywords name a target antigen the patient is
    positive for (a criterion naming the antigen does not count; ``keywords.trials_naming``)."""
    return trials_naming(db, target_names(profile))


def all_target_names() -> list[str]:
    """The names of every target antigen the terminology knows (``target: true``)."""
    terminology = load_terminology()
    names: list[str] = []
    for concept in terminology.by_category("biomarker"):
        if concept.attrs.get("target"):
            names += [*concept.abbreviations] or [concept.label]
    return sorted(set(names))


def untargeted_trials(db: Any, profile: Profile) -> frozenset[str]:
    """Ids of the trials whose title or keywords name a target antigen the patient is not
    stated to be positive for ("CD7 CAR-T cells in CD7-positive ... tumours" for a B-ALL
    whose CD7 is not known), trials for a cancer only: among trials fitting the patient's
    condition equally, they
    rank after the others, as a trial for a marker the patient is not known to have is less
    likely theirs. Never a verdict: the marker's criterion decides."""
    named = trials_naming(db, all_target_names()) - targeted_trials(db, profile)
    # the antigen is a mark of the patient's own cells in a cancer only: a CD19 or CD7 CAR-T
    # for lupus or arthritis aims at immune cells every patient has
    return named & trials_for(db, ("malignancy",)) if named else named
