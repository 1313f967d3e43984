"""A trial's hard demographic limits: the age range and the sex a patient must have for the
matcher not to rule the trial out on age or sex alone. The store keeps them in
``trial_limits`` (with the number of condition concepts the trial lists) so candidate
pruning (``matching/candidates.py``) can leave out, in SQL, trials a patient cannot match.

The limits are the ones matching applies (``matching/engine.py``):

- the registry fields (``eligibility.min_age_years`` / ``max_age_years`` / ``sex``) count
  only when no criterion of the record states age (resp. sex): otherwise the criteria win;
- a top-level inclusion criterion whose rule is an age (sex) leaf, or an ``all`` holding
  one directly, is a limit every patient must meet; several such criteria all apply.

Anything else (an age inside an ``any``, an exclusion on age, a group) is not a hard limit
and is left out: a missing limit never prunes, so it can only keep a trial, never drop one.
``tests/test_candidates.py`` checks this against the matcher's verdicts.
"""
from __future__ import annotations

from typing import Any, Iterator

from data.rule_nodes import as_planned, at_risk_of, care_population, family_study, receiving_population, stated_types

COLUMNS = ("min_age", "max_age", "sex", "conditions")   # the trial_limits columns, in order


def hard_limits(record: dict) -> dict[str, Any]:
    """``{"min_age", "max_age", "sex", "conditions"}``: years (or None), ``FEMALE`` /
    ``MALE`` (or None: any sex), and how many condition concepts the record lists."""
    criteria = record.get("criteria") or []
    types = stated_types(criteria)
    registry = record.get("eligibility") or {}
    lows: list[float] = []
    highs: list[float] = []
    sexes: list[set[str]] = []
    if "age" not in types:
        _add(lows, registry.get("min_age_years"))
        _add(highs, registry.get("max_age_years"))
    if "sex" not in types and (registry.get("sex") or "ALL").upper() in ("FEMALE", "MALE"):
        sexes.append({registry["sex"].upper()})
    for criterion in as_planned(criteria):     # as matching reads them (strata, group-splitting ages)
        if criterion.get("kind") != "inclusion" or criterion.get("children") or not criterion.get("rule"):
            continue
        for leaf in _required_leaves(criterion["rule"]):
            if leaf.get("type") == "age":
                _add(lows, leaf.get("min"))
                _add(highs, leaf.get("max"))
            elif leaf.get("type") == "sex":
                sexes.append({str(s).upper() for s in leaf.get("allowed") or []})
    allowed = set.intersection(*sexes) if sexes else set()
    low, high = (max(lows) if lows else None), (min(highs) if highs else None)
    if low is not None and high is not None and low > high:
        # contradictory (cohorts' ages read as limits every patient must meet: "< 11 years"
        # and ">= 11 years"): no age limit, as for contradictory sexes
        low = high = None
    return {
        "min_age": low,
        "max_age": high,
        # one sex left: a limit; none left (contradictory limits) or both: no sex limit
        "sex": next(iter(allowed)) if len(allowed) == 1 else None,
        # a trial for people at risk of its conditions, or for people having a procedure
        # or receiving a treatment (data.rule_nodes.at_risk_of, care_population,
        # receiving_population), is pruned on none: its gate rules
        # no one out, as for a trial listing none; a study about family history (family_study)
        # neither: a relative's listed condition meets its gate, which pruning does not read
        "conditions": 0 if (at_risk_of(record) or care_population(record) or receiving_population(record)
                            or family_study(record)) else len(record.get("conditions") or []),
    }


def limits_row(record: dict) -> tuple:
    """``hard_limits`` as a row of ``COLUMNS``."""
    limits = hard_limits(record)
    return tuple(limits[column] for column in COLUMNS)


def _required_leaves(rule: dict) -> Iterator[dict]:
    """The leaves a rule requires outright: the rule itself, or the direct items of an ``all``."""
    if "all" in rule:
        for item in rule["all"]:
            if "type" in item:
                yield item
    elif "type" in rule:
        yield rule


def _add(values: list[float], value: Any) -> None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        values.append(float(value))
