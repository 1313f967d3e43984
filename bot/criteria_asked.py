"""A question about what the trials ask for ("does she need CD19+ B cells?", "is CD7
positivity required?"): the criteria of the trials that may fit that name the thing asked
about, quoted with their verdict for this patient, so the answer comes from the registry's own
words, never from the bot's guess.

A criterion names a concept when its rule holds a leaf on that concept or on a broader or
narrower one (the terminology's hierarchy), or, for a criterion the parser left to the trial
team, when its text names the concept's label or the words the person used."""
from __future__ import annotations

import re
from typing import Any, Iterable

from bot.phrasings import CJK, says_any
from bot.results import shown_criteria
from core.facts import Fact
from core.rules import iter_leaves
from nlp.resources import chinese_vocabulary, vocabulary_words

MAX_TRIALS = 3
MAX_PER_TRIAL = 3
# the leaf fields that name a concept the person may ask about (core.rules.validate_rule's
# concept fields, allergy substances aside)
_CONCEPT_FIELDS = ("concept", "marker", "analyte", "agent", "score")


def _concepts_in(rule: Any) -> set[str]:
    """Every concept id a rule tree's leaves name."""
    return {leaf[field] for leaf in iter_leaves(rule) for field in _CONCEPT_FIELDS if isinstance(leaf.get(field), str)}


def _names(text: str, words: Iterable[str]) -> bool:
    low = text.casefold()
    return any(re.search(rf"(?<![\w-]){re.escape(w.casefold())}(?![\w])", low) for w in words if len(w) >= 2)


def _related(concept: str, named: set[str], terminology: Any) -> bool:
    if concept in named:
        return True
    if terminology is None or concept not in terminology:
        return False
    return any(other in terminology and (terminology.is_a(other, concept) or terminology.is_a(concept, other))
               for other in named)


_WORD = re.compile(r"[a-z][a-z0-9'-]*")


def asks_a_requirement(text: str) -> bool:
    """The message asks what a trial requires ("does he need bone marrow involvement?"):
    a word of ``requirement_question_words`` (data/nlp/extraction.yaml) in it."""
    if CJK.search(text):       # "她需要CD19阳性吗？": a requirement word and a question end (data/nlp/zh.yaml)
        words = chinese_vocabulary()
        return (any(word in text for word in words["requirement_words"])
                and text.rstrip().endswith(tuple(words["question_ends"])))
    return says_any(text, vocabulary_words("requirement_question_words"))


def asked_phrases(text: str) -> list[str]:
    """The two-word phrases of a question's own content words ("does he need bone marrow
    involvement or is a mediastinal mass enough?" -> "bone marrow", "marrow involvement",
    "mediastinal mass"): what it asks about when no finding of the terminology is named."""
    ignored = vocabulary_words("question_filler_words") | vocabulary_words("requirement_question_words")
    words = _WORD.findall(text.casefold())
    phrases = []
    for first, second in zip(words, words[1:]):
        if first not in ignored and second not in ignored and len(first) > 2 and len(second) > 2:
            phrases.append(f"{first} {second}")
    return phrases


def criteria_about(results: list[Any], asked: list[Fact], terminology: Any = None,
                   phrases: list[str] | None = None) -> list[dict[str, Any]]:
    """Per trial that may fit (the first ``MAX_TRIALS`` that name it), the criteria naming what
    ``asked`` is about: ``{"id", "title", "criteria": [{"id", "kind", "text", "status"}]}``."""
    concepts = {f.concept for f in asked if f.concept}
    words = {f.text.strip() for f in asked if f.text and f.text.strip()}
    if terminology is not None:
        words |= {terminology.label(c) for c in concepts if c in terminology}
    words = {re.sub(r"[+\-]+$", "", w).strip() for w in words} - {""}
    words |= set(phrases or ())
    found: list[dict[str, Any]] = []
    for result in results:
        rows = []
        criteria = list(getattr(result, "criteria", None) or [])
        # another cohort's lines (a Still's disease cohort's steroid line for a Crohn's patient)
        # and bare headings are not the patient's: as the results show them
        shown = {row["id"] for row in shown_criteria(criteria) if row["status"] != "other_cohort"}
        for c in criteria:
            if c.id not in shown:
                continue
            rule = (getattr(c, "criterion", None) or {}).get("rule")
            named = _concepts_in(rule) if rule is not None else set()
            if any(_related(concept, named, terminology) for concept in concepts) or _names(c.text or "", words):
                rows.append({"id": c.id, "kind": c.kind, "text": c.text, "status": c.status})
        if rows:
            trial = getattr(result, "trial", None) or {}
            found.append({"id": trial.get("nct_id") or trial.get("id") or getattr(result, "trial_id", ""),
                          "title": trial.get("title") or "", "criteria": rows[:MAX_PER_TRIAL],
                          "more": max(0, len(rows) - MAX_PER_TRIAL)})
        if len(found) >= MAX_TRIALS:
            break
    return found
