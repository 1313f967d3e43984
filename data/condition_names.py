"""Condition names -> terminology concept ids (registry condition lists, MeSH terms).

A name becomes a concept id when it is a term (case-insensitive) or an abbreviation
(case-sensitive) of a condition concept in ``data/terminology``; failing that, when it is a
very close spelling of one term (rapidfuzz ``ratio`` >= ``FUZZY_THRESHOLD`` with the short
and numeric tokens identical, so "hepatitis" never becomes "hepatitis b" and "T-cell"
never "B-cell"). Anything else is left unmatched (None): callers keep the name as written.
Used by the importers (``registry``) and by the condition gate (``matching.relevance``).
"""
from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz, process

from data.errors import DataError
from data.files import DATA_DIR, read_yaml
from data.terminology import load_terminology

# fuzz.ratio over lower-cased, punctuation-free names. 92 keeps "crohns diseases" ~
# "crohns disease" (96.6) and "dermatomyosits" ~ "dermatomyositis" (96.6) and rejects
# "systemic sclerosis" ~ "multiple sclerosis" (77) and "lupus nephritis" ~ "lupus" (50).
FUZZY_THRESHOLD = 92.0

_WORD = re.compile(r"[a-z0-9]+")
_PAREN = re.compile(r"\s*\(([^)]*)\)\s*")
# "Any Tumor Type Excluding Breast, Gastric, Colorectal Cancer": what follows such a word
# (to the end of the name, a semicolon or a bracket) is what the trial does not take
_EXCLUDED = re.compile(r"\b(?:excluding|excludes|except(?:\s+for)?|other\s+than|apart\s+from|not\s+including)\b"
                       r"[^;()\[\]]*", re.IGNORECASE)


def without_excluded(text: str) -> str:
    """The text without what it names only to exclude ("... Excluding Breast, Gastric,
    Colorectal Cancer"): those conditions are not the trial's."""
    return _EXCLUDED.sub(" ", text)


def excluded_words(text: str) -> set[str]:
    """The lower-case words a text names only inside an exclusion ("excluding breast,
    gastric, colorectal cancer" -> breast, gastric, colorectal when they appear nowhere
    else): a registry index term made of them is not the trial's."""
    inside = {w for span in _EXCLUDED.findall(text) for w in re.findall(r"[a-z]+", span.lower())}
    return inside - set(re.findall(r"[a-z]+", without_excluded(text).lower()))


def _clean(text: str) -> str:
    return " ".join(_WORD.findall(text.lower().replace("'", "")))


def _short_tokens(text: str) -> set[str]:
    return {t for t in text.split() if len(t) <= 2 or any(ch.isdigit() for ch in t)}


# the root of the disease statuses (data/terminology/disease_status.yaml: relapsed, newly
# diagnosed, in remission, ...): a status of a disease, never a disease a trial is for
DISEASE_STATUS = "disease_status"


def is_disease_status(concept: str, terminology) -> bool:
    """Whether ``concept`` is a disease status (relapsed, refractory, newly diagnosed, ...)."""
    return DISEASE_STATUS in terminology and concept in terminology and terminology.is_a(concept, DISEASE_STATUS)


def condition_like() -> list:
    """The concepts a trial may be for: every condition but a disease status, and the
    infections the terminology marks as a diagnosis (HIV, chronic hepatitis B and C)."""
    terminology = load_terminology()
    return [*(c for c in terminology.by_category("condition") if not is_disease_status(c.id, terminology)),
            *(c for c in terminology.by_category("infection") if c.attrs.get("diagnosis"))]


@lru_cache(maxsize=1)
def _condition_index() -> tuple[dict[str, str], dict[str, str]]:
    """(clean term -> concept id, abbreviation -> concept id) for condition concepts (and
    infections that are a diagnosis)."""
    terms: dict[str, str] = {}
    abbreviations: dict[str, str] = {}
    for concept in condition_like():
        for term in (concept.label, *concept.terms, *concept.attrs.get("registry_terms", ())):
            terms.setdefault(_clean(term), concept.id)
        for abbreviation in concept.abbreviations:
            abbreviations.setdefault(abbreviation, concept.id)
    terms.pop("", None)
    return terms, abbreviations


@lru_cache(maxsize=20_000)
def condition_concept(name: str) -> str | None:
    """The condition concept id a registry condition name stands for, or None (remembered
    like the index it reads: the importer, the planner's gate and the reach ask again for
    the same registry names, each a fuzzy search when the name is not a term)."""
    terms, abbreviations = _condition_index()
    candidates = [name.strip()]
    inner = _PAREN.findall(name)
    if inner:  # "Immune Thrombocytopenia (ITP)": the name without and inside the brackets
        candidates.append(_PAREN.sub(" ", name).strip())
        candidates.extend(part.strip() for part in inner)
    parts = [part.strip() for part in name.split(",")]
    if len(parts) == 2 and all(parts):   # MeSH order: "Lupus Erythematosus, Systemic"
        candidates.append(f"{parts[1]} {parts[0]}")
    found = []
    for candidate in candidates:
        if candidate in abbreviations:
            found.append((abbreviations[candidate], True))
        elif _clean(candidate) in terms:
            found.append((terms[_clean(candidate)], False))
    if found:
        by_term = [concept for concept, abbreviation in found if not abbreviation]
        if inner and not by_term and len(candidates) > 2:
            # "UC (Ureter and Urethera)": the words beside an abbreviation spell something
            # else, so the abbreviation is not the condition's
            return None
        return (by_term or [found[0][0]])[0]
    clean = _clean(candidates[1] if inner else name)
    if len(clean) < 5:
        return None
    best = process.extractOne(clean, terms.keys(), scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD)
    if best and _short_tokens(best[0]) == _short_tokens(clean) and symbols_agree(name, best[0]):
        return terms[best[0]]
    return None


def condition_concepts(names: list[str]) -> list[str]:
    """Concept ids for the names that match one, in order, without duplicates."""
    result: list[str] = []
    for name in names:
        concept = condition_concept(name)
        if concept and concept not in result:
            result.append(concept)
    return result


@lru_cache(maxsize=1)
def _phrases() -> list[tuple[str, str]]:
    """(clean term, concept id) of every condition term of five letters or more, longest
    first (the longest phrase inside a name is the most specific)."""
    terms, _abbreviations = _condition_index()
    return sorted(((t, c) for t, c in terms.items() if len(t) >= 5), key=lambda tc: -len(tc[0]))


