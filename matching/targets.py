"""Trials aimed at an antigen the patient's cells carry.

A CAR-T or antibody trial is often filed under a broad condition ("haematological
malignancy") and defined by its target ("CD7 CAR-T cells in CD7-positive ... tumours"). For
a referral whose blasts are CD7 positive, such a trial is as much for the patient's disease
as one filed under T-ALL itself; the ranking counts it so (``matching.engine``), never the
verdicts. ``targeted_trials`` finds them: the trials whose title or keywords name an antigen
(a biomarker the terminology marks ``target: true``) the patient is positive for;
``untargeted_trials`` those naming one the patient is not known to carry, which rank after
the trials fitting the patient equally; ``elsewhere_trials`` those among them aimed at an
antigen the patient's stated cancer rarely carries (the terminology's ``found_in``: CD7 on
T-cell neoplasms and AML, not on a CML or a myeloma), whose fit is lowered by a step
(``elsewhere_fits``), so a study fitting as broadly comes first. Never a verdict: the
antigen's criterion stays unknown and is asked.
"""
from __future__ import annotations

from typing import Any

from core.facts import Profile
from data.condition_names import UNTREATING_STEP
from data.store_memo import StoreMemo
from data.terminology import Terminology, load_terminology
from matching.keywords import trials_naming
from matching.status_trials import trials_for
from matching.untreating import untreating_trials

_POSITIVE = ("positive", None)          # a marker named without a status ("CD7+ blasts") is positive
# the set operations below, by the antigen names they start from: a turn that changes none
# (most answers) takes them as they were (10-21 ms a turn at 100,000 trials)
_SETS = StoreMemo(16)


def target_names(profile: Profile, maybe: bool = False) -> list[str]:
    """The names of the target antigens the patient is positive for (stated about the
    patient, not negated, not hypothetical): the concept's abbreviations and terms. With
    ``maybe``, also those said with a doubt ("his cells are cd7 positive i think")."""
    terminology = load_terminology()
    names: list[str] = []
    for fact in profile.facts:
        if (fact.label != "BIOMARKER" or fact.negated or fact.family or fact.hypothetical
                or (fact.uncertain and not maybe)
                or fact.status not in _POSITIVE or fact.concept not in terminology):
            continue
        concept = terminology[fact.concept]
        if concept.attrs.get("target"):
            names += _names(concept)
    return sorted(set(names))


def _names(concept) -> list[str]:
    """The words a trial's title or keywords name a target by: its ``target_names`` ("G12C",
    "HER2-positive"), else its abbreviations, else its label."""
    return [*(concept.attrs.get("target_names") or ())] or [*concept.abbreviations] or [concept.label]


def targeted_trials(db: Any, profile: Profile) -> frozenset[str]:
    """Ids of the trials whose title or keywords name a target antigen the patient is
    positive for (a criterion naming the antigen does not count; ``keywords.trials_naming``),
    and the studies of a treatment the person is heading for (``studied_trials``)."""
    return trials_naming(db, target_names(profile)) | studied_trials(db, profile)


def planned_class_names(profile: Profile) -> list[str]:
    """The names of the treatments the person is heading for (a drug or procedure planned,
    asked for or offered: hypothetical, not negated, not a relative's; never the product's
    own default) and of every class they belong to: "sending me for CAR-T" gives "CAR-T" and
    "adoptive cell therapy" (the terminology's ancestors)."""
    terminology = load_terminology()
    names: list[str] = []
    for fact in profile.facts:
        if (fact.label not in ("DRUG", "PROCEDURE") or not fact.hypothetical or fact.negated or fact.family
                or fact.concept not in terminology):
            continue
        for concept in terminology.ancestors(fact.concept):
            found = terminology[concept]
            names += [found.label, *found.terms, *found.abbreviations]
    return sorted({n.lower() for n in names if n and len(n) > 3})


def studied_trials(db: Any, profile: Profile) -> frozenset[str]:
    """Ids of the studies offering no treatment (``matching.untreating``: samples and tests
    only) whose title or keywords name a treatment the person is heading for, or a class of it
    ("Immune Determinants of the Response to Adoptive Cell Therapy" for a relapsed T-LBL
    "being sent for CAR-T"): such a study is about that person's coming treatment, as aimed
    at them as a trial of it (it had ranked after the relapsed-lymphoma baskets filed under
    lymphoma; h152, round 32). Never a verdict."""
    names = planned_class_names(profile)
    if not names:
        return frozenset()
    return _SETS.get(db, lambda: trials_naming(db, names) & untreating_trials(db), "studied", tuple(names))


