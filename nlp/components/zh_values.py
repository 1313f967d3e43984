"""A value written in Chinese after a name or as an answer: the Chinese words before the
number passed ("才2万", "大概30", "低于50"), then the English ``ValueReader`` (number,
unit, comparator), then a Chinese unit word after it ("2万": 2 × 10^4/µL). Words are data
(data/nlp/zh.yaml ``value_fillers``, ``comparators``, ``unit_words``).
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from nlp.components.measurements import Reading, ValueReader

_LABEL_COLON = re.compile(r"\s*[:：]?")
_VALUE_GAP = 2           # characters allowed between the words passed and the number


class ChineseValues:
    def __init__(self, words: dict[str, Any], english: dict[str, Any]):
        self.fillers = sorted(words["value_fillers"], key=len, reverse=True)
        self.comparators = dict(words["comparators"])
        self.unit_words = dict(words["unit_words"])
        self.clause_ends = frozenset(words["clause_ends"])
        self.values = ValueReader(english)

    def after(self, text: str, position: int) -> Reading | None:
        """The value after ``position`` (a name's end) in its clause ("肌酐：76 μmol/L")."""
        position += len(_LABEL_COLON.match(text, position).group())
        limit = position
        while limit < len(text) and text[limit] not in self.clause_ends:
            limit += 1
        i, comparator = position, None
        while True:
            while i < limit and text[i].isspace():
                i += 1
            word = next((w for w in self.fillers if text.startswith(w, i)), None)
            if word is None:
                word = next((w for w in self.comparators if text.startswith(w, i)), None)
                if word is not None:
                    comparator = self.comparators[word]
            if word is None:
                break
            i += len(word)
        reading = self.values.after(text, i, limit)
        if reading is None or reading.start - i > _VALUE_GAP:
            return None
        if reading.unit is None:
            rest = text[reading.end:limit].lstrip()
            unit = next((w for w in self.unit_words if rest.startswith(w)), None)
            if unit is not None:
                reading = replace(reading, unit=unit)
        if comparator and not reading.comparator:
            reading = replace(reading, comparator=comparator)
        return reading

    def unit_key(self, unit: str | None) -> str | None:
        """A Chinese unit word's unit key ("万" -> "10^4/uL"), else None."""
        return self.unit_words.get(unit) if unit else None