@lru_cache(maxsize=1)
def _phrases_by_word() -> dict[str, list[tuple[int, frozenset[str]]]]:
    """Each word of the ``_phrases`` -> (place in ``_phrases``, the phrase's words) of every
    phrase holding it."""
    index: dict[str, list[tuple[int, frozenset[str]]]] = {}
    for place, (term, _concept) in enumerate(_phrases()):
        words = frozenset(term.split())
        for word in words:
            index.setdefault(word, []).append((place, words))
    return index


def _phrases_among(words: frozenset[str]) -> list[tuple[str, str]]:
    """The ``_phrases`` all of whose words are among ``words``, in ``_phrases`` order: the
    only ones that can stand inside a text of those words as whole words (a name holds a
    handful of the terminology's thousands of terms; testing each against it was 2 ms)."""
    index, phrases = _phrases_by_word(), _phrases()
    places = {place for word in words for place, needed in index.get(word, ()) if needed <= words}
    return [phrases[place] for place in sorted(places)]


@lru_cache(maxsize=20_000)
def concepts_within(name: str) -> tuple[str, ...]:
    """The condition concepts whose terms stand inside a name the terminology does not know
    as a whole, as whole words ("Hematologic Cancer" -> malignancy, "Solid Tumor, Adult" ->
    malignancy): what kind of condition the name is, at worst a broader one. Each stretch of
    words counts once, for its longest term; what the name excludes ("... Excluding Breast,
    Gastric, Colorectal Cancer") is not inside it."""
    text = f" {_clean(without_excluded(name))} "
    found: list[str] = []
    for term, concept in _phrases_among(frozenset(text.split())):
        padded = f" {term} "
        if padded in text:
            text = text.replace(padded, " | ")
            if concept not in found:
                found.append(concept)
    return tuple(found)


# Condition-match strengths of the relevance gate (``matching.relevance``), best first: the
# trial's own concept; a broader or narrower one, or one the registry
# files the trial under; a concept one of whose names spells a registry name the
# terminology does not know as a whole.
EXACT_FIT, RELATED_FIT, NAME_FIT = 3, 2, 1
# the ranking's grade between them (never the gate's: it reads any strength as a fit): a
# trial for a subtype of the patient's disease, or for the disease the patient's subtype
# belongs to (leukaemia for CML, ALL for T-ALL), before an umbrella trial (``umbrella``:
# "Advanced Cancers", "Hematologic Malignancies", "Solid Tumor") that is related as well
SUBTYPE_FIT = 2.5
# below it, above an umbrella: a trial for one kind of the patient's disease (a T-ALL trial for
# an "ALL"): the patient may be of another kind, which the patient's own disease's class is not
KIND_FIT = 2.25
# below an umbrella trial for the main disease: a trial for a comorbidity named beside it
# (hypertension beside RA; asthma in the past history of a T-ALL letter): the referral is
# about the main disease, whose umbrella trials ("Advanced Cancers") tied with the asthma ones
COMORBIDITY_FIT = 1.75
# a trial for the patient's disease in another setting (``matching.status_trials``:
# "Castration-Sensitive" or "Reduce The Incidence Of Prostate Cancer") when the patient's is past
# the standard treatment (a castration-resistant prostate cancer): after the umbrella trials for
# cancers that failed it ("Advanced Cancers" baskets), before a comorbidity's (h157, round 33:
# the prevention and localised-disease trials ranked above the solid-tumour baskets for mCRPC)
SETTING_FIT = 1.9
# taken off the fit of a study offering the patient no treatment (``matching.untreating``:
# observational, or samples and tests only): after the trials fitting equally, before any of
# the next grade (the grades above stay at least 0.25 apart)
UNTREATING_STEP = 0.125
NAME_THRESHOLD = 90.0                            # rapidfuzz token_set_ratio for unknown names


def umbrella(concept: str, terminology) -> bool:
    """A class that covers diseases of many kinds rather than one disease: a top class of the
    terminology (no parent: malignancy, autoimmune disease, metabolic disease) or a branch
    of a split top class (``kind_splits``: solid tumour, haematological malignancy). A trial
    for it ("Advanced Cancers") is a covered patient's, as a related one; it is never ruled
    out for them, but it ranks after a trial for their own disease or a subtype of it."""
    found = terminology.get(concept)
    if found is None:
        return False
    if not found.parents:
        return True
    return concept in kind_splits() or any(concept in branches for branches in kind_splits().values())


def graded_fit(strength: int, concept: str, conditions, terminology) -> float:
    """The ranking's grade of a related fit (``RELATED_FIT``) of the patient's ``concept``
    for a trial listing ``conditions``: ``SUBTYPE_FIT`` when the patient's disease is a kind
    of a listed condition that is no ``umbrella`` (a leukaemia trial for CML: surely theirs),
    ``KIND_FIT`` when a listed one is a kind of the patient's (a T-ALL trial for an "ALL":
    theirs if they have that kind), otherwise as it is (only an umbrella relates them:
    "Advanced Cancers" for CML). Every other strength is as it is."""
    if strength != RELATED_FIT or concept not in terminology or umbrella(concept, terminology):
        return strength
    best = strength
    for other in conditions:
        grade = _pair_grade(concept, other, terminology)
        if grade == SUBTYPE_FIT:
            return SUBTYPE_FIT
        if grade == KIND_FIT:
            best = KIND_FIT
    return best


# ``_pair_grade`` by (patient concept, listed condition, terminology): a new diagnosis grades
# every candidate list (15,700 at 100,000 trials), whose conditions are few hundred distinct
_PAIRS: dict[tuple, tuple[object, float | None]] = {}


def _pair_grade(concept: str, other: str, terminology) -> float | None:
    """What one listed condition ``other`` says of a related fit of the patient's known,
    non-umbrella ``concept`` (``graded_fit``): ``SUBTYPE_FIT`` (the patient's disease is a kind
    of it, no umbrella), ``KIND_FIT`` (it is a kind of the patient's) or None; remembered."""
    key = (concept, other, id(terminology))
    found = _PAIRS.get(key)
    if found is not None and found[0] is terminology:
        return found[1]
    grade = None
    if other != concept and other in terminology and not umbrella(other, terminology):
        if kind_of(concept, other, terminology):
            grade = SUBTYPE_FIT
        elif kind_of(other, concept, terminology):
            grade = KIND_FIT
    if len(_PAIRS) >= 200_000:
        _PAIRS.clear()
    _PAIRS[key] = (terminology, grade)
    return grade


