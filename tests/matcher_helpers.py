"""One blank English pipeline with a spaCy Matcher and a ``FirstWordMatcher`` holding the
same patterns: the two must find the same matches (tests/test_first_word_matcher.py,
tests/test_h94_round20.py)."""
from __future__ import annotations

import spacy
from spacy.matcher import Matcher

from nlp.pipeline import FirstWordMatcher


def both_matchers(patterns: dict[str, list[dict]]):
    """(nlp, spaCy Matcher, FirstWordMatcher), each holding every pattern under its key."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    one, filed = Matcher(nlp.vocab), FirstWordMatcher(nlp.vocab)
    for key, pattern in patterns.items():
        one.add(key, [pattern])
        filed.add(key, [pattern])
    return nlp, one, filed
