"""How well a trial's text fits what the patient said: BM25 over the stored trials' title,
conditions, keywords and criteria (``data/search.py``), queried with the words of the
patient's asserted facts (conditions, treatments, markers, procedures, infections) and
their concepts' names. The ranking uses it within a verdict, after the condition fit."""
from __future__ import annotations

import re
from typing import Any

from core.facts import Profile
from data import search
from data.store import trials_version
from data.terminology import load_terminology

_MEMO: dict[tuple, dict[str, float]] = {}
LABELS = ("CONDITION", "DRUG", "BIOMARKER", "PROCEDURE", "INFECTION")
_WORD = re.compile(r"[^\W_]{3,}", re.UNICODE)


def query_words(profile: Profile) -> list[str]:
    """The words a patient's asserted facts contribute to the query, in order."""
    terminology = load_terminology()
    words: list[str] = []
    for fact in profile.facts:
        if fact.label not in LABELS or fact.negated or fact.family or fact.hypothetical:
            continue
        names = [fact.text]
        if fact.concept in terminology:
            names.append(terminology.label(fact.concept))
        for name in names:
            words += [w.lower() for w in _WORD.findall(name or "")]
    return list(dict.fromkeys(words))


def keyword_scores(db: Any, profile: Profile) -> dict[str, float]:
    """BM25 relevance by trial id (only trials matching some word), or {} when the
    profile has no words or the store has no full-text index."""
    words = query_words(profile)
    if not words:
        return {}
    query = " OR ".join('"' + w.replace('"', "") + '"' for w in words)
    key = (id(db), trials_version(db), query)      # the same words on unchanged trials: the same scores
    found = _MEMO.get(key)
    if found is not None:
        return found
    try:
        scores = search.search(db, query)
    except Exception as exc:          # an older store without the index: rank without it
        if "no such table" in str(exc):
            return {}
        raise
    if len(_MEMO) >= 16:
        _MEMO.pop(next(iter(_MEMO)))
    _MEMO[key] = scores
    return scores
