"""Letters and digits a regular expression's every match holds, found in the parsed pattern:
the pre-check that lets a text skip the patterns that cannot match it (no spaCy, no data).

``heads(pattern)``: strings one of which every match contains (lower case), ``()`` when none
is certain; ``needs_digit(pattern)``: every match holds a digit (or a lookaround asks for
one); ``fold_text(text)``: the text as the heads are looked for in it (every character a
case-insensitive ASCII letter matches written as that letter, lower case). A pattern is
skipped only when none of its heads is in the fold (or it needs a digit and the text has
none): it could not have matched, so what is found is the same. Used by the criteria
cues (``nlp/criteria/cues.py``, since round 10) and by the extraction patterns
(``nlp/components/patterns.py``, round 32).
"""
from __future__ import annotations

import re
import re._constants as _c
import re._parser as _parser
from functools import lru_cache

_HEAD_LIMIT = 48   # more alternatives than this: no pre-check
# The only characters outside ASCII that a case-insensitive regular expression matches to an
# ASCII letter (Python's ``re``; tests/test_criteria_speed.py checks every code point):
# written as that letter, a text's fold holds every head a match of a pattern holds
_ASCII_TWINS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


def fold_text(text: str) -> str:
    """``text`` case-folded for the head pre-check (``heads``): every letter a
    case-insensitive pattern's ASCII letter matches becomes that letter, lower case. For a
    text with other characters too (an accent, a "≥"), the pre-check then stays exact: a
    pattern is skipped only when none of its heads is in the fold, so it cannot match."""
    return text.casefold() if text.isascii() else text.translate(_ASCII_TWINS).casefold()


# id(a pattern) -> (the pattern, its heads): a pattern's own hash digests its whole compiled
# code on every call (~0.8 us for a cue; the criteria parser asks ~170,000 times over the
# 241 records), its id is free; the pattern is kept, so the id cannot name another one
_HEADS: dict[int, tuple[re.Pattern, tuple[str, ...]]] = {}
_HEADS_KEPT = 8192      # more patterns than this (made on the fly): the table starts again


def heads(pattern: re.Pattern) -> tuple[str, ...]:
    """Letters one of which every match of a cue pattern contains (lower case), found in the
    parsed pattern: "(?:the )?(?:start|initiation) of" -> start, initiation; "{n} {unit}"
    -> the unit words; "\\w+:$" -> ":" (a sign alone, since round 32). () when no such
    strings are certain (then the pattern always runs). Worked out once per pattern."""
    known = _HEADS.get(id(pattern))
    if known is not None and known[0] is pattern:
        return known[1]
    found = _heads(pattern)
    if len(_HEADS) >= _HEADS_KEPT:
        _HEADS.clear()
    _HEADS[id(pattern)] = (pattern, found)
    return found


def _heads(pattern: re.Pattern) -> tuple[str, ...]:
    try:
        found = _needed(list(_parser.parse(pattern.pattern, pattern.flags)))
    except (re.error, RecursionError, TypeError, ValueError):
        return ()
    if not found or not _usable(found):
        return ()
    return tuple(sorted(h.lower() for h in found))


def _usable(strings: frozenset[str]) -> bool:
    """Strings a text's fold can be searched for: ASCII, and each two characters or more, or
    one sign (a ":", a "(" ...: no letter or digit, which nearly every text holds, and no
    space). A sign has no other case: the fold holds it where the text does (round 32)."""
    return all(s.isascii() and (len(s) >= 2 or not (s.isalnum() or s.isspace())) for s in strings)


@lru_cache(maxsize=4096)
def needs_digit(pattern: re.Pattern) -> bool:
    """Every match of the pattern holds a digit (``\\d``, a digit written out, or a
    lookahead asking for one): it cannot match a text without one (round 27, h129: "{n}
    {unit}", an age's "18 years" in a criterion with no number)."""
    try:
        return _digit_needed(list(_parser.parse(pattern.pattern, pattern.flags)))
    except (re.error, RecursionError, TypeError, ValueError):
        return False


def _digit_needed(items: list) -> bool:
    for op, av in items:
        if op is _c.LITERAL and 48 <= av <= 57:
            return True
        if op is _c.IN and av and all((kind is _c.CATEGORY and value is _c.CATEGORY_DIGIT)
                                      or (kind is _c.LITERAL and 48 <= value <= 57)
                                      or (kind is _c.RANGE and 48 <= value[0] and value[1] <= 57) for kind, value in av):
            return True
        if op is _c.SUBPATTERN and _digit_needed(list(av[-1])):
            return True
        if op is _c.BRANCH and all(_digit_needed(list(branch)) for branch in av[1]):
            return True
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT) and av[0] >= 1 and _digit_needed(list(av[2])):
            return True
        if op is _c.ASSERT and _digit_needed(list(av[1])):
            return True     # a lookahead or lookbehind that must match: its digit is in the text
    return False


DIGIT = re.compile(r"\d")


def _needed(items: list) -> frozenset[str] | None:
    """Strings one of which every match of the parsed sequence ``items`` contains; the
    rarest-looking choice (longest shortest string, then fewest) among its parts that the
    pre-check can look for (``_usable``)."""
    candidates: list[frozenset[str]] = []
    run: list[str] = []
    for op, av in items + [(None, None)]:
        if op is _c.LITERAL:
            run.append(chr(av))
            continue
        if run:
            candidates.append(frozenset(["".join(run)]))
            run = []
        found = None
        if op is _c.SUBPATTERN:
            found = _needed(list(av[-1]))
        elif op is _c.BRANCH:
            found = _union([_needed(list(branch)) for branch in av[1]])
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT) and av[0] >= 1:
            found = _needed(list(av[2]))
        elif op is _c.IN and av and all(kind is _c.LITERAL for kind, _ in av):
            found = frozenset(chr(value) for _, value in av)     # "[)\\],;]": one of these signs
        if found:
            candidates.append(found)
    # only strings the pre-check can look for (a sign alone, never a letter alone: round 32)
    candidates = [c for c in candidates if _usable(c)]
    if not candidates:
        return None
    return max(candidates, key=lambda c: (min(len(s) for s in c), -len(c)))


def _union(options: list) -> frozenset[str] | None:
    if any(o is None for o in options):
        return None
    merged = frozenset().union(*options)
    return merged if len(merged) <= _HEAD_LIMIT else None
