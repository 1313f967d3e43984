"""Trials for another status of the patient's disease, for the ranking
(``matching.engine``): a trial whose title or keywords name a status the patient's stated
status contradicts ("Newly Diagnosed Multiple Myeloma" for a relapsed myeloma, "Relapsed or
Refractory ..." for a newly diagnosed patient), and none the patient has, ranks with the
trials for a related condition, after those for the patient's disease. Only trials for a disease
whose status registries state (``status_of``: cancers) are so ranked: a newly diagnosed lymphoma
beside rheumatoid arthritis leaves the "refractory" arthritis trial where it was. It rules
nothing out: only a criterion does (``matching.disease_status``).

The same for the setting a cancer trial's title names (``setting_mismatched``, round 28, h132;
``trial_settings`` in data/evidence.yaml): a first-line trial ("First Line Therapy for Patients
With Metastatic Breast Cancer") for a patient whose cancer was treated (a cancer medicine taken:
"progressing on letrozole and palbociclib"), a later-line one ("Previously Treated HER2-Low
Advanced Breast Cancer") for a patient newly diagnosed and untreated, a trial for early disease
("Adjuvant ... Early Breast Cancer") for a patient whose cancer has spread, a trial of adjuvant
radiotherapy ("Role of Post Mastectomy Radiotherapy") for a patient past their radiotherapy.
"""
from __future__ import annotations

import json
from typing import Any

from core.facts import Profile
from data.condition_names import (DISEASE_STATUS, cancer_operations, cancer_radiotherapies, cancer_therapy_classes, umbrella,
                                  is_disease_status,
                                  setting_conditions, trial_setting_not_own, trial_setting_own, trial_settings)
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
        return setting_mismatched(db, profile)      # "refractory" said of myositis: no cancer's status
    against = [c for c in terminology.descendants(DISEASE_STATUS) if contradicting(c, facts, terminology)]
    if not against:
        return setting_mismatched(db, profile)
    mine = {a for c in own for a in terminology.ancestors(c) if a != DISEASE_STATUS}
    found = _naming(db, against, terminology) - _naming(db, sorted(mine), terminology)
    if found:   # a title naming the patient's own setting ("First line treatment" beside "Relapse") keeps its place
        own_setting = trial_setting_own()
        found -= trials_naming(db, [n for s in patient_settings(profile, terminology) - {"metastatic"}
                                    for n in own_setting.get(s, ())], memo=_SETTINGS)
    # a status is one of a cancer's (status_of): "newly diagnosed" said of a lymphoma says
    # nothing of the "refractory" lupus or rheumatoid arthritis trials beside it
    return (found & trials_for(db, diseases) if found else found) | setting_mismatched(db, profile)


def past_standard_setting(facts: list, terminology: Terminology) -> bool:
    """Whether a stated diagnosis is a setting past the standard treatment (``setting_conditions``:
    a castration-resistant prostate cancer) and the cancer has spread: the umbrella trials for cancers that failed standard
    treatment ("Advanced Cancers" baskets) fit it better than the trials for the disease in
    another setting (castration-sensitive, localised, prevention; h157, round 33)."""
    concepts = [c for cs in setting_conditions().values() for c in cs if c in terminology]
    said = [f for f in facts if f.label == "CONDITION" and f.asserted and not f.uncertain and f.concept in terminology]
    # and spread: the baskets are for advanced cancers (a non-metastatic one is no basket's)
    spread = any(terminology[f.concept].attrs.get("spread") or (
        "metastatic_disease" in terminology and terminology.is_a(f.concept, "metastatic_disease")) for f in said)
    return spread and any(any(terminology.is_a(f.concept, c) for c in concepts) for f in said)


_SETTINGS = StoreMemo(16)       # the trials naming one setting's phrases
TREATED_ADVANCED = "treated_advanced_disease"     # data/terminology/disease_status.yaml
_STAGE_IV = ("IV", "IVA", "IVB", "IVC")


