"""Round 22 (h101), issue #15: importing does less work for the same records.

* Therapy terms are compiled when first tried (``nlp.criteria.atoms._therapy_pattern``), not
  all ~8,000 when the first alternative is looked for: the same alternatives.
* The garbage collector's thresholds are raised while studies are read
  (``registry.workers.READING_GC``), never lowered, and put back when the run ends.
* ConText's patterns are filed by first word against medspaCy's own Matcher
  (``FirstWordMatcher(full=...)``): the patterns are not added a second time, and the
  matches are those of one Matcher holding them all.
Behaviour, not timing: each is checked against the plain computation it replaces.
"""
from __future__ import annotations

import gc
import re
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.matcher import Matcher

from data.terminology import load_terminology
from nlp.criteria import atoms
from nlp.pipeline import FirstWordMatcher, build_pipeline
from registry import workers
from registry.run import read_files

ROOT = Path(__file__).resolve().parent.parent
CTGOV = ROOT.parent / "shared" / "ctgov"


# --- therapy terms compiled when first tried ---


@lru_cache(maxsize=1)
def _every_therapy_pattern() -> tuple[tuple[re.Pattern, str], ...]:
    return tuple((re.compile(rf"(?<!\w){re.escape(term)}(?!\w)"), concept) for term, concept, _ in atoms._therapy_terms())


def _alternatives_from_every_term(atom, terminology) -> list[str]:
    """The alternatives as computed before round 22: every therapy term's pattern tried."""
    words = atom.text.lower().rstrip()
    result: list[str] = []
    for pattern, concept in _every_therapy_pattern():
        if concept == atom.concept or concept in result or not any(m.end() == len(words) for m in pattern.finditer(words)):
            continue
        if terminology.is_a(concept, atom.concept) or terminology.is_a(atom.concept, concept):
            continue
        result.append(concept)
    return result


def test_alternatives_are_those_every_therapy_term_gives():
    terminology = load_terminology()
    therapies = list(terminology.by_category("therapy"))
    texts = ["other clinical trials", "investigational study drug", "an investigational agent",
             "chemotherapy", "radiotherapy", "stem cell transplant", "live vaccines", "biologic therapy"]
    texts += [term for concept in therapies[:300:10] for term in concept.terms[:2]]
    checked = 0
    for text in texts:
        for concept in therapies[:60:12]:
            atom = atoms.Atom(0, len(text), "DRUG", concept.id, text)
            assert atoms._alternatives(atom, terminology) == _alternatives_from_every_term(atom, terminology), (text, concept.id)
            checked += 1
    assert checked > 100


def test_a_therapy_term_is_compiled_once_when_first_tried():
    term = atoms._therapy_terms()[0][0]
    first = atoms._therapy_pattern(term)
    assert first is atoms._therapy_pattern(term)
    assert first.pattern == rf"(?<!\w){re.escape(term)}(?!\w)"
    # the table holds the words, no compiled patterns: nothing is compiled up front
    assert all(isinstance(entry[0], str) for entry in atoms._therapy_terms())
    assert len(atoms._THERAPY_PATTERNS) < len(atoms._therapy_terms())


# --- the collector while studies are read ---


def test_reading_thresholds_raise_and_never_lower_the_collectors():
    assert workers._reading_thresholds((700, 10, 10)) == workers.READING_GC
    assert workers._reading_thresholds(workers.READING_GC) == workers.READING_GC
    assert workers._reading_thresholds((50_000, 20, 200)) == (50_000, 20, 200)      # a process's own higher ones
    assert workers._reading_thresholds((0, 10, 10)) == (0, 10, 100)                # 0: collection off stays off


def test_the_collectors_thresholds_are_raised_while_reading_and_put_back_after():
    seen = []

    def parse(text: str, kind: str) -> dict:
        seen.append(gc.get_threshold())
        return {"type": "review", "reason": "clinical", "text": text}

    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        files = sorted(CTGOV.glob("NCT*.json"))[:2]
        records = read_files(files, parse=parse, workers=1)
        assert len(records) == 2
        assert seen and all(t == workers.READING_GC for t in seen)
        assert gc.get_threshold() == (700, 10, 10)
    finally:
        gc.set_threshold(*before)


def test_records_read_are_the_same_whatever_the_collectors_thresholds():
    files = sorted(CTGOV.glob("NCT*.json"))[:3]
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        plain = read_files(files, workers=1)
        gc.set_threshold(0)         # never collected: what READING_GC only makes rarer
        uncollected = read_files(files, workers=1)
    finally:
        gc.set_threshold(*before)
    for a, b in zip(plain, uncollected):
        a.pop("criteria_reader", None), b.pop("criteria_reader", None)
    assert plain == uncollected


# --- ConText's patterns filed against medspaCy's own Matcher ---

PATTERNS = {
    "exact": [{"LOWER": "no"}, {"LOWER": "evidence"}, {"LOWER": "of", "OP": "?"}],
    "second_set": [{"LOWER": "history"}, {"LOWER": {"IN": ["of", "with"]}}],
    "other_first": [{"LIKE_NUM": True}, {"LOWER": {"IN": ["cycles", "doses"]}}],
    "same_span_a": [{"LOWER": "going"}, {"LOWER": "to"}, {"LOWER": "try"}],
    "same_span_b": [{"LOWER": {"IN": ["going", "planning"]}}, {"LOWER": "to"}, {"LOWER": "try"}],
}
TEXTS = ["No evidence of disease; history of lupus, 3 cycles and 2 doses.",
         "going to try it, planning to try again", "history", ""]


def test_a_given_full_matcher_is_kept_and_the_matches_are_one_matchers():
    nlp = spacy.blank("en")
    own = Matcher(nlp.vocab)
    for key, pattern in PATTERNS.items():
        own.add(key, [pattern])
    filed = FirstWordMatcher(nlp.vocab, validate=False, full=own)
    for key, pattern in PATTERNS.items():
        filed.add(key, [pattern])
    assert filed.full is own and len(own) == len(PATTERNS)      # not added a second time
    for text in TEXTS:
        doc = nlp(text)
        assert sorted(filed(doc)) == sorted(own(doc)), text   # (medspaCy sorts them)


def test_the_pipelines_context_rules_are_filed_against_medspacys_matcher():
    from nlp.components.context import CONTEXT_PIPE

    rules = build_pipeline().get_pipe(CONTEXT_PIPE)._ConText__matcher
    filed = rules._MedspacyMatcher__matcher
    listed = sum(1 for rule in rules.rule_map.values() if isinstance(rule.pattern, list))
    assert isinstance(filed, FirstWordMatcher) and not isinstance(filed.full, FirstWordMatcher)
    assert len(filed.full) == listed
    nlp = build_pipeline()
    for text in ["No history of hepatitis B or C infection", "Patients who relapsed after 2 prior lines of therapy",
                 "not on steroids; 3 cycles of chemotherapy, CR1 after a course"]:
        doc = nlp(text)
        assert sorted(filed(doc)) == sorted(filed.full(doc)), text
