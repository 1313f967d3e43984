"""A diagnosis the doctors gave first and then changed is not the patient's: "they told me at
first it was lupus but now they say its MCTD", "initially diagnosed as ITP, later changed to
Evans syndrome", "they thought it was RA but then decided it was Still's". The first
disease is denied when a second one is named after the change in the same sentence
(``revised_diagnosis`` in extraction.yaml: the words that open the first guess and the ones
that say it changed)."""
from __future__ import annotations

import re
from typing import Any

from spacy.tokens import Doc

from core.facts import Fact
from nlp.components.doc_cache import doc_text, sentence_index
from nlp.resources import alternation


class RevisedDiagnosis:
    def __init__(self, vocabulary: dict[str, Any], terminology):
        self.terminology = terminology
        section = vocabulary.get("revised_diagnosis") or {}
        first, change = section.get("first") or (), section.get("change") or ()
        self.first = re.compile(rf"(?<!\w)(?:{alternation(first)})(?!\w)", re.IGNORECASE) if first else None
        self.change = re.compile(rf"(?<!\w)(?:{alternation(change)})(?!\w)", re.IGNORECASE) if change else None

    def __call__(self, doc: Doc, facts: list[Fact]) -> None:
        if self.first is None or self.change is None:
            return
        text, sentences = doc_text(doc), sentence_index(doc)
        conditions = [f for f in facts if f.label == "CONDITION" and not (f.negated or f.family)]
        for opening in self.first.finditer(text):
            end = sentences.bounds(opening.start())[1]
            change = self.change.search(text, opening.end(), end)
            if change is None:
                continue
            # the guess is named as what it was ("it was lupus", "diagnosed as ITP", "thought
            # she had RA"), not a disease said to be mild at first
            guessed = [f for f in conditions if opening.end() <= f.start and f.end <= change.start()
                       and _NAMED_AS.search(text, max(opening.start(), f.start - 24), f.start)]
            after = [f for f in conditions if change.end() <= f.start and f.end <= end]
            if not guessed or not after or any(self._kin(g.concept, a.concept) for g in guessed for a in after):
                continue
            for fact in guessed:
                fact.negated, fact.historical, fact.uncertain = True, False, False

    def _kin(self, one: str, other: str) -> bool:
        """One disease is the other or a kind of it (lupus, then lupus nephritis: no change)."""
        return one == other or self.terminology.is_a(one, other) or self.terminology.is_a(other, one)


# the words right before a disease named as the guess
_NAMED_AS = re.compile(r"(?:\bit\s+was|\bit'?s|\bas|\bto\s+be|\bwith|\bhad|\bhas|\bwas)\s+(?:an?\s+|the\s+)?$", re.IGNORECASE)
