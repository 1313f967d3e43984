"""The terminology: every concept trialbot knows (conditions, therapies, labs, scores,
infections, biomarkers), loaded from ``data/terminology/*.yaml`` and validated.

``Terminology`` answers the questions nlp/ and matching/ ask of it: which concept a phrase
names, what a concept's ancestors are (is-a), and how a lab unit converts to the
analyte's canonical unit. Loading is done once per process (``load_terminology``).
"""
from __future__ import annotations

import re

from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from data.errors import DataError, check_fields
from data.files import DATA_DIR, read_yaml

TERMINOLOGY_DIR = DATA_DIR / "terminology"

CATEGORIES = ("condition", "therapy", "analyte", "score", "infection", "biomarker")

# zh: Chinese names (simplified characters; traditional text is converted before matching,
# nlp/chinese.py), matched by the Chinese extractor only
_COMMON_KEYS = {"id", "label", "parents", "terms", "abbreviations", "zh"}
_EXTRA_KEYS = {
    # registry_terms: names registries file conditions under (MeSH headings such as
    # "Neoplasms") that are read in registry records only, never in what patients write;
    # spread: true marks a site a cancer spread to (liver metastases), not a cancer of its
    # own: never "another malignancy" in a trial for the patient's cancer (matching.leaves)
    # complication_of: diseases (ids) this condition is a complication of (diabetic foot
    # of diabetes): a trial for it is for a patient with any kind of them (data/condition_names.py)
    # background: true marks a common comorbidity (hypertension, type 2 diabetes, ...) and
    # main_kind: true a kind of disease patients come about (cancers, autoimmune diseases):
    # a comorbidity named beside such a diagnosis ranks its trials after it (matching.relevance)
    # contradicts: conditions (ids) a patient cannot have at the same time (a disease status:
    # relapsed is not newly diagnosed; data/terminology/disease_status.yaml; one disease named
    # by its age of onset: systemic JIA is not adult-onset Still's disease, never asked of a
    # patient who stated the other, matching.questions); status_of: the
    # diseases (ids) whose status a criterion's status words are read for (nlp.criteria)
    # exposure: true marks a habit or exposure (smoking, alcohol use): never a diagnosis that
    # decides which trials are the patient's; like a measured value it only keeps trials for it
    # open and ranks them (matching.relevance)
    # healthy_compatible: true marks a condition a healthy person may have (the hot flushes of
    # the menopause): it does not keep them out of a study in healthy volunteers (matching.relevance)
    # former: true marks a state now that is named by what is over ("former smoker", "stopped
    # smoking 5 years ago"): never historical, whatever history cue is near (nlp assemble)
    # comorbidity: true marks a condition that is a comorbidity beside a main diagnosis, as
    # background is, while a medicine for it alone still names what the person came about
    # (diabetes with no type; matching.relevance)
    # display_label: true makes a clinician's reply name the condition by its label, never by
    # an abbreviation that reads as a word or a slur ("ASS" for anti-synthetase syndrome;
    # bot.render.name)
    # narrower: terms of the concept (also listed in terms) that name a kind of it, not all of
    # it ("rectal cancer" of colorectal cancer, "decompensated cirrhosis"): a patient who has
    # one has the concept; a criterion naming one is narrower than the concept, so the
    # compiler never reads it as the whole concept (nlp.criteria: the team's, beside the leaf)
    # not_shown: true marks a concept that is matching's marker only, never said back to the
    # person (the start of a note's presenting problem; bot.render, bot.commands.triage)
    # raises: analytes (ids) the condition itself raises (Gilbert's syndrome, bilirubin): a
    # criterion's exception for it beside that analyte's threshold ("bilirubin ≤ 1.5 x ULN
    # unless due to Gilbert's syndrome") needs no team check of whether it applies (nlp.criteria.leaves)
    # shown_by_spread: true marks a status a stated site of spread shows ("liver metastases"
    # shows metastatic disease; matching.leaves.diagnosis; round 27)
    # denied_with_not: true marks a state whose label is no noun ("in remission", "MRD
    # negative"): denied it is said "not in remission", never "no in remission" (bot.render; h190)
    # lasting: true marks a chronic disease that goes on once it began (asthma, diabetes, lupus):
    # a date told with it is when it began ("asthma since 2005", "diagnosed 2003"), so unless it
    # is said to be over it is present in any window up to now (matching.leaves); kinds inherit
    # it, a kind that comes and goes says ``lasting: false`` (acute kidney injury; h193, round 40)
    "condition": {"registry_terms", "spread", "complication_of", "background", "main_kind", "contradicts",
                  "status_of", "exposure", "healthy_compatible", "former", "display_label", "comorbidity",
                  "narrower", "not_shown", "shown_by_spread", "raises", "denied_with_not", "lasting"},
    # examples: the drugs a question about a class names first (most used; matching.questions)
    # patient_words: true marks what patients say they use that trials ask of them as an
    # agreement (contraception): read in patients' text only; in a criterion its words are
    # the criterion's own (the trial team's requirement), never a leaf (nlp.criteria.atoms)
    # narrower (as for conditions): terms naming one kind of a drug class ("insulin glargine" of
    # insulin): a patient who takes one takes the class; a criterion naming one is narrower
    # said_as_written: terms of the concept that name another drug matching treats as this
    # one ("prednisolone" of prednisone): said back as the person wrote them, never renamed
    # (bot.render)
    # implies: procedures the use of this therapy implies (round 30: an investigational product is
    # received in a trial, so it is a trial participation; matching.leaves.procedure,
    # nlp.criteria.parser); a denied use implies nothing
    "therapy": {"half_life_days", "route", "kind", "examples", "patient_words", "narrower", "said_as_written", "implies"},
    # plausible_child: [low, high] for a child's value (``child_under_age`` years): a body weight
    # of 3.2 kg is a newborn's, questioned only in an adult (h177, round 37)
    "analyte": {"canonical_unit", "units", "plausible", "plausible_child", "child_under_age", "uln", "lln", "derived", "bare_units", "whole_units", "typical",
                "dipstick"},     # a urine dipstick analyte: "2+" after it is a grade, not "at least"
    # worse: "higher" or "lower", the end of the scale that is worse for the patient: a range
    # written for one patient ("ECOG 0-1", "KPS 70-80") is read as its worse bound (h182, round 38)
    "score": {"range", "worse"},
    # diagnosis: true marks an infection that is a diagnosis trials are for (HIV, chronic
    # hepatitis): registry condition names map to it and the relevance gate counts it
    "infection": {"diagnosis", "narrower"},
    # target: true marks an antigen on the cells that therapies are aimed at (CD7, CD19,
    # BCMA): a trial naming it is aimed at a patient whose cells carry it (matching.targets);
    # found_in: the diseases (ids) whose cells usually carry such an antigen (CD7: T-cell
    # neoplasms, AML): for a patient with another one, a trial aimed at it ranks lower;
    # positive_titre: an autoantibody's titre from which it is positive ("ANA 1:640": the
    # extractor's status; nlp/components/assemble.py);
    # panel: true marks a name for several different tests (systemic-sclerosis antibodies:
    # anti-Scl-70, anti-centromere, ...): one of them positive is the panel positive, whatever
    # another test said (matching.leaves.biomarker);
    # members: a panel's single tests (or parts of it: "anti-synthetase antibodies"): a
    # negative one says nothing of the others ("MDA5 negative" leaves the myositis-specific
    # antibodies open; matching.leaves.biomarker); a name not listed (the panel's own name, an
    # answer "no") is the whole panel
    # antibody: true marks an autoantibody measured as a level or titre: the number after it
    # is its value ("anti-dsDNA 200 IU/mL", "ANA 1:640"), positive or negative only against a
    # reference range written with it ("85 (ref <10)"; nlp/components/assemble.py)
    # target_names: the words a trial's title or keywords name such a marker by ("G12C",
    # "HER2-positive"), when they are not its abbreviations (matching.targets; h142, round 30)
    "biomarker": {"target", "found_in", "positive_titre", "panel", "members", "antibody", "target_names"},
}


