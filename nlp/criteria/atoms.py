"""Criterion text -> atoms: the facts ``nlp.pipeline.extract`` finds, placed in the text
with what the rule needs (lab and score bounds, age limits, negation), for the criteria
parser (``nlp/criteria/parser.py``).

An atom is one fact mention stretched over its value ("Creatinine>2.5mg/dl" is one atom),
so the structure reader sees facts, cue phrases, connectors and the words left over.
Beyond the facts, it reads what a criterion writes differently from a patient:

* score ranges and alternatives: "ECOG 0 to 2" (``<= 2``), "NYHA III or IV" (``>= 3``),
  "at least one BILAG A" (a count written before the name);
* lab ranges ("haemoglobin 80-120 g/L": both bounds, not only the lower one);
* age limits ("aged 18 to 65 years", "≥ 18 years");
* a lab value keeps the unit as written when the analyte is measured in it, else it is
  converted to the canonical unit.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from core.durations import DAYS
from core.facts import Fact
from data.condition_names import is_disease_status
from data.terminology import Terminology, load_terminology
from nlp.components.doc_cache import doc_value, span_value
from nlp.components.measurements import Reading, ValueReader
from nlp.criteria.abbreviations import long_form_start
from nlp.criteria.cues import Cues, load_cues
from nlp.criteria.disease_status import is_extent
from nlp.resources import vocabulary
from nlp.units import normalize_unit

# labels that never become a leaf of their own (their words are read as filler)
_SKIPPED = {"SEX", "LOCATION", "AGE", "WEIGHT", "ALLERGY", "STAGE"}   # ALLERGY, STAGE: read by the parser (_allergy_form, _stage_form)
_CLAUSE_END = re.compile(r"[;\n]|\.(?:\s|$)")
_SCORE_START = re.compile(r"≥|≤|>=|<=|[<>=]|\d|\b(?:IV|I{1,3})\b")
_SCORE_LIST = re.compile(r"\d+(?:\s*(?:,|~|～|/|,?\s*or|,?\s*and|to|-|–)\s*\d+\b)+(?!\s*(?:\.\d|%|[A-Za-z]*/))")
# "III or IV", "III-IV", and "III/IV" (h168, round 35: the slash left "IV heart failure" an alternative)
_ALTERNATIVE = re.compile(r"\s*(?:,?\s*or|to|-|–|,?\s*and|,|/)\s*(?P<v>\d+(?:\.\d+)?|IV|I{1,3})\b")
_COUNT_BEFORE = r"(?:(?P<cmp>at least|a minimum of|more than|≥|>=|>)\s+)?(?P<n>{n})\s+(?:x\s+)?$"
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


@dataclass
class Atom:
    """One fact (or age limit) in the criterion text, with what its leaf needs."""

    start: int
    end: int
    label: str
    concept: str
    text: str
    fact: Fact | None = None
    negated: bool = False
    negation_spans: list[tuple[int, int]] = field(default_factory=list)
    bounds: list[tuple[str, Any]] | None = None   # lab: [(op, (value, unit) | ("uln", n))]; score: [(op, value)]
    age: tuple[float | None, float | None] | None = None
    alternatives: list[str] = field(default_factory=list)
    mods: dict[str, Any] = field(default_factory=dict)
    shares: "Atom | None" = None   # an elided item's neighbour whose modifier it shares ("hepatitis B or C")

    @property
    def readable(self) -> bool:
        """False when the atom names a measurement whose threshold could not be read, or a
        marker whose result the text does not give."""
        if self.mods.get("other_person") or self.mods.get("unread"):
            return False
        if self.label in ("LAB", "SCORE"):
            return bool(self.bounds)
        if self.label == "BIOMARKER":
            status = self.fact.status if self.fact is not None else None
            return status in ("positive", "negative") or bool(self.mods.get("positive"))
        return True


@lru_cache(maxsize=1)
def _reader() -> ValueReader:
    return ValueReader(vocabulary())


@lru_cache(maxsize=1)
def _sign_words() -> dict[str, str]:
    """Comparator words -> sign: the value reader's (``comparators`` of
    data/nlp/extraction.yaml) and the few only criteria write (``sign_words`` of
    data/nlp/criteria_cues.yaml: "a minimum of", "older than", "not above")."""
    words = {" ".join(str(k).lower().split()): v for k, v in vocabulary()["comparators"].items()}
    words.update(load_cues().sign_words)
    return words


def sign_of(written: str) -> str | None:
    """The sign a comparator word means ("no fewer than" -> ">="), None when unknown."""
    return _sign_words().get(" ".join(written.lower().split()))


_WORD_RUN = re.compile(r"\w+")


def _patient_words(concept: str, terminology: Terminology) -> bool:
    """A concept read in patients' words only ("on the pill", "we use condoms": terminology
    ``patient_words``): in a criterion its words belong to the team's requirement."""
    known = terminology.get(concept)
    return bool(known is not None and known.attrs.get("patient_words"))


@lru_cache(maxsize=1)
def _therapy_terms() -> tuple[tuple[str, str, str | None], ...]:
    """(a therapy term in lower case, its concept, the term's first word) for every therapy
    term. A term can only match where its first word is a whole word of the text."""
    found = []
    for concept in load_terminology().by_category("therapy"):
        if concept.attrs.get("patient_words"):
            continue
        for term in concept.terms:
            first = _WORD_RUN.search(term.lower())
            found.append((term.lower(), concept.id, first.group(0) if first else None))
    return tuple(found)


_THERAPY_PATTERNS: dict[str, re.Pattern] = {}


def _therapy_pattern(term: str) -> re.Pattern:
    """The whole-word pattern of a therapy term (lower case), compiled when first needed: a
    run tries a few hundred of the ~8,000 terms, and compiling them all (0.36 s) also pushed
    every other pattern out of ``re``'s cache of 512 (round 22, h101)."""
    pattern = _THERAPY_PATTERNS.get(term)
    if pattern is None:
        pattern = _THERAPY_PATTERNS[term] = re.compile(rf"(?<!\w){re.escape(term)}(?!\w)")
    return pattern


@lru_cache(maxsize=1)
def _therapy_terms_by_first() -> tuple[dict[str, tuple[int, ...]], frozenset[int]]:
    """The positions in ``_therapy_terms()`` by the term's first word, and those of terms
    with no first word (always tried)."""
    index: dict[str, list[int]] = {}
    always = set()
    for i, (_term, _concept, first) in enumerate(_therapy_terms()):
        if first is None:
            always.add(i)
        else:
            index.setdefault(first, []).append(i)
    return {word: tuple(ids) for word, ids in index.items()}, frozenset(always)


