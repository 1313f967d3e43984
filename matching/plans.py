"""Compiled trials ("plans") and the per-turn judgement over them.

A plan is a trial's top-level criteria as nodes of a process-wide ``PlanBook``: the
content-addressed nodes of ``data/rule_nodes.py`` interned once, so equal criteria, groups
and leaves of thousands of trials are one node each. ``Judgement`` (one per profile and
day) judges each node once, memoised: a trial's verdict is then a look-up per top-level
criterion, and a node shared by many trials costs nothing after the first.

``Judgement`` also answers what question choice needs without re-judging whole criteria:
the open (unknown) leaves below a node, and "what if this leaf were true / false" along
the path from the leaf to the node only. Kleene logic is monotone: settling an unknown leaf
never changes a node that is already decided (true, false or review), so only unknown
nodes holding the leaf are recomputed.

Statuses and values are exactly those of ``matching.engine.judge_criteria`` on the record
(``tests/test_plans.py`` checks every criterion of every bundled trial on every scenario).
"""
from __future__ import annotations

import json
import sys
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Iterable

from data.rule_nodes import flatten, ranked_conditions
from core.truth import FAIL, FALSE, PASS, REVIEW, TRUE, UNKNOWN, kleene_not, status_of
from matching.cache import ByHash
from matching.leaf_result import LeafResult
from matching.node_kinds import ALL, ANY, CRIT, GROUP, LEAF, NOT, REVIEW_NODE

_FETCH = 5_000             # hashes per SQL query
PLAN_LIMIT = 250_000       # trial plans kept (a plan is a tuple of node numbers: ~200 bytes)
_RECORD_PLANS = 2_000      # plans remembered by record object (each keeps its record alive)
_STATUS_TRUTH = {PASS: TRUE, FAIL: FALSE}
_SUBTREES = 20_000         # node lists of plans remembered (question choice's signatures; ~0.7 KB each)
_CODE = {FALSE: 0, UNKNOWN: 1, REVIEW: 2, TRUE: 3, FAIL: 0, PASS: 3}     # matching.vector.CODE


@dataclass(frozen=True, slots=True)
class TrialPlan:
    """A trial as matching judges it: its top-level criterion nodes (record order, registry
    limits last) and the condition concepts it lists."""

    tops: tuple[int, ...]
    conditions: tuple[str, ...]


