"""Elements of a criterion -> a tree of atoms and review leaves (all/any/not/exemption).

How the words combine (``docs/nlp.md``, "Criteria parser"):

* **Clauses** end at ";", a full stop, a line break or ":". A clause before ":" with no fact
  is a heading ("Liver function: ..."); a heading that announces a list ("..., including:",
  "any of the following:") makes the clauses after it its items. Clauses join by the word
  they start with ("; or have ...") or, without one, as a list: an inclusion's clauses are
  all required, an exclusion's are alternatives (each one excludes).
* **Chunks** are the words between connectors ("," "/" "and" "or" "with" ...). Connectors
  bind in this order, loosest first: a comma (with the "and"/"or" after it; a bare list
  takes the list's final conjunction, else "or" after "any of", else the clause default),
  "or", "and"/"with", "/"; in an exclusion "A with B or C" is A with (B or C) (a feature
  list: the reading that excludes less). In an exclusion, "A and B" of conditions (or of unrelated
  infections) names alternatives, unless the text says "both".
* **Cues** apply to the facts in their scope (``nlp/criteria/scopes.py``); brackets,
  examples, exceptions and elided words: ``nlp/criteria/brackets.py``.
* A chunk with no fact but with words of its own is a **review** leaf; words left over next
  to a fact are a restriction the parser did not read, so the fact gets a review leaf too.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from data.terminology import Terminology
from nlp.criteria.atoms import Atom
from nlp.criteria.brackets import covers, elide, exempt, mark_examples, read_bracket
from nlp.criteria.cues import Cues
from nlp.criteria.elements import El
from nlp.criteria.nodes import (
    TEAM_REASONS, Chunk, Node, atom_nodes, atoms_in, connector, has_cue, is_content, is_cue, lead_connector,
    list_heading, must_not, only_atoms, split_parts,
)
from nlp.criteria.scopes import DISTRIBUTIVE, apply_scopes, carried_qualifiers, own_qualifiers


# a connector written in lower case ("and", "or", "and/or"): beside one in capitals, the capitals mark the line's loosest joint
_LOWER_JOINT = re.compile(r"(?<![A-Za-z])(?:and|or)(?![A-Za-z])")


class Reader:
    """Reads one criterion's elements; ``response`` collects the therapy outcome cues."""

    def __init__(self, text: str, kind: str, cues: Cues, terminology: Terminology):
        self.text = text
        self.kind = kind
        self.cues = cues
        self.terminology = terminology
        self.response: set[str] = set()                   # therapy outcomes the text names
        self.failure_spans: list[tuple[int, int]] = []     # where it says a therapy failed
        self.both = False                                  # "both ... and ...": no enumeration
        self.whichever: str | None = None                  # "whichever is shorter / longer"
        self.threshold_brackets: list = []                  # "(≤ 5 × ULN if liver metastases)"
        self.lost_threshold = False                          # such a bracket with no fact of its clause
        self.exception_spans: dict[int, tuple[int, int]] = {}  # id(exception node) -> its words
        self.qualifying: set[int] = set()                    # starts of qualifier cues that reached a fact

    # --- clauses ---------------------------------------------------------------------
    def read(self, els: list[El], default: str | None = None) -> Node | None:
        return self._clauses(split_parts(els), default)

    def _clauses(self, clauses: list[tuple[str | None, list[El]]], default: str | None) -> Node | None:
        default = default or ("or" if self.kind == "exclusion" else "and")
        nodes: list[tuple[str | None, Node, bool]] = []   # (joining word, node, has facts)
        conditions: list[Node] = []                        # nodes of clauses saying when the rest applies
        previous_sep = None
        clauses = list(clauses)
        clauses = _with_exceptions(clauses)
        for index, (sep, clause) in enumerate(clauses):
            if sep == ":" and _scoping_heading(clause) and index + 1 < len(clauses):
                # "Any of the following within 6 months: MI, stroke ...": the heading's window
                # (history, negation ...) is the items'; read them as one clause, or, with more
                # than one item clause, leave it to the team
                rest = [c for c in clauses[index + 1:] if c[1]]
                if len(rest) != 1:
                    els = [e for _, c in clauses[index:] for e in c]
                    return ("review", "other", self.text[els[0].start:els[-1].end]) if els else None
                clauses[index + 1] = (rest[0][0], clause + rest[0][1])
                continue
            lead, clause = lead_connector(clause)
            listing = list_heading(clause) if sep == ":" else None
            if listing:  # "..., including:" / "any of the following:" - the rest is its list
                head, facts = self._clause(clause)
                rest = self._clauses(clauses[index + 1:], listing)
                if nodes and previous_sep == ":" and not nodes[-1][2]:
                    nodes.pop()  # "Recurrence: ..., including:" - a heading before the list
                parts = [n for n in ((head if facts else None), rest) if n is not None]
                if parts:
                    nodes.append((lead, parts[0] if len(parts) == 1 else ("all", parts), facts))
                break
            conditional = self._conditional(clause)
            if conditional and sep == ":":
                _free_of_negation(clause, [e for _, c in clauses[index + 1:] for e in c])
            node, facts = self._clause(clause)
            if node is None:
                continue
            if nodes and previous_sep == ":" and not nodes[-1][2]:
                nodes.pop()  # "Liver function: ..." - a heading
            elif nodes and previous_sep == ":" and conditions and conditions[-1] is nodes[-1][1]:
                # "For patients not receiving anticoagulation: INR ≤ 1.5 x ULN": Y holds for the
                # patients X names only; an inclusion is met by anyone else (not X, or Y), an
                # exclusion holds for X only (X and Y)
                lead = "or" if self.kind == "inclusion" else "and"
            elif nodes and previous_sep == ":":
                lead = lead or "and"  # "X: Y" says Y of X ("If HBsAg positive: HBV DNA ...")
            if conditional:
                conditions.append(node)
            nodes.append((lead, node, facts))
            previous_sep = sep
        if not nodes:
            return None
        return _by_precedence([n for _, n, _ in nodes], [lead or default for lead, _, _ in nodes[1:]], self)

    def _conditional(self, els: list[El]) -> bool:
        """A clause saying when the rest applies ("If ...", "For patients not receiving ...");
        not a bracket giving another threshold for some patients ("(≤ 5 × ULN for patients
        with liver metastases)": read with the threshold before it)."""
        if not els:
            return False
        clause_text = "".join(self.text[e.start:e.end] + " " for e in els
                              if not (e.kind == "paren" and _subgroup_bracket(self, e)))
        return any(p.search(clause_text) for p in self.cues.patterns.get("conditional", ()))

    def _clause(self, els: list[El]) -> tuple[Node | None, bool]:
        if not els:
            return None, False
        clause_text = self.text[els[0].start:els[-1].end]
        atoms_here = list(atoms_in(els))
        if self._conditional(els) or has_cue(els, "k_of_n"):
            # kept even as a heading: "If ...: Y" must not become Y for everyone
            return ("review", "other", clause_text), True
        for i, el in enumerate(els):  # "..., except for ...": the rest of the clause is an exception
            if not is_cue(el, "exception") or is_cue(el, "examples"):
                continue
            if not any(e.kind == "atom" for e in els[:i]):
                if (any(e.kind == "word" for e in els[:i]) and any(e.kind == "atom" for e in els[i + 1:])
                        and not self.text[el.start:el.end + 10].lower().startswith(("but not limited", "but not more",
                                                                                      "but not exceeding"))):
                    # "conjugated bilirubin ≤ 3 × ULN unless attributable to Gilbert's": what the
                    # exception excuses from was not read, and the exception alone is no rule (it
                    # failed everyone without Gilbert's): the trial team reads the clause
                    return ("review", "other", clause_text), True
                continue
            for atom in atoms_in(els[:i]):
                # "hepatitis B, unless HBV DNA is undetectable": a negation written in the
                # exception is the exception's, not the main fact's
                if atom.negated and atom.negation_spans and all(s >= el.start for s, _ in atom.negation_spans):
                    atom.negated = False
                    atom.negation_spans = []
            window = _trailing_window(els[i + 1:])
            if window:
                # "antiepileptics other than levetiracetam in the previous 6 months": the
                # window after the excepted drugs is the main fact's (round 36, h173)
                els = els[:i + 1] + els[i + 1:len(els) - len(window)]
                main, _ = self._clause(els[:i] + window)
            else:
                main, _ = self._clause(els[:i])
            exception = self.read(els[i + 1:])
            if exception is None and any(e.kind in ("word", "atom", "paren") for e in els[i + 1:]):
                # "unless there is known HL marrow involvement": an exception in words the
                # parser did not read still lets someone through; the team reads it
                rest = els[i + 1:]
                exception = ("review", "clinical", self.text[rest[0].start:rest[-1].end])
            if exception is not None and i + 1 < len(els):
                self.exception_spans[id(exception)] = (els[i + 1].start, els[-1].end)
            if main is None:
                return exception, bool(atoms_here)
            return exempt(self, main, exception, list(atoms_in(els[:i]))), True
        examples = self._uncovered_examples(els)
        if examples is not None:
            return examples, True
        mark_examples(self, els)
        brackets_before = len(self.threshold_brackets)
        chunks, gaps = self._chunks(els)
        elide(self, chunks)
        apply_scopes(self, chunks)
        carried_qualifiers(self, [a for c in chunks for a in c.atoms])
        shared = _shared_lead_negation([a for c in chunks for a in c.atoms], els, self)
        list_default = "or" if has_cue(els, "any_of") else None
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
        exemption = self._list_exemption(els)
        if exemption is not None and len(items) > 1 and not any(
                a.label in ("LAB", "SCORE") for c in chunks for a in c.atoms):
            # round 40 (h194): "Acute liver disease, cirrhosis, chronic liver disease (unless
            # considered stable for more than 6 months)": the exemption closing a list may be said of
            # every item, and only the last item's chunk holds the bracket; each earlier item keeps
            # the team's check (an exclusion may not apply, an inclusion may let in). A list of
            # thresholds keeps its exemption where it is written ("... bilirubin > 1.5 x ULN
            # (unless due to Gilbert syndrome)" is the bilirubin's)
            joined = "all" if self.kind == "exclusion" else "any"
            items = [((joined, [n, ("review", "clinical", exemption)]), group) for n, group in items[:-1]] + items[-1:]
        if not items:
            if len(self.threshold_brackets) > brackets_before:
                # "Bilirubin ≤ 1.5 × ULN; (≤ 3 × ULN if Gilbert's)": a subgroup's threshold in a
                # clause of its own, for a fact of another clause: the line is the team's
                self.lost_threshold = True
            return None, False
        node = _combine(items, joins, self, list_default)
        if len(self.threshold_brackets) > brackets_before:
            # another threshold for some patients: an exclusion may not apply to them, an
            # inclusion may let them in; read when it names the patients, else the team decides
            found = self.threshold_brackets[brackets_before:]
            del self.threshold_brackets[brackets_before:]
            subgroup = _for_subgroup(node, found, self.kind, self.text)
            if subgroup is not None:
                node = subgroup
            else:
                note = ("review", "clinical", " ".join(b if isinstance(b, str) else b.text for b in found))
                node = ("all", [node, note]) if self.kind == "exclusion" else ("any", [node, note])
        if shared:
            if not only_atoms(node):
                return ("review", "other", clause_text), True
            # "Not pregnant or breastfeeding", "no A and B": neither of them
            return ("not", ("any", [n for n in atom_nodes(node)])), True
        return node, bool(atoms_here)

    def _list_exemption(self, els: list[El]) -> str | None:
        """The words of a bracket closing the clause that lets patients through ("(unless
        considered stable for more than 6 months)": cues ``list_exemption``), else None."""
        closing = next((e for e in reversed(els) if e.kind != "conn"), None)
        if closing is None or closing.kind != "paren":
            return None
        words = self.text[closing.start:closing.end]
        return words if self.cues.search("list_exemption", words) else None

    def _uncovered_examples(self, els: list[El]) -> Node | None:
        """"Uncontrolled infection including tuberculosis and active hepatitis A infection":
        examples the concept before them does not cover in the terminology (round 17). Read
        in one clause, the "and" between them required all of them; they are kinds of the
        head the text names, each one counts, but with the head's words (uncontrolled, a
        window) not said of them: any[head, all[examples, review]]. A window or amount of
        time after the examples may be the head's too: then the clause is the team's. Only
        examples of the head's kind (an infection's infections): another kind after the cue
        means the clause goes on past them."""
        for i, el in enumerate(els):
            if not is_cue(el, "examples") or is_cue(el, "exception"):
                continue
            before, after = list(atoms_in(els[:i])), list(atoms_in(els[i + 1:]))
            if not before or not after or all(any(covers(self, b, a) for b in before) for a in after):
                return None
            if any(a.label not in {b.label for b in before} for a in after):
                # "a previous hysterectomy, including a supracervical hysterectomy, or will have
                # a hysterectomy as part of their cervical cancer therapy": the clause goes on
                # past the examples; read as before
                return None
            clause_text = self.text[els[0].start:els[-1].end]
            rest_text = self.text[els[i + 1].start:els[-1].end] if i + 1 < len(els) else ""
            if self.cues.search("time_amount", rest_text):
                return ("review", "other", clause_text)
            head, _ = self._clause(els[:i])
            named = self.read(els[i + 1:], "or")
            if head is None or named is None:
                return ("review", "other", clause_text)
            return ("any", [head, ("all", [named, ("review", "clinical", rest_text)])])
        return None

    # --- chunks ----------------------------------------------------------------------
    def _capital_joint(self, el: El) -> bool:
        """'AND' / 'OR' written in capitals in a line that also joins with a lower-case 'and'
        or 'or' (round 31, h148)."""
        written = self.text[el.start:el.end]
        return written.isupper() and _LOWER_JOINT.search(self.text) is not None

    def _chunks(self, els: list[El]) -> tuple[list[Chunk], list[set[str]]]:
        chunks: list[Chunk] = [Chunk([], 0)]
        gaps: list[set[str]] = []
        group = 0
        gap: set[str] = set()
        for el in els:
            word = connector(el)
            if word is not None:
                gap.add(word)
                if word in ("and", "or") and self._capital_joint(el):
                    # (round 31, h148) "eGFR ≥ 30 AND UACR ≥ 500 mg/g or UPCR ≥ 700 mg/g": a
                    # connector in capitals beside lower-case ones is the line's loosest joint
                    gap.add(",")
                if word == "and" and is_cue(el, "connectors_with"):
                    gap.add("with")     # "A with B": B is a feature of A, not an alternative
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
                read_bracket(self, chunk, el)
        heads = self.cues.patterns.get("condition_heads", ())
        aged = any(a.label == "AGE" for a in chunk.atoms)
        for i, el in enumerate(chunk.els):
            if aged and el.kind == "word" and el.value.lower() in self.cues.age_group_words:
                continue    # round 39 (h189): "Adolescents aged 12 to 17 years": the age says who they are
            if el.kind == "word" and not el.used and is_content(el.value, self.cues):
                chunk.content.append(el.value)
            elif (el.kind == "word" and not el.used and i + 1 < len(chunk.els) and is_cue(chunk.els[i + 1], "examples")
                  and any(p.fullmatch(el.value) for p in heads)):
                # round 31 (h149): "any pathology like chronic renal disease": a head noun
                # filler elsewhere ("confirmed by pathology") names what the examples are of
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
            own_qualifiers(self, atom)
        text = self.text[chunk.els[0].start:chunk.els[-1].end]
        reason = "clinical" if chunk.clinical else "other"
        parts: list[Node] = [("atom", a) for a in atoms if a.readable and not a.mods.get("defined_by_tests")] + chunk.extra
        unread = [a for a in atoms if not a.readable]
        if unread:
            chunk.content.extend(a.text for a in unread)
        if not parts and chunk.alternatives:  # "first-line therapy (e.g. glucocorticoids)"
            parts = [chunk.alternatives.pop(0)]
            if chunk.clinical or chunk.reviews or any(el.kind == "cue" and "qualifiers" in el.value.sections for el in chunk.els):
                # "other clinically significant infection (e.g., COVID-19)": an example of a
                # kind only the team judges never holds alone
                parts = [("all", [parts[0], ("review", reason, text)])]
        if not parts:
            if chunk.reviews:
                return ("review", chunk.reviews[0][0], text)
            stray = any(el.kind == "cue" and "qualifiers" in el.value.sections and el.start not in self.qualifying
                        for el in chunk.els)
            # round 18: a qualifier that reached no fact ("type I diabetes or not controlled
            # type II": the second item names its disease by words no term reads) is an item
            # of its own the parser did not read, never nothing
            if chunk.content or chunk.clinical or stray or self._names_condition(chunk):
                return ("review", reason, text)
            return None
        if chunk.content:
            for atom in atoms:
                if "qualified" in atom.mods:
                    # (round 19) "Untreated brain metastases not needing immediate local
                    # therapy": words unread beside a qualifier already there; the status the
                    # qualifier alone names is then not the whole line
                    atom.mods["more_words"] = (reason, text)
                atom.mods.setdefault("qualified", (reason, text))
            if not any(a.readable for a in atoms) and self._words_after_brackets(chunk):
                # "adult (>18 years) patients having a single hopeless maxillary tooth": the
                # facts are all in brackets, and words after them ask for more, unread (words
                # only before the bracket name what it defines: "adequate hematopoietic
                # function (ANC ≥ 1500/mm3; ...)", "Pediatric patients (<18 years)")
                parts.append(("review", reason, text))
        node: Node = parts[0] if len(parts) == 1 else ("all", parts)
        if chunk.reviews:
            node = ("all", [node, ("review", chunk.reviews[0][0], text)])
        if chunk.alternatives:
            alternatives = chunk.alternatives
            if chunk.clinical or chunk.reviews or any(el.kind == "cue" and "qualifiers" in el.value.sections for el in chunk.els):
                # "other clinically significant infection (e.g., COVID-19)": the example is of a
                # kind only the team judges, so it never holds alone
                alternatives = [("all", [alt, ("review", reason, text)]) for alt in alternatives]
            # round 38 (h184): "No active infection (including tuberculosis)": the examples of a
            # negated fact are negated with it, and none of them may hold (not any = all of the
            # nots); read as alternatives, a patient with tuberculosis and no other infection met it
            # (only when every example read is negated too: one that is not stays an alternative)
            # (round 39, h189: an example list read as "neither of them", not any[...], is negated too:
            # "No active infection (including tuberculosis or HIV)")
            negated = bool(atoms) and all(a.negated or a.mods.get("negated") for a in atoms) and all(
                flipped for alt in alternatives for flipped in _atoms_negated(alt))
            node = ("all" if negated else "any", [node, *alternatives])
        for exception in chunk.exceptions:
            node = exempt(self, node, exception, atoms)
        return node

    def _words_after_brackets(self, chunk: Chunk) -> bool:
        """Content words in the chunk after its last bracket that holds a fact."""
        ends = [el.end for el in chunk.els if el.kind == "paren" and any(True for _ in atoms_in(el.children))]
        return bool(ends) and any(el.kind == "word" and not el.used and el.start >= max(ends)
                                  and is_content(el.value, self.cues) for el in chunk.els)

    def _names_condition(self, chunk: Chunk) -> bool:
        """A chunk with no fact whose words still name a condition or a treatment ("uncontrolled
        systemic diseases", "other infections", "other cell therapies"): an alternative the parser did not read, never
        dropped (``condition_heads`` in the cues)."""
        heads = self.cues.patterns.get("condition_heads", ())
        words = [el.value for el in chunk.els if el.kind == "word" and not el.used]
        if any(w.lower() in _OTHER_WORDS for w in words):
            # "gene therapy or other cell therapies": another treatment, named by its kind only,
            # is an alternative as much as a condition is
            heads = (*heads, *self.cues.patterns.get("therapy_heads", ()))
        if any(el.kind == "cue" and any(s.startswith("response:") for s in el.value.sections) for el in chunk.els):
            return False  # "relapsed and refractory diseases": the outcome of the therapies named
        return any(el.kind == "word" and not el.used and any(p.fullmatch(el.value) for p in heads) for el in chunk.els)

    def _graded(self, atoms: list[Atom]) -> list[Atom]:
        """'cardiac insufficiency NYHA III or IV': the score stands for the condition it grades."""
        scores = {a.concept for a in atoms if a.label == "SCORE"}
        graded = {self.cues.graded_by[s] for s in scores if s in self.cues.graded_by}
        # the graded condition, a kind of it, or a broader condition it is a kind of ("NYHA III
        # cardiac disease": NYHA grades heart failure, a heart disease)
        return [a for a in atoms if not (a.label == "CONDITION" and any(
            self.terminology.is_a(a.concept, g) or self.terminology.is_a(g, a.concept) for g in graded))]


