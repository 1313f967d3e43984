"""Three-valued evaluation of a rule against a patient ``Profile``, with evidence.

``Evaluator(profile, today=...)`` judges rules: ``evaluator.rule(rule) -> RuleResult``.
Leaves are judged by the functions in ``matching/leaves.py``, ``matching/therapy.py`` and
``matching/labs.py``; combinators follow Kleene logic (``core/truth.py``).

What counts as evidence is ``matching/evidence.py``; an implausible value is not used:
unknown, and the question asks to confirm it.
"""
from __future__ import annotations

from collections import deque
from datetime import date
from typing import Any, Callable

from core.facts import Profile, facts_key
from core.truth import FALSE, REVIEW, TRUE, UNKNOWN, kleene_all, kleene_any, kleene_not
from data.terminology import Terminology
from matching import allergy, labs, leaves, relevance, stage, therapy, toxicity
from matching.evidence import Evidence, split_related
from matching.leaf_result import LeafResult, RuleResult


class Evaluator(Evidence):
    """Judges rules against one profile on one day. Leaf results are cached per leaf
    object; ``overrides`` (leaf id -> truth) let question choice ask "what if"."""

    def __init__(self, profile: Profile, terminology: Terminology | None = None,
                 today: date | None = None, overrides: dict[int, str] | None = None):
        super().__init__(profile, terminology, today)
        self.overrides = overrides or {}
        self._cache: dict[int, tuple[dict, LeafResult]] = {}

    def what_if(self, overrides: dict[int, str]) -> "Evaluator":
        """The same judge, with some leaves' truth assumed (facts and cache are shared:
        an overridden leaf is looked up before the cache)."""
        other = Evaluator.__new__(Evaluator)
        other.__dict__.update(self.__dict__)
        other.overrides = {**self.overrides, **overrides}
        return other

    # --- rules ----------------------------------------------------------------------
    def rule(self, rule: dict) -> RuleResult:
        if "all" in rule or "any" in rule:
            op = "all" if "all" in rule else "any"
            parts = [self.rule(sub) for sub in rule[op]]
            value = (kleene_all if op == "all" else kleene_any)(p.value for p in parts)
            return RuleResult(value, _deciding(op, value, parts))
        if "not" in rule:
            inner = self.rule(rule["not"])
            return RuleResult(kleene_not(inner.value), inner.leaves)
        result = self.leaf(rule)
        return RuleResult(result.value, [result])

    def value(self, leaf: dict) -> str:
        """A leaf's truth alone: what ``leaf(...).value`` gives, by the judge's truth-only
        fast path when it has one (the vectorised judgement of every leaf needs no reasons)."""
        fast = _VALUES.get(leaf.get("type"))
        if fast is None or self._reads is not None or id(leaf) in self.overrides:
            return self.leaf(leaf).value
        cached = self._cache.get(id(leaf))
        if cached is not None and cached[0] is leaf:
            return cached[1].value
        return fast(self, leaf)

    def values(self, leaves: list[dict], token: object) -> list[str]:
        """``value`` of every leaf of a list that stays the same from turn to turn (``token``
        names it: the plan book's snapshot). Leaves whose judge has a truth-only bulk path
        (the condition gate) are judged together, remembered per list and per the facts
        they read; the others one by one."""
        if self._reads is not None or self.overrides:
            return [self.value(leaf) for leaf in leaves]
        kept = _POSITIONS.get(id(token))
        if kept is None or kept[0] is not token:
            groups: dict[str, list[int]] = {}
            for i, leaf in enumerate(leaves):
                if leaf.get("type") in _BULK:
                    groups.setdefault(leaf["type"], []).append(i)
            _POSITIONS.clear()                  # one snapshot is current at a time
            kept = _POSITIONS[id(token)] = (token, groups, {i for idx in groups.values() for i in idx},
                                            {kind: [leaves[i] for i in positions] for kind, positions in groups.items()})
        _, groups, bulk, listed = kept
        out = self._listed(leaves, token, bulk)
        for kind, positions in groups.items():       # out[i] = found, by C-level map
            deque(map(out.__setitem__, positions, _BULK[kind](self, token, listed[kind])), maxlen=0)
        return out

    def _listed(self, leaves: list[dict], token: object, bulk: set[int]) -> list:
        """``value`` of the list's leaves outside ``bulk`` (None at bulk positions), from the
        last call's values for the same list and day: a leaf's value rests on the facts of
        the labels its judge read (``_remembered``'s key), so only the leaves of label sets
        whose facts changed are judged again (a turn that adds a lab value re-reads the lab
        leaves, not every other)."""
        last = _LISTED.get(id(token))
        if last is None or last[0] is not token or last[1] != (self.today, id(self.terminology)):
            out = [None if i in bulk else self.value(leaf) for i, leaf in enumerate(leaves)]
            reads = [None if i in bulk else self._read_by(leaf) for i, leaf in enumerate(leaves)]
            by_reads: dict[Any, list[int]] = {}
            for i, labels in enumerate(reads):
                if labels is not None:
                    by_reads.setdefault(labels, []).append(i)
        else:
            _, _, old, reads, by_reads, keys = last
            out, reads = list(old), list(reads)
            moved = False
            for labels in [labels for labels in by_reads if labels is _ANY or self._facts_key(labels) != keys[labels]]:
                for i in by_reads[labels]:
                    out[i] = self.value(leaves[i])
                    now = self._read_by(leaves[i])
                    if now is not labels and now != labels:
                        reads[i], moved = now, True
            if moved:
                by_reads = {}
                for i, labels in enumerate(reads):
                    if labels is not None:
                        by_reads.setdefault(labels, []).append(i)
        keys = {labels: self._facts_key(labels) for labels in by_reads if labels is not _ANY}
        _LISTED.clear()                         # one snapshot is current at a time
        _LISTED[id(token)] = (token, (self.today, id(self.terminology)), out, reads, by_reads, keys)
        return out

    def _read_by(self, leaf: dict) -> Any:
        """The fact labels a leaf's value rests on (what its judge read with no facts, and
        with the facts it was last judged on), or ``_ANY`` when unknown (judged every time)."""
        judge = _judges().get(leaf.get("type"))
        if judge is None:
            return frozenset()                   # not evaluated: review, always
        if leaf.get("type") in _VALUES:
            return _ANY
        base = _BASELINES.get((id(leaf), self.today, id(self.terminology)))
        if base is None or base[0] is not leaf:
            return _ANY
        kept = _LABELS_READ.get(id(leaf))
        return base[1] | kept[1] if kept is not None and kept[0] is leaf else base[1]

    def leaf(self, leaf: dict) -> LeafResult:
        key = id(leaf)
        if key in self.overrides:
            return LeafResult(leaf, self.overrides[key], "assumed answer (what-if)")
        cached = self._cache.get(key)
        if cached is not None and cached[0] is leaf:
            return cached[1]
        judge = _judges().get(leaf.get("type"))
        if judge is None:
            result = LeafResult(leaf, REVIEW, f"leaf type {leaf.get('type')!r} is not evaluated by trialbot")
        elif self._reads is not None:
            result = judge(self, leaf)          # judging a baseline: always in full
        else:
            base = _baseline(self, leaf, judge)
            # no fact of any label the judge read with no facts at all: it would read the
            # same nothing again and give the same result
            result = base[2] if base[1].isdisjoint(self._labels) else self._remembered(leaf, judge, base[1])
        self._cache[key] = (leaf, result)
        return result

    def _remembered(self, leaf: dict, judge: Callable[["Evaluator", dict], LeafResult],
                    base_labels: frozenset) -> LeafResult:
        """The judge's result, remembered across turns for the same leaf, day and facts of
        every label the judge has read for it: a turn that adds a lab value does not judge
        thousands of diagnosis leaves again. The labels read are recorded while judging
        (``Evidence.facts``), so the key always covers what the result rests on."""
        kept = _LABELS_READ.get(id(leaf))
        labels = kept[1] if kept is not None and kept[0] is leaf else base_labels
        key = (id(leaf), self.today, id(self.terminology), self._facts_key(labels))
        found = _REMEMBERED.get(key)
        if found is not None and found[0] is leaf:
            return found[1]
        self._reads = reads = set()
        try:
            result = judge(self, leaf)
        finally:
            self._reads = None
        if not reads <= labels:                   # read more than before: a wider key from now on
            labels = frozenset(labels | reads)
            key = (id(leaf), self.today, id(self.terminology), self._facts_key(labels))
        if len(_REMEMBERED) >= _BASELINE_LIMIT:
            _REMEMBERED.clear()
            _LABELS_READ.clear()
        _LABELS_READ[id(leaf)] = (leaf, labels)
        _REMEMBERED[key] = (leaf, result)
        return result

    def _facts_key(self, labels: frozenset) -> tuple:
        keys = self.__dict__.setdefault("_facts_keys", {})
        found = keys.get(labels)
        if found is None:
            found = keys[labels] = facts_key(f for label in sorted(labels) for f in self._by_label.get(label, ()))
        return found


