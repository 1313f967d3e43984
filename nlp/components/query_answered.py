"""A query answered in its own sentence is no doubt but a denial ("Query CNS disease: MRI brain
and CSF clear", "query PAH: echo normal", "Query malignancy: CT CAP clear 2025", "Query CNS
involvement (headaches) - LP clear"): the question cue ("query", "?") written right before the
finding made it possible; a colon or dash after the finding (an aside in brackets between
allowed), then within a few words a result that excludes it ("clear", "normal", "negative",
"excluded") answer the question, so the finding is absent. A result that does not exclude
("Query ILD: CT shows fibrosis") leaves the doubt (extraction.yaml ``query_answered``)."""
from __future__ import annotations

import re
from typing import Any

from spacy.tokens import Span

from core.facts import Fact
from nlp.components.doc_cache import doc_text
from nlp.resources import alternation

_ASKED = ("CONDITION", "INFECTION")


class QueryAnswered:
    def __init__(self, vocabulary: dict[str, Any]):
        section = vocabulary.get("query_answered") or {}
        self.cues = frozenset(word.lower() for word in section.get("cues") or ())
        answers = section.get("answers") or ()
        reach = int(section.get("reach", 40))
        self.answer = None
        if self.cues and answers:
            # "(headaches) - LP clear": an aside, the colon or dash, a few words, the result
            self.answer = re.compile(
                rf"[ \t]{{0,3}}(?:\([^()\n]{{0,40}}\)[ \t]{{0,3}})?(?::|-|–|—)[ \t]{{0,3}}"
                rf"[^.;:?!\n]{{0,{reach}}}?(?<!\w)(?:{alternation(answers)})(?!\w)",
                re.IGNORECASE)

    def __call__(self, ents: list[Span], facts: list[Fact]) -> None:
        if self.answer is None or not ents:
            return
        text = doc_text(ents[0].doc)
        for ent, fact in zip(ents, facts):
            if fact.label not in _ASKED or not fact.uncertain or fact.negated or fact.family:
                continue
            if not self._asked(ent, text) or not self.answer.match(text, ent.end_char):
                continue
            fact.uncertain, fact.negated = False, True
            if fact.label == "INFECTION":
                fact.status = "negative"

    def _asked(self, ent: Span, text: str) -> bool:
        """The finding's doubt is a question cue written right before it ("Query X", "? X")."""
        doc = ent.doc
        for modifier in ent._.modifiers:
            if modifier.category != "POSSIBLE_EXISTENCE":
                continue
            start, end = modifier.modifier_span
            cue = doc[start:end]
            if cue.text.lower() in self.cues and not text[cue.end_char:ent.start_char].strip():
                return True
        return False
