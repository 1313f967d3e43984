"""A count with no analyte named: "ITP since 2019. Her count is still under 30", "she has
ITP, her counts are around 15". The count is the analyte the discussion is about: one named
in its sentence before it or in the sentences just before (a disease of it, the lab itself
or a drug for it: ``bare_counts`` in data/nlp/extraction.yaml). With no such topic, or with
two ("ITP and neutropenia ... counts still low"), it is nothing: a "count" alone after a
leukaemia means every blood count.
"""
from __future__ import annotations

import re
from typing import Any, Callable

from spacy.tokens import Doc

from data.errors import DataError
from data.terminology import Terminology
from nlp.components.doc_cache import doc_text
from nlp.components.terms import Candidate

WHERE = "extraction.yaml.bare_counts"


class BareCounts:
    def __init__(self, spec: dict[str, Any] | None, terminology: Terminology):
        spec = spec or {}
        self.terminology = terminology
        self.sentences_back = int(spec.get("sentences_back", 1))
        try:
            self.phrase = re.compile(spec["phrase"], re.IGNORECASE) if spec.get("phrase") else None
        except re.error as exc:
            raise DataError(f"{WHERE}.phrase", f"not a valid regular expression ({exc})") from None
        self.topics: dict[str, tuple[str, ...]] = {}
        for analyte, concepts in (spec.get("topics") or {}).items():
            for concept in (analyte, *concepts):
                if terminology.get(concept) is None:
                    raise DataError(f"{WHERE}.topics.{analyte}", f"unknown concept {concept!r}")
            self.topics[analyte] = (analyte, *concepts)
        # other counts named near it make "count" ambiguous ("neutrophils 0.8. count 20",
        # "ITP and neutropenia. her counts are 20"): concepts, and words no concept holds
        self.competing = tuple(spec.get("competing") or ())
        for concept in self.competing:
            if terminology.get(concept) is None:
                raise DataError(f"{WHERE}.competing", f"unknown concept {concept!r}")
        words = [str(w) for w in spec.get("competing_words") or ()]
        self.competing_words = re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b", re.IGNORECASE) if words else None

    def __call__(self, doc: Doc, chosen: list[tuple[Candidate, str, dict]],
                 measure: Callable[[Doc, Candidate], dict]) -> list[tuple[Candidate, str, dict]]:
        """``chosen`` with a LAB candidate for each bare count that has one topic and a
        value after it (``measure``: the recogniser's value reader for a candidate)."""
        if self.phrase is None or not chosen or not self.topics:
            return chosen
        text = doc_text(doc)
        if "count" not in text.lower():
            return chosen
        taken = {i for c, _, _ in chosen for i in range(c.start, c.end)}
        added = []
        for match in self.phrase.finditer(text):
            span = doc.char_span(*match.span("span"), alignment_mode="expand")
            if span is None or any(i in taken for i in range(span.start, span.end)):
                continue
            analyte = self._topic(doc, chosen, span.start)
            if analyte is None:
                continue
            candidate = Candidate(span.start, span.end, "LAB", analyte)
            info = measure(doc, candidate)
            reading = info.get("reading")
            if reading is None or reading.value is None:
                continue        # "her counts are better": no number, nothing to judge
            added.append((candidate, "pattern", info))
            taken.update(range(span.start, span.end))
        return sorted(chosen + added, key=lambda r: r[0].start) if added else chosen

    def _topic(self, doc: Doc, chosen, start: int) -> str | None:
        """The one analyte named (by itself or a topic concept) from ``sentences_back``
        sentences before the count's up to the count; None for none or several, or
        another count named there."""
        first = doc[start].sent if doc.has_annotation("SENT_START") else doc[:]
        for _ in range(self.sentences_back):
            if first.start == 0:
                break
            first = doc[first.start - 1].sent
        found = set()
        if self.competing_words is not None and self.competing_words.search(doc_text(doc), doc[first.start].idx, doc[start].idx):
            return None
        for candidate, _, _ in chosen:
            if candidate.start < first.start or candidate.end > start:
                continue
            if candidate.concept in self.competing:
                return None
            for analyte, concepts in self.topics.items():
                if any(candidate.concept == c or self.terminology.is_a(candidate.concept, c) for c in concepts):
                    found.add(analyte)
        return found.pop() if len(found) == 1 else None
