"""Sections of a clinical note that date what they list: everything under a "Past Medical
History:" heading, or after "her past medical history is remarkable for", is history.

The heading names and the words that open a list after them are data (data/nlp/
extraction.yaml ``history_sections``). A heading section runs to the next heading line
("Medications:", "Social History:") or to a blank line after its first item; one with its
items on its own line ("PMH: no CNS involvement.") to that line's end and the bulleted lines
under it; a heading
alone on its line without a colon ("Background", "Past medical history") lists only the
bulleted or numbered lines right under it ("- Hypertension"), so the unbulleted "Current
problem" that follows is not history; a sentence that opens a history list runs to its
end, and so does a heading written inside a line ("... failed infliximab. PMH: prostate
cancer 2015."); a new subject ends a heading's list ("PMH: migraine She has had lupus since
2012", "PMH: asthma. Her mother has lupus"). Conditions, infections, procedures and drugs in it become historical, unless a drug
is said to be taken now. A treatment with no outcome on a "Reason for referral:" line is
what the letter asks for: hypothetical. Treatments on a "Previous medication:" line are over
(``therapy_line_headings``), up to another heading written in the line ("Past treatments:
IVIG, romiplostim. Current: fostamatinib."), and a drug on an "Allergies:" line was not tolerated
(``allergy_headings``).
"""
from __future__ import annotations

import re
from typing import Any
from nlp.components.episodes import kept_on_treatment
from nlp.resources import alternation, vocabulary

LABELS = ("CONDITION", "INFECTION", "PROCEDURE", "DRUG", "LAB", "SCORE", "WEIGHT")
_NEXT_HEADING = re.compile(r"^[ \t]*[A-Za-z][A-Za-z /&()-]{1,40}:", re.MULTILINE)
_BLANK = re.compile(r"\n[ \t]*\n")
# where an item of a heading's line ends: the next item (";") or a sentence's end (a comma may
# join what is said of the item: "T-ALL 2024, relapsed")
_ITEM_END = re.compile(r";|\.(?:\s|$)")
# another heading written inside the line after a sentence ends (". Current: fostamatinib")
_INLINE_HEADING = re.compile(r"[.;][ \t]+[A-Za-z][A-Za-z /&-]{1,30}:")
# a heading opening a new sentence of the line ("PMH: HTN. Dx now: dcSSc w/ ILD"): it ends the
# history list before it (a capital after a full stop; h141, round 30)
_HEADING_AFTER_SENTENCE = re.compile(r"\.[ \t]+[A-Z][A-Za-z /&-]{0,30}:")
_SENTENCE_END = re.compile(r"(?<!\bDr)(?<!\bvs)\.(?:\s|$)|\n")
# the bulleted or numbered lines right under a heading line ("- HTN", "* asthma", "2. COPD")
_BULLETS = re.compile(r"(?:\n[ \t]*(?:[-*\u2022\u2013\u00b7]|\d{1,2}[.)])[ \t]+[^\n]*)+")


# a date as letters write one: "02/2023", "5/6/2024", "2019", "June 2024", "Jan 2025"
_DATE = (r"(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{1,2}[/.-]\d{4}|(?:19|20)\d{2}"
         r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(?:19|20)\d{2})")


def _test_to_do(text: str, start: int, end: int) -> bool:
    """A test word of ``infection_tests`` after an infection on a plan line, in its clause
    ("Plan: hepatitis B and HIV serology", "Recommendation: HIV test"): a test to be done,
    its result unknown (h86, round 19)."""
    stop = re.search(r"[.;,:(]", text[start:end])
    clause = text[start:start + stop.start() if stop else end].lower()
    after = vocabulary().get("infection_tests", {}).get("after") or ()
    return any(re.search(rf"\b{re.escape(str(w).lower())}\b", clause) for w in after)


def _line_end(text: str, start: int) -> int:
    """The end of the line ``start`` stands in (the text's end for its last line)."""
    end = text.find("\n", start)
    return len(text) if end < 0 else end


