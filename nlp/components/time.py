"""Time expressions ("diagnosed in 2015", "since 2015", "for 6 years", "3 months ago",
"2023-05") and which fact each belongs to.

Patterns are data (data/patterns/time.jsonl, each with a ``kind``: date, since, ago,
duration). Relative times are resolved against ``today`` (a parameter, so tests are
deterministic). Precision follows the text: years ago -> YYYY-MM, so a year ago or more
("18 months ago"), days to a few months ago -> YYYY-MM-DD, "in 2015" -> "2015". Each expression attaches to the nearest fact of its
sentence that can have a time (a condition, therapy, procedure, infection, lab, score or
marker): a cue word just before the expression ("diagnosed", "stopped", data/nlp/
extraction.yaml ``time_cues``) narrows the labels, a fact in the same clause (no comma,
semicolon or "but" between) beats one across, then the nearer wins, the preceding on a tie.
"""
from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from core.durations import DAYS
from nlp.components.disease_status import _status_ids
from nlp.components.patterns import PatternMatch, PatternRunner
from nlp.resources import alternation, vocabulary_words

# between a cue and its time: a preposition at most ("diagnosed in 2015", "dx 8 months ago")
_CUE_TO_TIME = re.compile(r"\s*(?:(?:in|on|at|around|about|approx\.?|~)\s+)?", re.IGNORECASE)
TIMED_LABELS = ("CONDITION", "DRUG", "PROCEDURE", "INFECTION", "LAB", "SCORE", "BIOMARKER", "PREGNANCY")
# a bare year dates a mention of these written right before it (never a lab value: "CK 2000"; "last
# pregnancy 2019" is a past pregnancy)
ADJACENT_LABELS = ("CONDITION", "DRUG", "PROCEDURE", "INFECTION", "PREGNANCY")
# "SLE: 2015", "R-CHOP x6 (2020)", "radiotherapy (2021)", "Cyclophosphamide (Euro-Lupus) 2013": a short
# bracket, a course count and an opening bracket may sit between
# a dose between a therapy and its year: "Rituximab 2x1 g (2022)", "Cyclophosphamide 500 mg x6 (Euro-Lupus) 2021"
_DOSE = (r"(?:\d{1,2}\s?[x×]\s?)?\d+(?:[.,]\d+)?\s?(?:mg|g|mcg|µg|ug|iu|units?)(?:/(?:kg|m2|m²|d|day|wk|week))?"
         r"(?:\s+(?:[x×]\s?\d{1,2}|od|bd|tds|weekly|daily|monthly))?\s*")
# how long a course lasted between a therapy and its year: "isoniazid for 9 months (2022)",
# "(isoniazid 9 months, 2019)" (round 11)
_COURSE = r"(?:for\s+|x\s?)?\d{1,2}\s?(?:days?|weeks?|wks?|months?|mos?|mths?|years?|yrs?)\s*,?\s*"
_ADJACENT_GAP = re.compile(r"\s*:?\s*(?:%s)?(?:\([^()\n]{1,25}\)\s*)?(?:[x×]\s?\d{1,2}\s*)?(?:%s)?(?:%s)?\(?\s*" % (_DOSE, _DOSE, _COURSE))


