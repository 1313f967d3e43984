"""Eligibility text -> inclusion and exclusion criteria with their nesting.

Shared by both importers. Each line of the text becomes one criterion (its verbatim text
without the list marker); the tree is rebuilt from the markers and the indentation:

* "Inclusion criteria" / "Exclusion criteria" headings (and a lead line such as "Subjects
  with any of the following exclusion criteria were not eligible ...") set the kind;
* bullets (``*``, ``-``, ``•`` ...) and enumerators (``1.``, ``a.``, ``i)``, ``(2)``) nest by
  style: a style already open on the path continues that list (a sibling), a new style
  opens a sub-list; deeper indentation always nests;
* in one flat list, an item ending with ":" ("2. ... meets the following requirements:")
  takes the items after it, up to the next such item (a group, never a criterion of its
  own); a hard-wrapped line right after an item continues the item;
* an unmarked line is a heading when items follow it, a sibling of earlier unmarked
  headings, or the continuation of the list it interrupts; an unmarked "Label: text"
  line nests under an open heading that ends with ":";
* inline enumerations ("... requirements: a. ...; b. ...", "i) ...; ii) ...") split into
  sub-items; a heading saying "any of the following" makes its items alternatives
  (``combine: any``); "any of the above N ..." makes the N groups above it alternatives.

Every leaf gets a rule from ``nlp.criteria.parser.parse_criterion`` (an explicit ``review``
leaf when it cannot read the text): nothing is dropped and nothing is guessed.
The patterns live in ``data/import_patterns.yaml`` (``criteria``).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Callable

from registry.patterns import load_patterns
from nlp.criteria.parser import parse_criterion, rule_problem
from registry.reader_version import reader_version
from nlp.criteria.rule_forms import review_only
from nlp.criteria.background_drugs import background_rule
from core.rules import iter_leaves
from data.criteria_headings import is_heading

REVIEW_RULE = {"type": "review", "reason": "other"}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10,
          "xi": 11, "xii": 12}
_WORD_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10}


@dataclass
class _Node:
    text: str
    kind: str
    style: str                 # "plain", "bullet:*", "digit", "alpha", "roman"
    indent: int
    value: int = 0             # the enumerator's position (1 for "a."), 0 for bullets
    label: bool = False        # an unmarked "Label: text" line
    any_of: bool = False       # made "any" by an "any of the above N" line
    worded: bool = False       # a group the importer wrote (cohorts), not the registry's words
    whole: bool = False        # a marked item the next line does not go on ("* gout," then "* ...")
    adopted: bool = False      # an item of a flat list placed under the heading item before it
    parent: "_Node | None" = None
    children: list["_Node"] = field(default_factory=list)


# --- enumerators -------------------------------------------------------------------------


def _enumerator(num: str, open_styles: dict[str, int]) -> tuple[str, int]:
    """(style, position) of an enumerator such as "3", "c", "iv"."""
    num = num.lower()
    if num.isdigit():
        return "digit", int(num)
    if num in _ROMAN:
        # "i" after an open "h." is a letter; otherwise roman
        letter = ord(num) - ord("a") + 1 if len(num) == 1 else 0
        if not (letter and open_styles.get("alpha") == letter - 1):
            return "roman", _ROMAN[num]
    if len(num) == 1:
        return "alpha", ord(num) - ord("a") + 1
    return "plain", 0


def _inline_run(text: str) -> list[tuple[int, int, str]]:
    """The longest in-sequence run of inline enumerators (a., b., ... / i), ii) ... / 1., 2.)
    as (start, end, style) spans; empty unless it has at least two members."""
    matches = list(load_patterns().criteria["inline_enumerator"].finditer(text))
    best: list[tuple[int, int, str]] = []
    for i, first in enumerate(matches):
        style, value = _enumerator(first.group("num"), {})
        if value != 1:
            continue
        run = [(first.start(), first.end(), style)]
        expected = 2
        for later in matches[i + 1:]:
            later_style, later_value = _enumerator(later.group("num"), {"alpha": expected - 1} if style == "alpha" else {})
            if later_style == style and later_value == expected:
                run.append((later.start(), later.end(), style))
                expected += 1
        if len(run) >= 2 and len(run) > len(best):
            best = run
    return best


def _split_inline(text: str) -> tuple[str, list[tuple[str, str]]]:
    """(lead text, [(style, item text)]) for a line with an inline enumeration."""
    run = _inline_run(text)
    if not run:
        return text, []
    lead = text[: run[0][0]].strip()
    items = []
    for index, (_, end, style) in enumerate(run):
        stop = run[index + 1][0] if index + 1 < len(run) else len(text)
        item = text[end:stop].strip()
        if item:
            items.append((style, item))
    return lead, items


# --- building the tree ----------------------------------------------------------------


class _Builder:
    def __init__(self, kind: str):
        self.patterns = load_patterns().criteria
        self.kind = kind
        self.roots: list[_Node] = []
        self.stack: list[_Node] = []
        self.previous: _Node | None = None   # the item of the line just before (no blank line)
        self.last_marked: _Node | None = None  # a marked item whose next line decides if it is whole

    def close(self) -> None:
        """The text ended: the last marked item is whole."""
        if self.last_marked is not None:
            self.last_marked.whole = True
            self.last_marked = None

    def feed(self, raw: str) -> None:
        indent = len(raw.expandtabs(4)) - len(raw.expandtabs(4).lstrip())
        line = raw.strip()
        marker = self.patterns["bullet"].match(line) if line else None
        if self.last_marked is not None:
            # the item before ends here when this line is blank or another marked item; an
            # unmarked line may be its sentence going on (joined or not)
            self.last_marked.whole = not line or bool(marker or self.patterns["numbered"].match(line))
            self.last_marked = None
        if not line:
            self.previous = None
            return
        if self.patterns["empty_item"].match(line):
            return
        if self._continues(line, indent, marker):
            # a hard-wrapped item ("-  ... for which" / "   standard curative measures do not
            # exist"): the line goes on with the item's sentence, it is no sub-item
            self.previous.text = f"{self.previous.text} {line}"
            self.last_marked = self.previous
            return
        self.previous = None
        body = line[marker.end():].strip() if marker else line
        if self._heading(body):
            if _part_match(body) is not None:
                # "Part 1 additional inclusion criteria:": the list's kind, and a group of
                # that part's criteria (its items follow it)
                self._place(_Node(body, self.kind, "plain", indent))
            return
        if self.kind == "inclusion" and self.patterns["exclusion_lead"].search(body):
            self._switch("exclusion")
        if marker:
            self._inline_or_place(body, f"bullet:{marker.group('mark')}", indent, 0)
            self.last_marked = self.previous
            return
        numbered = self.patterns["numbered"].match(line)
        if numbered and line[numbered.end():].strip():
            whole_run = _inline_run(line)
            if whole_run and whole_run[0][0] == 0:
                items = _split_inline(line)[1]
                top = self.stack[-1] if self.stack else None
                if top is not None and top.text.endswith(":") and not top.children:
                    # the enumeration completes the heading above it: one criterion
                    top.text = f"{top.text}\n{line}"
                    self._add_inline_children(top, items)
                    return
                # "i) ...; ii) ...; iii) ..." on a line of its own: sibling items
                for style, text in items:
                    self._place(_Node(text, self.kind, style, indent))
                return
            style, value = _enumerator(numbered.group("num"), self._open_values())
            if style == "digit" or value == 1 or self._open_values().get(style) == value - 1:
                self._inline_or_place(line[numbered.end():].strip(), style, indent, value)
                self.last_marked = self.previous
                return
            # "E. coli ..." is not item e of a list: the line is text
        if self._any_of_above(line):
            return
        node = _Node(line, self.kind, "plain", indent, label=bool(self.patterns["label_item"].match(line)))
        self._inline_or_place_node(node)

    def _continues(self, line: str, indent: int, marker) -> bool:
        """An unmarked line right after a marked item (no blank line between), indented deeper
        than the item's marker, while the item has no sub-items and does not end with ":"."""
        item = self.previous
        return (item is not None and marker is None and not self.patterns["numbered"].match(line)
                and item.style != "plain" and not item.style.startswith("inline") and indent > item.indent
                and not item.children and not item.text.rstrip().endswith(":"))

    # headings that switch the kind are not criteria
    def _heading(self, text: str) -> bool:
        if self.patterns["inclusion_heading"].match(text):
            self._switch("inclusion")
            return True
        if self.patterns["exclusion_heading"].match(text):
            self._switch("exclusion")
            return True
        return False

    def _switch(self, kind: str) -> None:
        self.kind = kind
        self.stack = []

    def _open_values(self) -> dict[str, int]:
        return {node.style: node.value for node in self.stack}

    def _inline_or_place(self, text: str, style: str, indent: int, value: int) -> None:
        self._inline_or_place_node(_Node(text, self.kind, style, indent, value))

    def _inline_or_place_node(self, node: _Node) -> None:
        lead, items = _split_inline(node.text)
        self._place(node)
        if items and lead:
            # "... requirements: a. ...; b. ...": the line stays one criterion, its items
            # become its children
            self._add_inline_children(node, items)

    def _add_inline_children(self, node: _Node, items: list[tuple[str, str]]) -> None:
        for style, text in items:
            child = _Node(text, self.kind, f"inline:{style}", node.indent + 1)
            child.parent = node
            node.children.append(child)

    def _attach(self, node: _Node, parent: _Node | None) -> None:
        node.parent = parent
        (parent.children if parent else self.roots).append(node)

    def _truncate_to(self, index: int) -> _Node | None:
        """Drop stack[index:] and return the parent of the dropped entry."""
        parent = self.stack[index].parent
        del self.stack[index:]
        return parent

    def _place(self, node: _Node) -> None:
        self.previous = node
        while self.stack and self.stack[-1].indent > node.indent:
            self.stack.pop()
        if not self.stack:
            self._attach(node, None)
        elif self.stack[-1].indent < node.indent:
            self._attach(node, self.stack[-1])
        elif node.style == "plain":
            self._place_plain(node)
            return
        else:
            same = next((i for i in range(len(self.stack) - 1, -1, -1)
                         if self.stack[i].style == node.style and self.stack[i].indent == node.indent), None)
            heading = self.stack[same] if same is not None else None
            if heading is not None and heading.adopted and _is_heading_item(node):
                # a new heading item ends the sub-list of the one before: it is its sibling
                self._attach(node, self._truncate_to(self.stack.index(heading.parent)))
            elif heading is not None and _is_heading_item(heading) and not heading.children and not heading.adopted:
                # "2. the function of vital organs meets the following requirements:" / "3. ALT
                # ..." in one flat list: the items after a heading item are its items
                node.adopted = True
                self._attach(node, heading)
            elif same is not None:
                node.adopted = heading.adopted
                self._attach(node, self._truncate_to(same))
            else:
                self._attach(node, self.stack[-1])
        self.stack.append(node)

    def _place_plain(self, node: _Node) -> None:
        plain = [i for i, n in enumerate(self.stack) if n.style == "plain" and n.indent == node.indent]
        if node.label:
            heads = [i for i in plain if not self.stack[i].label and self.stack[i].text.endswith(":")]
            if heads:
                index = heads[-1]
                del self.stack[index + 1:]
                self._attach(node, self.stack[index])
                self.stack.append(node)
                return
        if plain:
            self._attach(node, self._truncate_to(plain[0]))
            self.stack.append(node)
            return
        # an unmarked line inside a list continues that list, as a sibling of its last item
        previous = self.stack[-1]
        node.style, node.value = previous.style, previous.value
        self._attach(node, self._truncate_to(len(self.stack) - 1))
        self.stack.append(node)

    def wrap_cohorts(self) -> None:
        """Two or more cohorts' groups in a row in the inclusion list are alternatives: a
        patient joins one of them (all required, a dcSSc patient failed the SSc-PAH group
        and was ruled out). They are wrapped in one "any" group naming the cohorts."""
        roots: list[_Node] = []
        i = 0
        while i < len(self.roots):
            run = []
            while i + len(run) < len(self.roots) and _cohort_heading(self.roots[i + len(run)]):
                run.append(self.roots[i + len(run)])
            if len(run) < 2:
                roots.append(self.roots[i])
                i += 1
                continue
            names = "; ".join(_cohort_heading(n).rstrip(":").strip() for n in run)   # type: ignore[union-attr]
            group = _Node(f"One of these cohorts: {names}", "inclusion", "plain", 0)
            group.children, group.any_of, group.worded = run, True, True
            for child in run:
                child.parent = group
            roots.append(group)
            i += len(run)
        self.roots = roots

    def _any_of_above(self, line: str) -> bool:
        match = self.patterns["any_of_above"].search(line)
        if not match or self.kind != "inclusion":
            return False
        siblings = [n for n in self.roots if n.kind == self.kind]
        count_text = (match.group("count") or "").lower()
        count = int(count_text) if count_text.isdigit() else _WORD_NUMBERS.get(count_text, len(siblings))
        if count < 2 or count > len(siblings):
            return False
        wrapped = siblings[-count:]
        group = _Node(line, self.kind, "plain", 0)
        group.children = wrapped
        position = self.roots.index(wrapped[0])
        self.roots = [n for n in self.roots if n not in wrapped]
        self.roots.insert(position, group)
        for child in wrapped:
            child.parent = group
        group.any_of = True
        self.stack = []
        return True


