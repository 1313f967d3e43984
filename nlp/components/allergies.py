"""Allergies a text states: ALLERGY facts (``core.facts``) beside the facts already read.

* A drug named with an allergy word ("allergic to penicillin", "anaphylaxis to rituximab",
  "fludarabine allergy", "rituximab gave her an allergic reaction", "Allergies: penicillin
  (rash), sulfa") is an ALLERGY fact of the drug's concept, with the DRUG fact's span and its
  negation ("not allergic to fludarabine"), doubt, family and hypothetical flags; a reaction
  said beside it ("anaphylaxis", "rash") is its ``status``. The DRUG fact stays as it was (the
  drug was not tolerated). Between the allergy words and the drug only other drugs of the
  list, reactions and the few words of ``allergies.gap_words`` may stand, in one sentence: a
  side effect in other words ("azathioprine made me sick") is no allergy.
* A phrase saying there are no drug allergies at all ("NKDA", "no known drug allergies",
  "Allergies: none", "not allergic to anything", "否认药物过敏史") is one ALLERGY fact of
  ``ANY_DRUG``, negated; right after a drug ("对青霉素没有过敏") it is about that drug only, and
  left out (ConText reads the drug's own negation, when it does).
* Chinese: "过敏" after the drug ("她对青霉素过敏", "对环磷酰胺和青霉素过敏").

The words are data: the ``allergies`` section of ``data/nlp/extraction.yaml``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from core.facts import ANY_DRUG, Fact
from data.errors import DataError
from nlp.resources import vocabulary

_SENTENCE_END = re.compile(r"[.;!?\n。；！？]")
_BEFORE_DRUG = re.compile(r"\s*(?:to|with|from|after|on)\s*$", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_][\w'’-]*|\d+")


@dataclass(frozen=True)
class AllergyWords:
    cue: re.Pattern
    gap_words: frozenset[str]
    reactions: re.Pattern
    line_heading: re.Pattern
    none: tuple[re.Pattern, ...]


@lru_cache(maxsize=1)
def allergy_words() -> AllergyWords:
    raw = vocabulary().get("allergies")
    where = "extraction.yaml: allergies"
    if not isinstance(raw, dict):
        raise DataError(where, "must be a mapping (cue, gap_words, reactions, line_heading, none)")
    try:
        reactions = sorted((str(w) for w in raw["reactions"]), key=len, reverse=True)
        return AllergyWords(
            cue=re.compile(raw["cue"], re.IGNORECASE),
            gap_words=frozenset(str(w).lower() for w in raw["gap_words"]),
            reactions=re.compile(r"\b(?:" + "|".join(re.escape(w) for w in reactions) + r")\b", re.IGNORECASE),
            line_heading=re.compile(raw["line_heading"], re.IGNORECASE | re.MULTILINE),
            none=tuple(re.compile(p, re.IGNORECASE) for p in raw["none"]),
        )
    except (KeyError, TypeError, re.error) as error:
        raise DataError(where, f"bad or missing entry: {error}") from error


def allergy_facts(text: str, facts: list[Fact], source: str | None = None) -> list[Fact]:
    """The ALLERGY facts ``text`` states (see the module docstring); ``facts`` are the facts
    already read from it (the drugs are theirs)."""
    if not text:
        return []
    words = allergy_words()
    found: list[Fact] = []
    drugs = [f for f in facts if f.label == "DRUG"]
    if drugs and (words.cue.search(text) or words.line_heading.search(text)):
        spans = [(f.start, f.end) for f in drugs]
        cues = [m.span() for m in words.cue.finditer(text)]
        headed = [(m.end(), _heading_end(text, m.end())) for m in words.line_heading.finditer(text)]
        for fact in drugs:
            if fact.status not in (None, "intolerant"):
                continue        # "on prednisolone" beside an allergy: taken now, no allergy
            on_line = any(start <= fact.start and fact.end <= end for start, end in headed)
            if not on_line and not any(_linked(text, fact, cue, spans, words) for cue in cues):
                continue
            found.append(Fact(label="ALLERGY", concept=fact.concept, text=fact.text, start=fact.start, end=fact.end,
                              negated=fact.negated, uncertain=fact.uncertain, family=fact.family,
                              hypothetical=fact.hypothetical, status=_reaction(text, fact, spans, words),
                              source=fact.source if fact.source is not None else source))
    for pattern in words.none:
        for match in pattern.finditer(text):
            if any(f.start <= match.start() < f.end for f in found):
                continue
            if any(0 <= match.start() - f.end <= 3 and not text[f.end:match.start()].strip(" -:：") for f in drugs):
                continue    # "对青霉素没有过敏", "penicillin - no allergy": of that drug, not every drug
            found.append(Fact(label="ALLERGY", concept=ANY_DRUG, text=match.group(0), start=match.start(),
                              end=match.end(), negated=True, source=source))
            break
        else:
            continue
        break
    return found


def _line_end(text: str, start: int) -> int:
    end = text.find("\n", start)
    return len(text) if end < 0 else end


_HEADING_SENTENCE_END = re.compile(r"\.(?:\s|$)")


def _heading_end(text: str, start: int) -> int:
    """Where an allergy heading's list ends: its line, or its sentence in a note written as
    one paragraph ("Allergies: ACE inhibitors (angioedema). Started vancomycin": no allergy to
    the vancomycin; h131, round 28)."""
    end = _line_end(text, start)
    stop = _HEADING_SENTENCE_END.search(text, start, end)
    return stop.start() if stop else end


def _linked(text: str, fact: Fact, cue: tuple[int, int], spans: list[tuple[int, int]], words: AllergyWords) -> bool:
    """The allergy words at ``cue`` are about the drug of ``fact``: one sentence, and only
    list words, other drugs and reactions between them."""
    if cue[1] <= fact.start:
        start, end = cue[1], fact.start
    elif fact.end <= cue[0]:
        start, end = fact.end, cue[0]
    else:
        return False
    between = text[start:end]
    if _SENTENCE_END.search(between) or len(between) > 120:
        return False
    if cue[1] <= fact.start and ")" in between and text.rfind("(", 0, cue[0]) > text.rfind(")", 0, cue[0]):
        return False    # "adalimumab (allergic reaction), ustekinumab": the bracket's drug only (lead, round 40)
    # other drugs of the list and reactions said in brackets are no words of the gap
    kept = list(between)
    for s, e in spans:
        for i in range(max(s, start), min(e, end)):
            kept[i - start] = " "
    rest = words.reactions.sub(" ", "".join(kept))
    return all(word.lower() in words.gap_words for word in _WORD.findall(rest))


def _reaction(text: str, fact: Fact, spans: list[tuple[int, int]], words: AllergyWords) -> str | None:
    """A reaction named in the drug's sentence with no other drug between them (the nearest
    after it, else before it: "penicillin (rash), co-trimoxazole (hives)")."""
    start = max((m.end() for m in _SENTENCE_END.finditer(text, 0, fact.start)), default=0)
    end_match = _SENTENCE_END.search(text, fact.end)
    end = end_match.start() if end_match else len(text)
    start = max([start] + [e for s, e in spans if e <= fact.start])
    end = min([end] + [s for s, e in spans if s >= fact.end])
    after = words.reactions.search(text, fact.end, end)
    if after is not None:
        return after.group(0).lower()
    # before it only as what the drug caused ("anaphylaxis to rituximab", "hives after penicillin")
    before = [m for m in words.reactions.finditer(text, start, fact.start) if _BEFORE_DRUG.match(text[m.end():fact.start])]
    return before[-1].group(0).lower() if before else None
