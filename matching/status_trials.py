"""Trials for another status of the patient's disease, for the ranking
(``matching.engine``): a trial whose title or keywords name a status the patient's stated
status contradicts ("Newly Diagnosed Multiple Myeloma" for a relapsed myeloma, "Relapsed or
Refractory ..." for a newly diagnosed patient), and none the patient has, ranks with the
trials for a related condition, after those for the patient's disease. It rules nothing out:
only a criterion does (``matching.disease_status``).
"""
from __future__ import annotations

from typing import Any

from core.facts import Profile
from data.condition_names import DISEASE_STATUS, is_disease_status
from data.terminology import Terminology, load_terminology
from matching.disease_status import contradicting
from matching.keywords import trials_naming


def mismatched_trials(db: Any, profile: Profile) -> frozenset[str]:
    """Ids of the trials whose title or keywords name a status the patient's stated status
    contradicts and none the patient has (``keywords.trials_naming``)."""
    terminology = load_terminology()
    if DISEASE_STATUS not in terminology:
        return frozenset()
    facts = [f for f in profile.facts if f.label == "CONDITION"]
    own = {f.concept for f in facts if f.asserted and not f.uncertain and is_disease_status(f.concept, terminology)}
    if not own:
        return frozenset()
    against = [c for c in terminology.descendants(DISEASE_STATUS) if contradicting(c, facts, terminology)]
    if not against:
        return frozenset()
    mine = {a for c in own for a in terminology.ancestors(c) if a != DISEASE_STATUS}
    return trials_naming(db, _names(against, terminology)) - trials_naming(db, _names(sorted(mine), terminology))


def _names(concepts: list[str], terminology: Terminology) -> list[str]:
    return sorted({n for c in concepts for n in (terminology[c].label, *terminology[c].terms,
                                                 *terminology[c].abbreviations)})