def unmapped_names(texts: tuple[str, ...]) -> tuple[str, ...]:
    """The registry names no condition concept stands for (the others are judged by their
    concepts, as the record lists them)."""
    return tuple(t for t in texts if condition_concept(t) is None)


@lru_cache(maxsize=1)
def _condition_names() -> tuple[list[str], list[str]]:
    """(lower-case name, concept id) lists of every condition concept's label and terms."""
    names, concepts = [], []
    for concept in condition_like():
        for name in dict.fromkeys(n.lower() for n in (concept.label, *concept.terms)):
            names.append(name)
            concepts.append(concept.id)
    return names, concepts


@lru_cache(maxsize=20_000)
def concepts_named(name: str) -> tuple[str, ...]:
    """The condition concepts one of whose names spells a registry name the terminology
    does not know (rapidfuzz ``token_set_ratio`` >= ``NAME_THRESHOLD``)."""
    names, concepts = _condition_names()
    found = process.extract(name.lower(), names, scorer=fuzz.token_set_ratio, score_cutoff=NAME_THRESHOLD,
                            limit=None)
    return tuple(dict.fromkeys(concepts[i] for own, _score, i in found if symbols_agree(name, own)))


_SYMBOL = re.compile(r"(?<![\w-])(?=[A-Z0-9]*[A-Z])[A-Z][A-Z0-9]{2,}(?![\w-])")


def symbols_agree(name: str, own: str) -> bool:
    """A gene or marker symbol a registry name spells in capitals ("BRAF Gene Mutation",
    "KRAS G12D", "NRAS") is in the other name too: one letter apart, "BRAF Gene Mutation"
    spelt "BRCA gene mutation" closely enough for a name fit (token_set_ratio 94), and a BRCA
    carrier was a BRAF basket's patient (h104, round 22). A name that only adds words to
    the other's keeps its fit."""
    words = set(re.findall(r"[a-z0-9]+", own.lower()))
    if words <= set(re.findall(r"[a-z0-9]+", name.lower())):
        return True          # the name only adds words ("NHL (Non-Hodgkin Lymphoma)")
    return all(symbol.lower() in words for symbol in _SYMBOL.findall(name))


def condition_reach(concepts: tuple[str, ...], within: tuple[str, ...] = (),
                    texts: tuple[str, ...] = (), filed: tuple[str, ...] = ()) -> dict[str, int]:
    """Every known concept a patient's stated condition may be for a trial listing these
    conditions to be theirs, with its strength: the trial's concepts (exact); their broader
    and narrower concepts, the concepts the registry files the trial's
    conditions under (``within``, MeSH) and those above them, and the concepts inside names
    the terminology does not know as a whole ("Hematologic Cancer": a malignancy) with
    theirs (related); for a complication (``complication_of``: diabetic foot) every kind of
    the disease it complicates (related); concepts one of whose names spells such a name, and
    the other subtypes of an overlapping family (``overlapping_families``: polymyositis for a
    dermatomyositis trial) (name). The relevance
    gate and the pruning index (``data.store``) both read it, so they never disagree.
    ``filed``: those of ``texts`` that are the registry's index terms (MeSH), not the sponsor's."""
    terminology = load_terminology()
    reach: dict[str, int] = {}

    def related(concept: str, both_ways: bool, strength: int = RELATED_FIT) -> None:
        if concept not in terminology:
            return
        around = set(terminology.ancestors(concept))
        if both_ways:
            around.update(terminology.descendants(concept))
        for other in around:
            # a kind of the trial's condition only by the organ it involves (lupus nephritis
            # for a chronic kidney disease trial): the patient's, weakly
            reach.setdefault(other, NAME_FIT if other != concept and _through_organ_only(other, concept, terminology)
                             else strength)

    names: dict[str, list[str]] = {}            # concept -> the registry names standing for it
    for text in texts:
        mapped = condition_concept(text)
        if mapped is not None:
            names.setdefault(mapped, []).append(text)
    unmapped = unmapped_names(texts)
    inside_names = [(inside, name) for name in unmapped for inside in concepts_within(name)]
    listed = set(concepts) | {inside for inside, _name in inside_names}
    for concept in concepts:
        reach[concept] = EXACT_FIT
    for concept in concepts:
        related(concept, both_ways=not _category(concept, _names_for(concept, names), listed, filed))
    for concept in listed:             # a complication (diabetic foot): any kind of its disease
        found = terminology.get(concept)
        for disease in (found.attrs.get("complication_of", ()) if found is not None else ()):
            # of a whole kind patients come about (cancer anorexia-cachexia: any cancer), by
            # name only: the trial stays open to every cancer patient but never comes before a
            # trial for their own cancer (an AML persona was offered the cachexia trial first)
            broad = terminology.get(disease) is not None and terminology[disease].attrs.get("main_kind")
            for other in terminology.descendants(disease):
                reach.setdefault(other, NAME_FIT if broad else RELATED_FIT)
    known = [c for c in listed if c in terminology]
    for parent in within:
        # the registry's headings say what kind of disease a trial the terminology cannot
        # name is; beside a named condition, a heading not above it is another view of
        # the disease (MeSH files oesophageal cancer under head and neck cancer, a
        # multiple sclerosis study under neoplasms) and files no one else's trial here
        if known and not any(terminology.is_a(c, parent) for c in known):
            continue
        # a trial none of whose own names the terminology knows: a heading no name of it
        # says anything of keeps it open, weakly (MeSH files a dental "Periapical Granuloma"
        # under "Lymphoproliferative Disorders": no lymphoma trial, but no one's to rule out)
        related(parent, both_ways=False, strength=RELATED_FIT if known or _said(parent, texts) else NAME_FIT)
    for family in overlapping_families():     # a polymyositis patient keeps a dermatomyositis trial, weakly
        if any(concept != family and concept in terminology and terminology.is_a(concept, family)
               for concept in concepts):
            for other in terminology.descendants(family):
                reach.setdefault(other, NAME_FIT)
    for syndrome, overlapped in overlap_syndromes():    # an MCTD patient keeps a lupus or a myositis trial, weakly
        if any(c in terminology and terminology.is_a(c, disease) for c in concepts for disease in overlapped):
            reach.setdefault(syndrome, NAME_FIT)
    for inside, name in inside_names:
        if _kind_of_listed(inside, name, listed):    # "Glottis Tumor" beside larynx cancer: not every tumour
            related(inside, both_ways=False)
            continue
        if _stage_of_listed(inside, name, listed):   # "Advanced Cancer" beside lymphomas and solid tumours
            related(inside, both_ways=False)
            continue
        kind = _alteration_kind(inside, name, listed)
        if kind is not None:                        # "BRAF Mutation-Related Tumors" beside lung and thyroid cancer
            reach.setdefault(kind, RELATED_FIT)
            related(kind, both_ways=True)
            related(inside, both_ways=False)
            continue
        branch = _branch(inside, listed)
        if branch is not None:               # "GI Cancers" beside gastric cancer: solid tumours
            reach.setdefault(branch, RELATED_FIT)
            related(branch, both_ways=True)
        related(inside, both_ways=branch is None and not _category(inside, (name,), listed, filed))
    for name in unmapped:
        for concept in concepts_named(name):
            reach.setdefault(concept, NAME_FIT)
    return reach


