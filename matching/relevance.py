"""Is a trial for this patient's condition? The ``target_condition`` leaf (the registry's
conditions, added to every trial as ``elig-condition`` by ``data.rule_nodes``) and the
condition-match strength the ranking uses.

A trial is for a patient when one of its conditions meets one of the patient's stated
diagnoses (conditions, and infections such as HIV that the terminology marks as one): the same concept, a broader or a narrower one (dermatomyositis is an
inflammatory myopathy; lupus nephritis is lupus), a condition the registry files under the
patient's (MeSH ancestors), or a registry name the terminology does not know but that
spells one of the patient's conditions. A diagnosis is *stated* when asserted: not
negated, hypothetical, family history or only suspected. Every stated diagnosis counts
(lupus with RA). With no stated diagnosis the leaf is unknown (the diagnosis is asked);
with stated diagnoses none of which fit, it is false, and the reason names both sides.
"""
from __future__ import annotations

import operator
from dataclasses import replace
from typing import Any

from rapidfuzz import fuzz

from core.facts import Fact
from core.truth import FALSE, TRUE, UNKNOWN
from data.condition_names import (COMORBIDITY_FIT, symbols_agree, EXACT_FIT, KIND_FIT, NAME_FIT, NAME_THRESHOLD, RELATED_FIT, SUBTYPE_FIT,
                                  _pair_grade, _through_organ_only, condition_reach, graded_fit, implied_by_finding, implied_by_marker,
                                  implied_by_therapy,
                                  implied_conditions, kind_of, umbrella, deniable_conditions, condition_concept,
                                  normal_measures, also_taken_for)
from data.terminology import Terminology, load_terminology
from matching.concepts import BROADER, EXACT, NARROWER, relation
from matching.describe import trial_conditions_text, unmapped_texts
from matching.disease_status import without_status
from matching.evidence import Evidence
from matching.leaf_result import LeafResult



def stated_diagnoses(ev: Evidence) -> tuple[list[Fact], list[Fact]]:
    """(asserted condition facts about the patient and the conditions their measured values
    imply, suspected ones): what the ranking's condition fit reads."""
    stated, suspected, _key, implied = _diagnoses(ev)
    return [*stated, *implied], suspected


def asserted_diagnoses(ev: Evidence) -> list[Fact]:
    """The diagnoses the gate reads as stated: asserted (not negated, a relative's,
    hypothetical or only suspected), no habit or exposure ("I smoke", "no illness at all"),
    the most specific of each disease."""
    return list(_diagnoses(ev)[0])


def suspected_diagnoses(ev: Evidence) -> list[Fact]:
    """The diagnoses only suspected ("they think it might be lupus", "being investigated for
    MS"): beside a stated one they keep their trials open (the gate answers unknown, never
    false, and pruning keeps them); alone they rank their trials first."""
    return list(_diagnoses(ev)[1])


def states_a_diagnosis(ev: Evidence) -> bool:
    """The patient asserts a diagnosis (``asserted_diagnoses``)."""
    return bool(_diagnoses(ev)[0])


def treated_diagnoses(ev: Evidence) -> list[Fact]:
    """With no diagnosis asserted or suspected, the conditions the person's medicines (or a
    procedure going on) are (nearly) only for (``implied_by_therapy``), when one of them is
    no common comorbidity (``background``): "I take mesalamine and azathioprine for my
    bowels", "on TLD since 2019", "Benlysta and plaquenil": the person said what they have
    in the words of its treatment, so a trial for none of their conditions (those the
    medicines, values or antibodies imply) is ruled out as for a stated diagnosis, its reason
    naming the medicine. Tablets for a comorbidity alone ("my bp pills", metformin) say
    nothing of what the person came about: the diagnosis is asked, as with nothing said; a
    suspected diagnosis beside them keeps every trial open too."""
    _diagnoses(ev)
    return list(ev.__dict__.get("_treated") or ())


def ranked_diagnoses(ev: Evidence) -> list[tuple[str, str, int]]:
    """``(concept, wording, highest strength)`` of each condition the ranking's condition fit
    reads: a stated diagnosis at full strength, a condition only implied (a measured value,
    a medicine) at most ``NAME_FIT``, so a trial for what the patient said comes before one
    for what their BMI or tablets suggest; a common comorbidity named beside a main diagnosis
    (``comorbidities``) at most ``COMORBIDITY_FIT``, so a trial for the main disease itself,
    and an umbrella trial it falls under ("Advanced Cancers"), come before one for a comorbidity; a
    past cancer beside a current diagnosis (``past_cancers``) at most ``NAME_FIT``, beside a
    current cancer only suspected at most ``PAST_BESIDE_SUSPECTED`` (after it). An implied
    condition that is a kind of a stated current main diagnosis says which kind it is
    ("the Philadelphia chromosome leukaemia ... on imatinib": a CML) and counts as stated, so
    the CML trial comes before a T-ALL one the vaguer "leukaemia" reaches as well. A diagnosis
    only suspected ("they think it might be lupus", "being investigated for MS") fits at most
    ``NAME_FIT`` too: its trials come first for a patient stating nothing else, and it never
    rules a trial out (the gate reads asserted diagnoses only)."""
    stated, suspected, _key, implied = _diagnoses(ev)
    background = comorbidities(stated, ev.terminology) | named_after_first(stated, ev.terminology)
    past = past_cancers(stated, ev.terminology)
    # "had breast cancer in 2014 (all clear), now they think it may be ovarian cancer": the
    # past cancer is no current diagnosis; it ranks after the suspected one (and keeps the gate)
    behind = [] if past else past_cancers(stated, ev.terminology, suspected)
    # a past disease of a main kind beside a current diagnosis ("had ITP as a teenager, it
    # went away; now lupus") reads as a past cancer does; one of no main kind ("had TB in the
    # 1980s, fully treated; now Parkinson's") at most as a comorbidity (h198, round 41)
    beside = past_beside_current(stated, ev.terminology)
    past += [f for f in beside if _main(f.concept, ev.terminology) and f not in past]
    background |= {f.concept for f in beside if f not in past}
    found: dict[tuple[str, str], float] = {}
    for facts, cap in ((stated, EXACT_FIT), (implied, NAME_FIT), (suspected, NAME_FIT)):
        for f in facts:
            # "leukaemia, on imatinib": the leukaemia is a CML
            own = EXACT_FIT if facts is implied and _refines(f, stated, past, background, ev.terminology) else cap
            most = (NAME_FIT if f in past else PAST_BESIDE_SUSPECTED if f in behind
                    else min(own, COMORBIDITY_FIT) if f.concept in background else own)
            found[(f.concept, f.text)] = max(found.get((f.concept, f.text), 0), most)
    return [(concept, text, cap) for (concept, text), cap in found.items()]


def _refines(fact: Fact, stated: list[Fact], past: list[Fact], background: set[str],
             terminology: Terminology) -> bool:
    """An implied condition names a kind of a stated diagnosis (not a past cancer, not a
    background comorbidity): it tells which disease the vaguer stated name is."""
    if fact.concept not in terminology:
        return False
    return any(s.concept != fact.concept and s.concept in terminology and s not in past
               and s.concept not in background and kind_of(fact.concept, s.concept, terminology) for s in stated)


def capped_fit(strength: int, cap: int) -> float:
    """A condition's fit for a trial at most ``cap`` (``ranked_diagnoses``), its order kept:
    scaled, not cut, so for a diagnosis only implied (belimumab: lupus) a trial for lupus
    still comes before one for autoimmune diseases in general (cut at ``NAME_FIT`` both
    tied, and the keywords decided). A stated diagnosis (cap ``EXACT_FIT``) is as before."""
    if cap >= EXACT_FIT:
        return strength
    return strength * cap / EXACT_FIT


_MALIGNANCY = "malignancy"
# a past cancer beside a current cancer only suspected: its trials after every trial the
# suspected one reaches (fit at most ``NAME_FIT``, an umbrella's two thirds of it)
PAST_BESIDE_SUSPECTED = NAME_FIT / 2


def past_cancers(stated: list[Fact], terminology: Terminology, suspected: list[Fact] | tuple = ()) -> list[Fact]:
    """The cancers stated as past ("I had breast cancer in 2012 ... all clear since") beside
    a diagnosis stated as current ("now ovarian cancer"), or, given ``suspected``, beside a
    current cancer only suspected ("now they think I may have ovarian cancer"): the ranking
    reads them at most ``NAME_FIT`` (``PAST_BESIDE_SUSPECTED``), so the trials for what the
    patient has now come first. They never rule a trial out. A chronic disease "had for 15
    years" is not one: it goes on."""
    current = [f for f in suspected if not f.historical and f.concept in terminology
               and terminology.is_a(f.concept, _MALIGNANCY)] if suspected else stated
    if not any(not f.historical for f in current):
        return []
    return [f for f in stated if f.historical and f.concept in terminology
            and terminology.is_a(f.concept, _MALIGNANCY)]