def _alternatives(atom: Atom, terminology: Terminology) -> list[str]:
    """Other therapy concepts the same words name ("other clinical trials": taking part in a
    trial, or an investigational drug), unrelated to the atom's concept by is-a. The other
    term must end where the atom's words end (their head word): in "investigational study
    drug" the words "investigational study" only say which drug (round 12)."""
    words = atom.text.lower().rstrip()
    by_first, always = _therapy_terms_by_first()
    terms = _therapy_terms()
    candidates = sorted({i for word in set(_WORD_RUN.findall(words)) for i in by_first.get(word, ())} | always)
    result: list[str] = []
    for term, concept, _first in (terms[i] for i in candidates):
        if concept == atom.concept or concept in result:
            continue
        ends = [m for m in _therapy_pattern(term).finditer(words) if m.end() == len(words)]
        if not ends or (all(m.start() > 0 for m in ends) and _siblings(atom.concept, concept, terminology)
                        and words in {t.lower() for t in terminology.concepts[atom.concept].terms}):
            # "biologic DMARDs", a term of its own: the other term names the last words only,
            # a sibling kind of one class, and the first words say which (round 36, h173: no
            # csDMARD as well; "in other clinical trials" keeps its investigational drug)
            continue
        if terminology.is_a(concept, atom.concept) or terminology.is_a(atom.concept, concept):
            continue
        result.append(concept)
    return result


def _siblings(one: str, other: str, terminology: Terminology) -> bool:
    """Two concepts sharing a parent (biologic and csdmard, both immunosuppressants)."""
    first, second = terminology.concepts.get(one), terminology.concepts.get(other)
    return bool(first and second and set(first.parents) & set(second.parents))


@lru_cache(maxsize=1)
def _term_index() -> dict[str, str]:
    """Lower-cased term -> concept, for terms that name one concept only (labs and scores,
    which need a value, are left out)."""
    index: dict[str, set[str]] = {}
    for concept in load_terminology().concepts.values():
        if concept.category in ("analyte", "score"):
            continue
        for term in concept.terms:
            index.setdefault(term.lower(), set()).add(concept.id)
    return {term: next(iter(ids)) for term, ids in index.items() if len(ids) == 1}


def elided_atom(words: list[tuple[int, int, str]], neighbour: Atom, after: bool) -> Atom | None:
    """'cerebrovascular, hemorrhagic diseases' / 'hepatitis B or C': a word that shares the
    head noun of the fact after it (or the modifier of the fact before it) names a concept.
    ``words`` are (start, end, word); ``after`` says the neighbour follows them."""
    from nlp.components.terms import fact_label  # start-up: spaCy only once text is read

    terminology = load_terminology()
    written = " ".join(w for _, _, w in words).lower()
    parts = neighbour.text.lower().split()
    if len(parts) < (1 if after else 2):
        return None
    index = _term_index()
    # "chronic hepatitis B or C": the modifier may carry a qualifier of its own in front
    # "type 1 or type 2 diabetes mellitus": the shared head may be more than one word
    phrases = [f"{written} {' '.join(parts[k:])}" for k in range(len(parts) - 1, 0, -1)] or [f"{written} {parts[-1]}"] if after else [f"{' '.join(parts[i:-1])} {written}" for i in range(len(parts) - 1)]
    concept = None
    for phrase in phrases:
        concept = index.get(phrase) or (index.get(phrase[:-1]) if phrase.endswith("s") else None)
        if concept is not None:
            break
    if concept is None or terminology[concept].category != terminology[neighbour.concept].category:
        return None
    if is_extent(concept, terminology):
        return None     # "locally advanced or metastatic breast cancer": an extent is read by the whole-line form only
    return Atom(words[0][0], words[-1][1], fact_label(terminology[concept]), concept, phrase)


def clause_end(text: str, pos: int) -> int:
    match = _CLAUSE_END.search(text, pos)
    return match.start() if match else len(text)


def find_atoms(text: str, facts: list[Fact], doc, cues: Cues) -> list[Atom]:
    """Every atom of ``text`` in order, non-overlapping. ``doc`` is the pipeline's Doc of
    the same text (for mentions without a value and for negation triggers)."""
    terminology = load_terminology()
    negations = _negation_spans(doc)
    ents = doc.ents         # (a new tuple of new Spans each time it is read)
    atoms: list[Atom] = []
    fact_starts = set()
    measured = sorted(f.start for f in facts if f.label in ("LAB", "SCORE"))
    for fact in facts:
        if fact.label == "WEIGHT":
            atom = _weight(fact, text, terminology, cues)
            if atom is not None:
                atoms.append(atom)
            continue
        if fact.label in _SKIPPED or _patient_words(fact.concept, terminology):
            continue
        fact_starts.add(fact.start)
        atom = Atom(fact.start, fact.end, fact.label, fact.concept, fact.text, fact, fact.negated,
                    negations.get(fact.start, []) or (_list_negation(doc, fact, negations) if fact.negated else []))
        if atom.negated and _negated_from_a_bracket(atom, text):
            atom.negated, atom.negation_spans = False, []
        if fact.family:
            atom.mods["other_person"] = True  # "family history of dementia": not the patient's
        if fact.label == "LAB":
            _lab(atom, text, terminology, measured)
        elif fact.label == "SCORE":
            _score(atom, text, terminology, cues)
        atoms.append(atom)
    for ent in ents:  # scores written without a value right after the name
        if ent.label_ == "SCORE" and ent.start_char not in fact_starts:
            atom = Atom(ent.start_char, ent.end_char, "SCORE", ent.kb_id_, ent.text)
            _score(atom, text, terminology, cues)
            if atom.bounds:
                atoms.append(atom)
    for ent in ents:
        # "Newly diagnosed diabetes": a status narrowing any disease (``narrowing_status`` of
        # the cues) the pipeline named but kept as no fact (the status of a disease it is not
        # for): its words say more than the disease, so they are unread
        # (disease_status.status_atoms drops a therapy response's)
        if (ent.label_ == "CONDITION" and ent.start_char not in fact_starts and is_disease_status(ent.kb_id_, terminology)
                and cues.search("narrowing_status", ent.text)):
            atoms.append(Atom(ent.start_char, ent.end_char, "CONDITION", ent.kb_id_, ent.text, mods={"unread": True}))
    for ent in ents:  # "lipase ≤ ULN": a test named with the normal limit, no value
        if ent.label_ == "LAB" and ent.start_char not in fact_starts:
            atom = Atom(ent.start_char, ent.end_char, "LAB", ent.kb_id_, ent.text)
            if _bare_uln(atom, text, terminology):
                fact_starts.add(ent.start_char)
                atoms.append(atom)
    atoms.extend(_ages(text, cues))
    atoms.extend(_prior_lines(text, cues))
    atoms.extend(_shared_multiples(atoms, doc, text, fact_starts))
    for atom in atoms:
        if atom.label in ("DRUG", "PROCEDURE"):
            atom.alternatives = _alternatives(atom, terminology)
        if atom.label in ("LAB", "SCORE"):
            _alias_before(atom, text, doc)
    not_facts = [m.span() for m in cues.finditer("not_facts", text)]   # looked for once, not per atom
    atoms = [a for a in atoms if not any(start <= a.start and a.end <= end for start, end in not_facts)]
    _mark_typo_matches(atoms, doc)
    atoms = _score_names_again(atoms)
    atoms = _pregnancy_plans(atoms, text, cues)
    atoms = _same_analyte_twice(_infection_heads(_without_overlaps(atoms), text), text, cues)
    _unknown_scale_pairs(atoms, text, cues)
    return _status_words(atoms, text, cues)