def _alteration_kind(inside: str, name: str, listed: set[str]) -> str | None:
    """The kind of tumour an unknown registry name of a molecular alteration and a top class
    ("BRAF Mutation-Related Tumors", "KRAS Mutation-Related Tumors") stands for beside the
    basket's other conditions: the one branch of the class (``kind_splits``: solid tumours)
    its other listed conditions lie in (lung, colorectal, thyroid cancer; a condition under
    no branch, histiocytic neoplasms, counts for itself). The name says which alteration the
    tumours carry: any tumour of that kind may carry it (a bowel cancer patient is asked),
    a disease of the other branch is no more the trial's (a myeloma or an MDS patient passed
    the solid-tumour RAS/MAPK basket through it). None when the name names no alteration,
    nothing else is listed, or the others lie in both branches: it reaches as before."""
    branches = kind_splits().get(inside)
    if not branches or not alteration_words().search(name):
        return None
    terminology = load_terminology()
    found = {b for c in listed if c != inside and c in terminology for b in branches if terminology.is_a(c, b)}
    return next(iter(found)) if len(found) == 1 else None


_LIST = re.compile(r"[,;/&+]|\b(?:and|or|vs|versus)\b", re.IGNORECASE)
_NAME_WORD = re.compile(r"[A-Za-z0-9]+")


def _kind_of_listed(inside: str, name: str, listed: set[str]) -> bool:
    """An unknown registry name with a top class of disease inside (``kind_splits``: cancer,
    solid tumour, blood cancer) that names one kind of it beside a listed condition of that
    class ("Glottis Tumor" beside larynx cancer, "Peritoneal Carcinoma" beside ovarian
    cancer): the class in the singular, a word besides the class's own, the
    ``class_qualifiers`` (data/evidence.yaml) and biomarkers, and no list of several. It files
    the trial under the class; the trial is for its listed conditions, not every disease of
    the class. Alone, in the plural ("Pelvic Cancers") or a list ("Bladder, Biliary Tract,
    ... Any Tumor Type"), it reaches as before."""
    terminology = load_terminology()
    found = terminology.get(inside)
    splits = kind_splits()
    if (found is None or not (inside in splits or any(inside in branches for branches in splits.values()))
            or not any(c != inside and c in terminology and terminology.is_a(c, inside) for c in listed)):
        return False
    own = without_excluded(name)
    words = _NAME_WORD.findall(own)
    if _LIST.search(own) or any(w.lower() in _PLURAL_CLASS for w in words):    # "Pelvic Cancers": a group
        return False
    class_words = {w for term in (found.label, *found.terms) for w in _WORD.findall(term.lower())}
    skip = class_qualifiers() | class_words
    return any(w.lower() not in skip for w in words if not _marker_word(w))


def _stage_of_listed(inside: str, name: str, listed: set[str]) -> bool:
    """An unknown registry name that is a top class of disease (``kind_splits``: cancer)
    with nothing but the ``class_qualifiers`` besides ("Advanced Cancer", "Metastatic
    Cancer"), in the singular and no list, beside listed kinds of that class ("Solid Tumor",
    "Hodgkin's Lymphoma", "NHL"): it says how advanced the listed diseases are, not another
    disease of the trial's, so it reaches a patient who names the class, not every disease
    below it (a CML or myeloma patient passed the JAK-inhibitor basket for solid tumours
    and lymphomas through it). Alone, in the plural ("Advanced Cancers": a group) or beside
    nothing of the class, it reaches as before."""
    terminology = load_terminology()
    found = terminology.get(inside)
    if found is None or inside not in kind_splits() or not any(
            c != inside and c in terminology and terminology.is_a(c, inside) for c in listed):
        return False
    own = without_excluded(name)
    words = [w.lower() for w in _NAME_WORD.findall(own)]
    if not words or _LIST.search(own) or any(w in _PLURAL_CLASS for w in words):
        return False
    class_words = {w for term in (found.label, *found.terms) for w in _WORD.findall(term.lower())}
    return all(w in class_qualifiers() or w in class_words for w in words) and any(w in class_words for w in words)


# a class named in the plural ("Pelvic Cancers", "Rare Tumors") is a group of diseases
_PLURAL_CLASS = frozenset({"tumors", "tumours", "cancers", "neoplasms", "carcinomas", "malignancies", "neoplasias"})


def _marker_word(word: str) -> bool:
    """A biomarker's or gene's name ("KRAS", "HER2", "ctDNA"): capitals after the first
    letter, or a digit; it says which patients, not which disease."""
    return any(ch.isdigit() for ch in word) or any(ch.isupper() for ch in word[1:])


@lru_cache(maxsize=1)
def _evidence() -> dict:
    """data/evidence.yaml, read once for every list of it below (each list read the file
    on its own before, 10-15 ms each, in the first turn that showed a trial's criteria)."""
    doc = read_yaml(DATA_DIR / "evidence.yaml")
    return doc if isinstance(doc, dict) else {}


@lru_cache(maxsize=1)
def class_qualifiers() -> frozenset[str]:
    """``class_qualifiers`` of data/evidence.yaml, checked: lower-case single words."""
    raw = _evidence().get("class_qualifiers") or []
    if not isinstance(raw, list) or not all(isinstance(w, str) and w and " " not in w for w in raw):
        raise DataError("evidence.yaml.class_qualifiers", "must be a list of single words")
    return frozenset(w.lower() for w in raw)


