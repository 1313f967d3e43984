"""Readers for short answers, nlp's public face for ``matching.answers``: a value at the
start of a reply ("12.5 mg/dL", "< 30", "3x ULN") and the dates a reply names ("March
2024", "3 weeks ago"). The same readers the pipeline uses, without building the pipeline."""
from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any, Iterator

from nlp.components.measurements import ValueReader
from nlp.components.time import TimeReader
from nlp.resources import vocabulary


@lru_cache(maxsize=1)
def _value_reader() -> ValueReader:
    return ValueReader(vocabulary())


@lru_cache(maxsize=1)
def _time_reader() -> TimeReader:
    return TimeReader(vocabulary())


def value_at_start(text: str) -> Any:
    """The value at the start of ``text`` (number, comparator, unit as written, or N x ULN:
    a ``ValueReader`` reading), or None."""
    return _value_reader().after(text, 0, len(text))


def dates_in(text: str, today: date) -> Iterator[str]:
    """The ISO dates (YYYY, YYYY-MM or YYYY-MM-DD) that ``text`` names, relative ones
    anchored at ``today``, in reading order."""
    for expression in _time_reader()(text, today):
        if expression.date:
            yield expression.date
