"""A class named as a heading is no mention: "DMARDs: methotrexate (2016-2019), leflunomide",
"Biologics: adalimumab 2020-2022", "Steroids: three courses of prednisolone", "Infections:
neutropenic sepsis x2", "Contraception: Mirena IUS" head the list after the colon; the drugs
(or infections, the method) listed say what there is, the heading word itself says nothing
(it would read as a current "DMARD" of its own). A class is a terminology concept with
a narrower concept under it alone (csDMARD, biologic, glucocorticoid, contraception, infection); the
heading opens its line (a bullet and up to two words before it: "Previous DMARDs:") and
something other than an empty answer follows the colon ("Biologics: nil" says there were none:
kept, negated as before). Words of an empty answer: extraction.yaml ``class_headings``."""
from __future__ import annotations

import re
from typing import Any

from data.terminology import Terminology
from nlp.components.doc_cache import doc_text

LABELS = ("DRUG", "INFECTION", "PROCEDURE")
_BEFORE = re.compile(r"(?:^|\n)[ \t]*(?:[-*\u2022][ \t]*)?(?:[A-Za-z][\w'/-]*[ \t]+){0,2}$")
# the colon right after the class, or after a second class joined by a slash and one of the
# heading's tail words (extraction.yaml ``class_headings.tails``): "DMARD history:",
# "Biologic/targeted history:", "Infection screen:" (h96, round 21)
_AFTER = re.compile(r"[ \t]*:[ \t]*([^\n]*)")
_BULLET = re.compile(r"\n[ \t]*(?:[-*\u2022]|\d{1,2}[.)])[ \t]*([^\n]*)")


class ClassHeadings:
    def __init__(self, terminology: Terminology, vocabulary: dict[str, Any]):
        # a class: a concept a narrower one sits under alone (a regimen under each of its
        # drugs does not make prednisone a class)
        self.classes = frozenset(c.parents[0] for c in terminology.concepts.values() if len(c.parents) == 1)
        words = sorted((str(w).lower() for w in (vocabulary.get("class_headings") or {}).get("empty_answers", ())), key=len, reverse=True)
        self.empty = re.compile(r"(?:%s)\b" % "|".join(re.escape(w) for w in words), re.IGNORECASE) if words else None
        tails = sorted((str(w).lower() for w in (vocabulary.get("class_headings") or {}).get("tails", ())), key=len, reverse=True)
        self.after = re.compile(r"(?:[ \t]*/[ \t]*[A-Za-z][\w-]*)?(?:[ \t]+(?:%s))?[ \t]*:[ \t]*([^\n]*)" % "|".join(re.escape(w) for w in tails),
                                re.IGNORECASE) if tails else _AFTER

    def heading(self, ent: Any) -> bool:
        """Whether ``ent`` is a class heading over a list ("DMARDs: methotrexate, ...")."""
        if ent.label_ not in LABELS or ent.kb_id_ not in self.classes:
            return False
        text = doc_text(ent.doc)
        after = self.after.match(text, ent.end_char)
        if after is None or not _BEFORE.search(text, max(0, ent.start_char - 60), ent.start_char):
            return False
        listed, end = after.group(1).strip(), after.end()
        if not listed:          # a heading alone on its line: the first bulleted line under it
            bullet = _BULLET.match(text, after.end())
            listed, end = (bullet.group(1).strip(), bullet.end()) if bullet else ("", end)
        if not listed or (self.empty is not None and self.empty.match(listed.lstrip("-*\u2022 \t"))):
            return False
        # a list of its own kind follows: the first thing named after the colon is a drug under
        # "DMARDs:", an infection under "Infections:" ("hepatitis B: immune" is a result)
        following = next((e for e in ent.doc.ents if e.start_char >= after.start() + 1 and e.start_char > ent.end_char), None)
        return following is not None and following.start_char <= end and following.label_ == ent.label_