def _names_for(concept: str, names: dict[str, list[str]]) -> list[str]:
    """The registry names standing for a listed concept; for one no name stands for, those
    of a broader concept it was narrowed from (``narrowed_by_title``: "Neoplasm Metastasis"
    on a lung cancer trial became solid tumour), so a heading the sponsor copied stays a
    heading."""
    if names.get(concept):
        return names[concept]
    terminology = load_terminology()
    if concept not in terminology:
        return []
    return [name for other, found in names.items() if other != concept and other in terminology
            and terminology.is_a(concept, other) and other in kind_splits() for name in found]


def _category(concept: str, names: tuple[str, ...] | list[str], listed: set[str],
              filed: tuple[str, ...] = ()) -> bool:
    """A listed condition that only files the trial under a heading: every registry name
    for it is a plural category heading ("Autoimmune Diseases", "Connective Tissue
    Diseases": ``category_heads`` in data/evidence.yaml) or an index term the registry
    added (``filed``: MeSH "Neoplasm Metastasis", "Carcinoma" on a breast cancer trial), and
    the trial lists a more specific condition under it ("Scleroderma, Diffuse", "Breast
    Cancer"). It reaches a patient who names it (or a broader one), not every disease below
    it; so does a registry index heading the sponsor copied ("Neoplasm Metastasis" beside
    "Carcinoma, Non-Small-Cell Lung"). Alone ("Autoimmune Diseases" only, a basket trial), or
    named in the sponsor's own words ("Solid Tumor" beside "Pancreatic Cancer"), it reaches
    them all."""
    terminology = load_terminology()
    heads = category_heads()
    if not names or concept not in terminology or not all(
            _last_word(n) in heads or n in filed or _index_heading(terminology.get(condition_concept(n) or concept), n)
            for n in names):
        return False
    below = set(terminology.descendants(concept))
    return any(other != concept and other in below for other in listed)


def _branch(concept: str, listed: set[str]) -> str | None:
    """The one branch of a split top class (``kind_splits``, data/evidence.yaml) under which
    every other listed condition lies, or None (not a split class, nothing else listed, or
    conditions in several branches or none)."""
    branches = kind_splits().get(concept)
    if not branches:
        return None
    terminology = load_terminology()
    others = [c for c in listed if c != concept and c in terminology]
    found = {b for c in others for b in branches if terminology.is_a(c, b)}
    if not others or len(found) != 1 or any(not any(terminology.is_a(c, b) for b in branches) for c in others):
        return None
    return next(iter(found))


def narrowed_by_title(concepts: list[str], titles: list[str]) -> list[str]:
    """A trial's condition concepts with a split top class ("Malignant Neoplasm") narrowed
    to one of its branches when everything else the trial names lies under that branch: its
    other listed conditions (the registry's index terms: pancreatic, colorectal, lung cancer)
    and the kinds of disease its own title names ("… With Advanced Solid Tumors Harboring
    KRAS G12D"): solid tumours, not every cancer. Otherwise the concepts as they are."""
    splits = kind_splits()
    tops = [c for c in concepts if c in splits]
    if not tops:
        return concepts
    terminology = load_terminology()
    others = [c for c in concepts if c not in splits]
    named = others + [c for title in titles if title for c in concepts_within(title)
                      if c in terminology and c not in splits]
    branches = {b for c in named for top in tops for b in splits[top] if terminology.is_a(c, b)}
    if named and len(branches) == 1 and all(any(terminology.is_a(c, b) for b in branches) for c in named):
        branch = next(iter(branches))
        return list(dict.fromkeys([branch if c in splits else c for c in concepts]))
    return concepts


@lru_cache(maxsize=1)
def kind_splits() -> dict[str, tuple[str, ...]]:
    """``kind_splits`` of data/evidence.yaml, checked: top class -> its branches."""
    raw = _evidence().get("kind_splits") or {}
    terminology = load_terminology()
    if not isinstance(raw, dict) or not all(isinstance(v, list) and v for v in raw.values()):
        raise DataError("evidence.yaml.kind_splits", "must map a concept to a list of its branches")
    for top, branches in raw.items():
        for branch in branches:
            if top not in terminology or branch not in terminology or not terminology.is_a(branch, top):
                raise DataError("evidence.yaml.kind_splits", f"{branch!r} is not a concept under {top!r}")
    return {top: tuple(branches) for top, branches in raw.items()}


def _index_heading(concept, name: str) -> bool:
    """The name is one of the registry index headings the terminology lists for the concept
    (``registry_terms``: "Neoplasm Metastasis") and none of its own terms: a sponsor who
    copies the heading beside "Carcinoma, Non-Small-Cell Lung" files the trial with it."""
    clean = _clean(name)
    own = {_clean(t) for t in (concept.label, *concept.terms)}
    return clean not in own and clean in {_clean(t) for t in concept.attrs.get("registry_terms", ())}


def _last_word(name: str) -> str:
    words = re.findall(r"[^\W\d_]+", name.casefold())
    return words[-1] if words else ""


@lru_cache(maxsize=1)
def category_heads() -> frozenset[str]:
    """``category_heads`` of data/evidence.yaml, checked: last words of registry names that
    are category headings."""
    heads = _evidence().get("category_heads") or []
    if not isinstance(heads, list) or not all(isinstance(h, str) and h.strip() and " " not in h.strip() for h in heads):
        raise DataError("evidence.yaml.category_heads", "must be a list of single words")
    return frozenset(h.strip().casefold() for h in heads)


@lru_cache(maxsize=1)
def stratum_label() -> "re.Pattern[str]":
    """``stratum_label`` of data/evidence.yaml, compiled (case-insensitive): how a criterion
    naming one risk stratum begins (``data.rule_nodes.as_planned``)."""
    raw = _evidence().get("stratum_label")
    if not isinstance(raw, str) or not raw:
        raise DataError("evidence.yaml.stratum_label", "must be a regular expression")
    try:
        return re.compile(raw, re.IGNORECASE)
    except re.error as error:
        raise DataError("evidence.yaml.stratum_label", f"not a regular expression: {error}") from None


@lru_cache(maxsize=1)
def overlapping_families() -> tuple[str, ...]:
    """``overlapping_families`` of data/evidence.yaml, checked: condition ids whose subtypes
    overlap (a trial for one subtype reaches the others, weakly)."""
    raw = _evidence().get("overlapping_families") or []
    terminology = load_terminology()
    if not isinstance(raw, list) or not all(isinstance(c, str) and c in terminology for c in raw):
        raise DataError("evidence.yaml.overlapping_families", "must be a list of condition concept ids")
    return tuple(raw)


