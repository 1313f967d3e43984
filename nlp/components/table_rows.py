"""A treatment on a pasted table's row with a start and a stop date ("| prednisolone | 2012 |
2014 | weaned, growth concerns |", "methotrexate | 03/2019 | 06/2021 | nausea") is over: past,
as "prednisolone 2012-2014" is. Not when a cell after it says it goes on ("| canakinumab |
2023 | - | ongoing |", "present", "current", "now", a bare "-" for the stop), nor for a
mention negated, hedged, hypothetical, a relative's or already said to go on (h86, round 19;
extraction.yaml ``table_row_ongoing``)."""
from __future__ import annotations

import re
from functools import lru_cache

from core.facts import Fact
from nlp.resources import vocabulary_words

_DATE_CELL = re.compile(r"\s*(?:\d{1,2}[/.-])?(?:\d{1,2}[/.-])?(?:19|20)\d\d\s*")


@lru_cache(maxsize=1)
def _goes_on() -> frozenset[str]:
    return vocabulary_words("table_row_ongoing")


def table_rows(text: str, facts: list[Fact]) -> None:
    if "|" not in text:
        return
    for fact in facts:
        if (fact.label not in ("DRUG", "PROCEDURE") or fact.historical or fact.ongoing
                or fact.negated or fact.hypothetical or fact.uncertain or fact.family):
            continue
        line_start = text.rfind("\n", 0, fact.start) + 1
        line_end = text.find("\n", fact.end)
        line = text[line_start:line_end if line_end >= 0 else len(text)]
        if line.count("|") < 2:
            continue
        cells = line[fact.end - line_start:].split("|")[1:]
        if len(cells) < 2:
            continue
        dates = [c for c in cells if _DATE_CELL.fullmatch(c)]
        words = {w for c in cells for w in re.findall(r"[a-z]+|-", c.lower())}
        if len(dates) >= 2 and not any(c.strip() in ("-", "\u2013") for c in cells) and not (words & _goes_on()):
            fact.historical = True
            if fact.status == "current":
                fact.status = None
