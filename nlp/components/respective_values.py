"""Values given in the order of the names before them, "respectively": "LDL-C and HDL-C levels
were 545 and 53 mg/dL, respectively", "fasting glucose and triglyceride levels (85 and 158
mg/dL, resp.)", "Hb, WBC and platelets were 9.1, 4.2 and 150, respectively". Each name takes
the value at its place: the first value would otherwise go to every name (the HDL read as 545,
the triglycerides as the glucose's 85). The place of a name is counted from the joins ("and",
",") between it and the values; the unit written after the last value is every value's
(``respectively_words`` in data/nlp/extraction.yaml; h166, round 35, issue #13).
"""
from __future__ import annotations

import re
from typing import Any

from nlp.components.measurements import NUMBER, UNIT, Reading
from nlp.resources import alternation
from nlp.units import parse_number, unit_candidates

_REACH = 200        # characters from the name to the word "respectively"
_BETWEEN = 80       # characters from the name to its list of values
_JOIN = re.compile(r"\band\b|,", re.IGNORECASE)
_NUM = re.compile(NUMBER)


class RespectiveValues:
    """The value of a lab named in a list that a "respectively" list of values follows."""

    def __init__(self, vocabulary: dict[str, Any]):
        words = vocabulary.get("respectively_words") or ()
        self.marker = re.compile(r"[\s,]*\b(?:%s)(?![a-z])\.?" % alternation(words), re.IGNORECASE) if words else None
        # the list of values that ends right before the marker: "545 and 53 mg/dL", "9.1, 4.2 and 150"
        self.values = re.compile(r"(?P<list>%s(?:\s*,\s*%s){0,4}\s*,?\s+and\s+%s)(?:\s?(?P<unit>%s))?\s*$"
                                 % (NUMBER, NUMBER, NUMBER, UNIT), re.IGNORECASE)

    def reading(self, text: str, end_char: int, limit: int) -> Reading | None:
        """The value at the place of the name that ends at ``end_char``, or None when no
        "respectively" list follows it in its sentence."""
        if self.marker is None:
            return None
        found = None
        for match in self.marker.finditer(text, end_char, min(limit, end_char + _REACH)):
            found = match
            break
        if found is None:
            return None
        head = text[end_char:found.start()]
        listed = self.values.search(head)
        if listed is None:
            return None
        between = head[:listed.start("list")]
        if len(between) > _BETWEEN or re.search(r"[\d.;:\n]", between):
            return None     # another value, or another sentence, before the list
        numbers = list(_NUM.finditer(listed.group("list")))
        place = len(numbers) - 1 - len(_JOIN.findall(between))
        if not 0 <= place < len(numbers):
            return None
        number = numbers[place]
        value = parse_number(number.group())
        if value is None:
            return None
        unit = listed.group("unit")
        unit = unit.strip() if unit and unit_candidates(unit.strip()) else None
        start = end_char + listed.start("list") + number.start()
        return Reading(start, start + len(number.group()), value, unit=unit)
