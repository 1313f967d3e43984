"""Every compiled criterion node of a turn judged at once, with numpy.

A ``Snapshot`` of a ``PlanBook`` orders its nodes by level (leaves first) and groups each
level's nodes by operation; ``Snapshot.judge(leaf_codes)`` then gives every node's value in
a few dozen array operations, however many trials share or do not share nodes. Values are
codes: 0 false / fail, 1 unknown, 2 review, 3 true / pass. Kleene ``all`` is the minimum in
that order (false < unknown < review < true: all[true, review] is review, all[unknown,
review] unknown); Kleene ``any`` is the maximum in the order false < review < unknown <
true (any[false, review] is review, any[unknown, review] unknown), so ``any`` swaps codes 1
and 2 around a maximum. ``not`` and an exclusion's status swap 0 and 3; an inclusion's
status is its rule's truth; a group combines its children's statuses like truths.
"""
from __future__ import annotations

from itertools import chain
from typing import Any

import numpy as np

from core.truth import FAIL, FALSE, PASS, REVIEW, TRUE, UNKNOWN
from matching.node_kinds import ALL, ANY, CRIT, GROUP, LEAF, NOT

TRUTHS = (FALSE, UNKNOWN, REVIEW, TRUE)
STATUSES = (FAIL, UNKNOWN, REVIEW, PASS)
CODE = {FALSE: 0, UNKNOWN: 1, REVIEW: 2, TRUE: 3, FAIL: 0, PASS: 3}
_SWAP = np.array([0, 2, 1, 3], dtype=np.int8)     # any: review below unknown
_NOT = np.array([3, 1, 2, 0], dtype=np.int8)
_MIN, _MAX, _NEGATE, _COPY = range(4)


class Snapshot:
    """The nodes of a book at one moment, ready to be judged together."""

    def __init__(self, book: Any):
        ops, args, levels = book.op, book.arg, book.level
        self.n = n = len(ops)
        self.leaves = [i for i in range(n) if ops[i] == LEAF]
        self.leaf_args = [args[i] for i in self.leaves]   # the leaves' rules, one list each turn judges
        self.leaf_index = np.array(self.leaves, dtype=np.int64)
        self.names = [TRUTHS if ops[i] in (LEAF, ALL, ANY, NOT) else STATUSES for i in range(n)]
        constants = np.full(n, -1, dtype=np.int8)
        steps: dict[tuple[int, int], tuple[list[int], list[int], list[int]]] = {}
        for i in range(n):
            op, arg = ops[i], args[i]
            if op == LEAF:
                continue
            if op == ALL or op == ANY or op == GROUP:
                children = arg[1] if op == GROUP else arg
                kind = _MAX if op == ANY or (op == GROUP and arg[0] == "any") else _MIN
                if not children:                   # all[] is true, any[] false
                    constants[i] = 3 if kind == _MIN else 0
                    continue
            elif op == NOT:
                kind, children = _NEGATE, (arg,)
            elif op == CRIT:
                kind, children = (_NEGATE if arg[1] == "exclusion" else _COPY), (arg[0],)
            else:                                  # a criterion without a rule: review
                constants[i] = 2
                continue
            nodes, flat, starts = steps.setdefault((levels[i], kind), ([], [], []))
            nodes.append(i)
            starts.append(len(flat))
            flat.extend(children)
        self.constant_index = np.flatnonzero(constants >= 0)
        self.constant_codes = constants[self.constant_index]
        self.steps = [(kind, np.array(nodes, dtype=np.int64), np.array(flat, dtype=np.int64),
                       np.array(starts, dtype=np.int64))
                      for (_level, kind), (nodes, flat, starts) in sorted(steps.items())]

    def judge(self, leaf_codes: list[int]) -> np.ndarray:
        """Every node's code, from the codes of ``self.leaves`` (same order)."""
        codes = np.empty(self.n, dtype=np.int8)
        codes[self.leaf_index] = leaf_codes
        codes[self.constant_index] = self.constant_codes
        for kind, nodes, flat, starts in self.steps:
            values = codes[flat]
            if kind == _MIN:
                codes[nodes] = np.minimum.reduceat(values, starts)
            elif kind == _MAX:
                codes[nodes] = _SWAP[np.maximum.reduceat(_SWAP[values], starts)]
            elif kind == _NEGATE:
                codes[nodes] = _NOT[values]
            else:
                codes[nodes] = values
        return codes


def tops_of(plans: list[Any]) -> tuple[np.ndarray, np.ndarray, int]:
    """(every plan's top-level nodes one after the other, how many each plan has, the
    highest node number): what ``tally`` reads, reusable while the plans are."""
    sizes = np.fromiter(map(len, (p.tops for p in plans)), dtype=np.int64, count=len(plans))
    flat = np.fromiter(chain.from_iterable(p.tops for p in plans), dtype=np.int64, count=int(sizes.sum()))
    return flat, sizes, int(flat.max()) if len(flat) else -1