def _atoms_negated(node: Node, under_not: bool = False) -> Iterator[bool]:
    """For each fact of ``node``: whether it is negated, by its own negation or by a ``not``
    above it in the node (an odd number of them)."""
    if node[0] == "atom":
        atom = node[1]
        yield under_not != bool(atom.negated or atom.mods.get("negated"))
    elif node[0] in ("all", "any"):
        for child in node[1]:
            yield from _atoms_negated(child, under_not)
    elif node[0] == "not":
        yield from _atoms_negated(node[1], not under_not)
    elif node[0] == "exempt":
        yield from _atoms_negated(node[1], under_not)


def _with_exceptions(clauses: list[tuple[str | None, list[El]]]) -> list[tuple[str | None, list[El]]]:
    """Clauses with a sentence of exceptions joined to the clause it takes them out of:
    "Other malignant tumors. Exceptions include A, B or C" and "... Exceptions to this
    exclusion include the following: A, B" are one clause with an exception, never a list of
    exclusions (or requirements) of their own."""
    out: list[tuple[str | None, list[El]]] = []
    for sep, clause in clauses:
        if out and _starts_exception(clause) and any(atoms_in(out[-1][1])):
            out[-1] = (sep, out[-1][1] + clause)
        elif out and out[-1][0] == ":" and _open_exception(out[-1][1]):
            out[-1] = (sep, out[-1][1] + clause)      # "..., except the following: A, B"
        else:
            out.append((sep, clause))
    return out


