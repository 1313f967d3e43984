"""Abbreviations and their long forms, after Schwartz & Hearst (2003): "Eastern Cooperative
Oncology Group (ECOG)", "NYHA (New York Heart Association)". Used by the criteria parser to
read a bracketed abbreviation as a name, not as an unread word."""
from __future__ import annotations

import re


def long_form_start(abbreviation: str, text: str, stop: int, floor: int) -> int | None:
    """Where the long form of ``abbreviation`` written just before ``stop`` starts
    ("Eastern Cooperative Oncology Group (ECOG)"), after Schwartz & Hearst (2003): its
    letters appear in order, the first one starting a word; None when there is none."""
    letters = [c.lower() for c in abbreviation if c.isalpha()]
    if len(letters) < 2:
        return None
    words = list(re.finditer(r"[A-Za-z][\w'’-]*", text[floor:stop]))
    for count in range(1, min(len(words), len(letters) + 5) + 1):
        first = words[-count]
        candidate = text[floor + first.start():stop].lower()
        if _letters_in_order(letters, candidate):
            return floor + first.start()
    return None


def abbreviates(abbreviation: str, phrase: str) -> bool:
    """True when ``phrase`` is a long form of ``abbreviation`` ("NYHA": "New York Heart
    Association"): the abbreviation has two capitals or more and its letters appear in the
    phrase in order, the first one starting it."""
    letters = [c.lower() for c in abbreviation if c.isalpha()]
    capitals = sum(1 for c in abbreviation if c.isupper())
    phrase = phrase.strip().lower()
    return capitals >= 2 and len(letters) >= 2 and bool(phrase) and phrase[0] == letters[0] and _letters_in_order(letters, phrase)


def _letters_in_order(letters: list[str], candidate: str) -> bool:
    li = len(candidate) - 1
    for si in range(len(letters) - 1, -1, -1):
        while li >= 0 and (candidate[li] != letters[si] or (si == 0 and li > 0 and candidate[li - 1].isalnum())):
            li -= 1
        if li < 0:
            return False
        li -= 1
    return True