@dataclass(frozen=True)
class Concept:
    id: str
    category: str
    label: str
    parents: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()
    zh: tuple[str, ...] = ()
    attrs: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def kind(self) -> str:
        """'procedure' for procedures listed among therapies, else the category."""
        return self.attrs.get("kind", self.category)


def _test_key(name: str) -> str:
    """A test's name without case, spaces, hyphens, slashes, "anti-" before it or "antibody"
    after it: "Anti-MDA5 antibodies", "MDA-5" and "mda5" are one test."""
    key = re.sub(r"[\s\-_/]+", "", name.casefold())
    key = re.sub(r"^(?:anti|抗)", "", key)
    return re.sub(r"(?:antibod(?:y|ies)|abs?|抗体)$", "", key) or key


class Terminology:
    """Concepts by id, with is-a ancestry and unit conversion."""

    def __init__(self, concepts: Iterable[Concept]):
        self.concepts: dict[str, Concept] = {}
        for concept in concepts:
            self.concepts[concept.id] = concept
        self._ancestors: dict[str, frozenset[str]] = {}
        self._descendants: dict[str, list[str]] | None = None
        self._member_keys: dict[str, frozenset[str]] = {}   # a panel's members, by their test key

    def __contains__(self, concept_id: str) -> bool:
        return concept_id in self.concepts

    def __getitem__(self, concept_id: str) -> Concept:
        return self.concepts[concept_id]

    def get(self, concept_id: str) -> Concept | None:
        return self.concepts.get(concept_id)

    def by_category(self, category: str) -> list[Concept]:
        return [c for c in self.concepts.values() if c.category == category]

    def flagged(self, concept_id: str, attr: str) -> bool:
        """The concept is known and its ``attr`` (a true/false attribute of _EXTRA_KEYS:
        panel, antibody, target, diagnosis, ...) is set."""
        concept = self.concepts.get(concept_id)
        return bool(concept is not None and concept.attrs.get(attr))

    def panel_member(self, concept_id: str, text: str | None) -> bool:
        """Whether ``text`` names one test of a panel (``members``: "anti-MDA5" of the
        myositis-specific antibodies), not the whole panel ("myositis antibodies", "no")."""
        keys = self._member_keys.get(concept_id)
        if keys is None:
            concept = self.concepts.get(concept_id)
            keys = self._member_keys[concept_id] = frozenset(
                _test_key(m) for m in (concept.attrs.get("members") or () if concept is not None else ()))
        return bool(keys) and _test_key(text or "") in keys

    def shown(self, facts):
        """The facts a person is told or a report lists: all but matching's markers
        (``not_shown``: where a note's presenting problem starts)."""
        return [f for f in facts if not self.flagged(f.concept, "not_shown")]

    def label(self, concept_id: str) -> str:
        concept = self.concepts.get(concept_id)
        return concept.label if concept else concept_id

    def as_written(self, concept_id: str, text: str | None) -> str | None:
        """The person's own word for a concept when the terminology says it is to be said as
        written (``said_as_written``: "prednisolone", which matching treats as prednisone)."""
        concept = self.concepts.get(concept_id)
        written = (text or "").strip().lower()
        return written if concept is not None and written in concept.attrs.get("said_as_written", ()) else None

    def ancestors(self, concept_id: str) -> frozenset[str]:
        """The concept itself and every concept above it in the is-a hierarchy."""
        cached = self._ancestors.get(concept_id)
        if cached is not None:
            return cached
        seen: set[str] = set()
        stack = [concept_id]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            concept = self.concepts.get(current)
            if concept:
                stack.extend(concept.parents)
        result = frozenset(seen)
        self._ancestors[concept_id] = result
        return result

    def lasting(self, concept_id: str) -> bool:
        """A chronic disease (``lasting``): its own word, else that of any kind it is of (the
        nearest word decides: acute kidney injury is a kidney disease that does not last)."""
        concept = self.concepts.get(concept_id)
        if concept is None:
            return False
        if "lasting" in concept.attrs:
            return bool(concept.attrs["lasting"])
        return any(self.lasting(parent) for parent in concept.parents if parent != concept_id)

    def is_a(self, concept_id: str, ancestor: str) -> bool:
        return ancestor in self.ancestors(concept_id)

    def descendants(self, concept_id: str) -> list[str]:
        """The concept itself and every concept below it (worked out once for all)."""
        if self._descendants is None:
            below: dict[str, list[str]] = {}
            for concept in self.concepts:
                for ancestor in self.ancestors(concept):
                    below.setdefault(ancestor, []).append(concept)
            self._descendants = below
        return list(self._descendants.get(concept_id, ()))

    def to_canonical(self, analyte: str, value: float, unit: str) -> float | None:
        """Convert ``value`` in the normalised ``unit`` to the analyte's canonical unit;
        None when the unit is not one the analyte is measured in."""
        concept = self.concepts.get(analyte)
        if concept is None:
            return None
        factor = concept.attrs.get("units", {}).get(unit)
        return None if factor is None else value * factor

    def canonical_unit(self, analyte: str) -> str | None:
        concept = self.concepts.get(analyte)
        return None if concept is None else concept.attrs.get("canonical_unit")