# --- parts, cohorts, arms --------------------------------------------------------------


def _part_match(text: str):
    return load_patterns().criteria["part_label"].match(text.split("\n", 1)[0].strip())


def _part_of(node: _Node) -> str | None:
    """The part a criterion is labelled with ("Part 2A and 2B:", "Cohort C: ...", "Group 1",
    a heading "Part 1 Dose Escalation cohort ONLY:"), lower-cased, or None."""
    match = _part_match(node.text)
    if match is None:
        return None
    if match.group("sep") is None and not (node.children and node.text.split("\n", 1)[0].rstrip().endswith(":")):
        return None
    return " ".join(match.group("label").lower().split())


def _bare_part(node: _Node) -> bool:
    """A line that is only a part's label ("Part 1:", "Part 3A and 3B:", "Group 1")."""
    match = _part_match(node.text)
    return (match is not None and match.group("sep") is not None and not node.children
            and not node.text.split("\n", 1)[0].strip()[match.end():].strip())


_SEVERAL_PARTS = re.compile(r"\s(?:and|or)\s|[&,]", re.IGNORECASE)


def _part_only(heading: str) -> str | None:
    """The label of a group heading labelled with one part ("Phase 3: Patients with known CNS
    lesions must not have any of the following:"), or None: its items hold only for that
    part's patients (an item labelled alone the parser leaves to the team itself). A label
    naming several parts ("Group 1 and 2") may name them all: None."""
    match = _part_match(heading)
    if match is None or _SEVERAL_PARTS.search(match.group("label")):
        return None
    if match.group("sep") is None and not heading.rstrip().endswith(":"):
        return None
    return " ".join(match.group("label").split())