def _trailing_window(els: list[El]) -> list[El]:
    """The window cue ending an exception whose other elements are facts and connectors only
    ("other than levetiracetam in the previous 6 months"), with the separators after it; else []."""
    end = len(els)
    while end and els[end - 1].kind == "sep":
        end -= 1
    if end < 2 or not is_cue(els[end - 1], "window"):
        return []
    before = els[:end - 1]
    if not any(e.kind == "atom" for e in before) or any(e.kind not in ("atom", "conn") for e in before):
        return []
    return els[end - 1:]


def _open_exception(els: list[El]) -> bool:
    """A clause whose last exception cue has facts before it and none after it: its
    exceptions follow the colon."""
    cut = max((i for i, e in enumerate(els) if is_cue(e, "exception")), default=None)
    return cut is not None and any(atoms_in(els[:cut])) and not any(atoms_in(els[cut + 1:]))


def _starts_exception(els: list[El]) -> bool:
    """A clause that starts with an exception ("Exceptions include ...", "Except for ...")."""
    _lead, rest = lead_connector(els)
    return bool(rest) and is_cue(rest[0], "exception")


def _free_of_negation(condition: list[El], rest: list[El]) -> None:
    """The facts after a condition that a negation inside the condition reached ("For
    patients not receiving anticoagulation: INR ≤ 1.5"): the "not" is the condition's."""
    start, end = condition[0].start, condition[-1].end
    for atom in atoms_in(rest):
        if atom.negated and atom.negation_spans and all(start <= s and e <= end for s, e in atom.negation_spans):
            atom.negated = False
            atom.negation_spans = []


