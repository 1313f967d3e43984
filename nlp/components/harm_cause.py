"""A treatment written as the cause word of a harm ("steroid-induced diabetes", "steroid-induced
hyperglycemia", "L-asparaginase-associated pancreatitis", "avascular necrosis (steroid-related)")
names the treatment that caused it, then: the mention is past, whatever is taken now (a later
"Current: prednisolone" is its own mention). Only a mention of the patient's said plainly (not
negated, hedged, hypothetical or a relative's); its status is left as it is (h86, round 19;
extraction.yaml ``harm_cause_words``).
An infection or illness said to be had "on it" right after a treatment in the same sentence
("tofacitinib helped a bit but she got shingles on it") is a harm of that treatment: not
tolerated (extraction.yaml ``harm_on_treatment_after``; h130, round 28)."""
from __future__ import annotations

import re
from functools import lru_cache

from core.facts import Fact
from nlp.resources import alternation, vocabulary, vocabulary_words


@lru_cache(maxsize=1)
def _cause() -> re.Pattern | None:
    words = vocabulary_words("harm_cause_words")
    return re.compile(r"[ \t]*-?[ \t]*(?:%s)\b" % alternation(words), re.IGNORECASE) if words else None


def harm_causes(text: str, facts: list[Fact]) -> None:
    cause = _cause()
    if cause is None:
        return
    for fact in facts:
        if (fact.label == "DRUG" and not fact.historical
                and not (fact.negated or fact.hypothetical or fact.uncertain or fact.family)
                and cause.match(text, fact.end)):
            fact.historical = True


@lru_cache(maxsize=1)
def _on_it() -> re.Pattern | None:
    pattern = vocabulary().get("harm_on_treatment_after")
    return re.compile(pattern, re.IGNORECASE) if pattern else None


_SENTENCE_END = re.compile(r"[.!?;\n]")


def harms_on_treatment(text: str, facts: list[Fact]) -> None:
    """"tofacitinib helped a bit but she got shingles on it": the treatment named last before
    the infection or illness in its sentence, the patient's and said plainly, was not
    tolerated, when nothing else was said of its outcome."""
    on_it = _on_it()
    if on_it is None:
        return
    for harm in facts:
        if (harm.label not in ("INFECTION", "CONDITION") or harm.negated or harm.hypothetical or harm.family
                or not on_it.match(text, harm.end)):
            continue
        before = [f for f in facts if f.label in ("DRUG", "PROCEDURE") and f.end <= harm.start
                  and not _SENTENCE_END.search(text, f.end, harm.start)]
        if not before:
            continue
        treatment = max(before, key=lambda f: f.end)
        if treatment.status is None and not (treatment.negated or treatment.hypothetical or treatment.family):
            treatment.status = "intolerant"