def setting_mismatched(db: Any, profile: Profile) -> frozenset[str]:
    """Ids of the cancer trials whose title or keywords name a setting the patient's
    contradicts (``trial_settings``) and not the patient's own (``trial_setting_own``)."""
    terminology = load_terminology()
    if DISEASE_STATUS not in terminology:
        return frozenset()
    mine = patient_settings(profile, terminology)
    if not mine:
        return frozenset()
    own = trial_setting_own()
    found: frozenset[str] = frozenset()
    for _setting, phrases, against in trial_settings():
        if against in mine:     # a title naming the setting the patient has too keeps its place
            found |= _naming_own(db, phrases) - _naming_own(db, own.get(against, ()))
    diseases = tuple(terminology[DISEASE_STATUS].attrs.get("status_of") or ())
    if not found:
        return found
    indexed = found & trials_for(db, diseases)
    # a trial for people at risk of a cancer ("To Reduce The Incidence Of Prostate Cancer") has
    # a gate open to everyone, so the index lists it under no disease: its own conditions say
    # it is a cancer's (h157, round 33)
    return indexed | _listing(db, found - indexed, diseases, terminology)


def _listing(db: Any, ids: frozenset[str], diseases: tuple[str, ...], terminology: Terminology) -> frozenset[str]:
    """Those of ``ids`` whose record lists a condition under one of ``diseases`` (a few
    records read: the trials naming a setting's phrases and indexed under no disease)."""
    if not ids:
        return frozenset()
    marks = ", ".join("?" for _ in ids)
    rows = db.execute(f"SELECT id, json_extract(record, '$.conditions') FROM trials WHERE id IN ({marks})",
                      sorted(ids)).fetchall()
    return frozenset(trial_id for trial_id, listed in rows
                     if any(c in terminology and any(terminology.is_a(c, d) for d in diseases if d in terminology)
                            for c in json.loads(listed or "[]")))


def _naming_own(db: Any, phrases: tuple[str, ...]) -> frozenset[str]:
    """The trials whose title or keywords name one of ``phrases`` (the patient's own setting,
    or a setting against it), but not only after a word that makes it the other one
    ("Non-metastatic", ``trial_setting_not_own``): a trial naming both ways is not kept. The
    same for a setting against the patient's: "AMG 162 ... for Non-metastatic Breast Cancer"
    names no metastatic setting (h162, round 34)."""
    named = trials_naming(db, list(phrases), memo=_SETTINGS)
    not_own = [f"{word} {phrase}" for word in trial_setting_not_own() for phrase in phrases]
    return named - trials_naming(db, not_own, memo=_SETTINGS) if named and not_own else named


def patient_settings(profile: Profile, terminology: Terminology) -> set[str]:
    """The settings of the patient's cancer the text states: ``treated`` (a cancer medicine
    taken, now or before, or a relapsed or refractory cancer; not newly diagnosed; never when
    the text says no drug treatment since the cancer became advanced),
    ``untreated`` (newly diagnosed, no cancer medicine taken), ``metastatic`` (a metastatic
    cancer, a site of spread, stage IV), and those a stated diagnosis is (``setting_conditions``:
    ``castration_resistant`` for a castration-resistant prostate cancer), ``resected`` (a cancer
    removed by an operation) and ``irradiated`` (a cancer's radiotherapy had or under way, h167,
    round 35). None without a cancer stated."""
    def said(f) -> bool:
        return f.asserted and not f.uncertain

    conditions = [f for f in profile.facts if f.label == "CONDITION" and said(f) and f.concept in terminology]
    roots = tuple(terminology[DISEASE_STATUS].attrs.get("status_of") or ())
    if not any(not is_disease_status(f.concept, terminology) and any(terminology.is_a(f.concept, r) for r in roots)
               for f in conditions):
        return set()
    statuses = [f.concept for f in conditions if is_disease_status(f.concept, terminology)]
    classes = [c for c in cancer_therapy_classes() if c in terminology]
    treated = any(f.label == "DRUG" and f.asserted and f.concept in terminology
                  and any(terminology.is_a(f.concept, c) for c in classes) for f in profile.facts)
    relapsed = any(terminology.is_a(s, "relapsed_or_refractory") for s in statuses if "relapsed_or_refractory" in terminology)
    new = any(terminology.is_a(s, "newly_diagnosed") for s in statuses if "newly_diagnosed" in terminology)
    # drug treatment since the cancer became advanced (round 29, h139): given, the cancer is a
    # treated one; said none ("chemo after surgery but nothing since it spread"), what was given
    # before (adjuvant) does not make a first-line trial for advanced disease the wrong setting
    advanced = [f for f in profile.facts if f.label == "CONDITION" and f.concept == TREATED_ADVANCED
                and not (f.uncertain or f.family or f.hypothetical)]
    if any(not f.negated for f in advanced):
        treated = True
    elif advanced:
        treated = relapsed = False
    found = set()
    if relapsed or (treated and not new):
        found.add("treated")
    elif new and not treated:
        found.add("untreated")
    if (any(terminology.is_a(s, "metastatic_disease") for s in statuses if "metastatic_disease" in terminology)
            or any(terminology[f.concept].attrs.get("spread") for f in conditions)
            or any(f.label == "STAGE" and said(f) and str(f.concept) in _STAGE_IV    # stage IV stays so
                   for f in profile.facts)):
        found.add("metastatic")
    # a cancer removed by an operation, not said to have spread, come back or been treated as
    # an advanced one ("I had a lumpectomy in July ... started letrozole"; h162, round 34)
    if "metastatic" not in found and not relapsed and not any(not f.negated for f in advanced) \
            and _resected(profile, conditions, terminology):
        found.add("resected")
    # a cancer's radiotherapy had or under way, one kind of cancer stated (h167, round 35)
    if _irradiated(profile, conditions, terminology):
        found.add("irradiated")
    # a setting a stated diagnosis is ("mCRPC": castration-resistant; ``setting_conditions``)
    for setting, concepts in setting_conditions().items():
        if any(not is_disease_status(f.concept, terminology) and any(terminology.is_a(f.concept, c) for c in concepts
                                                                      if c in terminology) for f in conditions):
            found.add(setting)
    return found


