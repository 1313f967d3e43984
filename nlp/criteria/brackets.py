"""Brackets, examples, exceptions and elided words, for the criteria parser's reader.

* A bracket is read by what it starts with: "(or ...)" is an alternative; "(except ...)"
  an exception (also after a method: "(Cockcroft-Gault formula, except for ...)"); a method
  ("(confirmed by ...)") is dropped; "(such as ...)" gives examples; an abbreviation of the
  words before it ("Eastern Cooperative Oncology Group (ECOG)") or the same fact again
  ("hepatitis B surface antigen (HBsAg)") is dropped; anything else with facts is one more
  requirement, and words without facts a restriction the team reads.
* Examples the concept before them covers by is-a are dropped ("heart disease such as
  arrhythmia"); examples of a head the parser did not read stand for it, with a review.
* An exception naming kinds of a drug or infection becomes the leaf's ``except`` list; one
  naming the same concept cannot be taken out (review); any other is an exemption.
* A word that shares the head noun of the next fact ("fungal, bacterial or other
  infections") or the modifier of the one before ("hepatitis B or C") names a concept.
"""
from __future__ import annotations

import re

from nlp.criteria.atoms import Atom, elided_atom, restates_bound
from nlp.criteria.abbreviations import abbreviates, long_form_start
from nlp.criteria.elements import El
from nlp.criteria.nodes import (
    TEAM_REASONS, Chunk, Node, SubgroupThreshold, atom_nodes, atoms_in, is_content, is_cue, node_span, only_atoms,
)

_METHOD_WORDS = ("formula", "cockcroft")
# a kind named by a Roman number ("(type I or II)", "(class III-IV)"): Roman numbers are no
# content words elsewhere, so such a bracket was dropped in silence (round 28, h134)
_ROMAN_KIND = re.compile(r"\b(?:type|class|grade|stage)s?\s+(?:[ivx]{1,4})\b", re.IGNORECASE)
_THRESHOLD = re.compile(r"[<>≤≥]=?\s*\d|\d\s*(?:[x×*]|times)\s*(?:the\s+)?(?:ULN|upper limit)", re.IGNORECASE)