def _regroup_parts(siblings: list[_Node], parent: _Node | None) -> list[_Node]:
    """Items of a list labelled with two or more different parts of a study ("Part 1:" /
    "Part 2A and 2B:", "Cohort 1: ..." / "Cohort 2: ...", "Phase 2: ..." / "Phase 3: ..."):
    a bare label line takes the unlabelled items after it (up to the next label), and in an
    inclusion list a run of labelled items is alternatives, one per part (a patient joins
    one part: AUR103's "criteria for each of the respective parts" made a leukaemia patient
    fail the lymphoma part), items of the same part together. The run is its parent's whole
    list (the parent becomes "any") or is wrapped in one "any" group naming the parts."""
    for node in siblings:
        if node.children:
            node.children = _regroup_parts(node.children, node)
    if len({label for label in map(_part_of, siblings) if label}) < 2:
        return siblings
    adopted: list[_Node] = []
    heading: _Node | None = None
    for node in siblings:
        if _part_of(node):
            heading = node if _bare_part(node) else None
            adopted.append(node)
        elif heading is not None and node.kind == heading.kind:
            node.parent = heading
            heading.children.append(node)
        else:
            heading = None
            adopted.append(node)
    out: list[_Node] = []
    i = 0
    while i < len(adopted):
        run = []
        while (i + len(run) < len(adopted) and adopted[i + len(run)].kind == "inclusion"
               and _part_of(adopted[i + len(run)])):
            run.append(adopted[i + len(run)])
        labels = list(dict.fromkeys(_part_of(node) for node in run))
        if len(labels) < 2:
            out.append(adopted[i])
            i += 1
            continue
        parts = []
        for label in labels:
            members = [node for node in run if _part_of(node) == label]
            if len(members) == 1:
                parts.append(members[0])
                continue
            name = _part_match(members[0].text).group("label")
            group = _Node(name, "inclusion", "plain", members[0].indent)
            group.children, group.worded = members, True
            for member in members:
                member.parent = group
            parts.append(group)
        if len(run) == len(adopted) and parent is not None:
            parent.any_of = True
            for part in parts:
                part.parent = parent
            out.extend(parts)
        else:
            names = "; ".join(" ".join(_part_match(p.text).group("label").split()) for p in parts)
            group = _Node(f"One of these parts: {names}", "inclusion", "plain", run[0].indent)
            group.children, group.any_of, group.worded, group.parent = parts, True, True, parent
            for part in parts:
                part.parent = group
            out.append(group)
        i += len(run)
    return out


