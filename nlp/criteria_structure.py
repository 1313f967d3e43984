"""Elements of a criterion -> a tree of atoms and review leaves (and/or/not/exemption).

How the words combine (``docs/nlp.md``, "Criteria parser"):

* **Clauses** end at ";", a full stop, a line break or ":". A clause before ":" with no fact
  is a heading ("Liver function: ..."). Clauses join by the word they start with ("; or
  have ...") or, without one, as a list: an inclusion's clauses are all required, an
  exclusion's are alternatives (each one excludes).
* **Chunks** are the words between connectors ("," "/" "and" "or" "with" ...). Connectors
  bind in this order, loosest first: a comma (with the "and"/"or" after it; a bare list
  takes the list's final conjunction, else the clause default), "or", "and"/"with", "/".
* A **cue** applies to the facts it stands with: before the clause's first fact, to the
  whole clause ("History of A, B and C"); after the last fact of its chunk, to the facts of
  its comma group ("A or B within five half-lives"); otherwise to the facts after it in its
  chunk. Therapy outcomes ("failure", "intolerance") apply to the whole clause.
* A chunk with no fact but with words of its own is a **review** leaf; words left over next
  to a fact are a restriction the parser did not read, so the fact gets a review leaf too.
* **Brackets**: an abbreviation, a method ("confirmed by ...") or examples covered by the
  concept before them are dropped; "(except ...)" is an exception; "(or ...)" an
  alternative; anything else with facts is one more requirement.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from data.terminology import Terminology
from nlp.criteria_atoms import Atom
from nlp.criteria_cues import Cues
from nlp.criteria_elements import El, abbreviates, long_form_start

TEAM_REASONS = ("consent", "investigator", "prognosis", "assay", "compliance")
_DAYS_PER_MONTH = 30.4375
_ROMAN_WORDS = {"ii", "iii", "iv", "vi", "vii", "viii", "ix", "xi", "xii"}
# node: ("atom", Atom) | ("review", reason, text) | ("all"|"any", [nodes]) | ("not", node)
#       | ("exempt", node, exception node)
Node = tuple


@dataclass
class Chunk:
    els: list[El]
    group: int
    atoms: list[Atom] = field(default_factory=list)
    extra: list[Node] = field(default_factory=list)        # more requirements (brackets)
    alternatives: list[Node] = field(default_factory=list)  # "(or lactating)"
    exceptions: list[Node] = field(default_factory=list)
    reviews: list[tuple[str, str]] = field(default_factory=list)  # (reason, text)
    content: list[str] = field(default_factory=list)      # words read as nothing
    clinical: bool = False


class Reader:
    """Reads one criterion's elements; ``response`` collects the therapy outcome cues."""

    def __init__(self, text: str, kind: str, cues: Cues, terminology: Terminology):
        self.text = text
        self.kind = kind
        self.cues = cues
        self.terminology = terminology
        self.response: set[str] = set()                   # therapy outcomes the text names
        self.failure_spans: list[tuple[int, int]] = []     # where it says a therapy failed

    # --- clauses ---------------------------------------------------------------------
    def read(self, els: list[El]) -> Node | None:
        clauses = _split(els, lambda e: e.kind == "sep")
        nodes: list[tuple[str | None, Node, bool]] = []   # (joining word, node, has facts)
        previous_sep = None
        for sep, clause in clauses:
            lead, clause = _lead_connector(clause)
            node, facts = self._clause(clause)
            if node is None:
                continue
            if nodes and previous_sep == ":" and not nodes[-1][2]:
                nodes.pop()  # "Liver function: ..." - a heading
            nodes.append((lead, node, facts))
            previous_sep = sep
        if not nodes:
            return None
        default = "or" if self.kind == "exclusion" else "and"
        return _by_precedence([n for _, n, _ in nodes], [lead or default for lead, _, _ in nodes[1:]], self)

    def _clause(self, els: list[El]) -> tuple[Node | None, bool]:
        if not els:
            return None, False
        clause_text = self.text[els[0].start:els[-1].end]
        atoms_here = [a for a in _atoms(els)]
        if any(p.search(clause_text) for p in self.cues.patterns.get("conditional", ())) or _has(els, "k_of_n"):
            return ("review", "other", clause_text), bool(atoms_here)
        for i, el in enumerate(els):  # "..., except for ...": the rest of the clause is an exception
            if _is_cue(el, "exception") and any(e.kind == "atom" for e in els[:i]) and not _is_cue(el, "examples"):
                main, _ = self._clause(els[:i])
                exception = self.read(els[i + 1:])
                if main is None:
                    return exception, bool(atoms_here)
                return self._exempt(main, exception, _atoms(els[:i])), True
        self._examples(els)
        chunks, gaps = self._chunks(els)
        self._scope(chunks, els)
        items, joins = [], []
        comma = False
        for i, chunk in enumerate(chunks):
            node = self._chunk_node(chunk)
            if i > 0:
                comma = comma or "," in gaps[i - 1]
            if node is None:
                continue
            if items:  # dropped chunks between: the connector before this one, and any comma
                joins.append(gaps[i - 1] | ({","} if comma else set()))
            items.append((node, chunk.group))
            comma = False
        if not items:
            return None, False
        return _combine(items, joins, self), bool(atoms_here)

    # --- chunks ----------------------------------------------------------------------
    def _chunks(self, els: list[El]) -> tuple[list[Chunk], list[set[str]]]:
        chunks: list[Chunk] = [Chunk([], 0)]
        gaps: list[set[str]] = []
        group = 0
        gap: set[str] = set()
        for el in els:
            word = _connector(el)
            if word is not None:
                gap.add(word)
                continue
            if gap:
                if chunks[-1].els:
                    gaps.append(gap)
                    if "," in gap:
                        group += 1
                    chunks.append(Chunk([], group))
                gap = set()
            chunks[-1].els.append(el)
        chunks = [c for c in chunks if c.els]
        for chunk in chunks:
            chunk.atoms = [e.value for e in chunk.els if e.kind == "atom" and not e.value.mods.get("example")]
        return chunks, gaps[:max(0, len(chunks) - 1)]

    def _chunk_node(self, chunk: Chunk) -> Node | None:
        for el in chunk.els:
            if el.kind == "paren":
                self._bracket(chunk, el)
        for el in chunk.els:
            if el.kind == "word" and not el.used and _is_content(el.value, self.cues):
                chunk.content.append(el.value)
            elif el.kind == "cue":
                cue = el.value
                team = next((s.split(":")[1] for s in sorted(cue.sections) if s.startswith("review:") and s.split(":")[1] in TEAM_REASONS), None)
                if team:
                    chunk.reviews.append((team, cue.text))
                elif "review:clinical" in cue.sections:
                    chunk.clinical = True
                    chunk.content.append(cue.text)
                elif cue.sections & {"courses", "count"} and not el.used:
                    chunk.content.append(cue.text)
        atoms = self._graded(chunk.atoms)
        for atom in atoms:
            self._own_qualifiers(atom)
        text = self.text[chunk.els[0].start:chunk.els[-1].end]
        reason = "clinical" if chunk.clinical else "other"
        parts: list[Node] = [("atom", a) for a in atoms if a.readable] + chunk.extra
        unread = [a for a in atoms if not a.readable]
        if unread:
            chunk.content.extend(a.text for a in unread)
        if not parts:
            if chunk.reviews:
                return ("review", chunk.reviews[0][0], text)
            if chunk.content or chunk.clinical:
                return ("review", reason, text)
            return None
        if chunk.content:
            for atom in atoms:
                atom.mods.setdefault("qualified", (reason, text))
        node: Node = parts[0] if len(parts) == 1 else ("all", parts)
        if chunk.reviews:
            node = ("all", [node, ("review", chunk.reviews[0][0], text)])
        if chunk.alternatives:
            node = ("any", [node, *chunk.alternatives])
        for exception in chunk.exceptions:
            node = self._exempt(node, exception, atoms)
        return node

    def _own_qualifiers(self, atom: Atom) -> None:
        """A qualifier inside the fact's own words ("intolerable cardiac function", "severe
        arrhythmia") counts unless the concept's name says it too ("severe cognitive
        impairment"); for an infection, "active"/"uncontrolled" is its state."""
        concept = self.terminology.get(atom.concept)
        label = (concept.label if concept else "").lower()
        for pattern in self.cues.patterns["qualifiers"]:
            for match in pattern.finditer(atom.text):
                word = match.group(0).lower()
                if word in label:
                    continue
                if atom.label == "INFECTION" and self.cues.search("infection_active", word):
                    atom.mods["active"] = True
                    continue
                atom.mods.setdefault("qualified", ("clinical", atom.text))

    def _graded(self, atoms: list[Atom]) -> list[Atom]:
        """'cardiac insufficiency NYHA III or IV': the score stands for the condition it grades."""
        scores = {a.concept for a in atoms if a.label == "SCORE"}
        graded = {self.cues.graded_by[s] for s in scores if s in self.cues.graded_by}
        return [a for a in atoms if not (a.label == "CONDITION" and any(self.terminology.is_a(a.concept, g) for g in graded))]

    # --- brackets --------------------------------------------------------------------
    def _bracket(self, chunk: Chunk, el: El, inner: list[El] | None = None) -> None:
        inner = el.children if inner is None else inner
        if not inner:
            return
        first = inner[0]
        before = [a for a in chunk.atoms if a.end <= el.start]
        if _is_cue(first, "connectors_or"):
            node = self.read(inner[1:])
            if node is not None:
                chunk.alternatives.append(node)
            return
        cut = next((i for i, e in enumerate(inner) if _is_cue(e, "exception")), None)
        if cut is not None:  # "(Cockcroft-Gault formula, except for ...)"
            node = self.read(inner[cut + 1:])
            text = self.text[inner[cut].start:inner[-1].end]
            chunk.exceptions.append(node if node is not None else ("review", "clinical", text))
            if cut:
                self._bracket(chunk, el, inner[:cut])
            return
        if _is_cue(first, "ignore") or (first.kind == "word" and first.value.lower() in ("formula", "cockcroft")):
            return
        inner_atoms = list(_atoms(inner))
        if _is_cue(first, "examples") or (inner_atoms and all(a.mods.get("example") for a in inner_atoms)):
            self._bracket_examples(chunk, inner, before)
            return
        if inner_atoms and before and all(a.concept == before[-1].concept for a in inner_atoms):
            return  # "Hepatitis B surface antigen (HBsAg)"
        if not inner_atoms and self._abbreviation(chunk, el, inner):
            return
        node = self.read(inner)
        if node is None:
            return
        if inner_atoms:
            chunk.extra.append(node)
        elif node[0] == "review" and node[1] in TEAM_REASONS:
            chunk.reviews.append((node[1], node[2]))
        else:
            words = [e.value for e in inner if e.kind == "word" and _is_content(e.value, self.cues)]
            chunk.content.extend(words or [self.text[el.start:el.end]])
            if any(e.kind == "cue" and "review:clinical" in e.value.sections for e in inner) or node[1] == "clinical":
                chunk.clinical = True

    def _bracket_examples(self, chunk: Chunk, inner: list[El], before: list[Atom]) -> None:
        examples = list(_atoms(inner))
        covered = [a for a in examples if any(self._covers(b, a) for b in before)]
        if len(covered) == len(examples):
            return
        node = self.read(inner[1:] if _is_cue(inner[0], "examples") else inner)
        if node is not None:  # examples of a head the parser did not read: any of them, or review
            chunk.alternatives.append(("any", [node, ("review", "clinical", self.text[inner[0].start:inner[-1].end])]))

    def _abbreviation(self, chunk: Chunk, el: El, inner: list[El]) -> bool:
        """'(ECOG)' after its long form (whose words are then read), or '(New York Heart
        Association)' after 'NYHA'."""
        words = [e for e in inner if e.kind == "word"]
        if len(inner) == 1 and len(words) == 1:
            start = long_form_start(words[0].value, self.text, el.start, max(0, el.start - 80))
            if start is None:
                return False
            for other in chunk.els:
                if other.kind == "word" and start <= other.start < el.start:
                    other.used = True
            # "British Isles Lupus Assessment Group Index (BILAG)": "Lupus" is part of a name
            chunk.atoms = [a for a in chunk.atoms if not (start <= a.start and a.end <= el.start)]
            return True
        previous = self.text[max(0, el.start - 15):el.start].split()
        inner_text = self.text[el.start + 1:el.end - 1]
        return bool(previous) and len(words) == len(inner) and abbreviates(previous[-1], inner_text)

    def _covers(self, head: Atom, example: Atom) -> bool:
        return head.label == example.label and self.terminology.is_a(example.concept, head.concept)

    def _examples(self, els: list[El]) -> None:
        """'severe heart diseases such as severe arrhythmia': examples the concept before them covers."""
        for i, el in enumerate(els):
            if not (_is_cue(el, "examples") and not _is_cue(el, "exception")):
                continue
            before = list(_atoms(els[:i]))
            for later in _atoms(els[i + 1:]):
                if any(self._covers(b, later) for b in before):
                    later.mods["example"] = True

    # --- exemptions ------------------------------------------------------------------
    def _exempt(self, main: Node, exception: Node | None, targets: Any) -> Node:
        """'X except Y': Y names kinds of X that do not count (the leaf's ``except``), or
        patients the rule does not apply to (an exemption)."""
        targets = list(targets)
        if exception is None:
            return main
        excepted = [a for _, a in _atom_nodes(exception)]
        if excepted and _only_atoms(exception):
            for target in targets:
                if target.label not in ("DRUG", "INFECTION"):
                    continue
                if any(e.concept == target.concept or self.terminology.is_a(target.concept, e.concept) for e in excepted):
                    target.mods.setdefault("qualified", ("clinical", self.text[target.start:target.end]))
                    return main
                if all(e.label == target.label and self.terminology.is_a(e.concept, target.concept) for e in excepted):
                    target.mods.setdefault("except", []).extend(e.concept for e in excepted)
                    return main
        return ("exempt", main, exception)

    # --- cue scopes ------------------------------------------------------------------
    def _scope(self, chunks: list[Chunk], els: list[El]) -> None:
        clause_atoms = [a for c in chunks for a in c.atoms]
        first_atom = clause_atoms[0].start if clause_atoms else None
        last_group = None
        for index, chunk in enumerate(chunks):
            if chunk.atoms:
                last_group = chunk.group
            for el in chunk.els:
                if el.kind != "cue":
                    continue
                cue = el.value
                for section in cue.sections:
                    if section.startswith("response:"):
                        self.response.add(section.split(":")[1])
                        if section == "response:failed":
                            self.failure_spans.append((cue.start, cue.end))
                if first_atom is None or el.start < first_atom:
                    targets = clause_atoms
                elif any(a.start > el.start for a in chunk.atoms):
                    targets = [a for a in chunk.atoms if a.start > el.start]
                elif chunk.atoms:
                    targets = [a for c in chunks if c.group == chunk.group for a in c.atoms]
                else:
                    group = last_group if last_group is not None else chunk.group
                    targets = [a for c in chunks[:index + 1] if c.group == group for a in c.atoms]
                self._apply(el, cue, targets, chunk)

    def _apply(self, el: El, cue, targets: list[Atom], chunk: Chunk) -> None:
        sections = cue.sections
        match = cue.match
        groups = match.groupdict()
        if "count" in sections:
            following = [a for a in chunk.atoms if a.start >= el.end]
            value = self.cues.number(groups.get("n") or "")
            if following and following[0].label == "DRUG" and value is not None and not self.text[el.end:following[0].start].strip(" ,"):
                more = (groups.get("cmp") or "").lower() in ("more than", ">")
                following[0].mods["min_count"] = value + (1 if more else 0)
                el.used = True
            elif following and following[0].label == "DRUG" and value is not None and len(self.text[el.end:following[0].start].split()) <= 2:
                following[0].mods["min_count"] = value
                el.used = True
            else:
                el.used = not any(ch.isdigit() for ch in cue.text)
            return
        for atom in targets:
            label = atom.label
            if "window" in sections and label in ("DRUG", "PROCEDURE", "CONDITION", "INFECTION"):
                atom.mods["within_days"] = math.floor(self._days(groups) or 0) or None
            if "half_lives" in sections and label == "DRUG":
                atom.mods["within_half_lives"] = self.cues.number(groups["n"])
            if "duration" in sections:
                atom.mods["duration_months"] = self._months(groups)
            if "history" in sections and label in ("CONDITION", "INFECTION"):
                atom.mods["history"] = True
            if "current" in sections and label == "DRUG":
                atom.mods["current"] = True
            if "positive" in sections:
                atom.mods["positive"] = True
            if "infection_active" in sections and label == "INFECTION":
                atom.mods["active"] = True
            elif ("qualifiers" in sections or "courses" in sections) and chunk.atoms:
                atom.mods.setdefault("qualified", ("clinical", cue.text))
            if "negation" in sections and not ("exception" in sections and atom.start < el.start):
                atom.mods["negated"] = True
            if "antibody" in sections and label in ("CONDITION", "INFECTION"):
                marker = next((m for d, m in self.cues.disease_antibodies.items() if self.terminology.is_a(atom.concept, d)), None)
                if marker and marker != atom.concept:
                    category = self.terminology[marker].category
                    atom.label, atom.concept = ("INFECTION" if category == "infection" else "BIOMARKER"), marker
                    atom.mods["positive"] = True

    def _months(self, groups: dict) -> float | None:
        """'6 months' -> 6, '2 years' -> 24, '8 weeks' -> 1.8."""
        number = self.cues.number(groups.get("n") or "")
        days = self.cues.days(groups.get("unit") or "")
        if number is None or days is None:
            return None
        if days == 365.25:
            return number * 12
        if days == 30:
            return number
        return round(number * days / _DAYS_PER_MONTH, 1)

    def _days(self, groups: dict) -> float | None:
        number = self.cues.number(groups.get("n") or "")
        days = self.cues.days(groups.get("unit") or "")
        return None if number is None or days is None else number * days


