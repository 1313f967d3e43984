"""A treatment joined by "with" or "plus" to one taken now, with nothing said of its own use,
is taken now too: "then tacrolimus, which I'm still on with MMF", "she's on belimumab plus
hydroxychloroquine". The joining words are data (``taken_with_words`` in
data/nlp/extraction.yaml)."""
from __future__ import annotations

from spacy.tokens import Span

from core.facts import Fact
from nlp.resources import vocabulary_words

THERAPY_LABELS = ("DRUG", "PROCEDURE")
# the words that may stand between the treatment taken now and the joining word ("which I'm
# still on with"): no more than these, and no punctuation or other mention among them
MAX_BETWEEN = 6


def taken_with(ents: list[Span], facts: list[Fact]) -> None:
    joiners = vocabulary_words("taken_with_words")
    if not joiners:
        return
    for i, (ent, fact) in enumerate(zip(ents, facts)):
        if (ent.label_ not in THERAPY_LABELS or i == 0 or ent.start == 0 or fact.status or fact.negated
                or fact.hypothetical or fact.family or fact.historical or fact.uncertain):
            continue
        doc = ent.doc
        if doc[ent.start - 1].lower_ not in joiners:
            continue
        before, earlier = ents[i - 1], facts[i - 1]
        if before.label_ not in THERAPY_LABELS or earlier.status != "current" or earlier.family:
            continue
        between = doc[before.end:ent.start - 1]
        if before.sent.start != ent.sent.start or len(between) > MAX_BETWEEN or any(
                t.is_punct or t.ent_type_ for t in between):
            continue
        fact.status = "current"