def all_target_names() -> list[str]:
    """The names of every target antigen the terminology knows (``target: true``)."""
    terminology = load_terminology()
    names: list[str] = []
    for concept in terminology.by_category("biomarker"):
        if concept.attrs.get("target"):
            names += _names(concept)
    return sorted(set(names))


def untargeted_trials(db: Any, profile: Profile) -> frozenset[str]:
    """Ids of the trials whose title or keywords name a target antigen the patient is not
    stated to be positive for ("CD7 CAR-T cells in CD7-positive ... tumours" for a B-ALL
    whose CD7 is not known), trials for a cancer only: among trials fitting the patient's
    condition equally, they
    rank after the others, as a trial for a marker the patient is not known to have is less
    likely theirs. A marker said with a doubt ("the doctors said his cells are cd7 positive
    i think") is one the patient may carry: its trials are not ranked after the others (a
    mother's hedge had put an anti-sickness study for children on chemotherapy before the
    CD7 CAR-T; lead, round 41). Never a verdict: the marker's criterion decides."""
    mine = target_names(profile, maybe=True)
    return _SETS.get(db, lambda: _untargeted(db, mine), "untargeted", tuple(mine))


def _untargeted(db: Any, mine: list[str]) -> frozenset[str]:
    named = trials_naming(db, all_target_names()) - trials_naming(db, mine)
    # the antigen is a mark of the patient's own cells in a cancer only: a CD19 or CD7 CAR-T
    # for lupus or arthritis aims at immune cells every patient has
    return named & trials_for(db, ("malignancy",)) if named else named


_CANCER = "malignancy"


def _diseases(profile: Profile, terminology: Terminology) -> tuple[list[str], list[str]]:
    """(the cancers the patient states: asserted, not past; every condition said about the
    patient, suspected ones too), as terminology concept ids."""
    about = [f for f in profile.facts if f.label == "CONDITION" and f.concept in terminology
             and not (f.negated or f.family or f.hypothetical)]
    cancers = [f.concept for f in about if not f.uncertain and not f.historical and terminology.is_a(f.concept, _CANCER)]
    return cancers, [f.concept for f in about]


def _may_carry(diseases: list[str], found_in: list[str], terminology: Terminology) -> bool:
    """One of the patient's diseases is, or may be, one whose cells carry the antigen: a kind
    of one of ``found_in`` or a broader name that covers one ("leukaemia" may be an AML)."""
    return any(terminology.is_a(d, f) or terminology.is_a(f, d) for d in diseases for f in found_in)


def elsewhere_trials(db: Any, profile: Profile) -> frozenset[str]:
    """Ids of the trials for a cancer aimed at a target antigen (title or keywords) that the
    patient's stated cancer rarely carries: the antigen's ``found_in`` diseases include none
    of the patient's conditions, stated or suspected, nor a broader name of one (a CD7 CAR-T
    trial for a CML or a myeloma; not for a T-ALL, an AML or a "leukaemia"), and the patient
    is not stated to be positive for it. A trial naming another antigen the patient may carry
    as well (CD19 and BCMA for a myeloma) is not one. Empty while no cancer is stated."""
    terminology = load_terminology()
    cancers, diseases = _diseases(profile, terminology)
    if not cancers:
        return frozenset()
    mine = set(target_names(profile))
    far: list[str] = []
    near: list[str] = []
    for concept in terminology.by_category("biomarker"):
        if not concept.attrs.get("target"):
            continue
        names = _names(concept)
        found_in = concept.attrs.get("found_in")
        if mine & set(names) or not found_in or _may_carry(diseases, found_in, terminology):
            near += names
        else:
            far += names
    if not far:
        return frozenset()
    far, near = sorted(far), sorted(near)
    return _SETS.get(db, lambda: _aimed_elsewhere(db, far, near), "elsewhere", tuple(far), tuple(near))


def _aimed_elsewhere(db: Any, far: list[str], near: list[str]) -> frozenset[str]:
    aimed = trials_naming(db, far) - trials_naming(db, near)
    return aimed & trials_for(db, ("malignancy",)) if aimed else aimed


def elsewhere_fits(ids: list[str], fits: list, elsewhere: frozenset[str]) -> list:
    """The condition fits with each trial aimed at an antigen the patient's cancer rarely
    carries lowered by ``UNTREATING_STEP`` (one that fits not at all stays at none): tied
    with a study offering no treatment that fits as broadly, it ranks after it, as a trial
    aimed at an antigen the patient is not known to carry does (``matching.engine``)."""
    return [fit - UNTREATING_STEP if fit > 0 and i in elsewhere else fit for i, fit in zip(ids, fits)]