@lru_cache(maxsize=1)
def overlap_syndromes() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``overlap_syndromes`` of data/evidence.yaml, checked: (syndrome id, the condition ids
    it overlaps): a trial for one of them reaches a patient with the syndrome, weakly."""
    raw = _evidence().get("overlap_syndromes") or {}
    terminology = load_terminology()
    if not isinstance(raw, dict) or not all(
            isinstance(k, str) and k in terminology and isinstance(v, list) and v
            and all(isinstance(c, str) and c in terminology for c in v) for k, v in raw.items()):
        raise DataError("evidence.yaml.overlap_syndromes", "must map a condition id to a list of condition ids")
    return tuple((k, tuple(v)) for k, v in raw.items())


@lru_cache(maxsize=1)
def organ_parents() -> dict[str, frozenset[str]]:
    """``organ_parents`` of data/evidence.yaml, checked: condition id -> the parents that
    name the organ the disease involves rather than its kind (lupus nephritis: a kidney
    disease, but lupus)."""
    raw = _evidence().get("organ_parents") or {}
    terminology = load_terminology()
    if not isinstance(raw, dict) or not all(
            isinstance(k, str) and k in terminology and isinstance(v, list) and v
            and all(isinstance(c, str) and c in terminology[k].parents for c in v) for k, v in raw.items()):
        raise DataError("evidence.yaml.organ_parents", "must map a condition id to a list of its parents")
    return {k: frozenset(v) for k, v in raw.items()}


def kind_of(concept: str, target: str, terminology) -> bool:
    """``concept`` is ``target`` or a kind of it other than by the organ it involves
    (``organ_parents``): lupus nephritis is a kind of lupus; it names no chronic kidney
    disease, so a patient stating both keeps the kidney disease."""
    return concept == target or (terminology.is_a(concept, target)
                                 and not _through_organ_only(concept, target, terminology))


def _said(parent: str, texts: tuple[str, ...]) -> bool:
    """One of a trial's own condition names says something of the kind ``parent``: names a
    concept of it, above it or below it ("Hematopoietic System--Cancer": a malignancy)."""
    terminology = load_terminology()
    for text in texts:
        for found in (condition_concept(text), *concepts_within(text)):
            if found is not None and found in terminology and parent in terminology and (
                    found == parent or terminology.is_a(found, parent) or terminology.is_a(parent, found)):
                return True
    return False


def _through_organ_only(concept: str, target: str, terminology) -> bool:
    """``concept`` is a kind of ``target`` only through a parent naming the organ it involves
    (``organ_parents``): lupus nephritis and a chronic kidney disease trial."""
    for below in terminology.ancestors(concept):
        organs = organ_parents().get(below)
        if not organs or below == target:
            continue
        kinds = [p for p in terminology[below].parents if p not in organs]
        if any(p == target or terminology.is_a(p, target) for p in kinds):
            return False
        if any(p == target or terminology.is_a(p, target) for p in organs):
            return True
    return False


@lru_cache(maxsize=1)
def implied_conditions() -> tuple[tuple[str, float | None, float | None, str], ...]:
    """``implied_conditions`` of data/evidence.yaml, checked: (analyte id, lowest value or
    None, highest value or None, condition id) of measured values that are a diagnosis
    ("BMI 33": obesity; "eGFR 40": chronic kidney disease). Each row has ``min`` or ``max``."""
    rows = _evidence().get("implied_conditions") or []
    terminology = load_terminology()
    found = []
    for i, row in enumerate(rows if isinstance(rows, list) else [None]):
        where = f"evidence.yaml.implied_conditions[{i}]"
        if not isinstance(row, dict) or set(row) not in ({"analyte", "min", "concept"}, {"analyte", "max", "concept"}):
            raise DataError(where, "each entry needs analyte, min or max, and concept")
        bound = row.get("min", row.get("max"))
        if row["analyte"] not in terminology or row["concept"] not in terminology \
                or not isinstance(bound, (int, float)):
            raise DataError(where, "analyte and concept must be terminology ids, min or max a number")
        found.append((row["analyte"], float(row["min"]) if "min" in row else None,
                      float(row["max"]) if "max" in row else None, row["concept"]))
    return tuple(found)


def _implied(section: str, field: str, category: str) -> tuple[tuple[str, str], ...]:
    """(member id, condition id) pairs of an ``implied_by_*`` section of data/evidence.yaml,
    checked: each entry a list of ``field`` ids of the terminology ``category`` and a concept."""
    rows = _evidence().get(section) or []
    terminology = load_terminology()
    found = []
    for i, row in enumerate(rows if isinstance(rows, list) else [None]):
        where = f"evidence.yaml.{section}[{i}]"
        if not isinstance(row, dict) or set(row) != {field, "concept"} or not isinstance(row[field], list):
            raise DataError(where, f"each entry needs a list of {field} and a concept")
        if row["concept"] not in terminology or not all(
                m in terminology and terminology[m].category == category for m in row[field]):
            raise DataError(where, f"{field} must be {category} ids and concept a terminology id")
        found.extend((member, row["concept"]) for member in row[field])
    return tuple(found)


@lru_cache(maxsize=1)
def implied_by_therapy() -> tuple[tuple[str, str], ...]:
    """``implied_by_therapy``: (therapy id, condition id) of medicines taken (nearly) only for
    one condition ("amlodipine": hypertension); a therapy class stands for every agent under it."""
    return _implied("implied_by_therapy", "therapies", "therapy")


@lru_cache(maxsize=1)
def also_taken_for() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``also_taken_for``: (therapy id, the condition ids it is also given for) of medicines
    of ``implied_by_therapy`` with other uses (an SGLT2 inhibitor: heart failure, kidney
    disease; h172, round 36)."""
    rows = _evidence().get("also_taken_for") or []
    terminology = load_terminology()
    found = []
    for i, row in enumerate(rows if isinstance(rows, list) else [None]):
        where = f"evidence.yaml.also_taken_for[{i}]"
        if not isinstance(row, dict) or set(row) != {"therapies", "conditions"} or not all(
                isinstance(row[k], list) and row[k] for k in row):
            raise DataError(where, "each entry needs a list of therapies and a list of conditions")
        if not all(m in terminology and terminology[m].category == "therapy" for m in row["therapies"]) or not all(
                c in terminology and terminology[c].category == "condition" for c in row["conditions"]):
            raise DataError(where, "therapies must be therapy ids and conditions condition ids")
        found.extend((member, tuple(row["conditions"])) for member in row["therapies"])
    return tuple(found)