# the status concepts of data/terminology/disease_status.yaml the status words name
_RELAPSED, _REFRACTORY, _EITHER = "relapsed_disease", "refractory_disease", "relapsed_or_refractory"


def _status_words(atoms: list[Atom], text: str, cues: Cues) -> list[Atom]:
    """Status words the pipeline leaves as words, which dropped them (round 30, h144): written
    right before a count of prior lines ("Relapsed after or refractory to ≥2 lines of
    therapy": cues ``status_before_lines``) or, bare, right before a disease ("Relapsed B cell
    lymphoma": ``status_before_disease``). Each becomes a status atom (relapsed, refractory,
    or either when both are written) marked ``status_words``; words naming no status concept
    ("progressed after") an unread one. ``disease_status.status_atoms`` keeps a status atom
    only beside the trial's cancer among the inclusions; beside another disease there it is
    dropped as before ("Refractory SLE": the autoimmune voice, therapies failed); anywhere else
    (an exclusion's) it is unread."""
    found = []
    for atom in atoms:
        if atom.label == "SCORE" and atom.concept == "prior_lines":
            section = "status_before_lines"
        elif atom.label == "CONDITION":
            section = "status_before_disease"
        else:
            continue
        before = text[max(0, atom.start - 80):atom.start]
        match = next((m for m in cues.finditer(section, before) if m.end() == len(before)), None)
        if match is None:
            continue
        start, end = atom.start - len(before) + match.start("words"), atom.start - len(before) + match.end("words")
        if any(a.start < end and start < a.end for a in atoms):
            continue                        # the words are read already ("relapsed or refractory")
        words = match.group("words")
        relapsed, refractory = cues.search("status_relapsed", words), cues.search("status_refractory", words)
        concept = _EITHER if relapsed and refractory else _RELAPSED if relapsed else _REFRACTORY
        unread = not _only_status_words(words, cues)
        found.append(Atom(start, end, "CONDITION", concept, words, mods={"status_words": True, **({"unread": True} if unread else {})}))
    return sorted([*atoms, *found], key=lambda a: a.start) if found else atoms


_STATUS_JOINERS = re.compile(r"\b(?:after|to|following|on|despite|with|or|and)\b|[,/]", re.IGNORECASE)


def _only_status_words(words: str, cues: Cues) -> bool:
    """Every word of ``words`` is a relapse or refractory word, or a joiner ("relapsed after
    or refractory to"); "progressed after" names no status concept."""
    rest = _STATUS_JOINERS.sub(" ", words)
    for section in ("status_relapsed", "status_refractory"):
        rest = " ".join(w for w in rest.split() if not cues.search(section, w))
    return not rest.strip()


def _unknown_scale_pairs(atoms: list[Atom], text: str, cues: Cues) -> None:
    """A performance score joined to a scale with no concept ("Karnofsky/Lansky Performance
    Score ≥ 70"; cues ``scale_pair_unknown``): the score atom is unread (round 30, h144)."""
    pairs = [m.span() for m in cues.finditer("scale_pair_unknown", text)]
    for atom in atoms:
        if atom.label == "SCORE" and any(s < atom.end and atom.start < e for s, e in pairs):
            atom.mods["unread"] = True


# only list punctuation, brackets and "and"/"or" between the names of a list of tests
_LIST_BETWEEN = re.compile(r"[\s,/&()]*(?:(?:and|or)[\s,/&()]+)*", re.IGNORECASE)


def _shared_multiples(atoms: list[Atom], doc, text: str, fact_starts: set[int]) -> list[Atom]:
    """"AST, ALT, and ALP ≤ 3 × ULN", "Alanine aminotransferase (ALT) and aspartate
    aminotransferase (AST) ≤ 2.5 × ULN": tests named without a value in a list (only commas,
    brackets and "and"/"or" between) share the multiple of the normal limit the list ends
    with, when each has an upper limit of normal (``uln`` in the terminology: never
    "platelets"). A value with a unit is never shared this way (it is the last test's own)."""
    found: list[Atom] = []
    terminology = load_terminology()

    def has_uln(concept: str) -> bool:
        known = terminology.get(concept)
        return known is not None and known.attrs.get("uln") is not None

    names = sorted((e for e in doc.ents if e.label_ == "LAB" and has_uln(e.kb_id_) and e.start_char not in fact_starts
                    and not any(a.start <= e.start_char < a.end for a in atoms)),
                   key=lambda e: e.start_char, reverse=True)
    for ent in names:
        after = min((a for a in [*atoms, *found] if a.label == "LAB" and a.start >= ent.end_char),
                    key=lambda a: a.start, default=None)
        if (after is None or not after.bounds or len(after.bounds) != 1 or after.bounds[0][1][0] != "uln"
                or not _LIST_BETWEEN.fullmatch(text[ent.end_char:after.start])):
            continue
        found.append(Atom(ent.start_char, ent.end_char, "LAB", ent.kb_id_, ent.text, bounds=list(after.bounds)))
    return found


def _score_names_again(atoms: list[Atom]) -> list[Atom]:
    """"Performance status of 0 or 1 on the Eastern Cooperative Oncology Group (ECOG)
    scale": a score named again without a value of its own, next to a mention of the same
    score that has one, only names the scale (it was an unread mention: review)."""
    valued = {a.concept for a in atoms if a.label == "SCORE" and a.bounds}
    return [a for a in atoms if not (a.label == "SCORE" and not a.bounds and a.concept in valued)]