def _current_beside(stated: list[Fact], terminology: Terminology) -> set[str]:
    """The concepts of the diagnoses stated as current (``stated`` holds no disease status:
    "it has come back", "spread to her bones" are none)."""
    return {f.concept for f in stated if not f.historical and f.concept in terminology}


def past_beside_current(stated: list[Fact], terminology: Terminology) -> list[Fact]:
    """The diagnoses stated only as past ("had TB back in the 1980s, fully treated"; "had
    asthma as a child") beside a diagnosis stated as current that is no kind of them ("now
    he has Parkinson's"): whatever the current one's kind, the past one is at most a
    comorbidity to the ranking (``comorbidities`` reads it so beside a current main
    diagnosis already). One of a main kind (``main_kind``: "had ITP as a teenager, it went
    away; now lupus", a letter's "PMH: rheumatoid arthritis") is read by ``ranked_diagnoses``
    as a past cancer is (``past_cancers``), at most ``NAME_FIT``: no current comorbidity, and
    not what the person came about. They never rule a trial out (h198, round 41)."""
    now = _current_beside(stated, terminology)
    if not now:
        return []
    return [f for f in stated if f.historical and f.concept in terminology and f.concept not in now
            and not any(kind_of(f.concept, c, terminology) or kind_of(c, f.concept, terminology) for c in now)]


def named_after_first(stated: list[Fact], terminology: Terminology) -> set[str]:
    """With no diagnosis of a main kind and every current diagnosis a common comorbidity
    (``background``: asthma, hypertension, type 2 diabetes), the one the person names first
    is what they came about ("asthma since 2010 ... I also take amlodipine for high blood
    pressure"; "type 2 diabetes and high blood pressure"): the others, named after it, are
    its comorbidities to the ranking (``COMORBIDITY_FIT``), unless they are a kind of it, it of
    them, or a complication of it (diabetic neuropathy beside type 2 diabetes). A diagnosis of no comorbidity kind
    beside them (chronic kidney disease) leaves them all as they are (h198, round 41)."""
    current = [f for f in stated if not f.historical and f.concept in terminology]
    if len({f.concept for f in current}) < 2 or any(_main(f.concept, terminology) for f in stated):
        return set()
    if not all(_comorbid(f.concept, terminology) for f in current):
        return set()
    first = min(current, key=lambda f: f.start)
    return {f.concept for f in current if f.concept != first.concept
            and not kind_of(f.concept, first.concept, terminology) and not kind_of(first.concept, f.concept, terminology)
            and not any(terminology.is_a(first.concept, c) for c in _complication_of(f.concept, terminology))}


def _complication_of(concept: str, terminology: Terminology) -> list[str]:
    """The diseases the concept is a complication of (``complication_of``: diabetic
    neuropathy of diabetes)."""
    return [c for c in terminology[concept].attrs.get("complication_of") or () if c in terminology]


def resolved_cancers(ev: Evidence, stated: list[Fact]) -> list[Fact]:
    """The cancers stated as past ("had prostate cancer in 2015, treated with radiation, all
    clear since"; a note's "PMH: breast cancer 2012") beside a main diagnosis stated as
    current ("has ulcerative colitis"; "now ovarian cancer"), when no medicine taken now is
    for them (``implied_by_therapy``: "on tamoxifen since" keeps a breast cancer in
    treatment): not a diagnosis the trials must be for, so a trial only for that cancer is
    ruled out, its reason naming the current diagnosis and the past cancer ("If the patient
    has one of these now, say so"). A trial for the current diagnosis is unchanged; with no
    current main diagnosis (only hot flashes, or nothing else) the past cancer counts as
    before."""
    terminology = ev.terminology
    past = past_cancers(stated, terminology)
    if not past or not any(not f.historical and f not in past and _marked(f.concept, "main_kind", terminology)
                           for f in stated):
        return []
    # a medicine taken now (not past) that is only for it
    # (a medicine also given for a current diagnosis says nothing of the past one: "5 years of
    # letrozole" beside an endometrial cancer now; ``also_taken_for``, h178, round 37)
    current = [f for f in stated if f not in past]
    treated = {concept for drug, concept in _therapy_conditions(ev.facts("DRUG"), terminology)
               if not drug.historical and not _given_for_known(drug, current, terminology)}
    return [f for f in past if not any(kind_of(f.concept, c, terminology) or kind_of(c, f.concept, terminology)
                                       for c in treated)]


def _therapy_conditions(therapies, terminology: Terminology):
    """``(therapy fact, condition)`` for each medicine or procedure taken or had (not
    negated, a relative's or hypothetical) that ``implied_by_therapy`` says is (nearly) only
    for that condition."""
    table = implied_by_therapy()
    for drug in therapies:
        if drug.negated or drug.family or drug.hypothetical or drug.concept not in terminology:
            continue
        for therapy, concept in table:
            if terminology.is_a(drug.concept, therapy):
                yield drug, concept


def comorbidities(stated: list[Fact], terminology: Terminology) -> set[str]:
    """The stated diagnoses that are common comorbidities (``background: true`` in the
    terminology, or under such a concept: hypertension, type 2 diabetes, obesity, ...) named
    beside a main diagnosis, a kind of disease patients come about (``main_kind: true``:
    cancers, autoimmune diseases; "RA, also has hypertension and type 2 diabetes"): the
    ranking reads them at most ``RELATED_FIT``: the main diagnosis's own trials come first.
    Beside no main diagnosis (hypertension with obesity, CKD with diabetes) none is one; a
    main kind that is background too (Hashimoto's, type 1 diabetes) is one only beside another
    main diagnosis.
    They never rule a trial out and keep every trial for them open.
    A diagnosis of no main kind stated only as history (a note's "Past Medical History:"
    list: CKD, anaemia, hypothyroidism) beside a main diagnosis stated as current (the
    pancreatic cancer the note is about) is one too: the CKD trials came before the
    pancreatic cancer ones."""
    # a main diagnosis that is no comorbidity itself (Hashimoto's and type 1 diabetes are
    # autoimmune and background both: beside lupus they are comorbidities, alone they are not)
    mains = [f for f in stated if _main(f.concept, terminology)]
    if not mains:
        return set()
    current_main = any(not f.historical for f in mains)
    now = {f.concept for f in stated if not f.historical}
    return {f.concept for f in stated if _comorbid(f.concept, terminology)
            or (current_main and f.historical and f.concept not in now
                and not _marked(f.concept, "main_kind", terminology))}


def main_diagnoses(ev: Evidence) -> tuple[list[Fact], set[str]]:
    """The patient's stated current diagnoses of a main kind that are no comorbidity (the
    illness the person came about: ITP), and the comorbidities named beside them (diabetes):
    the chat says when no trial for the first fits and the list is for the others."""
    stated = _diagnoses(ev)[0]
    background = comorbidities(stated, ev.terminology)
    mains = [f for f in stated if not f.historical and f.concept not in background
             and _main(f.concept, ev.terminology)]
    return mains, background


def background_beside_main(concepts: Any, terminology: Terminology) -> set[str]:
    """``comorbidities`` of bare concept ids (no history known): the common comorbidities
    among them when one of them is a main diagnosis. Question choice asks no kind of them
    first ("type 2 diabetes?" of a mother whose daughter has CD7+ AML and diabetes), and the
    trials outside the patient's limits are not named for them."""
    concepts = list(concepts)
    if not any(_main(c, terminology) for c in concepts):
        return set()
    return {c for c in concepts if _comorbid(c, terminology)}


def main_kind_of(concept: str, terminology: Terminology) -> bool:
    """A kind of disease patients come about that is no common comorbidity (``_main``)."""
    return _main(concept, terminology)


def _main(concept: str, terminology: Terminology) -> bool:
    """A kind of disease patients come about (``main_kind``) that is no common comorbidity."""
    return _marked(concept, "main_kind", terminology) and not _comorbid(concept, terminology)


def _comorbid(concept: str, terminology: Terminology) -> bool:
    """A common comorbidity (``background``, or ``comorbidity``: diabetes with no type)."""
    return _marked(concept, "background", terminology) or _marked(concept, "comorbidity", terminology)


def healthy_state(concept: str) -> bool:
    """A condition a healthy person may have (``healthy_compatible``: a pregnancy, the hot
    flushes of the menopause), not an illness a patient comes about."""
    return _marked(concept, "healthy_compatible", load_terminology())


def _marked(concept: str, attr: str, terminology: Terminology) -> bool:
    """The concept or one above it carries ``attr`` in the terminology."""
    if concept not in terminology:
        return False
    return any(terminology[a].attrs.get(attr) for a in terminology.ancestors(concept))