class PlanBook:
    """Nodes interned by content hash (process-wide, append-only: a node is a few small
    objects, and equal content is one node however many trials hold it)."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.op: list[int] = []
        self.arg: list[Any] = []
        self.level: list[int] = []            # 0 for leaves, else 1 + the highest child's
        self.registry: set[int] = set()       # criteria made from registry fields (elig-*)
        self._snapshot: Any = None
        self._lock = threading.RLock()
        self._by_record: OrderedDict[int, tuple[dict, TrialPlan]] = OrderedDict()
        self._subtrees: dict[tuple[int, ...], Any] = {}

    def __len__(self) -> int:
        return len(self.op)

    # --- from records (bundled trials, triage over a list of records) -------------------
    def plan(self, record: dict) -> TrialPlan:
        """The plan of a record (remembered for the same record object)."""
        key = id(record)
        with self._lock:
            kept = self._by_record.get(key)
            if kept is not None and kept[0] is record:
                self._by_record.move_to_end(key)
                return kept[1]
            tops, nodes = flatten(record)
            plan = TrialPlan(tuple(self._intern(h, nodes) for h in tops), tuple(ranked_conditions(record)))   # as stored
            self._by_record[key] = (record, plan)
            while len(self._by_record) > _RECORD_PLANS:
                self._by_record.popitem(last=False)
            return plan

    # --- from the store (trial_limits.plan + rule_nodes) ---------------------------------
    def plans(self, db: Any, rows: Iterable[tuple[str, str, str]]) -> list[TrialPlan]:
        """Plans from stored ``(plan JSON, conditions JSON)`` rows, fetching the nodes this
        process has not seen yet."""
        # condition concepts interned: 100,000 plans name a few hundred concepts, one string each
        intern = sys.intern
        parsed = [(json.loads(plan), tuple(map(intern, json.loads(conditions)))) for plan, conditions in rows]
        with self._lock:
            self._load(db, {h for tops, _ in parsed for h in tops if h not in self.index})
            index = self.index
            return [TrialPlan(tuple(index[h] for h in tops), conditions) for tops, conditions in parsed]

    def _load(self, db: Any, wanted: set[str]) -> None:
        nodes: dict[str, dict] = {}
        while wanted:
            batch = list(wanted)
            wanted = set()
            for start in range(0, len(batch), _FETCH):
                for key, text in db.execute(
                        "SELECT hash, node FROM rule_nodes WHERE hash IN (SELECT value FROM json_each(?))",
                        [json.dumps(batch[start:start + _FETCH])]).fetchall():
                    node = json.loads(text)
                    nodes[key] = node
                    wanted.update(h for h in _children(node) if h not in self.index and h not in nodes)
        for key in list(nodes):
            self._intern(key, nodes)

    def _intern(self, key: str, nodes: dict[str, dict]) -> int:
        found = self.index.get(key)
        if found is not None:
            return found
        node = nodes.get(key)
        if node is None:
            raise LookupError(f"rule node {key} is missing from the store")
        if "leaf" in node:
            op, arg = LEAF, _interned(node["leaf"])
        elif "all" in node or "any" in node:
            op = ALL if "all" in node else ANY
            arg = tuple(self._intern(h, nodes) for h in node["all" if op == ALL else "any"])
        elif "not" in node:
            op, arg = NOT, self._intern(node["not"], nodes)
        elif "crit" in node:
            op, arg = CRIT, (self._intern(node["crit"], nodes), sys.intern(node["kind"]))
            if node.get("registry"):
                self.registry.add(len(self.op))
        elif "group" in node:
            op, arg = GROUP, (sys.intern(node["group"]), tuple(self._intern(h, nodes) for h in node["c"]))
        else:
            op, arg = REVIEW_NODE, None
        number = len(self.op)
        self.op.append(op)
        self.arg.append(arg)
        self.level.append(1 + max((self.level[c] for c in child_nodes(op, arg)), default=-1))
        self.index[key] = number
        return number

    def subtree(self, tops: tuple[int, ...]) -> Any:
        """Every node below (and including) ``tops``, once each, ascending, as a numpy array
        (remembered: nodes never change once interned)."""
        found = self._subtrees.get(tops)
        if found is None:
            import numpy as np

            seen: set[int] = set()
            stack = list(tops)
            while stack:
                node = stack.pop()
                if node not in seen:
                    seen.add(node)
                    stack.extend(child_nodes(self.op[node], self.arg[node]))
            found = np.array(sorted(seen), dtype=np.int64)
            if len(self._subtrees) >= _SUBTREES:
                self._subtrees.clear()
            self._subtrees[tops] = found
        return found

    def snapshot(self) -> Any:
        """The vectorised form of the nodes (``matching.vector.Snapshot``), rebuilt when the
        book has grown by more than a twentieth since (nodes added later are judged one
        by one)."""
        from matching.vector import Snapshot  # start-up: numpy (~0.17 s) only once plans are judged

        with self._lock:
            current = self._snapshot
            if current is None or len(self.op) > current.n + max(16, current.n // 20):
                current = self._snapshot = Snapshot(self)
            return current


def _interned(value: Any) -> Any:
    """A leaf's rule with every string in it (keys and values) interned: tens of thousands
    of condition gates at 100,000 trials repeat the same words ("type", "concepts",
    "target_condition", concept ids and names), and a string parsed from JSON is a new
    object each time. Equal content, the same types (a list stays a list)."""
    if isinstance(value, str):
        return sys.intern(value)
    if isinstance(value, dict):
        return {sys.intern(k) if isinstance(k, str) else k: _interned(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_interned(v) for v in value]
    return value


def child_nodes(op: int, arg: Any) -> tuple[int, ...]:
    """The nodes right below a node of ``op`` with ``arg`` (none for a leaf)."""
    if op == ALL or op == ANY:
        return arg
    if op == NOT:
        return (arg,)
    if op == CRIT:
        return (arg[0],)
    if op == GROUP:
        return arg[1]
    return ()


def _children(node: dict) -> list[str]:
    if "all" in node or "any" in node:
        return list(node.get("all") or node.get("any") or [])
    if "not" in node:
        return [node["not"]]
    if "crit" in node:
        return [node["crit"]]
    return list(node.get("c") or [])


_BOOK = PlanBook()


def shared_book() -> PlanBook:
    """The process's plan book (every engine and command shares it)."""
    return _BOOK