def _mark_typo_matches(atoms: list[Atom], doc) -> None:
    """A mention the pipeline found only by typo recovery ("antineoplaston therapy" read as
    antineoplastic therapy): registry text is edited, and a rare name close to a known one is
    more likely another name than a typo, so the atom is not read (the team judges)."""
    meta = doc_value(doc, "trialbot_meta", None) if doc is not None and doc.has_extension("trialbot_meta") else None
    if not meta:
        return
    fuzzy = [(doc[s].idx, doc[e - 1].idx + len(doc[e - 1])) for (s, e), info in meta.items()
             if isinstance(info, dict) and info.get("fuzzy") and e > s]
    for atom in atoms:
        if any(a < atom.end and atom.start < b for a, b in fuzzy):
            atom.mods["unread"] = True


def _same_analyte_twice(atoms: list[Atom], text: str, cues: Cues) -> list[Atom]:
    """"< 5% blasts in bone marrow and < 1% blasts in peripheral blood", "ALT ≤ 3 × ULN;
    ALT ≤ 5 × ULN with liver metastases": one analyte with two thresholds of its own is
    measured in two places or for two groups; the leaf reads the patient's one value and
    cannot tell which it is, so neither threshold decides (both unread: the team judges)."""
    by_concept: dict[str, list[Atom]] = {}
    for atom in atoms:
        if atom.label == "LAB" and atom.bounds:
            by_concept.setdefault(atom.concept, []).append(atom)
    for same in by_concept.values():
        if len(same) < 2 or all(a.bounds == same[0].bounds for a in same):
            continue
        if any(p.search(text, same[0].end, same[-1].start) for p in cues.patterns.get("exception", ())):
            continue  # "bilirubin ≤ 1.5 × ULN (except Gilbert's: ≤ 3 × ULN)": an exemption, read as one
        for atom in same:
            atom.mods["unread"] = True
    return atoms


_BRACKET = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")


def _negated_from_a_bracket(atom: Atom, text: str) -> bool:
    """Every negation of the atom comes from inside a bracket the atom is not in
    ("Hematology requirements (no blood transfusion within 14 days): ANC ≥ 1.5": the "no"
    is the bracket's own, never the ANC's)."""
    if not atom.negation_spans:
        return False
    brackets = [m.span() for m in _BRACKET.finditer(text)]
    return all(any(a <= s and e <= b and not a <= atom.start < b for a, b in brackets)
               for s, e in atom.negation_spans)


def _negation_spans(doc) -> dict[int, list[tuple[int, int]]]:
    """Entity start char -> char spans of the ConText negation triggers that modify it."""
    spans: dict[int, list[tuple[int, int]]] = {}
    for ent in doc.ents:
        for modifier in span_value(ent, "modifiers", ()) or ():
            if modifier.category == "NEGATED_EXISTENCE":
                start, end = modifier.modifier_span
                spans.setdefault(ent.start_char, []).append((doc[start].idx, doc[end - 1].idx + len(doc[end - 1])))
    return spans


def _list_negation(doc, fact: Fact, negations: dict[int, list[tuple[int, int]]]) -> list[tuple[int, int]]:
    """The negation triggers of a fact negated as an item of a list ("Chronic renal disease and
    hepatic impairment were excluded from the study": ConText modifies the last item, the
    list carries the negation to the first): those of the sentence's other entities, so an
    exclusion line's "were excluded" is known to restate the exclusion for every item."""
    sentence = next((s for s in doc.sents if s.start_char <= fact.start < s.end_char), None)
    if sentence is None:
        return []
    return [span for ent in sentence.ents for span in negations.get(ent.start_char, [])]


def _without_overlaps(atoms: list[Atom]) -> list[Atom]:
    kept: list[Atom] = []
    for atom in sorted(atoms, key=lambda a: (a.start, -(a.end - a.start))):
        if kept and atom.start < kept[-1].end:
            continue
        kept.append(atom)
    return kept


def _alias_before(atom: Atom, text: str, doc) -> None:
    """'creatinine clearance (CrCl) ≥ 30': the value follows an abbreviation in brackets;
    the atom starts with the long form before the bracket."""
    opening = text.rfind("(", 0, atom.start)
    if opening < 0 or ")" not in text[atom.start:atom.end] or not _names_of(atom.concept, opening + 1, atom.start, text, doc):
        return
    for ent in doc.ents:
        if ent.kb_id_ == atom.concept and ent.end_char <= opening and not text[ent.end_char:opening].strip():
            atom.start = ent.start_char
            return
    start = long_form_start(text[atom.start:text.index(")", atom.start)], text, opening, max(0, opening - 80))
    atom.start = start if start is not None else opening


_NAME_JOINS = re.compile(r"(?:\s|,|/|\bor\b)*", re.IGNORECASE)


def _names_of(concept: str, start: int, end: int, text: str, doc) -> bool:
    """Nothing stands between ``start`` and ``end`` but other names of ``concept`` joined by
    "or", "/" or a comma (round 20: "aspartate aminotransferase (AST or SGOT) ≤ 1.5 × ULN":
    the bracket gives two abbreviations of the one analyte, the value follows the last)."""
    pos = start
    for ent in sorted((e for e in doc.ents if start <= e.start_char and e.end_char <= end), key=lambda e: e.start_char):
        if ent.kb_id_ != concept or not _NAME_JOINS.fullmatch(text[pos:ent.start_char]):
            return False
        pos = ent.end_char
    if pos == start:
        return not text[start:end].strip()
    return bool(_NAME_JOINS.fullmatch(text[pos:end])) and bool(re.search(r"(?:/|\bor\b|,)\s*$", text[pos:end], re.I))


def _pregnancy_plans(atoms: list[Atom], text: str, cues: Cues) -> list[Atom]:
    """'intend to become pregnant': a plan, not a pregnancy."""
    for match in cues.finditer("pregnancy_planning", text):
        inside = [a for a in atoms if a.label == "PREGNANCY" and match.start() <= a.start < match.end()]
        for atom in inside:
            atom.concept = "planning"
            atom.start, atom.end = min(atom.start, match.start()), max(atom.end, match.end())
        if not inside:
            atoms.append(Atom(match.start(), match.end(), "PREGNANCY", "planning", match.group(0)))
    return atoms