def read_bracket(reader, chunk: Chunk, el: El, inner: list[El] | None = None) -> None:
    """Read one bracket of ``chunk`` into the chunk's alternatives, exceptions, extra
    requirements, reviews or unread words."""
    inner = el.children if inner is None else inner
    if not inner:
        return
    first = inner[0]
    before = [a for a in chunk.atoms if a.end <= el.start]
    if is_cue(first, "connectors_or"):
        node = reader.read(inner[1:])
        if node is not None:
            chunk.alternatives.append(node)
        return
    cut = next((i for i, e in enumerate(inner) if is_cue(e, "exception")), None)
    if cut is not None:
        node = reader.read(inner[cut + 1:])
        text = reader.text[inner[cut].start:inner[-1].end]
        node = node if node is not None else ("review", "clinical", text)
        if cut + 1 < len(inner):
            reader.exception_spans[id(node)] = (inner[cut + 1].start, inner[-1].end)
        chunk.exceptions.append(node)
        if cut:
            read_bracket(reader, chunk, el, inner[:cut])
        return
    if is_cue(first, "ignore") or (first.kind == "word" and first.value.lower() in _METHOD_WORDS):
        return
    inner_atoms = list(atoms_in(inner))
    bracket_text = reader.text[el.start:el.end]
    if before and before[-1].label in ("PROCEDURE", "DRUG") and reader.cues.search("purpose_bracket", bracket_text):
        return  # "dialysis (including for acute kidney injury)": what it was for, any purpose counts
    if not inner_atoms and before and restates_bound(before[-1], bracket_text[1:-1]):
        return  # the same threshold in another unit
    if not inner_atoms and before and before[-1].label == "LAB" and _restates_unit(reader, before[-1], el, bracket_text):
        return  # "eGFR < 45 mL/min/1.73m2 (mL/min/1.73m2)": the unit written again
    if (not inner_atoms and before and before[-1].concept == "lactating"
            and any(p.fullmatch(bracket_text[1:-1].strip()) for p in reader.cues.patterns.get("lactation_words", ()))):
        return  # "lactating (nursing)": the same word again
    if _THRESHOLD.search(bracket_text) and not any(a.label in ("LAB", "SCORE", "AGE") for a in inner_atoms):
        # "bilirubin ≤ 1.5 × ULN (≤ 3 × ULN for Gilbert syndrome)", "(≤ 5 × ULN if liver
        # metastases)": another threshold for some patients; whether it applies is the team's
        # for the whole clause ("ALT or AST > 2.5 × ULN (...)"); read when it names one condition
        reader.threshold_brackets.append(subgroup_threshold(reader, el, inner_atoms) or bracket_text)
        return
    cut = next((i for i, e in enumerate(inner) if i and is_cue(e, "examples")), None)
    if cut is not None and before and _kinds_of_head(reader, before[-1], inner[:cut]):
        # round 38 (h184): "active infections (bacterial, fungal or viral, including human
        # immunodeficiency virus positive)": kinds of the fact before the bracket, then its examples;
        # the kinds restate the fact (each with its head noun is it or a kind of it), the examples
        # are read as a bracket of examples (read whole, the bracket had been a second requirement).
        # Round 39 (h189): after a negated fact ("No active infections (bacterial, fungal or viral,
        # including HIV)") the examples are negated with it (the negation's words do not reach
        # past the kinds, so the examples read here are negated as the fact is)
        head_negated = bool(before[-1].negated or before[-1].mods.get("negated"))
        _bracket_examples(reader, chunk, inner[cut:], before, negate=head_negated)
        return
    if (is_cue(first, "examples") or (inner_atoms and all(a.mods.get("example") for a in inner_atoms))
            or (len(inner_atoms) > 2 and all(a.label == "DRUG" for a in inner_atoms) and "," in bracket_text)):
        # a list of drugs in a bracket names kinds of what stands before it ("standard
        # anti-diabetic agents (metformin, DPP-4 inhibitors, sulphonylureas or insulin, in any
        # combination)"): examples, any of them, never all required
        _bracket_examples(reader, chunk, inner, before)
        return
    if inner_atoms and before and all(a.concept == before[-1].concept for a in inner_atoms):
        return
    if not inner_atoms and _abbreviation(reader, chunk, el, inner):
        if not chunk.atoms and not _filler_name(reader, el, inner):
            # "Aspartate aminotransferase (AST), ALT ≤ 2.5 × ULN": a name the parser did
            # not read as a fact is still something the line asks about
            chunk.content.append(bracket_text)
        return
    node = reader.read(inner)
    if node is not None and _tests_of(reader, before, inner_atoms):
        # round 31 (h149): "active Hepatitis B (defined as HBsAg positive and/or detectable HBV
        # DNA)", "hepatitis C infection (HCV antibody +ve)": the bracket's tests of the same
        # virus say what the infection before it is; the infection's own leaf (active) is no
        # second requirement beside them
        before[-1].mods["defined_by_tests"] = True
        chunk.extra.append(node)
        return
    if node is None:
        if not inner_atoms and _ROMAN_KIND.search(bracket_text):
            chunk.content.append(bracket_text)      # "Diabetes Mellitus (type I or II)": which kinds?
        return
    if inner_atoms:
        chunk.extra.append(node)
    elif node[0] == "review" and node[1] in TEAM_REASONS:
        chunk.reviews.append((node[1], node[2]))
    else:
        words = [e.value for e in inner if e.kind == "word" and is_content(e.value, reader.cues)]
        chunk.content.extend(words or [reader.text[el.start:el.end]])
        if any(is_cue(e, "review:clinical") for e in inner) or node[1] == "clinical":
            chunk.clinical = True


def _kinds_of_head(reader, head: Atom, els: list[El]) -> bool:
    """Every element a comma, a connector or a word that, with the head noun of ``head``, names
    ``head``'s concept or a kind of it ("bacterial" of "active infections": bacterial infection);
    at least one such word."""
    words = [e for e in els if e.kind == "word" and is_content(e.value, reader.cues)]
    if not words or any(e.kind not in ("word", "conn", "cue") or (e.kind == "cue" and not is_cue(e, "connectors_or")
                                                                    and not is_cue(e, "connectors_and"))
                        for e in els):
        return False
    for word in words:
        kind = elided_atom([(word.start, word.end, word.value)], head, after=True)
        if kind is None or not reader.terminology.is_a(kind.concept, head.concept):
            return False
    for word in words:
        word.used = True
    return True


