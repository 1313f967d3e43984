"""How much a question can change what a person is shown (issue #16).

For one still-possible trial, ``Completion.gains`` (``trial_gains`` for a trial alone)
gives, per question key, the probability that the answer changes the trial's verdict:

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
people can answer the kind of question; the conversation shows the first results when the
best is below the threshold. A ``Completion`` serves every trial of one choice (one
``match`` call's results share one judgement, and its nodes are interned across trials).
"""
from __future__ import annotations

import threading
import weakref
from functools import lru_cache
from typing import Any

from core.truth import FAIL, FALSE, PASS, REVIEW, TRUE, UNKNOWN, kleene_not, status_of
from matching.node_kinds import ALL, ANY, CRIT, GROUP, LEAF, NOT
from matching.question_priors import Priors
from matching.verdicts import INELIGIBLE, LIKELY, POSSIBLE


@lru_cache(maxsize=50_000)
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


MAX_DEPTH = 64                          # completions taken from one another before one starts anew
# a judgement keeps its last completion (``Judgement.memo``), and only the judgement
# questions were last chosen for keeps one (the searches of a turn, and a "not sure" after
# it, are on one judgement), not every judgement the results memo keeps: a completion refers
# to its judgement, so a judgement keeping one is freed only by the cycle collector once
# the results memo drops it (at 100,000 trials a judgement weighs ~2.5 MB: 4 kept raised
# the bench's peak memory by 7 MB)
_LAST = "question_value.completion"
RECENT = 1
_RECENT: list[weakref.ref] = []
_RECENT_LOCK = threading.Lock()