def _infection_heads(atoms: list[Atom], text: str) -> list[Atom]:
    """'Active infection of hepatitis B virus or hepatitis C virus': the named infections
    are active; the generic 'active infection' is only their head noun."""
    kept: list[Atom] = []
    for i, atom in enumerate(atoms):
        following = atoms[i + 1] if i + 1 < len(atoms) else None
        if (atom.label == "INFECTION" and atom.concept == "active_infection" and following is not None
                and following.label == "INFECTION"
                and re.fullmatch(r"\s*(?:of|with|by|caused by|due to)\s*", text[atom.end:following.start], re.IGNORECASE)):
            end = clause_end(text, atom.end)
            for later in atoms[i + 1:]:
                if later.start < end and later.label == "INFECTION":
                    later.mods["active"] = True
            continue
        previous = kept[-1] if kept else None
        if (atom.label == "INFECTION" and atom.concept == "active_infection" and previous is not None
                and previous.label == "INFECTION" and re.fullmatch(r"infections?", atom.text.strip(), re.IGNORECASE)
                and re.fullmatch(r"[\s)\]]*", text[previous.end:atom.start])):
            # (round 19) "human immunodeficiency virus (HIV) infections": the plural noun after
            # the named infections is their head noun, never another (any) infection beside them
            continue
        kept.append(atom)
    return kept


# --- labs ----------------------------------------------------------------------------------


# "lipase ≤ ULN", "calcium > upper limit of normal (ULN)": the limit itself, one multiple of
# it (a number before the limit is read by the value reader: "≤ 1.5 × ULN")
_BARE_ULN = re.compile(
    r"\s*(?P<op>≤|<=|≥|>=|<|>|less than or equal to|no (?:greater|more|higher) than|not (?:exceeding|above)|"
    r"greater than or equal to|less than|below|greater than|above|exceeding)\s*"
    r"(?:the\s+)?(?:institutional\s+)?(?:ULN|upper limit of (?:the\s+)?(?:institutional\s+)?normal(?: range)?|"
    r"upper limit of the institutional normal range)(?:\s*\(ULN\))?(?!\s*(?:[x×*]|times|-|–)|\w)", re.IGNORECASE)


def _bare_uln(atom: Atom, text: str, terminology: Terminology) -> bool:
    """Bounds for "lipase ≤ ULN" (one multiple of the upper limit of normal), for an analyte
    the terminology gives an upper limit of normal; True when read."""
    concept = terminology.get(atom.concept)
    if concept is None or concept.attrs.get("uln") is None:
        return False
    match = _BARE_ULN.match(text, atom.end)
    if match is None:
        if concept.attrs.get("lln") is not None:
            return False
        # (round 31, h148) "Bilirubin normal", "Amylase within age-appropriate limits": within the
        # normal range is at most its upper limit, for an analyte whose low values the
        # terminology does not judge (no ``lln``; "haemoglobin normal" is two-sided: unread)
        start = len(text) - len(text[atom.end:].lstrip())
        match = next(filter(None, (p.match(text, start) for p in load_cues().patterns.get("within_normal", ()))), None)
        if match is None:
            return False
        atom.bounds = [("<=", ("uln", 1))]
        atom.end = max(atom.end, match.end())
        return True
    atom.bounds = [(sign_of(match.group("op")), ("uln", 1))]
    atom.end = max(atom.end, match.end())
    return True


def _lab(atom: Atom, text: str, terminology: Terminology, measured: list[int] = ()) -> None:
    fact = atom.fact
    if fact.value is None and fact.uln_multiple is None and _bare_uln(atom, text, terminology):
        return
    reading = _reader().after(text, fact.end, clause_end(text, fact.end))
    if reading is not None:
        atom.end = max(atom.end, reading.end)
    before = _reader().before(text, max(0, fact.start - 40), fact.start)
    if reading is None and before is not None and before.value == fact.value:
        atom.start = before.start
    if fact.comparator is None or fact.implausible:
        return  # a value without a sign is no threshold
    if (reading is None and fact.uln_multiple is None and not (before is not None and before.value == fact.value)
            and _value_beyond(text, fact, measured)):
        # "platelets and WBC ≥ 100 × 10^9/L": a value with a unit, written after another
        # analyte, is that one's ("ALT / AST > 3 × ULN" shares a multiple of the normal limit)
        return
    if fact.uln_multiple is not None:
        atom.bounds = [(fact.comparator, ("uln", fact.uln_multiple))]
        _second_bound(atom, text, terminology)
        return
    amount = _lab_amount(fact, fact.value, terminology)
    if amount is None:
        return
    if reading is not None and reading.value_high is not None and reading.comparator is None:
        high = _lab_amount(fact, reading.value_high, terminology)
        if high is not None:  # "80-120 g/L": both ends
            atom.bounds = [(">=", amount), ("<=", high)]
            return
    atom.bounds = [(fact.comparator, amount)]
    _second_bound(atom, text, terminology)


# "≥ 3.5 and < 5.0 mmol/L", "> 1.0 and ≤ 2.5 x ULN": a second sign and value after the first
# (the inclusive "≥ A and ≤ B" is a "between" range already: parser.prepare)
_SECOND_SIGN = re.compile(r"\s*(?:(?P<both>and|to|,)|(?P<either>or))\s*(?=≤|≥|<|>)", re.IGNORECASE)
# after a second value with no unit: the clause goes on in words, or ends (never a unit the
# value reader did not know, which would be read in the first value's unit)
_NO_UNIT_AFTER = re.compile(r"\s*(?:$|[,;.:)(\[\]]|(?:and|or|at|on|in|within|prior|before|during|for|by|if|unless|"
                            r"of|the|as|measured|according|per|on)\b)", re.IGNORECASE)
_LOWER, _UPPER = (">", ">="), ("<", "<=")


def _second_bound(atom: Atom, text: str, terminology: Terminology) -> None:
    """A second limit of the other direction right after the first ("≥ 3.5 and < 5.0
    mmol/L", "> 1.0 and ≤ 2.5 × ULN"): both bounds, a unit or multiple of the normal limit
    written once at the end applying to both; after "or" a value outside a range ("TSH <
    0.45 or > 10 mIU/L": either bound, ``mods["either"]``). Nothing changes when the second
    limit is of the same direction, in a unit the analyte is not measured in, or the two do
    not make a range (a lower bound not under the upper one; after "or", the upper limit's
    value not under the lower limit's): its words stay unread, the team judges."""
    fact = atom.fact
    (op, first), = atom.bounds
    sign = _SECOND_SIGN.match(text, atom.end)
    if sign is None:
        # (round 31, h148) "UACR > 200 mg/g (22.6 mg/mmol) and < 5000 mg/g": the first value
        # restated in another unit, in a bracket, before the second limit
        restated = _restated_end(atom, first, text, terminology)
        sign = _SECOND_SIGN.match(text, restated) if restated is not None else None
        if sign is None:
            return
    second = _reader().after(text, sign.end(), clause_end(text, sign.end()))
    if (second is None or second.start != sign.end() or second.comparator is None or second.value_high is not None
            or not ((op in _LOWER and second.comparator in _UPPER) or (op in _UPPER and second.comparator in _LOWER))):
        return
    first_written = fact.unit is not None or fact.uln_multiple is not None
    if second.uln_multiple is not None:
        if not first_written:
            first = ("uln", fact.value)             # "> 1.0 and ≤ 2.5 x ULN": both multiples
        bound = ("uln", second.uln_multiple)
    elif second.value is None:
        return
    elif second.unit is not None:
        bound = _amount_as(fact.concept, second.value, second.unit, terminology)
        if bound is None:
            return
        if not first_written:                          # "≥ 30 and < 60 mL/min": the unit of both
            first = _amount_as(fact.concept, fact.value, second.unit, terminology)
            if first is None:
                return
    else:
        if not _NO_UNIT_AFTER.match(text, second.end):
            return
        bound = ("uln", second.value) if first[0] == "uln" else (second.value, first[1])
    low, high = (first, bound) if op in _LOWER else (bound, first)   # the ">" limit's value, the "<" limit's
    either = sign.group("either") is not None
    if either:
        low, high = high, low                     # "< 0.45 or > 10": outside the range 0.45-10
    if low[0] == "uln" or high[0] == "uln":
        if low[0] != high[0] or not low[1] < high[1]:
            return                                # a multiple beside an amount: no order to check
    elif low[1] != high[1] or not low[0] < high[0]:
        return
    atom.bounds = [(op, first), (second.comparator, bound)]
    atom.end = max(atom.end, second.end)
    atom.end = _restated_end(atom, bound, text, terminology) or atom.end    # "... < 5000 mg/g (565 mg/mmol)"
    if either:
        atom.mods["either"] = True


