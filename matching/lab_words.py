"""A lab result said in words ("creatinine is normal", "platelets were low"; a LAB fact with
no value and status normal / low / high, nlp/components/lab_words.py) judged against a
lab leaf.

A direction with no number ("her CK keeps climbing", ``LAB_TRENDS``) says no level: unknown,
and the question asks for the value (h115, round 25).

The words stand for a range of values, from the typical adult limits of normal in
data/terminology/labs.yaml (``uln``; ``lln``, the lower limit): normal is LLN..ULN, low
below LLN, high above ULN. Against "≤ k × ULN" the range is in multiples of the ULN (normal
≤ 1 × ULN meets "≤ 1.5 × ULN" whatever the site's ULN); against an absolute threshold the
typical limits stand in for the site's, so within 10 % of the threshold the answer stays
unknown. A range that neither meets nor fails the threshold is unknown ("platelets low"
against "≥ 100"). A hedged result ("I think") is never met or failed: unknown, and the
reason says it was hedged; the question asks for the value.
"""
from __future__ import annotations

import math

from core.facts import LAB_TRENDS, Fact
from core.truth import FALSE, TRUE, UNKNOWN
from matching.compare import Interval, describe, near
from matching.leaf_result import LeafResult

_TRUTH = {True: TRUE, False: FALSE, None: UNKNOWN}


def _range(quality: str, lln: float | None, uln: float | None) -> Interval:
    """The values the word allows, given the limits of normal (None: not known)."""
    inf = math.inf
    if quality == "normal":
        return Interval(lln if lln is not None else 0.0, True, uln if uln is not None else inf, uln is not None)
    if quality == "low":
        return Interval(0.0, True, lln if lln is not None else (uln if uln is not None else inf), False)
    return Interval(uln if uln is not None else (lln if lln is not None else 0.0), False, inf, False)


def _judge(allowed: Interval, op: str, threshold: float, margin: bool) -> bool | None:
    rule = Interval.of(op, threshold)
    if margin and any(math.isfinite(b) and b > 0 and near(b, threshold) for b in (allowed.lo, allowed.hi)):
        return None     # the typical limit is close to the threshold: the site's own may differ
    if allowed.within(rule):
        return True
    if allowed.disjoint(rule):
        return False
    return None


def judge(leaf: dict, fact: Fact, name: str, attrs: dict, threshold: float | None, unit: str, ask: str) -> LeafResult:
    """The leaf's truth for a result said in words. ``threshold`` is the absolute threshold
    in the canonical unit (None for a "× ULN" leaf, read from the leaf)."""
    uln, lln = attrs.get("uln"), attrs.get("lln")
    quality = fact.status
    shown_op = describe(leaf["op"])
    if quality in LAB_TRENDS:
        # "her CK keeps climbing": a direction is no level, so never met or failed
        criterion = (f"{shown_op} {leaf['uln']:g} × ULN" if "uln" in leaf
                     else f"{shown_op} {threshold:g} {unit}".rstrip() if threshold is not None else shown_op)
        return LeafResult(leaf, UNKNOWN, f"{name} said to be {quality} (no value given); the value decides "
                          f"(criterion: {criterion})", [fact], ask=ask)
    if "uln" in leaf:
        allowed = _range(quality, lln / uln if lln is not None and uln else None, 1.0)
        ok = _judge(allowed, leaf["op"], leaf["uln"], margin=False)
        criterion = f"{shown_op} {leaf['uln']:g} × ULN"
    else:
        if threshold is None:
            return LeafResult(leaf, UNKNOWN, f"criterion unit {leaf.get('unit')!r} not known for {name}", [fact], ask=ask)
        allowed = _range(quality, lln, uln)
        ok = _judge(allowed, leaf["op"], threshold, margin=True)
        criterion = f"{shown_op} {threshold:g} {unit}".rstrip()
    if fact.uncertain:
        return LeafResult(leaf, UNKNOWN, f"{name} said to be {quality}, but not for certain (hedged; no value given); "
                          f"the value decides (criterion: {criterion})", [fact], ask=ask)
    reason = (f"{name} said to be {quality} (no value given; taken as the typical "
              f"{'normal range' if quality == 'normal' else 'limit of normal'}, the site's may differ) "
              f"(criterion: {criterion})")
    value = _TRUTH[ok]
    return LeafResult(leaf, value, reason, [fact], ask=ask if value == UNKNOWN else None)
