"""The open items of a trial with cohorts, as a referring doctor reads them.

A multi-disease trial lists its cohorts as alternatives ("any" groups: a lupus cohort, a
systemic sclerosis cohort, a myositis cohort, each with its own diagnosis and scores). For
a patient whose diagnosis meets one cohort's, the others stay open only in principle (the
patient might also have lupus): asking a systemic sclerosis referral for SLEDAI, BILAG,
MMT-8 and a platelet history is noise. ``focused_items(result)`` is
``TrialResult.open_items`` with, inside every undecided "any", only the alternatives whose
diagnosis the patient meets, when there are such; otherwise every alternative, as before.
Verdicts are unchanged: this only chooses which open items are worth listing.
"""
from __future__ import annotations

from typing import Any

from core.truth import TRUE, UNKNOWN
from data.rule_nodes import CONDITION_LEAVES
from matching.node_kinds import ALL, ANY, CRIT, GROUP, LEAF, NOT


def focused_items(result: Any) -> list[tuple[int, int]]:
    """(top-level criterion node, open leaf node) pairs, cohorts focused (module docstring)."""
    judgement = result.judgement
    book = judgement.book
    met: dict[int, bool] = {}

    def meets_diagnosis(node: int) -> bool:
        """Whether an alternative requires a condition the patient is judged to have."""
        found = met.get(node)
        if found is None:
            op, arg = book.op[node], book.arg[node]
            if op == LEAF:
                found = arg.get("type") in CONDITION_LEAVES and judgement.value(node) == TRUE
            elif op in (ALL, GROUP):
                children = arg[1] if op == GROUP else arg
                found = (op == ALL or arg[0] == "all") and any(meets_diagnosis(c) for c in children)
            elif op == CRIT:
                found = meets_diagnosis(arg[0])
            else:                         # an "any" inside, a negation: no stated cohort
                found = False
            met[node] = found
        return found

    def open_leaves(node: int) -> list[int]:
        if judgement.value(node) != UNKNOWN:
            return []
        op, arg = book.op[node], book.arg[node]
        if op == LEAF:
            return [node]
        if op == NOT:
            return open_leaves(arg)
        if op == CRIT:
            return open_leaves(arg[0])
        children = arg[1] if op == GROUP else arg
        if op == ANY or (op == GROUP and arg[0] == "any"):
            undecided = [c for c in children if judgement.value(c) == UNKNOWN]
            mine = [c for c in undecided if meets_diagnosis(c)]
            children = mine or undecided
        return [leaf for child in children for leaf in open_leaves(child)]

    return [(top, leaf) for top in result.plan.tops if judgement.value(top) == UNKNOWN
            for leaf in open_leaves(top)]