_OTHER_WORDS = {"other", "another", "others", "similar", "additional"}


def _scoping_heading(els: list[El]) -> bool:
    """A clause with no fact whose cues say something of facts (a window, history,
    negation ...): before ":" it scopes over what follows."""
    return not any(True for _ in atoms_in(els)) and any(e.kind == "cue" and e.value.sections & DISTRIBUTIVE for e in els)


def _shared_lead_negation(atoms: list[Atom], els: list[El], reader: Reader | None = None) -> bool:
    """One negation written before a list of two facts or more ("Not pregnant or
    breastfeeding", "no history of A, B or C") negates the whole list: the facts lose their
    own negation (True is returned and the caller negates the list)."""
    if len(atoms) < 2:
        return False
    first = min(a.start for a in atoms)
    lead_cues = {(e.start, e.end) for e in els if is_cue(e, "negation") and e.end <= first}

    def negations(atom: Atom) -> set[tuple[int, int]] | None:
        """The negations written before the list that reach the atom; None when the atom is
        negated by something else (its own "no")."""
        spans = set(atom.negation_spans) if atom.negated else set()
        if atom.mods.get("negated"):
            spans |= lead_cues or {(-1, -1)}
        lead = {span for span in spans if span[1] <= first}
        return None if spans - lead else lead

    head = negations(min(atoms, key=lambda a: a.start))
    if not head:
        return False
    for atom in atoms:
        found = negations(atom)
        if found is None or (found and not found & head):
            return False
    # "Participants must not be pregnant and/or breastfeeding" in the exclusion list: the
    # "must not" restates that the list excludes, it negates nothing
    restated = reader is not None and reader.kind == "exclusion" and all(
        s >= 0 and must_not(reader.text, s, e) for s, e in head)
    for atom in atoms:
        atom.negated = False
        atom.negation_spans = []
        atom.mods.pop("negated", None)
    return not restated