def implied_diagnoses(ev: Evidence, stated: list[Fact], suspected: list[Fact] = ()) -> list[Fact]:
    """Conditions the patient's measured values are by definition ("BMI 33": obesity,
    ``implied_conditions`` in data/evidence.yaml), as condition facts quoting the value,
    unless a stated diagnosis already names the condition or a narrower one; so are the
    conditions medicines are taken for and a pregnancy. They may make a trial the
    patient's; they never rule one out."""
    terminology = ev.terminology
    found: list[Fact] = []
    for analyte, lowest, highest, concept in implied_conditions():
        if _named(concept, (*stated, *found), terminology):      # "BMI 33": obesity, and no overweight besides
            continue
        for lab in ev.facts("LAB"):
            # a value below a bound counts only in the analyte's own unit (a bare "40" might be another's)
            value = lab.value_normalized if lab.value_normalized is not None or highest is not None else lab.value
            if (lab.concept != analyte or value is None or lab.negated or lab.family or lab.hypothetical
                    or lab.implausible):
                continue
            # "BMI > 30" says at least 30, "eGFR < 45" at most 45: a bound the other way says nothing
            if (lowest is not None and value >= lowest and lab.comparator not in ("<", "<=")) or (
                    highest is not None and value < highest and lab.comparator not in (">", ">=")):
                found.append(Fact("CONDITION", concept, f"{lab.text} {value:g}{' %' if lab.unit == '%' else ''}", lab.start, lab.end,
                                  source=lab.source))
                break
    found += _implied_by_drugs(ev, [*stated, *found])
    found += _implied_by_markers(ev, [*stated, *found])
    # (round 27, h127) a finding a suspected disease of its organ would explain ("protein in my
    # urine ... lupus nefritis i think") is a sign of that disease, no second one of the organ:
    # the kidney-disease trials ranked before the lupus ones and were what "may qualify"
    found += _implied_by_findings(stated, [*stated, *suspected, *found], terminology)
    return found + _pregnancy(ev, [*stated, *found])


def _implied_by_findings(stated: list[Fact], known: list[Fact], terminology: Terminology) -> list[Fact]:
    """Diseases a stated finding is by definition a sign of ("protein in my urine for a
    year": kidney disease; ``implied_by_finding`` in data/evidence.yaml), as condition facts
    quoting the finding, unless a known diagnosis already names the disease or a narrower one
    (lupus nephritis is a kidney disease). Beside lupus the finding alone ruled the CKD trials
    out on the gate; like markers, they keep the trials open and never rule one out."""
    table = implied_by_finding()
    found: list[Fact] = []
    for fact in stated:
        for name, concept in table:
            # an organ's disease named counts too (lupus nephritis is a kidney disease by its organ)
            if fact.concept != name or _named(concept, (*known, *found), terminology) or any(
                    f.concept in terminology and terminology.is_a(f.concept, concept) for f in known):
                continue
            found.append(Fact("CONDITION", concept, fact.text, fact.start, fact.end, source=fact.source))
    return found


# a marker named without a status ("anti-Jo-1 ILD", "PM/Scl-75 antibody") is found positive
_POSITIVE = ("positive", None)


def _implied_by_markers(ev: Evidence, known: list[Fact]) -> list[Fact]:
    """Diseases an antibody the patient is positive for is (nearly) only found in ("anti-Jo-1
    positive ILD": an inflammatory myopathy; ``implied_by_marker`` in data/evidence.yaml), as
    condition facts quoting the marker, unless a known diagnosis already names the disease
    or a narrower one. A disease named only through the organ it involves keeps its trials
    open: the stated ILD alone ruled the myositis trials out. Like medicines, they never
    rule a trial out."""
    terminology = ev.terminology
    table = implied_by_marker()
    if not table:
        return []
    found: list[Fact] = []
    for marker in ev.facts("BIOMARKER"):
        if (marker.negated or marker.family or marker.hypothetical or marker.uncertain
                or marker.status not in _POSITIVE or marker.concept not in terminology):
            continue
        for name, concept in table:
            if marker.concept != name or _named(concept, (*known, *found), terminology):
                continue
            found.append(Fact("CONDITION", concept, marker.text, marker.start, marker.end, source=marker.source))
    return found


# a patient's pregnancy (a PREGNANCY fact, concept "pregnant") as the condition concept the
# registry's pregnancy trials and pregnancy complications (complication_of) are filed under
_PREGNANT, _PREGNANCY = "pregnant", "pregnancy"


def _pregnancy(ev: Evidence, known: list[Fact]) -> list[Fact]:
    """A stated pregnancy as the condition ``pregnancy`` (a trial for pre-eclampsia or for
    pregnant women is for a pregnant patient), quoting what was said. Like measured values,
    it never rules a trial out: "I'm pregnant" says nothing of any other diagnosis."""
    if _PREGNANCY not in ev.terminology or _named(_PREGNANCY, known, ev.terminology):
        return []
    for fact in ev.facts("PREGNANCY"):
        if fact.concept == _PREGNANT and not (fact.negated or fact.family or fact.hypothetical or fact.uncertain):
            return [Fact("CONDITION", _PREGNANCY, fact.text, fact.start, fact.end, source=fact.source)]
    return []


def _named(concept: str, facts, terminology: Terminology) -> bool:
    """Whether a condition fact names ``concept`` or a narrower one."""
    return any(f.concept == concept or (f.concept in terminology and kind_of(f.concept, concept, terminology))
               for f in facts)


def _implied_by_drugs(ev: Evidence, known: list[Fact]) -> list[Fact]:
    """Conditions the medicines the patient takes or took, or a procedure they are having,
    are (nearly) only for ("on amlodipine": hypertension, "on dialysis": kidney failure;
    ``implied_by_therapy`` in data/evidence.yaml), as condition
    facts quoting the medicine, unless a known diagnosis already names the condition or a
    narrower one. Like measured values, they never rule a trial out."""
    terminology = ev.terminology
    found: list[Fact] = []
    # a procedure counts while it goes on ("on dialysis"), not once past ("dialysis for a while in 2019")
    done = [f for f in ev.facts("PROCEDURE") if not f.historical]
    # a course that is over, for a cancer that is over ("breast cancer 2012 - tamoxifen for five
    # years - clear ever since", ``resolved_cancers``): that cancer's treatment, no diagnosis of
    # now (h147, round 31: it kept every breast trial open for a patient come about her RA)
    past = tuple(ev.__dict__.get("_past_cancers") or ())
    pairs = list(_therapy_conditions((*ev.facts("DRUG"), *done), terminology))
    # the conditions of medicines with one use ("sacubitril/valsartan": heart failure) are known
    # before a medicine with others is read ("dapagliflozin" beside it: no diabetes)
    single = [Fact("CONDITION", c, d.text) for d, c in pairs if not _given_for_known(d, [], terminology, any_use=True)]
    for drug, concept in pairs:
        if drug.historical and _named(concept, past, terminology):
            continue
        if _given_for_known(drug, [*known, *single], terminology):
            continue
        if not _named(concept, (*known, *found), terminology):
            found.append(Fact("CONDITION", concept, drug.text, drug.start, drug.end, source=drug.source))
    return found


def _given_for_known(drug: Fact, known: list[Fact], terminology: Terminology, any_use: bool = False) -> bool:
    """The medicine is also given for a known diagnosis (``also_taken_for``: empagliflozin
    beside heart failure), so it implies no other condition (h172, round 36). ``any_use``:
    whether it has other uses at all."""
    return any(terminology.is_a(drug.concept, therapy) and (any_use or any(
        f.concept in terminology and kind_of(f.concept, c, terminology) for f in known for c in conditions))
        for therapy, conditions in also_taken_for())


def diagnosis_facts(ev: Evidence) -> list[Fact]:
    """The facts that may name a diagnosis: conditions, and infections the terminology
    marks as a diagnosis (HIV, chronic hepatitis B and C)."""
    terminology = ev.terminology
    infections = [f for f in ev.facts("INFECTION")
                  if (found := terminology.get(f.concept)) is not None and found.attrs.get("diagnosis")]
    return [*without_status(ev.facts("CONDITION"), terminology), *infections]   # "relapsed": no diagnosis


def most_specific(facts: list[Fact], terminology: Terminology) -> list[Fact]:
    """The diagnoses that say most: a vaguer name of a disease stated more precisely as well
    ("adenocarcinoma" beside "non-small cell lung cancer", "blood cancer" beside "T-ALL") and
    a site a cancer spread to beside the cancer ("liver mets" of a small cell lung cancer)
    add nothing to what a trial must be for, and would open every trial under them."""
    known = {f.concept for f in facts if f.concept in terminology}

    def vaguer(fact: Fact) -> bool:
        concept = fact.concept
        if concept not in known:
            return False
        if any(other != concept and kind_of(other, concept, terminology) for other in known):
            return True
        found = terminology.get(concept)
        if found is None or not found.attrs.get("spread"):
            return False
        return any(other != concept and not (terminology.get(other).attrs.get("spread"))
                   and any(terminology.is_a(other, parent) for parent in found.parents) for other in known)

    return [f for f in facts if not vaguer(f)]


