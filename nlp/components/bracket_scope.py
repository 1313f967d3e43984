"""A ConText cue written inside brackets reaches nothing after the closing bracket: "lupus
(SLE) dx in 2018 (kidneys involved?) on mmf" hedges the kidneys, not the MMF. Brackets add a
remark to what comes before them ("MMF (stopped 2019)", "anti-dsDNA (negative)"), so a cue
inside keeps what it says about the words before and inside; only its reach past the
closing bracket is cut, for the cues that change whether a thing is so (a hedge, a negation,
a hypothesis): a time cue may run on through a list ("MMF (stopped 2022), azathioprine -
deranged LFTs": both stopped). Runs right after ConText (nlp/pipeline.py)."""
from __future__ import annotations

BRACKET_SCOPE_PIPE = "trialbot_bracket_scope"
ASSERTION_CATEGORIES = frozenset({"POSSIBLE_EXISTENCE", "HYPOTHETICAL", "NEGATED_EXISTENCE"})


def bracket_scope(doc):
    """Drop, from each entity, the assertion cues that sit inside a bracket closed before it."""
    if not doc.ents or "(" not in doc.text:
        return doc
    closes = _closing_brackets(doc)
    if not closes:
        return doc
    graph = getattr(doc._, "context_graph", None)
    for ent in doc.ents:
        modifiers = ent._.modifiers
        if not modifiers:
            continue
        kept = tuple(m for m in modifiers if m.category not in ASSERTION_CATEGORIES
                     or not _closed_before(m.modifier_span, closes, ent.start))
        if len(kept) != len(modifiers):
            ent._.modifiers = kept
            if graph is not None:
                graph.edges = [(t, m) for t, m in graph.edges if t != ent or m in kept]
    return doc


def _closing_brackets(doc) -> dict[int, int]:
    """token index of each "(" -> index of the ")" that closes it."""
    opened, pairs = [], {}
    for token in doc:
        if token.text == "(":
            opened.append(token.i)
        elif token.text == ")" and opened:
            pairs[opened.pop()] = token.i
    return pairs


def _closed_before(span: tuple[int, int], closes: dict[int, int], target: int) -> bool:
    """The cue at ``span`` lies inside a bracket pair whose ")" comes before token ``target``."""
    start, end = span
    return any(open_ < start and end <= close < target for open_, close in closes.items())