# --- helpers -------------------------------------------------------------------------------


def _split(els: list[El], is_sep) -> list[tuple[str | None, list[El]]]:
    """[(the separator that ends the part, part)]."""
    parts: list[tuple[str | None, list[El]]] = []
    current: list[El] = []
    for el in els:
        if is_sep(el):
            parts.append((el.value, current))
            current = []
        else:
            current.append(el)
    parts.append((None, current))
    return parts


def _lead_connector(els: list[El]) -> tuple[str | None, list[El]]:
    if els and _connector(els[0]) in ("and", "or"):
        return _connector(els[0]), els[1:]
    if len(els) > 1 and _connector(els[0]) == "," and _connector(els[1]) in ("and", "or"):
        return _connector(els[1]), els[2:]
    return None, els


def _connector(el: El) -> str | None:
    if el.kind == "conn":
        return el.value
    if el.kind == "cue":
        if "connectors_or" in el.value.sections:
            return "or"
        if "connectors_and" in el.value.sections:
            return "and"
    return None


def _is_cue(el: El, section: str) -> bool:
    return el.kind == "cue" and section in el.value.sections


def _has(els: list[El], section: str) -> bool:
    return any(_is_cue(e, section) for e in els)


def _atoms(els: list[El]):
    for el in els:
        if el.kind == "atom":
            yield el.value
        elif el.kind == "paren":
            yield from _atoms(el.children)