def _cohort_heading(node: _Node) -> str | None:
    """The heading of an inclusion group for one cohort ("SSc-PAH Criteria:"), or None."""
    heading = node.text.split("\n", 1)[0].strip()
    if node.kind != "inclusion" or not node.children or not load_patterns().criteria["cohort_heading"].search(heading):
        return None
    return heading


def _is_heading_item(node: _Node) -> bool:
    """A list item that announces items ("... meets the following requirements:", "Eligibility
    criteria to participate in the pilot study ...")."""
    return node.style != "plain" and not node.style.startswith("inline") and (
        node.text.rstrip().endswith(":") or _substudy(node.text) is not None)


def _substudy(text: str) -> str | None:
    """The heading of a sub-study's or optional part's criteria, or None."""
    heading = text.split("\n", 1)[0].strip()
    return heading if load_patterns().criteria["substudy_heading"].search(heading) else None


def _optional(text: str) -> str | None:
    """The item itself when it is for an optional part of the study alone ("Optional: Child
    participants in the optional assessment ... must be 4 to 18 years of age"), or None:
    like an item under a sub-study's heading, it holds for the patients joining that part."""
    heading = text.split("\n", 1)[0].strip()
    return heading if load_patterns().criteria["optional_item"].search(heading) else None


# the leaves a heading's window or qualifier bears on: the condition, event and treatment
# leaves (a lab value or a score under "... within 14 days prior to enrollment:" is the
# screening value, read as written)
_HEADING_BOUND = ("diagnosis", "history", "procedure", "therapy", "infection")
_BARE_CONDITION = ("diagnosis", "history")


def _heading_limit(heading: str) -> tuple[str, str] | None:
    """A group heading's window ("any of the following ... ≤ 90 days prior to
    randomization:") or qualifier ("No concurrent uncontrolled illness including ...:"),
    which its items do not repeat, or one holding for some parts of the study only:
    ("parts" | "window" | "qualifier", heading), or None."""
    patterns = load_patterns().criteria
    if patterns["heading_some_parts"].search(heading):
        return "parts", heading
    if patterns["heading_window"].search(heading):
        return "window", heading
    if patterns["heading_qualifier"].search(heading):
        return "qualifier", heading
    return None