class Completion:
    """The likely completion of one judgement's open leaves (one ``match`` call: its
    results share one judgement), shared by the trials of one question choice: nodes are
    interned across trials, so a node's value under the completion, and with one leaf
    set otherwise, is computed once for all of them. A leaf's likely answer can depend on
    whether its truth helps or hurts the criterion (a lab value that fails a threshold is
    the unlikely one), so values are kept per node and that polarity (``helps``)."""

    def __init__(self, judgement: Any, asked: set[str], priors: Priors, reuse: bool = True):
        self.judgement = judgement
        self.book = judgement.book
        self.registry = self.book.registry
        self.asked = frozenset(asked)
        self.priors = priors
        self.keys: dict[int, str | None] = {}     # open leaf -> its question key (None: not askable)
        self.p: dict[tuple[int, bool], float] = {}   # (open leaf, helps) -> probability it is true
        self._leaves: dict[tuple[int, bool], tuple[tuple[int, bool], ...]] = {}
        self._memo: dict[tuple[int, bool], str] = {}
        self._flips: dict[tuple[int, bool, int, str], str] = {}
        self._child_counts: dict[tuple[int, bool], dict[str, int]] = {}
        # the last completion of this judgement, when it asked a subset of these keys (the
        # next search after a lab question passed over, a "not sure"): a node none of whose
        # open leaves asks a key it did not ask has the same values under both, so they are
        # taken from it instead of worked out again (``_clean``)
        self.parent: Completion | None = None
        self.dropped: frozenset = frozenset()     # keys asked here, not by the parent
        self.depth = 0
        self._clean: dict[int, bool] = {}
        self._leaf_gains: dict[Any, tuple[int, dict[int, float]]] = {}   # plan -> (failing, leaf -> gain)
        if reuse:
            last = judgement.memo.get(_LAST)
            while last is not None and not (last.priors is priors and last.asked <= self.asked):
                last = last.parent              # the next turn's search: without the keys passed over
            if last is not None and last.depth < MAX_DEPTH:
                self.parent, self.dropped, self.depth = last, self.asked - last.asked, last.depth + 1
            judgement.memo[_LAST] = self
            _keep(judgement)

    def _same(self, node: int) -> bool:
        """Whether ``node`` has the parent's values here: none of its open leaves asks a key
        this completion asks and the parent did not."""
        found = self._clean.get(node)
        if found is None:
            dropped, leaf_result = self.dropped, self.judgement.leaf_result
            found = self._clean[node] = not dropped or not any(
                leaf_result(leaf).ask in dropped for leaf in self.judgement.open_leaves(node))
        return found

    # --- the open leaves and their likely answers ----------------------------------------
    def _key(self, leaf: int) -> str | None:
        found = self.keys.get(leaf, "")
        if found == "":
            key = self.judgement.leaf_result(leaf).ask
            found = self.keys[leaf] = key if key and key not in self.asked else None
        return found

    def _p(self, leaf: int, helps: bool) -> float:
        found = self.p.get((leaf, helps))
        if found is None and self.parent is not None:
            found = self.parent.p.get((leaf, helps))
            if found is not None:
                self.p[(leaf, helps)] = found
        if found is None:
            key = self._key(leaf)
            stated = bool(self.judgement.leaf_result(leaf).facts)
            found = self.p[(leaf, helps)] = self.priors.p_true(key, question_kind(key), helps, stated=stated)
        return found

    def leaves(self, node: int, helps: bool = True) -> tuple[tuple[int, bool], ...]:
        """The askable open leaves below an unknown node, each with whether its truth helps
        the criterion there."""
        found = self._leaves.get((node, helps))
        if found is not None:
            return found
        if self.parent is not None and self._same(node):
            found = self._leaves[(node, helps)] = self.parent.leaves(node, helps)
            return found
        judgement, book = self.judgement, self.book
        out: list[tuple[int, bool]] = []
        if judgement.value(node) == UNKNOWN:
            op, arg = book.op[node], book.arg[node]
            if op == LEAF:
                if self._key(node) is not None:
                    out.append((node, helps))
            else:
                for child, child_helps in _children(op, arg, helps):
                    out.extend(self.leaves(child, child_helps))
        found = self._leaves[(node, helps)] = tuple(dict.fromkeys(out))
        return found

    # --- values under the completion (one leaf may be set otherwise) ---------------------
    def value(self, node: int, helps: bool = True) -> str:
        """A node's value (a criterion's status) under the completion."""
        kept = self._memo.get((node, helps))       # only nodes the judgement leaves unknown
        if kept is not None:
            return kept
        found = self.judgement.value(node)
        if found != UNKNOWN:
            return found
        if self.parent is not None and self._same(node):
            kept = self._memo[(node, helps)] = self.parent.value(node, helps)
        if kept is None:
            op, arg = self.book.op[node], self.book.arg[node]
            if op == LEAF:
                kept = UNKNOWN if self._key(node) is None else TRUE if self._p(node, helps) >= 0.5 else FALSE
            else:
                counts = self._counts(node, helps)
                kept = self._combine(op, arg, counts, lambda: self.value(arg if op == NOT else arg[0], _inner(op, arg, helps)))
            self._memo[(node, helps)] = kept
        return kept

    def flipped(self, node: int, helps: bool, leaf: int, truth: str) -> str:
        """A node's value under the completion with the open ``leaf`` set to ``truth``."""
        if node == leaf:
            return truth
        key = (node, helps, leaf, truth)
        kept = self._flips.get(key)                # only unknown nodes holding the leaf
        if kept is not None:
            return kept
        judgement = self.judgement
        if judgement.value(node) != UNKNOWN or not judgement.holds_open(node, leaf):
            return self.value(node, helps)
        if self.parent is not None and self._same(node):
            kept = self._flips[key] = self.parent.flipped(node, helps, leaf, truth)
            return kept
        op, arg = self.book.op[node], self.book.arg[node]
        counts = None
        if op not in (NOT, CRIT):               # ALL, ANY, GROUP: recount the children holding the leaf
            counts = dict(self._counts(node, helps))
            for child in judgement.holders(node, leaf):
                counts[_truth(self.value(child, helps))] -= 1
                counts[_truth(self.flipped(child, helps, leaf, truth))] += 1
        kept = self._flips[key] = self._combine(
            op, arg, counts, lambda: self.flipped(arg if op == NOT else arg[0], _inner(op, arg, helps), leaf, truth))
        return kept

    def _counts(self, node: int, helps: bool) -> dict[str, int] | None:
        """How many children of an ``all`` / ``any`` / group node are true / false /
        unknown / review under the completion (None for other nodes)."""
        op, arg = self.book.op[node], self.book.arg[node]
        if op in (NOT, CRIT):
            return None
        found = self._child_counts.get((node, helps))
        if found is None and self.parent is not None and self._same(node):
            found = self._child_counts[(node, helps)] = self.parent._counts(node, helps)   # read only
        if found is None:
            found = {TRUE: 0, FALSE: 0, UNKNOWN: 0, REVIEW: 0}
            for child in arg[1] if op == GROUP else arg:
                found[_truth(self.value(child, helps))] += 1
            self._child_counts[(node, helps)] = found
        return found

    @staticmethod
    def _combine(op: int, arg: Any, counts: dict[str, int] | None, inner: Any) -> str:
        if op == NOT:
            return kleene_not(inner())
        if op == CRIT:
            return status_of(inner(), arg[1])
        found = _decide(counts, TRUE if op == ANY or (op == GROUP and arg[0] == "any") else FALSE)
        return (PASS if found == TRUE else FAIL if found == FALSE else found) if op == GROUP else found

    # --- one trial -----------------------------------------------------------------------
    def gains(self, result: Any) -> dict[str, float]:
        """Question key -> probability its answer changes this trial's verdict (the best
        of the key's leaves)."""
        judgement, tops, registry = self.judgement, result.plan.tops, self.registry
        real = [judgement.value(top) for top in tops]
        holding: dict[int, list[int]] = {}      # open leaf -> places of the unknown tops holding it
        polarity: dict[int, bool] = {}          # open leaf -> helps, where this trial first holds it
        for i, top in enumerate(tops):
            if real[i] == UNKNOWN:
                for leaf, helps in self.leaves(top):
                    polarity.setdefault(leaf, helps)
                    places = holding.setdefault(leaf, [])
                    if not places or places[-1] != i:
                        places.append(i)
        if not holding:
            return {}
        base = [self.value(top) if real[i] == UNKNOWN else real[i] for i, top in enumerate(tops)]
        own = [top not in registry for top in tops]
        real_tally, base_tally = _tally(real, own), _tally(base, own)
        # the parent's gain of a leaf all of whose criteria have the parent's values, when as
        # many of the trial's criteria fail under both completions (under the completion, a
        # gain reads only whether some criterion fails): every input is equal
        entry = self.parent._leaf_gains.get(result.plan) if self.parent is not None else None
        kept = entry[1] if entry is not None and entry[0] == base_tally[0] else None
        gained: dict[int, float] = {}
        out: dict[str, float] = {}
        for leaf, places in holding.items():
            if kept is not None and leaf in kept and all(self._same(tops[i]) for i in places):
                gain = gained[leaf] = kept[leaf]
                key = self._key(leaf)
                out[key] = max(gain, out.get(key, 0.0))
                continue
            p = self._p(leaf, polarity[leaf])
            ruled_out, now_likely = {}, {}
            # shortcuts (exact): a criterion failing under the likely answers that does not
            # hold the leaf keeps the trial ruled out either way; an open criterion that
            # does not hold it keeps the trial from becoming likely either way; and the
            # answer the completion already assumes (the same wherever the leaf is)
            # changes nothing under it
            failing_elsewhere = base_tally[0] > sum(1 for i in places if base[i] == FAIL)
            open_elsewhere = real_tally[1] > len(places)
            likely = self.value(leaf, True)
            likely = likely if likely == self.value(leaf, False) else None
            for truth in (TRUE, FALSE):
                if failing_elsewhere:
                    ruled_out[truth] = True
                elif truth == likely:
                    ruled_out[truth] = base_tally[0] > 0
                else:
                    assumed = [(own[i], base[i], self.flipped(tops[i], True, leaf, truth)) for i in places]
                    ruled_out[truth] = _verdict_if(base_tally, assumed) == INELIGIBLE
                if open_elsewhere:
                    now_likely[truth] = False
                else:
                    told = [(own[i], real[i], judgement.what_if(tops[i], leaf, truth)) for i in places]
                    now_likely[truth] = _verdict_if(real_tally, told) == LIKELY
            gain = 0.0
            for truth, other, chance in ((TRUE, FALSE, p), (FALSE, TRUE, 1.0 - p)):
                if now_likely[truth] or (ruled_out[truth] and not ruled_out[other]):
                    gain += chance
            gained[leaf] = gain
            key = self._key(leaf)
            out[key] = max(gain, out.get(key, 0.0))
        self._leaf_gains[result.plan] = (base_tally[0], gained)
        return out