def _resected(profile: Profile, conditions: list, terminology: Terminology) -> bool:
    """Whether an operation that removes a cancer (``cancer_operations``: "a lumpectomy in
    July", "WLE + SLNB", "a Whipple") was had, every stated cancer being one it removes or a
    broader name ("adenocarcinoma"), one at least being one it removes (h162, round 34)."""
    roots = tuple(terminology[DISEASE_STATUS].attrs.get("status_of") or ())
    cancers = [f.concept for f in conditions if not is_disease_status(f.concept, terminology)
               and any(terminology.is_a(f.concept, r) for r in roots)]
    for f in profile.facts:
        removes = [c for c in cancer_operations().get(f.concept, ()) if c in terminology]
        if f.label != "PROCEDURE" or f.negated or f.hypothetical or f.family or f.uncertain or not removes:
            continue
        # an operation on "the cancer" said without its kind (``cancer_operation``: it removes
        # any cancer) is the stated cancer's only when one kind is stated: "breast cancer surgery
        # in 2012" beside an ovarian cancer now says nothing of the ovarian one (h183, round 38)
        if any(umbrella(r, terminology) for r in removes) and not all(
                terminology.is_a(a, b) or terminology.is_a(b, a) for a in cancers for b in cancers):
            continue
        if cancers and all(any(terminology.is_a(c, r) or terminology.is_a(r, c) for r in removes) for c in cancers) \
                and any(any(terminology.is_a(c, r) for r in removes) for c in cancers):
            return True
    return False


def _irradiated(profile: Profile, conditions: list, terminology: Terminology) -> bool:
    """Whether a radiotherapy (``cancer_radiotherapies``) was had or is under way ("then
    radiotherapy to the chest wall - the radiotherapy finished 3 years ago"): not negated,
    planned, a relative's or doubted, and the stated cancers (sites of spread aside) all of one
    kind, so none is a second cancer it may have been given for (h167, round 35)."""
    kinds = [c for c in cancer_radiotherapies() if c in terminology]
    if not any(f.label == "PROCEDURE" and f.concept in terminology and not (f.negated or f.hypothetical or f.family
                                                                          or f.uncertain)
               and any(terminology.is_a(f.concept, k) for k in kinds) for f in profile.facts):
        return False
    roots = tuple(terminology[DISEASE_STATUS].attrs.get("status_of") or ())
    cancers = {f.concept for f in conditions if not is_disease_status(f.concept, terminology)
               and not terminology[f.concept].attrs.get("spread")
               and any(terminology.is_a(f.concept, r) for r in roots)}
    return bool(cancers) and all(terminology.is_a(a, b) or terminology.is_a(b, a) for a in cancers for b in cancers)


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