def _diagnoses(ev: Evidence) -> tuple[list[Fact], list[Fact], tuple, list[Fact]]:
    """Stated and suspected diagnoses, their memo key and the implied ones, worked out once
    per judge."""
    found = ev.__dict__.get("_diagnoses")
    if found is None:
        about = [f for f in diagnosis_facts(ev) if not (f.negated or f.family or f.hypothetical)]
        # a habit or exposure ("I smoke"): no diagnosis; like a measured value it only keeps
        # trials for it open (was: every trial ruled out "for lung cancer; you told me: smoking")
        exposures = [f for f in about if not f.uncertain and _marked(f.concept, "exposure", ev.terminology)]
        about = [f for f in about if not _marked(f.concept, "exposure", ev.terminology)]
        stated, suspected = [f for f in about if not f.uncertain], [f for f in about if f.uncertain]
        stated = most_specific(stated, ev.terminology)
        past = resolved_cancers(ev, stated)
        ev.__dict__["_past_cancers"] = past
        stated = [f for f in stated if f not in past]
        # "breast cancer ... any study for the cancer side?": a suspected class a stated
        # diagnosis is a kind of names that diagnosis, no other disease to keep open
        terminology = ev.terminology
        suspected = [f for f in suspected if f.concept not in terminology or not any(
            s.concept in terminology and kind_of(s.concept, f.concept, terminology) for s in stated)]
        if any(_main(s.concept, terminology) for s in stated):
            # an infection in doubt beside a main diagnosis ("Quantiferon indeterminate", "not
            # sure if she has hep B" of an AOSD or a lupus patient) is a screening question for
            # the criteria, no disease the person came about: no TB study among their trials
            suspected = [f for f in suspected if f.label != "INFECTION"]
            # so is an infection over ("had TB as a child, treated", "hep C cured in 2015"):
            # no TB study among a Crohn's patient's trials (lead, round 30)
            stated = [f for f in stated if not (f.label == "INFECTION" and f.historical and not _main(f.concept, terminology))]
        background = presenting_background(ev, stated)
        stated = [f for f in stated if f not in background]
        implied = implied_diagnoses(ev, stated, suspected) + exposures + background
        stated, implied = _named_by_medicine(ev, stated, implied)
        ev.__dict__["_treated"] = _by_treatment(ev, implied) if not stated and not suspected and not background else []
        ev.__dict__["_denied"] = denied_complications(ev, implied)
        key = (id(ev.terminology), tuple(map(_fact_key, stated)), tuple(map(_fact_key, suspected)),
               tuple(map(_fact_key, implied)), tuple(map(_fact_key, past)), bool(ev.__dict__["_treated"]),
               tuple(map(_fact_key, ev.__dict__["_denied"])))
        found = ev.__dict__["_diagnoses"] = (stated, suspected, key, implied)
    return found


def _named_by_medicine(ev: Evidence, stated: list[Fact], implied: list[Fact]) -> tuple[list[Fact], list[Fact]]:
    """A cancer stated only vaguely that a medicine names precisely ("the cancer was hormone
    positive ... anastrozole for two years since my mastectomy", "tamoxifen since mastectomy for
    an ER+ tumour": breast cancer) is that cancer: the medicine's condition
    (``implied_by_therapy``) is the stated diagnosis, so trials for other cancers are ruled out
    as for a patient who named it (was: every cancer trial open; h178, round 37). Only a
    diagnosis under cancer is refined; the medicine's own words are its evidence."""
    terminology = ev.terminology
    taken = {f.text for f in (*ev.facts("DRUG"), *ev.facts("PROCEDURE"))}
    vague = [s for s in stated if s.concept in terminology and kind_of(s.concept, _MALIGNANCY, terminology)]
    if not vague:
        return stated, implied
    refined = [f for f in implied if f.text in taken and f.concept in terminology and any(
        f.concept != s.concept and kind_of(f.concept, s.concept, terminology) for s in vague)]
    if not refined:
        return stated, implied
    covered = [s for s in vague if any(kind_of(f.concept, s.concept, terminology) for f in refined)]
    return ([f for f in stated if f not in covered] + refined), [f for f in implied if f not in refined]


def denied_complications(ev: Evidence, implied: list[Fact] = ()) -> list[Fact]:
    """The complications of a disease (``complication_of``: cancer cachexia) the patient says
    they do not have ("weight stable", "hasn't lost any weight"; h142, round 30), and the
    conditions of ``deniable_conditions`` ("my blood pressure is normal": hypertension; h167,
    round 35) unless a medicine taken or a finding implies them (``implied``: "fine on
    ramipril" is a treated hypertension)."""
    terminology = ev.terminology
    deniable = [c for c in deniable_conditions() if c in terminology]

    def denied(concept: str) -> bool:
        if terminology[concept].attrs.get("complication_of"):
            return True
        return any(kind_of(concept, c, terminology) for c in deniable) and not any(
            f.concept in terminology and (kind_of(f.concept, concept, terminology) or kind_of(concept, f.concept, terminology))
            for f in implied)
    said = [f for f in ev.facts("CONDITION") if f.negated and not (f.family or f.hypothetical or f.uncertain)
            and f.concept in terminology and denied(f.concept)]
    return said + _measured_normal(ev, deniable, {f.concept for f in said}, implied)


def _measured_normal(ev: Evidence, deniable: list[str], said: set[str], implied: list[Fact]) -> list[Fact]:
    """The deniable conditions a normal measurement denies (``normal_measures``: "BP 118/74"
    is no hypertension, as "my blood pressure is normal" is; h172, round 36): every measure
    of the condition stated, every reading below its limit, no diagnosis of it stated (not
    even as past) and no medicine or finding implying it. The denial is the first reading,
    worded with the values ("BP 118/74")."""
    terminology = ev.terminology
    # a reading with its value is a measurement even where a negation reaches it ("his blood
    # pressure was 122/78 last week without any blood pressure tablets")
    labs = [f for f in ev.facts("LAB") if not (f.family or f.hypothetical or f.historical or f.uncertain)
            and (not f.negated or f.value is not None)]
    out = []
    for concept, limits in normal_measures().items():
        if concept in said or concept not in deniable or any(
                f.concept in terminology and kind_of(f.concept, concept, terminology)
                for f in [*implied, *(c for c in ev.facts("CONDITION") if not (c.negated or c.family or c.hypothetical))]):
            continue
        readings = []
        for analyte, below in limits:
            found = [f for f in labs if f.concept == analyte]
            values = [f.value_normalized if f.value_normalized is not None else f.value for f in found]
            if not found or any(v is None or v >= below or f.comparator in (">", ">=") for f, v in zip(found, values)):
                break
            readings.append((found[0], values[0]))
        else:
            first = readings[0][0]
            shown = "/".join(f"{v:g}" for _, v in readings)
            out.append(replace(first, label="CONDITION", concept=concept, negated=True, text=f"{first.text} {shown}"))
    return out


def _denied_only(ev: Evidence, leaf: dict, stated: list[Fact]) -> Fact | None:
    """A trial only for complications the patient says they do not have (a cancer cachexia
    trial for a T-ALL patient whose "weight is stable"): the denial, unless a stated diagnosis
    is one of its conditions itself. A related disease reaching the trial (every cancer
    reaches a cancer cachexia trial) does not make it theirs then."""
    denied = ev.__dict__.get("_denied") or []
    concepts = leaf.get("concepts") or ()
    if not denied or not concepts:
        return None
    terminology = ev.terminology
    if any(f.concept in terminology and c in terminology and kind_of(f.concept, c, terminology)
           for f in stated for c in concepts):
        return None
    found = None
    for concept in concepts:
        match = next((d for d in denied if concept in terminology and kind_of(concept, d.concept, terminology)), None)
        if match is None:
            return None
        found = found or match
    return found


def _denied_own(ev: Evidence, leaf: dict, stated: list[Fact]) -> Fact | None:
    """A trial whose registry names (its own condition list, not the index terms or the
    kinds its title adds) are only conditions the patient says they do not have
    (``deniable_conditions``): the denial, unless a stated diagnosis is one of them. "A Master
    Protocol for Orforglipron ... With Hypertension and Obesity or Overweight", listed under
    Hypertension, is not for an obese person whose "blood pressure is normal", though their
    weight meets the obesity its title adds (h167, round 35)."""
    denied = ev.__dict__.get("_denied") or []
    terminology = ev.terminology
    deniable = [c for c in deniable_conditions() if c in terminology]
    denied = [d for d in denied if any(kind_of(d.concept, c, terminology) for c in deniable)]
    if not denied or not any(c in terminology and kind_of(c, d.concept, terminology)
                             for c in leaf.get("concepts") or () for d in denied):
        return None
    filed = set(leaf.get("filed") or ())
    own = [condition_concept(t) for t in leaf.get("texts") or () if t not in filed]
    if leaf.get("joined"):
        # its title joins its listed conditions with "and" ("With Hypertension and Obesity or
        # Overweight"): each is needed, so a listed one denied rules it out though a stated
        # diagnosis meets another (h183, round 38)
        return next((d for c in own if c is not None and c in terminology
                     for d in denied if kind_of(c, d.concept, terminology)), None)
    if not own or any(c is None or c not in terminology for c in own):
        return None
    if any(f.concept in terminology and kind_of(f.concept, c, terminology) for f in stated for c in own):
        return None
    found = None
    for concept in own:
        match = next((d for d in denied if kind_of(concept, d.concept, terminology)), None)
        if match is None:
            return None
        found = found or match
    return found


