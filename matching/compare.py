"""Comparing a measured value (which may itself carry a comparator: "platelets < 20") with
a criterion's threshold, three-valued.

A fact "x < 20" is the set of values below 20; a threshold "x >= 30" is the set from 30 up.
The comparison holds (True) when every value the fact allows meets the threshold, fails
(False) when none does, and is undecided (None) otherwise ("platelets < 20" against
">= 10").
"""
from __future__ import annotations

import math
from dataclasses import dataclass

_EPS = 1e-9
# how close (relative) an absolute value may come to a threshold derived from a typical
# upper limit of normal before the answer is "unknown": the site's own ULN may differ
ULN_MARGIN = 0.10


@dataclass(frozen=True)
class Interval:
    lo: float
    lo_closed: bool
    hi: float
    hi_closed: bool

    @classmethod
    def of(cls, comparator: str | None, value: float) -> "Interval":
        """The values ``x`` with ``x <comparator> value`` (None or "==" means exactly value)."""
        inf = math.inf
        if comparator in (None, "", "==", "="):
            return cls(value, True, value, True)
        if comparator == "<":
            return cls(-inf, False, value, False)
        if comparator == "<=":
            return cls(-inf, False, value, True)
        if comparator == ">":
            return cls(value, False, inf, False)
        if comparator == ">=":
            return cls(value, True, inf, False)
        raise ValueError(f"unknown comparator {comparator!r}")

    def within(self, other: "Interval") -> bool:
        lo_ok = (self.lo > other.lo and not _same(self.lo, other.lo)) or (
            _same(self.lo, other.lo) and (other.lo_closed or not self.lo_closed))
        hi_ok = (self.hi < other.hi and not _same(self.hi, other.hi)) or (
            _same(self.hi, other.hi) and (other.hi_closed or not self.hi_closed))
        return lo_ok and hi_ok

    def disjoint(self, other: "Interval") -> bool:
        return _below(self, other) or _below(other, self)


def _same(a: float, b: float) -> bool:
    return a == b or (math.isfinite(a) and math.isfinite(b) and abs(a - b) <= _EPS)


def _below(a: Interval, b: Interval) -> bool:
    """Every value of ``a`` lies below every value of ``b``."""
    if _same(a.hi, b.lo):
        return not (a.hi_closed and b.lo_closed) and math.isfinite(a.hi)
    return a.hi < b.lo


def compare(value: float, comparator: str | None, op: str, threshold: float) -> bool | None:
    """Does the fact "x <comparator> value" meet "x <op> threshold"? True, False or None."""
    fact = Interval.of(comparator, value)
    rule = Interval.of(op, threshold)
    if fact.within(rule):
        return True
    if fact.disjoint(rule):
        return False
    return None


def near(value: float, threshold: float, margin: float = ULN_MARGIN) -> bool:
    """``value`` lies within ``margin`` (relative) of ``threshold``."""
    return abs(value - threshold) <= abs(threshold) * margin


def compare_against_estimate(value: float, comparator: str | None, op: str, threshold: float,
                             margin: float = ULN_MARGIN) -> bool | None:
    """Compare when one side rests on a typical (not the site's) upper limit of normal: a
    value within ``margin`` of the threshold stays undecided."""
    if comparator in (None, "", "==", "=") and near(value, threshold, margin):
        return None
    result = compare(value, comparator, op, threshold)
    if result is None:
        return None
    # a bound on the fact ("< 100") near the threshold is just as uncertain
    if comparator not in (None, "", "==", "=") and near(value, threshold, margin):
        return None
    return result


def describe(op: str) -> str:
    return {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "==": "="}.get(op, op)