class PlanCache:
    """Plans of stored trials by ``(id, source_hash)``, loaded from the store on first use
    (bounded: the least recently used go first)."""

    def __init__(self, book: PlanBook | None = None, limit: int = PLAN_LIMIT):
        self.book = book if book is not None else shared_book()
        self._plans = ByHash(limit)
        self._lock = threading.Lock()

    def plans(self, db: Any, trials: list[tuple[str, str]]) -> list[tuple[str, TrialPlan]]:
        """(id, plan) of each ``(id, source_hash)`` still in the store, in their order."""
        with self._lock:
            found, stale = self._plans.split(trials)
            for start in range(0, len(stale), _FETCH):
                rows = db.execute(
                    "SELECT trial_id, source_hash, plan, condition_list FROM trial_limits "
                    "WHERE trial_id IN (SELECT value FROM json_each(?))",
                    [json.dumps(stale[start:start + _FETCH])]).fetchall()
                plans = self.book.plans(db, [(row[2], row[3]) for row in rows])
                for row, plan in zip(rows, plans):     # ids interned: the index and the statuses hold them too
                    found[row[0]] = self._plans.keep(sys.intern(row[0]), sys.intern(row[1]), plan)
            return [(trial_id, found[trial_id]) for trial_id, _ in trials if trial_id in found]