@lru_cache(maxsize=1)
def implied_by_marker() -> tuple[tuple[str, str], ...]:
    """``implied_by_marker``: (biomarker id, condition id) of antibodies found (nearly) only in
    one disease ("anti-Jo-1": an inflammatory myopathy)."""
    return _implied("implied_by_marker", "markers", "biomarker")


@lru_cache(maxsize=1)
def implied_by_finding() -> tuple[tuple[str, str], ...]:
    """``implied_by_finding``: (finding condition id, condition id) of findings that are by
    definition a sign of a disease ("proteinuria": kidney disease)."""
    return _implied("implied_by_finding", "findings", "condition")


@lru_cache(maxsize=1)
def trial_settings() -> tuple[tuple[str, tuple[str, ...], str], ...]:
    """``trial_settings`` of data/evidence.yaml, checked: ``(setting, title phrases, the
    patient's setting it contradicts)`` (ranking only, matching.status_trials)."""
    rows = _evidence().get("trial_settings") or []
    found = []
    for row in rows if isinstance(rows, list) else [None]:
        if (not isinstance(row, dict) or row.get("against") not in _PATIENT_SETTINGS
                or not isinstance(row.get("names"), list) or not all(isinstance(n, str) and n.strip() for n in row["names"])):
            raise DataError("evidence.yaml.trial_settings", f"each row needs names (phrases) and against "
                            f"({', '.join(_PATIENT_SETTINGS)}): {row!r}")
        found.append((str(row.get("setting") or ""), tuple(row["names"]), row["against"]))
    return tuple(found)


@lru_cache(maxsize=1)
def trial_setting_own() -> dict[str, tuple[str, ...]]:
    """``trial_setting_own`` of data/evidence.yaml: per patient setting, the title phrases
    naming it (a trial naming the patient's own setting keeps its place)."""
    raw = _evidence().get("trial_setting_own") or {}
    if not isinstance(raw, dict) or not set(raw) <= set(_PATIENT_SETTINGS) or not all(
            isinstance(v, list) and all(isinstance(n, str) and n.strip() for n in v) for v in raw.values()):
        raise DataError("evidence.yaml.trial_setting_own", f"must map {'/'.join(_PATIENT_SETTINGS)} to phrases")
    return {k: tuple(v) for k, v in raw.items()}


@lru_cache(maxsize=1)
def trial_setting_not_own() -> tuple[str, ...]:
    """``trial_setting_not_own`` of data/evidence.yaml: words that, right before a phrase of
    ``trial_setting_own``, make it the other setting ("Non-metastatic" names no metastatic
    disease; h137, round 29)."""
    raw = _evidence().get("trial_setting_not_own") or []
    if not isinstance(raw, list) or not all(isinstance(r, str) and r.strip() for r in raw):
        raise DataError("evidence.yaml.trial_setting_not_own", "must be a list of words")
    return tuple(raw)


@lru_cache(maxsize=1)
def cancer_therapy_classes() -> tuple[str, ...]:
    """``cancer_therapy_classes`` of data/evidence.yaml: therapy ids whose kinds treat a cancer."""
    raw = _evidence().get("cancer_therapy_classes") or []
    if not isinstance(raw, list) or not all(isinstance(r, str) and r.strip() for r in raw):
        raise DataError("evidence.yaml.cancer_therapy_classes", "must be a list of therapy ids")
    return tuple(raw)


_PATIENT_SETTINGS = ("treated", "untreated", "metastatic", "castration_resistant", "resected", "irradiated")


@lru_cache(maxsize=1)
def cancer_operations() -> dict[str, tuple[str, ...]]:
    """``cancer_operations`` of data/evidence.yaml: per operation (a procedure id), the cancers
    it removes (the patient setting ``resected``; h162, round 34)."""
    raw = _evidence().get("cancer_operations") or {}
    if not isinstance(raw, dict) or not all(isinstance(k, str) and isinstance(v, list) and v and all(
            isinstance(c, str) and c.strip() for c in v) for k, v in raw.items()):
        raise DataError("evidence.yaml.cancer_operations", "must map a procedure id to the condition ids it removes")
    return {k: tuple(v) for k, v in raw.items()}


@lru_cache(maxsize=1)
def deniable_conditions() -> tuple[str, ...]:
    """``deniable_conditions`` of data/evidence.yaml: conditions a person's "no ..." rules a
    trial only for them out (matching.relevance ``denied_complications``; h167, round 35)."""
    raw = _evidence().get("deniable_conditions") or []
    if not isinstance(raw, list) or not all(isinstance(r, str) and r.strip() for r in raw):
        raise DataError("evidence.yaml.deniable_conditions", "must be a list of condition ids")
    return tuple(raw)


@lru_cache(maxsize=1)
def normal_measures() -> dict[str, tuple[tuple[str, float], ...]]:
    """``normal_measures`` of data/evidence.yaml: per deniable condition, the measurements
    (analyte, limit) that, all stated and all below their limits, deny it ("BP 118/74": no
    hypertension; matching.relevance ``denied_complications``; h172, round 36)."""
    raw = _evidence().get("normal_measures") or {}
    problem = "must map a condition id to a list of {analyte, below} limits"
    if not isinstance(raw, dict):
        raise DataError("evidence.yaml.normal_measures", problem)
    out = {}
    for concept, limits in raw.items():
        if not (isinstance(concept, str) and isinstance(limits, list) and limits and all(
                isinstance(x, dict) and set(x) == {"analyte", "below"} and isinstance(x["analyte"], str)
                and isinstance(x["below"], (int, float)) for x in limits)):
            raise DataError(f"evidence.yaml.normal_measures.{concept}", problem)
        out[concept] = tuple((x["analyte"], float(x["below"])) for x in limits)
    return out


@lru_cache(maxsize=1)
def cancer_radiotherapies() -> tuple[str, ...]:
    """``cancer_radiotherapies`` of data/evidence.yaml: the procedure ids that are a radiotherapy
    given (the patient setting ``irradiated``; h167, round 35)."""
    raw = _evidence().get("cancer_radiotherapies") or []
    if not isinstance(raw, list) or not all(isinstance(r, str) and r.strip() for r in raw):
        raise DataError("evidence.yaml.cancer_radiotherapies", "must be a list of procedure ids")
    return tuple(raw)


