"""A lab value a document (more than one line) follows on a later line with another value of
the same analyte is the earlier one when its clause ties it to a time or an event (a date, or
one of ``later_values_then_words``):
"admitted with plt 3K ... plt recovery to 61K", "CRP 148 ... (day 3 CRP 96)", "relapsed 09/2024
(marrow 38% blasts) ... no response (blasts 41%)": the first is past, the last is now. Only the
patient's values said plainly, written with one number (a range, "platelets 20-45" on a
treatment, spans a time); not when the two values are the same (a table and its summary,
"BMI: 41.5" and "BMI is 41.54"), nor when the later one is itself past (dated earlier, under a history
heading: then the first may be the current one), nor when the first is said to be now (its line
holds one of ``now_words``: "Current: blasts 31% ... Previous: blasts 28%") (h86, round 19;
extraction.yaml ``later_values``)."""
from __future__ import annotations

import re
from functools import lru_cache

from core.facts import Fact
from nlp.resources import alternation, vocabulary_words


_SENTENCE_END = re.compile(r"[.;](?:\s|$)")


@lru_cache(maxsize=1)
def _then() -> re.Pattern | None:
    words = vocabulary_words("later_values_then_words")
    return re.compile(r"\b(?:%s)\b|\b\d{1,2}/(?:19|20)\d\d\b|\b(?:19|20)\d\d\b" % alternation(words),
                      re.IGNORECASE) if words else None


@lru_cache(maxsize=1)
def _now() -> re.Pattern | None:
    words = vocabulary_words("later_values_now_words")
    return re.compile(r"\b(?:%s)\b" % alternation(words), re.IGNORECASE) if words else None


def _plain(fact: Fact) -> bool:
    return (fact.label == "LAB" and fact.value is not None
            and not (fact.negated or fact.hypothetical or fact.uncertain or fact.family))


def _line(text: str, fact: Fact) -> str:
    start = text.rfind("\n", 0, fact.start) + 1
    end = text.find("\n", fact.end)
    return text[start:end if end >= 0 else len(text)]


def _same(a: Fact, b: Fact) -> bool:
    """The same measurement written twice ("BMI: 41.5" ... "BMI is 41.54")."""
    if a.unit != b.unit and a.unit and b.unit:
        return False
    return abs(a.value - b.value) <= 0.02 * max(abs(a.value), abs(b.value))


def _told_of_then(text: str, fact: Fact, then: re.Pattern | None) -> bool:
    """The first value's clause (from its line's start or the last full stop) ties it to a
    time or an event: a date, "admitted with", "relapsed", "at diagnosis", "after C4"."""
    start = max(text.rfind("\n", 0, fact.start), text.rfind(". ", 0, fact.start)) + 1
    stop = re.compile(r"\.(?:\s|$)|\n").search(text, fact.end)
    end = stop.start() if stop else len(text)
    return then is not None and bool(then.search(text, start, end))


@lru_cache(maxsize=1)
def _later() -> re.Pattern | None:
    words = vocabulary_words("later_values_later_words")
    return re.compile(r"\b(?:%s)\b" % alternation(words), re.IGNORECASE) if words else None


def _clause(text: str, fact: Fact) -> tuple[int, int]:
    """The fact's sentence: from the last full stop or line break before it to the next."""
    start = max(text.rfind("\n", 0, fact.start), text.rfind(". ", 0, fact.start)) + 1
    stop = re.compile(r"\.(?:\s|$)|\n").search(text, fact.end)
    return start, stop.start() if stop else len(text)


def later_said(text: str, facts: list[Fact]) -> None:
    """A value followed in a later sentence by another value of the same analyte that its own
    sentence says is later ("CBC: ... platelets 6. ... discharged the next day with platelets 48",
    "Labs on admission: Hb 9.4 ... Labs at discharge: Hb 10.8"): the first is of then, past, in
    a note written as one paragraph too (h106, round 23; ``later_values_later_words``). Not when
    the first's own sentence says it is now or later, nor for a bare "repeat" (it ties neither
    value to a time: "Labs: Hb 96.\nRepeat labs: Hb 94" are both of now)."""
    later_words, now = _later(), _now()
    if later_words is None:
        return
    values = sorted((f for f in facts if _plain(f)), key=lambda f: f.start)
    for i, first in enumerate(values):
        if first.historical or first.value_high is not None:
            continue
        start, end = _clause(text, first)
        if later_words.search(text, start, end) or (now is not None and now.search(text, start, end)):
            continue
        for other in values[i + 1:]:
            if other.concept != first.concept or other.historical or _same(first, other) or other.start < end:
                continue
            if later_words.search(text, *_clause(text, other)):
                first.historical = True
                break


def earlier_values(text: str, facts: list[Fact]) -> None:
    later_said(text, facts)
    # a text of one paragraph (a letter pasted whole, a clinician's message): the later value
    # must stand in a later sentence ("UKALL induction - blasts 45% at day 28. ... Day +100
    # marrow: relapse, blasts 18%"; h161, round 34); in one sentence both are of now ("Blasts
    # 0% in PB, BM blasts 9%")
    lines = "\n" in text.strip()
    now, then = _now(), _then()
    values = sorted((f for f in facts if _plain(f)), key=lambda f: f.start)
    for i, first in enumerate(values):
        if first.historical or first.value_high is not None:
            continue
        later = [f for f in values[i + 1:] if f.concept == first.concept and not f.historical
                 and not _same(first, f)
                 and ("\n" in text[first.end:f.start] if lines else _SENTENCE_END.search(text, first.end, f.start))]
        if not later:
            continue
        # the first value's own line, or in a text of one paragraph its own sentence: a "now"
        # further on in the paragraph is the later value's ("MAS 10/2026: ferritin 41,000 ...;
        # ferritin now 1,100"; h171, round 36)
        own = _line(text, first) if lines else text[slice(*_clause(text, first))]
        if not lines and all(f.comparator for f in later):
            continue    # "platelets persistently under 20": a bound said of a while, no later reading
        if (now is not None and now.search(own)) or not _told_of_then(text, first, then):
            continue
        first.historical = True
