"""Readers for short answers, nlp's public face for ``matching.answers``: a value at the
start of a reply ("12.5 mg/dL", "< 30", "3x ULN") and the dates a reply names ("March
2024", "3 weeks ago"). The same readers the pipeline uses, without building the pipeline.
A Chinese reply (``nlp.chinese.is_chinese``) is read with the Chinese words ("大概30",
"2万": 2 × 10^4/µL; "2019年5月", "3个月前", "去年")."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from functools import lru_cache
from typing import Any, Iterator

from nlp.components.measurements import ValueReader
from nlp.components.time import TimeReader
from nlp.chinese import is_chinese, to_simplified
from nlp.resources import chinese_vocabulary, vocabulary


@lru_cache(maxsize=1)
def _value_reader() -> ValueReader:
    return ValueReader(vocabulary())


@lru_cache(maxsize=1)
def _time_reader() -> TimeReader:
    return TimeReader(vocabulary())


@lru_cache(maxsize=1)
def _chinese_values():
    from nlp.components.zh_values import ChineseValues   # start-up: only for a Chinese reply

    return ChineseValues(chinese_vocabulary(), vocabulary())


@lru_cache(maxsize=1)
def _chinese_times():
    from nlp.components.zh_time import ChineseTimes   # start-up: only for a Chinese reply

    return ChineseTimes(chinese_vocabulary())


def value_at_start(text: str) -> Any:
    """The value at the start of ``text`` (number, comparator, unit as written, or N x ULN:
    a ``ValueReader`` reading), or None. In a Chinese reply a Chinese unit word is given as
    its unit key ("2万": unit "10^4/uL")."""
    if is_chinese(text):
        values = _chinese_values()
        reading = values.after(to_simplified(text), 0)
        if reading is not None and values.unit_key(reading.unit):
            reading = replace(reading, unit=values.unit_key(reading.unit))
        return reading
    return _value_reader().after(text, 0, len(text))


def dates_in(text: str, today: date) -> Iterator[str]:
    """The ISO dates (YYYY, YYYY-MM or YYYY-MM-DD) that ``text`` names, relative ones
    anchored at ``today``, in reading order."""
    times = _chinese_times()(to_simplified(text), today, []) if is_chinese(text) else _time_reader()(text, today)
    for expression in times:
        if expression.date:
            yield expression.date