def _is_content(word: str, cues: Cues) -> bool:
    low = word.lower().strip("'’-")
    if any(ch.isdigit() for ch in low):
        return True
    return len(low) > 2 and low not in cues.filler_words and low not in _ROMAN_WORDS


def _atom_nodes(node: Node):
    if node[0] == "atom":
        yield node
    elif node[0] in ("all", "any"):
        for child in node[1]:
            yield from _atom_nodes(child)
    elif node[0] == "not":
        yield from _atom_nodes(node[1])
    elif node[0] == "exempt":
        yield from _atom_nodes(node[1])
        yield from _atom_nodes(node[2])


def _only_atoms(node: Node) -> bool:
    if node[0] == "atom":
        return True
    return node[0] in ("all", "any") and all(_only_atoms(c) for c in node[1])


def _combine(items: list[tuple[Node, int]], joins: list[set[str]], reader: Reader) -> Node:
    """Chunks joined by connectors, loosest first: comma, "or", "and", "/"."""
    nodes = [n for n, _ in items]
    if len(nodes) == 1:
        return nodes[0]
    for level in (",", "or", "and", "/"):
        cuts = [i for i, j in enumerate(joins) if _level(j) == level]
        if not cuts:
            continue
        groups, group_joins, start = [], [], 0
        for cut in cuts:
            groups.append(_combine(items[start:cut + 1], joins[start:cut], reader))
            start = cut + 1
        groups.append(_combine(items[start:], joins[start:], reader))
        if level == ",":
            ops = [("or" if "or" in joins[c] else "and" if "and" in joins[c] else None) for c in cuts]
            explicit = {op for op in ops if op}
            if len(explicit) == 1:
                fill = explicit.pop()
            else:
                tail = [("or" if "or" in j else "and") for j in joins[cuts[-1] + 1:] if j & {"or", "and"}]
                fill = tail[0] if tail else ("or" if reader.kind == "exclusion" else "and")
            group_joins = [op or fill for op in ops]
        else:
            group_joins = ["or" if level in ("or", "/") else "and"] * len(cuts)
        return _by_precedence(groups, group_joins, reader)
    return ("all", nodes)