def _tests_of(reader, before: list[Atom], inner_atoms: list[Atom]) -> bool:
    """Whether a bracket's facts are all tests (markers) of the infection just before it:
    every one an infection below the one named before ("HBsAg", "HBV DNA" of hepatitis B)."""
    if not before or before[-1].label != "INFECTION" or not inner_atoms:
        return False
    agent = before[-1].concept
    return all(a.label == "INFECTION" and a.concept != agent and not a.negated
               and reader.terminology.is_a(a.concept, agent) for a in inner_atoms)


def _restates_unit(reader, lab: Atom, el: El, bracket_text: str) -> bool:
    """The bracket right after a value writes its unit again, as the value's words have it."""
    unit = "".join(bracket_text[1:-1].split()).lower()
    between = reader.text[lab.end:el.start]
    return (0 < len(unit) <= 20 and any(ch.isalpha() for ch in unit) and not between.strip(" ,")
            and unit in "".join(reader.text[lab.start:lab.end].split()).lower())


_OPS = {"≤": "<=", "<=": "<=", "<": "<", "≥": ">=", ">=": ">=", ">": ">", "less than or equal to": "<=",
        "less than": "<", "greater than or equal to": ">=", "greater than": ">", "more than": ">"}


def subgroup_threshold(reader, el: El, inner_atoms: list[Atom]) -> SubgroupThreshold | None:
    """"(≤ 5 × ULN if known liver metastases)": the bracket as another threshold for the
    patients one condition names, when that is all it says (the condition's words are one
    fact, not negated); None otherwise."""
    inner = reader.text[el.start + 1:el.end - 1]
    for pattern in reader.cues.patterns.get("subgroup_threshold", ()):
        match = pattern.fullmatch(inner.strip())
        if match is None:
            continue
        offset = el.start + 1 + (len(inner) - len(inner.lstrip()))
        start, end = offset + match.start("cond"), offset + match.end("cond")
        conditions = [a for a in inner_atoms if a.label == "CONDITION"]
        if (len(inner_atoms) != 1 or len(conditions) != 1 or conditions[0].negated
                or conditions[0].start > start or conditions[0].end < end):
            return None
        return SubgroupThreshold(reader.text[el.start:el.end], el.start, _OPS[match.group("op").lower()],
                                 float(match.group("n")), conditions[0])
    return None


def _bracket_examples(reader, chunk: Chunk, inner: list[El], before: list[Atom], negate: bool = False) -> None:
    examples = list(atoms_in(inner))
    if not examples and is_cue(inner[0], "examples"):
        # "(including leptomeningeal involvement)" with nothing read: what it adds is unread,
        # never dropped in silence (round 28, h134)
        words = [e.value for e in inner[1:] if e.kind == "word" and is_content(e.value, reader.cues)]
        chunk.content.extend(words)
        return
    if all(any(covers(reader, b, a) for b in before) for a in examples):
        return
    node = reader.read(inner[1:] if is_cue(inner[0], "examples") else inner, "or")
    if node is not None and negate and not any(a.negated or a.mods.get("negated") for _, a in atom_nodes(node)):
        node = ("not", node)    # the examples of a negated fact, negated with it (round 39)
    if node is not None:  # examples of a head the parser did not read: any of them, or review
        chunk.alternatives.append(("any", [node, ("review", "clinical", reader.text[inner[0].start:inner[-1].end])]))


def _filler_name(reader, el: El, inner: list[El]) -> bool:
    """The abbreviation in the bracket and its long form before it are filler words only
    (round 33, h159: "by CT or magnetic resonance imaging (MRI)": how a finding was seen);
    "estrogen receptor (ER)", "World Health Organization (WHO)" name something."""
    words = [e.value for e in inner if e.kind == "word"]
    if len(words) != 1 or words[0].lower() not in reader.cues.filler_words:
        return False
    start = long_form_start(words[0], reader.text, el.start, max(0, el.start - 80))
    return start is not None and all(w.lower() in reader.cues.filler_words
                                     for w in re.findall(r"[A-Za-z]+", reader.text[start:el.start]))