def _limited(rule: dict, limit: tuple[str, str]) -> bool:
    """Whether the heading's limit reaches a leaf of ``rule`` that does not say it itself:
    for some parts of the study, any fact; under a window, a condition, event or treatment
    without a window of its own; under a qualifier, a bare condition (a diagnosis or history
    without a window)."""
    leaves = [leaf for leaf in iter_leaves(rule) if leaf.get("type") != "review"]
    if limit[0] == "parts":
        return bool(leaves)
    if limit[0] == "window":
        return any(leaf.get("type") in _HEADING_BOUND and not leaf.get("within_days")
                   and not leaf.get("within_half_lives") for leaf in leaves)
    return any(leaf.get("type") in _BARE_CONDITION and not leaf.get("within_days") for leaf in leaves)


def _under_heading(rule: dict, kind: str, limit: tuple[str, str] | None) -> dict:
    """An item under a heading whose window or qualifier it does not repeat (round 17): read
    alone, "Myocardial infarction" under "any of the following ... ≤ 90 days prior to
    randomization:" excluded every past infarction. The heading's words are the team's
    (an exclusion: all[rule, review], an inclusion: any[rule, review]), as for a sub-study."""
    if limit is None or review_only(rule) or not _limited(rule, limit):
        return rule
    label = " ".join(limit[1].split())
    label = label if len(label) <= 80 else label[:79].rstrip() + "…"
    note = {"type": "review", "reason": "clinical", "note": f"The trial team judges: \"under the heading: {label}\"."}
    return {"any": [rule, note]} if kind == "inclusion" else {"all": [rule, note]}


def _only_for(rule: dict, kind: str, heading: str | None) -> dict:
    """An item under a sub-study's heading: it holds for the patients joining that part only,
    and whether a patient joins is the team's, so the rule never decides alone (an
    inclusion: any[rule, review], an exclusion: all[rule, review]); a review stays."""
    if heading is None or review_only(rule):
        return rule
    label = " ".join(heading.split())
    label = label if len(label) <= 80 else label[:79].rstrip() + "…"
    note = {"type": "review", "reason": "clinical", "note": f"The trial team judges: \"only for the patients of: {label}\"."}
    return {"any": [rule, note]} if kind == "inclusion" else {"all": [rule, note]}


def headings_bear_on(headings: list[str], kind: str, rule: dict) -> bool:
    """Whether the group headings above an item (nearest first) change what its ``rule``
    says, read alone (round 41, h199): a heading's window or qualifier reaches a leaf the item
    does not state itself ("Myocardial infarction" under "any of the following ... <= 90
    days prior to randomization:"), or an inclusion heading asks for the absence of its
    items ("Cardiac arrhythmia" under "No concurrent uncontrolled illness including ... any
    of the following:"). A heading for some parts of the study is not counted here (an item
    of one part states its condition as written), and the search stops at a heading that
    does not announce its items (a sentence ending in a full stop over indented lines: they
    need not be its items)."""
    for heading in headings:
        heading = heading.split("\n", 1)[0]
        if not _announces(heading):
            return False
        if kind == "inclusion" and load_patterns().criteria["negated_heading"].search(heading):
            return not review_only(rule)
        limit = _heading_limit(heading)
        if limit is not None and limit[0] in ("window", "qualifier") and _limited(rule, limit):
            return True
    return False


# --- output ----------------------------------------------------------------------------

RuleParser = Callable[[str, str], dict]  # (criterion text, "inclusion" | "exclusion") -> rule


def default_rule_parser() -> RuleParser:
    """The criteria compiler, ``nlp.criteria.parser.parse_criterion``."""
    return parse_criterion


_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|~])")


def _rule_for(text: str, kind: str, parse: RuleParser) -> dict:
    # registries escape markdown ("\\>= 8"); the text stays verbatim, the parser reads it plain.
    # The kind matters: an exception ("except Gilbert's") is read differently in an exclusion.
    rule = parse(_MARKDOWN_ESCAPE.sub(r"\1", text), kind)
    # the rule language and the record validator's checks (known concepts of the right
    # category, units), answered once per rule shape
    if not isinstance(rule, dict) or rule_problem(rule) is not None:
        return dict(REVIEW_RULE)
    return rule


