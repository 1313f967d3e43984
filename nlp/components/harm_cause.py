"""A treatment written as the cause word of a harm ("steroid-induced diabetes", "steroid-induced
hyperglycemia", "L-asparaginase-associated pancreatitis", "avascular necrosis (steroid-related)")
names the treatment that caused it, then: the mention is past, whatever is taken now (a later
"Current: prednisolone" is its own mention). Only a mention of the patient's said plainly (not
negated, hedged, hypothetical or a relative's); its status is left as it is (h86, round 19;
extraction.yaml ``harm_cause_words``).
An infection or illness said to be had "on it" right after a treatment in the same sentence
("tofacitinib helped a bit but she got shingles on it") is a harm of that treatment: not
tolerated (extraction.yaml ``harm_on_treatment_after``; h130, round 28).
An infection's bare word named as a drug's harm ("toci caused hepatitis and was stopped",
"hepatitis from methotrexate", "drug-induced hepatitis") is no infection: dropped
(extraction.yaml ``drug_caused_not_infection``; h192, round 40)."""
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


@lru_cache(maxsize=1)
def _drug_caused() -> tuple[frozenset[str], frozenset[str], re.Pattern, re.Pattern, re.Pattern] | None:
    settings = vocabulary().get("drug_caused_not_infection") or {}
    concepts = frozenset(settings.get("concepts") or ())
    words = frozenset(str(w).lower() for w in settings.get("words") or ())
    before, after, unnamed = settings.get("before") or (), settings.get("after") or (), settings.get("unnamed") or ()
    if not (concepts and words and before and after and unnamed):
        return None
    # the drug, maybe its dates, dose or a dash (no other fact between), then the cause word and maybe "a"/"an"/"mild" ...
    cause = re.compile(r"[^.;:\n]{0,40}?[ \t]*(?:-[ \t]*)?"
                       rf"(?:(?:has|had|was|have)[ \t]+)?(?:{alternation(before)})[ \t]+(?:(?:a|an|some|mild|severe|bad)[ \t]+)?",
                       re.IGNORECASE)
    caused_by = re.compile(rf"[ \t]+(?:{alternation(after)})[ \t]+(?:(?:the|his|her|my|their)[ \t]+)?", re.IGNORECASE)
    named = re.compile(rf"(?<![\w-])(?:{alternation(unnamed)})[ \t]*$", re.IGNORECASE)
    return concepts, words, cause, caused_by, named


def drug_caused_not_infection(text: str, facts: list[Fact]) -> None:
    """An infection's bare word (``drug_caused_not_infection.words``) named as a drug's harm:
    right after a drug and a cause word ("toci caused hepatitis", "Eltrombopag 2014-2018 caused
    hepatitis", "azathioprine-induced hepatitis"), right before a cause word and a drug
    ("hepatitis from methotrexate", "hepatitis due to the azathioprine"), or after a word that
    names a drug as its cause ("drug-induced hepatitis"): no infection, dropped. The drug's own
    mention and status are left to the rules of harms."""
    settings = _drug_caused()
    if settings is None:
        return
    concepts, words, cause, caused_by, named = settings
    drugs = [f for f in facts if f.label == "DRUG" and not f.family]
    dropped = set()
    for fact in facts:
        if fact.concept not in concepts or fact.text.lower() not in words or fact.family:
            continue
        if (named.search(text, max(0, fact.start - 25), fact.start)
                or any(d.end <= fact.start and cause.fullmatch(text, d.end, fact.start)
                       and not any(d.end <= o.start and o.end <= fact.start for o in facts) for d in drugs)
                or any(d.start >= fact.end and caused_by.fullmatch(text, fact.end, d.start) for d in drugs)):
            dropped.add(id(fact))
    if dropped:
        facts[:] = [f for f in facts if id(f) not in dropped]
