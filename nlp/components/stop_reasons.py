"""What a bracket after a treatment that is over names is why it stopped, of then: "tofacitinib
2023-2024 (DVT)", "fostamatinib (stopped after 2 mo, HTN)", "rituximab 2021-2023
(hypogammaglobulinemia, recurrent pneumonias)", "eltrombopag 2023-2025 (hepatotoxicity, ALT 5x
ULN)": the illness, infection or lab value in it is past, as the treatment is. The bracket must
open right after the treatment (its dose, dates and course between, on the same line, no other
mention), and the treatment must be over (historical, or dated and neither current nor
ongoing); a treatment taken now keeps what its bracket names ("apixaban (AF)", "omeprazole
(GORD)": the illness it treats, now). A negated, hedged, hypothetical or relative's mention is
left as it is (h86, round 19)."""
from __future__ import annotations

import re

from core.facts import Fact

_TREATMENTS = ("DRUG", "PROCEDURE")
_REASONS = ("CONDITION", "LAB", "INFECTION")
_REACH = 40      # characters from the treatment to its bracket (a dose, dates, a course count)
# what may stand between: numbers, dates, a dose and its schedule, a course count; no outcome
# ("Nelarabine x2 cycles: no response (blasts 41%)": the value shows the failure, it is now)
_COURSE = re.compile(r"[ \t\d.,/\-–x×%]*(?:(?:mg|g|mcg|ug|mg/kg|mg/m2|g/kg|iu|units|od|bd|tds|qds|bid|tid|qid|daily|weekly"
                     r"|monthly|po|iv|sc|cycles?|doses?)\b[ \t\d.,/\-–x×%]*)*$", re.IGNORECASE)


def _over(fact: Fact) -> bool:
    if fact.negated or fact.hypothetical or fact.uncertain or fact.family or fact.ongoing:
        return False
    return fact.historical or (fact.date is not None and fact.status != "current") or fact.status in ("failed", "intolerant")


def _bracket_after(text: str, fact: Fact, starts: list[int]) -> tuple[int, int] | None:
    opening = text.find("(", fact.end, fact.end + _REACH)
    if opening < 0:
        return None
    between = text[fact.end:opening]
    if not _COURSE.match(between) or any(fact.end < s < opening for s in starts):
        return None
    closing = text.find(")", opening)
    if closing < 0 or "\n" in text[opening:closing] or "(" in text[opening + 1:closing]:
        return None
    return opening, closing


def stop_reasons(text: str, facts: list[Fact]) -> None:
    starts = [fact.start for fact in facts]
    for fact in facts:
        if fact.label not in _TREATMENTS or not _over(fact):
            continue
        bracket = _bracket_after(text, fact, starts)
        if bracket is None:
            continue
        opening, closing = bracket
        inside = [f for f in facts if opening < f.start and f.end <= closing]
        if any(f.label in _TREATMENTS for f in inside):
            continue        # "(on apixaban)", "(then MMF)": not a reason
        for reason in inside:
            if (reason.label in _REASONS and not reason.historical
                    and not (reason.negated or reason.hypothetical or reason.uncertain or reason.family)):
                reason.historical = True