def _deciding(op: str, value: str, parts: list[RuleResult]) -> list[LeafResult]:
    """The leaves that decided a combination's value (for evidence and questions)."""
    if value in (UNKNOWN, REVIEW):
        chosen = [p for p in parts if p.value in (UNKNOWN, REVIEW)]
    elif (op == "all" and value == FALSE) or (op == "any" and value == TRUE):
        chosen = [p for p in parts if p.value == value]
    else:
        chosen = parts
    return [leaf for part in chosen for leaf in part.leaves]


_JUDGES: dict[str, Callable[[Evidence, dict], LeafResult]] = {**leaves.JUDGES, **labs.JUDGES, **therapy.JUDGES, **allergy.JUDGES, **stage.JUDGES, **toxicity.JUDGES,
                                                            **relevance.JUDGES}
_VALUES: dict[str, Callable[[Evidence, dict], str]] = {**relevance.VALUES}
_BULK: dict[str, Callable[[Evidence, object, list[dict]], list[str]]] = {**relevance.BULK_VALUES}
_POSITIONS: dict[int, tuple[object, dict[str, list[int]], set[int], dict[str, list[dict]]]] = {}
_BASELINES: dict[tuple[int, date, int], tuple[dict, frozenset, LeafResult]] = {}
_REMEMBERED: dict[tuple, tuple[dict, LeafResult]] = {}
_LABELS_READ: dict[int, tuple[dict, frozenset]] = {}
_LISTED: dict[int, tuple] = {}           # id(token) -> the last values of its list (Evaluator._listed)
_ANY = frozenset({"\0any"})             # labels unknown: the leaf is judged every time


_BASELINE_LIMIT = 200_000


def _baseline(ev: Evaluator, leaf: dict, judge: Callable[[Evaluator, dict], LeafResult]) -> tuple[dict, frozenset, LeafResult]:
    """(leaf, the fact labels its judge reads, its result) for a profile with no facts, on
    ``ev``'s day: most leaves of most trials read labels a patient has said nothing about,
    and are not judged again per turn."""
    key = (id(leaf), ev.today, id(ev.terminology))
    found = _BASELINES.get(key)
    if found is not None and found[0] is leaf:
        return found
    empty = Evaluator(Profile([]), ev.terminology, today=ev.today)
    empty._reads = set()
    result = judge(empty, leaf)
    found = (leaf, frozenset(empty._reads), result)
    if len(_BASELINES) >= _BASELINE_LIMIT:
        _BASELINES.clear()
    _BASELINES[key] = found
    return found


def _judges() -> dict[str, Callable[[Evaluator, dict], LeafResult]]:
    return _JUDGES


__all__ = ["Evaluator", "split_related", "TRUE", "FALSE", "UNKNOWN", "REVIEW"]