_PRESENTING = "presenting_problem"


def presenting_background(ev: Evidence, stated: list[Fact]) -> list[Fact]:
    """The stated diagnoses of a clinical note that presents a problem it does not name ("A
    47-year-old woman with hypertension and type 2 diabetes presents with drooping eyelids
    ... acetylcholine receptor antibodies elevated"): when every stated diagnosis is named
    before the note's presenting words (``presenting_problem``, the same message) or as
    history after them ("PMH: ..."), and none is of a main kind (a cancer, an autoimmune
    disease: "a woman with lupus presents with a rash" is about her lupus), they are the
    patient's background, not what they come about. Like implied conditions they keep their
    trials open and rank them; they rule no trial out (the gate's diagnosis is unknown:
    hypertension alone ruled the myasthenia trial out). A diagnosis named as the problem
    ("presents with dyspnea ... biopsy: adenocarcinoma") keeps the gate as before."""
    if not stated:
        return []
    cues = [f for f in ev.facts("CONDITION") if f.concept == _PRESENTING and not (f.negated or f.family or f.hypothetical)]
    if not cues:
        return []
    terminology = ev.terminology

    def background(fact: Fact) -> bool:
        cue = next((c for c in cues if c.source == fact.source), None)
        return cue is not None and (fact.end <= cue.start or fact.historical)

    if any(_main(f.concept, terminology) or not background(f) for f in stated):
        return []
    return list(stated)


def _by_treatment(ev: Evidence, implied: list[Fact]) -> list[Fact]:
    """The implied conditions a medicine taken (or a procedure going on) names
    (``treated_diagnoses``), when one of them is no common comorbidity; else none."""
    said = {(f.start, f.end) for f in (*ev.facts("DRUG"), *ev.facts("PROCEDURE"))}
    treated = [f for f in implied if (f.start, f.end) in said and f.concept != _PREGNANCY]
    if not any(not _marked(f.concept, "background", ev.terminology) for f in treated):
        return []
    return treated


def _gate_key(ev: Evidence) -> tuple:
    """What the gate's truth alone rests on: the stated and implied diagnoses' concepts (and
    the wording of one the terminology does not know), and whether any is stated; not
    where in the text they were said, so a restated diagnosis re-reads no gate."""
    found = ev.__dict__.get("_gate_key")
    if found is None:
        stated, suspected, _key, implied = _diagnoses(ev)
        terminology = ev.terminology
        found = ev.__dict__["_gate_key"] = (id(terminology), bool(stated), frozenset(
            (f.concept, "" if f.concept in terminology else f.text) for f in (*stated, *implied)),
            frozenset((f.concept, "" if f.concept in terminology else f.text) for f in suspected) if stated else None,
            healthy_only_person(ev), bool(ev.__dict__.get("_treated")),
            frozenset(f.concept for f in ev.__dict__.get("_denied") or ()))
    return found


_FITS: dict[tuple, int] = {}


def fit(concept: str, text: str, leaf: dict, terminology: Terminology) -> int:
    """How well one patient condition meets the trial's conditions (0: not at all);
    remembered per patient condition and per the trial's conditions."""
    key = (concept, text if concept not in terminology else None, id(terminology),
           tuple(leaf.get("concepts") or ()), tuple(leaf.get("within") or ()), tuple(leaf.get("texts") or ()),
           tuple(leaf.get("filed") or ()))
    found = _FITS.get(key)
    if found is None:
        if len(_FITS) >= 200_000:
            _FITS.clear()
        found = _FITS[key] = _fit(concept, text, leaf, terminology)
    return found


def _fit(concept: str, text: str, leaf: dict, terminology: Terminology) -> int:
    if concept in terminology:         # names it spells are in the reach (the pruning index's too)
        return _strengths(leaf, terminology).get(concept, 0)
    best = 0                           # a condition the terminology does not know: by spelling
    for target in leaf.get("concepts") or ():
        rel = relation(concept, text, target, terminology)
        if rel == EXACT:
            return EXACT_FIT
        if rel is not None:
            best = max(best, RELATED_FIT if rel in (NARROWER, BROADER) else NAME_FIT)
    if best < RELATED_FIT and any(_name_fits(concept, text, name, terminology)
                                  for name in unmapped_texts(tuple(leaf.get("texts") or ()))):
        best = NAME_FIT
    return best


_NAME_FITS: dict[tuple, bool] = {}


def _name_fits(concept: str, text: str, name: str, terminology: Terminology) -> bool:
    """A registry name the terminology does not know spells the patient's condition
    (remembered per condition, wording and name)."""
    key = (concept, text, name, id(terminology))
    found = _NAME_FITS.get(key)
    if found is None:
        if len(_NAME_FITS) >= 200_000:
            _NAME_FITS.clear()
        names = _names(concept, terminology) | {text.lower()}
        found = _NAME_FITS[key] = any(fuzz.token_set_ratio(name.lower(), own) >= NAME_THRESHOLD
                                      and symbols_agree(name, own) for own in names)
    return found


_LEAVES: dict[int, tuple[dict, int, dict[str, int]]] = {}


def gate_value(ev: Evidence, leaf: dict) -> str:
    """The gate's truth alone, as ``target_condition`` gives it, without its reason: a turn
    whose diagnoses changed judges every trial's gate, and the vectorised judgement needs
    only truths (the reasons are worked out for the trials shown)."""
    if leaf.get("relatives") and _relative_meets(ev, leaf) is not None:
        return TRUE          # a family-history study: a relative has one of its conditions
    stated, suspected, diagnoses, implied = _diagnoses(ev)
    if not stated and not implied:
        return UNKNOWN
    found = _MEMO.get((id(leaf), diagnoses))
    if found is not None and found[0] is leaf:
        return found[1].value
    terminology = ev.terminology
    kept = _LEAVES.get(id(leaf))
    if kept is None or kept[0] is not leaf or kept[1] != id(terminology):
        if len(_LEAVES) >= _MEMO_LIMIT:
            _LEAVES.clear()
        kept = _LEAVES[id(leaf)] = (leaf, id(terminology), _strengths(leaf, terminology))
    strengths = kept[2]
    if _denied_only(ev, leaf, stated) is not None:
        return FALSE         # "weight stable" and a cancer cachexia trial
    organ = False
    for fact in (*stated, *implied):
        concept, text = fact.concept, fact.text
        if concept in terminology:
            if strengths.get(concept):
                if organ_only(concept, leaf, terminology):
                    organ = True         # lupus nephritis and a chronic kidney disease trial: asked
                    continue
                return TRUE
        elif fit(concept, text, leaf, terminology):
            return TRUE
    if organ:
        return UNKNOWN
    if not stated:       # implied conditions alone rule out only as treated ones; "no illness at all" a study for patients does
        return FALSE if (leaf.get("patients") and healthy_only_person(ev)) or ev.__dict__.get("_treated") else UNKNOWN
    # a diagnosis only suspected beside the stated ones keeps its trials open
    for fact in suspected:
        if (strengths.get(fact.concept) if fact.concept in terminology
                else fit(fact.concept, fact.text, leaf, terminology)):
            return UNKNOWN
    return FALSE


_STRENGTHS: dict[tuple, dict[str, int]] = {}
# a gate's and a list of conditions' reach each (~250 bytes): 100,000 synthetic trials hold
# 29,000 gates and 29,000 lists, which a limit of 50,000 emptied during the start-up's
# preparation, so turns worked them out again
_STRENGTHS_LIMIT = 150_000


def _strengths(leaf: dict, terminology: Terminology) -> dict[str, int]:
    """Every known concept a patient's condition may be for this trial to be theirs, with
    its strength (``data.condition_names.condition_reach``: the pruning index reads the
    same). Worked out once per list of conditions."""
    key = (tuple(leaf.get("concepts") or ()), tuple(leaf.get("within") or ()), tuple(leaf.get("texts") or ()),
           tuple(leaf.get("filed") or ()), id(terminology))
    found = _STRENGTHS.get(key)
    if found is not None:
        return found
    strengths = condition_reach(key[0], key[1], key[2], key[3])
    if len(_STRENGTHS) >= _STRENGTHS_LIMIT:
        _STRENGTHS.clear()
    _STRENGTHS[key] = strengths
    return strengths


