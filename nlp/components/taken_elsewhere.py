"""A failure said of a treatment that the same text names as taken now is a failure while it is
taken: "Current treatment: hydroxychloroquine, azathioprine 100 mg od ... Impression: active SLE
despite anifrolumab and azathioprine" (azathioprine failed, and she is still on it), "on MMF 3 g/d
since 2020 ... A/P: lupus nephritis refractory despite MMF". The failed mention keeps its outcome
and becomes ongoing, not over. Only an undated failure of the patient's own, said plainly (not
negated, hedged, hypothetical or of a relative, on a line with no date), and only when another mention of the same
treatment is taken now (status current, not over) or failing now; a letter whose impression
names drugs it lists nowhere as current ("refractory despite anifrolumab and azathioprine;
Current treatment: prednisolone") keeps them over (h86, round 19)."""
from __future__ import annotations

import re

from core.facts import Fact
from nlp.resources import vocabulary_words

# a date on the failed mention's line makes it a course of then ("hATG + ciclosporin +
# eltrombopag (02/2025): no response at 6 months", though ciclosporin goes on)
_DATE = re.compile(r"\b(?:19|20)\d\d\b|\b\d{1,2}[/.]\d{2,4}\b")


def _plain(fact: Fact) -> bool:
    return not (fact.negated or fact.hypothetical or fact.uncertain or fact.family)


def _taken_now(fact: Fact) -> bool:
    if fact.label != "DRUG" or not _plain(fact) or fact.historical:
        return False
    return fact.status == "current" or (fact.status in ("failed", "intolerant") and fact.ongoing)


def _dated_line(text: str, fact: Fact) -> bool:
    start = text.rfind("\n", 0, fact.start) + 1
    end = text.find("\n", fact.end)
    return bool(_DATE.search(text, start, end if end >= 0 else len(text)))


def failed_but_taken(text: str, facts: list[Fact]) -> None:
    taken = {fact.concept for fact in facts if _taken_now(fact)}
    if not taken:
        return
    for fact in facts:
        if (fact.label == "DRUG" and fact.status == "failed" and not fact.ongoing
                and _plain(fact) and fact.concept in taken
                # a course counted as given ("Azacitidine x8 cycles: no response. Now aza+ven",
                # "Rituximab x4: no response. Now rituximab + bendamustine"): the failure is of that
                # course, over; the one taken now is a new course (h192, round 40)
                and not _COURSE_LENGTH.match(text, fact.end)
                and ((fact.date is None and not _dated_line(text, fact))
                     or (_contrasted_in_its_sentence(text, fact, facts) and not _dated_sentence(text, fact)))):
            fact.ongoing = True
            fact.historical = False


def _contrasted_in_its_sentence(text: str, fact: Fact, facts: list[Fact]) -> bool:
    """A failure dated in words, set with a contrast word against the same treatment said taken
    earlier in its sentence ("on hcq + belimumab but the benlysta stopped working last autumn":
    still taken; ``failed_but_taken_contrast`` of data/nlp/extraction.yaml; h170, round 36)."""
    start = max(text.rfind("\n", 0, fact.start), text.rfind(". ", 0, fact.start)) + 1
    contrast = vocabulary_words("failed_but_taken_contrast")
    return any(other is not fact and other.concept == fact.concept and start <= other.start < fact.start
               and _taken_now(other) and any(w in contrast for w in re.findall(r"[a-z']+", text[other.end:fact.start].lower()))
               for other in facts)


# a schedule with a course's length after it is a course given ("IV hydrocortisone 100 mg qds x3
# days without response", "prednisolone 40 mg daily for 5 days"): over, not taken now
_COURSE_LENGTH = re.compile(r"[ \t]*(?:[x×][ \t]*\d+|for[ \t]+(?:\d+|a|one|two|three|four|five|six|seven|ten)[ \t]+"
                            r"(?:days?|weeks?|doses?|months?))\b", re.IGNORECASE)


def _dated_sentence(text: str, fact: Fact) -> bool:
    """A date in the fact's sentence (a note written as one paragraph is one line)."""
    start = max(text.rfind("\n", 0, fact.start), text.rfind(". ", 0, fact.start)) + 1
    stop = re.compile(r"\.(?:\s|$)|\n").search(text, fact.end)
    return bool(_DATE.search(text, start, stop.start() if stop else len(text)))


def failing_on_schedule(text: str, ents: list, facts: list[Fact], schedule: re.Pattern | None) -> None:
    """A failure said of a treatment written with the schedule it is taken on ("10 bloody
    stools a day despite mesalamine 4.8 g daily", "albuterol as needed, which has not helped
    today"): failing while taken, not over. Only an undated failure of the patient's own, said
    plainly and not made past by a cue (a "Previous:" list, "was on"), in a sentence with no date,
    and not told in the past ("mtx 20mg weekly didnt help", "methotrexate 25 mg weekly - lost
    effect": a failure cue, with the two words before it, holding a word of
    ``failing_said_past`` or ``failing_now_not_with`` and no present auxiliary of
    ``failing_now_auxiliaries`` or "has"/"have") (h106, round 23; ``failing_on_schedule`` in
    data/nlp/extraction.yaml)."""
    if schedule is None:
        return
    past = vocabulary_words("failing_said_past") | vocabulary_words("failing_now_not_with")
    present = vocabulary_words("failing_now_auxiliaries") | {"has", "have", "hasnt", "havent", "still"}
    for ent, fact in zip(ents, facts):
        if (fact.label == "DRUG" and fact.status == "failed" and not fact.ongoing and not fact.historical
                and fact.date is None and _plain(fact) and not _dated_sentence(text, fact)
                and (match := schedule.match(text, fact.end)) and not _COURSE_LENGTH.match(text, match.end())
                and not _told_past(ent, past, present)):
            fact.ongoing = True


