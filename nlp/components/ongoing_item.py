"""A treatment whose own list item ends in "ongoing" or "current" is taken now, whatever date or
heading stands before it: "invasive aspergillosis 12/2024 (voriconazole, ongoing)", "Previous:
... tacrolimus (ongoing)", "anakinra 2016-2019, restarted 04/2025 (current, 4 mg/kg/day)",
"rituximab | 10/2024 and 04/2025 | ongoing", "maintenance 30 mg since 04/2024 - current". The
item reaches from the treatment to the word with no other treatment, no line or ";" break and no
stop word between ("Tofacitinib 2023-2024: stopped after a PE (apixaban, ongoing)": the
apixaban's, not the tofacitinib's); the word must close the item (a bracket, comma, bar, full
stop or the line's end). A treatment that failed or was not tolerated stays so, taken now
(extraction.yaml ``ongoing_item``)."""
from __future__ import annotations

import re
from typing import Any

from spacy.tokens import Span

from core.facts import Fact
from nlp.components.doc_cache import doc_text
from nlp.resources import alternation

_TREATMENTS = ("DRUG", "PROCEDURE")


class OngoingItem:
    def __init__(self, vocabulary: dict[str, Any]):
        section = vocabulary.get("ongoing_item") or {}
        words = section.get("words") or ()
        stops = section.get("stop_words") or ()
        self.reach = int(section.get("reach", 80))
        if not words:
            self.closing = None
            return
        # the word right after an opening mark of the item ("(", ",", "|", "-") and before its close
        self.closing = re.compile(
            rf"[(,|\-–]\s*(?:{alternation(words)})\s*(?=[),;|.\n]|\Z)", re.IGNORECASE)
        self.stops = re.compile(rf"(?<!\w)(?:{alternation(stops)})(?!\w)", re.IGNORECASE) if stops else None

    def __call__(self, ents: list[Span], facts: list[Fact]) -> None:
        if self.closing is None or not ents:
            return
        text = doc_text(ents[0].doc)
        treatments = [(ent, fact) for ent, fact in zip(ents, facts) if fact.label in _TREATMENTS]
        for index, (ent, fact) in enumerate(treatments):
            if fact.negated or fact.hypothetical or fact.uncertain or fact.family:
                continue
            limit = min(len(text), ent.end_char + self.reach)
            for later, _ in treatments[index + 1:]:
                if later.start_char >= ent.end_char:
                    limit = min(limit, later.start_char)
                    break
            match = self.closing.search(text, ent.end_char)
            if match is None or match.start() >= limit:
                continue
            between = text[ent.end_char:match.start()]
            if "\n" in between or ";" in between or (self.stops and self.stops.search(between)):
                continue
            if fact.status in ("failed", "intolerant"):
                fact.ongoing = True
            else:
                fact.status = "current"
            fact.historical = False