# "(22.6 mg/mmol)": a bracket holding one value and its unit
_VALUE_BRACKET = re.compile(r"\s*\(\s*(\d+(?:\.\d+)?)\s*([^()\s\d][^()]{0,15}?)\s*\)")


def _restated_end(atom: Atom, first: tuple, text: str, terminology: Terminology) -> int | None:
    """The end of a bracket right after the atom's value that says the same value in another
    unit of the analyte ("> 200 mg/g (22.6 mg/mmol)": within 3 %), else None."""
    match = _VALUE_BRACKET.match(text, atom.end)
    if match is None or first[0] == "uln":
        return None
    written = normalize_unit(match.group(2))
    mine = terminology.to_canonical(atom.concept, first[0], first[1])
    theirs = terminology.to_canonical(atom.concept, float(match.group(1)), written) if written else None
    if not mine or theirs is None or abs(theirs - mine) > 0.03 * abs(mine):
        return None
    return match.end()


def _amount_as(concept_id: str, value: float, unit_written: str, terminology: Terminology) -> tuple[float, str] | None:
    """(value, unit) for a value written in ``unit_written``: the unit as written when the
    analyte is measured in it, else converted to the canonical unit; None when unknown."""
    concept = terminology.get(concept_id)
    if concept is None:
        return None
    unit = normalize_unit(unit_written, concept.attrs.get("units", {}))
    if unit is not None:
        return value, unit
    written = normalize_unit(unit_written)
    converted = terminology.to_canonical(concept_id, value, written) if written else None
    return None if converted is None else (round(converted, 4), concept.attrs.get("canonical_unit"))


_WEIGHT_GAP = re.compile(r"\s*(?:(?:of|is|was|must be|should be|at screening|:)\s*)?", re.IGNORECASE)


def _weight(fact: Fact, text: str, terminology: Terminology, cues: Cues) -> Atom | None:
    """"Body weight ≥ 35 kg", "Weight over 275 pounds", "weigh not less than 50 kg": the
    patient's body weight with a sign, read as the lab leaf of the analyte "weight" (kg,
    judged from the patient's WEIGHT fact). Only when the name (``body_weight`` cues) comes
    right before the sign and the number the pipeline read as a weight; a weight without a
    sign ("weight 40 kg"), a range with one ("weight 40-100 kg", both ends read) and any
    other wording are no threshold (its words stay unread: the team judges)."""
    names = [m for m in cues.finditer("body_weight", text) if m.end() <= fact.start and fact.start - m.end() <= 40]
    if not names:
        return None
    name = names[-1]
    reading = _reader().after(text, name.end(), clause_end(text, name.end()))
    if (reading is None or reading.value != fact.value or not reading.start <= fact.start < reading.end
            or not _WEIGHT_GAP.fullmatch(text, name.end(), reading.start)):
        return None
    atom = Atom(name.start(), reading.end, "LAB", "weight", text[name.start():reading.end], fact)
    low = _lab_amount(fact, reading.value, terminology)
    if low is None:
        return None
    if reading.comparator is not None and reading.value_high is None:
        atom.bounds = [(reading.comparator, low)]
    elif reading.comparator is None and reading.value_high is not None:
        high = _lab_amount(fact, reading.value_high, terminology)
        if high is None:
            return None
        atom.bounds = [(">=", low), ("<=", high)]
    else:
        return None
    return atom


def _value_beyond(text: str, fact: Fact, measured: list[int]) -> bool:
    """True when another measurement is named between the analyte and the first number or
    sign after it: the threshold there belongs to that one."""
    sign = re.compile(r"[<>≤≥=]|\d").search(text, fact.end)
    stop = sign.start() if sign else len(text)
    return any(fact.end <= start < stop for start in measured)


def _lab_amount(fact: Fact, value: float, terminology: Terminology) -> tuple[float, str] | None:
    """(value, unit) in the unit as written when the analyte is measured in it, else in
    the canonical unit; None when the unit is unknown."""
    concept = terminology.get(fact.concept)
    if concept is None or value is None:
        return None
    units = concept.attrs.get("units", {})
    canonical = concept.attrs.get("canonical_unit")
    if fact.unit is None:   # read as written only: a unit inferred for a bare value (nlp/units.py) is no rule
        return (value, canonical) if fact.unit_normalized == canonical and fact.value_normalized == fact.value else None
    unit = normalize_unit(fact.unit, units)
    if unit is not None:
        return value, unit
    written = normalize_unit(fact.unit)
    converted = terminology.to_canonical(fact.concept, value, written) if written else None
    return None if converted is None else (round(converted, 4), canonical)


# --- scores ------------------------------------------------------------------------------


# score values written in words ("performance status of zero or one", "less than or equal
# to two"), read as digits padded to the word's length so every offset stays the text's
_SCORE_WORDS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_SCORE_WORD = re.compile(r"\b(?:" + "|".join(_SCORE_WORDS) + r")\b", re.IGNORECASE)


def _score_digits(text: str, start: int, end: int) -> str:
    """``text`` with the number words between ``start`` and ``end`` written as digits."""
    def digit(match: re.Match) -> str:
        return str(_SCORE_WORDS[match.group(0).lower()]).ljust(len(match.group(0)))
    return text[:start] + _SCORE_WORD.sub(digit, text[start:end]) + text[end:]


