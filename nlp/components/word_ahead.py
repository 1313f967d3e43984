"""A word of one set right after a position in a Doc, with only words of another set
before it: "yet" after a failure cue ("not working yet", "not kicked in yet"), a service
word after a disease's name ("the CAR-T referral team")."""
from __future__ import annotations

from spacy.tokens import Doc


def word_ahead(doc: Doc, end: int, wanted: frozenset[str], between: frozenset[str], reach: int) -> bool:
    """A word of ``wanted`` (lower case) among the ``reach`` tokens from ``end``, with only
    words of ``between`` before it."""
    for i in range(end, min(end + reach, len(doc))):
        word = doc[i].lower_
        if word in wanted:
            return True
        if word not in between:
            return False
    return False
