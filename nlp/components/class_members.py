"""The drugs named in a bracket after their class say which ones the class was: "the
biologics all failed (infliximab, golimumab, vedolizumab)", "steroids (prednisolone, then
budesonide) stopped in 2023". Each drug of the class in that bracket takes the class's outcome
and time when its own words give none: failed and over, like the class; a class said only to
have been taken ("bDMARDs x4 (ETN, ADA, TCZ, ABA)") makes them taken before."""
from __future__ import annotations

import re

from core.facts import Fact
from data.terminology import Terminology

# the bracket opens within this many characters after the class, in its sentence
_REACH = 40
_NO_BREAK = re.compile(r"[^.;\n!?()]*\(")


def members_in_bracket(text: str, facts: list[Fact], terminology: Terminology) -> None:
    drugs = [f for f in facts if f.label == "DRUG"]
    for head in drugs:
        if head.negated or head.hypothetical or head.uncertain or head.family or (head.status is None and not head.historical):
            continue    # a class with an outcome, or one said of the past ("bDMARDs x4 (ETN, ADA, TCZ)"; lead, round 35)
        opened = _NO_BREAK.match(text, head.end, min(len(text), head.end + _REACH))
        if opened is None:
            continue
        close = text.find(")", opened.end())
        if close < 0:
            continue
        for member in drugs:
            if not (opened.end() <= member.start and member.end <= close):
                continue
            if (member.concept == head.concept or not terminology.is_a(member.concept, head.concept)
                    or member.status is not None or member.negated or member.hypothetical
                    or member.uncertain or member.family):
                continue
            member.status, member.historical, member.ongoing = head.status, head.historical, head.ongoing
            if member.date is None:
                member.date = head.date
