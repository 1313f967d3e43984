"""Treatments named as examples of a trial asked about ("She would prefer a trial first (e.g.
obefazimod, an anti-TL1A antibody)", "FcRn inhibitors such as efgartigimod, or a complement
inhibitor trial") and a list of treatments before a trial word ("He asks about emapalumab or
JAK inhibitor trials"): hypothetical, as "a trial of X" is. Only mentions nothing else is said
of (no status, not past, not negated): "a trial for AML after aza and ven, including
navitoclax" keeps aza and ven as given (extraction.yaml ``trial_examples``)."""
from __future__ import annotations

import re
from typing import Any

from spacy.tokens import Span

from core.facts import Fact
from nlp.components.doc_cache import doc_text
from nlp.resources import alternation

_TREATMENTS = ("DRUG", "PROCEDURE")
# what joins two items of a list before a trial word: commas, "or", "and", "/"
_JOINER = re.compile(r"[\s,/]*(?:(?:or|and)[\s,/]*)?", re.IGNORECASE)


class TrialExamples:
    def __init__(self, vocabulary: dict[str, Any]):
        section = vocabulary.get("trial_examples") or {}
        self.trial_words = frozenset(w.lower() for w in section.get("trial_words") or ())
        examples = section.get("example_words") or ()
        self.examples = re.compile(rf"(?<!\w)(?:{alternation(examples)})(?!\w)", re.IGNORECASE) if examples else None
        self.reach = int(section.get("reach", 8))

    @staticmethod
    def _open(fact: Fact) -> bool:
        return not (fact.status or fact.historical or fact.negated or fact.hypothetical or fact.family)

    def __call__(self, ents: list[Span], facts: list[Fact]) -> None:
        if not self.trial_words or not ents:
            return
        doc = ents[0].doc
        text = doc_text(doc)
        pairs = [(ent, fact) for ent, fact in zip(ents, facts) if fact.label in _TREATMENTS]
        for ent, fact in pairs:
            if not self._open(fact) or not any(t.lower_ in self.trial_words for t in ent.sent):
                continue
            if self._an_example(doc, text, ent):
                fact.hypothetical = True
        self._lists_before_trials(pairs, text)

    def _an_example(self, doc, text: str, ent: Span) -> bool:
        if self.examples is None:
            return False
        start = doc[max(ent.sent.start, ent.start - self.reach)].idx
        for match in self.examples.finditer(text, start, ent.start_char):
            between = text[match.end():ent.start_char]
            if ";" not in between and "\n" not in between:
                return True
        return False

    def _lists_before_trials(self, pairs: list[tuple[Span, Fact]], text: str) -> None:
        """"emapalumab or JAK inhibitor trials": the item the trial word's cue reached makes the
        items joined to it before it asked about too."""
        for index, (ent, fact) in enumerate(pairs):
            if not fact.hypothetical or not any(
                    m.category == "HYPOTHETICAL" and m.modifier_span[0] >= ent.end
                    and ent.doc[m.modifier_span[0]:m.modifier_span[1]].text.lower() in self.trial_words
                    for m in ent._.modifiers):
                continue
            later = ent
            for earlier, other in reversed(pairs[:index]):
                if earlier.sent.start != ent.sent.start or not _JOINER.fullmatch(text, earlier.end_char, later.start_char):
                    break
                if self._open(other):
                    other.hypothetical = True
                later = earlier