def _level(join: set[str]) -> str:
    if "," in join:
        return ","
    if "or" in join:
        return "or"
    if "and" in join:
        return "and"
    return "/"


def _by_precedence(nodes: list[Node], joins: list[str], reader: Reader) -> Node:
    """Join with "or" looser than "and"."""
    groups: list[list[Node]] = [[nodes[0]]]
    for join, node in zip(joins, nodes[1:]):
        if join == "or":
            groups.append([node])
        else:
            groups[-1].append(node)
    ands = [g[0] if len(g) == 1 else _and(g, reader) for g in groups]
    return ands[0] if len(ands) == 1 else ("any", ands)


def _and(nodes: list[Node], reader: Reader) -> Node:
    """"A and B": both; in an exclusion, a list of conditions ("mental illness and severe
    cognitive impairment") or of unrelated infections names alternatives."""
    if reader.kind == "exclusion" and all(n[0] in ("atom", "review") for n in nodes):
        atoms = [n[1] for n in nodes if n[0] == "atom"]
        labels = {a.label for a in atoms}
        if atoms and (labels <= {"CONDITION"} or labels <= {"PREGNANCY"}):
            return ("any", nodes)
        if atoms and labels <= {"INFECTION"} and all(
            not (reader.terminology.ancestors(a.concept) & reader.terminology.ancestors(b.concept))
            for i, a in enumerate(atoms) for b in atoms[i + 1:]
        ):
            return ("any", nodes)
    return ("all", nodes)