def _to_criterion(node: _Node, criterion_id: str, parse: RuleParser, absent: bool = False,
                  substudy: str | None = None, in_part: bool = False,
                  limit: tuple[str, str] | None = None) -> dict:
    """``absent``: the item stands under an inclusion heading asking for the absence of its
    items ("No concurrent illness including: - Ongoing or active infection"), so the rule is
    the item read as a disqualifying condition, negated. ``substudy``: the heading of the
    sub-study whose criteria the item is (``_only_for``). ``in_part``: the item stands in a
    part's criteria or among alternatives, so a part label of its own says nothing more.
    ``limit``: a window or qualifier of a heading above the item (``_under_heading``)."""
    criterion: dict = {"id": criterion_id, "kind": node.kind, "text": node.text}
    if node.worded:
        criterion["verbatim"] = False
    if not node.children:
        text = _without_part_label(_item_text(node), in_part)
        criterion["rule"] = _only_for(_leaf_rule(text, node.kind, parse, absent, limit), node.kind,
                                      substudy or _optional(node.text))
        return criterion
    # A group combines its children's verdicts. "Meet any of the following" makes an
    # inclusion group "any"; an exclusion group stays "all" whatever its heading says
    # ("any of the following exclusions" = every one of them must pass); so does an
    # inclusion group asking for the absence of its items ("No ... any of the following:").
    heading = node.text.split("\n", 1)[0]
    absent, substudy = _group_scope(node.kind, node.text, absent, substudy, in_part)
    any_of = node.any_of or any(p.search(heading) for p in load_patterns().criteria["any_of"])
    criterion["combine"] = "any" if any_of and node.kind == "inclusion" and not absent else "all"
    own = None if (absent or substudy or in_part) else _heading_requirement(
        criterion_id, node.kind, criterion["combine"], heading, parse, limit)
    in_part = _in_part(in_part, criterion["combine"], heading)
    limit = limit or _heading_limit(heading)
    criterion["children"] = [*([own] if own else []), *(
        _to_criterion(child, f"{criterion_id}.{n}", parse, absent, substudy, in_part, limit)
        for n, child in enumerate(node.children, start=1))
    ]
    return criterion


def _group_scope(kind: str, text: str, absent: bool, substudy: str | None,
                 in_part: bool) -> tuple[bool, str | None]:
    """What a group's heading makes of its items, the same at import and when read again:
    whether they are absences (an inclusion heading asking for none of the items it
    announces, "No ... any of the following:") and the sub-study or subgroup they hold for
    (``_only_for``), each kept when the groups above already say so."""
    heading = text.split("\n", 1)[0]
    absent = absent or (kind == "inclusion" and bool(load_patterns().criteria["negated_heading"].search(heading))
                        and _announces(heading))
    substudy = substudy or _substudy(text) or _subgroup(heading, kind) or (None if in_part else _part_only(heading))
    return absent, substudy


def _announces(heading: str) -> bool:
    """Whether a group heading announces the items below it ("... any of the following:",
    "No history of:"): a heading that is a whole criterion of its own ("No prior chemotherapy
    for metastatic breast cancer.") over a note does not make its items absences."""
    return load_patterns().criteria["heading_announcement"].search(heading) is not None


def _subgroup(heading: str, kind: str) -> str | None:
    """The heading of an inclusion group for a subgroup of patients ("Patients with HIV are
    only eligible for inclusion if they meet all the following criteria:"), or None: its
    items hold for that subgroup only, as under a sub-study's heading (``_only_for``)."""
    if kind != "inclusion" or not load_patterns().criteria["subgroup_heading"].search(heading):
        return None
    return heading


# the id suffix of the criterion a group heading's own requirement becomes
OWN_SUFFIX = ".0"
# an announcement that is only the heading's closing colon
_LABEL_END = re.compile(r"\s*:\s*\.?\s*")


def _heading_requirement(criterion_id: str, kind: str, combine: str, heading: str,
                         parse: RuleParser, limit: tuple[str, str] | None = None) -> dict | None:
    """The requirement an inclusion group's heading states itself, before the words announcing
    its items ("A man or woman, 30 years of age or above with liver transplantation of at
    least 3 months duration who meets all the following two criteria:"), as a criterion of
    its own (id ``<group>.0``, its text those words), or None when the heading is only an
    announcement or a label the parser cannot read. A heading over items it does not
    announce (a line with indented lines below it, which may be its exceptions: "AST ≤ 3 ×
    ULN" over "≤ 5 × ULN with liver metastases") never decides alone: met, or the team's."""
    if kind != "inclusion" or combine != "all" or _cohort_heading_text(heading) or _part_match(heading):
        return None
    match = load_patterns().criteria["heading_announcement"].search(heading)
    own = (heading[:match.start()] if match else heading).strip(" \t,;:-")
    words = len(own.split())
    label = match is not None and _LABEL_END.fullmatch(match.group(0)) is not None
    if words < 2 or (label and words <= 6) or (words <= 4 and not re.search(r"\d", own)):
        return None  # a label over its items ("Pregnant Women:", "Parkinson's Disease")
    rule = _under_heading(_rule_for(own, kind, parse), kind, limit)
    if review_only(rule) and (match is not None or words < 4 or is_heading(own)):
        return None  # an announcement's subject ("Patients must have adequate organ function")
    if match is None and not review_only(rule):
        note = {"type": "review", "reason": "clinical",
                "note": "The trial team judges it with the lines written under it."}
        rule = {"any": [rule, note]}
    return {"id": criterion_id + OWN_SUFFIX, "kind": kind, "text": own, "rule": rule}


def _cohort_heading_text(heading: str) -> bool:
    """The heading names one cohort's criteria (``cohort_heading``): its words are a label."""
    return load_patterns().criteria["cohort_heading"].search(heading.strip()) is not None


