"""A treatment on a pasted table's row with a start and a stop date ("| prednisolone | 2012 |
2014 | weaned, growth concerns |", "methotrexate | 03/2019 | 06/2021 | nausea") is over: past,
as "prednisolone 2012-2014" is. Not when a cell after it says it goes on ("| canakinumab |
2023 | - | ongoing |", "present", "current", "now", a bare "-" for the stop), nor for a
mention negated, hedged, hypothetical, a relative's or already said to go on (h86, round 19;
extraction.yaml ``table_row_ongoing``).

A medication table whose header names a start column and no stop column ("Drug  Dose  Since",
"Medication | Dose | Started") dates each row's start: "Prednisolone  10 mg OD  2021" is taken
from 2021 to now, not a use of 2021 (h96, round 21; extraction.yaml ``table_start_columns``,
``table_stop_columns``)."""
from __future__ import annotations

import re
from functools import lru_cache

from core.facts import Fact
from nlp.resources import vocabulary_words

_DATE_CELL = re.compile(r"\s*(?:\d{1,2}[/.-])?(?:\d{1,2}[/.-])?(?:19|20)\d\d\s*")


@lru_cache(maxsize=1)
def _goes_on() -> frozenset[str]:
    return vocabulary_words("table_row_ongoing")


_CELLS = re.compile(r"\t+|[ \t]{2,}|[ \t]*\|[ \t]*")


def table_rows(text: str, facts: list[Fact]) -> None:
    start_columns(text, facts)
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


def start_columns(text: str, facts: list[Fact]) -> None:
    """A treatment dated on its row under a header with a start column and no stop column is
    taken from that date on (see the module's docstring)."""
    for fact in facts:
        if (fact.label != "DRUG" or not fact.historical or fact.date is None or fact.status not in (None, "current")
                or fact.negated or fact.hypothetical or fact.uncertain or fact.family):
            continue
        line_start = text.rfind("\n", 0, fact.start) + 1
        line_end = text.find("\n", fact.end)
        row = [c for c in _CELLS.split(text[line_start:line_end if line_end >= 0 else len(text)]) if c.strip()]
        if len(row) < 2 or not _DATE_CELL.fullmatch(row[-1]) or not text[line_start:fact.start].strip(" \t|-*") == "":
            continue    # the drug opens its row, a date closes it
        header = _header_above(text, line_start)
        if header is None:
            continue
        cells = {c.strip().lower() for c in header}
        if cells & _words("table_start_columns") and not cells & _words("table_stop_columns"):
            fact.historical = False
            fact.status = "current"


def _header_above(text: str, line_start: int) -> list[str] | None:
    """The cells of the nearest line above that holds no digit (the table's header), within the
    table (no blank line between), or None."""
    end = line_start - 1
    for _ in range(15):
        if end < 0:
            return None
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end]
        if not line.strip():
            return None
        if not re.search(r"\d", line):
            cells = [c for c in _CELLS.split(line.strip(" \t|")) if c.strip()]
            return cells if len(cells) >= 2 else None
        end = start - 1
    return None


def _words(key: str) -> frozenset[str]:
    return vocabulary_words(key)