def _parse_concept(raw: Any, category: str, where: str) -> Concept:
    if not isinstance(raw, dict):
        raise DataError(where, "each concept must be a mapping")
    allowed = _COMMON_KEYS | _EXTRA_KEYS[category]
    check_fields(raw, allowed, where)
    cid = raw.get("id")
    if not isinstance(cid, str) or not cid:
        raise DataError(f"{where}.id", "required: a non-empty concept id")
    for key in ("parents", "terms", "abbreviations", "registry_terms", "zh", "complication_of", "contradicts", "status_of",
                "found_in", "narrower", "said_as_written", "raises"):
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise DataError(f"{where}({cid}).{key}", "must be a list of non-empty strings")
    label = raw.get("label", cid)
    if not isinstance(label, str):
        raise DataError(f"{where}({cid}).label", "must be text")
    if category == "analyte":
        units = raw.get("units")
        if "canonical_unit" not in raw or not isinstance(units, dict) or raw["canonical_unit"] not in units:
            raise DataError(f"{where}({cid}).units", "an analyte needs canonical_unit and a units map that contains it")
        for key in ("bare_units", "whole_units"):
            if not set(raw.get(key) or ()) <= set(units):
                raise DataError(f"{where}({cid}).{key}", "every unit must be one of the analyte's units")
        if raw.get("bare_units") and "typical" not in raw:
            raise DataError(f"{where}({cid}).typical", "bare_units needs a typical [low, high] range")
    if category == "score" and raw.get("worse", "higher") not in ("higher", "lower"):
        raise DataError(f"{where}({cid}).worse", "must be 'higher' or 'lower'")
    terms_lower = {t.lower() for t in raw.get("terms", [])}
    for key in ("narrower", "said_as_written"):
        if any(t.lower() not in terms_lower for t in raw.get(key, [])):
            raise DataError(f"{where}({cid}).{key}", f"every {key} term must be one of the concept's terms")
    attrs = {k: raw[k] for k in _EXTRA_KEYS[category] if k in raw}
    return Concept(
        id=cid,
        category=category,
        label=label,
        parents=tuple(raw.get("parents", [])),
        terms=tuple(raw.get("terms", [])),
        abbreviations=tuple(raw.get("abbreviations", [])),
        zh=tuple(raw.get("zh", [])),
        attrs=attrs,
    )