def _inner(op: int, arg: Any, helps: bool) -> bool:
    """Whether a true child helps, for the only child of a ``not`` or a criterion node."""
    if op == NOT:
        return not helps
    return helps if arg[1] != "exclusion" else not helps


def _children(op: int, arg: Any, helps: bool) -> list[tuple[int, bool]]:
    if op in (ALL, ANY):
        return [(child, helps) for child in arg]
    if op == GROUP:
        return [(child, helps) for child in arg[1]]
    if op in (NOT, CRIT):
        return [(arg if op == NOT else arg[0], _inner(op, arg, helps))]
    return []


def _tally(statuses: list[str], own: list[bool]) -> list[int]:
    """[failing, unknown, own passing] top-level criteria (the verdict's inputs)."""
    return [statuses.count(FAIL), statuses.count(UNKNOWN), sum(1 for s, o in zip(statuses, own) if o and s == PASS)]


def _verdict_if(tally: list[int], changes: list[tuple[bool, str, str]]) -> str:
    """The verdict (``matching.engine.judge_plans``'s rule) after top-level criteria change
    from one status to another (``(own criterion, old, new)``)."""
    failing, unknown, passing = tally
    for own, old, new in changes:
        failing += (new == FAIL) - (old == FAIL)
        unknown += (new == UNKNOWN) - (old == UNKNOWN)
        if own:
            passing += (new == PASS) - (old == PASS)
    if failing:
        return INELIGIBLE
    return LIKELY if not unknown and passing else POSSIBLE


