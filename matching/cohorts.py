"""The open items of a trial with cohorts, as a referring doctor reads them.

A multi-disease trial lists its cohorts as alternatives ("any" groups: a lupus cohort, a
systemic sclerosis cohort, a myositis cohort, each with its own diagnosis and scores). For
a patient whose diagnosis meets one cohort's, the others stay open only in principle (the
patient might also have lupus): asking a systemic sclerosis referral for SLEDAI, BILAG,
MMT-8 and a platelet history is noise. ``focused_items(result)`` is
``TrialResult.open_items`` with, inside every undecided "any", only the alternatives whose
diagnosis the patient meets, when there are such; else those whose diagnosis is a subtype of
the same overlapping family as the patient's (``overlapping_families``, data/evidence.yaml:
an anti-synthetase syndrome referral is asked about the dermatomyositis cohort, not about
Crohn's disease); otherwise every alternative, as before. Verdicts are unchanged: this only
chooses which open items are worth listing.
"""
from __future__ import annotations

from typing import Any

from core.truth import TRUE, UNKNOWN
from data.condition_names import overlapping_families
from data.rule_nodes import CONDITION_LEAVES
from matching.node_kinds import ALL, ANY, CRIT, GROUP, LEAF, NOT
from matching.relevance import stated_diagnoses


def focused_items(result: Any) -> list[tuple[int, int]]:
    """(top-level criterion node, open leaf node) pairs, cohorts focused (module docstring)."""
    judgement = result.judgement
    book = judgement.book
    met: dict[int, bool] = {}

    near: dict[int, bool] = {}
    terminology = judgement.ev.terminology
    stated = [f.concept for f in stated_diagnoses(judgement.ev)[0] if f.concept in terminology]
    families = [f for f in overlapping_families() if any(terminology.is_a(c, f) for c in stated)]

    def meets_diagnosis(node: int, memo: dict[int, bool] = met, test=None) -> bool:
        """Whether an alternative requires a condition the patient is judged to have (or,
        with ``test``, a condition leaf ``test`` accepts)."""
        found = memo.get(node)
        if found is None:
            op, arg = book.op[node], book.arg[node]
            if op == LEAF:
                found = arg.get("type") in CONDITION_LEAVES and (
                    judgement.value(node) == TRUE if test is None else test(arg))
            elif op in (ALL, GROUP):
                children = arg[1] if op == GROUP else arg
                found = (op == ALL or arg[0] == "all") and any(meets_diagnosis(c, memo, test) for c in children)
            elif op == CRIT:
                found = meets_diagnosis(arg[0], memo, test)
            else:                         # an "any" inside, a negation: no stated cohort
                found = False
            memo[node] = found
        return found

    def sibling(leaf: dict) -> bool:
        """A diagnosis of the same overlapping family as one of the patient's."""
        concept = leaf.get("concept")
        return concept in terminology and any(terminology.is_a(concept, f) for f in families)

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
            if not mine and families:
                mine = [c for c in undecided if meets_diagnosis(c, near, sibling)]
            children = mine or undecided
        return [leaf for child in children for leaf in open_leaves(child)]

    return [(top, leaf) for top in result.plan.tops if judgement.value(top) == UNKNOWN
            for leaf in open_leaves(top)]
