"""A bare age: a number with no "years" or "aged" that is clearly the patient's age by where
it stands (extraction.yaml ``bare_ages``): after a diagnosis and a comma, ending the clause
("RA, 63.", "my son has ITP, 12.", "UC, 29, on vedolizumab"), or between a relation word and
a diagnosis ("my daughter 22 lupus"), or after a relation word ending the message ("..., my
husband 48"). Only a plausible age (``plausible``), only when the
message holds no other age, never after a lab ("hb 9, 8": no diagnosis before it). An age the
writer corrects right after it ("im 52... wait no 25 lol", "age 300, sorry typo, 30!", "shes 45,
sorry i mean 54"; ``corrected_by``) is the corrected number (h150, round 32). A two-digit age
written right after the diagnosis with no comma, maybe with a sex letter or word, then a pause
("DERMATOMYOSITIS 52 M.", "T-LBL 19 f, in remission", "sle 33, pregnant"; ``right_after_diagnosis``)
is the age, and its sex letter the patient's sex (h176, round 37).
"""
from __future__ import annotations

import re
from typing import Any

from spacy.tokens import Doc

from data.errors import DataError
from nlp.components.doc_cache import doc_text
from nlp.components.speaker import relations
from nlp.components.terms import Candidate

WHERE = "extraction.yaml.bare_ages"