class Judgement:
    """Every node judged once for one profile on one day (``ev`` is the
    ``matching.evaluate.Evaluator`` that judges leaves)."""

    def __init__(self, book: PlanBook, ev: Any):
        self.book = book
        self.ev = ev
        self.values: dict[int, str] = {}       # nodes newer than the snapshot, judged one by one
        self._open: dict[int, tuple[tuple[int, ...], frozenset]] = {}
        self._what_if: dict[tuple[int, int, str], str] = {}
        self._counts: dict[int, dict[str, int]] = {}
        self._holders: dict[int, dict[int, list[int]]] = {}
        self._n = -1                            # nodes covered by the snapshot (-1: not judged yet)
        self._codes: list[int] = []
        self.codes: Any = None                  # the same codes as a numpy array
        self._names: list[tuple[str, ...]] = []
        self.memo: dict[Any, Any] = {}          # what callers work out once per judgement (question values)

    def _judge_snapshot(self) -> None:
        from matching.vector import CODE  # start-up: numpy (~0.17 s) only once plans are judged

        snapshot = self.book.snapshot()
        values = self.ev.values(snapshot.leaf_args, snapshot)
        self.codes = snapshot.judge(list(map(CODE.__getitem__, values)))
        self._codes = self.codes.tolist()
        self._names = snapshot.names
        self._n = snapshot.n

    # --- values ------------------------------------------------------------------------
    def value(self, node: int) -> str:
        """A rule node's truth, or a criterion node's status."""
        if node < self._n:
            return self._names[node][self._codes[node]]
        if self._n < 0:
            self._judge_snapshot()
            return self.value(node)
        found = self.values.get(node)
        if found is None:
            found = self.values[node] = self._compute(node)
        return found

    def _compute(self, node: int) -> str:
        op, arg = self.book.op[node], self.book.arg[node]
        if op == LEAF:
            return self.ev.leaf(arg).value
        if op == ALL:
            return self._first(arg, FALSE, TRUE)
        if op == ANY:
            return self._first(arg, TRUE, FALSE)
        if op == NOT:
            return kleene_not(self.value(arg))
        if op == CRIT:
            return status_of(self.value(arg[0]), arg[1])
        if op == GROUP:
            return self._first(arg[1], PASS, FAIL) if arg[0] == "any" else self._first(arg[1], FAIL, PASS)
        return REVIEW

    def _first(self, children: tuple[int, ...], stop: str, rest: str) -> str:
        """Kleene ``all`` (stop at false / fail) or ``any`` (stop at true / pass) of the
        children, stopping at the deciding child; ``rest`` when every child is the other
        decided value; else unknown when a child is unknown, else review."""
        value = self.value
        unknown = review = False
        for child in children:
            found = value(child)
            if found == stop:
                return stop
            if found == UNKNOWN:
                unknown = True
            elif found == REVIEW:
                review = True
        return UNKNOWN if unknown else REVIEW if review else rest

    def codes_of(self, nodes: Any) -> bytes:
        """The values of ``nodes`` (an ascending numpy array, ``PlanBook.subtree``) as
        bytes, one code each (``matching.vector.CODE``): equal bytes, equal values."""
        if self._n < 0:
            self._judge_snapshot()
        n = self._n
        if not len(nodes) or nodes[-1] < n:
            return self.codes[nodes].tobytes()
        inside = int(nodes.searchsorted(n))
        return self.codes[nodes[:inside]].tobytes() + bytes(_CODE[self.value(int(i))] for i in nodes[inside:])

    def leaf_result(self, node: int) -> LeafResult:
        return self.ev.leaf(self.book.arg[node])

    def tallies(self, plans: list[TrialPlan], tops: tuple | None = None) -> tuple[Any, ...]:
        """Per plan, arrays of (failing, unknown, review, passing, all) top-level criteria
        (``tops``: ``matching.vector.tops_of(plans)``, when the caller keeps it)."""
        import numpy as np

        from matching.vector import tally  # start-up: numpy (~0.17 s) only once plans are judged

        if self._n < 0:
            self._judge_snapshot()
        found = tally(self.codes, plans, tops)
        if found is not None:
            return found
        rows = []
        for plan in plans:                      # some node is newer than the snapshot
            statuses = self.statuses(plan)
            rows.append((statuses.count(FAIL), statuses.count(UNKNOWN), statuses.count(REVIEW),
                         statuses.count(PASS), len(statuses)))
        return tuple(np.array(column, dtype=np.int64).reshape(len(plans)) for column in zip(*rows)) if rows else \
            tuple(np.zeros(0, dtype=np.int64) for _ in range(5))

    def registry_tallies(self, plans: list[TrialPlan], tops: tuple | None = None) -> tuple[Any, Any]:
        """Per plan, arrays of (passing, all) top-level criteria made from registry fields
        (``elig-*``: age and sex limits, the trial's conditions)."""
        import numpy as np

        from matching.vector import registry_tally  # start-up: numpy (~0.17 s) only once plans are judged

        registry = self.book.registry
        if not registry:
            zeros = np.zeros(len(plans), dtype=np.int64)
            return zeros, zeros
        if self._n < 0:
            self._judge_snapshot()
        found = registry_tally(self.codes, registry, plans, tops)
        if found is not None:
            return found
        rows = [(sum(1 for t in p.tops if t in registry and self.value(t) == PASS),
                 sum(1 for t in p.tops if t in registry)) for p in plans]
        return tuple(np.array(column, dtype=np.int64).reshape(len(plans)) for column in zip(*rows)) if rows else \
            (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))

    def statuses(self, plan: TrialPlan) -> list[str]:
        value = self.value
        return [value(top) for top in plan.tops]

    # --- open leaves and "what if" ---------------------------------------------------------
    def open_leaves(self, node: int) -> tuple[int, ...]:
        """The unknown leaves that keep an unknown node open, in rule order (a leaf held
        twice is listed twice); () for a decided or review node."""
        return self._open_of(node)[0]

    def holds_open(self, node: int, leaf: int) -> bool:
        """Whether the open ``leaf`` keeps the unknown ``node`` open."""
        entry = self._open.get(node) or self._open_of(node)     # asked ~70,000 times a conversation bench
        return leaf in entry[1]

    def holders(self, node: int, leaf: int) -> list[int]:
        """The children of an unknown ``all`` / ``any`` / group node through which the open
        ``leaf`` keeps it open (each occurrence)."""
        if not self.holds_open(node, leaf):
            return []
        holders = self._holders.get(node)
        if holders is None:
            op, arg = self.book.op[node], self.book.arg[node]
            holders = self._holders[node] = self._holders_of(arg[1] if op == GROUP else arg)
        return holders.get(leaf, [])

    def _open_of(self, node: int) -> tuple[tuple[int, ...], frozenset]:
        found = self._open.get(node)
        if found is not None:
            return found
        leaves: tuple[int, ...] = ()
        if self.value(node) == UNKNOWN:
            op, arg = self.book.op[node], self.book.arg[node]
            if op == LEAF:
                leaves = (node,)
            elif op in (ALL, ANY):
                leaves = tuple(leaf for child in arg for leaf in self._open_of(child)[0])
            elif op == NOT:
                leaves = self._open_of(arg)[0]
            elif op == CRIT:
                leaves = self._open_of(arg[0])[0]
            elif op == GROUP:
                leaves = tuple(leaf for child in arg[1] for leaf in self._open_of(child)[0])
        found = self._open[node] = (leaves, frozenset(leaves))
        return found

    def _holders_of(self, children: tuple[int, ...]) -> dict[int, list[int]]:
        """Open leaf -> the children (each occurrence) through which it is open."""
        holders: dict[int, list[int]] = {}
        opened = self._open
        for child in children:
            for open_leaf in opened[child][1]:
                holders.setdefault(open_leaf, []).append(child)
        return holders

    def what_if(self, node: int, leaf: int, truth: str) -> str:
        """The node's value or status were the open ``leaf`` ``truth`` (TRUE / FALSE)."""
        if node == leaf:
            return truth
        entry = self._open.get(node) or self._open_of(node)
        if leaf not in entry[1]:
            return self.value(node)           # decided, review, or not holding the leaf
        key = (node, leaf, truth)
        found = self._what_if.get(key)
        if found is not None:
            return found
        op, arg = self.book.op[node], self.book.arg[node]
        if op == NOT:
            found = kleene_not(self.what_if(arg, leaf, truth))
        elif op == CRIT:
            found = status_of(self.what_if(arg[0], leaf, truth), arg[1])
        else:                                  # ALL, ANY, GROUP: recount the children holding the leaf
            holders = self._holders.get(node)
            if holders is None:
                holders = self._holders[node] = self._holders_of(arg[1] if op == GROUP else arg)
            counts = self._counts.get(node)
            if counts is None:
                counts = self._counts[node] = _count([self.value(c) for c in (arg[1] if op == GROUP else arg)])
            counts = dict(counts)
            for child in holders[leaf]:
                old, new = self.value(child), self.what_if(child, leaf, truth)
                if old != new:
                    counts[_STATUS_TRUTH.get(old, old)] -= 1
                    counts[_STATUS_TRUTH.get(new, new)] += 1
            value = _decide(ANY if op == ANY or (op == GROUP and arg[0] == "any") else ALL, counts)
            found = value if op != GROUP else PASS if value == TRUE else FAIL if value == FALSE else value
        self._what_if[key] = found
        return found


def _count(values: list[str]) -> dict[str, int]:
    """How many children are true / false / unknown / review (statuses read as truths)."""
    counts = {TRUE: 0, FALSE: 0, UNKNOWN: 0, REVIEW: 0}
    for value in values:
        counts[_STATUS_TRUTH.get(value, value)] += 1
    return counts


def _decide(op: int, counts: dict[str, int]) -> str:
    """``kleene_all`` / ``kleene_any`` from counts of the children's truths."""
    if op == ALL:
        if counts[FALSE]:
            return FALSE
        if not counts[UNKNOWN] and not counts[REVIEW]:
            return TRUE
    else:
        if counts[TRUE]:
            return TRUE
        if not counts[UNKNOWN] and not counts[REVIEW]:
            return FALSE
    return UNKNOWN if counts[UNKNOWN] else REVIEW


_PLANS: PlanCache | None = None


def shared_plans() -> PlanCache:
    """The process's plan cache (every catalog shares it)."""
    global _PLANS
    if _PLANS is None:
        _PLANS = PlanCache()
    return _PLANS
