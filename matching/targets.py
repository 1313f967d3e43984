"""Trials aimed at an antigen the patient's cells carry.

A CAR-T or antibody trial is often filed under a broad condition ("haematological
malignancy") and defined by its target ("CD7 CAR-T cells in CD7-positive ... tumours"). For
a referral whose blasts are CD7 positive, such a trial is as much for the patient's disease
as one filed under T-ALL itself; the ranking counts it so (``matching.engine``), never the
verdicts. ``targeted_trials`` finds them: the trials whose title or keywords name an antigen
(a biomarker the terminology marks ``target: true``) the patient is positive for.
"""
from __future__ import annotations

import re
from typing import Any

from core.facts import Profile
from data import search
from data.store import trials_version
from data.terminology import load_terminology

_MEMO: dict[tuple, frozenset[str]] = {}
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
    positive for (FTS5 phrases over those two columns: a criterion naming the antigen does
    not count), remembered while the trials stay the same."""
    names = target_names(profile)
    if not names:
        return frozenset()
    version = (id(db), trials_version(db))
    key = (version, tuple(names))
    found = _MEMO.get(key)
    if found is not None:
        return found
    phrases = " OR ".join('"' + re.sub(r'["]', "", n) + '"' for n in names)
    try:
        rows = search.search(db, "{title keywords} : (" + phrases + ")")
    except Exception as exc:           # an older store without the index: rank without it
        if "no such table" in str(exc):
            return frozenset()
        raise
    found = frozenset(rows)
    if len(_MEMO) >= 16:
        _MEMO.pop(next(iter(_MEMO)))
    _MEMO[key] = found
    return found