def tally(codes: np.ndarray, plans: list[Any], tops: tuple | None = None) -> tuple[np.ndarray, ...] | None:
    """Per plan, how many top-level criteria fail, are unknown, are for review and pass,
    and how many it has; None when some plan holds a node newer than ``codes``. Counted in
    one ``bincount`` of (plan, code) over every top-level node (four masks and sums over
    1.4 million nodes at 100,000 trials cost twice as much): the same counts."""
    flat, sizes, highest = (tops or tops_of(plans))[:3]
    if highest >= len(codes):
        return None
    n = len(plans)
    values = codes[flat]
    if len(values) and (int(values.min()) < 0 or int(values.max()) > 3):
        return _tally_by_code(values, flat, sizes, n)          # (no node has another code)
    counts = np.bincount(_slots(flat, sizes) + values, minlength=4 * n).reshape(n, 4).T.copy()
    return (*counts, sizes)


def _tally_by_code(values: np.ndarray, flat: np.ndarray, sizes: np.ndarray, n: int) -> tuple[np.ndarray, ...]:
    keep = sizes > 0                              # reduceat cannot sum an empty segment
    starts = (np.cumsum(sizes) - sizes)[keep]
    out = []
    for code in (0, 1, 2, 3):
        counts = np.zeros(n, dtype=np.int64)
        if len(flat):
            counts[keep] = np.add.reduceat((values == code).astype(np.int64), starts)
        out.append(counts)
    return (*out, sizes)


_OWNERS: list = [None, None, None, None]    # the last (flat, sizes), each node's plan, and that times 4
_PINNED: tuple = (None, None, None, None)    # the same for a catalog's every row (``pin_owners``)


def _entry(flat: np.ndarray, sizes: np.ndarray) -> list:
    pinned = _PINNED
    if pinned[0] is flat and pinned[1] is sizes:
        return pinned                           # (a tuple: complete)
    global _OWNERS
    kept = _OWNERS
    if kept[0] is not flat or kept[1] is not sizes:
        kept = _OWNERS = [flat, sizes, np.repeat(np.arange(len(sizes), dtype=np.int64), sizes), None]
    return kept


def _owners(flat: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """The plan (its place) of each top-level node of ``flat``, kept for the same arrays
    (a turn's candidates keep theirs: ``tally`` and ``registry_tally`` read them every turn)."""
    return _entry(flat, sizes)[2]


def _slots(flat: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """``_owners(flat, sizes) * 4`` (the first of each plan's four counts in ``tally``'s
    ``bincount``), kept with them."""
    kept = _entry(flat, sizes)
    if kept[3] is None:
        kept[3] = kept[2] * 4
    return kept[3]


def pin_owners(flat: np.ndarray, sizes: np.ndarray) -> None:
    """Work out now, and keep beside the last candidates' (``_owners``), the plans of the
    top-level nodes of a catalog's every row (``matching.catalog_index``: the candidates of
    every turn before a diagnosis is known, 1.1 million nodes at 100,000 trials), so no
    such turn spreads them again. 32-bit (~9 MB at 100,000 trials): the same counts."""
    global _PINNED
    owners = np.repeat(np.arange(len(sizes), dtype=np.int32), sizes)
    _PINNED = (flat, sizes, owners, owners * np.int32(4))


def registry_tally(codes: np.ndarray, registry: set[int], plans: list[Any],
                   tops: tuple | None = None) -> tuple[np.ndarray, np.ndarray] | None:
    """Per plan, how many of its top-level criteria made from registry fields (``elig-*``)
    pass, and how many it has; None when some plan holds a node newer than ``codes``
    (counted by ``bincount`` of the plans of the nodes held, as ``tally``)."""
    flat, sizes, highest = (tops or tops_of(plans))[:3]
    if highest >= len(codes):
        return None
    n = len(plans)
    mask = _registry_mask(registry, len(codes))
    held = mask[flat]
    owners = _owners(flat, sizes)
    passing = np.bincount(owners[held & (codes[flat] == CODE[PASS])], minlength=n).astype(np.int64, copy=False)
    count = np.bincount(owners[held], minlength=n).astype(np.int64, copy=False)
    return passing, count


_MASK: tuple = (None, -1, -1, None)          # registry set, its size, nodes covered, the mask


def _registry_mask(registry: set[int], n: int) -> np.ndarray:
    """Which of the first ``n`` nodes are registry criteria (read-only), made once while the
    registry set and ``n`` stay the same (a book only appends nodes, so the registry nodes
    below ``n`` do not change)."""
    global _MASK
    kept = _MASK
    if kept[0] is not registry or kept[1] != len(registry) or kept[2] != n:
        mask = np.zeros(n, dtype=bool)
        mask[[node for node in registry if node < n]] = True
        mask.flags.writeable = False
        kept = _MASK = (registry, len(registry), n, mask)
    return kept[3]