def _abbreviation(reader, chunk: Chunk, el: El, inner: list[El]) -> bool:
    """'(ECOG)' after its long form (whose words are then read), or '(New York Heart
    Association)' after 'NYHA'."""
    text = reader.text
    words = [e for e in inner if e.kind == "word"]
    if len(inner) == 1 and len(words) == 1:
        start = long_form_start(words[0].value, text, el.start, max(0, el.start - 80))
        if start is None:
            return False
        for other in chunk.els:
            if other.kind == "word" and start <= other.start < el.start:
                other.used = True
        # "British Isles Lupus Assessment Group Index (BILAG)": "Lupus" is part of a name
        chunk.atoms = [a for a in chunk.atoms if not (start <= a.start and a.end <= el.start)]
        return True
    previous = text[max(0, el.start - 15):el.start].split()
    return bool(previous) and len(words) == len(inner) and abbreviates(previous[-1], text[el.start + 1:el.end - 1])


def covers(reader, head: Atom, example: Atom) -> bool:
    """The example is a kind of the head's concept, or of the status concept the head is read
    as ("symptomatic brain metastases (including leptomeningeal disease)": leptomeningeal
    disease is a kind of brain metastases, not of symptomatic ones; round 28, h134)."""
    if head.label != example.label:
        return False
    words = {" ".join(w.lower().split()) for w in head.mods.get("qualifier_words", ())}
    statuses = (reader.cues.status_concepts or {}).get(head.concept, {})
    narrowed = {statuses[w] for w in words if w in statuses}
    concept = next(iter(narrowed)) if len(narrowed) == 1 else head.concept
    return reader.terminology.is_a(example.concept, concept)


def mark_examples(reader, els: list[El]) -> None:
    """'severe heart diseases such as severe arrhythmia': examples the concept before them
    covers are marked and left out."""
    for i, el in enumerate(els):
        if not is_cue(el, "examples") or is_cue(el, "exception"):
            continue
        before = list(atoms_in(els[:i]))
        for later in atoms_in(els[i + 1:]):
            if any(covers(reader, b, later) for b in before):
                later.mods["example"] = True


def exempt(reader, main: Node, exception: Node | None, targets) -> Node:
    """'X except Y': Y names kinds of X that do not count (the leaf's ``except``), or
    patients the rule does not apply to (an exemption node)."""
    if exception is None:
        return main
    terminology = reader.terminology
    excepted = [a for _, a in atom_nodes(exception)]
    for target in targets:
        same = [e for e in excepted if e.label == target.label and e.label not in ("LAB", "SCORE")]
        if any(e.concept == target.concept or terminology.is_a(target.concept, e.concept) for e in same):
            # "malignancy, except basal cell carcinoma" (read as malignancy): the language
            # cannot take the exception out; the trial team does
            end = (node_span(exception) or (0, len(reader.text)))[1]
            target.mods.setdefault("qualified", ("clinical", reader.text[target.start:end]))
            return main
        if target.label == "CONDITION" and reader.kind == "exclusion" and _kinds_of(reader, target, excepted):
            # "malignancy within 5 years other than basal cell carcinoma": kinds the leaf's
            # ``except`` takes out (an exclusion only: what an inclusion's "except" lets in
            # is an exemption, read below); "adequately treated basal cell carcinoma": taken
            # out, and one that may not be adequately treated is the team's
            unread = _unread(reader, exception)
            if unread is not None and not unread and only_atoms(exception):
                target.mods.setdefault("except", []).extend(e.concept for e in excepted)
                return main
            if unread and all(w.lower() in reader.cues.exception_qualifiers for w in unread):
                target.mods.setdefault("except", []).extend(e.concept for e in excepted)
                span = reader.exception_spans[id(exception)]
                return ("any", [main, ("all", [("any", [("atom", e) for e in excepted]) if len(excepted) > 1
                                               else ("atom", excepted[0]),
                                               ("review", "clinical", reader.text[span[0]:span[1]])])])
        if (target.label in ("DRUG", "INFECTION") and only_atoms(exception) and same and len(same) == len(excepted)
                and not any(e.negated or e.mods.get("negated") for e in excepted)   # "unless HBV DNA is undetectable": a result
                and all(terminology.is_a(e.concept, target.concept) for e in excepted)):
            target.mods.setdefault("except", []).extend(e.concept for e in excepted)
            return main
    return ("exempt", main, exception)


