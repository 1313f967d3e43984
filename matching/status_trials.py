"""Trials for another status of the patient's disease, for the ranking
(``matching.engine``): a trial whose title or keywords name a status the patient's stated
status contradicts ("Newly Diagnosed Multiple Myeloma" for a relapsed myeloma, "Relapsed or
Refractory ..." for a newly diagnosed patient), and none the patient has, ranks with the
trials for a related condition, after those for the patient's disease. Only trials for a disease
whose status registries state (``status_of``: cancers) are so ranked: a newly diagnosed lymphoma
beside rheumatoid arthritis leaves the "refractory" arthritis trial where it was. It rules
nothing out: only a criterion does (``matching.disease_status``).
"""
from __future__ import annotations

from typing import Any

from core.facts import Profile
from data.condition_names import DISEASE_STATUS, is_disease_status
from data.store_memo import StoreMemo
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
    diseases = tuple(terminology[DISEASE_STATUS].attrs.get("status_of") or ())
    if not own or not any(f.asserted and f.concept in terminology and not is_disease_status(f.concept, terminology)
                          and any(terminology.is_a(f.concept, d) for d in diseases) for f in facts):
        return frozenset()      # "refractory" said of myositis: no cancer's status
    against = [c for c in terminology.descendants(DISEASE_STATUS) if contradicting(c, facts, terminology)]
    if not against:
        return frozenset()
    mine = {a for c in own for a in terminology.ancestors(c) if a != DISEASE_STATUS}
    found = _naming(db, against, terminology) - _naming(db, sorted(mine), terminology)
    # a status is one of a cancer's (status_of): "newly diagnosed" said of a lymphoma says
    # nothing of the "refractory" lupus or rheumatoid arthritis trials beside it
    return found & trials_for(db, diseases) if found else found


_FOR = StoreMemo(8)
_BY_STATUS = StoreMemo(32)      # the trials naming one status, by its names
_NAMING = StoreMemo(16)         # the trials naming one of some statuses


def preload(db: Any) -> None:
    """Find now, at start-up (``TrialCatalog.preload``), the trials naming each disease
    status: a turn's ``mismatched_trials`` then reads them (at 100,000 trials the first
    relapsed AML's query of "relapsed" or "refractory" titles took 500 ms)."""
    terminology = load_terminology()
    if DISEASE_STATUS in terminology:
        for concept in terminology.descendants(DISEASE_STATUS):
            if concept != DISEASE_STATUS:
                _naming(db, [concept], terminology)


def _naming(db: Any, concepts: list[str], terminology: Terminology) -> frozenset[str]:
    """The trials whose title or keywords name one of ``concepts`` (``keywords.trials_naming``
    of their names): the union of each status's trials, each found once per store and
    trials version (an OR of phrases finds the union of each phrase's rows)."""
    return _NAMING.get(db, lambda: frozenset().union(*(
        trials_naming(db, _names([c], terminology), memo=_BY_STATUS) for c in concepts)), tuple(concepts))


def trials_for(db: Any, diseases: tuple[str, ...]) -> frozenset[str]:
    """Ids of the trials whose condition gate admits one of ``diseases`` (the pruning index,
    ``trial_conditions``), remembered while the trials stay the same."""
    if not diseases:
        return frozenset()
    return _FOR.get(db, lambda: _trials_for(db, diseases), diseases)


def _trials_for(db: Any, diseases: tuple[str, ...]) -> frozenset[str]:
    marks = ", ".join("?" for _ in diseases)
    return frozenset(row[0] for row in db.execute(
        f"SELECT DISTINCT trial_id FROM trial_conditions WHERE concept IN ({marks})", list(diseases)).fetchall())


def _names(concepts: list[str], terminology: Terminology) -> list[str]:
    return sorted({n for c in concepts for n in (terminology[c].label, *terminology[c].terms,
                                                 *terminology[c].abbreviations)})