def _combine(items: list[tuple[Node, int]], joins: list[set[str]], reader: Reader, list_default: str | None = None) -> Node:
    """Chunks joined by connectors, loosest first: comma, "or", "and", "/"."""
    nodes = [n for n, _ in items]
    if len(nodes) == 1:
        return nodes[0]
    # in an exclusion "with" binds looser than "or" ("portal hypertension with varices and/or
    # ascites": never "..., or any ascites"); that reading never excludes more than the other.
    # In an inclusion it would require more, so there "or" stays the looser
    levels = (",", "with", "or", "and", "/") if reader.kind == "exclusion" else (",", "or", "and", "/")
    for level in levels:
        cuts = [i for i, j in enumerate(joins) if _level(j, reader.kind) == level]
        if level == "with" and cuts and cuts[0] != 0:
            # "A or B with C": which of them C is a feature of, the words do not settle; only
            # "A with B or C" (one thing before "with") is read as A with (B or C)
            cuts = []
        if not cuts:
            continue
        groups, group_joins, start = [], [], 0
        for cut in cuts:
            groups.append(_combine(items[start:cut + 1], joins[start:cut], reader, list_default))
            start = cut + 1
        groups.append(_combine(items[start:], joins[start:], reader, list_default))
        if level == ",":
            ops = [("or" if "or" in joins[c] else "and" if "and" in joins[c] else None) for c in cuts]
            explicit = {op for op in ops if op}
            if len(explicit) == 1:
                fill = explicit.pop()
            else:
                tail = [("or" if "or" in j else "and") for j in joins[cuts[-1] + 1:] if j & {"or", "and"}]
                fill = tail[0] if tail else (list_default or ("or" if reader.kind == "exclusion" else "and"))
            group_joins = [op or fill for op in ops]
        elif level in ("and", "with"):
            group_joins = ["with" if "with" in joins[c] else "and" for c in cuts]
        else:
            group_joins = ["or"] * len(cuts)
        return _by_precedence(groups, group_joins, reader)
    return ("all", nodes)


