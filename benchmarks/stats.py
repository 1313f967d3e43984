"""The one percentile definition of every benchmark (turns, triage, Telegram replies,
extraction and matching latencies).

**Nearest rank**: the p-th percentile of n observations is the ceil(p/100 * n)-th smallest
of them. Chosen because

* it is always a latency that was actually observed, never a blend of two turns that may
  be of different kinds (an interpolated p95 of a cheap and an expensive turn describes no
  turn at all);
* "p95 <= 30 ms" then says exactly what the targets mean: at least 95 % of the observed
  turns took 30 ms or less (docs/benchmarks.md);
* it needs no special case for one observation, and is the definition the scale numbers
  have always used.

Over small samples it is coarser than interpolation (p95 of 20 values is the 19th): the
report gives ``n`` beside the percentiles so a reader can tell.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable


def percentile(values: Iterable[float], q: float) -> float:
    """The nearest-rank ``q``-th percentile (0 < q <= 100) of non-empty ``values``."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("percentile of no values")
    if not 0 < q <= 100:
        raise ValueError(f"percentile {q} is not in (0, 100]")
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def percentiles(values: Iterable[float], qs: Iterable[int] = (50, 95, 99), digits: int = 1,
                count_and_max: bool = True) -> dict[str, float]:
    """``{"n", "p50", "p95", "p99", "max"}`` of ``values`` (a key per ``q`` in ``qs``; "n"
    and "max" unless ``count_and_max`` is false), rounded to ``digits`` places; ``{}`` when
    there are none."""
    ordered = sorted(values)
    if not ordered:
        return {}
    result: dict[str, float] = {"n": len(ordered)} if count_and_max else {}
    for q in qs:
        result[f"p{q}"] = round(percentile(ordered, q), digits)
    if count_and_max:
        result["max"] = round(ordered[-1], digits)
    return result


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "support": self.tp + self.fn}
