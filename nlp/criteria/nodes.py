"""Shared pieces of the criteria parser's structure reader: the tree's node shapes, the
chunk record, and small helpers over elements (``nlp/criteria/elements.py``).

Nodes are tuples: ``("atom", Atom)``, ``("review", reason, text)``, ``("all"|"any",
[nodes])``, ``("not", node)`` and ``("exempt", node, exception node)`` (a rule and the
patients its exception lets through, resolved by ``nlp/criteria/leaves.py``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator

from nlp.criteria.atoms import Atom
from nlp.criteria.cues import Cues
from nlp.criteria.elements import El

Node = tuple
# review reasons only the trial team can settle (a chunk saying one is a review leaf)
TEAM_REASONS = ("consent", "investigator", "prognosis", "assay", "compliance")
_ROMAN_WORDS = {"ii", "iii", "iv", "vi", "vii", "viii", "ix", "xi", "xii"}


@dataclass
class Chunk:
    """The elements between two connectors, and what the reader found in them."""

    els: list[El]
    group: int                                                   # comma group in its clause
    atoms: list[Atom] = field(default_factory=list)
    extra: list[Node] = field(default_factory=list)              # more requirements (brackets)
    alternatives: list[Node] = field(default_factory=list)       # "(or lactating)"
    exceptions: list[Node] = field(default_factory=list)
    reviews: list[tuple[str, str]] = field(default_factory=list)  # (reason, text)
    content: list[str] = field(default_factory=list)             # words read as nothing
    clinical: bool = False                                       # a clinical judgement is named


@dataclass
class SubgroupThreshold:
    """"(≤ 5 × ULN if known liver metastases)": another ULN multiple for the patients one
    condition names (``subgroup_threshold`` in the cues)."""

    text: str          # the bracket, for a review note when it cannot be applied
    start: int         # where the bracket starts in the criterion
    op: str            # "<=", "<", ">=", ">"
    uln: float
    condition: Atom


def split_parts(els: list[El]) -> list[tuple[str | None, list[El]]]:
    """Clauses: [(the separator that ends the clause, its elements)]."""
    parts: list[tuple[str | None, list[El]]] = []
    current: list[El] = []
    for el in els:
        if el.kind == "sep":
            parts.append((el.value, current))
            current = []
        else:
            current.append(el)
    parts.append((None, current))
    return parts


def connector(el: El) -> str | None:
    """"and", "or", "," or "/" for a connector element, else None."""
    if el.kind == "conn":
        return el.value
    if el.kind == "cue":
        if "connectors_or" in el.value.sections:
            return "or"
        if "connectors_and" in el.value.sections:
            return "and"
    return None


def lead_connector(els: list[El]) -> tuple[str | None, list[El]]:
    """The "and"/"or" a clause starts with ("; or have ..."), and the rest of it."""
    if els and connector(els[0]) in ("and", "or"):
        return connector(els[0]), els[1:]
    if len(els) > 1 and connector(els[0]) == "," and connector(els[1]) in ("and", "or"):
        return connector(els[1]), els[2:]
    return None, els


def list_heading(els: list[El]) -> str | None:
    """"or" for a heading whose items are alternatives ("any of the following", "...,
    including"), "and" for "all of the following"; None for other clauses."""
    if has_cue(els, "any_of") or (els and is_cue(els[-1], "examples")):
        return "or"
    if has_cue(els, "all_of"):
        return "and"
    return None


def is_cue(el: El, section: str) -> bool:
    return el.kind == "cue" and section in el.value.sections


def has_cue(els: list[El], section: str) -> bool:
    return any(is_cue(e, section) for e in els)


def atoms_in(els: list[El]) -> Iterator[Atom]:
    """The atoms of some elements, brackets included."""
    for el in els:
        if el.kind == "atom":
            yield el.value
        elif el.kind == "paren":
            yield from atoms_in(el.children)


def is_content(word: str, cues: Cues) -> bool:
    """A word that says something the parser did not read (not filler, a number counts)."""
    low = word.lower().strip("'’-")
    if not low.isalpha() and any(ch.isdigit() for ch in low):   # (a letter is never a digit)
        return True
    return len(low) > 2 and low not in cues.filler_words and low not in _ROMAN_WORDS


def atom_nodes(node: Node) -> Iterator[Node]:
    if node[0] == "atom":
        yield node
    elif node[0] in ("all", "any"):
        for child in node[1]:
            yield from atom_nodes(child)
    elif node[0] == "not":
        yield from atom_nodes(node[1])
    elif node[0] == "exempt":
        yield from atom_nodes(node[1])
        yield from atom_nodes(node[2])


def only_atoms(node: Node) -> bool:
    if node[0] == "atom":
        return True
    return node[0] in ("all", "any") and all(only_atoms(c) for c in node[1])


def node_span(node: Node) -> tuple[int, int] | None:
    """(start, end) of the facts a node holds, or None."""
    spans = [(a.start, a.end) for _, a in atom_nodes(node)]
    return (min(s for s, _ in spans), max(e for _, e in spans)) if spans else None


_MUST_NOT = re.compile(r"(?<!\w)(?:must|should|shall)\s+not(?!\w)|(?<!\w)(?:mustn't|shouldn't)(?!\w)", re.IGNORECASE)


def must_not(text: str, start: int, end: int) -> bool:
    """The negation at ``text[start:end]`` is "must not" / "should not" ("Participants must
    not be pregnant"): in an exclusion list, a restatement that what follows excludes."""
    return _MUST_NOT.search(text[max(0, start - 10):end].rstrip()) is not None
