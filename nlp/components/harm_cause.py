"""A treatment written as the cause word of a harm ("steroid-induced diabetes", "steroid-induced
hyperglycemia", "L-asparaginase-associated pancreatitis", "avascular necrosis (steroid-related)")
names the treatment that caused it, then: the mention is past, whatever is taken now (a later
"Current: prednisolone" is its own mention). Only a mention of the patient's said plainly (not
negated, hedged, hypothetical or a relative's); its status is left as it is (h86, round 19;
extraction.yaml ``harm_cause_words``)."""
from __future__ import annotations

import re
from functools import lru_cache

from core.facts import Fact
from nlp.resources import alternation, vocabulary_words


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