@lru_cache(maxsize=1)
def setting_conditions() -> dict[str, tuple[str, ...]]:
    """``setting_conditions`` of data/evidence.yaml: per patient setting, the conditions a
    stated diagnosis of which is that setting ("mCRPC": ``castration_resistant``; h147, round 31)."""
    raw = _evidence().get("setting_conditions") or {}
    if not isinstance(raw, dict) or not set(raw) <= set(_PATIENT_SETTINGS) or not all(
            isinstance(v, list) and all(isinstance(c, str) and c.strip() for c in v) for v in raw.values()):
        raise DataError("evidence.yaml.setting_conditions", "must map a patient setting to condition ids")
    return {k: tuple(v) for k, v in raw.items()}


@lru_cache(maxsize=1)
def healthy_volunteer_names() -> tuple[str, ...]:
    """``healthy_volunteer_names`` of data/evidence.yaml, checked: the phrases that say a
    study is done in healthy people ("in Adult Healthy Subjects")."""
    rows = _evidence().get("healthy_volunteer_names") or []
    if not isinstance(rows, list) or not all(isinstance(r, str) and r.strip() for r in rows):
        raise DataError("evidence.yaml.healthy_volunteer_names", "must be a list of phrases")
    return tuple(rows)


def healthy_people_conditions() -> tuple[str, ...]:
    """``healthy_people_conditions`` of data/evidence.yaml, checked and lower-cased: the
    registry condition names that say a study's people are well ("Healthy", "Aging")."""
    rows = _evidence().get("healthy_people_conditions") or []
    if not isinstance(rows, list) or not all(isinstance(r, str) and r.strip() for r in rows):
        raise DataError("evidence.yaml.healthy_people_conditions", "must be a list of names")
    return tuple(r.strip().lower() for r in rows)


@lru_cache(maxsize=1)
def volunteer_groups() -> "re.Pattern[str]":
    """``volunteer_groups`` of data/evidence.yaml, checked and compiled as whole words: how a
    title names the particular group of healthy people a study enrols ("Special Forces
    Trainees")."""
    rows = _evidence().get("volunteer_groups") or []
    if not isinstance(rows, list) or not rows or not all(isinstance(r, str) and r.strip() for r in rows):
        raise DataError("evidence.yaml.volunteer_groups", "must be a list of words")
    return _word_pattern(rows)


@lru_cache(maxsize=1)
def alteration_words() -> "re.Pattern[str]":
    """``alteration_words`` of data/evidence.yaml, checked and compiled as whole words
    (case-insensitive): the words by which a title names a molecular alteration its
    patients' tumours carry ("Harboring KRAS p.G12C Mutation", "NTRK Fusion")."""
    words = _evidence().get("alteration_words") or []
    if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
        raise DataError("evidence.yaml.alteration_words", "must be a list of words")
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w.strip()) for w in words) + r")(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=1)
def at_risk_words() -> tuple["re.Pattern[str]", frozenset[str]]:
    """``at_risk_words`` of data/evidence.yaml compiled as whole words, longest first
    (case-insensitive), and ``at_risk_not_after``: how a record says its people are at risk
    of a condition or that it prevents one, and the words after such a phrase that say
    they have it already ("prevent the worsening of ...")."""
    doc = _evidence()
    words, after = doc.get("at_risk_words") or [], doc.get("at_risk_not_after") or []
    for name, value in (("at_risk_words", words), ("at_risk_not_after", after)):
        if not isinstance(value, list) or not value or not all(isinstance(w, str) and w.strip() for w in value):
            raise DataError(f"evidence.yaml.{name}", "must be a list of phrases")
    return _word_pattern(words), frozenset(w.strip().lower() for w in after)


@lru_cache(maxsize=1)
def family_study_words() -> "re.Pattern[str]":
    """``family_study_words`` of data/evidence.yaml compiled as whole words: how a record says
    its study is about people's family history."""
    words = _evidence().get("family_study_words") or []
    if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
        raise DataError("evidence.yaml.family_study_words", "must be a list of phrases")
    return _word_pattern(words)


@lru_cache(maxsize=1)
def at_risk_before() -> "re.Pattern[str]":
    """``at_risk_before`` of data/evidence.yaml compiled as whole words: the words written
    after the condition they prevent ("HBV Vaccinations")."""
    words = _evidence().get("at_risk_before") or []
    if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
        raise DataError("evidence.yaml.at_risk_before", "must be a list of words")
    return _word_pattern(words)


@lru_cache(maxsize=1)
def care_conditions() -> "re.Pattern[str]":
    """``care_conditions`` of data/evidence.yaml compiled as whole words: registry condition
    names that say what is done to people (a procedure, pain relief, ageing), not a disease."""
    words = _evidence().get("care_conditions") or []
    if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
        raise DataError("evidence.yaml.care_conditions", "must be a list of words")
    return _word_pattern(words)


@lru_cache(maxsize=1)
def receiving_words() -> tuple["re.Pattern[str]", "re.Pattern[str]"]:
    """``receiving_words`` and ``receiving_people`` of data/evidence.yaml compiled as whole
    words: how a title names its people by what they receive ("Children Receiving Highly
    Emetogenic Chemotherapy"), and the people words that must come right before."""
    doc = read_yaml(DATA_DIR / "evidence.yaml") or {}
    compiled = []
    for name in ("receiving_words", "receiving_people"):
        words = doc.get(name) or []
        if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
            raise DataError(f"evidence.yaml.{name}", "must be a list of words")
        compiled.append(_word_pattern(words))
    return compiled[0], compiled[1]


def _word_pattern(words: list[str]) -> "re.Pattern[str]":
    phrases = sorted({w.strip().lower() for w in words}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in phrases) + r")(?![\w-])",
                      re.IGNORECASE)


def preload() -> None:
    """Load now (at start-up) every list of data/evidence.yaml this module reads and the
    index of condition phrases: what showing a trial's criteria (``data.rule_nodes.
    registry_criteria``: at-risk words, strata, care names) reads on its first use, which
    was the first results turn's (~20 ms of CPU at 10,000 trials)."""
    for load in (healthy_people_conditions, volunteer_groups, class_qualifiers, kind_splits, category_heads, stratum_label, overlapping_families,
                 overlap_syndromes, organ_parents, implied_conditions, implied_by_therapy, implied_by_marker,
                 implied_by_finding, healthy_volunteer_names, alteration_words, at_risk_words, at_risk_before,
                 family_study_words, care_conditions, _phrases_by_word, _condition_names):
        load()