def _without_part_label(text: str, in_part: bool) -> str:
    """The text the parser reads for an item among a study's parts: without the part's label
    ("Cohort 2: Bladder cancer" is "Bladder cancer" there; the label is the alternative
    itself). Elsewhere the label stays, and the parser leaves an item labelled with one
    cohort to the team (``_for_one_cohort``)."""
    match = _part_match(text) if in_part else None
    if match is None or match.group("sep") is None:
        return text
    first, _, rest = text.partition("\n")
    body = first.strip()[match.end():].strip()
    return f"{body}\n{rest}" if rest and body else (body or text)


def _in_part(in_part: bool, combine: str, heading: str) -> bool:
    """Whether the items of a group stand in one part's criteria or among alternatives: an item
    labelled with a part elsewhere ("Phase 2: Active brain metastases" among the exclusions)
    holds only for that part's patients, which is the team's (``_only_for``)."""
    return in_part or combine == "any" or _part_match(heading) is not None


# the comma a list writes after each item ("* gout,", "* osteoporosis (T score < -2.5),"); in
# an inclusion list also "and" ("* ANC >= 1,000/mm^3 AND"): every item is required anyway
_ITEM_COMMA = re.compile(r"\s*,\s*$")
_ITEM_AND = re.compile(r"\s*(?:,\s*)?\b(?:and|AND|And)\s*$")


def _item_text(node: _Node) -> str:
    """The text the parser reads for a leaf: a whole marked item ends where its list's comma
    is, as an item ending with a semicolon does (alone, "gout," reads as the first line of a
    wrapped sentence, left to the team); an inclusion item's closing "and" too (an
    exclusion's may join two conditions into one: kept). The criterion's text stays as
    written."""
    if not node.whole or node.children:
        return node.text
    if node.kind == "inclusion" and _ITEM_AND.search(node.text):
        return _ITEM_AND.sub(";", node.text)
    return _ITEM_COMMA.sub(";", node.text)


def _leaf_rule(text: str, kind: str, parse: RuleParser, absent: bool,
               limit: tuple[str, str] | None = None) -> dict:
    if absent:
        rule = _under_heading(_rule_for(text, "exclusion", parse), "exclusion", limit)
        return rule if review_only(rule) else {"not": rule}
    return _under_heading(_rule_for(text, kind, parse), kind, limit)


def split_lines(lines: list[str], kind: str = "inclusion", parse: RuleParser | None = None) -> list[dict]:
    """Criteria (architecture format, ids ``inc-1``, ``inc-1.2``, ``exc-3``) from lines of text."""
    builder = _Builder(kind)
    for line in lines:
        builder.feed(line)
    builder.close()
    builder.roots = _regroup_parts(builder.roots, None)
    builder.wrap_cohorts()
    parse = parse or default_rule_parser()
    counters = {"inclusion": 0, "exclusion": 0}
    criteria = []
    for node in builder.roots:
        counters[node.kind] += 1
        prefix = "inc" if node.kind == "inclusion" else "exc"
        criteria.append(_to_criterion(node, f"{prefix}-{counters[node.kind]}", parse))
    return with_background_drugs(criteria, parse)


def with_background_drugs(criteria: list[dict], parse: RuleParser | None = None) -> list[dict]:
    """``criteria`` with an exclusion of every medicine for a condition "other than stated in
    the inclusion criteria" read with the inclusion criteria's texts (``nlp.criteria.
    background_drugs``: a therapy leaf of the condition's medicines except the drugs the
    inclusion allows; h172, round 36). Only the compiler's own reading does this (a parser of
    the caller's own reads each line alone); a line it cannot read stays as it was. The
    criteria are changed in place and returned."""
    if parse is not None and getattr(parse, "__wrapped__", parse) is not parse_criterion:
        return criteria     # (a remembering wrapper of the compiler is the compiler: registry.run)
    inclusions = [c["text"] for c in walk(criteria) if c["kind"] == "inclusion" and not c.get("children")]
    for criterion in walk(criteria):
        if criterion["kind"] != "exclusion" or criterion.get("children") or not review_only(criterion.get("rule") or {}):
            continue
        rule = background_rule(_MARKDOWN_ESCAPE.sub(r"\1", criterion["text"]), inclusions)
        if rule is not None and rule_problem(rule) is None:
            criterion["rule"] = rule
    return criteria


def split_criteria(text: str, parse: RuleParser | None = None) -> list[dict]:
    """Criteria from an eligibility text (CT.gov ``eligibilityCriteria`` or a page section)."""
    return split_lines(re.split(r"\r\n|\r|\n", text or ""), parse=parse)