@lru_cache(maxsize=1)
def _given_gap() -> re.Pattern:
    """The adjacent gap after a word that says the treatment was given then ("Obinutuzumab given
    2025 x4 doses", "Rituximab given 2021 with a 6-month response"; extraction.yaml
    ``adjacent_given_words``; h126, round 27): the year is the course's, as "Rituximab 2021";
    also after the site it was given to and a "was" ("RT to neck given 2024", "radiotherapy to a
    bulky left neck node was given in 2025"; h182, round 38)."""
    words = vocabulary_words("adjacent_given_words")
    if not words:
        return re.compile(r"(?!)")
    # ... with the site it was given to and a "was" before it ("radiotherapy to a bulky left neck
    # node was given in 2025", "RT to neck given 2024"; h182, round 38)
    return re.compile(r"(?:\s+to\s+(?:[\w-]+\s+){0,5}?[\w-]+)?\s*(?:(?:was|were)\s+)?(?:%s)\s+(?:(?:in|on)\s+)?"
                      % alternation(words), re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[,;(]|\bbut\b|\band then\b", re.IGNORECASE)
_CUE_WINDOW = 30
# a bracket opened after a value, with a value of its own before the time: "Platelet count
# 12,000/uL today (nadir 4 x10^9/L in 2023)" dates the nadir, not today's count
_OWN_VALUE_BRACKET = re.compile(r"\([^()]*\d[^()]*$")
_OWN_BRACKET = re.compile(r"\s*\([^()\n]{0,30}")
# the bracket a time is written in closes before the next item of the list (h91, round 20)
_CLOSED_BEFORE = re.compile(r"[^()\n]{0,30}\)\s*[,;]")
_STARTS_FROM = re.compile(r"\b(?:since|from|starting|started)\s*$", re.IGNORECASE)
_SINCE_WORD = re.compile(r"\bsince\s*$", re.IGNORECASE)
# "MMF + belimumab from 06/2024": a start that goes on, unless an end follows on its line ("from 2019
# to 2021", "from 11/2024, stopped 05/2025") or an outcome that closes it ("from 03/2025 - ineffective")
_FROM_WORD = re.compile(r"\bfrom\s*$", re.IGNORECASE)
_RANGE_ON = re.compile(r"[^\n;.]{0,30}?(?:(?<!\w)(?:to|until|till|through|stopped|ceased|discontinued|withdrawn|off|ineffective|failed|"
                       r"intolerant|not tolerated)(?!\w)|\s[-–]\s*\d)",
                       re.IGNORECASE)


@dataclass(frozen=True)
class TimeExpression:
    start: int
    end: int
    date: str | None = None
    duration_days: float | None = None
    # "2005-2009": the years of a use that has ended (dated by its last year)
    ended: bool = False
    # a bare year ("rituximab 2022") dates only the mention written right before it
    adjacent: bool = False
    # a point in time ("in 2017", "March 2024"), not the start of something ("since 2017")
    point: bool = False
    # the age something began at ("since she was 14"): how long, once the age is known
    onset_age: float | None = None
    # a month without a year ("in march"): the latest such month, which dates a lab value or
    # a score ("creatinine was 1.4 in march"), never a treatment (it may be to come: "booked
    # for CAR-T in february")
    month_only: bool = False
    # the start of something that goes on ("since 2022", "2019-present", "started 2021"):
    # a treatment dated so is taken now unless something says otherwise
    since: bool = False
    # "since my transplant in 2020", "since the birth of my son in 2016": the date of the event
    # named after "since" (where that phrase starts), which is the start of what the clause says
    # goes on ("... ive been on tacrolimus"), never a date of what is named inside the phrase
    since_event: int | None = None
    # "azathioprine to 2021", "completed 2024": the end of a use written alone (no start), which
    # dates the use before it, not a value written after it ("ponatinib until 11/2024, when he
    # relapsed (marrow 25% blasts)": the blasts are of the relapse; h116, round 25)
    end_only: bool = False


# the object of a time cue that points back ("stopped it in march"; h102, round 22)
_PRONOUN_OBJECT = re.compile(r"\s+(?:it|that|them|those|this|it\s+all|them\s+all)\s+(?:in|on|at|by|around|during)?\s*",
                             re.IGNORECASE)
_SENTENCE_BREAK = re.compile(r"[.!?;]\s+(?=\S)|\n")
# "since" and an event named with its possessive or article before the event's date (h102, round 22)
_SINCE_EVENT = re.compile(r"\bsince\s+(?:my|the|her|his|their|our|your)\s+(?:[a-z'-]+\s+){1,4}(?:(?:in|of|on)\s*)?$",
                          re.IGNORECASE)


class TimeReader:
    def __init__(self, vocabulary: dict[str, Any]):
        self.runner = PatternRunner(("time",))
        self.units = {k.lower(): DAYS[v] for k, v in vocabulary["time_units"].items()}
        self.numbers = {k.lower(): v for k, v in vocabulary["number_words"].items()}
        self.months = {k.lower(): int(v) for k, v in vocabulary["month_names"].items()}
        self.seasons = {k.lower(): int(v) for k, v in (vocabulary.get("season_months") or {}).items()}
        # a time this many days ago or more is told to the month ("18 months ago": 2025-06, not
        # the day; ``ago_to_the_month_from_days``; h170, round 36)
        self.ago_to_month = float(vocabulary.get("ago_to_the_month_from_days") or 365)
        cues: dict[str, set[str]] = {}
        for label, words in vocabulary.get("time_cues", {}).items():
            for word in words:
                cues.setdefault(word.lower(), set()).add(label)
        self.cue_labels = cues
        self.cue_re = re.compile(rf"\b({alternation(cues)})\b", re.IGNORECASE) if cues else None
        changes = vocabulary.get("dose_change") or ()
        self.dose_change = re.compile(r"\b(?:%s)\b(?!\s+off\b)" % "|".join(
            re.escape(str(w)).replace(r"\ ", r"\s+") for w in changes), re.IGNORECASE) if changes else None
        after = vocabulary.get("time_cues_after_object") or ()
        self.after_object = re.compile(r"\b(?:%s)\Z" % alternation(map(str, after)), re.IGNORECASE) if after else None
        tests = vocabulary.get("investigation_words") or ()
        # "... but the scan " right before the time: the time is the test's (lead, round 41)
        self.test_before = re.compile(
            r"\b(?:the|her|his|my|their|a|latest|last|recent|repeat)?\s*(?:%s)\s*(?:was|were|done|taken)?\s*\Z"
            % "|".join(re.escape(str(w)).replace(r"\ ", r"\s+") for w in tests), re.IGNORECASE) if tests else None
        names = vocabulary.get("protocols_named_with_year", [])
        self.protocol_year = re.compile(r"\b(?:%s)[\s-]*$" % "|".join(re.escape(n) for n in names),
                                        re.IGNORECASE) if names else None

    def preferred_labels(self, text: str, expression: "TimeExpression", facts: list[Any] = ()) -> set[str] | None:
        """The labels a cue word just before ``expression`` points to, or None. A fact of
        another label written between the cue and a duration is what the cue is about ("she
        has had ITP for 8 months, tried steroids": the "had" is the ITP's, so the duration is
        not a treatment's; "has had crohns since he was 15, hes been on humira": the years since
        that age are the Crohn's); a date keeps the cue's preference ("had T-LBL 5 years ago,
        chemo": the chemotherapy was then)."""
        if self.cue_re is None:
            return None
        offset = max(0, expression.start - _CUE_WINDOW)
        # a cue of a sentence before is not this one's ("SSc dx 2022, anti-Scl-70+. MMF 3g since
        # 2022": the "dx" dated the SSc; lead, round 28)
        breaks = list(_SENTENCE_BREAK.finditer(text, offset, expression.start))
        if breaks:
            offset = breaks[-1].end()
        window = text[offset:expression.start]
        found, end = None, None
        for match in self.cue_re.finditer(window):
            found = self.cue_labels.get(re.sub(r"\s+", " ", match.group(1).lower()))
            end = offset + match.end()
        if (found and end is not None and expression.date is None
                and (expression.duration_days is not None or expression.onset_age is not None)):
            between = [f for f in facts if end <= f.start and f.end <= expression.start and f.label in TIMED_LABELS]
            if between and not any(f.label in found for f in between):
                return None
        return found

    def dates_before(self, text: str, cue_end: int, expression: "TimeExpression") -> bool:
        """The cue right before ``expression`` is one that follows what it dates ("dermatomyositis
        (anti-MDA5) diagnosed 8 months ago": ``time_cues_after_object`` of data/nlp/extraction.yaml),
        with nothing but a preposition between it and the time (lead, round 32)."""
        if self.after_object is None or not _CUE_TO_TIME.fullmatch(text, cue_end, expression.start):
            return False
        return self.after_object.search(text, max(0, cue_end - 20), cue_end) is not None

    def cue_end(self, text: str, expression: "TimeExpression") -> int | None:
        """Where the last cue word before ``expression`` ends (``preferred_labels``'s cue), or None."""
        if self.cue_re is None:
            return None
        offset = max(0, expression.start - _CUE_WINDOW)
        ends = [offset + m.end() for m in self.cue_re.finditer(text[offset:expression.start])]
        return ends[-1] if ends else None

    def __call__(self, text: str, today: date) -> list[TimeExpression]:
        found = []
        for match in self.runner(text):
            expression = self._read(match, today)
            if expression is None or (self.protocol_year is not None and not expression.ended and self.protocol_year.search(
                    text, max(0, expression.start - 20), expression.start)):
                continue                                           # "UKALL 2011": the protocol's name
                                                                   # (not "BFM 2024-2025", its years; h151)
            if expression.point and _STARTS_FROM.search(text, 0, expression.start):
                # "since 03/2025": a start (and one that goes on when the word is "since"; "started
                # 2019" may be followed by its stop)
                expression = replace(expression, point=False,
                                     since=_SINCE_WORD.search(text, 0, expression.start) is not None
                                     or (_FROM_WORD.search(text, 0, expression.start) is not None
                                         and not _RANGE_ON.match(text, expression.end)))
            elif expression.point:
                event = _SINCE_EVENT.search(text, max(0, expression.start - 60), expression.start)
                if event is not None:
                    expression = replace(expression, point=False, since=True, since_event=event.start())
            found.append(expression)
        # overlapping expressions: the most precise date wins ("2021-03" over "diagnosed
        # 2021"), then the longest
        found.sort(key=lambda e: (-len(e.date or ""), -(e.end - e.start), e.start))
        kept: list[TimeExpression] = []
        for expression in found:
            if all(expression.end <= k.start or expression.start >= k.end for k in kept):
                kept.append(expression)
        return sorted(kept, key=lambda e: e.start)

    def _count(self, written: str | None) -> float | None:
        if written is None:
            return 1.0
        written = written.lower().strip()
        if written.replace(".", "", 1).isdigit():
            return float(written)
        for prefix in ("a couple of", "a few"):
            if written == prefix:
                return {"a couple of": 2.0, "a few": 3.0}[prefix]
        value = self.numbers.get(written)
        return None if value is None else float(value)

    def _read(self, match: PatternMatch, today: date) -> TimeExpression | None:
        kind = match.row.get("kind")
        groups = match.groups
        start, end = match.start_char, match.end_char
        if kind == "month":     # "in march", "in the summer": the latest such month up to today
            month = (self.seasons.get(groups["season"].lower()) if groups.get("season")
                     else self.months.get(groups["monthname"].lower().rstrip(".")))
            if not month:
                return None
            year = today.year if month <= today.month else today.year - 1
            since = bool(groups.get("since"))       # "since march": a start that goes on
            return TimeExpression(start, end, date=f"{year:04d}-{month:02d}", point=not since, month_only=True,
                                  since=since)
        if kind == "season":    # "last winter": the latest such season before today; "last" says it is
            month = self.seasons.get(groups["season"].lower())      # past, so unlike "in march" it dates a
            if not month:                                           # treatment too ("pneumonia on rituximab
                return None                                         # last winter", "stopped it last spring")
            year = today.year if month < today.month else today.year - 1
            return TimeExpression(start, end, date=f"{year:04d}-{month:02d}", point=True)
        if kind == "until":
            # "azathioprine to 2021", "completed 2024", "weaned off 06/2023": the end of a use, over
            # once that year (or month) has passed; an end still to come is no time (h116, round 25)
            year = int(groups["year"])
            month = int(groups["month"]) if groups.get("month") else None
            if (year, month or 1) > (today.year, today.month):
                return None
            last = (year, month or 12)
            return TimeExpression(start, end, date=f"{year:04d}" + (f"-{month:02d}" if month else ""),
                                  ended=last < (today.year, today.month), end_only=True)
        if kind in ("date", "since", "range", "adjacent"):
            # a short end year ("2020-21") is in the start's century
            if groups.get("year_short"):    # "since 01/25": this century's
                year = 2000 + int(groups["year_short"])
            elif groups.get("year_two"):    # "Dx in 03", "dx in 98": the latest such year up to today
                year = 2000 + int(groups["year_two"])
                if year > today.year:
                    year -= 100
            else:
                year = int(groups["year"]) if groups.get("year") else int(groups["year_from"][:2] + groups["year_end"])
            # "06-08/2025": two months of one year, the start year is the end's
            year_from = (2000 + int(groups["year_from_short"]) if groups.get("year_from_short")
                         else int(groups.get("year_from") or year))
            if year > today.year or (kind == "range" and year_from > year):
                return None
            if kind == "range" and groups.get("month"):
                # "03/2019-06/2023": dated by its end month, over once that month has passed
                last = (year, int(groups["month"]))
                if (year_from, int(groups.get("month_from") or 1)) > last or last > (today.year, today.month):
                    return None
                return TimeExpression(start, end, date=f"{last[0]:04d}-{last[1]:02d}", ended=last < (today.year, today.month))
            if kind in ("range", "adjacent"):
                return TimeExpression(start, end, date=f"{year:04d}", ended=kind == "range" and year < today.year,
                                      adjacent=kind == "adjacent")
            month = groups.get("month")
            if groups.get("season"):    # "summer 2024", "since spring of 2023": the season's middle month
                month = self.seasons.get(groups["season"].lower())
            if groups.get("monthname"):
                month = self.months.get(groups["monthname"].lower().rstrip("."))
            text = f"{year:04d}"
            if month:
                text += f"-{int(month):02d}"
                if groups.get("day"):
                    text += f"-{int(groups['day']):02d}"
            return TimeExpression(start, end, date=text, point=kind == "date", since=kind == "since")
        if kind == "onset_age":
            return TimeExpression(start, end, onset_age=float(groups["value"]))
        unit = self.units.get((groups.get("unit") or "").lower())
        count = self._count(groups.get("value"))
        if unit is None or count is None:
            return None
        days = count * unit
        if groups.get("half"):          # "a year and a half"
            days += unit / 2
        if groups.get("value2"):        # "2 yrs 3 months"
            more, more_unit = self._count(groups["value2"]), self.units.get(groups["unit2"].lower())
            if more is not None and more_unit is not None:
                days += more * more_unit
        if kind in ("duration", "adjacent_duration"):
            return TimeExpression(start, end, duration_days=round(days, 2), adjacent=kind == "adjacent_duration")
        if kind == "ago":       # a point in time too ("ALT was 200 six months ago")
            when = today - timedelta(days=round(days))
            text = when.strftime("%Y-%m") if unit >= 365 or days >= self.ago_to_month else when.isoformat()
            if unit >= 365 and (groups.get("which") or "").lower() in ("last", "previous"):
                text = f"{today.year - 1:04d}"     # "last year": the calendar year before, not a year ago to the month
            return TimeExpression(start, end, date=text, point=True)
        return None


def _month_after_a_course(text: str, fact: Any, expression: TimeExpression) -> bool:
    """A treatment written with no verb right before a month ("pred in march, mmf since then",
    "a short course of pred in august"): a course given then, dated by the month like "ritux in
    2022" by its year; an infection so too ("influenza B in march") (h155, round 33). Not after "on" ("on pred in march" may be a time it
    was taken at) and never a month to come ("start pred in march" has its cue)."""
    if fact.label not in ("DRUG", "PROCEDURE", "INFECTION") or fact.end > expression.start:
        return False
    if text[fact.end:expression.start].strip(" \t") or not text.startswith("in", expression.start):
        return False
    # the treatment opens its clause, or follows words of a course given ("a short course of",
    # "and", "then"): never "booked in for CAR-T in february", "on pred in march"
    return _COURSE_OPENING.search(text, max(0, fact.start - 40), fact.start) is not None


# the clause's start (the text's, or after a stop, comma, semicolon or line break), then at most
# words of a course given before the treatment
_COURSE_OPENING = re.compile(r"(?:^|[.,;:!?\n(]|\b(?:and|then)\b)[ \t]*(?:(?:and|then|also|plus|had|got|a|an|one|another|short|quick|"
                             r"brief|long|course|round|dose|pulse|of|some|the)[ \t]+){0,5}$", re.IGNORECASE)


def _month_of_an_event(text: str, fact: Any, expression: TimeExpression) -> bool:
    """An event named right before its month ("had MAS in jan", "relapsed in march", "a flare
    in june"): the latest such month is its date (``event_words``, ``month_event_concepts`` in
    data/nlp/extraction.yaml; lead, round 40). Only the words "in"/"during"/"back in" and at
    most three words between."""
    if fact.label not in ("CONDITION", "INFECTION") or fact.end is None or fact.end > expression.start:
        return False
    if not ((fact.text or "").lower() in vocabulary_words("event_words")
            or fact.concept in vocabulary_words("month_event_concepts")):
        return False
    return _EVENT_MONTH_GAP.fullmatch(text, fact.end, expression.start) is not None


# what may stand between an event and "in <month>": a few words ("relapsed again in march")
_EVENT_MONTH_GAP = re.compile(r"(?:\s+[a-z']{1,12}){0,3}\s*", re.IGNORECASE)


def attach(text: str, times: list[TimeExpression], facts: list[Any], sentence_of, reader: TimeReader | None = None) -> dict[int, TimeExpression]:
    """fact index -> its time expression. ``facts`` have ``label``, ``start``, ``end``;
    ``sentence_of(char)`` names the sentence a character is in."""
    best: dict[int, tuple[tuple[int, int], TimeExpression]] = {}
    for expression in times:
        sentence = sentence_of(expression.start)
        preferred = reader.preferred_labels(text, expression, facts) if reader else None
        candidates = [
            i for i, fact in enumerate(facts)
            if fact.label in TIMED_LABELS and sentence_of(fact.start) == sentence
            and not (fact.start < expression.end and expression.start < fact.end)
        ]
        if expression.since_event is not None:
            # "since my transplant in 2020 ive been on tacrolimus": not the transplant's start
            candidates = [i for i in candidates if not (expression.since_event <= facts[i].start
                                                        and facts[i].end <= expression.start)]
        if expression.ended:
            # "Venetoclax + obinutuzumab 12 cycles, 04/2023-03/2024: uMRD": the years of a use are the
            # treatment's, never the response's written after them (h91, round 20)
            candidates = [i for i in candidates if not (facts[i].label == "CONDITION" and facts[i].concept in _status_ids())]
            # ... nor the years of the illness a treatment was for: "Azacitidine for MDS 2024-2025"
            # dates the azacitidine (h151, round 32)
            candidates = [i for i in candidates if not (facts[i].label == "CONDITION" and any(
                f.label in ("DRUG", "PROCEDURE") and f.end <= facts[i].start
                and _TREATED_FOR.fullmatch(text, f.end, facts[i].start) for f in facts))]
        if expression.month_only and not expression.since:
            # "platelets 20 in march"; a treatment only with its cue ("stopped the cellcept in
            # june"); "since march" is anything's start ("on benlysta since march")
            candidates = [i for i in candidates if facts[i].label in ("LAB", "SCORE") or facts[i].label in (preferred or ())
                          or _month_after_a_course(text, facts[i], expression) or _month_of_an_event(text, facts[i], expression)]
            # the cue's own treatment is named after it ("stopped the cellcept in june"); one
            # named before the cue is not what it dates ("Rituximab helped, she had a flare in
            # march": the flare was in march) (h65)
            cue_end = reader.cue_end(text, expression) if reader and preferred else None
            if cue_end is not None:
                # ... and before the month: "her last flare was in march, on rituximab" does not
                # date the rituximab (round 28, h133)
                candidates = [i for i in candidates if facts[i].label in ("LAB", "SCORE")
                              or cue_end <= facts[i].start and facts[i].end <= expression.start]
                if _PRONOUN_OBJECT.fullmatch(text, cue_end, expression.start):
                    # "i meant she stopped it in march, she is on leflunomide now": the month is
                    # the stop of the treatment "it" points back to, not of the one named next
                    # (h102, round 22)
                    candidates = [i for i in candidates if facts[i].label in ("LAB", "SCORE")]
        if expression.month_only and not expression.since and _diagnosis_before(text, expression.start):
            # "platelet count was 8 on friday, itp diagnosed in the summer": the month is of the
            # diagnosis of the disease named before its word, not of a value further back (h140, round 30)
            candidates = [i for i in candidates if not any(
                f.label == "CONDITION" and facts[i].end <= f.start and f.end <= expression.start for f in facts)]
        candidates = [i for i in candidates if not _now_before_a_later_clause(text, facts[i], expression)]
        if reader is not None and reader.test_before is not None and not expression.since and reader.test_before.search(
                text, max(0, expression.start - 40), expression.start):
            # "He is now on romidepsin but the scan last week was worse": the week is the scan's
            candidates = [i for i in candidates if not (facts[i].label in ("DRUG", "PROCEDURE")
                                                        and facts[i].end <= expression.start)]
        if expression.adjacent:
            candidates = [i for i in candidates if facts[i].label in ADJACENT_LABELS and facts[i].end <= expression.start
                          and (_ADJACENT_GAP.fullmatch(text[facts[i].end:expression.start])
                               or _given_gap().fullmatch(text[facts[i].end:expression.start])
                               or _course_gap(text[facts[i].end:expression.start])
                               or (facts[i].label in ("DRUG", "PROCEDURE")
                                   and _REASON_GAP.fullmatch(text, facts[i].end, expression.start)))]
        if preferred and reader is not None and not expression.month_only:
            # the cue's object is named after it: a preferred fact only before the cue is not
            # what it dates ("before humira which was negative, and i had shingles last year":
            # the shingles was last year; lead, round 28)
            cue_end = reader.cue_end(text, expression)
            if (cue_end is not None and not reader.dates_before(text, cue_end, expression)
                    and not any(facts[i].label in preferred and facts[i].start >= cue_end for i in candidates)):
                preferred = None
        if preferred and any(facts[i].label in preferred for i in candidates):
            candidates = [i for i in candidates if facts[i].label in preferred]
        # a time written between this one and a fact after it is that fact's nearer time: "a myocardial
        # infarction in 2016 and atrial fibrillation since 2022, on apixaban" (the apixaban goes with
        # 2022, never with 2016; h116, round 25)
        candidates = [i for i in candidates if facts[i].start < expression.end or (
            not any(other is not expression and expression.end <= other.start and other.end <= facts[i].start
                    and other.date is not None for other in times)
            # nor a treatment past a semicolon: "She had PJP in 10/2024; on co-trimoxazole prophylaxis
            # since" (the date is of the clause it closes, whatever that clause names; a value may
            # still be of then: "presented in June 2024 with ...; CK was normal")
            and not (facts[i].label in ("DRUG", "PROCEDURE") and ";" in text[expression.end:facts[i].start])
            # nor a value past a semicolon when the time dates a value written right before it:
            # "FVC 58% (10/2026), 71% in 2024; DLCO 39%" (the 71% was in 2024; h151, round 32)
            and not (facts[i].label in ("LAB", "SCORE") and ";" in text[expression.end:facts[i].start]
                     and _VALUE_BEFORE.search(text, max(0, expression.start - 30), expression.start)))]
        if any(_dates_its_value(text, facts[i], expression) for i in candidates):
            # "Plt 7 x10^9/L on 24/11/2026 despite IVIG (x4), ...": the date is the count's, never
            # a treatment's named after it (h151, round 32)
            candidates = [i for i in candidates if facts[i].end <= expression.start]
        if reader is not None and reader.dose_change is not None and expression.point:
            # "prednisolone 12.5 mg daily (reduced from 20 mg in 09/2025)": the change's date
            candidates = [i for i in candidates if not (
                facts[i].label == "DRUG" and facts[i].end <= expression.start
                and "\n" not in text[facts[i].end:expression.start]
                and reader.dose_change.search(text, facts[i].end, expression.start))]
        asides = _dated_over_marker_bracket(text, expression, facts, candidates)
        if asides:
            candidates = [i for i in candidates if i in asides or not (
                any(facts[a].end < facts[i].start for a in asides) and facts[i].end <= expression.start)]
        choice: tuple[tuple[int, int, int], int] | None = None
        for i in candidates:
            fact = facts[i]
            if fact.end <= expression.start:
                between, key = text[fact.end:expression.start], (expression.start - fact.end, 0)
                if expression.since:
                    # "then tofacitinib since 06/2025 - ILD progressing": the "since" is the start
                    # of what it follows, so its own word is no distance (h91, round 20)
                    own = _STARTS_FROM.sub("", between)
                    key = (len(own), 0)
                    if _course_gap(own):
                        # ... and so is the treatment's own dose before it ("nintedanib 150 mg bd
                        # since 03/2025 plus prednisolone 5 mg": the nintedanib's start; lead, round 38)
                        key = (0, 0)
                if fact.label in ("LAB", "SCORE") and _OWN_VALUE_BRACKET.search(between):
                    continue
                if fact.label in ("DRUG", "PROCEDURE") and _given_gap().fullmatch(between):
                    # "radiotherapy to a bulky left neck node was given in 2025 after relapse
                    # 03/2025": the time of its giving, no distance (h182, round 38)
                    key = (0, 0)
                if i in asides and expression.since:
                    # the bracket between is an aside, no distance from a "since": "stils disese
                    # (adult) since 2019 anakinra n tocilizumab both faild" dates the disease, not
                    # the drug right after the year ("vasculitis (MPO) diagnosed 2019 with AKI"
                    # keeps the AKI's time; h180, round 37)
                    key = (0, 0)
            else:
                between, key = text[expression.end:fact.start], (fact.start - expression.end, 1)
                if _CLOSED_BEFORE.match(between):
                    # "UPCR 210 (was 90 in 01/2025), creatinine 104": a date inside a bracket is
                    # of what the bracket is about, never of the next item past its close
                    continue
            # a date in a bracket opened right after the fact is the fact's ("rituximab (2
            # cycles in 2023), MMF"), not the next one's across the closing bracket
            own_bracket = fact.end <= expression.start and (
                _OWN_BRACKET.fullmatch(between) is not None
                # or a bracket opened after the fact's dose, no other fact between ("MTX 25 mg
                # weekly (2009-2014, stopped - pneumonitis?)": MTX's years, not the pneumonitis's)
                or (len(between) <= 40 and "\n" not in between and between.count("(") > between.count(")")
                    and not any(fact.end <= other.start and other.end <= expression.start for other in facts)))
            ranked = (1 if _CLAUSE_BREAK.search(between) and not own_bracket and i not in asides else 0, *key)
            if choice is None or ranked < choice[0]:
                choice = (ranked, i)
        if choice is None:
            continue
        rank, index = (choice[0][0], choice[0][1]), choice[1]
        if index not in best or rank < best[index][0]:
            best[index] = (rank, expression)
        # the state an illness caused, named before it with "with" ("she was bedridden for a week
        # with the flu last year", "off work with pneumonia in march"): the time is its too (h155)
        # ... the time after the illness or before it ("bedridden for a week last year with flu")
        if expression.point and facts[index].label in ("INFECTION", "CONDITION"):
            for i in candidates:
                if facts[i].label != "SCORE" or i in best or facts[i].end > facts[index].start:
                    continue
                between = text[facts[i].end:facts[index].start]
                if facts[i].end <= expression.start and expression.end <= facts[index].start:
                    between = text[facts[i].end:expression.start].rstrip() + text[expression.end:facts[index].start]
                if _WITH_ITS_CAUSE.fullmatch(between):
                    best[i] = (rank, expression)
    return {i: expression for i, (_, expression) in best.items()}


# what joins a state to the illness that caused it ("bedridden for a week with the flu")
_WITH_ITS_CAUSE = re.compile(r"(?:[ \t]+for[ \t]+(?:a|an|one|two|three|\d{1,2}|a[ \t]+few|a[ \t]+couple[ \t]+of)[ \t]+"
                             r"(?:days?|weeks?|wks?|months?))?[ \t]+with[ \t]+(?:the[ \t]+|a[ \t]+|an[ \t]+|bad[ \t]+)?",
                             re.IGNORECASE)


# a lab's value and a word of date between the lab and its time ("Plt 7 x10^9/L on 24/11/2026")
_OWN_VALUE_DATE = re.compile(r"[ \t]{0,3}[:=]?[ \t]{0,3}(?:(?:is|was|of)[ \t]+)?[<>~≤≥]?[ \t]?\d[\d.,]{0,8}[ \t]{0,2}"
                             r"(?:%|[A-Za-z/µ^\d]{1,12}(?:[ \t]?/[ \t]?[A-Za-z]{1,4})?)?[ \t]{0,2}(?:on|dated|at)[ \t]{1,3}"
                             r"(?:\d{1,2}(?:st|nd|rd|th)?[ \t/.-])?")


def _dates_its_value(text: str, fact: Any, expression: TimeExpression) -> bool:
    """A day's date written right after a lab's value, joined by "on" (``_OWN_VALUE_DATE``)."""
    return (fact.label in ("LAB", "SCORE") and fact.end <= expression.start and expression.point
            and _OWN_VALUE_DATE.fullmatch(text, fact.end, expression.start) is not None)


# a treatment and the illness it was for ("azacitidine for MDS")
_TREATED_FOR = re.compile(r"[ \t]+for[ \t]+(?:(?:his|her|the|their)[ \t]+)?", re.IGNORECASE)
# a value right before a time ("71% in 2024", "was 90 in 01/2025")
_VALUE_BEFORE = re.compile(r"\d(?:[.,]\d+)?[ \t]{0,2}(?:%|[A-Za-z/µ^\d]{1,10})?[ \t]{0,2}(?:in|on|at|from)?[ \t]{0,2}\(?$")


@lru_cache(maxsize=1)
def _diagnosis_words() -> re.Pattern:
    words = vocabulary_words("time_diagnosis_words")
    return re.compile(rf"(?<![\w'])(?:{alternation(words)})\s+$" if words else r"(?!)", re.IGNORECASE)


def _diagnosis_before(text: str, start: int) -> bool:
    """A diagnosis word right before a time ("itp diagnosed in the summer"; ``time_diagnosis_words``)."""
    return _diagnosis_words().search(text[max(0, start - 20):start]) is not None


@lru_cache(maxsize=1)
def _now_clause() -> re.Pattern:
    words = vocabulary_words("time_now_words")
    return re.compile(rf"[^,;.!?\n]{{0,30}}(?<![\w'])(?:{alternation(words)})(?![\w'])[^,;.!?\n]{{0,10}}[,;]" if words else r"(?!)",
                      re.IGNORECASE)


def _now_before_a_later_clause(text: str, fact: Any, expression: TimeExpression) -> bool:
    """A lab or score said to be so now in its own clause takes no time of a later clause ("her
    creatinine is 180 now, was 90 last year": the 90 was last year; ``time_now_words``; h140,
    round 30)."""
    if fact.label not in ("LAB", "SCORE") or fact.end > expression.start:
        return False
    return _now_clause().match(text, fact.end, expression.start) is not None


# a bracket of markers between a disease and its time: "lupus (anti-dsDNA) since 2019", "myositis
# (anti-jo1) since last spring" date the disease, not the antibody (lead, round 23)
# ... and its word of diagnosis ("dermatomyositis (anti-MDA5) diagnosed 8 months ago, lungs
# involved": the dermatomyositis's, not the lungs' named next; lead, round 39)
_MARKER_BRACKET = re.compile(r"\s*\([^()\n]{1,40}\)\s*(?:(?:was\s+|got\s+)?(?:diagnosed|dx'?d|dxd|confirmed)\s+)?"
                             r"(?:since|from|for|in)?\s*", re.IGNORECASE)


def _dated_over_marker_bracket(text: str, expression: TimeExpression, facts: list[Any], candidates: list[int]) -> set[int]:
    """The conditions a time follows across a bracket that holds only markers (BIOMARKER
    facts), or no fact at all, and a few words: the bracket is an aside, the time is the
    condition's."""
    found: set[int] = set()
    for i in candidates:
        fact = facts[i]
        if fact.label != "CONDITION" or fact.end > expression.start:
            continue
        between = text[fact.end:expression.start]
        if not _MARKER_BRACKET.fullmatch(between):
            continue
        inside = [f for f in facts if fact.end <= f.start and f.end <= expression.start]
        # a bracket of plain words is an aside too: "Still's disease (adult onset) since 2021,
        # 33M, anakinra ...", "scleroderma (the diffuse kind) since 2020" (h175, round 36)
        if all(f.label == "BIOMARKER" for f in inside):
            found.add(i)
    return found


_LIST_WORDS = frozenset({",", "and", "&", "+", "/", "or", "plus"})
# a dose, count or course length written between a treatment and its year, word by word
# ("Dexamethasone 40 mg x4 days, 3 cycles (2019)", "cyclophosphamide IV 500 mg x6 monthly
# (2024)"): numbers, "x6", "500mg", and the words of data/nlp/extraction.yaml dose_words
_GAP_WORD = re.compile(r"[x×]?\d+(?:[.,]\d+)?(?:[a-zµ/%]+(?:/[a-z0-9]+)?)?|[x×]", re.IGNORECASE)
_GAP_SPLIT = re.compile(r"[\s,]+")


# what a treatment was given for, in one or two plain words, between it and its bare year ("IVIG
# for bleeds 2018", "steroids for flares 2019"; an illness named there is a fact of its own and
# nearer to the year; h156, round 33)
_REASON_GAP = re.compile(r"[ \t]+for[ \t]+[a-z][a-z-]*(?:[ \t]+[a-z][a-z-]*)?[ \t]+")


def _course_gap(between: str) -> bool:
    """Only a treatment's dose, route, schedule and course count between it and a bracketed
    or bare year on the same line (at most 60 characters)."""
    if len(between) > 60 or "\n" in between:
        return False
    words = vocabulary_words("dose_words")
    tokens = [t for t in _GAP_SPLIT.split(between.rstrip().removesuffix("(")) if t]
    return all(_GAP_WORD.fullmatch(t) or t.lower() in words for t in tokens)


class EventsBefore:
    """A therapy, procedure or infection named a few words after "after" ("relapsed 4 months
    after BFM-type chemotherapy", "CMV after her transplant") is over: historical. Words
    and gap are data (extraction.yaml ``events_before``); a blocker between ("after starting
    rituximab") or a current status keeps the fact as it is."""

    LABELS = ("DRUG", "PROCEDURE", "INFECTION")

    def __init__(self, vocabulary: dict[str, Any]):
        settings = vocabulary.get("events_before") or {}
        self.words = frozenset(w.lower() for w in settings.get("words", ()))
        self.blockers = frozenset(w.lower() for w in settings.get("blockers", ()))
        self.max_gap = int(settings.get("max_gap", 0))
        # "stopped working after 2 yrs, baricitinib since Jan": "after" and an amount of time
        # date the clause before; the treatment after them is no event after which (h60)
        self.time_units = frozenset(str(w).lower() for w in vocabulary.get("time_units") or ())
        # an acute event after the word is over too ("tofacitinib 2020-2022, stopped after a
        # pulmonary embolism"; h91, round 20): event_words, event_settings.acute_concepts
        self.event_words = frozenset(w.lower() for w in vocabulary.get("event_words") or ())
        self.acute = frozenset((vocabulary.get("event_settings") or {}).get("acute_concepts") or ())

    def __call__(self, ents: list[Any], facts: list[Any]) -> None:
        marked: set[int] = set()     # token ends of the mentions made historical here
        for ent, fact in zip(ents, facts):
            event = fact.label == "CONDITION" and (fact.concept in self.acute or fact.text.lower() in self.event_words)
            if ((fact.label not in self.LABELS and not event) or fact.historical or fact.negated or fact.hypothetical
                    or fact.status == "current" or fact.family):
                continue
            doc = ent.doc
            joined = True       # only list words so far: "after IVIG and dexamethasone"
            for gap in range(self.max_gap + 1):
                index = ent.start - 1 - gap
                if index < ent.sent.start:
                    break
                token = doc[index]
                if token.lower_ in self.words or (joined and index + 1 in marked):
                    fact.historical = True
                    marked.add(ent.end)
                    break
                opening = _bracket_opening(doc, index, ent.sent.start) if joined and token.text == ")" else None
                if opening is not None and opening in marked:
                    # "after eltrombopag, IVIG (x2, bleeding) and MMF": the item before the
                    # bracket was one of the list (h151, round 32)
                    fact.historical = True
                    marked.add(ent.end)
                    break
                joined = joined and token.lower_ in _LIST_WORDS
                if token.lower_ in self.blockers or token.lower_ in self.time_units or token.ent_type_ or (
                        token.is_punct and token.text not in "-/" and not (joined and token.text == ",")):
                    break


def _bracket_opening(doc, closing: int, sentence_start: int, reach: int = 12) -> int | None:
    """The index of the "(" whose ")" is at ``closing``, at most ``reach`` tokens back in the
    sentence, no other bracket between."""
    for index in range(closing - 1, max(sentence_start, closing - reach) - 1, -1):
        if doc[index].text == "(":
            return index
        if doc[index].text == ")":
            return None
    return None


class SettingOfEvent:
    """A treatment named as the setting of a past event is over too: "Hx of DVT on tofa",
    "got shingles on baricitinib last yr", "had pneumonia twice on rituximab", "Herpes zoster on
    baricitinib 2023". The treatment is said to be taken then, not now: historical, no status,
    unless a cue of its own says it goes on ("..., still taking it", "ruxolitinib continued":
    not current by a bare "on" alone, ``bare``). An acute event (extraction.yaml
    ``event_words``, ``event_settings.acute_concepts``) on a treatment dated to an earlier year
    is past when that treatment is over or a word of time joins them ("a chest infection while
    on cellcept in 2022, still taking it"; not "pneumonia on rituximab since 2019"). Words that may
    join event and treatment are data (extraction.yaml ``event_settings``)."""

    EVENTS = ("CONDITION", "INFECTION")
    TREATMENTS = ("DRUG", "PROCEDURE")

    def __init__(self, vocabulary: dict[str, Any]):
        settings = vocabulary.get("event_settings") or {}
        self.joiners = frozenset(w.lower() for w in settings.get("words", ()))
        self.last = frozenset(w.lower() for w in settings.get("last_words", ()))
        self.event_words = frozenset(w.lower() for w in vocabulary.get("event_words") or ())
        self.acute = frozenset(settings.get("acute_concepts", ()))
        self.during = frozenset(w.lower() for w in settings.get("during_words", ()))

    def __call__(self, ents: list[Any], facts: list[Any], bare: list[bool], today: date) -> None:
        if not self.last:
            return
        for k in range(1, len(facts)):
            event, treatment = facts[k - 1], facts[k]
            if (event.label not in self.EVENTS or treatment.label not in self.TREATMENTS
                    or event.negated or event.hypothetical or event.uncertain or treatment.negated
                    or treatment.hypothetical or event.family != treatment.family
                    or ents[k - 1].sent.start != ents[k].sent.start):
                continue
            between = ents[k].doc[ents[k - 1].end:ents[k].start]
            words = [t.lower_ for t in between]
            if not words or words[-1] not in self.last or any(w not in self.joiners for w in words):
                continue
            eventful = (event.label == "INFECTION" or event.text.lower() in self.event_words
                        or event.concept in self.acute)
            if (event.historical and eventful
                    and (treatment.status is None or (treatment.status == "current" and bare[k]))):
                # a past illness of a lifelong kind before "on" ("Pt w/ hx SLE + APS on warfarin"):
                # the treatment is the disease's, taken now, no setting of a past event (h102, round 22)
                treatment.historical, treatment.status = True, None
            elif (treatment.date and (treatment.historical or self.during & set(words))
                    and (event.text.lower() in self.event_words or event.concept in self.acute)
                    and not event.historical and int(treatment.date[:4]) < today.year):
                event.historical = True     # "a chest infection while on cellcept in 2022": then


class HarmFromDrug:
    """A harm named right before the drug that caused it ("pancreatitis from azathioprine in
    2019", "she got bad pancreatitis from aza", "shingles from tofacitinib"; extraction.yaml
    ``event_settings.caused_by``): an acute harm (``event_words``, ``acute_concepts``) is over,
    and the drug was not tolerated (intolerant) unless a cue of its own already gives its
    status ("shingles from tofacitinib but she's still on it": current). A lasting harm
    ("osteoporosis from steroids") says nothing of the drug being stopped. Only a harm the patient had
    (not negated, hedged, hypothetical or a relative's) and the drug right after the cue. A
    harm denied ("no pancreatitis from the azathioprine") denies no drug: the drug was taken."""

    def __init__(self, vocabulary: dict[str, Any]):
        settings = vocabulary.get("event_settings") or {}
        cues = settings.get("caused_by") or ()
        owners = settings.get("caused_by_owners") or ()
        self.between = re.compile(r"\s+(?:%s)\s+(?:(?:%s)\s+)?" % (alternation(cues), alternation(owners)),
                                  re.IGNORECASE) if cues and owners else None
        self.event_words = frozenset(w.lower() for w in vocabulary.get("event_words") or ())
        self.acute = frozenset(settings.get("acute_concepts", ()))

    def __call__(self, text: str, facts: list[Any]) -> None:
        if self.between is None:
            return
        for k in range(1, len(facts)):
            harm, drug = facts[k - 1], facts[k]
            if (harm.label not in ("CONDITION", "INFECTION") or drug.label != "DRUG" or harm.end > drug.start
                    or not self.between.fullmatch(text, harm.end, drug.start)):
                continue
            if harm.negated and drug.negated and drug.status in (None, "current") and not harm.family:
                # "no pancreatitis from the azathioprine": the harm is denied, the drug taken
                drug.negated, drug.historical = False, False
                continue
            if (harm.negated or harm.hypothetical or harm.uncertain or harm.family
                    or drug.negated or drug.hypothetical or drug.family
                    or not self.between.fullmatch(text, harm.end, drug.start)):
                continue
            if harm.text.lower() in self.event_words or harm.concept in self.acute:
                harm.historical = True
                if drug.status is None:
                    drug.status = "intolerant"

