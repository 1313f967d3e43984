"""A treatment written with a course count after it ("methylprednisolone 1 g x 3", "rituximab
375 mg/m2 x4", "PLEX x7") is a course given, not a medicine taken now (the dose alone reads as
taken now): listed right after a finished one, joined by a comma, "and" or "+", it is finished
too: "Received IVIG 1 g/kg x 2 and methylprednisolone 1 g x 3", "Rx: pulse methylpred x3, PLEX
x7, rituximab 375 mg/m2 x4 + cyclophosphamide 500 mg x6". Not across a line, a full stop or a
semicolon, nor when anything but the join stands between the two, nor for a mention ongoing,
negated, hedged, hypothetical or a relative's (h86, round 19)."""
from __future__ import annotations

import re

from core.facts import Fact

_TREATMENTS = ("DRUG", "PROCEDURE")
# the mention's own dose and its course count: "1 g x 3", "375 mg/m2 x4", " x7", "IV x6"
_COURSE = re.compile(r"[ \t]*(?:(?:pulse|iv|po|sc)[ \t]+)?(?:\d[\d.,]*[ \t]*(?:mg|g|mcg|mg/kg|g/kg|mg/m2|units|iu)"
                     r"(?:[ \t]+(?:iv|po|sc|daily|od|bd))?[ \t]*)?(?:iv[ \t]*)?[x×][ \t]*\d{1,2}\b(?![ \t]*(?:/|per\b))",
                     re.IGNORECASE)
_JOIN = re.compile(r"(?:[ \t]*,[ \t]*|[ \t]+and[ \t]+|[ \t]*\+[ \t]*)(?:(?:pulse|iv)[ \t]+)?", re.IGNORECASE)


def _plain(fact: Fact) -> bool:
    return not (fact.negated or fact.hypothetical or fact.uncertain or fact.family or fact.ongoing)


def finished_courses(text: str, facts: list[Fact]) -> None:
    treatments = sorted((f for f in facts if f.label in _TREATMENTS), key=lambda f: f.start)
    for before, after in zip(treatments, treatments[1:]):
        if not (before.historical and _plain(before)) or after.historical or not _plain(after):
            continue
        if after.status not in (None, "current"):
            continue
        course = _COURSE.match(text, after.end)
        if course is None:
            continue
        own = _COURSE.match(text, before.end)
        gap_start = own.end() if own else before.end
        # the earlier one's own bracket ("(10/2024)") may stand before the join
        bracket = re.match(r"[ \t]*\([^()\n]{0,20}\)", text[gap_start:after.start])
        if bracket:
            gap_start += bracket.end()
        if not _JOIN.fullmatch(text, gap_start, after.start):
            continue
        after.historical = True
        after.status = None


def counted_episodes(text: str, facts: list[Fact], counted: re.Pattern | None) -> None:
    """An infection counted right after its name is episodes of the past: "ive had covid
    twice", "covid 3 times actually", "shingles once in 2022", "pneumonia several times" (caught
    and over, whatever the verb: "ive had" is no lasting infection). ``counted`` is
    ``episodes_counted`` of data/nlp/extraction.yaml, matched right after the mention; a
    negated, hedged, hypothetical or relative's mention is left as it is (h120, round 26)."""
    if counted is None:
        return
    for fact in facts:
        if (fact.label == "INFECTION" and not (fact.negated or fact.hypothetical or fact.uncertain)
                and counted.match(text, fact.end)):
            fact.historical = True


def counted_courses(text: str, facts: list[Fact], counted: tuple[re.Pattern, re.Pattern] | None) -> None:
    """A treatment counted as courses is courses given, over: "ive had ritux twice", "ritux
    done twice", "cyclophosphamide 6 times", "had two courses of IVIG and a round of steroids"
    (the present perfect "ive had" reads as taken now otherwise). ``counted`` is
    ``courses_counted`` of data/nlp/extraction.yaml: a count right after the mention, or a
    count of courses "of" it right before, after a verb of having had it or a list's join. Not
    for a mention something says goes on ("has had ritux 4 times and is still on it": status
    current; ongoing), nor a negated, hedged, hypothetical or planned one (h125, round 27)."""
    if counted is None:
        return
    after, before = counted
    for fact in facts:
        if fact.label not in _TREATMENTS or fact.historical or fact.ongoing:
            continue
        if fact.negated or fact.hypothetical or fact.uncertain or fact.status == "planned":
            continue
        counted = after.match(text, fact.end)
        if fact.status == "current":
            # "on pred and ritux done twice": an "on" before the list is not the counted one's
            if counted is not None and counted.groupdict().get("done"):
                fact.historical, fact.status = True, None
            continue
        line_start = text.rfind("\n", 0, fact.start) + 1
        if counted is not None or before.search(text[max(line_start, fact.start - 60):fact.start]):
            fact.historical = True


def joined_regimen(text: str, facts: list[Fact]) -> None:
    """Two treatments written as one combination with a hyphen or slash and no space ("dara-
    CyBorD x4", "aza/ven x2 cycles"): one course, so what is said of one's time is said of
    the other's: over when one is (a course count, a date) and the other has nothing of its
    own. Not for a mention negated, hedged, hypothetical, a relative's or going on (h125, round 27)."""
    treatments = sorted((f for f in facts if f.label in _TREATMENTS), key=lambda f: f.start)
    for first, second in zip(treatments, treatments[1:]):
        if text[first.end:second.start] not in ("-", "/") or not (_plain(first) and _plain(second)):
            continue
        for done, other in ((first, second), (second, first)):
            if done.historical and not other.historical and other.status is None and other.date is None:
                other.historical = True
                other.date = done.date
