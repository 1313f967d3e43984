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
