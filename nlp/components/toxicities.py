"""Side effects of earlier cancer treatment a text says are still there, or none left: TOXICITY
facts (``core.facts``), read by the toxicity leaf (matching/toxicity.py).

* "no side effects left from the chemo", "the side effects from chemotherapy have all gone
  away", "化疗的副作用都没有了": none left (negated).
* "grade 2 neuropathy from vincristine": a side effect of that grade at least (``comparator``
  ">="; a lower bound of the worst one, never "only mild ones"); "still has numbness from the
  chemo": one of grade 1 at least. Hair loss or nail changes alone: status "cosmetic".
* The cause must be a cancer treatment: the ``cause`` words, or a drug the text names there
  that is a systemic anticancer therapy. One side effect said to be gone ("the numbness from
  the chemo went away") says nothing of the others: no fact. The past, doubt, a negation, a
  condition or family words before the match in its sentence, or its end after it, leave it out.

The words are data: the ``toxicities`` section of ``data/nlp/extraction.yaml``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from core.facts import Fact
from data.terminology import load_terminology
from nlp.resources import regex_section

_SENTENCE_END = re.compile(r"[.;!?\n。；！？]")
ANTICANCER = "systemic_anticancer_therapy"


@dataclass(frozen=True)
class ToxicityWords:
    look: re.Pattern
    cause: re.Pattern
    none: tuple[re.Pattern, ...]
    graded: tuple[re.Pattern, ...]
    still: tuple[re.Pattern, ...]
    cosmetic: re.Pattern
    before: re.Pattern
    after: re.Pattern


@lru_cache(maxsize=1)
def toxicity_words() -> ToxicityWords:
    return regex_section(ToxicityWords, "toxicities")


def toxicity_facts(text: str, facts: list[Fact], source: str | None = None) -> list[Fact]:
    """The TOXICITY facts ``text`` states (see the module docstring); ``facts`` are the facts
    already read from it (the drugs named as the cause are theirs)."""
    words = toxicity_words()
    if not text or not words.look.search(text):
        return []
    found: list[Fact] = []
    for kind, patterns in (("none", words.none), ("graded", words.graded), ("still", words.still)):
        for pattern in patterns:
            for match in pattern.finditer(text):
                if not _caused_by_cancer_treatment(match, facts, words):
                    continue
                left, right = _sentence(text, match.start(), match.end())
                before, after = text[left:match.start()], text[match.end():right]
                if kind != "none" and (words.before.search(before) or words.after.search(after)):
                    continue
                if kind == "none" and re.search(r"\b(?:if|might|may|could|maybe|mother|father|sister|brother)\b",
                                                before, re.IGNORECASE):
                    continue
                fact = Fact(label="TOXICITY", concept="toxicity", text=match.group(0).strip(), start=match.start(),
                            end=match.end(), source=source)
                if kind == "none":
                    found.append(replace(fact, negated=True))
                    continue
                what = " ".join(match.group("what").split())
                if words.cosmetic.match(what):
                    found.append(replace(fact, status="cosmetic"))
                    continue
                grade = int(match.group("g")) if kind == "graded" else 1
                found.append(replace(fact, value=float(grade), comparator=">="))
    return found


def _caused_by_cancer_treatment(match: re.Match, facts: list[Fact], words: ToxicityWords) -> bool:
    """The match's cause is a cancer treatment: a cause word, or a drug fact there that is a
    systemic anticancer therapy."""
    cause = match.group("cause")
    if words.cause.search(cause):
        return True
    start = match.start("cause")
    term = load_terminology()
    return any(f.label in ("DRUG", "PROCEDURE") and f.start == start and term.get(f.concept) is not None
               and (f.concept == ANTICANCER or term.is_a(f.concept, ANTICANCER)) for f in facts)


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    left = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    right = _SENTENCE_END.search(text, end)
    return left, right.start() if right else len(text)