class BareAges:
    def __init__(self, spec: dict[str, Any] | None):
        spec = spec or {}
        low, high = spec.get("plausible", [0, 110])
        self.plausible = (float(low), float(high))
        self.labels = frozenset(spec.get("after_labels") or ("CONDITION",))
        self.after = self._compile(spec.get("after_diagnosis"), "after_diagnosis")
        self.before = self._compile(spec.get("relation_before_diagnosis"), "relation_before_diagnosis")
        self.opening = self._compile(spec.get("opening_before_diagnosis"), "opening_before_diagnosis")
        self.onset = self._compile(spec.get("onset_told_by_age"), "onset_told_by_age")
        self.now_after_onset = self._compile(spec.get("now_after_onset"), "now_after_onset")
        self.corrected_by = self._compile(spec.get("corrected_by"), "corrected_by")
        self.relation_at_end = self._compile(spec.get("relation_at_end"), "relation_at_end")
        self.right_after = self._compile(spec.get("right_after_diagnosis"), "right_after_diagnosis")
        self.bracket_after = self._compile(spec.get("bracket_after_diagnosis"), "bracket_after_diagnosis")

    @staticmethod
    def _compile(pattern: str | None, key: str) -> re.Pattern | None:
        if not pattern:
            return None
        try:
            return re.compile(pattern, re.IGNORECASE)
        except re.error as exc:
            raise DataError(f"{WHERE}.{key}", f"not a valid regular expression ({exc})") from None

    def __call__(self, doc: Doc, chosen: list[tuple[Candidate, str, dict]]) -> list[tuple[Candidate, str, dict]]:
        """``chosen`` with an AGE candidate for the one bare age found (none when the
        message already names an age, or two places read as one)."""
        if not chosen or any(c.label == "AGE" for c, _, _ in chosen):
            return chosen
        text = doc_text(doc)
        taken = {i for c, _, _ in chosen for i in range(c.start, c.end)}
        found: dict[tuple[int, int], float] = {}
        sexes: dict[tuple[int, int], tuple[int, int]] = {}   # an age's span -> its sex letter's
        for candidate, _, _ in chosen:
            if candidate.label not in self.labels:
                continue
            start_char = doc[candidate.start].idx
            end_char = doc[candidate.end - 1].idx + len(doc[candidate.end - 1])
            if self.after is not None:
                match = self.after.match(text, end_char)
                if match is not None:
                    found[match.span("value")] = float(match.group("value"))
            if self.right_after is not None and candidate.label == "CONDITION":
                # "DERMATOMYOSITIS 52 M.", "t-lbl 19 f, in remission": no comma before the age
                match = self.right_after.match(text, end_char)
                if match is None and self.bracket_after is not None:
                    match = self.bracket_after.match(text, end_char)   # "lupus (26)" (h181, round 38)
                if match is not None:
                    found[match.span("value")] = float(match.group("value"))
                    if match.group("sex"):
                        sexes[match.span("value")] = match.span("sex")
            if self.before is not None:
                match = self.before.search(text[max(0, start_char - 60):start_char])
                offset = max(0, start_char - 60)
                if match is not None and match.groupdict().get("opening") is not None and offset > 0:
                    match = None        # the window's start, not the message's
                if match is not None and relations().relation_of(match.group("relation")) is not None:
                    s, e = match.span("value")
                    found[(s + offset, e + offset)] = float(match.group("value"))
        for candidate, _, _ in chosen:
            # "... 29, crohns with a fistula", "... 69, on abatacept": opening a sentence (h150)
            if self.opening is None or candidate.label not in ("CONDITION", "DRUG"):
                continue
            start_char = doc[candidate.start].idx
            offset = max(0, start_char - 40)
            match = self.opening.search(text[offset:start_char])
            if (match is None or (match.group("opening") is not None and offset > 0)
                    or (candidate.label == "DRUG") != (match.group("on") is not None)):
                continue
            s, e = match.span("value")
            found[(s + offset, e + offset)] = float(match.group("value"))
        if self.relation_at_end is not None:
            # "..., lupus on mmf and hcq, my husband 48": a relation and its age end the message (h155)
            match = self.relation_at_end.search(text, max(0, len(text) - 40))
            if match is not None and relations().relation_of(match.group("relation")) is not None:
                found[match.span("value")] = float(match.group("value"))
        found.update(self._now_after_onset(text, chosen, doc))
        ages = [(span, value) for span, value in found.items() if self.plausible[0] <= value <= self.plausible[1]]
        if len(ages) != 1:
            return chosen
        (start, end), value = ages[0]
        span = doc.char_span(start, end)
        if span is None or any(i in taken for i in range(span.start, span.end)):
            return chosen
        meta = {"value": value, "unit": "years", "value_normalized": value, "unit_normalized": "years",
                "implausible": False}
        added = [(Candidate(span.start, span.end, "AGE", "age"), "pattern", meta)]
        letter = doc.char_span(*sexes[(start, end)]) if (start, end) in sexes else None
        if (letter is not None and not any(i in taken for i in range(letter.start, letter.end))
                and not any(c.label == "SEX" for c, _, _ in chosen)):
            concept = "female" if letter.text[:1].lower() == "f" else "male"
            added.append((Candidate(letter.start, letter.end, "SEX", concept), "pattern", {}))
        return sorted(chosen + added, key=lambda r: r[0].start)

    def corrected(self, doc: Doc, chosen: list[tuple[Candidate, str, dict]]) -> list[tuple[Candidate, str, dict]]:
        """``chosen`` with each age the writer corrects right after it (``corrected_by``: "52...
        wait no 25", "300, sorry typo, 30!") moved to the corrected number, when that is a
        plausible age no other candidate covers."""
        if self.corrected_by is None or not any(c.label == "AGE" for c, _, _ in chosen):
            return chosen
        text = doc_text(doc)
        taken = {i for c, _, _ in chosen for i in range(c.start, c.end)}
        out = []
        for candidate, origin, info in chosen:
            if candidate.label == "AGE":
                end_char = doc[candidate.end - 1].idx + len(doc[candidate.end - 1])
                match = self.corrected_by.match(text, end_char)
                value = float(match.group("value")) if match is not None else None
                span = doc.char_span(*match.span("value")) if match is not None else None
                if (span is not None and self.plausible[0] <= value <= self.plausible[1]
                        and not any(i in taken for i in range(span.start, span.end))):
                    info = {**info, "value": value, "value_normalized": value, "implausible": False}
                    candidate = Candidate(span.start, span.end, "AGE", candidate.concept)
            out.append((candidate, origin, info))
        return sorted(out, key=lambda r: r[0].start)

    def _now_after_onset(self, text: str, chosen: list[tuple[Candidate, str, dict]], doc: Doc) -> dict[tuple[int, int], float]:
        """A story told by ages that ends with the age of now ("Myasthenia since age 30;
        thymectomy at 32; now 41.", "had chemo as a teenager, now 45 and diagnosed with
        scleroderma"): the "now N" after an onset told by age (``onset_told_by_age``), not
        right after a lab value ("plt 20 at 3pm, now 45": no age) (h110, round 24)."""
        if self.onset is None or self.now_after_onset is None:
            return {}
        onset = self.onset.search(text)
        if onset is None:
            return {}
        labs = [doc[c.end - 1].idx + len(doc[c.end - 1]) for c, _, _ in chosen if c.label in ("LAB", "SCORE")]
        found: dict[tuple[int, int], float] = {}
        for match in self.now_after_onset.finditer(text, onset.end()):
            if any(0 <= match.start() - end <= 30 for end in labs):
                continue
            found[match.span("value")] = float(match.group("value"))
        return found
