"""The disease a trial is asked for is the patient's ("Query eligibility for trials in RA",
"?CAR-T for her lupus", "He would like to know about trials for AML not responding to aza/ven",
"Query eligibility for UC trials"): the request is hypothetical, the disease it names is not.
A doubt or hypothesis cue written before the trial word ("query", "?", "would", "if
inadequate, query ...") is about the trial; it does not reach the disease named after "trial(s)
in / for" (or just before the trial word). A cue between the trial word and the disease ("trials
for possible lupus", "a trial in case she relapses") still holds (extraction.yaml
``trial_subject``)."""
from __future__ import annotations

import re
from typing import Any

from spacy.tokens import Span

from core.facts import Fact
from nlp.components.doc_cache import doc_text
from nlp.resources import alternation

_SUBJECTS = ("CONDITION", "BIOMARKER")
_DOUBTS = ("POSSIBLE_EXISTENCE", "HYPOTHETICAL")


class TrialSubject:
    def __init__(self, vocabulary: dict[str, Any]):
        section = vocabulary.get("trial_subject") or {}
        trials = section.get("trial_words") or ()
        joins = section.get("joins") or ()
        fillers = section.get("fillers") or ()
        self.reach = int(section.get("reach", 60))
        if not trials or not joins:
            self.before = self.after = self.join = self.trial = self.owner = None
            return
        trial = rf"(?<!\w)(?:{alternation(trials)})(?!\w)"
        filler = rf"(?:(?:{alternation(fillers)})(?!\w)\s*)*" if fillers else ""
        # "trials in", "a CAR-T or other trial in", "trial for patients with": the words just
        # before the disease (fillers: "her", "patients with", "difficult-to-treat")
        # "a trial of a new agent in ANCA vasculitis": the trial's drug named between
        of_what = r"(?:of\s+(?:[\w-]+\s+){1,4}?)?"
        self.before = re.compile(rf"{trial}\s+{of_what}(?:{alternation(joins)})\s+{filler}$", re.IGNORECASE)
        self.trial = re.compile(trial, re.IGNORECASE)
        # "UC trials", "perianal Crohn's trials": the disease just before the trial word
        self.after = re.compile(rf"\s*({trial})", re.IGNORECASE)
        owners = section.get("question_owners") or ()
        self.owner = re.compile(rf"(?<!\w)(?:{alternation(owners)})(?!\w)", re.IGNORECASE) if owners else None
        asks = section.get("request_words") or ()
        self.join = re.compile(rf"(?<!\w)(?:{alternation(tuple(joins) + tuple(asks))})(?!\w)", re.IGNORECASE)

    def __call__(self, ents: list[Span], facts: list[Fact]) -> None:
        if self.before is None or not ents:
            return
        text = doc_text(ents[0].doc)
        pairs = list(zip(ents, facts))
        for index, (ent, fact) in enumerate(pairs):
            if fact.label not in _SUBJECTS or fact.negated or fact.family:
                continue
            if not (fact.uncertain or fact.hypothetical):
                continue
            trial_start = self._trial_before(text, pairs, index)
            if trial_start is None:
                trial_start = self._trial_after(text, pairs, index)
            if trial_start is None:
                continue
            doubts = [m for m in ent._.modifiers if m.category in _DOUBTS]
            if any(not self._about_a_request(ent, m, trial_start, text) for m in doubts):
                continue    # "trials for possible lupus", "?lupus trial": the doubt is the disease's own
            fact.uncertain = fact.hypothetical = False

    def _about_a_request(self, ent: Span, modifier: Any, trial_start: int, text: str) -> bool:
        """A cue before the trial word with a "for" / "in" / "about" between it and the disease:
        it asks about the trial ("Query eligibility for UC trials"), not whether she has UC."""
        doc = ent.doc
        start = doc[modifier.modifier_span[0]].idx
        end = doc[modifier.modifier_span[1] - 1].idx + len(doc[modifier.modifier_span[1] - 1])
        if self.trial.match(text, start) and start >= trial_start:
            return True     # the trial word's own cue ("a lupus trial", "trial of"): the request's
        if (text[start:end] == "?" and start >= ent.end_char and not text[ent.end_char:start].strip(" )")
                and self.owner is not None and self.owner.search(text, ent.sent.start_char, trial_start)):
            return True     # "eligible for CD19 CAR-T in SLE?": the question mark ends the request (h91, round 20)
        return start < trial_start and end <= ent.start_char and self.join.search(text, end, ent.start_char) is not None

    def _trial_before(self, text: str, pairs: list, index: int) -> int | None:
        """Where the trial word stands when the disease is named after "trial(s) in / for", with
        only other subjects between ("trials in sJIA / Still's disease", "Still's with MAS")."""
        ent = pairs[index][0]
        start = ent.start_char
        for earlier, fact in reversed(pairs[:index]):
            if earlier.sent.start != ent.sent.start or fact.label not in _SUBJECTS:
                break
            between = text[earlier.end_char:start]
            if not re.fullmatch(r"[\s/,-]*(?:(?:and|or|with)\s+)?[\s/-]*", between, re.IGNORECASE) \
                    and not re.fullmatch(r"[\s-]*(?:mutated|positive|negative|associated|related)?[\s-]*", between,
                                         re.IGNORECASE):
                break
            start = earlier.start_char
        window = text[max(ent.sent.start_char, start - self.reach):start]
        match = self.before.search(window)
        if match is None:
            return None
        return start - len(window) + match.start()

    def _trial_after(self, text: str, pairs: list, index: int) -> int | None:
        """Where the trial word stands when it follows the disease ("UC trials", "a lupus trial")."""
        ent = pairs[index][0]
        end = ent.end_char
        for later, fact in pairs[index + 1:]:
            if later.sent.start != ent.sent.start or fact.label not in _SUBJECTS:
                break
            if not re.fullmatch(r"[\s/,-]*(?:(?:and|or|with)\s+)?[\s/-]*", text[end:later.start_char], re.IGNORECASE):
                break
            end = later.end_char
        match = self.after.match(text, end, ent.sent.end_char)
        return match.start(1) if match else None