def _level(join: set[str], kind: str = "inclusion") -> str:
    if "," in join:
        return ","
    if "with" in join and kind == "exclusion":
        # "portal hypertension with varices and/or ascites": the feature is of the whole list
        # after it ("with" binds looser than "or"), never "varices of portal hypertension, or
        # any ascites"
        return "with"
    if "or" in join:
        return "or"
    if "and" in join:
        return "and"
    return "/"


def _by_precedence(nodes: list[Node], joins: list[str], reader: Reader) -> Node:
    """Join with "or" looser than "and"."""
    groups: list[list[Node]] = [[nodes[0]]]
    featured: list[bool] = [False]               # the group holds an "A with B"
    for join, node in zip(joins, nodes[1:]):
        if join == "or":
            groups.append([node])
            featured.append(False)
        else:
            groups[-1].append(node)
            featured[-1] = featured[-1] or join == "with"
    ands = [g[0] if len(g) == 1 else ("all", g) if with_ else _and(g, reader) for g, with_ in zip(groups, featured)]
    if len(ands) == 1:
        return ands[0]
    if reader.kind == "inclusion" and _shared_threshold(ands):
        # "ALT/AST ≤ 3 × ULN", "ALT or AST ≤ 3 × ULN" as a requirement: each of them
        return ("all", ands)
    return ("any", ands)


