"""Criterion text -> a flat list of elements for the criteria parser's structure reader.

An element is an atom (a fact, ``nlp/criteria/atoms.py``), a cue phrase
(``data/nlp/criteria_cues.yaml``), a bracketed group (its own element list), a connector
("and", "or", ",", "/"), a separator (";", a full stop, a line break, ":") or a left-over
word. Atoms win over cues, cues over brackets and words; overlapping cues keep the one that
starts first, then the longest; cues found on exactly the same words are one element with
several sections ("active": a qualifier, and for an infection its state).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from nlp.criteria.atoms import Atom
from nlp.criteria.cues import Cues, fold, heads

# cue sections looked for in the text (review reasons and responses are added by name)
CUE_SECTIONS = (
    "qualifiers", "infection_active", "positive", "history", "current", "window", "half_lives", "duration",
    "count", "courses", "exception", "examples", "negation", "any_of", "all_of", "k_of_n", "antibody",
    "ignore", "connectors_or", "connectors_and", "connectors_with", "permission", "other_person", "whichever",
)
_WORD = re.compile(r"[A-Za-z][\w'’-]*|\d+(?:[.,]\d+)?")
_ABBREVIATIONS = {"e.g", "i.e", "etc", "al", "vs", "approx", "no", "fig", "dr", "st"}
_CLOSE = {"(": ")", "[": "]"}


@dataclass
class Cue:
    start: int
    end: int
    sections: set[str]
    match: re.Match

    @property
    def text(self) -> str:
        return self.match.group(0)


@dataclass
class El:
    kind: str                 # atom | cue | paren | conn | sep | word
    start: int
    end: int
    value: Any = None         # Atom | Cue | list[El] | "and"/"or"/","/"/" | separator | the word
    used: bool = False        # a word read as part of something (an abbreviation's long form)
    children: list["El"] = field(default_factory=list)


def find_cues(text: str, cues: Cues, atoms: list[Atom]) -> list[Cue]:
    """Every cue phrase in ``text`` outside the atoms, non-overlapping."""
    found: dict[tuple[int, int], Cue] = {}
    table = _cue_table(cues)
    # only the patterns one of whose letters is in the text's fold run, in table order (the
    # others cannot match; ``fold`` keeps that exact for a text with non-ASCII characters)
    entries = table.runnable(table.heads_in(fold(text)))
    for section, pattern, _heads in entries:
        for match in pattern.finditer(text):
            if match.end() == match.start():
                continue
            span = (match.start(), match.end())
            if span in found:
                found[span].sections.add(section)
            else:
                found[span] = Cue(span[0], span[1], {section}, match)
    kept: list[Cue] = []
    for cue in sorted(found.values(), key=lambda c: (c.start, -(c.end - c.start))):
        if any(a.start < cue.end and cue.start < a.end for a in atoms):
            continue
        if kept and cue.start < kept[-1].end:
            continue
        kept.append(cue)
    return kept


class _CueTable:
    """Every cue pattern looked for, in order, as (section, pattern, the letters one of which
    each of its matches contains), and the test of which of those letters a text holds, so a
    pattern that cannot match is not run."""

    def __init__(self, cues: Cues):
        sections = [(name, cues.patterns.get(name, ())) for name in CUE_SECTIONS]
        sections += [(f"review:{reason}", patterns) for reason, patterns in cues.review]
        sections += [(f"response:{name}", patterns) for name, patterns in cues.response.items()]
        self.cues = cues
        self.entries = tuple((section, pattern, frozenset(heads(pattern)))
                             for section, patterns in sections for pattern in patterns)
        self._heads = tuple(sorted({h for _, _, hs in self.entries for h in hs}))
        self._always = tuple(i for i, (_, _, hs) in enumerate(self.entries) if not hs)
        by_head: dict[str, list[int]] = {}
        for i, (_, _, hs) in enumerate(self.entries):
            for h in hs:
                by_head.setdefault(h, []).append(i)
        self._by_head = {h: tuple(found) for h, found in by_head.items()}

    def heads_in(self, folded: str) -> frozenset[str]:
        return frozenset(h for h in self._heads if h in folded)

    def runnable(self, present: frozenset[str]) -> list[tuple[str, re.Pattern, frozenset[str]]]:
        """The entries that can match a text holding the letters ``present`` (those with
        none of them cannot), in table order."""
        entries = self.entries
        chosen = set(self._always)
        for h in present:
            chosen.update(self._by_head[h])
        return [entries[i] for i in sorted(chosen)]


_CUE_TABLES: dict[int, _CueTable] = {}


def _cue_table(cues: Cues) -> _CueTable:
    """The ``_CueTable`` of ``cues``, built once per ``Cues``."""
    known = _CUE_TABLES.get(id(cues))
    if known is not None and known.cues is cues:
        return known
    table = _CueTable(cues)
    _CUE_TABLES[id(cues)] = table
    return table


def elements(text: str, atoms: list[Atom], cues: list[Cue], start: int = 0, end: int | None = None) -> list[El]:
    """The elements of ``text[start:end]`` in order; brackets nest."""
    end = len(text) if end is None else end
    atom_at = {a.start: a for a in atoms if start <= a.start < end}
    cue_at = {c.start: c for c in cues if start <= c.start < end}
    out: list[El] = []
    pos = start
    while pos < end:
        if pos in atom_at:
            atom = atom_at[pos]
            out.append(El("atom", atom.start, atom.end, atom))
            pos = atom.end
            continue
        if pos in cue_at:
            cue = cue_at[pos]
            out.append(El("cue", cue.start, cue.end, cue))
            pos = cue.end
            continue
        char = text[pos]
        if char in _CLOSE:
            close = _closing(text, pos, end)
            if close is not None:
                out.append(El("paren", pos, close + 1, char, children=elements(text, atoms, cues, pos + 1, close)))
                pos = close + 1
                continue
        if char in ";\n:":
            out.append(El("sep", pos, pos + 1, char))
        elif char == "." and _sentence_end(text, pos, end):
            out.append(El("sep", pos, pos + 1, "."))
        elif char in ",/":
            out.append(El("conn", pos, pos + 1, char))
        else:
            match = _WORD.match(text, pos)
            if match:
                out.append(El("word", pos, match.end(), match.group(0)))
                pos = match.end()
                continue
        pos += 1
    return out


def _closing(text: str, pos: int, end: int) -> int | None:
    """Index of the bracket closing the one at ``pos`` (before ``end``), or None."""
    opening, closing = text[pos], _CLOSE[text[pos]]
    depth = 0
    for i in range(pos, end):
        if text[i] == opening:
            depth += 1
        elif text[i] == closing:
            depth -= 1
            if depth == 0:
                return i
    return None


def _sentence_end(text: str, pos: int, end: int) -> bool:
    """A full stop that ends a sentence (not "2.5", "e.g.", "J. Rheumatol")."""
    after = text[pos + 1:end]
    if after and not after[0].isspace():
        return False
    word = re.search(r"([\w.]+)$", text[:pos])
    if word and word.group(1).lower() in _ABBREVIATIONS:
        return False
    return True
