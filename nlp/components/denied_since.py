"""A thing denied in the perfect tense up to now from a time or for a span is one had before
it: "i havent been pregnant since 2019", "havent taken pred since 2022", "she hasnt had
steroids since she was little", "havent had methotrexate for 2 years" say a pregnancy and
treatments of the past, not that there never was one (issue #13, h140, round 30). A negated
DRUG, PROCEDURE, PREGNANCY or CONDITION fact whose negation is a perfect-tense denial
(``denied_since.denials``: "havent", "hasnt", "not been") with only small words between it and
the mention (``fillers``: "had", "taken", "any", "a"), and right after which comes "since"
or "for"/"in" with a span of time (``spans``: "years", "ages", "a while", "2 years"), is past
and not negated. "never had a transplant", "havent had cyclophosphamide", "no pred since
2022" stay denied; a hedged, hypothetical or relative's fact is left as it is. A denial with
an exception right after what it denies ("no DMARDs apart from methotrexate") is no denial of
it all (``denied_with_exception``), unless "other" sets the exception apart ("no other autoimmune
diseases besides her lupus"); a person's words of being well with an exception are no healthy
person (``well_but_for``); a test not had since a time is no negative result (``_untested_since``;
h145, round 31). Words in ``denied_since`` (data/nlp/extraction.yaml)."""
from __future__ import annotations

import re
from functools import lru_cache

from core.facts import Fact
from nlp.resources import alternation, vocabulary

_LABELS = frozenset({"DRUG", "PROCEDURE", "PREGNANCY", "CONDITION"})


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, re.Pattern] | None:
    section = vocabulary().get("denied_since") or {}
    denials, fillers = section.get("denials") or (), section.get("fillers") or ()
    anchors, spans = section.get("anchors") or (), section.get("spans") or ()
    afters = section.get("after_fillers") or ()
    if not (denials and anchors):
        return None
    filler = rf"(?:\s+(?:{alternation(fillers)})){{0,3}}" if fillers else ""
    before = re.compile(rf"(?<![\w'’])(?:{alternation(denials)}){filler}\s*$", re.IGNORECASE)
    after_filler = rf"(?:(?:{alternation(afters)})\s+){{0,2}}" if afters else ""
    span = (rf"|(?:for|in)\s+(?:(?:\d+|a|an|one|two|three|four|five|six|many|several|a\s+few|a\s+couple\s+of|over|about|like)\s+){{0,2}}"
            rf"(?:{alternation(spans)})") if spans else ""
    after = re.compile(rf"^\s*,?\s*{after_filler}(?:(?:{alternation(anchors)}){span})(?![\w'’])", re.IGNORECASE)
    return before, after


@lru_cache(maxsize=1)
def _test_after() -> re.Pattern | None:
    words = (vocabulary().get("denied_since") or {}).get("test_words") or ()
    return re.compile(rf"^\s*(?:{alternation(words)})(?![\w'’])", re.IGNORECASE) if words else None


def denied_since(text: str, facts: list[Fact]) -> None:
    patterns = _patterns()
    if patterns is None:
        return
    before, after = patterns
    _untested_since(text, facts, before, after)
    for fact in facts:
        if (fact.label not in _LABELS or not fact.negated
                or fact.hypothetical or fact.uncertain or fact.family):
            continue
        if not after.search(text[fact.end:fact.end + 60]):
            continue
        if not before.search(text[max(0, fact.start - 60):fact.start]):
            continue
        fact.negated = False
        fact.historical = True
        if fact.status == "current":
            fact.status = None


@lru_cache(maxsize=1)
def _exception_after() -> re.Pattern | None:
    words = (vocabulary().get("denied_since") or {}).get("exceptions") or ()
    return re.compile(rf"^\s*,?\s*(?:{alternation(words)})(?![\w'’])", re.IGNORECASE) if words else None


# "other" right before the denied class: the exception is set apart from it, not one of it
_OTHER_BEFORE = re.compile(r"(?<![\w'’])(?:other|any\s+other|another)\s+$", re.IGNORECASE)


def denied_with_exception(text: str, facts: list[Fact]) -> None:
    """A denial with an exception right after what it denies ("no DMARDs apart from
    methotrexate", "never been on any biologics except for humira", "no steroids except for a
    short course in 2020"): not all of it is denied, the exception is one of it, so the mention
    is not negated; it is read as had, not as taken now, which the exception (read on its own)
    may say (``denied_since.exceptions``; h140, round 30)."""
    exception = _exception_after()
    if exception is None:
        return
    for fact in facts:
        if (fact.label not in _LABELS or not fact.negated
                or fact.hypothetical or fact.uncertain or fact.family):
            continue
        if _OTHER_BEFORE.search(text, max(0, fact.start - 12), fact.start):
            continue    # "no other autoimmune diseases besides her lupus": the others denied (h145, round 31)
        if exception.search(text[fact.end:fact.end + 30]):
            fact.negated, fact.historical = False, True
            if fact.status == "current":
                fact.status = None


def well_but_for(text: str, facts: list[Fact]) -> None:
    """A person's words of being well with an exception right after them ("no diseases other
    than lupus", "no medical problems apart from my RA", "no illnesses except the crohns"):
    not a healthy person but one whose other illnesses are denied; the exception, read on its
    own, is present. The well-person facts (``denied_since.well_concepts``) are dropped
    (h145, round 31)."""
    exception = _exception_after()
    concepts = frozenset((vocabulary().get("denied_since") or {}).get("well_concepts") or ())
    if exception is None or not concepts:
        return
    before = _well_before()
    facts[:] = [f for f in facts if not (f.concept in concepts and not f.negated and not f.family
                                         and (exception.search(text[f.end:f.end + 30])
                                              or (before is not None and before.search(text[max(0, f.start - 30):f.start]))))]


@lru_cache(maxsize=1)
def _well_before() -> re.Pattern | None:
    """A word right before a person's words of being well that makes them well apart from what
    else is told ("otherwise fit and healthy"; ``denied_since.well_before``; h188, round 39)."""
    words = (vocabulary().get("denied_since") or {}).get("well_before") or ()
    if not words:
        return None
    return re.compile(rf"(?<![\w-])(?:{alternation(words)})\s*[,:]?\s*(?:(?:i|im|she|he|they|we)\s*)?(?:(?:am|'m|’m|is|'s|are|'re)\s+)?(?:very\s+|perfectly\s+|completely\s+|totally\s+|in\s+)?$",
                      re.IGNORECASE)


def _untested_since(text: str, facts: list[Fact], before: re.Pattern, after: re.Pattern) -> None:
    """A test not had since a time ("havent had a hiv test since 2019", "she hasnt had an HIV
    test since before the pregnancy"): the result now is not known, no negative one; the
    infection or marker tested for is uncertain, not denied (``denied_since.test_words``; h145,
    round 31)."""
    test = _test_after()
    if test is None:
        return
    for fact in facts:
        if fact.label not in ("INFECTION", "BIOMARKER") or not fact.negated or fact.hypothetical or fact.family:
            continue
        word = test.search(text[fact.end:fact.end + 20])
        if word is None or not after.search(text[fact.end + word.end():fact.end + word.end() + 60]):
            continue
        if not before.search(text[max(0, fact.start - 60):fact.start]):
            continue
        fact.negated, fact.uncertain = False, True
        if fact.status == "negative":
            fact.status = None

