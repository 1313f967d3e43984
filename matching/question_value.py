"""How much a question can change what a person is shown (issue #16).

For one still-possible trial, ``trial_gains`` gives, per question key, the probability
that the answer changes the trial's verdict:

* **to ineligible**: every other open leaf is given its most probable answer (the
  *likely completion*, priors from ``data/question_priors.yaml``); when the two answers to
  this question then give different verdicts, the answer that rules the trial out counts
  with its probability. A rare exclusion (HIV, pregnancy) counts little; a requirement
  many people miss (steroids that did not work) counts much; a question that matters only
  once others are answered (the second disease of a trial for several) counts when the
  likely answers to those others make it matter.
* **to likely**: with the other open leaves left as they are, an answer that leaves
  nothing open and the trial met counts with its probability.

Leaves whose question was already asked (answered "not sure", skipped, or kept for the
trial team) stay open in the completion: no answer is assumed for them.

``matching.questions.next_question`` weights these by the trial's rank and by how many
people can answer the kind of question, and stops before the first results when the best
is below the threshold.
"""
from __future__ import annotations

from typing import Any

from core.truth import FAIL, FALSE, PASS, REVIEW, TRUE, UNKNOWN, kleene_not, status_of
from matching.node_kinds import ALL, ANY, CRIT, GROUP, LEAF, NOT
from matching.question_priors import Priors
from matching.verdicts import INELIGIBLE, LIKELY, POSSIBLE


def question_kind(key: str) -> str:
    """The kind of a question key as ``data/question_priors.yaml`` names it."""
    parts = key.split(":")
    head = parts[0]
    if head == "confirm" and len(parts) > 1:
        return f"confirm_{parts[1]}"
    if head == "therapy":
        return f"therapy_{parts[2] if len(parts) > 2 else 'any'}"
    if head == "infection":
        return f"infection_{parts[2] if len(parts) > 2 else 'positive'}"
    return head


class _Trial:
    """One trial's plan under the likely completion of its open leaves."""

    def __init__(self, result: Any, asked: set[str], priors: Priors):
        self.judgement = judgement = result.judgement
        self.book = judgement.book
        self.tops = result.plan.tops
        self.registry = self.book.registry
        self.keys: dict[int, str] = {}           # open leaf -> its question key (askable ones)
        self.p: dict[int, float] = {}            # open leaf -> probability it is true
        self.assumed: dict[int, str] = {}        # open leaf -> its likely truth
        for top in self.tops:
            if judgement.value(top) == UNKNOWN:
                self._walk(top, True, asked, priors)
        self._memo: dict[int, str] = {}

    def _walk(self, node: int, helps: bool, asked: set[str], priors: Priors) -> None:
        judgement, book = self.judgement, self.book
        if judgement.value(node) != UNKNOWN:
            return
        op, arg = book.op[node], book.arg[node]
        if op == LEAF:
            found = judgement.leaf_result(node)
            key = found.ask
            if key and key not in asked and node not in self.keys:
                p = priors.p_true(key, question_kind(key), helps, stated=bool(found.facts))
                self.keys[node], self.p[node] = key, p
                self.assumed[node] = TRUE if p >= 0.5 else FALSE
        elif op in (ALL, ANY):
            for child in arg:
                self._walk(child, helps, asked, priors)
        elif op == NOT:
            self._walk(arg, not helps, asked, priors)
        elif op == CRIT:
            self._walk(arg[0], helps if arg[1] != "exclusion" else not helps, asked, priors)
        elif op == GROUP:
            for child in arg[1]:
                self._walk(child, helps, asked, priors)

    # --- values under the completion (one leaf may be set otherwise) ---------------------
    def value(self, node: int, leaf: int | None = None, truth: str | None = None) -> str:
        """A node's value under the completion, with ``leaf`` set to ``truth`` if given."""
        if node == leaf:
            return truth
        judgement = self.judgement
        found = judgement.value(node)
        if found != UNKNOWN:
            return found
        if leaf is not None and judgement.holds_open(node, leaf):
            return self._compute(node, leaf, truth)
        kept = self._memo.get(node)
        if kept is None:
            kept = self._memo[node] = self._compute(node, None, None)
        return kept

    def _compute(self, node: int, leaf: int | None, truth: str | None) -> str:
        op, arg = self.book.op[node], self.book.arg[node]
        if op == LEAF:
            return self.assumed.get(node, UNKNOWN)
        if op == NOT:
            return kleene_not(self.value(arg, leaf, truth))
        if op == CRIT:
            return status_of(self.value(arg[0], leaf, truth), arg[1])
        if op == GROUP:
            values = [_truth(self.value(c, leaf, truth)) for c in arg[1]]
            value = _any(values) if arg[0] == "any" else _all(values)
            return PASS if value == TRUE else FAIL if value == FALSE else value
        values = [_truth(self.value(c, leaf, truth)) for c in arg]
        return _all(values) if op == ALL else _any(values)

    def verdict(self, statuses: list[str]) -> str:
        if FAIL in statuses:
            return INELIGIBLE
        if UNKNOWN in statuses:
            return POSSIBLE
        own = any(s == PASS and top not in self.registry for top, s in zip(self.tops, statuses))
        return LIKELY if own else POSSIBLE

    def gains(self) -> dict[str, float]:
        """Question key -> probability its answer changes this trial's verdict (the best
        of the key's leaves)."""
        judgement = self.judgement
        real = [judgement.value(top) for top in self.tops]
        base = [self.value(top) for top in self.tops]
        out: dict[str, float] = {}
        for leaf, key in self.keys.items():
            p = self.p[leaf]
            holding = [i for i, top in enumerate(self.tops) if real[i] == UNKNOWN and judgement.holds_open(top, leaf)]
            ruled_out, now_likely = {}, {}
            for truth in (TRUE, FALSE):
                statuses, real_if = list(base), list(real)
                for i in holding:
                    statuses[i] = self.value(self.tops[i], leaf, truth)
                    real_if[i] = judgement.what_if(self.tops[i], leaf, truth)
                ruled_out[truth] = self.verdict(statuses) == INELIGIBLE
                now_likely[truth] = self.verdict(real_if) == LIKELY
            gain = 0.0
            for truth, other, chance in ((TRUE, FALSE, p), (FALSE, TRUE, 1.0 - p)):
                if now_likely[truth] or (ruled_out[truth] and not ruled_out[other]):
                    gain += chance
            out[key] = max(gain, out.get(key, 0.0))
        return out


def _truth(value: str) -> str:
    return TRUE if value == PASS else FALSE if value == FAIL else value


def _all(values: list[str]) -> str:
    if FALSE in values:
        return FALSE
    if UNKNOWN in values:
        return UNKNOWN
    return REVIEW if REVIEW in values else TRUE


def _any(values: list[str]) -> str:
    if TRUE in values:
        return TRUE
    if UNKNOWN in values:
        return UNKNOWN
    return REVIEW if REVIEW in values else FALSE


def trial_gains(result: Any, asked: set[str], priors: Priors) -> dict[str, float]:
    """Question key -> the probability that its answer changes this still-possible trial's
    verdict (see the module docstring)."""
    return _Trial(result, asked, priors).gains()
