"""Numbers written in words, read as digits: ``numeral_view`` gives the text with "sixty eight"
written "68" (and "a year and a half" written "1.5 year") and the replaced regions, so patterns
written for digits (the age patterns, ``speaker_of``) read them and their spans map back to
the text's own offsets (``original_span``). The words are data (``spelled_units``,
``spelled_tens``, ``spelled_year_and_half``, ``spelled_number_not_before``,
``spelled_number_not_after`` in data/nlp/extraction.yaml; h95, round 21). No spaCy: the chat's
own process reads the speaker with it.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

from nlp.resources import alternation, vocabulary


@lru_cache(maxsize=1)
def _spelled() -> tuple[re.Pattern, dict[str, int], dict[str, int]]:
    """One pattern for a number in words (``spelled_units``, ``spelled_tens``,
    ``spelled_year_and_half`` in data/nlp/extraction.yaml), and the words' values."""
    words = vocabulary()
    units = {str(k).lower(): int(v) for k, v in words["spelled_units"].items()}
    tens = {str(k).lower(): int(v) for k, v in words["spelled_tens"].items()}
    halves = alternation(words["spelled_year_and_half"])
    not_before = alternation(words["spelled_number_not_before"])
    small = alternation([w for w in units if units[w] < 10])
    pattern = re.compile(
        rf"(?<![\w'-])(?:(?P<half>{halves})(?=\s+old\b)"
        rf"|(?P<tens>{alternation(tens)})(?:[\s-](?P<unit>{small}))?|(?P<alone>{alternation(units)}))"
        rf"(?![\w'-])(?!\s+(?:{not_before})\b)", re.IGNORECASE)
    return pattern, units, tens


@lru_cache(maxsize=1)
def _not_after() -> re.Pattern:
    """The word right before a number in words that makes it no number ("the one")."""
    return re.compile(rf"(?<![\w'-])(?:{alternation(vocabulary()['spelled_number_not_after'])})\s+$", re.IGNORECASE)


def numeral_view(text: str) -> tuple[str, list[tuple[int, int, int, int]]] | None:
    """The text with its numbers in words written in digits ("sixty eight" -> "68", "a year and
    a half" -> "1.5 year"), and the replaced regions as (start, end) in the new text then in
    the text; None when the text has none."""
    pattern, units, tens = _spelled()
    pieces, regions, at, shift = [], [], 0, 0
    not_after = _not_after()
    for match in pattern.finditer(text):
        if not match.group("half") and not_after.search(text, max(0, match.start() - 12), match.start()):
            continue
        if match.group("half"):
            digits = "1.5 year"
        elif match.group("tens"):
            digits = str(tens[match.group("tens").lower()] + (units[match.group("unit").lower()] if match.group("unit") else 0))
        else:
            digits = str(units[match.group("alone").lower()])
        start, end = match.span()
        pieces.append(text[at:start])
        new_start = start + shift
        regions.append((new_start, new_start + len(digits), start, end))
        pieces.append(digits)
        shift += len(digits) - (end - start)
        at = end
    if not regions:
        return None
    pieces.append(text[at:])
    return "".join(pieces), regions


def in_region(regions: list[tuple[int, int, int, int]], start: int, end: int) -> bool:
    return any(r_start < end and start < r_end for r_start, r_end, _, _ in regions)


def _original_offset(regions: list[tuple[int, int, int, int]], pos: int, end: bool) -> int:
    """A position of the numeral view in the text's offsets (inside a replaced region: the
    region's start, or its end for the end of a span)."""
    i = bisect_right([r[0] for r in regions], pos) - 1
    if i < 0:
        return pos
    new_start, new_end, start, old_end = regions[i]
    if pos >= new_end:
        return pos - new_end + old_end
    return old_end if end and pos > new_start else start


def original_span(regions: list[tuple[int, int, int, int]], start: int, end: int) -> tuple[int, int]:
    return _original_offset(regions, start, False), _original_offset(regions, end, True)