def _kinds_of(reader, target: Atom, excepted: list[Atom]) -> bool:
    """Every exception a narrower kind of the target condition, stated (not negated), and the
    target itself not negated."""
    is_a = reader.terminology.is_a
    return (bool(excepted) and not (target.negated or target.mods.get("negated"))
            and all(e.label == "CONDITION" and e.concept != target.concept and is_a(e.concept, target.concept)
                    and not (e.negated or e.mods.get("negated")) for e in excepted))


_WORDS = re.compile(r"[A-Za-z][\w'’-]*|\d+(?:[.,]\d+)?")


def _unread(reader, exception: Node) -> list[str] | None:
    """The words of the exception that are neither its facts nor filler (None when its words
    are not known): "carcinoma in situ of the cervix" read as carcinoma, or "superficial
    basal cell carcinoma" as basal cell carcinoma, would take out more than the text does."""
    span = reader.exception_spans.get(id(exception))
    if span is None:
        return None
    text = list(reader.text[span[0]:span[1]])
    for _, atom in atom_nodes(exception):
        for i in range(max(atom.start, span[0]), min(atom.end, span[1])):
            text[i - span[0]] = " "
    return [w for w in _WORDS.findall("".join(text))
            if is_content(w, reader.cues) or w.lower() in reader.cues.exception_limits]


def elide(reader, chunks: list[Chunk]) -> None:
    """A chunk of one or two words (besides filler) between facts may share their head noun
    ('fungal, bacterial, viral or other infections') or modifier ('hepatitis B or C')."""
    lone: dict[int, list[El]] = {}
    for i, chunk in enumerate(chunks):
        if not chunk.atoms:
            chunk.els = [_number_word(e) for e in chunk.els]
        # content words, and single letters or numbers ("hepatitis B or C", "type 1 or 2")
        words = [e for e in chunk.els if e.kind == "word" and (is_content(e.value, reader.cues) or len(e.value) == 1)]
        if not chunk.atoms and len(words) <= 2 and _words_after_a_time_cue(chunk.els, reader.cues):
            lone[i] = words
        elif i > 0 and chunks[i - 1].atoms:
            _elided_head(reader, chunks[i - 1].atoms[-1], chunk)
    for i, words in lone.items():
        after = next((j for j in range(i + 1, len(chunks)) if j not in lone), None)
        if not words:
            _filler_modifier(chunks, i, after)
            continue
        # "allogeneic tissue/solid organ transplant": a modifier word that is filler alone
        # ("tissue", "cell", "marrow") still narrows the shared name ("allogeneic tissue
        # transplant" is no allogeneic stem cell transplant)
        spans = [(e.start, e.end, e.value) for e in chunks[i].els
                 if e.kind == "word" and (e in words or _name_modifier(reader, e.value))]
        before = next((j for j in range(i - 1, -1, -1) if j not in lone), None)
        atom = None
        if after is not None and chunks[after].atoms:
            atom = elided_atom(spans, chunks[after].atoms[0], after=True)
        if atom is None and before is not None and chunks[before].atoms:
            atom = elided_atom(spans, chunks[before].atoms[-1], after=False)
            if atom is not None:
                atom.shares = chunks[before].atoms[-1]
        if atom is None:
            atom = _lactation(reader, chunks, i, before, after, words)
        if atom is not None:
            for word in words:
                word.used = True
            chunks[i].atoms.append(atom)
            chunks[i].els.append(El("atom", atom.start, atom.end, atom))
        elif before is not None and chunks[before].atoms and any(len(w.value) == 1 and w.value.isalpha() for w in words):
            # "hepatitis B or X": a letter that names no item read is an alternative unread
            chunks[i].content.extend(w.value for w in words)