def _listed_on_its_line(text: str, start: int) -> int:
    """Where a heading's list ends when the heading line holds it whole: a line that goes on
    after the colon and ends its sentence ("PMH: hypertension; AF on apixaban; cholecystectomy
    2010.") lists no more on the lines below ("No history of pancreatitis. HBsAg negative ..."
    is the letter going on); a line with no full stop at its end, or nothing after the colon,
    may go on below (the text's end: no limit)."""
    end = _line_end(text, start)
    listed = text[start:end].strip()
    if not listed or listed[-1] not in ".;":
        return len(text)
    bullets = _BULLETS.match(text, end)     # and the bulleted lines right under it
    return bullets.end() if bullets else end


def _taken_in_a_later_sentence(text: str, start: int, where: int) -> bool:
    """A treatment said to be taken ("on apixaban") in a sentence after the one a plan heading
    opens ("Plan: BV, then allo if chemosensitive. VTE 2025, on apixaban."): taken now, not
    planned (h156, round 33)."""
    return _SENTENCE_END.search(text, start, where) is not None and _TAKEN_ON.search(text[max(start, where - 12):where]) is not None


_TAKEN_ON = re.compile(r"\bon[ \t]+$", re.IGNORECASE)


def _line_or_sentence_end(text: str, match: re.Match) -> int:
    """Where what a heading written on a line lists ends: its line, or its sentence when the
    line goes on with another ("Current meds: tacrolimus 3mg bd, pred 5mg. Previous: CYC x6
    2021": the current list ends at the full stop)."""
    end = _line_end(text, match.end())
    stop = _SENTENCE_END.search(text, match.end(), end)
    return stop.start() if stop else end