def _score(atom: Atom, text: str, terminology: Terminology, cues: Cues) -> None:
    concept = terminology.get(atom.concept)
    low, high = (concept.attrs.get("range") if concept else None) or (0, 100)
    limit = min(clause_end(text, atom.end), atom.end + 80)
    reading = _score_reading(text, atom.end, limit)
    if reading is None and atom.concept not in cues.count_scores and _SCORE_WORD.search(text, atom.end, limit):
        text = _score_digits(text, atom.end, limit)     # only when no digit gives the value
        reading = _score_reading(text, atom.end, limit)
    if reading is None:
        if atom.concept in cues.count_scores:
            _count_before(atom, text, cues)
        else:
            _value_before(atom, text, low, high)
        return
    value, top, comparator = reading.value, reading.value_high, reading.comparator
    end = reading.end
    listed = _SCORE_LIST.match(text, reading.start, limit) if comparator is None else None
    if listed:                                       # "0~2", "0, 1 or 2", "0/1/2"
        values = [float(v) for v in re.findall(r"\d+", listed.group(0))]
        value, top, end = min(values), max(values), listed.end()
    elif comparator is None and top is None:         # "2 or less", "70 or more"
        for section, bound in (("score_at_most", "<="), ("score_at_least", ">=")):
            trailing = next((m for p in cues.patterns.get(section, ()) if (m := p.match(text.lower(), end + 1 if text[end:end + 1] == " " else end, limit))), None)
            if trailing is not None:
                comparator, end = bound, trailing.end()
                break
    extra = _ALTERNATIVE.match(text, end, limit)
    if extra and top is None and comparator is None:  # "III or IV"
        top = _number(extra.group("v"))
        end = extra.end()
        # "Class II, III, or IV": a list of classes goes on while each is the next one
        while top is not None and (more := _ALTERNATIVE.match(text, end, limit)) and _number(more.group("v")) == top + 1:
            top, end = top + 1, more.end()
    atom.end = max(atom.end, end)
    if value is None or not (low <= value <= high) or (top is not None and not (value <= top <= high)):
        return
    if top is not None and comparator is None:
        if value == low:
            atom.bounds = [("<=", top)]
        elif top == high:
            atom.bounds = [(">=", value)]
        else:
            atom.bounds = [(">=", value), ("<=", top)]
        return
    atom.bounds = [(comparator or "==", value)]


def _score_reading(text: str, pos: int, limit: int) -> Reading | None:
    """The value after a score name, allowing a few words between ("fitness scores of 0
    to 2", "(New York Heart Association) III or IV")."""
    first = _SCORE_START.search(text, pos, limit)
    if first is None or len(re.findall(r"[A-Za-z]+", text[pos:first.start()])) > 6:
        return None
    starts = [pos] + [pos + m.start() for m in re.finditer(r"(?<=[\s(),:])[^\s(),:]", text[pos:first.start() + 1])]
    for start in starts:
        reading = _reader().after(text, start, limit, roman=True)
        if reading is not None:
            return reading
    return None


# where the clause a score's name is in opens (the value written before the name is in it)
_CLAUSE_OPEN = re.compile(r"[,;:(\n][^,;:(\n]*$")


def _value_before(atom: Atom, text: str, low: float, high: float) -> None:
    """"Less than 30 Karnofsky score", "< 60 KPS" (round 40, h194): a compared value that
    opens the score's clause right before its name, with nothing after the name. Only a
    comparison and a value (a "%" after it) may stand before the name: "70 Karnofsky" (no
    comparison) or a value with a unit of its own is another measure's."""
    opened = _CLAUSE_OPEN.search(text, 0, atom.start)
    start = opened.start() + 1 if opened else 0
    start += len(text[start:atom.start]) - len(text[start:atom.start].lstrip())
    reading = _reader().after(text, start, atom.start)
    if (reading is None or reading.comparator is None or reading.value_high is not None or reading.unit not in (None, "%")
            or reading.value is None or not (low <= reading.value <= high)
            or text[reading.end:atom.start].strip(" %")):
        return
    atom.start = start
    atom.bounds = [(reading.comparator, reading.value)]


def _count_before(atom: Atom, text: str, cues: Cues) -> None:
    """'at least one BILAG A', 'two BILAG B': a minimum count written before the name."""
    numbers = "|".join(sorted(map(re.escape, cues.numbers), key=len, reverse=True))
    pattern = re.compile(_COUNT_BEFORE.replace("{n}", rf"(?:\d+|{numbers})"), re.IGNORECASE)
    window = text[max(0, atom.start - 30):atom.start]
    match = pattern.search(window)
    value = cues.number(match.group("n")) if match else None
    if value is None:
        return
    comparator = ">" if (match.group("cmp") or "").lower() in ("more than", ">") else ">="
    atom.start = atom.start - len(window) + match.start()
    atom.bounds = [(comparator, value)]


def _number(written: str) -> float | None:
    if written.lower() in _ROMAN:
        return float(_ROMAN[written.lower()])
    try:
        return float(written)
    except ValueError:
        return None


# --- prior lines of treatment --------------------------------------------------------------


_LINES_NAMED = re.compile(r"\b(?:prior|previous|earlier|therap|treatment)", re.IGNORECASE)
# what may follow the count in its clause: nothing, a list word, "including ..." (read on)
_LINES_AFTER = re.compile(r"\s*(?:$|[.;,:)]|(?:and|or|including|previously|before|prior to)\b)", re.IGNORECASE)


def _prior_lines(text: str, cues: Cues) -> list[Atom]:
    """"at least 2 prior lines of therapy", "1 to 3 prior lines of systemic therapy", "no
    more than 3 prior regimens": the count of prior lines of treatment (the score
    ``prior_lines``). Only lines of treatment in general, counted with a sign or as a range:
    lines of one kind or setting ("of chemotherapy", "for metastatic disease") and a bare
    count ("2 prior lines": at least, or exactly?) are not read (the team judges)."""
    atoms = []
    for match in cues.finditer("prior_lines", text):
        if not _LINES_NAMED.search(match.group(0)) or not _LINES_AFTER.match(text, match.end()):
            continue
        low = cues.number(match.group("n"))
        high = cues.number(match.group("n2")) if match.group("n2") else None
        sign = sign_of(match.group("cmp") or "")
        if low is None or (match.group("n2") and high is None):
            continue
        if high is not None:
            if sign is not None or match.group("more") or high < low:
                continue
            bounds = [(">=", low), ("<=", high)]
        elif match.group("more"):
            if sign is not None:
                continue
            bounds = [(">=", low)]
        elif sign is not None:
            bounds = [(sign, low)]
        else:
            continue
        atoms.append(Atom(match.start(), match.end(), "SCORE", "prior_lines", match.group(0), bounds=bounds))
    return atoms


