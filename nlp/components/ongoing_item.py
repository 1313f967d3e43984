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
# a bracket right after the treatment holding a date range left open ("belimumab (2024-)",
# "tacrolimus (03/2025 - )"): from then to now; its dose may stand between ("MMF 1.5 g bd
# (2023-)": a number first, no bracket or break; h197, round 41)
_OPEN_RANGE = re.compile(r"(?:[ \t]+\d[\w./ \t]{0,24}?)?\s*\(\s*(?:\d{1,2}[/.]){0,2}(?:19|20)\d{2}\s*[-–]\s*\)")


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
        if not ents:
            return
        text = doc_text(ents[0].doc)
        if "-)" in text.replace(" ", "") or "–)" in text.replace(" ", ""):
            _open_ranges(text, ents, facts)
        if self.closing is None:
            return
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
            _taken_now(fact)


def _taken_now(fact: Fact) -> None:
    """The treatment is taken now: a failure or a harm stays so, taken now."""
    if fact.status in ("failed", "intolerant"):
        fact.ongoing = True
    else:
        fact.status = "current"
    fact.historical = False


def _open_range(text: str, ent: Span) -> bool:
    return _OPEN_RANGE.match(text, ent.end_char) is not None


def _open_ranges(text: str, ents: list[Span], facts: list[Fact]) -> None:
    """"belimumab (2024-)": a treatment whose bracket opens a date range and leaves it open
    is taken now (lead, round 30)."""
    for ent, fact in zip(ents, facts):
        if (fact.label not in _TREATMENTS or fact.negated or fact.hypothetical or fact.uncertain or fact.family
                or not _open_range(text, ent)):
            continue
        _taken_now(fact)
