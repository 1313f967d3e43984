"""Rule rewriting for the criteria parser: ``simplify`` (what the parser returns) and
``canonical`` (the "equivalent" comparison of the criteria benchmark).

Every rewrite keeps the rule's three-valued meaning (``docs/rule-language.md``): flattening
nested ``all``/``any``, dropping duplicates, ``not not x = x``, absorption (``any[A, all[A,
B]] = A``), one pregnancy leaf for several states, and, with the terminology, a leaf whose
concept lies under another's ("any of immunosuppressants or biologics" = immunosuppressants).
Review leaves with the same reason in one group become one (their notes joined).
"""
from __future__ import annotations

import json
from typing import Any, Callable

from core.rules import iter_leaves

REASON_ORDER = ("consent", "investigator", "prognosis", "assay", "compliance", "clinical", "other")
_PREGNANCY_ORDER = ("pregnant", "lactating", "planning")
_CONCEPT_FIELD = {"diagnosis": "concept", "history": "concept", "therapy": "concept", "procedure": "concept",
                  "infection": "agent", "biomarker": "marker", "allergy": "substance"}
IsA = Callable[[str, str], bool]


# ``json.dumps(rule, sort_keys=True, default=str)``, its encoder made once (dumps builds one
# per call when given options: 6.4 instead of 8.8 us a rule, ~45,000 calls over the 241 records)
_KEY = json.JSONEncoder(sort_keys=True, default=str).encode


def key(rule: Any) -> str:
    return _KEY(rule)


def simplify(rule: dict, is_a: IsA | None = None) -> dict:
    """An equivalent, smaller rule."""
    if "not" in rule:
        inner = simplify(rule["not"], is_a)
        return inner["not"] if "not" in inner else {"not": inner}
    op = "all" if "all" in rule else "any" if "any" in rule else None
    if op is None:
        return rule
    children: list[dict] = []
    for child in (simplify(c, is_a) for c in rule[op]):
        children.extend(child[op] if op in child else [child])
    children = _dedupe(children)
    children = _merge_reviews(children)
    children = _merge_pregnancy(children, op)
    if is_a is not None:
        children = _subsume(children, op, is_a)
    children = _absorb(children, op)
    return children[0] if len(children) == 1 else {op: children}


def review_only(rule: dict) -> bool:
    return all(leaf.get("type") == "review" for leaf in iter_leaves(rule))


def best_review(rule: dict) -> dict:
    """One review leaf standing for a rule made of review leaves: the most specific reason,
    the notes joined."""
    leaves = [leaf for leaf in iter_leaves(rule) if leaf.get("type") == "review"]
    reason = min((leaf["reason"] for leaf in leaves), key=REASON_ORDER.index, default="other")
    notes = _unique(leaf.get("note") for leaf in leaves if leaf["reason"] == reason)
    leaf = {"type": "review", "reason": reason}
    if notes:
        leaf["note"] = " ".join(notes)
    return leaf


def canonical(rule: Any) -> Any:
    """A form in which logically identical rules compare equal: no notes or questions,
    defaults written out, lists and the members of all/any in a fixed order."""
    if not isinstance(rule, dict):
        return rule
    if "not" in rule:
        inner = canonical(rule["not"])
        return inner["not"] if isinstance(inner, dict) and "not" in inner else {"not": inner}
    for op in ("all", "any"):
        if op in rule:
            children: list = []
            for child in (canonical(c) for c in rule[op]):
                children.extend(child[op] if isinstance(child, dict) and op in child else [child])
            unique = {key(c): c for c in children}
            ordered = [unique[k] for k in sorted(unique)]
            return ordered[0] if len(ordered) == 1 else {op: ordered}
    leaf = {k: v for k, v in rule.items() if k not in ("note", "ask")}
    if leaf.get("type") == "infection":
        leaf.setdefault("state", "positive")
    if leaf.get("type") == "therapy":
        if leaf.get("response") == "any":
            del leaf["response"]
        if leaf.get("min_count") == 1:
            del leaf["min_count"]
    for field in ("states", "except", "allowed"):
        if field in leaf:
            leaf[field] = sorted(leaf[field])
    return {k: (float(v) if isinstance(v, int) and not isinstance(v, bool) else v) for k, v in leaf.items()}


# --- rewrites ------------------------------------------------------------------------------


def _dedupe(children: list[dict]) -> list[dict]:
    seen: dict[str, dict] = {}
    for child in children:
        seen.setdefault(key(_strip_notes(child)), child)
    return list(seen.values())


def _strip_notes(rule: dict) -> Any:
    return canonical(rule) if rule.get("type") != "review" else {"type": "review", "reason": rule["reason"]}


def _merge_reviews(children: list[dict]) -> list[dict]:
    out: list[dict] = []
    by_reason: dict[str, dict] = {}
    for child in children:
        if child.get("type") != "review":
            out.append(child)
            continue
        reason = child["reason"]
        if reason in by_reason:
            merged = by_reason[reason]
            notes = _unique([merged.get("note"), child.get("note")])
            if notes:
                merged["note"] = " ".join(notes)
            continue
        by_reason[reason] = dict(child)
        out.append(by_reason[reason])
    return out


def _merge_pregnancy(children: list[dict], op: str) -> list[dict]:
    """any[pregnant, lactating] -> pregnancy [pregnant, lactating]; all[not pregnant, not
    lactating] -> not pregnancy [pregnant, lactating]."""
    def states(child: dict) -> list[str] | None:
        leaf = child if op == "any" else child.get("not")
        if isinstance(leaf, dict) and leaf.get("type") == "pregnancy" and set(leaf) <= {"type", "states"}:
            return leaf["states"]
        return None

    found = [c for c in children if states(c) is not None]
    if len(found) < 2:
        return children
    union = [s for s in _PREGNANCY_ORDER if any(s in states(c) for c in found)]
    merged: dict = {"type": "pregnancy", "states": union}
    out, placed = [], False
    for child in children:
        if states(child) is None:
            out.append(child)
        elif not placed:
            out.append(merged if op == "any" else {"not": merged})
            placed = True
    return out


def _subsume(children: list[dict], op: str, is_a: IsA) -> list[dict]:
    """any[A, narrower-than-A] -> A; all[A, narrower-than-A] -> the narrower one (leaves that
    differ only in their concept)."""
    def parts(leaf: dict) -> tuple[str, str, str] | None:
        field = _CONCEPT_FIELD.get(leaf.get("type", ""))
        if field is None or field not in leaf:
            return None
        rest = {k: v for k, v in leaf.items() if k not in (field, "note", "ask")}
        return leaf[field], key(rest), field

    dropped: set[int] = set()
    for i, a in enumerate(children):
        pa = parts(a)
        if pa is None:
            continue
        for j, b in enumerate(children):
            pb = parts(b)
            if i == j or pb is None or j in dropped or pa[1] != pb[1] or pa[0] == pb[0]:
                continue
            if is_a(pa[0], pb[0]):  # a is narrower than b
                dropped.add(i if op == "any" else j)
                break
    return [c for i, c in enumerate(children) if i not in dropped]


def _absorb(children: list[dict], op: str) -> list[dict]:
    other = "any" if op == "all" else "all"
    keys = {key(_strip_notes(c)) for c in children if other not in c}
    out = []
    for child in children:
        if other in child and any(key(_strip_notes(g)) in keys for g in child[other]):
            continue
        out.append(child)
    return out


def _unique(items) -> list[str]:
    out: list[str] = []
    for item in items:
        if item and item not in out:
            out.append(item)
    return out