def taken_on_schedule(text: str, ents: list, facts: list[Fact], settings: dict | None) -> None:
    """A treatment said with a simple past verb and the schedule it recurs on ("he got IVIG
    every month", "she got ocrevus every six months", "had rituximab q6 months"): the schedule
    says it goes on, so it is taken now, unless the sentence says it stopped or was a course of
    then (a word of ``stop_words``: "until", "stopped", "used to"; a date; a course's length
    after the schedule: "weekly for 6 weeks"). Only when its one past cue is a verb of
    ``past_verbs`` (``taken_on_schedule`` in data/nlp/extraction.yaml; h111, round 24), or a
    list cue of an earlier item ("s/p thymectomy, IVIG q4w": ``list_cues``; h125, round 27)."""
    if not settings:
        return
    schedule, verbs, stops = settings["schedule"], settings["past_verbs"], settings["stop_words"]
    for ent, fact in zip(ents, facts):
        if not (fact.label == "DRUG" and fact.historical and fact.status is None and fact.date is None and _plain(fact)):
            continue
        match = schedule.match(text, fact.end)
        if match is None or _COURSE_LENGTH.match(text, match.end()):
            continue
        cues = [m for m in ent._.modifiers if m.category in ("HISTORICAL", "PRIOR")]
        if not cues:
            continue
        items = all(_earlier_item(text, ent, m, settings) for m in cues)
        if not items and any(m.rule.literal.lower() not in verbs for m in cues):
            continue
        # a list item is read on its own (the next item's date or stop is not its own:
        # "s/p thymectomy, IVIG q4w, rituximab x2 (2023)")
        own = _list_item(text, fact) if items else ent.sent.text
        if (_DATE.search(own) if items else _dated_sentence(text, fact)) or stops.search(own):
            continue
        fact.historical, fact.status = False, "current"


def _earlier_item(text: str, ent, cue, settings: dict) -> bool:
    """A list cue ("s/p", ``list_cues``) said of an earlier item of a list, a comma between
    it and the treatment ("s/p thymectomy, IVIG q4w": the IVIG goes on; h125, round 27)."""
    if cue.rule.literal.lower() not in settings.get("list_cues", ()):
        return False
    doc = ent.doc
    cue_end = doc[cue.modifier_span[1] - 1].idx + len(doc[cue.modifier_span[1] - 1])
    return "," in text[cue_end:ent.start_char]


def _list_item(text: str, fact: Fact) -> str:
    """The comma-, semicolon- or sentence-bounded item the fact is written in."""
    start = max(text.rfind(",", 0, fact.start), text.rfind(";", 0, fact.start), text.rfind("\n", 0, fact.start)) + 1
    stop = re.compile(r"[,;\n]|\.(?:\s|$)").search(text, fact.end)
    return text[start:stop.start() if stop else len(text)]


def _told_past(ent, past: frozenset, present: frozenset) -> bool:
    doc = ent.doc
    for m in ent._.modifiers:
        if m.category != "THERAPY_FAILED":
            continue
        start, end = m.modifier_span
        words = {t.lower_ for t in doc[max(0, start - 2):end]}
        if words & past and not words & present:
            return True
    return False


# the sentence or clause of a later mention
_CLAUSE_STOP = re.compile(r"[.;!?\n]")


def _clause_of(text: str, fact: Fact) -> str:
    start = max(text.rfind(c, 0, fact.start) for c in ".;!?\n") + 1
    stop = _CLAUSE_STOP.search(text, fact.end)
    return text[start:stop.start() if stop else len(text)]


def stopped_later(text: str, facts: list[Fact]) -> None:
    """A treatment a text lists as taken and later says was stopped ("Home medications:
    donepezil, tamsulosin, hydrochlorothiazide 25 mg ... Hydrochlorothiazide discontinued",
    "She has been taking a combined oral contraceptive for 10 years ... the oral contraceptive
    was stopped"): not taken now, the earlier mention too (h131, round 28; the words of
    ``stopped_later_words``). Only the patient's own mentions said plainly; not one that a
    later mention of the same treatment says goes on or restarts (the last word wins), nor
    one with its own date."""
    words = vocabulary_words("stopped_later_words")
    if not words:
        return
    drugs = sorted((f for f in facts if f.label == "DRUG" and _plain(f)), key=lambda f: f.start)
    for i, first in enumerate(drugs):
        if first.historical or first.date is not None or first.ongoing or first.status in ("failed", "intolerant"):
            continue
        later = [f for f in drugs[i + 1:] if f.concept == first.concept and f.start >= first.end]
        if not later or not later[-1].historical:
            continue
        clause = _clause_of(text, later[-1]).lower()
        stop = text.find(".", later[-1].end)
        sentence = text[later[-1].start:stop if stop >= 0 else len(text)].lower()
        if any(re.search(r"\b%s\b" % re.escape(word), sentence) for word in vocabulary_words("stopped_later_restart_words")):
            continue    # "was briefly stopped for a rash; ... it was restarted": taken again
        if any(re.search(r"\b%s\b" % re.escape(word), clause) for word in words):
            first.historical = True
            if first.status == "current":
                first.status = None
