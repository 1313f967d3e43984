"""How a fact's concept relates to a criterion's concept: the same id, a narrower concept
in the terminology hierarchy (rituximab is a biologic), a broader one ("a biologic" said,
rituximab asked), or, for terms the terminology does not hold, a close spelling
(rapidfuzz). The fuzzy threshold is tuned in tests/test_matching_concepts.py, which shows
pairs that must match and pairs that must not.
"""
from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz, utils

from data.terminology import Terminology

EXACT = "exact"
NARROWER = "narrower"   # the fact's concept is a kind of the criterion's concept
BROADER = "broader"     # the criterion's concept is a kind of the fact's concept
FUZZY = "fuzzy"         # spelled closely enough, for concepts the terminology does not know

# fuzz.ratio (0-100) over normalised strings. 95 keeps "dermatomyosits" ~ "dermatomyositis"
# (96.6) and rejects "hepatitis" ~ "hepatitis b" (90) and "t cell lymphoma" ~ "b cell
# lymphoma" (93.3); single-letter and numeric tokens must also agree exactly.
FUZZY_THRESHOLD = 95.0

_TOKEN = re.compile(r"[a-z0-9]+")


def relation(fact_concept: str, fact_text: str, rule_concept: str, terminology: Terminology) -> str | None:
    """EXACT, NARROWER, BROADER, FUZZY or None (unrelated)."""
    if fact_concept == rule_concept:
        return EXACT
    fact_known, rule_known = fact_concept in terminology, rule_concept in terminology
    if fact_known and rule_known:
        if terminology.is_a(fact_concept, rule_concept):
            return NARROWER
        if terminology.is_a(rule_concept, fact_concept):
            return BROADER
        return None
    rule_names = _names(rule_concept, terminology, with_descendants=True)
    fact_names = {_clean(fact_text), _clean(fact_concept.replace("_", " "))}
    if fact_known:
        fact_names |= _names(fact_concept, terminology, with_descendants=False)
    return FUZZY if any(similar(a, b) for a in fact_names for b in rule_names) else None


def similar(a: str, b: str) -> bool:
    """Close spellings of the same term (both already normalised or not)."""
    a, b = _clean(a), _clean(b)
    if not a or not b:
        return False
    if fuzz.ratio(a, b) < FUZZY_THRESHOLD:
        return False
    return _short_tokens(a) == _short_tokens(b)


def _short_tokens(text: str) -> set[str]:
    return {t for t in _TOKEN.findall(text) if len(t) <= 2 or any(ch.isdigit() for ch in t)}


def _clean(text: str) -> str:
    return utils.default_process((text or "").replace("'", "").replace("’", ""))


@lru_cache(maxsize=4096)
def _names(concept_id: str, terminology: Terminology, with_descendants: bool) -> frozenset[str]:
    """Normalised label and terms of a concept (and of the concepts under it)."""
    ids = [concept_id]
    if with_descendants and concept_id in terminology:
        ids = terminology.descendants(concept_id)
    names = {_clean(concept_id.replace("_", " "))}
    for cid in ids:
        concept = terminology.get(cid)
        if concept is not None:
            names.add(_clean(concept.label))
            names.update(_clean(t) for t in concept.terms)
    return frozenset(n for n in names if n)
