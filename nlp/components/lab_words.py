"""A lab result said in words, not as a number ("creatinine is normal I think", "my kidney
function is fine", "platelets were low", "low platelets"): the quality (normal / low /
high) and whether it was hedged, from ``lab_qualities`` in data/nlp/extraction.yaml.

Read only for a lab mention with no value: after it, across linking words ("is", "were",
"came back", "all"), within its clause, or right before it ("normal creatinine"). A quality
denied ("not normal", "isn't too bad") says no direction and is not read. A hedge anywhere
in the sentence ("I think", "probably", "not sure") makes it uncertain; matching never
counts an uncertain quality as met or failed (matching.lab_words).

A quality said once of two labs joined by a conjunction ("low C3 and C4", "low c3/c4",
"C3 and C4 both low") is each one's (``shared_by``).

A lab the writer says they do not know ("not sure what her plts are", "dont know my ck",
"we dont know his platelet count"; ``unknown_before``, h176, round 37) is read with no quality
and hedged: named, its value unknown (not a value, not nothing).

A direction with no number ("her CK keeps climbing", "creatinine creeping up", "plts
dropping again"; ``lab_trends``, h115, round 25) is read the same way after the name, as
rising or falling: a trend, no level (matching asks for the value).

``stop_reason``: a lab named as the reason a treatment was stopped, with or without a value
("discontinued due to raised transaminases (ALT 5x ULN)"), is a past value.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Span

from core.facts import LAB_QUALITIES as QUALITIES
from core.facts import LAB_TRENDS as TRENDS
from nlp.components.doc_cache import doc_text, sentence_index
from nlp.resources import alternation



# where a clause of a sentence ends: a comma before a joiner, a semicolon, "but"
_CLAUSE_BREAK = re.compile(r",\s*(?:and|but|though|although|so|while|whereas|which)\b|;|\bbut\b|\bwhereas\b", re.IGNORECASE)


@dataclass(frozen=True)
class Quality:
    quality: str | None     # "normal" | "low" | "high", a direction "rising" | "falling", or None: not known
    hedged: bool
    past: bool = False  # a direction said in the simple past ("platelets dropped on IVIG")


class LabWords:
    def __init__(self, vocabulary: dict[str, Any]):
        stop = vocabulary.get("lab_stop_reason") or {}
        self.stopped = re.compile(
            r"\b(?:%s)\b[^.;\n]{0,60}?\b(?:%s)\s+(?:[\w-]+\s+){0,2}(?:[\w-]+\s*\(\s*)?$"
            % (alternation(stop.get("stopped") or ()), alternation(stop.get("reasons") or ())), re.IGNORECASE,
        ) if stop.get("stopped") and stop.get("reasons") else None
        # "stopped (nausea, ALT 210)", "stopped 04/2025 (eGFR fell from 98 to 61)", "stopped -
        # leucopenia, WCC 2.1": the reason in a bracket or after a dash right after the stop
        # word (a date may stand between), the lab inside it (h65)
        self.stopped_aside = re.compile(
            r"\b(?:%s)\b\s*(?:(?:in\s+)?[\d/.-]{4,10}\s*)?(?:%s)[^().;\n]{0,40}$"
            % (alternation(stop.get("stopped") or ()), "|".join(re.escape(o) + (r"\s" if o.isalnum() or o in "-–:" else "") for o in stop.get("asides") or ())),
            re.IGNORECASE,
        ) if stop.get("stopped") and stop.get("asides") else None
        # a lab word that says its own quality ("hypocomplementaemic": low complement;
        # ``lab_qualities.implied``; h125, round 27)
        self.implied = {str(k).lower(): str(v) for k, v in
                        ((vocabulary.get("lab_qualities") or {}).get("implied") or {}).items()}
        trends = vocabulary.get("lab_trends") or {}
        self.trend_words = {str(k).lower(): str(v) for k, v in (trends.get("words") or {}).items()}
        for word, direction in self.trend_words.items():
            if direction not in TRENDS:
                raise ValueError(f"extraction.yaml lab_trends: {word!r} -> {direction!r} is not one of {TRENDS}")
        # "her CK keeps climbing", "plts dropping again": a direction after the name, no value
        self.trend_after = re.compile(r"(?:'s|’s)?\s*(?:(?:%s)\s+){0,3}(?P<q>%s)\b"
                                      % (alternation(trends.get("linking") or ("is",)), alternation(self.trend_words)),
                                      re.IGNORECASE) if self.trend_words else None
        self.trend_past = frozenset(str(w).lower() for w in trends.get("past") or ())
        self.trend_past_after = re.compile(r"\s+(?:%s)\b" % alternation(trends.get("past_after") or ("for a while",)),
                                           re.IGNORECASE)
        self.trend_now_after = re.compile(r"\s+(?:%s)\b" % alternation(trends.get("past_now_after") or ("again",)), re.IGNORECASE)
        self.trend_now_between = re.compile(r"(?:^|\s)(?:%s)(?:\s|$)" % alternation(trends.get("past_now_between") or ("has",)),
                                            re.IGNORECASE)
        entry = vocabulary.get("lab_qualities") or {}
        words = {str(k).lower(): str(v) for k, v in (entry.get("words") or {}).items()}
        for word, quality in words.items():
            if quality not in QUALITIES:
                raise ValueError(f"extraction.yaml lab_qualities: {word!r} -> {quality!r} is not one of {QUALITIES}")
        self.words = words
        self.ready = bool(words)
        if not self.ready:
            return
        linking = alternation(entry.get("linking") or ())
        quality = alternation(words)
        self.after = re.compile(r"(?:'s|’s)?\s*(?:(?:%s)\s+){0,3}(?P<q>%s)\b" % (linking, quality), re.IGNORECASE)
        self.before = re.compile(r"\b(?P<q>%s)\s+(?:(?:%s)\s+)?$" % (quality, alternation(entry.get("owners") or ("my",))),
                                 re.IGNORECASE)
        self.denied = re.compile(r"\b(?:%s)\b" % alternation(entry.get("denials") or ("not",)), re.IGNORECASE)
        self.hedges = re.compile(r"(?<![\w'])(?:%s)(?![\w'])" % alternation(entry.get("hedges") or ()), re.IGNORECASE)
        shared = entry.get("shared_by") or ()
        self.joined = re.compile(r"\s*(?:%s)\s*" % alternation(shared), re.IGNORECASE) if shared else None
        # one more short name joined after or before a lab's name ("c3 and c4", "c3/c4")
        self.joined_next = re.compile(self.joined.pattern + r"[\w-]{1,8}", re.IGNORECASE) if shared else None
        self.joined_prev = re.compile(r"[\w-]{1,8}" + self.joined.pattern + "$", re.IGNORECASE) if shared else None
        unknown = entry.get("unknown_before")
        self.unknown = re.compile(r"(?:%s)\s*$" % unknown, re.IGNORECASE) if unknown else None

    def stop_reason(self, ent: Span) -> bool:
        """The lab is named as the reason a treatment was stopped ("stopped for raised ALT"):
        a past value (``lab_stop_reason``)."""
        if self.stopped is None:
            return False
        start = sentence_index(ent.doc).bounds(ent.start_char)[0]
        text = doc_text(ent.doc)
        if self.stopped_aside is not None and self.stopped_aside.search(text, max(start, ent.start_char - 80), ent.start_char):
            return True
        return self.stopped.search(text, max(start, ent.start_char - 120), ent.start_char) is not None

    def __call__(self, ent: Span) -> Quality | None:
        if not self.ready:
            return None
        found = self._read(ent) or self.trend(ent)
        if found is None and self.unknown is not None:
            # "not sure what her plts are", "dont know my ck": named, the value not known
            text = doc_text(ent.doc)
            start = sentence_index(ent.doc).bounds(ent.start_char)[0]
            if self.unknown.search(text[max(start, ent.start_char - 50):ent.start_char]):
                return Quality(None, True)
        if found is None and ent.text.lower() in self.implied:     # "hypocomplementaemic": low
            text = doc_text(ent.doc)
            start, end = sentence_index(ent.doc).bounds(ent.start_char)
            return Quality(self.implied[ent.text.lower()], self._hedged(text, start, end, ent.start_char, ent.end_char))
        if found is not None or self.joined is None:
            return found
        # "low C3 and C4", "low c3/c4", "C3 and C4 both low": a quality said once of two labs
        # joined by a conjunction (``shared_by``) is said of both
        text = doc_text(ent.doc)
        labs = [e for e in ent.doc.ents if e.label_ == "LAB"]
        i = next((k for k, e in enumerate(labs) if e.start_char == ent.start_char), None)
        if i is None:
            return None
        if i > 0 and self.joined.fullmatch(text, labs[i - 1].end_char, ent.start_char):
            found = self._read(labs[i - 1], before_only=True)
        if found is None and i + 1 < len(labs) and self.joined.fullmatch(text, ent.end_char, labs[i + 1].start_char):
            found = self._read(labs[i + 1], after_only=True)
        return found

    def trend(self, ent: Span) -> Quality | None:
        """A direction said after the lab's name, in its sentence, with no number ("her CK
        keeps climbing", "creatinine creeping up", "plts dropping again"; ``lab_trends``):
        rising or falling, hedged as a quality is."""
        if self.trend_after is None:
            return None
        doc = ent.doc
        text = doc_text(doc)
        start, end = sentence_index(doc).bounds(ent.start_char)
        found = self.trend_after.match(text, ent.end_char, end)
        if found is None or self.denied.search(text[ent.end_char:found.start("q")]):
            return None
        word = found.group("q").lower()
        past = ((word in self.trend_past and not self.trend_now_after.match(text, found.end())
                 and not self.trend_now_between.search(text[ent.end_char:found.start("q")]))
                or self.trend_past_after.match(text, found.end()) is not None)
        return Quality(self.trend_words[word], self._hedged(text, start, end, ent.start_char, found.end()), past)

    def _read(self, ent: Span, before_only: bool = False, after_only: bool = False) -> Quality | None:
        doc = ent.doc
        text = doc_text(doc)
        start, end = sentence_index(doc).bounds(ent.start_char)
        found = None if before_only else self.after.match(text, ent.end_char, end)
        if found is None:
            if after_only:
                return None
            found = self.before.search(text, max(start, ent.start_char - 40), ent.start_char)
            if found is None:
                return None
            between = ""
        else:
            between = text[ent.end_char:found.start("q")]
        if self.denied.search(between):
            return None
        return Quality(self.words[found.group("q").lower()],
                       self._hedged(text, start, end, min(ent.start_char, found.start()), max(ent.end_char, found.end())))

    def _hedged(self, text: str, start: int, end: int, first: int, last: int) -> bool:
        """A hedge in the clause the lab and its quality stand in: the sentence cut at a clause
        break ("..., and they mentioned her kidneys might be involved": the "might" is the
        kidneys'; lead, round 34)."""
        before = [m.end() for m in _CLAUSE_BREAK.finditer(text, start, first)]
        after = _CLAUSE_BREAK.search(text, last, end)
        return bool(self.hedges.search(text, before[-1] if before else start, after.start() if after else end))