# --- ages --------------------------------------------------------------------------------


_AGE_WORD = re.compile(r"\bage[ds]?\b|\bold\b|\bof age\b|older|younger", re.IGNORECASE)
_DECIMAL_AFTER = re.compile(r"[.,]\d")
_NEXT_WORD = re.compile(r"\s*-?\s*([A-Za-z]+)")


def _is_patient_age(text: str, match: re.Match, cues: Cues, second: bool = False) -> bool:
    """An age limit of the patient in years: not "3 months", "2.5 years", a duration ("for
    over 2 years": without an age word, only subject words may stand before the limit).
    ``second``: the other limit right after one (the words before it are the first's)."""
    rest = text[match.end():]
    if _DECIMAL_AFTER.match(rest) or _TIME_SINCE.match(rest):
        return False   # "2.5 years", "less than 5 years since diagnosis"
    following = _NEXT_WORD.match(rest)
    if following is not None and cues.days(following.group(1)) not in (None, DAYS["year"]):
        return False  # "age ≥ 3 months", "aged 6 to 24 weeks"
    if second or _AGE_WORD.search(match.group(0)):
        return True
    start = max(text.rfind(sep, 0, match.start()) for sep in ";:\n")
    sentence = re.search(r"[^.]*$", text[start + 1:match.start()])
    prefix = sentence.group(0) if sentence else ""
    words = re.findall(r"[A-Za-z]+", prefix)
    return all(w.lower() in cues.age_subject_words for w in words)


def _not_patients_age(text: str, match: re.Match, cues: Cues) -> bool:
    """"gestational age < 23 weeks", "≥ 3 years at time of diagnosis", "donor aged ...":
    an age that is not the patient's age now."""
    start = max(text.rfind(sep, 0, match.start()) for sep in ";\n")
    end = clause_end(text, match.end())
    window = text[max(start + 1, match.start() - 40):end]
    return any(p.search(window) for p in cues.patterns.get("age_not_patient", ()))


# a second limit right after an age ("Age ≥ 18 years and ≤ 72 years", "Age < 18 or ≥ 85"),
# ending the clause (not "... and less than 5 years since diagnosis")
_AGE_JOIN = re.compile(r"\s*(?:,\s*)?(?:and|or|but)\s*$", re.IGNORECASE)
_OR = re.compile(r"(?<!\w)or(?!\w)", re.IGNORECASE)
_TIME_SINCE = re.compile(r"\s*(?:since|after|from|ago|post|prior|before)\b", re.IGNORECASE)
_AGE_END = re.compile(r"\s*(?:$|[.;,)]|(?:inclusive|old|of age)\b)", re.IGNORECASE)


def _ages(text: str, cues: Cues) -> list[Atom]:
    atoms = []
    matches = list(cues.finditer("age", text))
    accepted = [m for m in matches if _is_patient_age(text, m, cues)]
    # a sign and a number alone ("or >= 85") only as the second limit (never accepted alone)
    matches += [m for m in cues.finditer("age_second", text)
                if not any(o.start() <= m.start() < o.end() for o in matches)]
    for match in matches:
        if match not in accepted:
            before = [m for m in accepted if m.end() <= match.start()]
            if not (before and _AGE_JOIN.fullmatch(text[max(m.end() for m in before):match.start()])
                    and _AGE_END.match(text, match.end()) and _is_patient_age(text, match, cues, second=True)):
                continue
        groups = match.groupdict()
        low = float(groups["lo"]) if groups.get("lo") else None
        high = float(groups["hi"]) if groups.get("hi") else None
        if high is not None:
            if groups.get("below"):
                high -= 1              # "< 25 years": 24 at most in whole years
            if low is None or low > high:
                continue
            age = (low, high)
        else:
            age = _age_bound(low, (groups.get("cmp") or "").lower())
            if age is None:
                continue
        if any(_contradicts(a.age, age) and not _OR.search(text[a.end:match.start()]) for a in atoms):
            continue   # "Age ≥ 65 and ≤ 18 years": no age meets both, the team reads it ("< 18 or ≥ 80" is fine)
        atom = Atom(match.start(), match.end(), "AGE", "age", match.group(0), age=age)
        if _not_patients_age(text, match, cues):
            atom.mods["other_person"] = True
        atoms.append(atom)
    return atoms


def _contradicts(one: tuple, other: tuple) -> bool:
    low = max(x for x in (one[0], other[0], -1.0) if x is not None)
    high = min(x for x in (one[1], other[1], 1e9) if x is not None)
    return low > high


def _age_bound(value: float | None, comparator: str) -> tuple[float | None, float | None] | None:
    if value is None or not comparator:
        return None
    comparator = re.sub(r"\s+", " ", comparator)
    sign = sign_of(comparator)
    if sign in (">", ">="):
        return value, None          # "over 18": 18 and older (a registry's "> 18" means the same)
    if sign == "<":
        return None, value - 1      # "under 18": 17 at most in whole years
    if sign == "<=":
        return None, value
    if comparator.startswith(("or older", "or above", "or over", "or more", "and older", "and above", "and over")):
        return value, None
    if comparator.startswith(("or younger", "or below", "or less")):
        return None, value
    return None


def restates_bound(atom: Atom, inner: str) -> bool:
    """'Hemoglobin ≥ 9.0 g/dL (90 g/L)', 'ANC ≥ 1.5 × 10^9/L (1500/mm3)': a bracket that
    only gives the lab's one threshold again in another unit (within 2 %) adds nothing."""
    if atom.label != "LAB" or not atom.bounds or len(atom.bounds) != 1 or atom.bounds[0][1][0] == "uln":
        return False
    inner = inner.strip()
    reading = _reader().after(inner, 0, len(inner))
    if reading is None or reading.unit is None or reading.value_high is not None or inner[reading.end:].strip(" ;,"):
        return False
    op, (value, unit) = atom.bounds[0]
    if reading.comparator not in (None, op):
        return False
    terminology = load_terminology()
    concept = terminology.get(atom.concept)
    units = concept.attrs.get("units", {}) if concept else {}
    written = normalize_unit(reading.unit, units) or normalize_unit(reading.unit)
    mine = terminology.to_canonical(atom.concept, value, unit)
    theirs = terminology.to_canonical(atom.concept, reading.value, written) if written else None
    return mine is not None and theirs is not None and abs(mine - theirs) <= 0.02 * max(abs(mine), abs(theirs), 1e-9)
