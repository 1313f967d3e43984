"""A disease said to reach an organ: "lupus with kidney involvement", "SLE with renal
involvement (class IV)", "scleroderma affecting my lungs", "her lupus has spread to her
kidneys", or the disease named right after ("my kidneys are involved with my lupus", "her lungs
are affected by the scleroderma": a phrase with an empty group "after"). The organ phrase names a disease of its own (lupus nephritis, interstitial lung
disease), chosen by the disease named before it in the sentence (``organ_involvement`` in
data/nlp/extraction.yaml): one general rule instead of a term per wording. A misspelt word of
the phrases ("kidney problms", "lung isues", "kidny involvement") is read as the word it is
close to (``typo_words``, rapidfuzz), unless it is a real word ("kidney stones" stays stones).
"""
from __future__ import annotations

import re
from typing import Any

from rapidfuzz import fuzz, process
from spacy.tokens import Doc

from data.errors import DataError
from data.terminology import Terminology
from nlp.components.doc_cache import doc_text, doc_value
from nlp.components.terms import Candidate


_WORD = re.compile(r"[A-Za-z]{5,}")


class OrganInvolvement:
    def __init__(self, spec: dict[str, Any] | None, terminology: Terminology, common_words: frozenset[str] = frozenset()):
        spec = spec or {}
        # the phrases' own words, for their misspellings ("problms", "isues"; h111, round 24);
        # a common English word is never one (``common_words``: "stones", "probes")
        self.typo_words = sorted({str(w).lower() for w in spec.get("typo_words") or ()})
        self.typo_score = float(spec.get("typo_score", 80))
        self.common = common_words
        self.terminology = terminology
        self.window = int(spec.get("window", 8))
        # a phrase naming its disease after it: the disease starts within this many tokens
        self.after_window = int(spec.get("after_window", 4))
        self.sentences_back = int(spec.get("sentences_back", 0))
        self.far_window = int(spec.get("far_window", 0))
        # a "'s" after these words is "is" or "has", no owner ("she's had nephritis twice")
        self.contraction_subjects = frozenset(str(w).lower() for w in spec.get("contraction_subjects") or ())
        try:
            self.phrases = [re.compile(p, re.IGNORECASE) for p in spec.get("phrases") or ()]
        except re.error as exc:
            raise DataError("extraction.yaml.organ_involvement.phrases", f"not a valid regular expression ({exc})") from None
        self.organs: dict[str, str] = {}
        for organ, words in (spec.get("organ_words") or {}).items():
            for word in words:
                self.organs[str(word).lower()] = organ
        self.diseases: dict[str, list[tuple[str, str]]] = {}
        for organ, pairs in (spec.get("diseases") or {}).items():
            for pair in pairs:
                disease, concept = pair
                for known in (disease, concept):
                    if terminology.get(known) is None:
                        raise DataError(f"extraction.yaml.organ_involvement.diseases.{organ}", f"unknown concept {known!r}")
                self.diseases.setdefault(organ, []).append((disease, concept))
        # the organ's own disease when no disease is named ("her kidneys are fine tho"; a
        # phrase with the empty group "plain"; h130, round 28)
        # an organ's state said in the past ("my kidneys were bad in 2020"; h130, round 28)
        self.past_words = frozenset(str(w).lower() for w in spec.get("past_words") or ())
        self.now_words = frozenset(str(w).lower() for w in spec.get("now_words") or ())
        self.organ_alone: dict[str, str] = {}
        for organ, concept in (spec.get("organ_alone") or {}).items():
            if terminology.get(concept) is None:
                raise DataError(f"extraction.yaml.organ_involvement.organ_alone.{organ}", f"unknown concept {concept!r}")
            self.organ_alone[str(organ)] = str(concept)
        # the organ diseases each organ names ("scleroderma and lung fibrosis": the fibrosis is the lungs')
        self.organ_diseases = {organ: {named for _, named in pairs} for organ, pairs in self.diseases.items()}
        # the organ's own disease read by a term ("lung disease": chronic_lung_disease) that a
        # phrase may take over for the disease named beside it (``replaces``; h176, round 37)
        self.replaces = frozenset(str(c) for c in spec.get("replaces") or ())

    def __call__(self, doc: Doc, chosen: list[tuple[Candidate, str, dict]]) -> list[tuple[Candidate, str, dict]]:
        known = tuple(doc_value(doc, "trialbot_known", None) or ()) if doc.has_extension("trialbot_known") else ()
        if not self.phrases:
            return chosen
        text, where = self._corrected(doc_text(doc))
        lower = text.lower()
        if not any(word in lower for word in self.organs):
            return chosen       # every phrase names an organ of ``organ_words`` (round 34, h164)
        taken = {i for c, _, _ in chosen for i in range(c.start, c.end) if c.concept not in self.replaces}
        added = []
        for pattern in self.phrases:
            for match in pattern.finditer(text):
                organ = self.organs.get(match.group("organ").lower())
                span = doc.char_span(where(match.start("span"), False), where(match.end("span"), True), alignment_mode="expand")
                if organ is None or span is None or any(i in taken for i in range(span.start, span.end)):
                    continue
                others = chosen
                if "well" in pattern.groupindex:
                    # the phrase's other words name nothing ("nothing wrong with her kidneys":
                    # not a healthy person)
                    whole = doc.char_span(where(match.start(), False), where(match.end(), True), alignment_mode="expand")
                    if whole is not None:
                        others = [c for c in chosen if not (whole.start <= c[0].start and c[0].end <= span.start)]
                if "after" in pattern.groupindex:
                    concept = self._concept_after(doc, others, where(match.end("after"), True), organ)
                else:
                    concept = self._concept(doc, others, span.start, organ, known)
                if concept is None and "plain" in pattern.groupindex:
                    # "later": only the disease named after it, never the organ's own ("no kidney
                    # problems, just the scleroderma"; h135, round 29)
                    concept = self._alone(doc, others, span.start, organ, known, only_after="later" in pattern.groupindex)
                if concept is not None:
                    # "well": the phrase says the organ is fine ("kidneys normal"): no disease of it
                    info = {"negated": True} if "well" in pattern.groupindex else {}
                    if "plain" in pattern.groupindex and self.past_words and self._said_past(match.group()):
                        info["historical"] = True   # "my kidneys were bad in 2020": of then
                    added.append((Candidate(span.start, span.end, "CONDITION", concept), "pattern", info))
                    taken.update(range(span.start, span.end))
                    # the organ's own disease read on the same words gives way ("dermatomyositis,
                    # rapidly progressive lung disease": the myositis's ILD)
                    chosen = [c for c in others if not (c[0].concept in self.replaces
                                                        and c[0].start < span.end and span.start < c[0].end)]
        return sorted(chosen + added, key=lambda r: r[0].start) if added else chosen

    def _corrected(self, text: str):
        """The text with the phrases' misspelt words written right, and a function taking an
        offset in it back to the text (``end``: an offset that ends a span). A word is tried
        when it is at least five letters, no common word and none of ``typo_words``; it is
        read as the closest one with its first letter scoring ``typo_score`` or more."""
        if not self.typo_words:
            return text, lambda i, end: i
        pieces, fixes, last, delta = [], [], 0, 0      # fixes: (start, end) in the new text, old (start, end)
        for m in _WORD.finditer(text):
            word = m.group().lower()
            if word in self.common or word in self.typo_words:
                continue
            choices = [w for w in self.typo_words if w[0] == word[0]]
            best = process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=self.typo_score) if choices else None
            if best is None:
                continue
            pieces.append(text[last:m.start()])
            start = m.start() + delta
            pieces.append(best[0])
            delta += len(best[0]) - len(word)
            fixes.append((start, start + len(best[0]), m.start(), m.end()))
            last = m.end()
        if not fixes:
            return text, lambda i, end: i
        pieces.append(text[last:])

        def where(i: int, end: bool) -> int:
            shift = 0
            for new_start, new_end, old_start, old_end in fixes:
                if i < new_start or (end and i == new_start):
                    break
                if i < new_end or (end and i == new_end):
                    return old_end if end else old_start
                shift = old_end - new_end
            return i + shift
        return "".join(pieces), where

    def _concept(self, doc: Doc, chosen, start: int, organ: str, known: tuple[str, ...] = ()) -> str | None:
        """The organ's disease for the nearest disease named before the phrase in its
        sentence; with none in the sentence, the last disease named in the sentences just
        before (``sentences_back``: "sclerodema, the diffuse kind. her lungs are affected"),
        unless the organ is someone else's ("her sister's lungs are affected"; not "she's had
        nephritis twice", where "'s" is "has": ``contraction_subjects``). The nearest
        disease decides: another disease's organ ("she had pneumonia. her lungs are
        affected") names none."""
        sentence_start = doc[start].sent.start if doc.has_annotation("SENT_START") else 0
        conditions = [c for c, _, _ in chosen if c.label == "CONDITION" and c.end <= start]
        before = [c for c in conditions if c.start >= max(sentence_start, start - self.window)]
        if not before and self.far_window:
            # a long sentence: the disease it opened with, further back ("diagnosed with lupus
            # 18 months ago, at first only joints and rash but since 6 months her kidneys are
            # affected"; lead, round 38), unless an infection stands nearer ("... then a bad
            # pneumonia and since then her lungs are affected": no disease's lungs)
            far = [c for c, _, _ in chosen if c.label in ("CONDITION", "INFECTION") and c.end <= start
                   and c.start >= max(sentence_start, start - self.far_window)]
            before = far[-1:] if far and far[-1].label == "CONDITION" else []
        if not before and self.sentences_back and sentence_start > 0 and not any(c.start >= sentence_start for c in conditions):
            first = doc[sentence_start - 1].sent
            for _ in range(self.sentences_back - 1):
                if first.start == 0:
                    break
                first = doc[first.start - 1].sent
            if not self._owned(doc, start, sentence_start):
                # an infection named after the disease is the nearest one too ("she had
                # pneumonia. her lungs are affected": no disease's lungs)
                before = [c for c, _, _ in chosen if c.label in ("CONDITION", "INFECTION")
                          and first.start <= c.start and c.end <= start]
        # another organ's disease owns no organ ("scleroderma and lung fibrosis. ... no kidney
        # problems": the scleroderma's kidneys, not the fibrosis's)
        before = [c for c in before if not self._other_organ(c.concept, organ)]
        if not before:
            return self._known_disease(doc, chosen, start, organ, known)
        return self._organ_disease(before[-1].concept, organ)

    def _known_disease(self, doc: Doc, chosen, start: int, organ: str, known: tuple[str, ...]) -> str | None:
        """The organ's disease for the disease the conversation already knows (``known``, the
        patient's conditions told in earlier messages: "my wife has scleroderma", then "no
        kidney trouble so far" or "her lungs are affected now"), when the text itself names no
        disease or infection before the phrase and the organ is nobody else's ("her sister's
        lungs"): the first known disease the organ has a disease for."""
        if not known or any(c.label in ("CONDITION", "INFECTION") and c.end <= start for c, _, _ in chosen):
            return None
        if self._owned(doc, start, 0):
            return None
        for disease in known:
            if self._other_organ(disease, organ):
                continue
            concept = self._organ_disease(disease, organ)
            if concept is not None:
                return concept
        return None

    def _said_past(self, phrase: str) -> bool:
        """The phrase says the organ's state with a verb of the past and no word of now."""
        words = {w.lower() for w in re.findall(r"[A-Za-z']+", phrase)}
        return bool(words & self.past_words) and not words & self.now_words

    def _alone(self, doc: Doc, chosen, start: int, organ: str, known: tuple[str, ...], only_after: bool = False) -> str | None:
        """The organ's own disease (``organ_alone``) for an organ said to be well or ill in
        plain words when nothing before it names a disease or an infection and the
        conversation knows none ("her kidneys are fine tho", "my kidneys are bad"), unless the
        organ is someone else's ("her sister's kidneys are fine")."""
        if known or any(c.label in ("CONDITION", "INFECTION") and c.end <= start for c, _, _ in chosen):
            return None
        if self._owned(doc, start, 0):
            return None
        # a disease named after it in the text decides ("my kidneys have always been fine ...
        # lupus": lupus nephritis; "his heart is fine ... its the myositis": heart disease)
        alone = self.organ_alone.get(organ)
        for c, _, _ in chosen:
            if c.label != "CONDITION" or c.start <= start:
                continue
            if alone is not None and (c.concept == alone or self.terminology.is_a(c.concept, alone)):
                return None     # "my kidneys are ok-ish. i have LN class 3": the organ's disease is named
            if not self._other_organ(c.concept, organ):
                concept = self._organ_disease(c.concept, organ)
                if concept is not None:
                    return concept
        return None if only_after else alone

    def _owned(self, doc: Doc, start: int, first: int) -> bool:
        """An owner's "'s" in the three tokens before the organ (not before ``first``): "her
        sister's lungs" are the sister's; "she's had nephritis" is "she has"
        (``contraction_subjects``)."""
        return any(t.lower_ in ("'s", "’s", "s'") and not (t.i > 0 and doc[t.i - 1].lower_ in self.contraction_subjects)
                   for t in doc[max(first, start - 3):start])

    def _other_organ(self, concept: str, organ: str) -> bool:
        return any(concept in named for other, named in self.organ_diseases.items() if other != organ)

    def _concept_after(self, doc: Doc, chosen, end_char: int, organ: str) -> str | None:
        """The organ's disease for the disease named right after the phrase ("involved with
        my lupus"): the first condition starting within ``after_window`` tokens of its end, in
        the same sentence."""
        first = next((t.i for t in doc if t.idx >= end_char), None)
        if first is None:
            return None
        sentence_end = doc[first].sent.end if doc.has_annotation("SENT_START") else len(doc)
        after = [c for c, _, _ in chosen if c.label == "CONDITION"
                 and first <= c.start <= first + self.after_window and c.end <= sentence_end]
        if not after:
            return None
        return self._organ_disease(min(after, key=lambda c: c.start).concept, organ)

    def _organ_disease(self, disease: str, organ: str) -> str | None:
        """The organ's concept for ``disease`` (``diseases``: the first pair that fits)."""
        for ancestor, concept in self.diseases.get(organ, ()):
            if disease == concept:
                return None     # "lupus nephritis with kidney involvement": said already
            if disease == ancestor or self.terminology.is_a(disease, ancestor):
                return concept
        return None