def read_terminology(directory: Path = TERMINOLOGY_DIR) -> Terminology:
    """Read and validate every terminology file in ``directory``."""
    concepts: list[Concept] = []
    origin: dict[str, str] = {}
    extra_terms: list[tuple[str, tuple[str, ...], str]] = []
    for path in sorted(directory.glob("*.yaml")):
        doc = read_yaml(path)
        if not isinstance(doc, dict) or set(doc) - {"category", "concepts", "more_terms"}:
            raise DataError(f"{path.name}", "a terminology file holds 'category', 'concepts' and 'more_terms' only")
        more = doc.get("more_terms") or {}
        if not isinstance(more, dict) or not all(isinstance(v, list) and v and all(isinstance(t, str) and t for t in v)
                                                 for v in more.values()):
            raise DataError(f"{path.name}.more_terms", "must map a concept id to a non-empty list of terms")
        extra_terms.extend((str(cid), tuple(terms), path.name) for cid, terms in more.items())
        category = doc.get("category")
        if category not in CATEGORIES:
            raise DataError(f"{path.name}.category", f"must be one of {', '.join(CATEGORIES)}, got {category!r}")
        raw_concepts = doc.get("concepts")
        if not isinstance(raw_concepts, list):
            raise DataError(f"{path.name}.concepts", "must be a list")
        for i, raw in enumerate(raw_concepts):
            concept = _parse_concept(raw, category, f"{path.name}: concepts[{i}]")
            if concept.id in origin:
                raise DataError(f"{path.name}: concepts[{i}].id", f"duplicate concept id {concept.id!r} (also in {origin[concept.id]})")
            origin[concept.id] = path.name
            concepts.append(concept)
    concepts = _with_more_terms(concepts, extra_terms)
    terminology = Terminology(concepts)
    for concept in concepts:
        for parent in concept.parents:
            if parent not in terminology:
                raise DataError(f"{origin[concept.id]}: {concept.id}.parents", f"unknown parent concept {parent!r}")
        for disease in (*concept.attrs.get("complication_of", ()), *concept.attrs.get("contradicts", ()),
                        *concept.attrs.get("status_of", ()), *concept.attrs.get("found_in", ()),
                        *concept.attrs.get("implies", ())):
            if disease not in terminology:
                raise DataError(f"{origin[concept.id]}: {concept.id}.complication_of", f"unknown concept {disease!r}")
        for analyte in concept.attrs.get("raises", ()):
            if analyte not in terminology or terminology[analyte].category != "analyte":
                raise DataError(f"{origin[concept.id]}: {concept.id}.raises", f"not an analyte: {analyte!r}")
    return terminology


def _with_more_terms(concepts: list[Concept], extra: list[tuple[str, tuple[str, ...], str]]) -> list[Concept]:
    """The concepts with the terms other files add to them (``more_terms``: names people
    write for a concept defined elsewhere, such as "tacro" for tacrolimus); a term that
    names another concept, or an unknown concept id, is an error."""
    if not extra:
        return concepts
    by_id = {c.id: i for i, c in enumerate(concepts)}
    owner = {t.lower(): c.id for c in concepts for t in c.terms}
    result = list(concepts)
    for cid, terms, where in extra:
        if cid not in by_id:
            raise DataError(f"{where}.more_terms.{cid}", "unknown concept id")
        for term in terms:
            if owner.get(term.lower(), cid) != cid:
                raise DataError(f"{where}.more_terms.{cid}", f"{term!r} is already a term of {owner[term.lower()]!r}")
            owner[term.lower()] = cid
        concept = result[by_id[cid]]
        result[by_id[cid]] = replace(concept, terms=concept.terms + tuple(t for t in terms if t not in concept.terms))
    return result


@lru_cache(maxsize=1)
def load_terminology() -> Terminology:
    """The bundled terminology, read once per process."""
    return read_terminology()