class HistorySections:
    def __init__(self, vocabulary: dict[str, Any], terminology: Any = None):
        # the markers of the disease itself (CD7, NPM1: no ``antibody`` flag) on a presentation line
        # stay the disease's; an autoantibody measured then is a value of then (h91, round 20)
        self.terminology = terminology
        settings = vocabulary.get("history_sections") or {}
        names = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(settings.get("headings", []), key=len, reverse=True))
        opens = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(settings.get("list_openers", []), key=len, reverse=True))
        self.heading = re.compile(rf"^[ \t]*(?:{names})[ \t]*:", re.IGNORECASE | re.MULTILINE) if names else None
        listed = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(
            [*settings.get("headings", []), *settings.get("list_headings", [])], key=len, reverse=True))
        self.bare_heading = re.compile(rf"^[ \t]*(?:{listed})[ \t]*:?[ \t]*$", re.IGNORECASE | re.MULTILINE) if listed else None
        self.sentence = (re.compile(rf"\b(?:{names})\s+(?:{opens})\b", re.IGNORECASE) if names and opens else None)
        # a heading written inside a line ("67M with UC, failed infliximab. PMH: prostate cancer
        # treated 2015."): what follows it to the end of its sentence is history
        self.inline = re.compile(rf"(?<![\w-])(?:{names})[ \t]*:", re.IGNORECASE) if names else None
        # a new subject ends what a heading lists, with or without a full stop before it ("PMH:
        # hypothyroidism, migraine She has had lupus since 2012 ...", "PMH: asthma. Her mother has
        # lupus"): written with its capital, as a sentence opens (``new_subject_words``)
        subjects = settings.get("new_subject_words") or []
        # (a habit may close its own clause: "Non-smoker, drinks socially")
        self.new_subject = (re.compile(r"(?<![\w-])(?:%s)(?=[\s,;:])" % "|".join(
            re.escape(str(w)).replace(r"\ ", r"\s+") for w in sorted(subjects, key=len, reverse=True))) if subjects else None)
        # ... and in small letters after a full stop, as chat messages write a new sentence
        # ("pmh: AF s/p rf ablation 2020, T2DM. new dermatomyositis 09/2026": the illness of now;
        # ``new_subject_after_stop``; h187, round 39)
        after_stop = settings.get("new_subject_after_stop") or []
        self.new_subject_after_stop = (re.compile(r"\.[ \t]+(?:%s)(?=[\s,;:])" % "|".join(
            re.escape(str(w)).replace(r"\ ", r"\s+") for w in sorted(after_stop, key=len, reverse=True)), re.IGNORECASE)
            if after_stop else None)
        # a cheap gate: the last word of every heading ("history", "hx", "pmh") must occur
        self.gate = frozenset(n.split()[-1].lower() for n in [*settings.get("headings", []), *settings.get("list_headings", [])])
        # a heading line of its own over a list of treatments ("things she has tried:", "Previous
        # treatments:", "Stopped:"): the treatments listed under it are over
        words = "|".join(re.escape(w) for w in settings.get("therapy_heading_words", []))
        self.therapy_heading = (re.compile(rf"^[ \t]*(?:[\w'/-]+[ \t]+){{0,5}}?(?:{words})(?:[ \t]+[\w'/-]+){{0,3}}[ \t]*:[ \t]*$",
                                           re.IGNORECASE | re.MULTILINE) if words else None)
        self.therapy_gate = frozenset(str(w).lower() for w in settings.get("therapy_heading_words", []))
        words = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in settings.get("comorbidity_headings", []))
        now_words = settings.get("comorbidity_item_now") or ()
        self.comorbidity_item_now = re.compile(r"\b(?:%s)\b" % alternation(now_words), re.IGNORECASE) if now_words else None
        now_words = settings.get("bracket_now_words") or ()
        self.bracket_now = (re.compile(r"(?<![\w-])(?:%s)(?![\w-])" % alternation(now_words), re.IGNORECASE)
                            if now_words else None)
        self.comorbidity_heading = re.compile(rf"^[ \t]*(?:{words})[ \t]*:", re.IGNORECASE | re.MULTILINE) if words else None
        self.comorbidity_gate = frozenset(str(w).lower() for w in settings.get("comorbidity_headings", []))
        # a heading that opens a line of treatments that are over ("Previous medication: AZA
        # (stopped - nausea); CYC (2021)"): what its line names
        lines = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(settings.get("therapy_line_headings", []), key=len, reverse=True))
        self.therapy_line = (re.compile(rf"(?:^|(?<=[.;!?])|(?<=[.;!?][ \t]))[ \t]*(?:{lines})[ \t]*:", re.IGNORECASE | re.MULTILINE)
                             if lines else None)
        self.therapy_line_gate = frozenset(n.split()[0].lower() for n in settings.get("therapy_line_headings", []))
        # "Allergies: vancomycin (red man syndrome)": a drug on the line was not tolerated
        allergies = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(settings.get("allergy_headings", []), key=len, reverse=True))
        # at a line's start, or after a sentence of a note written as one paragraph ("... No
        # history of DVT. Allergies: sulfa (Stevens-Johnson syndrome), latex. T 38.3"; h131)
        self.allergy_line = re.compile(rf"(?:^[ \t]*|(?<=[.;])[ \t]+)(?:{allergies})[ \t]*:",
                                       re.IGNORECASE | re.MULTILINE) if allergies else None
        # a line headed "Reason for referral:" / "Question:" states what is asked for: a
        # treatment named there with no outcome of its own ("second opinion re CAR-T") is sought,
        # not given ("refractory to MMF" on that line is still a fact)
        requests = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(settings.get("request_headings", []), key=len, reverse=True))
        self.request_heading = re.compile(rf"^[ \t]*(?:{requests})[ \t]*:", re.IGNORECASE | re.MULTILINE) if requests else None
        self.request_gate = frozenset(n.split()[0].lower() for n in settings.get("request_headings", []))
        # "Re: Mr S.V., 41, Still's disease 2020. Anakinra 2020-2023": a subject line naming the
        # patient says who the letter is about, not what it asks for (h156, round 33)
        about = "|".join(re.escape(str(w)) for w in settings.get("request_heading_names_patient", []))
        self.request_about_patient = re.compile(rf"[ \t]*(?:{about})\b", re.IGNORECASE) if about else None
        # "Current meds: MMF 1g bd, HCQ" at a line's start or right after a sentence ("SLE since
        # 2012. Current: belimumab, HCQ"): what its line (inside a line: its sentence) names is
        # taken now; a heading alone on its line lists the bulleted lines under it
        current = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(settings.get("current_line_headings", []), key=len, reverse=True))
        self.current_line = (re.compile(rf"(?:^|(?<=[.;!?])|(?<=[.;!?][ \t]))[ \t]*(?:{current})[ \t]*:", re.IGNORECASE | re.MULTILINE)
                             if current else None)
        self.current_gate = frozenset(n.split()[0].lower() for n in settings.get("current_line_headings", []))
        # "Plan: start HCQ and a short course of prednisolone": planned, unless said to go on
        plans = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(settings.get("plan_headings", []), key=len, reverse=True))
        self.plan_line = (re.compile(rf"(?:^|(?<=[.;!?])|(?<=[.;!?][ \t]))[ \t]*(?:{plans})[ \t]*:", re.IGNORECASE | re.MULTILINE)
                          if plans else None)
        self.plan_gate = frozenset(n.split()[0].lower() for n in settings.get("plan_headings", []))
        cues = [*((w, True) for w in settings.get("plan_goes_on", [])), *((w, False) for w in settings.get("plan_starts", []))]
        self.plan_cues = {str(w).lower(): goes_on for w, goes_on in cues}
        self.plan_cue = re.compile(r"\b(?:%s)\b" % "|".join(re.escape(str(w)) for w, _ in cues), re.IGNORECASE) if cues else None
        # "Dx 02/2023: WBC 212 ...", "At diagnosis: Hb 76", "Presentation (06/2022): creatinine 168":
        # a line opening with the time of diagnosis or presentation states the values of then
        presenting = settings.get("presentation_headings") or {}
        words = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(presenting.get("words", []), key=len, reverse=True))
        dated = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(presenting.get("dated", []), key=len, reverse=True))
        alternatives = [f"(?:{words})\\b[^:(\\n]{{0,40}}(?:\\([^():\\n]*\\))?[ \\t]*"] if words else []
        if dated:
            alternatives.append(rf"(?:{dated})\b[^:(\n]{{0,30}}?{_DATE}[ \t]*(?:\([^():\n]*\))?[ \t]*")
            # "SLE diagnosed at 19 (2020): ANA 1:1280, anti-dsDNA 160": the disease named first, the
            # year in brackets (h91, round 20)
            alternatives.append(rf"[^\W\d][^:(\n]{{0,30}}?\b(?:{dated})\b[^:(\n]{{0,20}}?\((?:19|20)\d{{2}}\)[ \t]*")
        self.presentation_line = (re.compile(rf"^[ \t]*[-*\u2022]?[ \t]*(?:{'|'.join(alternatives)}):", re.IGNORECASE | re.MULTILINE)
                                  if alternatives else None)
        # "PMH: T2DM (metformin)": a word, "(" and maybe "on" right before the drug
        self.bracket_opening = re.compile(r"\w[ \t]*\([ \t]*(?:on[ \t]+)?", re.IGNORECASE)
        past_words = settings.get("bracket_past_words") or []
        self.bracket_past = (re.compile(r"\b(?:%s)\b" % "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in past_words), re.IGNORECASE)
                             if past_words else None)
        # "presented 09/2024 with AKI (creatinine 410 umol/L)", "He first presented in 2021 with
        # anaemia (Hb 82)": a dated or first presentation told in a sentence; its values are of then
        said = presenting.get("said") or []
        first = presenting.get("first") or []
        forms = []
        if said:
            forms.append(rf"\b(?:{'|'.join(re.escape(w) for w in said)})\s+(?:(?:in|on|at)\s+)?{_DATE}")
        if first:
            forms.append(rf"\b(?:{'|'.join(re.escape(w).replace(chr(92) + ' ', chr(92) + 's+') for w in first)})\b")
        self.presentation_said = re.compile("|".join(forms), re.IGNORECASE) if forms else None
        self.presentation_gate = frozenset(n.split()[0].lower() for n in [*presenting.get("words", []), *presenting.get("dated", [])])

    @staticmethod
    def _under(heading: re.Pattern, text: str) -> list[tuple[int, int]]:
        """What a heading line lists: to the next heading line or the first blank line."""
        found = []
        for match in heading.finditer(text):
            end = len(text)
            following = _NEXT_HEADING.search(text, match.end())
            if following is not None:
                end = following.start()
            blank = _BLANK.search(text, match.end())
            if blank is not None:
                end = min(end, blank.start())
            found.append((match.end(), end))
        return found

    def _goes_on(self, text: str, start: int, end: int) -> bool:
        """Whether the nearest plan word before a treatment on a plan line says it goes on
        ("continue MMF", not "continue MMF and add belimumab" for belimumab)."""
        if self.plan_cue is None:
            return False
        cues = list(self.plan_cue.finditer(text, start, end))
        if cues:
            return self.plan_cues.get(cues[-1].group().lower(), False)
        clause = re.compile(r"[^;,.\n]*").match(text, end)      # "Plan: MMF 1 g bd unchanged"
        return any(self.plan_cues.get(m.group().lower(), False) for m in self.plan_cue.finditer(text, end, clause.end()))

    def current_spans(self, text: str) -> list[tuple[int, int]]:
        """What a "Current meds:" heading lists: the rest of its sentence on its line, or the
        bulleted lines under a heading alone on its line."""
        found = []
        for match in self.current_line.finditer(text):
            line_end = _line_end(text, match.end())
            if not text[match.end():line_end].strip():
                listed = _BULLETS.match(text, line_end)
                if listed is not None:
                    found.append((line_end, listed.end()))
                continue
            found.append((match.end(), _line_or_sentence_end(text, match)))
        return found

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the text that list the patient's history."""
        found: list[tuple[int, int]] = []
        if self.heading is not None:
            for match in self.heading.finditer(text):
                end = len(text)
                following = _NEXT_HEADING.search(text, match.end())
                if following is not None:
                    end = following.start()
                blank = _BLANK.search(text, match.end())
                if blank is not None and text[match.end():blank.start()].strip():
                    end = min(end, blank.start())
                subject = self.new_subject.search(text, match.end()) if self.new_subject is not None else None
                if subject is not None:
                    end = min(end, subject.start())     # "PMH: migraine She has had lupus since 2012 ..."
                lower = (self.new_subject_after_stop.search(text, match.end(), end)
                         if self.new_subject_after_stop is not None else None)
                if lower is not None:
                    end = lower.start() + 1     # "pmh: T2DM. new dermatomyositis 09/2026" (h187, round 39)
                other = _HEADING_AFTER_SENTENCE.search(text, match.end(), end)
                if other is not None:
                    end = other.start() + 1     # "PMH: breast ca 2012, HTN. Dx now: dcSSc" (h141, round 30)
                found.append((match.end(), min(end, _listed_on_its_line(text, match.end()))))
        if self.bare_heading is not None:
            for match in self.bare_heading.finditer(text):
                listed = _BULLETS.match(text, match.end())
                if listed is not None:
                    found.append((match.end(), listed.end()))
        if self.inline is not None:
            for match in self.inline.finditer(text):
                stop = _SENTENCE_END.search(text, match.end())
                found.append((match.end(), self._before_new_subject(text, match.end(), stop.start() if stop else len(text))))
        if self.sentence is not None:
            for match in self.sentence.finditer(text):
                stop = _SENTENCE_END.search(text, match.end())
                found.append((match.end(), self._before_new_subject(text, match.end(), stop.start() if stop else len(text))))
        return found

    def _before_new_subject(self, text: str, start: int, end: int) -> int:
        """``end``, or earlier where a new subject opens a sentence before it."""
        subject = self.new_subject.search(text, start, end) if self.new_subject is not None else None
        if self.new_subject_after_stop is not None:
            lower = self.new_subject_after_stop.search(text, start, end)
            if lower is not None and (subject is None or lower.start() < subject.start()):
                return lower.start() + 1
        return subject.start() if subject is not None else end

    def __call__(self, text: str, facts: list[Any]) -> None:
        if not facts:
            return
        self._mark(text, facts)
        # "PMH: h/o ESRD on HD since 2021": the failure goes on with the dialysis, whatever its
        # heading (extraction.yaml kept_on_treatment; h192, round 40)
        kept_on_treatment(text, facts)
        low = text.lower()
        if self.bracket_now is not None and any(word in low for word in self.gate):
            # "PMH: CLL (watch and wait since 2012)": an item its bracket says goes on is no
            # history, whatever cue made it so (h192, round 40)
            spans = self.spans(text)
            for fact in facts:
                if (fact.historical and not (fact.negated or fact.hypothetical or fact.uncertain or fact.family)
                        and any(start <= fact.start and fact.end <= end for start, end in spans)
                        and self._goes_on_in_bracket(text, fact, facts)):
                    fact.historical = False

    def _mark(self, text: str, facts: list[Any]) -> None:
        low = text.lower()
        if self.request_heading is not None and ":" in low and any(word in low for word in self.request_gate):
            for match in self.request_heading.finditer(text):
                if self.request_about_patient is not None and self.request_about_patient.match(text, match.end()):
                    continue
                # its sentence: a letter written as one paragraph goes on after it (h156, round 33)
                end = _line_or_sentence_end(text, match)
                for fact in facts:
                    if (fact.label in ("DRUG", "PROCEDURE") and match.end() <= fact.start and fact.end <= end
                            and fact.status is None and not fact.negated):
                        fact.hypothetical, fact.historical = True, False
        if self.therapy_heading is not None and ":" in low and any(word in low for word in self.therapy_gate):
            for start, end in self._under(self.therapy_heading, text):
                for fact in facts:
                    if (fact.label in ("DRUG", "PROCEDURE") and not fact.historical and fact.status != "current"
                            and not fact.ongoing and start <= fact.start and fact.end <= end):
                        fact.historical = True
        if self.allergy_line is not None and ":" in low and ("allerg" in low or "intoleran" in low or "adr" in low):
            for match in self.allergy_line.finditer(text):
                end = _line_end(text, match.end())
                # its sentence only ("Allergies: ACE inhibitors (angioedema). Started vancomycin")
                stop = _SENTENCE_END.search(text, match.end(), end)
                end = stop.start() if stop else end
                for fact in facts:
                    if fact.label == "DRUG" and not fact.negated and match.end() <= fact.start and fact.end <= end:
                        fact.status, fact.historical, fact.hypothetical = "intolerant", True, False
        if self.therapy_line is not None and ":" in low and any(word in low for word in self.therapy_line_gate):
            for match in self.therapy_line.finditer(text):
                end = _line_or_sentence_end(text, match)
                other = _INLINE_HEADING.search(text, match.end(), end)
                if other is not None:   # "Past treatments: IVIG, romiplostim, Current: fostamatinib."
                    end = other.start() + 1
                for fact in facts:
                    if (fact.label in ("DRUG", "PROCEDURE") and not fact.historical and fact.status != "current"
                            and not fact.hypothetical and not fact.ongoing and match.end() <= fact.start and fact.end <= end):
                        fact.historical = True      # not one said to go on ("MMF 3 g daily (ongoing, ...)")
        if self.current_line is not None and ":" in low and any(word in low for word in self.current_gate):
            for start, end in self.current_spans(text):
                for fact in facts:
                    if (fact.label in ("DRUG", "PROCEDURE") and fact.status is None and not fact.historical
                            and not (fact.negated or fact.hypothetical or fact.uncertain or fact.family)
                            and start <= fact.start and fact.end <= end):
                        fact.status = "current"
        if self.plan_line is not None and ":" in low and any(word in low for word in self.plan_gate):
            for match in self.plan_line.finditer(text):
                end = _line_end(text, match.end())
                other = _INLINE_HEADING.search(text, match.end(), end)
                if other is not None:   # "Plan: pralatrexate. PMH: IHD ... on entecavir" (h156, round 33)
                    end = other.start() + 1
                for fact in facts:
                    if (fact.label in ("DRUG", "PROCEDURE") and match.end() <= fact.start and fact.end <= end
                            and fact.status in (None, "current") and not fact.ongoing
                            and not (fact.negated or fact.historical or fact.family or fact.hypothetical)
                            and not self._goes_on(text, match.end(), fact.start)
                            and not _taken_in_a_later_sentence(text, match.end(), fact.start)):
                        fact.hypothetical = True    # "Plan: a short course of prednisolone": planned
                    elif (fact.label == "INFECTION" and match.end() <= fact.start and fact.end <= end
                            and fact.status is None and not (fact.negated or fact.family or fact.hypothetical)
                            and _test_to_do(text, fact.end, end)):
                        fact.hypothetical, fact.uncertain = True, False   # "Plan: hepatitis B and HIV serology": to be tested
        if self.presentation_line is not None and ":" in low and any(w in low for w in self.presentation_gate):
            # "Dx 02/2023: WBC 212 x10^9/L, mediastinal mass": the values (and treatments) of then
            for match in self.presentation_line.finditer(text):
                end = _line_end(text, match.end())
                for fact in facts:
                    if not (match.end() <= fact.start and fact.end <= end) or fact.historical:
                        continue
                    if fact.label in ("LAB", "SCORE") or (fact.label == "BIOMARKER" and self._measured_then(fact)) or (
                            fact.label in ("DRUG", "PROCEDURE") and fact.status != "current" and not fact.ongoing):
                        fact.historical = True
        if self.presentation_said is not None and "present" in low:
            for match in self.presentation_said.finditer(text):
                stop = _SENTENCE_END.search(text, match.end())
                end = stop.start() if stop else len(text)
                for fact in facts:
                    if (fact.label in ("LAB", "SCORE") and not fact.historical and fact.value is not None
                            and match.end() <= fact.start and fact.end <= end):
                        fact.historical = True
                    elif (fact.label in ("CONDITION", "INFECTION") and match.end() <= fact.start and fact.end <= end
                            and self._presenting_problem(fact)):
                        # "presented 09/2024 with AKI (creatinine 410 umol/L)": the problem of then, not
                        # the disease found ("presented in 2021 with anaemia; MDS" keeps the MDS; h116)
                        fact.historical = True
        if self.comorbidity_heading is not None and ":" in low and any(w in low for w in self.comorbidity_gate):
            # "Background: T2DM (HbA1c 61) on metformin; IHD s/p PCI 2019; mild bronchiectasis":
            # the illnesses its line lists are history, unless dated ("Background: RA since
            # 2009": the disease the letter is about, from then on) (h65)
            for match in self.comorbidity_heading.finditer(text):
                end = _line_end(text, match.end())
                for fact in facts:
                    if (fact.label == "CONDITION" and not fact.historical and match.end() <= fact.start and fact.end <= end
                            and ((fact.date is None and fact.duration_days is None) or self._dated_cancer_item(text, fact, end))):
                        fact.historical = True
        if not any(word in low for word in self.gate):
            return
        spans = self.spans(text)
        if not spans:
            return
        for fact in facts:
            if fact.label not in LABELS or fact.historical or fact.status == "current":
                continue
            if any(start <= fact.start and fact.end <= end for start, end in spans):
                if self._treats_comorbidity(text, fact):
                    fact.status = "current"     # "PMH: T2DM (metformin)": what the illness is treated with now
                    continue
                fact.historical = True

    def _goes_on_in_bracket(self, text: str, fact: Any, facts: list[Any]) -> bool:
        """An illness with a bracket right after it whose words say it goes on, before any
        treatment named in it ("CLL (watch and wait since 2012)", "ILD (ongoing, stable)";
        ``bracket_now_words``; "since" only with a date after it)."""
        if fact.label not in ("CONDITION", "INFECTION") or self.bracket_now is None:
            return False
        opening = re.compile(r"[ \t]*\(").match(text, fact.end)
        if opening is None:
            return False
        close = text.find(")", opening.end())
        if close < 0 or close > _line_end(text, fact.end) or close - opening.end() > 60:
            return False
        said = self.bracket_now.search(text, opening.end(), close)
        if said is None:
            return False
        if any(opening.end() <= o.start < said.start() and o.label in ("DRUG", "PROCEDURE") for o in facts):
            return False
        return not said.group().lower().startswith("since") or bool(
            re.match(r"[ \t]*(?:\d{1,2}/)?(?:19|20)\d\d", text[said.end():close]))

    def _presenting_problem(self, fact: Any) -> bool:
        """A problem a dated presentation was with: not negated, a relative's or hedged, and not
        the disease itself (a cancer, an autoimmune disease, a disease status), which goes on."""
        if fact.historical or fact.negated or fact.family or fact.hypothetical or fact.uncertain or self.terminology is None:
            return False
        concept = fact.concept
        return concept in self.terminology and not any(self.terminology.is_a(concept, kind) for kind in (
            "malignancy", "autoimmune_disease", "disease_status"))

    def _dated_cancer_item(self, text: str, fact: Any, end: int) -> bool:
        """A cancer listed with its year among the other illnesses of a "Background:" line
        ("Background: breast cancer 2008 (lumpectomy, radiotherapy); heart failure"): one treated
        then, history, unless its item says it goes on ("since", "now", "relapsed": the
        ``comorbidity_item_now`` words; h116, round 25). A lasting illness keeps its date as its
        onset ("Background: RA since 2009": the disease the letter is about)."""
        if (fact.date is None or fact.negated or fact.family or fact.hypothetical or self.terminology is None
                or fact.concept not in self.terminology or not self.terminology.is_a(fact.concept, "malignancy")):
            return False
        stop = _ITEM_END.search(text, fact.end, end)
        item = text[fact.end:stop.start() if stop else end]
        return self.comorbidity_item_now is None or not self.comorbidity_item_now.search(item)

    def _measured_then(self, fact: Any) -> bool:
        """A marker read on a presentation line that is a value of then: an autoantibody ("Dx 2020:
        ANA 1:1280, anti-dsDNA 160"), not a marker of the disease itself ("Diagnosis 02/2024: T-ALL,
        ..., CD7 positive": the leukaemia's, as long as it is the disease)."""
        return self.terminology is None or fact.concept not in self.terminology or self.terminology.flagged(fact.concept, "antibody")

    def _treats_comorbidity(self, text: str, fact: Any) -> bool:
        """A drug alone in brackets after an illness a history section lists ("PMH: T2DM
        (metformin), gout (allopurinol)", "hypothyroidism (on levothyroxine)", "asthma
        (salbutamol prn)") is what the illness is treated with now, unless the bracket dates
        it or says it is over ("breast cancer (tamoxifen 2012-2017)", "(treated with
        steroids)": ``bracket_past_words``)."""
        if (fact.label != "DRUG" or fact.date is not None or fact.status or fact.negated
                or fact.hypothetical or fact.family or self.bracket_opening is None):
            return False
        opening = self.bracket_opening.search(text, max(0, fact.start - 40), fact.start)
        if opening is None or opening.end() != fact.start:
            return False
        close = text.find(")", fact.end)
        line = _line_end(text, fact.end)
        if close < 0 or close > line or close - fact.end > 40:
            return False
        inside = text[opening.start():close]
        return not re.search(r"\b(?:19|20)\d\d\b", inside) and not (self.bracket_past and self.bracket_past.search(inside))
