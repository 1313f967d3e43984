"""A procedure's kind said by the words beside it (``kinds_by_words`` in
data/nlp/extraction.yaml): "a bone marrow transplant from his sister", "a stem cell transplant
8 months ago from an unrelated donor" and "a cord blood transplant" are allogeneic; "a
transplant with her own stem cells" is autologous. Words of ``after_text`` may stand in the
next sentence ("after his transplant in october. im his donor"). The mention keeps its span; its concept
becomes the kind (a child of the concept in the terminology, so what asks about the parent
still reads it). Words that say neither leave the mention as it was.
"""
from __future__ import annotations

import re
from typing import Any

from spacy.tokens import Doc

from data.errors import DataError
from data.terminology import Terminology
from nlp.components.terms import Candidate


class _Kind:
    def __init__(self, entry: dict[str, Any], terminology: Terminology, where: str):
        self.concept, self.kind = str(entry.get("concept")), str(entry.get("kind"))
        for concept in (self.concept, self.kind):
            if terminology.get(concept) is None:
                raise DataError(where, f"unknown concept {concept!r}")
        if not terminology.is_a(self.kind, self.concept):
            raise DataError(where, f"{self.kind!r} is no kind of {self.concept!r}")
        self.reach = int(entry.get("reach") or 60)
        self.after = _either(entry.get("after"), where, r"\A(?:%s)")
        self.before = _either(entry.get("before"), where, r"(?:%s)\Z")
        # words after the mention that may stand in the next sentence ("after his transplant in
        # october. im his donor": the writer names themself its donor; h176, round 37)
        self.after_text = _either(entry.get("after_text"), where, r"\A(?:%s)")


def _either(patterns: Any, where: str, frame: str) -> re.Pattern | None:
    if not patterns:
        return None
    try:
        return re.compile(frame % "|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
    except re.error as exc:
        raise DataError(where, f"bad pattern: {exc}") from None


class ProcedureKinds:
    def __init__(self, spec: list[dict[str, Any]] | None, terminology: Terminology):
        self.kinds = [_Kind(entry, terminology, f"extraction.yaml.kinds_by_words[{i}]")
                      for i, entry in enumerate(spec or ())]
        self.concepts = frozenset(k.concept for k in self.kinds)

    def __call__(self, doc: Doc, text: str, chosen: list[tuple[Candidate, str, dict]]) -> list[tuple[Candidate, str, dict]]:
        if not self.kinds or not any(c.concept in self.concepts for c, _, _ in chosen):
            return chosen
        out = list(chosen)
        for k, (c, origin, info) in enumerate(chosen):
            if c.concept not in self.concepts:
                continue
            start, end = doc[c.start].idx, doc[c.end - 1].idx + len(doc[c.end - 1])
            sentence = doc[c.start].sent
            for kind in self.kinds:
                if kind.concept != c.concept:
                    continue
                after = text[end:min(sentence.end_char, end + kind.reach)]
                before = text[max(sentence.start_char, start - kind.reach):start]
                if ((kind.after is not None and kind.after.search(after))
                        or (kind.before is not None and kind.before.search(before))
                        or (kind.after_text is not None and kind.after_text.search(text[end:end + kind.reach]))):
                    out[k] = (Candidate(c.start, c.end, c.label, kind.kind, weak=c.weak, fuzzy=c.fuzzy), origin, info)
                    break
        return out