def _names(concept: str, terminology: Terminology) -> set[str]:
    key = (concept, id(terminology))
    names = _NAMES.get(key)
    if names is None:
        names = _NAMES[key] = _names_of(concept, terminology)
    return names


_NAMES: dict[tuple, set[str]] = {}


def _names_of(concept: str, terminology: Terminology) -> set[str]:
    found = terminology.get(concept)
    if found is None:
        return {concept.replace("_", " ")}
    return {found.label.lower(), *(t.lower() for t in found.terms)}


_MEMO: dict[tuple, tuple[dict, LeafResult]] = {}
_MEMO_LIMIT = 200_000


def target_condition(ev: Evidence, leaf: dict) -> LeafResult:
    """The gate's judgement, remembered per leaf and per the patient's diagnoses as stated
    (the same facts give the same result every turn; a turn re-judges thousands of gates;
    trials listing the same conditions share one leaf: the plan book interns them). A study
    about family history (the leaf's ``relatives``) holds for a person who tells of a relative
    with one of its conditions, whatever their own diagnoses."""
    if leaf.get("relatives"):
        fact = _relative_meets(ev, leaf)
        if fact is not None:
            wanted = trial_conditions_text(leaf, ev.terminology)
            return LeafResult(leaf, TRUE, f"a study about family history, for people with {wanted} in the family; "
                              f"you told me a relative has {ev.label(fact.concept)}", [fact])
    stated, suspected, diagnoses, implied = _diagnoses(ev)
    key = (id(leaf), diagnoses)
    found = _MEMO.get(key)
    if found is not None and found[0] is leaf:
        return found[1]
    result = _judge_target(ev, leaf, stated, suspected, implied)
    if len(_MEMO) >= _MEMO_LIMIT:
        _MEMO.clear()
    _MEMO[key] = (leaf, result)
    return result


def _fact_key(fact: Fact) -> tuple:
    return (fact.concept, fact.text, fact.start, fact.end, fact.source)


def _how(fact: Fact, ev: Evidence) -> str:
    """How an implied condition follows from what was said: "amlodipine is taken for
    hypertension", "dialysis is for end-stage renal disease", "BMI 33 is obesity", "eGFR 40
    points to chronic kidney disease" (a value below a bound: it must last to be the disease),
    "anti-Jo-1 points to idiopathic inflammatory myopathy" (an antibody)."""
    if any(d.start == fact.start and d.end == fact.end for d in ev.facts("DRUG")):
        return "is taken for"
    if any(d.start == fact.start and d.end == fact.end for d in ev.facts("PROCEDURE")):
        return "is for"
    if any(highest is not None and concept == fact.concept for _a, _l, highest, concept in implied_conditions()) \
            or any(d.start == fact.start and d.end == fact.end for d in ev.facts("BIOMARKER")):
        return "points to"
    return "is"


def _judge_target(ev: Evidence, leaf: dict, stated: list[Fact], suspected: list[Fact],
                  implied: list[Fact] = ()) -> LeafResult:
    concepts = leaf.get("concepts") or ()
    ask = f"diagnosis:{concepts[0]}" if concepts else None
    wanted = trial_conditions_text(leaf, ev.terminology)
    denial = _denied_own(ev, leaf, stated)
    if denial is not None:      # "my blood pressure is normal" and a hypertension trial (h167, round 35)
        return LeafResult(leaf, FALSE, f"for {wanted}; you told me: {denial.text} (no {ev.label(denial.concept)}). "
                          "If the patient has it, say so.", [denial])
    if implied:
        scored = [(fit(f.concept, f.text, leaf, ev.terminology), f) for f in implied]
        best, fact = max(scored, key=lambda pair: pair[0])
        # (a stated disease meeting the trial only as one of its organ's, "lupus nephritis"
        # for a chronic kidney disease trial, leaves "eGFR 40 points to chronic kidney
        # disease" the fit, as the plan judges it)
        if best and not any(fit(f.concept, f.text, leaf, ev.terminology)
                            and not (f.concept in ev.terminology and organ_only(f.concept, leaf, ev.terminology))
                            for f in stated):
            if fact.concept == _PREGNANCY:
                return LeafResult(leaf, TRUE, f"for {wanted}; you told me the patient is pregnant", [fact])
            return LeafResult(leaf, TRUE, f"for {wanted}; {fact.text} {_how(fact, ev)} {ev.label(fact.concept)}", [fact])
    if not stated:
        treated = ev.__dict__.get("_treated")
        if treated:      # "on TLD since 2019": the person said what they have by its treatment
            told = "; ".join(dict.fromkeys(f"{f.text} {_how(f, ev)} {ev.label(f.concept)}" for f in treated))
            return LeafResult(leaf, FALSE, f"for {wanted}; you told me: {told}. If the patient has one of these, "
                              "say so.", treated)
        if leaf.get("patients") and healthy_only_person(ev):
            said = [f for f in implied if f.concept == _HEALTHY]
            return LeafResult(leaf, FALSE, f"for {wanted}, a study for patients (it takes no healthy volunteers); you "
                              "told me the person has no illness. If they have one of these, say so.", said)
        if suspected:
            return LeafResult(leaf, UNKNOWN, f"for {wanted}; a diagnosis is only suspected so far", suspected, ask=ask)
        return LeafResult(leaf, UNKNOWN, f"for {wanted}; the diagnosis is not known yet", ask=ask)
    denial = _denied_only(ev, leaf, stated)
    if denial is not None:      # "weight stable" and a cancer cachexia trial (h142, round 30)
        return LeafResult(leaf, FALSE, f"for {wanted}; you told me: {denial.text} (no {ev.label(denial.concept)}). "
                          "If the patient has it, say so.", [denial])
    scored = [(fit(f.concept, f.text, leaf, ev.terminology), f) for f in stated]
    organ = [f for s, f in scored if s and f.concept in ev.terminology and organ_only(f.concept, leaf, ev.terminology)]
    scored = [(s, f) for s, f in scored if f not in organ]
    best, fact = max(scored, key=lambda pair: pair[0]) if scored else (0, None)
    if best:
        return LeafResult(leaf, TRUE, f"for {wanted}; you told me: {ev.label(fact.concept)}", [fact])
    if organ:       # "lupus nephritis" and a chronic kidney disease trial: the organ's disease is asked
        return LeafResult(leaf, UNKNOWN, f"for {wanted}; you told me: {ev.label(organ[0].concept)}, a disease of that "
                          "organ; whether the patient has one of these too is not known", organ, ask=ask)
    told = ", ".join(dict.fromkeys(ev.label(f.concept) for f in stated))
    # "RA, and now they suspect lupus": a diagnosis only suspected never rules its trials out
    hedged = next((f for f in suspected if fit(f.concept, f.text, leaf, ev.terminology)), None)
    if hedged is not None:
        return LeafResult(leaf, UNKNOWN, f"for {wanted}; you told me: {told}, and {ev.label(hedged.concept)} "
                          "is only suspected so far", [*stated, hedged], ask=ask)
    past = ev.__dict__.get("_past_cancers") or []
    if past:       # a past cancer beside the current diagnosis: the reason says it was heard
        earlier = ", ".join(dict.fromkeys(ev.label(f.concept) for f in past))
        return LeafResult(leaf, FALSE, f"for {wanted}; you told me: {told} now, and {earlier} in the past. "
                          "If the patient has one of these now, say so.", [*stated, *past])
    return LeafResult(leaf, FALSE, f"for {wanted}; you told me: {told}. If the patient also has one of these, say so.",
                      stated)


def condition_strength(conditions: tuple[str, ...], patient: tuple[tuple[str, str], ...],
                       terminology: Terminology, names: tuple = ((), (), ())) -> float:
    """The ranking's condition-match strength of a trial listing ``conditions`` (concept
    ids) for a patient's stated ``(concept, text)`` diagnoses: a related fit graded
    (``graded_fit``: a subtype's trial, ``SUBTYPE_FIT``, before an umbrella's). When none of the concepts
    fits, ``names`` (the ``(texts, within, filed)`` of the trial's condition gate: names the
    terminology does not know, the registry's headings) are read as the gate reads them, at
    most a weak fit (``NAME_FIT``): a trial whose conditions stay text ("Treatment in
    HER2-negative Metastatic Breast Cancer Patients ...") ranks after the trials listing the
    patient's condition or a related one, before those for nothing of theirs."""
    best = _strength(conditions, patient, terminology) if conditions else 0
    texts, within, filed = names
    if best or not (texts or within) or not patient:
        return best
    leaf = {"concepts": list(conditions), "texts": list(texts), "within": list(within), "filed": list(filed)}
    for concept, text in patient:
        strength = (_strengths(leaf, terminology).get(concept, 0) if concept in terminology
                    else fit(concept, text, leaf, terminology))
        if strength:
            return min(strength, NAME_FIT)
    return 0