def _decide(counts: dict[str, int], stop: str) -> str:
    """``_first`` from counts of the children's truths."""
    if counts[stop]:
        return stop
    if counts[UNKNOWN]:
        return UNKNOWN
    if counts[REVIEW]:
        return REVIEW
    return TRUE if stop == FALSE else FALSE


def _truth(value: str) -> str:
    return TRUE if value == PASS else FALSE if value == FAIL else value


def trial_gains(result: Any, asked: set[str], priors: Priors) -> dict[str, float]:
    """Question key -> the probability that its answer changes this still-possible trial's
    verdict (see the module docstring)."""
    return Completion(result.judgement, asked, priors).gains(result)


def _keep(judgement: Any) -> None:
    """``judgement`` is the latest to keep a completion; the oldest beyond ``RECENT`` drop theirs."""
    with _RECENT_LOCK:
        kept = [ref for ref in _RECENT if ref() is not None and ref() is not judgement]
        kept.append(weakref.ref(judgement))
        while len(kept) > RECENT:
            old = kept.pop(0)()
            if old is not None:
                old.memo.pop(_LAST, None)
        _RECENT[:] = kept


def forget() -> None:
    """Drop the remembered completions (tests, benchmarks measuring cold turns)."""
    with _RECENT_LOCK:
        for ref in _RECENT:
            judgement = ref()
            if judgement is not None:
                judgement.memo.pop(_LAST, None)
        _RECENT.clear()
