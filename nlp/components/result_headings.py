"""A test's heading is no result: "Hep B serology: sAg negative, core Ab positive",
"Hepatitis screen: HBsAg negative, anti-HCV negative" name the tests whose results follow;
the heading's own disease is neither negative nor present (the results after it say what
there is). A mention of an infection followed only by a heading word (extraction.yaml
``result_headings``) and a colon, with another test named right after the colon, is such a
heading; "HIV screen: negative" (a result right after the colon) stays HIV's result. A disease
named so with a heading word ("Myositis panel: anti-MDA5 positive", "SLE screen: ANA
negative") is the tests' heading too (a colon alone is not: "SLE: anti-dsDNA 200")."""
from __future__ import annotations

import re
from typing import Any

from nlp.components.doc_cache import doc_text

LABELS = ("INFECTION", "CONDITION")
TESTS = ("INFECTION", "BIOMARKER")


class ResultHeadings:
    def __init__(self, vocabulary: dict[str, Any]):
        words = sorted((str(w).lower() for w in vocabulary.get("result_headings") or ()), key=len, reverse=True)
        self.gap = re.compile(r"\s*(?:(?:%s)\s*)?:\s*" % "|".join(re.escape(w) for w in words), re.IGNORECASE) if words else None
        # a disease's heading needs the heading word
        self.worded = re.compile(r"\s*(?:%s)\s*:\s*" % "|".join(re.escape(w) for w in words), re.IGNORECASE) if words else None

    def heading(self, ents: list[Any], i: int) -> bool:
        """Whether ``ents[i]`` is a heading over the tests named after it."""
        if self.gap is None or ents[i].label_ not in LABELS or i + 1 >= len(ents):
            return False
        following = ents[i + 1]
        if following.label_ not in TESTS:
            return False
        gap = self.worded if ents[i].label_ == "CONDITION" else self.gap
        return gap.fullmatch(doc_text(ents[i].doc), ents[i].end_char, following.start_char) is not None
