"""medspaCy ConText with our rules (``data/context_rules.json``).

ConText gives each fact span its modifiers: negation, uncertainty, history, hypothesis and
family (the standard categories, which set ``is_negated`` and friends), plus our own
categories read by ``nlp.components.status``: therapy outcome (THERAPY_FAILED,
THERAPY_INTOLERANT, THERAPY_CURRENT) and results (RESULT_POSITIVE, INFECTION_ACTIVE).
The rules are loaded through ``nlp.resources`` (validated; ``terminated_by`` supported,
which medspaCy's own JSON reader does not accept). A negation rule with metadata
``{"past": true}`` ("never had", "has not received") speaks about all of the past: the
fact it negates is also historical (``past_negation``).

A comma ends a negation's scope (a TERMINATE rule), so "No HIV, lupus since 2015" does not
negate lupus. Lists keep their negation through ``coordinated_negation``: a fact right
after a negated fact of the same label, joined only by commas, slashes, "or", "and" or
"nor" ("no HIV, HBV or HCV"), is negated with it; after a list cue ("negative for", "no
evidence of", "denies") an "and" list is too ("negative for lupus, vasculitis and
sarcoidosis").
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from functools import lru_cache
from typing import Iterator

from spacy.language import Language

from nlp.components.disease_status import is_status_span
from nlp.components.doc_cache import doc_text, doc_value, sentence_index, span_value
from nlp.components.status import across_comma, result_of_test, said_of_a_later_subject
from nlp.resources import alternation, context_rules, vocabulary, vocabulary_words

CONTEXT_PIPE = "medspacy_context"


def _rule(raw: dict, rule_class):
    return rule_class(
        literal=raw["literal"],
        category=raw["category"],
        pattern=raw.get("pattern"),
        direction=raw["direction"],
        allowed_types=set(raw["allowed_types"]) if raw.get("allowed_types") else None,
        excluded_types=set(raw["excluded_types"]) if raw.get("excluded_types") else None,
        max_scope=raw.get("max_scope"),
        max_targets=raw.get("max_targets"),
        terminated_by=set(raw["terminated_by"]) if raw.get("terminated_by") else None,
        metadata=raw.get("metadata"),
    )


def categories(span) -> set[str]:
    """The ConText categories of a fact span. A rule may name its category per fact label
    (``"metadata": {"category_for": {"DRUG": "HYPOTHETICAL"}}``): "screening for TB" is a
    possible disease, "evaluation for CAR-T" a treatment considered (one literal, one rule:
    two rules on one literal would leave one of them silently unused)."""
    found = set()
    for m in span_value(span, "modifiers"):
        if (not _terminated(span, m) and not _in_remark_of_another(span, m) and not _awaited_resolution(span, m)
                and not said_of_a_later_subject(span, m)):
            found.add(((m.rule.metadata or {}).get("category_for") or {}).get(span.label_, m.category))
    return found


def _terminated(span, modifier) -> bool:
    """A cue of a category that ends this modifier's scope (``terminated_by``) written
    between the modifier and the span. medspaCy 1.3.1 ends a scope only when the two cues'
    scopes overlap by its ``tuple_overlaps``, which misses a scope that holds the other whole:
    "Prior infliximab and adalimumab, currently ustekinumab" kept ustekinumab under
    "prior". (Fixing that test in medspaCy itself changes how cues of one category merge
    too; this reads only the termination.)"""
    ends = modifier.rule.terminated_by
    if not ends or result_of_test(span, modifier):
        return False    # (a test's result after its clause's comma: "tested for hep C last year, came back negative")
    graph = doc_value(span.doc, "context_graph", None)
    if graph is None:
        return False
    start, end = modifier.modifier_span
    if end <= span.start:
        low, high = end, span.start
    elif span.end <= start:
        low, high = span.end, start
    else:
        return False
    return any(other.category.upper() in ends and low <= other.modifier_span[0] and other.modifier_span[1] <= high
               for other in graph.modifiers if other is not modifier)


def _awaited_resolution(span, modifier) -> bool:
    """A resolution waited for ("restart methotrexate once the infection has resolved", "until
    the infection has cleared"; ``awaited_resolution`` in extraction.yaml): the illness is
    there now, its resolution is to come, so the resolution's past cue says nothing of it
    (h136, round 29)."""
    if modifier.category != "HISTORICAL":
        return False
    words = vocabulary().get("awaited_resolution") or {}
    doc = span.doc
    start, end = modifier.modifier_span
    if start < span.end or not any(t.lower_ in (words.get("words") or ()) for t in doc[start:end]):
        return False
    openers = frozenset(str(w).lower() for w in words.get("openers") or ())
    return any(t.lower_ in openers for t in doc[max(0, span.start - 3):span.start])


# a bracket opened right after a treatment: its remark ("alendronic acid (stopped 2023)")
_REMARK_OPEN = re.compile(r"[^\S\n]{0,2}(?:\d+(?:[.,]\d+)?[^\S\n]?[a-zA-Z/]{1,6}[^\S\n]{0,2})?\($")


def _in_remark_of_another(span, modifier) -> bool:
    """A cue inside a bracket opened right after another mention is that mention's remark: it
    says nothing of a mention before it ("Medications: edoxaban, levothyroxine, alendronic acid
    (stopped 2023)"), nor of one after it that is dosed as taken now or of another kind
    ("clopidogrel (discontinued 2016), insulin glargine 20 units nocte", "former smoker (quit
    2010) and drinks alcohol"); a list of treatments after it runs on ("MMF (stopped 2022),
    azathioprine - deranged LFTs": lead, round 19). h136, round 29."""
    doc = span.doc
    text = doc_text(doc)
    start, end = modifier.modifier_span
    if start >= len(doc):
        return False
    cue_char = doc[start].idx
    line_start = text.rfind("\n", 0, cue_char) + 1
    opening = text.rfind("(", line_start, cue_char)
    if opening < 0 or ")" in text[opening:cue_char]:
        return False        # the cue is in no bracket
    closing = text.find(")", cue_char)
    if closing < 0 or (opening < span.start_char and span.end_char <= closing + 1):
        return False        # the span is inside the same bracket
    owner = next((e for e in doc.ents if e.end_char <= opening
                  and _REMARK_OPEN.fullmatch(text[e.end_char:opening + 1])), None)
    if owner is None or owner == span:
        return False
    if span.end_char <= owner.start_char:
        if _resolution_of_a_harm(span, modifier, owner, text):
            return False    # "Peripheral neuropathy after brentuximab (resolved)": the harm resolved
        return True         # "levothyroxine, alendronic acid (stopped 2023)": not the levothyroxine's
    # after the bracket a list runs on ("MMF (stopped 2022), azathioprine - deranged LFTs"), but
    # not to an item dosed as taken now ("clopidogrel (discontinued 2016), insulin glargine 20
    # units nocte") nor to a mention of another kind ("former smoker (quit 2010) and drinks alcohol")
    if span.label_ not in ("DRUG", "PROCEDURE"):
        return True
    return any(m.category == "THERAPY_DOSE" for m in span._.modifiers)


@lru_cache(maxsize=1)
def _harm_cause() -> tuple[frozenset[str], re.Pattern | None]:
    section = vocabulary().get("harm_remark") or {}
    cues = frozenset(str(w).lower() for w in section.get("resolution_cues") or ())
    words = section.get("cause_words") or ()
    cause = re.compile(r"(?:[^\S\n]+[\w-]{1,12}){0,3}?[^\S\n]+(?:%s)[^\S\n]+" % alternation(words),
                       re.IGNORECASE) if words else None
    return cues, cause


def _resolution_of_a_harm(span, modifier, owner, text: str) -> bool:
    """A resolution in the bracket after the treatment that caused the condition before it
    ("Peripheral neuropathy grade 2 after brentuximab (resolved)", "neutropenia from
    azathioprine (recovered)"): the remark is the harm's too (``harm_remark`` in
    data/nlp/extraction.yaml; h146, round 31). Only a resolution: a stop in the bracket
    ("ILD on methotrexate (stopped 2020)") stays the treatment's."""
    cues, cause = _harm_cause()
    if (cause is None or span.label_ not in ("CONDITION", "INFECTION") or owner.label_ not in ("DRUG", "PROCEDURE")
            or modifier.category != "HISTORICAL" or modifier.rule.literal.lower() not in cues):
        return False
    if cause.fullmatch(text, span.end_char, owner.start_char) is None:
        return False
    opening = text.find("(", owner.end_char)
    closing = text.find(")", opening) if opening >= 0 else -1
    # the bracket says only that ("(resolved)", "(now resolved)", "(resolved 2024)"), not of something else in it
    return 0 <= opening < closing and len(text[opening + 1:closing].split()) <= 3 and not any(
        opening < e.start_char < closing for e in span.doc.ents)


def family_negation(span) -> bool:
    """Negated by a cue about the family ("Family history is negative for cancer", "FHx:
    negative for colon cancer"; ``"metadata": {"family": true}``): the relatives' absence,
    which says nothing of the patient's."""
    return any(m.category == "NEGATED_EXISTENCE" and (m.rule.metadata or {}).get("family") for m in span_value(span, "modifiers"))


def past_negation(span) -> bool:
    """Negated by a cue about all of the past ("never had a biologic")."""
    return any(m.category == "NEGATED_EXISTENCE" and (m.rule.metadata or {}).get("past") for m in span._.modifiers)


def family_past(span) -> bool:
    """A relative's cue that holds a verb of the past (``"metadata": {"past": true}``: "Mum had
    breast ca 2015" with the parent as the sentence's subject): the cue's own "had" would have
    made it historical, had the cue not covered it; only of what it names right after it ("Mum
    had ITP and is on eltrombopag": the eltrombopag is not of the past) (h130, round 28)."""
    return any(m.category == "FAMILY" and (m.rule.metadata or {}).get("past")
               and 0 <= span.start - m.modifier_span[1] <= 3 for m in span_value(span, "modifiers"))


def add_context(nlp: Language) -> None:
    """Append medspaCy's ConText to ``nlp`` with the rules of data/context_rules.json."""
    from nlp.medspacy_context import load_context   # start-up: medspaCy is imported only to build the pipeline

    rule_class = load_context().ConTextRule   # (registers the "medspacy_context" factory)
    context = nlp.add_pipe(CONTEXT_PIPE, config={"rules": None})
    # ConText makes each literal's phrase pattern with nlp(literal); only its tokens (LOWER)
    # count, so the other components need not run on the ~1,400 literals
    rules = [_rule(split, rule_class) for raw in context_rules() for split in _exact_first(raw)]
    with nlp.select_pipes(enable=[]), _checked_once(context, rules):
        context.add(rules)


@contextmanager
def _checked_once(context, rules: list) -> Iterator[None]:
    """ConText's token patterns checked against spaCy's schema before they are added, each
    distinct token once (``check_token_patterns``), medspaCy's Matcher not checking them
    again while they are added (it checks every pattern whole: a tenth of the pipeline's
    build; the ~2,800 patterns repeat ~2,000 distinct tokens; round 23, h108). What is
    added after checks as before. A medspaCy without its private Matcher checks as before."""
    matcher = getattr(getattr(context, "_ConText__matcher", None), "_MedspacyMatcher__matcher", None)
    if not getattr(matcher, "validate", False):
        yield
        return
    check_token_patterns([(rule.literal, rule.pattern) for rule in rules if isinstance(rule.pattern, list)])
    matcher.validate = False
    try:
        yield
    finally:
        matcher.validate = True


def check_token_patterns(patterns: list[tuple[str, list]]) -> None:
    """Raise spaCy's ``MatchPatternError`` for the first (key, token pattern) that spaCy's
    schema refuses, as a ``Matcher(validate=True)`` does when it is added. The schema
    checks a pattern's tokens one by one (a list of at least one token pattern), so a
    pattern of tokens already found valid is valid: each distinct token is checked once,
    and a pattern with a token found bad is checked whole, for spaCy's own message."""
    from spacy.errors import MatchPatternError   # start-up: loaded with the pipeline
    from spacy.schemas import validate_token_pattern   # start-up: loaded with the pipeline

    good: set[str] = set()
    for key, pattern in patterns:
        if not pattern:
            errors = validate_token_pattern(pattern)
        else:
            tokens = [repr(token) for token in pattern]     # (a token's keys in its own order)
            unknown = [(text, token) for text, token in zip(tokens, pattern) if text not in good]
            if all(not validate_token_pattern([token]) for _, token in unknown):
                good.update(text for text, _ in unknown)
                continue
            errors = validate_token_pattern(pattern)
        if errors:
            raise MatchPatternError(key, {0: errors})


def _exact_first(raw: dict) -> list[dict]:
    """A token-pattern rule as rules whose patterns each begin with one exact word: spaCy's
    Matcher tries every pattern's first token at every token of a text, and a word set
    (``{"IN": [...]}``) or an optional first token costs a Python predicate call there,
    an exact word a C comparison. Same matches (the variants together match what the
    pattern matches; overlaps are pruned to the longest as before), same literal and
    metadata; the data file keeps the readable form. Halves ConText's matching time."""
    pattern = raw.get("pattern")
    if not pattern:
        return [raw]
    variants = _first_variants(pattern)
    return [raw] if variants == [pattern] else [dict(raw, pattern=v) for v in variants]


def _first_variants(pattern: list[dict]) -> list[list[dict]]:
    if not pattern:
        return []
    token, rest = pattern[0], pattern[1:]
    op = token.get("OP")
    bare = {k: v for k, v in token.items() if k != "OP"}
    if op == "?":
        return _first_variants(rest) + _first_variants([bare] + rest)
    if op == "*":
        return _first_variants(rest) + _first_variants([bare, token] + rest)
    if op == "+":
        return _first_variants([bare, dict(token, OP="*")] + rest)
    if op is not None or len(bare) != 1 or not set(bare) <= {"LOWER", "ORTH"}:
        return [pattern]
    (key, value), = bare.items()
    if not isinstance(value, dict):
        return [pattern]
    if set(value) != {"IN"}:
        return [pattern]
    return [[{key: word}] + rest for word in value["IN"]]


# (an item's test word after it: "her HIV test and hepatitis tests were negative"; lead, round 38)
_LIST_JOINER = re.compile(r"(?:\s+(?:tests?|testing|screens?|screening|serology|serologies|results?|status|pcr))?"
                          r"(?:\s*[x×]\s?\d{1,2})?(?:\s*\([^()\n]{1,40}\))?[\s,/]*(?:(?:or|and|nor)[\s,/]*)?(?:(?:any|other|any\s+other)\s+)?", re.IGNORECASE)
# ... with an item's dose after it, for a cue of taking or failing before the list ("on
# prednisolone 10mg and hydroxychloroquine", "I take mycophenolate 1.5g twice a day and
# nifedipine"; not for negation: a "- no" after a dosed medicines
# list is its last item's; lead, round 26)
_DOSED_JOINER = re.compile(r"\s*\d+(?:[.,]\d+)?\s?(?:mg|g|mcg|ug|µg|iu|units?|ml)(?:/(?:day|d|kg|m2|wk|week))?"
                           r"(?:\s+(?:daily|od|bd|bid|tds|tid|qds|weekly|monthly|a\s+day|per\s+day|a\s+week|at\s+night"
                           r"|(?:once|twice|three\s+times|[1-4]\s?x)\s+(?:a|per|each)\s+(?:day|week|month)|(?:once|twice)\s+(?:daily|weekly)"
                           r"|every\s+(?:day|week|month|other\s+(?:day|week)|[1-8]\s+(?:days|weeks))))?" + _LIST_JOINER.pattern,
                           re.IGNORECASE)
_DISJUNCTION = re.compile(r"\b(?:or|nor)\b", re.IGNORECASE)
# an "or" list may hold items the pipeline does not know ("no evidence of alcoholic liver
# disease, hemochromatosis, or autoimmune hepatitis"): up to three short unknown items
_OR_LIST_GAP = re.compile(r"(?:[\s,/]+[^\W\d][\w'-]*(?:\s+[\w'-]+){0,2}\s*,){1,3}\s*(?:or|nor)\s+(?:(?:any|other|any\s+other)\s+)?",
                          re.IGNORECASE)
# a comma list may hold abbreviations the pipeline does not know ("prior CVA, HTN, HL, DMII"):
# up to two, each written in capitals
_COMMA_LIST_GAP = re.compile(r"(?:\s*,\s*[A-Z][A-Z0-9]+[a-z]?){1,2}\s*,\s*(?:and\s+)?")


@lru_cache(maxsize=1)
def _qualified_joiner() -> re.Pattern | None:
    """A list joiner followed by a severity word of the next item (extraction.yaml
    ``list_item_qualifiers``: "HTN, DMII, Moderate to Severe PVD")."""
    words = vocabulary().get("list_item_qualifiers") or ()
    if not words:
        return None
    return re.compile(r"[\s,/]*(?:(?:or|and)[\s,/]+)?(?:%s)\s+" % alternation(words), re.IGNORECASE)


# labels that make one list: treatments (a drug, a cell therapy), diagnoses (a disease, an
# infection): "never had ustekinumab, CAR-T or any gene therapy"
_LIST_KIND = {"DRUG": "treatment", "PROCEDURE": "treatment", "CONDITION": "diagnosis", "INFECTION": "diagnosis"}


def dosed_chains(ents: list) -> list[list[int]]:
    """``_chains`` whose items may carry a dose ("on prednisolone 10mg and hydroxychloroquine")."""
    return _chains(ents, doses=True)


def _chains(ents: list, doses: bool = False) -> list[list[int]]:
    """Runs of consecutive entities of one kind (``_LIST_KIND``) of one sentence joined only
    by list words (or an "or" list's unknown items, or a comma list's unknown abbreviations;
    with ``doses``, a dose after an item)."""
    chains: list[list[int]] = []
    prev, last = None, None
    for i, ent in enumerate(ents):
        if is_status_span(ent) or _in_remark_after(prev, ent):
            # "hyper-CVAD (primary refractory), nelarabine", "tofacitinib (intolerance -
            # zoster), ustekinumab": a remark in brackets on the item before, not an item
            chains.append([i])
            continue
        between = doc_text(ent.doc)[prev.end_char:ent.start_char] if prev is not None else ""
        if (prev is not None and _LIST_KIND.get(prev.label_, prev.label_) == _LIST_KIND.get(ent.label_, ent.label_)
                and (_LIST_JOINER.fullmatch(between) or (doses and _DOSED_JOINER.fullmatch(between)) or _OR_LIST_GAP.fullmatch(between) or _COMMA_LIST_GAP.fullmatch(between)
                     or (_qualified_joiner() is not None and _qualified_joiner().fullmatch(between)))
                and _same_sentence(prev, ent)):
            last.append(i)
        else:
            last = [i]
            chains.append(last)
        prev = ent
    return chains


def _in_remark_after(prev, ent) -> bool:
    """The entity stands inside a bracket opened right after the previous list item
    ("tofacitinib (intolerance - zoster)"): the bracket is a remark on that item."""
    if prev is None:
        return False
    text = doc_text(ent.doc)
    return bool(_REMARK_OPENING.fullmatch(text, prev.end_char, ent.start_char)
                and _REMARK_CLOSING.match(text, ent.end_char))


# from a list item to an entity inside the bracket right after it, and from that entity to
# the bracket's end (short remarks only, one line)
_REMARK_OPENING = re.compile(r"\s*\([^()\n]{0,30}")
_REMARK_CLOSING = re.compile(r"[^()\n]{0,30}\)")


def _same_sentence(first, second) -> bool:
    index = sentence_index(first.doc)
    return index.index(first.start_char) == index.index(second.start_char)


def coordinated_family(ents: list) -> dict[int, int]:
    """Index of a listed diagnosis -> index of the list's first diagnosis, when a FAMILY cue
    reaches that first one ("my mum has lupus, hypertension, diabetes, asthma and high
    cholesterol"; "my dad has myelofibrosis (JAK2 negative, CALR positive) and gout"): the
    cue's token scope runs out inside the list (or inside a bracket of results after an
    item), but every item is said of the same person. A diagnosis of the relative's read as
    the patient's own would rule out the trials for the relative's other diseases; one read
    as the relative's only leaves them asked. Only diagnoses (conditions, infections) of one
    sentence joined by list words, a bracket after an item standing aside."""
    found: dict[int, int] = {}
    text = doc_text(ents[0].doc) if ents else ""
    first = prev = None
    for i, ent in enumerate(ents):
        if ent.label_ not in ("CONDITION", "INFECTION"):
            continue
        if prev is not None and _same_sentence(ents[prev], ent) and ents[prev].end_char <= ent.start_char \
                and _LIST_JOINER.fullmatch(text[ents[prev].end_char:ent.start_char]):
            if first is not None and ents[first]._.is_family and not ent._.is_family:
                found[i] = first
        else:
            first = i
        prev = i
    return found


def coordinated_history(ents: list) -> set[int]:
    """Indexes of diagnoses a history list cue (``"metadata": {"list": true}``: "prior",
    "history of", "h/o") governs through a list: "prior CVA (no residual deficits), HTN, HL,
    DMII" is all history, so is "Prior R-CHOP x6 (2020) and radiotherapy (2021)". Only from the
    first item the cue reaches; a list item said to be current ("HTN on amlodipine") keeps
    its own modifiers, but not by a "current" cue across a comma ("Prior infliximab (loss of
    response) and adalimumab, currently ustekinumab": adalimumab is past too)."""
    carried: set[int] = set()
    for chain in _chains(ents):
        if len(chain) < 2:
            continue
        if any(m.category == "HISTORICAL" and (m.rule.metadata or {}).get("list") for m in ents[chain[0]]._.modifiers):
            carried.update(i for i in chain[1:] if not any(
                m.category == "NEGATED_EXISTENCE" or m.category == "THERAPY_CURRENT" and not across_comma(ents[i], m)
                for m in ents[i]._.modifiers))
    return carried


def hedged_therapy(ent) -> bool:
    """A treatment under a hedged denial only ("I don't think she had cyclophosphamide";
    ``"metadata": {"hedge": true}``): uncertain, neither taken nor never taken (a disease or
    an infection under it is absent: "I don't think she has HIV")."""
    if ent.label_ not in ("DRUG", "PROCEDURE"):
        return False
    negations = [m for m in span_value(ent, "modifiers") if m.category == "NEGATED_EXISTENCE"]
    return bool(negations) and all((m.rule.metadata or {}).get("hedge") for m in negations)


_TREATMENT = ("DRUG", "PROCEDURE")
# what may stand between treatments listed one after another ("A, B then C -> D")
_SEQUENCE_GAP = re.compile(r"(?:\s*(?:x\s?\d{1,2}|\([^()\n]{1,40}\)))?[\s,;/]*(?:(?:then|->|→|>)[\s,;/]*)?", re.IGNORECASE)


@lru_cache(maxsize=1)
def _course_gap() -> re.Pattern:
    """How a course was given, between a treatment and the "then" of the next: its route, dose,
    schedule or length ("cytoxan IV then MMF now", "cyclophosphamide 500mg x6 then mmf",
    "cytoxan iv for 6 months then cellcept"; ``sequence_course_words`` in
    data/nlp/extraction.yaml; h191, round 40)."""
    words = vocabulary_words("sequence_course_words")
    numbers = vocabulary().get("number_words") or {}
    count = r"(?:\d{1,3}|a|an|%s)" % "|".join(re.escape(str(w)) for w in numbers) if numbers else r"(?:\d{1,3}|a|an)"
    item = (r"(?:x\s?\d{1,2}|\d+(?:[.,]\d+)?\s?(?:mg|g|mcg|mg/m2|g/m2|mg/kg|mg/m²)|\([^()\n]{1,40}\)"
            r"|for\s+(?:about\s+)?%s\s+(?:days?|weeks?|wks?|months?|mths?|years?|yrs?|cycles?|doses?|infusions?|courses?)"
            r"%s)" % (count, ("|" + alternation(words)) if words else ""))
    return re.compile(r"(?:\s*%s(?![\w]))+[\s,;/]*(?:then|->|→|>)[\s,;/]*" % item, re.IGNORECASE)
# between a "now" cue and its treatment: nothing, a colon, or who takes it ("now hes on humira",
# "now she is on rituximab"), or only "on" and "only" ("and now only on abatacept"; h170, round 36)
_OWN_GAP = re.compile(r"[\s:]*(?:(?:she|he|i|they|we)(?:'s|’s|s|\s+is|\s+am|'m|’m|\s+are|'re|’re)?\s+)?(?:(?:only|just)\s+)?"
                      r"(?:(?:taking|having|getting|started\s+on|on)\s+)?", re.IGNORECASE)
_COMMA_AND = re.compile(r"\s*,\s*and\s*", re.IGNORECASE)
_AND = re.compile(r"\s*and\s*", re.IGNORECASE)


@lru_cache(maxsize=8)
def _now_cue_at_end(now_cues: frozenset[str]) -> re.Pattern:
    """A "now" cue ending a gap (``superseded``), longest cue first; built once per set of cues."""
    return re.compile(r"\b(?:%s)\b%s$" % ("|".join(re.escape(c) for c in sorted(now_cues, key=len, reverse=True)),
                                           _OWN_GAP.pattern), re.IGNORECASE)


def superseded(ents: list, now_cues: frozenset[str], added_words: frozenset[str],
               comma_now_cues: frozenset[str] = frozenset()) -> set[int]:
    """Indexes of treatments listed before one said to be taken now, in one sentence and joined
    only by commas, "then" or arrows ("enbrel then humira then actemra now rinvoq",
    "ustekinumab, vedolizumab, risankizumab now", "MMF, rituximab, now on belimumab"): given
    before, so past. A "now" cue between two treatments is the later one's; "X and now Y"
    or a treatment added ("now rituximab too": ``added_words``) keeps the earlier one."""
    if not ents:
        return set()
    doc = ents[0].doc
    text = doc_text(doc)
    graph = doc_value(doc, "context_graph", None)
    if graph is None:
        return set()
    owners: set[int] = set()
    for modifier in graph.modifiers:
        literal = modifier.rule.literal.lower()
        if modifier.category != "THERAPY_CURRENT":
            continue
        if _now_with_taker(literal, now_cues):
            literal = literal.partition(" ")[0]     # "now hes on": the "now" it opens with
        if literal not in now_cues | comma_now_cues:
            continue
        start, end = doc[modifier.modifier_span[0]].idx, doc[modifier.modifier_span[1] - 1].idx + len(doc[modifier.modifier_span[1] - 1])
        after = next((i for i, e in enumerate(ents) if e.start_char >= end), None)
        before = next((i for i in range(len(ents) - 1, -1, -1) if ents[i].end_char <= start), None)
        if literal not in now_cues and not text[:start].rstrip().endswith(",") and not _closes_list(ents, before, text):
            continue    # "MMF and now rituximab": added; ", and now" closes a list ("then leflunomide, and now
            #             ..."), as "and now" does after a list of two or more ("humira, stelara and now entyvio")
        if after is not None and ents[after].label_ in _TREATMENT and _OWN_GAP.fullmatch(text, end, ents[after].start_char):
            owners.add(after)
        elif before is not None and ents[before].label_ in _TREATMENT and _OWN_GAP.fullmatch(text, ents[before].end_char, start):
            owners.add(before)
    found: set[int] = set()
    for owner in owners:
        sentence_end = ents[owner].sent.end_char
        if any(w in added_words for w in re.findall(r"[\w']+", text[ents[owner].end_char:sentence_end].lower())[:3]):
            continue    # "now rituximab too": added, the others go on
        k = owner
        while k > 0:
            prev, cur = ents[k - 1], ents[k]
            if prev.label_ not in _TREATMENT or not _same_sentence(prev, cur):
                break
            gap = text[prev.end_char:cur.start_char]
            cue = _now_cue_at_end(now_cues).search(gap) if k == owner else None
            head = gap[:cue.start()] if cue else gap
            if k == owner and gap == "/" and not re.search(r"[/,;>]\s*$", text[max(0, prev.start_char - 3):prev.start_char]):
                break       # "on ven/aza now": a pair joined by a bare slash is one regimen taken
                #             now, not one drug given before the other ("enbrel/humira/rinvoq now" is a
                #             sequence) (h161, round 34)
            listed = cue and (_COMMA_AND.fullmatch(head) or (_AND.fullmatch(head) and _closes_list(ents, k - 1, text)))
            # an Oxford comma inside the list before ("mtx, lef, and sulfasalazine and now only on
            # abatacept": all three over; h170, round 36)
            listed = listed or (k != owner and _COMMA_AND.fullmatch(head) and k - 1 > 0
                                and ents[k - 2].label_ in _TREATMENT and _same_sentence(ents[k - 2], prev)
                                and text[ents[k - 2].end_char:prev.start_char].strip() == ",")
            if not listed and (
                    not (_SEQUENCE_GAP.fullmatch(head) or _course_gap().fullmatch(head))
                    or re.search(r"\band\s*$", head, re.IGNORECASE)):
                break       # (", and now tofacitinib" after a list closes it: "then leflunomide, and now ...")
            found.add(k - 1)
            k -= 1
        found |= _list_before_its_sentence(ents, owner, text)
    return found - owners


def _list_before_its_sentence(ents: list, owner: int, text: str) -> set[int]:
    """The treatments of the sentence before a sentence that opens with the one taken now,
    when that earlier sentence only said the patient "has been on" them ("been on
    infliximab, adalimumab and vedo. currently on rinvoq": the earlier ones are over). A
    treatment with a word of its own ("still on MMF") or a dose or duration in that sentence
    ("been on MMF 2 g daily", "for 2 years") goes on, and so does one the new sentence adds
    to ("currently on pred too": ``added_words``, checked by the caller)."""
    first = ents[owner]
    sentence = first.sent
    if any(e.start_char >= sentence.start_char and e.start_char < first.start_char
           for e in ents[:owner]):
        return set()        # not the sentence's first mention
    if not _now_opening().fullmatch(text[sentence.start_char:first.start_char].strip()):
        return set()
    previous = _previous_sentence_start(ents, owner)
    earlier = [i for i in range(owner) if ents[i].sent.start_char == previous]
    if not earlier or any(ents[i].label_ not in _TREATMENT for i in earlier):
        return set()
    if any(ch.isdigit() for ch in text[ents[earlier[0]].sent.start_char:ents[earlier[-1]].sent.end_char]):
        return set()        # a dose or a duration ("been on MMF 2 g daily", "for 2 years"): still taken
    for i in earlier:
        cues = [m for m in ents[i]._.modifiers if m.category == "THERAPY_CURRENT"]
        if not cues or not all((m.rule.metadata or {}).get("bare") for m in cues):
            if cues or not _listed_after_bare(ents, earlier, i):
                return set()
    return set(earlier)


@lru_cache(maxsize=1)
def _now_opening() -> re.Pattern:
    """"currently on", "now on", "now hes on", "at the moment on", "now:" (``now_openings`` of
    data/nlp/extraction.yaml)."""
    words = alternation(vocabulary().get("now_openings") or ["now"])
    return re.compile(r"(?:and\s+)?(?:%s)(?:\s+(?:she|he|i|they|we)(?:'s|’s|s|\s+is|\s+am|'m|’m|\s+are|'re)?)?(?:\s+on)?[\s:]*"
                      % words, re.IGNORECASE)


def _previous_sentence_start(ents: list, owner: int) -> int | None:
    before = [e for e in ents[:owner] if e.sent.start_char < ents[owner].sent.start_char]
    return before[-1].sent.start_char if before else None


def _listed_after_bare(ents: list, earlier: list[int], i: int) -> bool:
    """Treatment ``i`` (no cue of its own) closes a list whose first items a bare "been on"
    reaches ("been on infliximab, adalimumab and vedo": vedo too)."""
    return any(j < i and any((m.rule.metadata or {}).get("bare") for m in ents[j]._.modifiers
                             if m.category == "THERAPY_CURRENT") for j in earlier)


def _now_with_taker(literal: str, now_cues: frozenset[str]) -> bool:
    """A "now" cue written with who takes the treatment ("now hes on", "now she is on")."""
    first, _, rest = literal.partition(" ")
    return first in now_cues and bool(rest) and _OWN_GAP.fullmatch(" " + rest + " ") is not None


def _closes_list(ents: list, before: int | None, text: str) -> bool:
    """The treatment just before an "and now" is itself the last of a comma list of treatments
    ("humira, stelara and now entyvio", with an Oxford comma "humira, stelara, and entyvio and now
    skyrizi"): the "and now" ends a sequence, not an addition."""
    if before is None or before == 0:
        return False
    prev, cur = ents[before - 1], ents[before]
    # ... or the last of a sequence told with "then" or an arrow ("was on humira then entyvio then
    # stelara and now skyrizi"; h181, round 38)
    return (prev.label_ in _TREATMENT and cur.label_ in _TREATMENT and _same_sentence(prev, cur)
            and (text[prev.end_char:cur.start_char].strip().lower() in (",", ", and")
                 or bool(_THEN_GAP.fullmatch(text, prev.end_char, cur.start_char))))


# between two treatments of a sequence: "then", "and then", an arrow ("humira then stelara",
# "enbrel -> humira")
_THEN_GAP = re.compile(r"\s*,?\s*(?:and\s+)?(?:then|->|→|>)\s*", re.IGNORECASE)


_CONJUNCTION = re.compile(r"\band\b", re.IGNORECASE)


def _listing(first, before_last, last) -> bool:
    """A list cue (``"metadata": {"list": true}``: "negative for", "no evidence of",
    "denies") negates a whole "and" list after it ("negative for lupus, vasculitis and
    sarcoidosis"); a list it is, only when "and" joins its last two items ("no history of
    cancer, SLE diagnosed 2010" is not one)."""
    cues = [m for m in first._.modifiers if m.category == "NEGATED_EXISTENCE" and (m.rule.metadata or {}).get("list")]
    return bool(cues) and bool(_CONJUNCTION.search(doc_text(first.doc)[before_last.end_char:last.start_char]))


# the rest of a sentence that is only a list of short items ("chest pain, dyspnea,
# hypertension, diabetes."): up to four words each, no numbers, no brackets
_SHORT_LIST = re.compile(r"\s*(?:[^\W\d][\w'/-]*(?:\s+[^\W\d][\w'/-]*){0,3}\s*,\s*)+(?:(?:and|or|nor)\s+)?"
                         r"[^\W\d][\w'/-]*(?:\s+[^\W\d][\w'/-]*){0,3}\s*[.;!]?\s*", re.IGNORECASE)


def _cue_lists(ents: list) -> set[int]:
    """Indexes of the entities in a comma-only list that a list cue ("denies", "negative
    for"; ``"metadata": {"list": true}``) opens and that runs to the end of its sentence
    with nothing but short items ("She denies chest pain, dyspnea, hypertension, diabetes.",
    "ROS negative for fever, weight loss, lupus."). "No history of cancer, SLE diagnosed
    2010" is no such list (a number; and "no" is no list cue)."""
    if not ents:
        return set()
    doc = ents[0].doc
    graph = doc_value(doc, "context_graph", None)
    if graph is None:
        return set()
    text = doc_text(doc)
    found: set[int] = set()
    for modifier in graph.modifiers:
        if (modifier.category != "NEGATED_EXISTENCE" or not (modifier.rule.metadata or {}).get("list")
                or modifier.direction.upper() != "FORWARD" or modifier.modifier_span[1] >= len(doc)):
            continue
        after = doc[modifier.modifier_span[1]]
        end = after.sent.end_char
        semicolon = text.find(";", after.idx, end)
        if semicolon >= 0:      # "Negative for HIV, HBV, HCV; positive for anti-HBc": the list ends there (h110, round 24)
            end = semicolon + 1
        if not _SHORT_LIST.fullmatch(text, after.idx, end):
            continue
        stop = frozenset(vocabulary().get("list_item_stop_words") or ())
        if any(word.lower() in stop for word in re.findall(r"[\w']+", text[after.idx:end])):
            continue    # "negative for HIV, has lupus": a clause, not a list item
        allowed, excluded = modifier.rule.allowed_types, modifier.rule.excluded_types or ()
        for i, ent in enumerate(ents):
            if (after.idx <= ent.start_char and ent.end_char <= end and ent.label_ not in excluded
                    and (not allowed or ent.label_ in allowed)
                    # "denies Raynaud's worsening": the change is denied, not the finding (h131)
                    and not (ent.end < len(doc) and doc[ent.end].lower_ in vocabulary_words("negated_change_words"))):
                found.add(i)
    return found


# the rest of a sentence after a negated item that is an "or" list of short items (", bleeding
# from esophageal varices, hemochromatosis, autoimmune hepatitis or metabolic liver
# disease."): known and unknown items alike, up to four words each, no numbers or brackets
_OR_ITEM = r"[^\W\d][\w'/-]*(?:\s+[^\W\d][\w'/-]*){0,3}"
_OR_REST = re.compile(rf"(?:\s*,\s*{_OR_ITEM})*\s*,?\s+(?:or|nor)\s+(?:any\s+)?{_OR_ITEM}\s*[.;!?]?\s*", re.IGNORECASE)


def _or_lists(ents: list, result: dict[int, tuple[bool, bool]]) -> dict[int, tuple[bool, bool]]:
    """Entities of a negated item's kind in an "or" list that runs from it to the end of its
    sentence with nothing but short items, known or not ("There is no evidence of alcoholic
    liver disease, bleeding from esophageal varices, hemochromatosis, autoimmune hepatitis
    or metabolic liver disease."): "no A, B or C" denies each. A clause ("no HIV, she has
    lupus or RA": list_item_stop_words) or a number ("no HIV, lupus since 2015") is no item."""
    carried: dict[int, tuple[bool, bool]] = {}
    if not ents:
        return carried
    text = doc_text(ents[0].doc)
    stop = None
    for i, ent in enumerate(ents):
        if not result[i][0] or i + 1 >= len(ents) or i in carried:
            continue
        end = ent.sent.end_char
        if not _OR_REST.fullmatch(text, ent.end_char, end):
            continue
        if stop is None:
            stop = frozenset(vocabulary().get("list_item_stop_words") or ())
        if any(word.lower() in stop for word in re.findall(r"[\w']+", text[ent.end_char:end])):
            continue
        kind = _LIST_KIND.get(ent.label_, ent.label_)
        for j in range(i + 1, len(ents)):
            if ents[j].start_char >= end:
                break
            if _LIST_KIND.get(ents[j].label_, ents[j].label_) == kind and not result[j][0]:
                carried[j] = result[i]
    return carried


def coordinated_negation(ents: list) -> dict[int, tuple[bool, bool]]:
    """Index of each entity -> (negated, past), carrying a negation along a list of
    same-label entities: backwards from a negated last item ("HBsAg, anti-HCV and HIV
    negative"), forwards from a negated first item only through an "or"/"nor" list ("no
    HIV, HBV or HCV") or, after a list cue, an "and" list ("denies fever, HIV and TB"). A
    negation joined to its one word (``"own_word"`` in a rule's metadata: "failed infliximab,
    vedolizumab-naive") is carried to no other item. "No history of cancer, SLE diagnosed 2010" stays unnegated for SLE:
    a wrongly negated diagnosis would exclude a patient, an unnegated one only asks."""
    result = {}
    own_word: set[int] = set()
    organ_only: set[int] = set()
    for i, ent in enumerate(ents):
        # is_negated, read once; a cue whose scope a terminating cue ends ("Relapsed T-ALL, MS
        # negative.": the comma) negates nothing beyond it (as ``categories`` reads the others)
        negations = [m for m in span_value(ent, "modifiers") if m.category == "NEGATED_EXISTENCE" and not _terminated(ent, m)]
        if hedged_therapy(ent):
            negations = []          # "i dont think she had cyclophosphamide": uncertain, not never had
        if negations and any((m.rule.metadata or {}).get("ends_use") for m in ent._.modifiers):
            negations = []          # "not on cellcept anymore": taken and over (historical), not never taken
        result[i] = (bool(negations), any((m.rule.metadata or {}).get("past") for m in negations))
        if negations and all((m.rule.metadata or {}).get("own_word") for m in negations):
            own_word.add(i)         # "vedolizumab-naive": the one drug the word is joined to
        if negations and all((m.rule.metadata or {}).get("organ_only") for m in negations):
            organ_only.add(i)       # "SLE, kidneys not involved": said of the organ only (h130, round 28)
    for i in _cue_lists(ents):
        result[i] = (True, result[i][1])
    for chain in _chains(ents):
        if len(chain) < 2:
            continue
        first, last = chain[0], chain[-1]
        doc = ents[first].doc
        joiners = doc_text(doc)[ents[first].end_char:ents[last].start_char]
        if result[last][0] and not result[first][0] and last not in own_word and last not in organ_only:
            # backwards only over the items of the last one's own label ("HBsAg, anti-HCV and
            # HIV negative"): "lupus, HIV negative" never negates the lupus
            run = [last]
            for i in reversed(chain[:-1]):
                if ents[i].label_ != ents[last].label_:
                    break
                run.append(i)
            for i in run:
                result[i] = result[i] if result[i][0] else result[last]
        elif result[first][0] and (_DISJUNCTION.search(joiners) or _listing(ents[first], ents[chain[-2]], ents[last])):
            for i in chain:
                result[i] = result[i] if result[i][0] else result[first]
    result.update(_or_lists(ents, result))
    result.update(_or_lists_of_unknown_first(ents, result))
    return result


# a negation word and the first items of an "or" list the pipeline does not know, up to an
# entity ("without perforation, abscess or gangrene", "no perforation, bleeding or abscess")
_NEGATED_LIST_OPENING = re.compile(rf"(?:^|(?<=[\s(]))(?:no|without|nor|denies|denied|negative\s+for)\s+{_OR_ITEM}"
                                   rf"(?:\s*,\s*{_OR_ITEM})*\s*(?:,\s*(?P<or>(?:or|nor)\s+)?|(?P<or2>(?:or|nor)\s+))$", re.IGNORECASE)


# the end of the list's sentence after its last item: nothing, or where it was seen ("... or
# abscess on CT.", "... or gangrene at surgery")
_LIST_END = re.compile(r"(?:\s+(?:on|at|in)\s+(?:the\s+)?[\w-]+)?\s*[.;!?]?\s*", re.IGNORECASE)


def _or_lists_of_unknown_first(ents: list, result: dict[int, tuple[bool, bool]]) -> dict[int, tuple[bool, bool]]:
    """An entity in an "or" list opened by a negation whose first items the pipeline does not
    know ("without perforation, abscess or gangrene": the comma ends the negation's scope before
    the abscess, and no negated entity comes first to carry it): negated with the list. The
    list must be an "or" list to the sentence's end, of short items (``_OR_ITEM``), none a
    clause's word (``list_item_stop_words``) (h156, round 33)."""
    carried: dict[int, tuple[bool, bool]] = {}
    if not ents:
        return carried
    text = doc_text(ents[0].doc)
    stop = frozenset(vocabulary().get("list_item_stop_words") or ())
    for i, ent in enumerate(ents):
        if result[i][0] or ent.label_ in ("AGE", "SEX", "WEIGHT", "LOCATION"):
            continue
        start = ent.sent.start_char
        opening = _NEGATED_LIST_OPENING.search(text, max(start, ent.start_char - 120), ent.start_char)
        if opening is None:
            continue
        end = ent.sent.end_char
        if not (opening.group("or") or opening.group("or2")) and not _OR_REST.fullmatch(text, ent.end_char, end):
            continue
        if not _OR_REST.fullmatch(text, ent.end_char, end) and not _LIST_END.fullmatch(text, ent.end_char, end):
            continue
        words = re.findall(r"[\w']+", text[opening.start():end])[1:]
        if any(word.lower() in stop for word in words):
            continue
        carried[i] = (True, False)
    return carried


# --- rules that hide one another -------------------------------------------------------------------
#
# ConText keeps one match where two rules' matches cover the same words: a rule that can match
# exactly the words another matches may silently never apply there ("all clear" as a negative
# test and as a cancer that is over). ``shadowed_rules`` lists such pairs of rules of different
# categories (a PSEUDO rule hides on purpose); a rule that is meant to win names the other in
# ``"metadata": {"overrides": [literal, ...]}``. tests/test_extract_round5.py keeps the list empty.

_WORD_KEYS = ("LOWER", "ORTH", "TEXT", "NORM")
_EXPANSION_LIMIT = 64


class _Slot:
    """One token of a rule's pattern: the words it may be (None: not a finite set) and the
    tests a word must pass (a regular expression, a shape, punctuation, a number)."""

    def __init__(self, token: dict):
        self.words: frozenset[str] | None = None
        self.tests: list = []
        for key, value in token.items():
            if key in _WORD_KEYS:
                if isinstance(value, str):
                    self.words = frozenset([value.lower()])
                elif isinstance(value, dict) and set(value) == {"IN"}:
                    self.words = frozenset(str(v).lower() for v in value["IN"])
                elif isinstance(value, dict) and "REGEX" in value:
                    self.tests.append(re.compile(value["REGEX"], re.IGNORECASE).search)
                elif isinstance(value, dict) and "NOT_IN" in value:
                    banned = frozenset(str(v).lower() for v in value["NOT_IN"])
                    self.tests.append(lambda word, banned=banned: word not in banned)
            elif key == "SHAPE" and isinstance(value, str):
                shape = value
                self.tests.append(lambda word, shape=shape: _shape(word) == shape)
            elif key == "IS_PUNCT" and value:
                self.tests.append(lambda word: not any(c.isalnum() for c in word))
            elif key in ("LIKE_NUM", "IS_DIGIT") and value:
                self.tests.append(lambda word: word.replace(".", "", 1).isdigit())
            elif key == "IS_ALPHA" and value:
                self.tests.append(str.isalpha)

    def takes(self, word: str) -> bool:
        return all(test(word) for test in self.tests)

    def meets(self, other: "_Slot") -> bool:
        if self.words is not None or other.words is not None:
            words = self.words & other.words if self.words is not None and other.words is not None else (self.words or other.words)
            return any(self.takes(w) and other.takes(w) for w in words)
        return True


def _shape(word: str) -> str:
    shape = "".join("d" if c.isdigit() else "X" if c.isupper() else "x" if c.isalpha() else c for c in word)
    return re.sub(r"(.)\1{4,}", r"\1\1\1\1", shape)


def _expansions(raw: dict) -> list[tuple[_Slot, ...]] | None:
    """Every token sequence shape a rule matches, or None when unbounded ("*", "+") or too many."""
    pattern = raw.get("pattern")
    if not pattern:
        return [tuple(_Slot({"LOWER": w}) for w in raw["literal"].lower().split())]
    sequences: list[tuple[_Slot, ...]] = [()]
    for token in pattern:
        op = token.get("OP")
        if op in ("*", "+"):
            return None
        slot = _Slot({k: v for k, v in token.items() if k != "OP"})
        sequences = [s + (slot,) for s in sequences] + (sequences if op == "?" else [])
        if len(sequences) > _EXPANSION_LIMIT:
            return None
    return [s for s in sequences if s]


def shadowed_rules(rules) -> list[tuple[int, int]]:
    """Pairs (i, j) of rules of different categories, neither PSEUDO, that can match exactly
    the same words, unless one names the other in ``metadata.overrides``."""
    expanded = [(i, raw, _expansions(raw)) for i, raw in enumerate(rules)]
    by_first: dict[str | None, list[int]] = {}
    for index, (_, raw, sequences) in enumerate(expanded):
        for sequence in sequences or ():
            for word in (sequence[0].words if sequence[0].words is not None else (None,)):
                by_first.setdefault(word, []).append(index)
    pairs: set[tuple[int, int]] = set()
    for members in by_first.values():
        candidates = sorted(set(members) | set(by_first.get(None, ())))
        for a_pos, a in enumerate(candidates):
            i, first, seq_a = expanded[a]
            for b in candidates[a_pos + 1:]:
                j, second, seq_b = expanded[b]
                if ((i, j) in pairs or first["category"] == second["category"]
                        or "PSEUDO" in (first["category"], second["category"])
                        or second["literal"] in ((first.get("metadata") or {}).get("overrides") or ())
                        or first["literal"] in ((second.get("metadata") or {}).get("overrides") or ())):
                    continue
                if any(len(x) == len(y) and all(p.meets(q) for p, q in zip(x, y)) for x in seq_a for y in seq_b):
                    pairs.add((i, j))
    return sorted(pairs)


class TrailingHedge:
    """A hedge said after the finding, ending its clause ("dermatomyositis they think", "its
    lupus i think", "RA apparently, the rheumy isn't sure"; ``trailing_hedges`` in
    data/nlp/extraction.yaml): the finding is uncertain. Only a hedge right after the
    mention (a comma at most between) that ends the clause or the message counts, so "lupus,
    i think you should know" and "I think she's on X" (the hedge before: ConText's rules)
    keep their reading."""

    def __init__(self, vocabulary: dict):
        section = vocabulary.get("trailing_hedges") or {}
        words = section.get("phrases") or ()
        ends = section.get("clause_ends") or ()
        fillers = section.get("fillers") or ()
        filler = r"(?:(?:%s)\s*,?\s*)?" % alternation(fillers) if fillers else ""
        self.labels = frozenset(section.get("labels") or ())
        self.pattern = re.compile(
            r"\s*,?\s*%s(?:%s)\s*(?:$|[,;:)\n!?]|\.(?:\s|$)|(?:%s)\b)" % (filler, alternation(words), alternation(ends)),
            re.IGNORECASE) if words else None

    def __call__(self, ent, text: str) -> bool:
        if self.pattern is None or ent.label_ not in self.labels:
            return False
        return self.pattern.match(text, ent.end_char) is not None