def _shared_threshold(nodes: list[Node]) -> bool:
    """Lab facts of different analytes that carry one and the same threshold (written once
    after the list)."""
    atoms = [n[1] for n in nodes if n[0] == "atom"]
    return (len(atoms) == len(nodes) and all(a.label == "LAB" and a.bounds for a in atoms)
            and len({a.concept for a in atoms}) == len(atoms) and all(a.bounds == atoms[0].bounds for a in atoms))


def _same_agent(terminology, one: str, other: str) -> bool:
    """Whether two infection concepts are of one agent ("HBsAg and anti-HBc": both hepatitis B,
    the ``diagnosis`` concept above them): not hepatitis B and C, whose only common ancestor
    is the group "viral hepatitis"."""
    common = terminology.ancestors(one) & terminology.ancestors(other)
    return any(c in terminology and terminology[c].attrs.get("diagnosis") for c in common)


def _and(nodes: list[Node], reader: Reader) -> Node:
    """"A and B": both; in an exclusion, a list of conditions ("mental illness and severe
    cognitive impairment") or of infections of different agents ("hepatitis B and C") names
    alternatives."""
    if reader.kind == "exclusion" and not reader.both and all(n[0] == "atom" for n in nodes):
        atoms = [n[1] for n in nodes]
        labels = {a.label for a in atoms}
        if labels <= {"CONDITION"} or labels <= {"PREGNANCY"}:
            return ("any", nodes)
    # "HIV, hepatitis B and C": an item may be alternatives of infections already
    parts = [[n] if n[0] == "atom" else list(n[1]) if n[0] == "any" else None for n in nodes]
    if reader.kind == "exclusion" and not reader.both and all(p is not None and all(c[0] == "atom" for c in p) for p in parts):
        # round 29 (h138): "myocardial infarction, unstable angina and stroke within 6 months"
        # (no comma before "and"): the comma's list ends in the "and" of the last two, already
        # alternatives; the whole list names alternatives, as "A, B, and C" does
        flat = [c for p in parts for c in p]
        if {c[1].label for c in flat} <= {"CONDITION"} and any(len(p) > 1 for p in parts):
            return ("any", flat)
    if reader.kind == "exclusion" and not reader.both and all(p is not None and all(c[0] == "atom" for c in p) for p in parts):
        flat = [c for p in parts for c in p]
        atoms = [n[1] for n in flat]
        if all(a.label == "INFECTION" for a in atoms) and not any(a.mods.get("qualified") for a in atoms) and all(
            not _same_agent(reader.terminology, a.concept, b.concept) for i, a in enumerate(atoms) for b in atoms[i + 1:]
        ):
            # unread words beside one ("HBV and HCV co-infection") may bind both: all
            return ("any", flat)
    return ("all", nodes)