def list_strengths(lists: list[tuple], codes: list[int], patient: tuple[tuple[str, str], ...],
                   terminology: Terminology) -> list[float]:
    """``condition_strength(*lists[code] ...)`` of each code, the same values in the same
    types: ``lists`` is a catalog's distinct ``(conditions, names)`` (``matching.engine``'s
    condition lists), ``patient`` one known or unknown ``(concept, text)`` diagnosis. For a
    known concept each list's reach (``_strengths``, with and without the gate's names) is
    kept by list number with ``lists``, so a new diagnosis grading 15,700 lists (100,000
    trials) hashes no tuple of conditions per list and judges no umbrella per list."""
    if len(patient) != 1 or patient[0][0] not in terminology:
        return [condition_strength(lists[code][0], patient, terminology, lists[code][1]) for code in codes]
    concept = patient[0][0]
    kept = _LIST_REACHES.get(id(lists))
    if kept is None or kept[0] is not lists or kept[1] is not terminology:
        if len(_LIST_REACHES) >= 4:
            _LIST_REACHES.pop(next(iter(_LIST_REACHES)))
        kept = _LIST_REACHES[id(lists)] = (lists, terminology, [None] * len(lists), [None] * len(lists))
    plain, named = kept[2], kept[3]
    graded = concept in terminology and not umbrella(concept, terminology)    # graded_fit's test
    grades: dict[str, Any] = {}                 # listed condition -> _pair_grade of the concept
    # _strength of one known concept, list by list: each list's reach read by C-level map
    # (a list listing no concept reaches nothing: strength 0, as when it is passed over)
    reaches = list(map(plain.__getitem__, codes))
    if None in reaches:
        for i, code in enumerate(codes):
            if reaches[i] is None:
                conditions = lists[code][0]
                reaches[i] = plain[code] = (_strengths({"concepts": list(conditions)}, terminology) if conditions
                                            else _NO_REACH)
    strengths = list(map(operator.methodcaller("get", concept, 0), reaches))
    if graded:                                  # graded_fit, its umbrella test made once
        for i in [i for i, strength in enumerate(strengths) if strength == RELATED_FIT]:
            strengths[i] = _graded(strengths[i], lists[codes[i]][0], grades, concept, terminology)
    out: list[float] = [strength if strength > 0 else 0 for strength in strengths]    # max from 0
    for i in [i for i, best in enumerate(out) if not best]:
        code = codes[i]
        conditions, (texts, within, filed) = lists[code]
        if texts or within:                     # the names path: at most NAME_FIT
            reach = named[code]
            if reach is None:
                reach = named[code] = _strengths({"concepts": list(conditions), "texts": list(texts),
                                                  "within": list(within), "filed": list(filed)}, terminology)
            strength = reach.get(concept, 0)
            out[i] = min(strength, NAME_FIT) if strength else 0
    return out


_NO_REACH: dict[str, int] = {}      # the reach of a list of no concepts (read only)


def _graded(strength: Any, conditions: tuple[str, ...], grades: dict[str, Any], concept: str,
            terminology: Terminology) -> Any:
    """``graded_fit(strength, concept, conditions, terminology)`` for a related fit of a
    known concept that is no umbrella, each listed condition's grade kept in ``grades``
    (one patient concept: a new diagnosis grades thousands of lists sharing conditions)."""
    best = strength
    for other in conditions:
        grade = grades.get(other, _UNSEEN)
        if grade is _UNSEEN:
            grade = grades[other] = _pair_grade(concept, other, terminology)
        if grade == SUBTYPE_FIT:
            return SUBTYPE_FIT
        if grade == KIND_FIT:
            best = KIND_FIT
    return best


_UNSEEN = object()


# per catalog list of (conditions, names): (lists, terminology, reach by list number without the
# names, with them) for ``list_strengths``
_LIST_REACHES: dict[int, tuple[list, Any, list, list]] = {}


def _strength(conditions: tuple[str, ...], patient: tuple[tuple[str, str], ...], terminology: Terminology) -> float:
    if not patient:
        return 0
    best = 0
    reach = None
    for concept, text in patient:
        if concept in terminology:     # fit's answer for a known concept, without its memo key
            if reach is None:
                reach = _STRENGTHS.get((tuple(conditions), (), (), (), id(terminology)))    # _strengths' key
                if reach is None:
                    reach = _strengths({"concepts": list(conditions)}, terminology)
            # a subtype's or its disease's trial before an umbrella's (``graded_fit``)
            strength = graded_fit(reach.get(concept, 0), concept, conditions, terminology)
        else:
            strength = fit(concept, text, {"concepts": list(conditions)}, terminology)
        if strength > best:
            best = strength
    return best


_BULK_MEMO: dict[tuple, tuple[object, list[str]]] = {}


def gate_values(ev: Evidence, token: object, leaves: list[dict]) -> list[str]:
    """``gate_value`` of every gate leaf of a list that stays the same from turn to turn
    (``token`` names it), remembered per list and per the patient's diagnoses: a turn that
    changes no diagnosis re-reads no gate."""
    key = (id(token), len(leaves), _gate_key(ev))
    found = _BULK_MEMO.get(key)
    if found is not None and found[0] is token:
        return _with_relatives(ev, token, leaves, found[1])
    stated, suspected, _key, implied = _diagnoses(ev)
    if not stated and not implied:
        values = [UNKNOWN] * len(leaves)
    else:                      # gate_value's answer: true when one diagnosis meets the gate
        terminology = ev.terminology
        met = None
        organ: set[int] = set()
        for fact in dict.fromkeys((f.concept, "" if f.concept in terminology else f.text) for f in (*stated, *implied)):
            fits = _gates_met(token, leaves, fact, terminology)
            if _organ_involving(fact[0], terminology):     # lupus nephritis: a kidney trial's gate is asked
                places = [i for i in fits.nonzero()[0].tolist() if organ_only(fact[0], leaves[i], terminology)]
                if places:
                    fits = fits.copy()
                    fits[places] = False
                    organ.update(places)
            met = fits if met is None else met | fits       # (numpy bools: a or b, a new array)
        # implied conditions alone never rule out, but those a medicine names (``treated_diagnoses``)
        otherwise = FALSE if stated or ev.__dict__.get("_treated") else UNKNOWN
        healthy = not stated and healthy_only_person(ev)     # "no illness at all": a study for patients is not theirs
        if healthy:
            values = [TRUE if m else FALSE if leaf.get("patients") else otherwise
                      for m, leaf in zip(met.tolist(), leaves)]
        else:           # TRUE where met, else ``otherwise``: by numpy (100,000 gates at 100,000 trials)
            values = _chosen(met, otherwise, TRUE)
        if organ:       # met only through the organ a diagnosis involves: asked, never ruled out
            flags = met.tolist()
            values = [UNKNOWN if i in organ and not flags[i] else v for i, v in enumerate(values)]
        if stated and suspected:   # a diagnosis only suspected beside the stated ones keeps its trials open
            for fact in dict.fromkeys((f.concept, "" if f.concept in terminology else f.text) for f in suspected):
                fits = _gates_met(token, leaves, fact, terminology)
                values = [UNKNOWN if v == FALSE and m else v for v, m in zip(values, fits.tolist())]
        if ev.__dict__.get("_denied"):     # "weight stable" and a cancer cachexia trial (h142, round 30)
            values = [FALSE if v == TRUE and _denied_only(ev, leaf, stated) is not None else v
                      for v, leaf in zip(values, leaves)]
            # "my blood pressure is normal" and a trial listed under hypertension alone (h167, round 35)
            values = [FALSE if v != FALSE and _denied_own(ev, leaf, stated) is not None else v
                      for v, leaf in zip(values, leaves)]
    if len(_BULK_MEMO) >= 16:
        _BULK_MEMO.pop(next(iter(_BULK_MEMO)))
    _BULK_MEMO[key] = (token, values)
    return _with_relatives(ev, token, leaves, values)


def organ_only(concept: str, leaf: dict, terminology: Terminology) -> bool:
    """A gate's listed conditions meet the patient's ``concept`` only through the organ it
    involves (``organ_parents`` of data/evidence.yaml): lupus nephritis and a chronic kidney
    disease or hypertension-with-CKD trial. The patient may have the organ's disease too
    (kidney failure from lupus nephritis) or not (a nephritis in remission with a normal
    creatinine): the gate asks, never rules out, and never passes on the nephritis alone."""
    if not _organ_involving(concept, terminology):
        return False
    listed = [c for c in leaf.get("concepts") or () if c in terminology]
    related = [c for c in listed if c == concept or terminology.is_a(concept, c) or terminology.is_a(c, concept)]
    return bool(related) and all(_through_organ_only(concept, c, terminology) for c in related)