def _number_word(el: El) -> El:
    """'Type 1 or type 2 diabetes': a lone digit read as a count cue, in a chunk with no
    fact, is a word of a name that may share the next fact's head noun."""
    if el.kind == "cue" and set(el.value.sections) == {"count"} and re.fullmatch(r"\d", el.value.match.group(0)):
        return El("word", el.start, el.end, el.value.match.group(0))
    return el


def _name_modifier(reader, word: str) -> bool:
    return any(p.fullmatch(word) for p in reader.cues.patterns.get("name_modifiers", ()))


def _filler_modifier(chunks: list[Chunk], i: int, after: int | None) -> None:
    """'Drug or alcohol abuse': a word that is filler alone ("drug") but names a concept with
    the head noun of the next fact ("drug abuse") is that concept (it had been dropped as
    filler: "drug or alcohol abuse" was alcohol abuse only, a drug use disorder let through)."""
    plain = [e for e in chunks[i].els if e.kind == "word"]
    if len(plain) != 1 or after is None or not chunks[after].atoms:
        return
    atom = elided_atom([(plain[0].start, plain[0].end, plain[0].value)], chunks[after].atoms[0], after=True)
    if atom is not None:
        plain[0].used = True
        chunks[i].atoms.append(atom)
        chunks[i].els.append(El("atom", atom.start, atom.end, atom))


# cues that may open a lone chunk and still leave its words to share the next fact's head
# noun ("History of alcohol or drug abuse": "alcohol" is alcohol abuse, the history cue then
# applies to both as it does to any list after it)
_LEADING_CUES = frozenset({"history", "current"})


def _article(el: El) -> bool:
    """"a" / "an" read as a count of one ("Have a history of chronic or acute pancreatitis"):
    an article before the history cue, no count (round 39, h189)."""
    return (el.kind == "cue" and set(el.value.sections) == {"count"}
            and el.value.match.group(0).lower() in ("a", "an"))


def _words_after_a_time_cue(els: list[El], cues) -> bool:
    """Only words, after at most one history / current cue at the chunk's start (filler words
    may stand before it: "Any history of alcohol or drug abuse")."""
    lead = 0
    while lead < len(els) and (_article(els[lead]) or (
            els[lead].kind == "word" and not is_content(els[lead].value, cues) and len(els[lead].value) > 1)):
        lead += 1
    if lead < len(els) and els[lead].kind == "cue":
        els = els[lead:]
    # ("Current" is also an infection's state cue: still a leading time cue)
    start = 1 if els and els[0].kind == "cue" and set(els[0].value.sections) - {"infection_active"} <= _LEADING_CUES \
        and set(els[0].value.sections) & _LEADING_CUES else 0
    return all(e.kind == "word" for e in els[start:])


def _lactation(reader, chunks: list[Chunk], i: int, before: int | None, after: int | None,
               words: list[El]) -> Atom | None:
    """'pregnant or nursing (women)': a breastfeeding word listed with a pregnancy is
    lactation (``lactation_words``); alone it is not read."""
    neighbours = [chunks[j].atoms for j in (before, after) if j is not None]
    if not any(a.label == "PREGNANCY" for atoms in neighbours for a in atoms):
        return None
    start, end = words[0].start, words[-1].end
    phrase = reader.text[start:end]
    if not any(p.fullmatch(phrase) for p in reader.cues.patterns.get("lactation_words", ())):
        return None
    return Atom(start, end, "PREGNANCY", "lactating", phrase)


def _elided_head(reader, previous: Atom, chunk: Chunk) -> None:
    """'hepatitis B or C infection': the generic "infection" after a lone letter is the
    head noun of "hepatitis C", not any infection."""
    head = next((i for i, e in enumerate(chunk.els) if e.kind == "atom"), None)
    if head is None or head == 0 or head > 2 or not all(e.kind == "word" for e in chunk.els[:head]):
        return
    generic = chunk.els[head].value
    if generic.concept != "active_infection" or generic.text.lower() not in ("infection", "infections"):
        return
    words = chunk.els[:head]
    atom = elided_atom([(e.start, e.end, e.value) for e in words], previous, after=False)
    if atom is None:
        return
    atom.end = generic.end
    chunk.atoms = [atom if a is generic else a for a in chunk.atoms]
    chunk.els = [El("atom", atom.start, atom.end, atom)] + chunk.els[head + 1:]
