"""The stage leaf: the stage of the trial's cancer ("Stage III or IV", "Ann Arbor stage 3 or
4 disease", "Diagnosed with Stage IV breast cancer").

The leaf lists stage groups ("III", "IV") or lettered stages ("IIIB"); a group counts every
lettered stage within it. Judged from the patient's STAGE facts (nlp/components/stages.py):

* True when the stage stated now is listed or lies within a listed group ("IIIB" against
  "III"); the statement is the evidence.
* False when the stage stated now is none of them ("stage II" against III or IV), or the
  patient said it is not a stage that covers every listed one ("not stage 4" against IV).
* Unknown, and asked, otherwise: nothing said; a stage said with doubt; a group said without
  its letter against lettered stages ("stage III" against "IIIB, IIIC"); only a stage of the
  past ("stage II at diagnosis": a cancer may have spread since). Never a failed criterion
  on silence.
"""
from __future__ import annotations

import re

from core.truth import FALSE, TRUE, UNKNOWN
from matching.evidence import Evidence
from matching.leaf_result import LeafResult

LABELS = ("STAGE",)
ASK = "stage"
_PARTS = re.compile(r"^(0|IV|I{1,3})([ABC]?)$")


def _parts(stage: str) -> tuple[str, str]:
    match = _PARTS.match(stage)
    return (match.group(1), match.group(2)) if match else (stage, "")


def within(stated: str, listed: str) -> str:
    """TRUE when the stated stage lies within the listed one, FALSE when it lies outside,
    UNKNOWN when the statement is too coarse to say ("III" against "IIIB")."""
    s_group, s_letter = _parts(stated)
    l_group, l_letter = _parts(listed)
    if s_group != l_group:
        return FALSE
    if not l_letter:
        return TRUE
    if not s_letter:
        return UNKNOWN
    return TRUE if s_letter == l_letter else FALSE


def stage_words(stages: list[str]) -> str:
    return " or ".join(stages)


def stage(ev: Evidence, leaf: dict) -> LeafResult:
    stages = list(leaf["stages"])
    wanted = f"stage {stage_words(stages)}"
    facts = [f for f in ev.facts(*LABELS) if not (f.family or f.hypothetical)]
    now = [f for f in facts if not f.historical and not f.negated]
    sure = [f for f in now if not f.uncertain]
    if sure:
        fact = sure[-1]             # the latest stage said
        values = [within(fact.concept, s) for s in stages]
        if TRUE in values:
            return LeafResult(leaf, TRUE, f"stage {fact.concept} stated ({wanted} asked)", [fact])
        if all(v == FALSE for v in values):
            return LeafResult(leaf, FALSE, f"stage {fact.concept} stated, not {wanted}", [fact])
        return LeafResult(leaf, UNKNOWN, f"stage {fact.concept} stated; whether it is {wanted} depends on the "
                          "sub-stage (A, B, C)", [fact], ask=ASK)
    if now:
        return LeafResult(leaf, UNKNOWN, f"stage {now[-1].concept} is mentioned as possible, not confirmed",
                          [now[-1]], ask=ASK)
    # "not stage 4" rules out every listed stage within stage 4
    ruled_out = [f for f in facts if f.negated and not f.historical and not f.uncertain
                 and all(within(s, f.concept) == TRUE for s in stages)]
    if ruled_out:
        return LeafResult(leaf, FALSE, f"not stage {ruled_out[-1].concept} stated ({wanted} asked)", ruled_out[-1:])
    past = [f for f in facts if f.historical and not f.negated]
    if past:
        return LeafResult(leaf, UNKNOWN, f"stage {past[-1].concept} stated for an earlier time; the stage now "
                          "is not stated", past[-1:], ask=ASK)
    return LeafResult(leaf, UNKNOWN, "the stage of the cancer is not mentioned", ask=ASK)


JUDGES = {"stage": stage}