def _subgroup_bracket(reader: Reader, el: El) -> bool:
    inner = reader.text[el.start + 1:el.end - 1].strip()
    return any(p.fullmatch(inner) for p in reader.cues.patterns.get("subgroup_threshold", ()))


_UPPER, _LOWER = ("<=", "<"), (">=", ">")


_ULN_MULTIPLE = re.compile(r"\d\s*(?:[x×*]|times)\s*(?:the\s+)?(?:institutional\s+)?(?:ULN|upper limit)", re.IGNORECASE)


def _for_subgroup(node: Node, found: list, kind: str, text: str) -> Node | None:
    """"AST and ALT ≤ 3 × ULN (≤ 5 × ULN if known liver metastases)": one bracket naming the
    patients another threshold is for (``SubgroupThreshold``), after the one ULN threshold
    every lab of the clause shares (written once before the bracket, one bound of the same
    direction, the bracket's more lenient): "bilirubin ≤ 1.5 × ULN, AST ≤ 2.5 × ULN (≤ 5 ×
    ULN if ...)" names whose it is only by its place, so it stays the team's. An inclusion is
    met by the threshold, or by the condition with its own threshold; an exclusion holds for
    the threshold, unless the condition is there and its own threshold is not passed. None
    when it does not fit."""
    if len(found) != 1 or isinstance(found[0], str) or not only_atoms(node):
        return None
    alt = found[0]
    atoms = [a for _, a in atom_nodes(node)]
    if not atoms or len(_ULN_MULTIPLE.findall(text[min(a.start for a in atoms):alt.start])) != 1:
        return None
    side = _UPPER if alt.op in _UPPER else _LOWER
    if kind == "inclusion" and side != _UPPER or kind == "exclusion" and side != _LOWER:
        return None
    for atom in atoms:
        if (atom.label != "LAB" or not atom.bounds or len(atom.bounds) != 1 or atom.bounds[0][0] not in side
                or atom.bounds[0][1][0] != "uln" or float(atom.bounds[0][1][1]) > alt.uln):
            return None
    swapped = {id(a): replace(a, bounds=[(alt.op, ("uln", alt.uln))], mods=dict(a.mods)) for a in atoms}
    condition = ("atom", alt.condition)
    other = _with_atoms(node, swapped)
    if kind == "inclusion":
        return ("any", [node, ("all", [condition, other])])
    return ("all", [node, ("any", [("not", condition), other])])


def _with_atoms(node: Node, swapped: dict) -> Node:
    if node[0] == "atom":
        return ("atom", swapped[id(node[1])])
    return (node[0], [_with_atoms(child, swapped) for child in node[1]])
