"""A lab row of a results table pasted with two or more dated columns: the value of the latest
column is the result now. Letters paste their results with the earlier and the latest value
side by side, the dates in a header line above:

    Results      03/06/2025   04/11/2025          Bloods        Today   4 weeks ago
    UPCR         280          410 mg/mmol         Hb (g/L)      82      101
    C3           0.52         0.48 g/L            Platelets     23      58

The row's first value is not always the latest: the header says which column is. Its cells
are read as days (05/11/2025, 11/2025, 2025-11-05, "October 2025", "Jul 2025"), as now
("today", "current", "latest", "now") or as earlier ("4 weeks ago", "previous", "baseline",
extraction.yaml ``lab_columns``); when every cell reads, the value under the latest one is
taken. A row with no such header (or a header that does not read) keeps its first value, as
before (h96, round 21, issue #13). Also read here: a unit written between the name and the
values ("Hb (g/L) 82 101", "Creatinine umol/L 142 231", "FVC (% pred) 74 63").
"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Any

from nlp.components.measurements import NUMBER, UNIT, Reading, ValueReader
from nlp.resources import alternation
from nlp.units import unit_candidates

# the cells after the row's first value: numbers (each with its unit or a flag) separated by a
# tab, two spaces or a "|"
_CELL = re.compile(rf"(?:\t|[ \t]{{2,}}|[ \t]*\|[ \t]*)(?P<num>[<>]?\s?{NUMBER})(?:[ \t]?(?P<unit>{UNIT}))?(?:[ \t]?\((?:H|L|HH|LL)\))?")
_CELL_SPLIT = re.compile(r"\t+|[ \t]{2,}|[ \t]*\|[ \t]*")
# a unit between a lab's name and its value ("Hb (g/L) 82", "Creatinine umol/L 142", "FVC (% pred) 74")
_UNIT_FIRST = re.compile(rf"[ \t]*(?:\([ \t]*(?P<bracketed>%[ \t]*pred(?:icted)?|{UNIT})[ \t]*\)|(?P<bare>{UNIT}))[ \t]+(?=[<>]?\s?\d)",
                         re.IGNORECASE)


class LabColumns:
    def __init__(self, vocabulary: dict[str, Any], values: ValueReader):
        spec = vocabulary.get("lab_columns") or {}
        self.values = values
        self.months = {k.lower(): int(v) for k, v in vocabulary["month_names"].items()}
        month = alternation(self.months)
        self.latest = re.compile(rf"^(?:{alternation(spec.get('latest_words') or ['today'])})$", re.IGNORECASE)
        self.earlier = re.compile(rf"^(?:{alternation(spec.get('earlier_words') or ['previous'])})$", re.IGNORECASE)
        units = alternation(spec.get("ago_units") or {"day": 1})
        self.ago_units = {str(k).lower(): int(v) for k, v in (spec.get("ago_units") or {"day": 1}).items()}
        self.ago = re.compile(rf"^(?P<n>\d+|an?|one|two|three|four|six)\s+(?P<unit>{units})s?\s+ago$", re.IGNORECASE)
        self.numeric = re.compile(r"^(?:(?P<d>\d{1,2})[/.-])?(?P<m>\d{1,2})[/.-](?P<y>(?:19|20)?\d\d)$")
        self.iso = re.compile(r"^(?P<y>(?:19|20)\d\d)-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?$")
        self.named = re.compile(rf"^(?:(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+)?(?P<month>{month})\.?,?\s+(?P<y>(?:19|20)\d\d)$", re.IGNORECASE)
        self.year = re.compile(r"^(?P<y>(?:19|20)\d\d)$")
        self.header_lines = int(spec.get("header_lines", 12))

    # --- a unit before the value -------------------------------------------------------
    def unit_first(self, text: str, pos: int, limit: int) -> Reading | None:
        """The value after a unit written right after the lab's name ("Hb (g/L) 82"), with that
        unit when the value has none of its own; None when no unit stands there."""
        match = _UNIT_FIRST.match(text, pos, limit)
        if match is None:
            return None
        written = (match.group("bracketed") or match.group("bare")).strip()
        percent = written.startswith("%")
        if not percent and not unit_candidates(written):
            return None
        reading = self.values.after(text, match.end(), limit)
        if reading is None or reading.value is None:
            return None
        return reading if reading.unit else replace(reading, unit="%" if percent else written)

    # --- the latest of dated columns -----------------------------------------------------
    def latest_of_row(self, text: str, reading: Reading) -> Reading:
        """``reading`` or, on a table row with dated columns, the value of the latest one."""
        line_start = text.rfind("\n", 0, reading.start) + 1
        line_end = text.find("\n", reading.end)
        line_end = len(text) if line_end < 0 else line_end
        cells = [(reading.start, reading)]
        at = reading.end
        while True:
            match = _CELL.match(text, at, line_end)
            if match is None:
                break
            cells.append((match.start("num"), None))
            at = match.end()
        if len(cells) < 2 or text[at:line_end].strip(" \t|"):
            return reading      # one value, or words after the values: not a table row
        order = self._header_order(text, line_start, len(cells))
        if order is None:
            return reading
        latest = max(range(len(cells)), key=lambda k: order[k])
        if latest == 0:
            return reading
        start = cells[latest][0]
        newer = self.values.after(text, start, line_end)
        if newer is None or newer.value is None:
            return reading
        return newer if newer.unit or not reading.unit else replace(newer, unit=reading.unit)

    def _header_order(self, text: str, line_start: int, count: int) -> list[float] | None:
        """The order in time of the last ``count`` cells of the nearest header line above
        ``line_start`` whose last ``count`` cells all read as dates or times, or None."""
        end = line_start - 1
        for _ in range(self.header_lines):
            if end < 0:
                return None
            start = text.rfind("\n", 0, end) + 1
            line = text[start:end].strip(" \t|")
            end = start - 1
            if not line:
                return None     # a blank line ends the table
            cells = [c.strip() for c in _CELL_SPLIT.split(line) if c.strip()]
            if len(cells) < count:
                continue
            order = [self._when(c) for c in cells[-count:]]
            if all(o is not None for o in order):
                return order    # type: ignore[return-value]
        return None

    def _when(self, cell: str) -> float | None:
        """A header cell as a point in time (an ordinal day; now is the largest), or None."""
        cell = cell.strip(" ():")
        if self.latest.match(cell):
            return float("inf")
        if self.earlier.match(cell):
            return float("-inf")
        ago = self.ago.match(cell)
        if ago:
            n = ago.group("n").lower()
            count = int(n) if n.isdigit() else {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "six": 6}[n]
            return 1e9 - count * self.ago_units[ago.group("unit").lower()]
        for pattern in (self.numeric, self.iso, self.named, self.year):
            match = pattern.match(cell)
            if match is None:
                continue
            groups = match.groupdict()
            year = int(groups["y"])
            year += 2000 if year < 100 else 0
            month = self.months[groups["month"].lower()] if groups.get("month") else int(groups.get("m") or 1)
            day = int(groups.get("d") or 1)
            if month > 12 >= day:
                day, month = month, day     # a US date
            try:
                return float(date(year, month, day).toordinal())
            except ValueError:
                return None
        return None
