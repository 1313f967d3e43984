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

An "any" that is no choice of cohorts (its first alternative names no diagnosis) is a rule
and its exceptions, written in that order: "ALT <= 3 x ULN (except raised by the
myositis)", "no hepatitis B, or HBV DNA undetectable". Its later alternatives matter only
once the first fails, so while the first can still be asked, only its items are listed (a
lupus referral is asked for the ALT, not whether she has Gilbert's syndrome or myositis).

A cohort's diagnosis counts as met when the patient states it, even when the criterion's
"for at least 6 months" is still open ("dermatomyositis", no date yet: the myositis
cohort is hers, the Crohn's and Still's cohorts are not). ``other_cohorts`` marks the same
alternatives, by the same two tests, on the criteria the chat and summary list
(``CriterionResult.other_cohort``).
"""
from __future__ import annotations

from typing import Any

from core.truth import FAIL, FALSE, PASS, REVIEW, TRUE, UNKNOWN
from data.condition_names import condition_reach, overlapping_families
from data.rule_nodes import CONDITION_LEAVES
from matching.leaf_result import LeafResult
from matching.node_kinds import ALL, ANY, CRIT, GROUP, LEAF, NOT
from matching.relevance import diagnosis_facts, stated_diagnoses, main_kind_of


def diagnosis_met(result: LeafResult) -> bool:
    """Whether a condition leaf names a diagnosis the patient has: judged true, or stated
    with only its date still open (``diagnosis_date:`` question)."""
    if result.leaf.get("type") not in CONDITION_LEAVES:
        return False
    return result.value == TRUE or (result.value == UNKNOWN and (result.ask or "").startswith("diagnosis_date:"))


def another_cohort(ev: Any, leaf: dict) -> LeafResult | None:
    """A cohort's diagnosis (a leaf ``data.rule_nodes`` marks ``cohort``, with the conditions
    of every cohort of its choice) the patient has not stated, while a main diagnosis they
    told is another cohort's of the same choice and none of theirs relates to this one (the
    same, a kind of it or broader, one overlapping family): the cohort is for another of the
    trial's diseases than the patient's, so the leaf is false (a Crohn's patient and the
    trial's dermatomyositis cohort), as the gate rules out a whole trial for another disease.
    None when that is not so (the leaf is judged as usual: asked): a requirement beside the
    patient's disease ("coronary or peripheral artery disease" in an obesity trial) picks no
    cohort of theirs. A diagnosis only suspected, or one the terminology does not know, keeps
    the cohort open."""
    cohorts = leaf.get("cohort")
    if not cohorts:
        return None
    terminology = ev.terminology
    concept = leaf.get("concept")
    if concept not in terminology:
        return None
    told = [f for f in diagnosis_facts(ev) if not (f.negated or f.family or f.hypothetical)]
    if any(f.uncertain or f.concept not in terminology for f in told):
        return None
    stated = [f for f in told if not f.historical and main_kind_of(f.concept, terminology)]
    if not stated or any(_related(f.concept, concept) for f in told):
        return None
    others = [c for c in cohorts if c != concept and c in terminology and not _related(c, concept)]
    theirs = [f for f in stated if any(_related(f.concept, c) for c in others)]
    if not theirs:
        return None
    name = ev.label(concept)
    yours = ", ".join(dict.fromkeys(ev.label(f.concept) for f in theirs))   # "kidneys": lupus nephritis
    return LeafResult(leaf, FALSE, f"{name}: this part of the trial is for {name}; you told me about {yours}, "
                      "another of its groups", theirs[:1])


def _related(one: str, other: str) -> bool:
    """The same condition, a kind of it or a broader one, or one of an overlapping family
    (``condition_reach``, as the gate reads it)."""
    return one == other or one in condition_reach((other,)) or other in condition_reach((one,))


def focused_items(result: Any) -> list[tuple[int, int]]:
    """(top-level criterion node, open leaf node) pairs, cohorts focused (module docstring)."""
    judgement = result.judgement
    book = judgement.book
    met: dict[int, bool] = {}

    near: dict[int, bool] = {}
    named: dict[int, bool] = {}
    sibling = _family_test(judgement.ev)

    def meets_diagnosis(node: int, memo: dict[int, bool] = met, test=None) -> bool:
        """Whether an alternative requires a condition the patient is judged to have (or,
        with ``test``, a condition leaf ``test`` accepts)."""
        found = memo.get(node)
        if found is None:
            op, arg = book.op[node], book.arg[node]
            if op == LEAF:
                found = arg.get("type") in CONDITION_LEAVES and (
                    diagnosis_met(judgement.leaf_result(node)) if test is None else test(arg))
            elif op in (ALL, ANY, GROUP):   # a cohort "Crohn's or UC, and ...": one diagnosis is enough
                children = arg[1] if op == GROUP else arg
                found = any(meets_diagnosis(c, memo, test) for c in children)
            elif op == CRIT:
                found = meets_diagnosis(arg[0], memo, test)
            else:                         # a negation: no stated cohort
                found = False
            memo[node] = found
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
            if not mine and sibling is not None:
                mine = [c for c in undecided if meets_diagnosis(c, near, sibling)]
            children = mine or undecided
            if not mine and len(children) > 1 and not meets_diagnosis(children[0], named, _any_condition):
                first = open_leaves(children[0])     # the rule before its exceptions
                if any(judgement.leaf_result(leaf).ask for leaf in first):
                    return first
        return [leaf for child in children for leaf in open_leaves(child)]

    return [(top, leaf) for top in result.plan.tops if judgement.value(top) == UNKNOWN
            for leaf in open_leaves(top)]


def _any_condition(leaf: dict) -> bool:
    """``meets_diagnosis``'s test for "names any diagnosis" (a choice of cohorts)."""
    return True


def _family_test(ev: Any) -> Any:
    """A test of condition leaves: a diagnosis of the same overlapping family as one the
    patient states (``overlapping_families``); None when the patient's are in none."""
    terminology = ev.terminology
    stated = [f.concept for f in stated_diagnoses(ev)[0] if f.concept in terminology]
    families = [f for f in overlapping_families() if any(terminology.is_a(c, f) for c in stated)]
    if not families:
        return None

    def sibling(leaf: dict) -> bool:
        concept = leaf.get("concept")
        return concept in terminology and any(terminology.is_a(concept, f) for f in families)
    return sibling


def _rule_meets(rule: dict, ev: Any, test=None) -> bool:
    for op in ("all", "any"):
        if op in rule:
            return any(_rule_meets(sub, ev, test) for sub in rule[op])
    if "not" in rule or "type" not in rule:
        return False
    return rule["type"] in CONDITION_LEAVES and (diagnosis_met(ev.leaf(rule)) if test is None else test(rule))


def _criterion_meets(criterion: Any, ev: Any, test=None) -> bool:
    if criterion.children:
        return any(_criterion_meets(child, ev, test) for child in criterion.children)
    rule = criterion.criterion.get("rule")
    return rule is not None and _rule_meets(rule, ev, test)


def other_cohorts(criteria: list, ev: Any) -> list:
    """Mark (``other_cohort = True``) and return the undecided alternatives of undecided
    "any" criteria whose diagnosis the patient does not meet while another alternative's
    is met (or, when none is, another's of the patient's overlapping family, as
    ``focused_items`` chooses): the cohorts that are not the patient's. Of a failed "any", the
    same of its failed alternatives: the patient's own cohort says why the trial does not fit,
    not the cohorts for other diseases (lead, round 43). Verdicts are unchanged."""
    marked = []
    sibling: Any = False            # worked out at the first undecided "any"
    for criterion in criteria:
        if criterion.combine != "any":
            continue
        # a cohort for another disease fails now (``another_cohort``): marked beside the
        # undecided ones, also of a met "any", so no list shows it as a reason (lead, round 43)
        kept = (FAIL,) if criterion.status == FAIL else (UNKNOWN, REVIEW, FAIL, PASS)
        undecided = [c for c in criterion.children if c.status in kept]
        mine = [c for c in undecided if _criterion_meets(c, ev)]
        if not mine:
            if sibling is False:
                sibling = _family_test(ev)
            if sibling is not None:
                mine = [c for c in undecided if _criterion_meets(c, ev, sibling)]
        if mine:
            for child in undecided:
                if child not in mine:
                    child.other_cohort = True
                    marked.append(child)
    return marked
