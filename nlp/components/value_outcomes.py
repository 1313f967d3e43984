"""A treatment that did not work, said in numbers (issue #13, round 12): "romiplostim since
2023 but platelets persistently 10-20", "ITP. Eltrombopag for 6 months, platelets remain <20",
"on MMF for a year, her proteinuria is still 3 grams". The words "didn't work" are ConText
cues (data/context_rules.json); here a lab value said to persist after a treatment, on the
side of a response bound that no response reaches, fails the treatment.

Data: ``value_outcomes`` in data/nlp/extraction.yaml: the persistence ``cues`` ("still",
"persistently", "remain"), the ``despite`` words for a value written before the treatment
("platelets still 20 despite eltrombopag"), and per analyte the bound in its canonical unit
(``below``: a value under it is no response; ``at_least``: a value at or over it is none).
Only a treatment with no outcome of its own (or taken now) in the same sentence, given to the
patient (not denied, doubted, planned or a relative's), and a current value of the patient.
"""
from __future__ import annotations

import re
from typing import Any

from spacy.tokens import Doc

from core.facts import Fact
from nlp.components.doc_cache import doc_text, sentence_index
from nlp.resources import alternation

_RANGE = re.compile(r"[^.;\n\d]{0,30}?(?P<low>\d+(?:\.\d+)?)\s*(?:-|–|to)\s*(?P<high>\d+(?:\.\d+)?)")


class ValueOutcomes:
    def __init__(self, vocabulary: dict[str, Any]):
        entry = vocabulary.get("value_outcomes") or {}
        self.bounds: dict[str, dict[str, float]] = {str(k): dict(v) for k, v in (entry.get("bounds") or {}).items()}
        for analyte, bound in self.bounds.items():
            if set(bound) - {"below", "at_least"} or len(bound) != 1:
                raise ValueError(f"extraction.yaml value_outcomes.bounds.{analyte}: one of below / at_least")
        cues, despite = entry.get("cues") or (), entry.get("despite") or ()
        self.cues = re.compile(r"(?<![\w'])(?:%s)(?![\w'])" % alternation(cues), re.IGNORECASE) if cues else None
        self.despite = re.compile(r"(?<![\w'])(?:%s)(?![\w'])" % alternation(despite), re.IGNORECASE) if despite else None

    def __call__(self, doc: Doc, facts: list[Fact]) -> None:
        if self.cues is None or not self.bounds:
            return
        text = doc_text(doc)
        sentences = sentence_index(doc)
        labs = [f for f in facts if f.label == "LAB" and f.concept in self.bounds and self._not_responding(f, text)]
        for lab in labs:
            if lab.negated or lab.historical or lab.hypothetical or lab.family or lab.uncertain:
                continue
            start, end = sentences.bounds(lab.start)
            treatments = sorted((f for f in facts if f.label in ("DRUG", "PROCEDURE") and start <= f.start < end),
                                key=lambda f: f.start)
            before = [f for f in treatments if f.end <= lab.start]
            after = [f for f in treatments if f.start >= lab.end]
            # the treatment the value is said of: the last one before it ("Rituximab 2023,
            # eltrombopag 2024, romiplostim current - plt still <20": romiplostim), or the
            # first after it with "despite" ("platelets still 20 despite eltrombopag")
            if before and self.cues.search(text, before[-1].end, min(end, lab.end + 40)):
                self._fail(before[-1])
            elif (after and self.despite is not None and self.cues.search(text, lab.start, after[0].start)
                  and self.despite.search(text, lab.end, after[0].start)):
                self._fail(after[0])

    @staticmethod
    def _fail(treatment: Fact) -> None:
        if (treatment.status in (None, "current") and not (treatment.negated or treatment.hypothetical
                                                           or treatment.family or treatment.uncertain)):
            treatment.status = "failed"

    def _not_responding(self, lab: Fact, text: str) -> bool:
        if lab.value is None or lab.value_normalized is None or lab.uln_multiple is not None:
            return False
        scale = lab.value_normalized / lab.value if lab.value else 1.0
        value, comparator = lab.value_normalized, lab.comparator
        if comparator == ">=":        # a range ("10-20"): its high end, if it is written
            found = _RANGE.match(text, lab.end)
            if found is None or float(found.group("low")) != lab.value:
                return False
            value, comparator = float(found.group("high")) * scale, "<="
        bound = self.bounds[lab.concept]
        if "below" in bound:
            # "still under 30": every value below the bound, so no response either
            return comparator in (None, "==", "<", "<=") and (
                value < bound["below"] or (comparator == "<" and value <= bound["below"]))
        return comparator in (None, "==", ">", ">=") and value >= bound["at_least"]