def reread(criteria: list[dict], parse: RuleParser | None = None, absent: bool = False,
           substudy: str | None = None, in_part: bool = False,
           limit: tuple[str, str] | None = None) -> list[dict]:
    """Stored criteria (as ``split_lines`` made them) with every rule read again from its
    text, as a fresh import would read it: groups keep their structure and ``combine``,
    an item under a heading asking for absence is negated again, and what the importer
    wrote itself (the registry's age and sex fields, ``verbatim: false`` without children)
    stays as it is."""
    parse = parse or default_rule_parser()
    out = []
    for criterion in criteria:
        criterion = dict(criterion)
        children = criterion.get("children")
        if children:
            heading = criterion["text"].split("\n", 1)[0]
            kind, combine = criterion["kind"], criterion.get("combine", "all")
            inner, only = _group_scope(kind, criterion["text"], absent, substudy, in_part)
            own = None if (inner or only or in_part) else _heading_requirement(
                criterion["id"], kind, combine, heading, parse, limit)
            items = [c for c in children if c["id"] != criterion["id"] + OWN_SUFFIX]
            criterion["children"] = [*([own] if own else []), *reread(
                items, parse, inner, only, _in_part(in_part, combine, heading), limit or _heading_limit(heading))]
        elif "rule" in criterion and criterion.get("verbatim") is not False:
            text = _without_part_label(criterion["text"], in_part)
            criterion["rule"] = _only_for(_leaf_rule(text, criterion["kind"], parse, absent, limit),
                                          criterion["kind"], substudy or _optional(criterion["text"]))
        out.append(criterion)
    return out


def reader_stamp(parse: RuleParser | None) -> str | None:
    """The criteria reader's version for a record read with ``parse`` (None: a parser of
    the caller's own, whose rules no version describes)."""
    if parse is not None and parse is not parse_criterion:
        return None
    return reader_version()


def demographic_criteria(min_age: tuple[float, str] | None, max_age: tuple[float, str] | None,
                         sex: str | None) -> list[dict]:
    """Age and sex limits from the registry's eligibility fields as criteria (age / sex leaves),
    so matching sees them. ``min_age``/``max_age`` are (years, the value as written)."""
    criteria = []
    if min_age or max_age:
        if min_age and max_age:
            text = f"Ages eligible for study: {min_age[1]} to {max_age[1]}"
        elif min_age:
            text = f"Ages eligible for study: {min_age[1]} and older"
        else:
            text = f"Ages eligible for study: up to {max_age[1]}"  # type: ignore[index]
        # an age leaf reads whole years (docs/rule-language.md): a limit in months, weeks or
        # days is rounded down, so a patient of 4 months (age 0) meets "3 Months" (min 0) and
        # nobody is excluded for a fraction of a year; the criterion is kept even then, so
        # that the fractional registry field is not applied on its own
        rule: dict = {"type": "age"}
        if min_age:
            rule["min"] = math.floor(min_age[0])
        if max_age:
            rule["max"] = math.floor(max_age[0])
        rule = _part_years(rule, min_age, max_age)
        criteria.append({"id": "inc-age", "kind": "inclusion", "text": text, "verbatim": False, "rule": rule,
                         "note": "from the registry's eligibility fields (minimum/maximum age)"})
    if sex in ("FEMALE", "MALE"):
        criteria.append({"id": "inc-sex", "kind": "inclusion", "verbatim": False,
                         "text": f"Sexes eligible for study: {sex.title()}",
                         "rule": {"type": "sex", "allowed": [sex.lower()]},
                         "note": "from the registry's eligibility field (sex)"})
    return criteria


def _part_years(rule: dict, min_age: tuple[float, str] | None, max_age: tuple[float, str] | None) -> dict:
    """A limit in part of a year ("30 Months" = 2.5 years, "18 Months" = 1.5): the whole-year
    leaf admits the year it falls in, where the patient may be either side of the limit,
    so that year is the team's. "30 Months to 18 Years": all[age 2-18, any[age >= 3,
    review]] (a 2-year-old is for the team, a 1-year-old fails); "up to 18 Months":
    all[age <= 1, any[age <= 0, review]]; "up to 6 Months": all[age <= 0, review]."""
    parts = [rule]
    for limit, which in ((min_age, "minimum"), (max_age, "maximum")):
        if not limit or float(limit[0]).is_integer():
            continue
        note = {"type": "review", "reason": "clinical", "note": f"The trial team judges: \"{which} age {limit[1]}\"."}
        year = math.floor(limit[0])
        if which == "minimum":
            parts.append({"any": [{"type": "age", "min": year + 1}, note]})
        elif year >= 1:
            parts.append({"any": [{"type": "age", "max": year - 1}, note]})
        else:
            parts.append(note)          # age 0 is the only year admitted, and part of it is too old
    return rule if len(parts) == 1 else {"all": parts}


def with_demographics(criteria: list[dict], demographics: list[dict]) -> list[dict]:
    """``criteria`` with the age/sex criteria placed after the last inclusion criterion."""
    position = max((i + 1 for i, c in enumerate(criteria) if c["kind"] == "inclusion"), default=0)
    taken = {c["id"] for c in criteria}
    extra = [c for c in demographics if c["id"] not in taken]
    return criteria[:position] + extra + criteria[position:]


def walk(criteria: list[dict]):
    """Every criterion of a list, parents before children."""
    for criterion in criteria:
        yield criterion
        yield from walk(criterion.get("children", []))