def fits_by_organ_only(leaf: dict, facts: list[Fact]) -> bool:
    """The condition facts among ``facts`` that meet the gate ``leaf`` at all meet it only
    through the organ they involve (``organ_only``: "lupus nephritis, I think" and a chronic
    kidney disease trial); False when none meets it."""
    terminology = load_terminology()
    fitting = [f for f in facts if f.label == "CONDITION" and fit(f.concept, f.text, leaf, terminology)]
    return bool(fitting) and all(f.concept in terminology and organ_only(f.concept, leaf, terminology) for f in fitting)


_ORGAN_CONCEPTS: dict[tuple[str, int], bool] = {}


def _organ_involving(concept: str, terminology: Terminology) -> bool:
    """``concept`` has a parent naming an organ (``organ_parents``), or is below one
    (remembered per concept)."""
    key = (concept, id(terminology))
    found = _ORGAN_CONCEPTS.get(key)
    if found is None:
        from data.condition_names import organ_parents  # start-up: evidence.yaml read once a gate is judged

        keys = organ_parents()
        found = _ORGAN_CONCEPTS[key] = concept in terminology and (
            concept in keys or any(a in keys for a in terminology.ancestors(concept)))
    return found


def _with_relatives(ev: Evidence, token: object, leaves: list[dict], values: list[str]) -> list[str]:
    """``values`` with each family-history study's gate (a leaf flagged ``relatives``) true
    where a relative has one of its conditions (a copy when any changes; the memo keeps the
    values of the person's own diagnoses, which never read the relatives)."""
    places = _relatives_places(token, leaves)
    if not places or not any(f.family for f in ev.facts("CONDITION")):
        return values
    changed = None
    for i in places:
        if values[i] != TRUE and _relative_meets(ev, leaves[i]) is not None:
            changed = changed if changed is not None else list(values)
            changed[i] = TRUE
    return changed if changed is not None else values


_RELATIVES_PLACES: dict[tuple, tuple[object, list[int]]] = {}


def _relatives_places(token: object, leaves: list[dict]) -> list[int]:
    """The places of a gate list's family-history studies' leaves (found once per list)."""
    key = (id(token), len(leaves))
    found = _RELATIVES_PLACES.get(key)
    if found is None or found[0] is not token:
        if len(_RELATIVES_PLACES) >= 16:
            _RELATIVES_PLACES.pop(next(iter(_RELATIVES_PLACES)))
        found = _RELATIVES_PLACES[key] = (token, [i for i, leaf in enumerate(leaves) if leaf.get("relatives")])
    return found[1]


def _relative_meets(ev: Evidence, leaf: dict) -> Fact | None:
    """The relative's condition (a family fact, not negated or only wished for: "my mother
    and my sister both had breast cancer") that one of a family-history study's conditions
    meets, or None."""
    terminology = ev.terminology
    strengths = None
    for fact in ev.facts("CONDITION"):
        if not fact.family or fact.negated or fact.hypothetical:
            continue
        if fact.concept in terminology:
            strengths = strengths if strengths is not None else _strengths(leaf, terminology)
            if strengths.get(fact.concept):
                return fact
        elif fit(fact.concept, fact.text, leaf, terminology):
            return fact
    return None


def _chosen(met: Any, otherwise: str, then: str) -> list[str]:
    """``[then if m else otherwise for m in met]`` (a numpy bool array), the same string
    objects, picked by numpy from a two-item object array rather than a Python step per gate."""
    import numpy as np  # start-up: numpy (~0.17 s) only once plans are judged

    pick = np.empty(2, dtype=object)
    pick[0], pick[1] = otherwise, then
    return pick[met.view(np.int8)].tolist()


_GATES_MET: dict[tuple, tuple[object, object, Any]] = {}
# per gate list: (token, terminology, known concept -> the places of the gates it meets)
_REACHES: dict[tuple, tuple[object, object, dict[str, Any]]] = {}


def _gates_met(token: object, leaves: list[dict], fact: tuple[str, str], terminology: Terminology) -> Any:
    """Which gates of the list one patient condition ``(concept, wording of an unknown
    one)`` meets (``gate_value``'s test), a numpy bool array (read only), remembered per
    list and condition: a turn adding a diagnosis tests the new one only, a known concept
    by the places of the gates whose reach holds it (``_met_by_concept``: each gate's reach
    turned round once per list, at start-up, rather than 100,000 reaches looked up per new
    diagnosis at 100,000 trials)."""
    import numpy as np  # start-up: numpy (~0.17 s) only once plans are judged

    key = (id(token), len(leaves), fact, id(terminology))
    kept = _GATES_MET.get(key)
    if kept is not None and kept[0] is token and kept[1] is terminology:
        return kept[2]
    concept, text = fact
    if concept in terminology:
        reaches = _REACHES.get((id(token), len(leaves), id(terminology)))
        if reaches is None or reaches[0] is not token or reaches[1] is not terminology:
            _REACHES.clear()
            reaches = _REACHES[(id(token), len(leaves), id(terminology))] = (
                token, terminology, _met_by_concept([_strengths(leaf, terminology) for leaf in leaves]))
        fits = np.zeros(len(leaves), dtype=bool)
        places = reaches[2].get(concept)
        if places is not None:
            fits[places] = True                 # bool(reach.get(concept)) of each gate
    else:
        fits = np.fromiter((bool(fit(concept, text, leaf, terminology)) for leaf in leaves), dtype=bool,
                           count=len(leaves))
    fits.flags.writeable = False
    if len(_GATES_MET) >= 64:
        _GATES_MET.pop(next(iter(_GATES_MET)))
    _GATES_MET[key] = (token, terminology, fits)
    return fits


def _met_by_concept(reaches: list[dict[str, int]]) -> dict[str, Any]:
    """Concept -> the places (a numpy array, ascending) of the reaches holding it with a
    true strength: ``reaches`` turned round (gates listing the same conditions share one
    reach: each distinct reach is read once)."""
    import numpy as np  # start-up: numpy (~0.17 s) only once plans are judged

    places: dict[int, list[int]] = {}
    first: dict[int, dict[str, int]] = {}
    for i, reach in enumerate(reaches):
        found = places.get(id(reach))
        if found is None:
            found = places[id(reach)] = []
            first[id(reach)] = reach
        found.append(i)
    held: dict[str, list] = {}
    for number, reach in first.items():
        at = places[number]
        for concept, strength in reach.items():
            if strength:
                held.setdefault(concept, []).append(at)
    return {concept: np.sort(np.fromiter((i for at in lists for i in at), dtype=np.int64))
            for concept, lists in held.items()}


_HEALTHY = "healthy"       # the terminology's concept of a person who says they are healthy


def healthy_only_person(ev: Evidence) -> bool:
    """The person says they are healthy ("no illness at all", "in good health") and nothing
    else: no diagnosis stated or suspected, no condition a medicine or a value implies. A
    study for patients (the registry: no healthy volunteers) is not theirs; an unknown
    diagnosis (nothing said) still rules nothing out."""
    stated, suspected, _key, implied = _diagnoses(ev)
    return not stated and not suspected and bool(implied) and all(f.concept == _HEALTHY for f in implied)


def healthy_volunteers(ev: Evidence, leaf: dict) -> LeafResult:
    """A study in healthy volunteers only (``elig-healthy``, data.rule_nodes.healthy_only):
    false for a person who states a current diagnosis (not one a healthy person may have:
    ``healthy_compatible`` in the terminology, the hot flushes of the menopause), its
    reason naming the diagnosis ("a study of an arthritis drug in healthy subjects" is no
    study for a patient with arthritis); true for a person who says they are healthy;
    otherwise unknown, asking nothing (the diagnosis question comes from the trial's gate).
    A condition only implied (a medicine, a value) or suspected never rules it out."""
    terminology = ev.terminology
    ill = [f for f in asserted_diagnoses(ev) if not f.historical and not _marked(f.concept, "healthy_compatible", terminology)]
    if ill:
        told = ", ".join(dict.fromkeys(ev.label(f.concept) for f in ill))
        return LeafResult(leaf, FALSE, f"a study in healthy volunteers; you told me: {told}. "
                          "If that is wrong, say so.", ill)
    if healthy_only_person(ev):
        said = [f for f in _diagnoses(ev)[3] if f.concept == _HEALTHY]
        return LeafResult(leaf, TRUE, "a study in healthy volunteers; you told me the person has no illness", said)
    return LeafResult(leaf, UNKNOWN, "a study in healthy volunteers; whether the person has an illness is not known yet")


JUDGES = {"target_condition": target_condition, "healthy_volunteers": healthy_volunteers}
BULK_VALUES = {"target_condition": gate_values}   # truth-only, a whole list at once
VALUES = {"target_condition": gate_value}      # truth-only fast paths (no reason)
