"""A processed Doc -> typed facts (core/facts.py): context flags, values, status, time.

Labs: the value after the name (or, with its unit, before it); names joined by "/", ","
or "and" with no value of their own share the next one ("ALT/AST > 3x ULN"). The value is
converted to the analyte's canonical unit (labs.yaml ``units``). Without a unit the
canonical unit is assumed only when the value is plausible in it; otherwise the fact is
marked ``implausible`` with no normalised value ("platelets 15000": do not guess). A lab
or score mention with no value at all is not a fact.
"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from spacy.tokens import Doc, Span

from data.terminology import Terminology
from nlp.components.context import dosed_chains as list_chains, categories as context_categories, coordinated_family, coordinated_history, family_negation, family_past, coordinated_negation, hedged_therapy, superseded, TrailingHedge
from nlp.components.measurements import RECENT, Reading, ValueReader
from nlp.components.lab_words import LabWords
from nlp.components.list_outcome import (WholeListOutcome, corrected_treatment, replaced_in_correction, corrected_year, flares_on_treatment, list_part_outcome,
                                         named_again_outcome, only_one_helped, relapsed_on_maintenance, whole_list_result)
from nlp.components.trial_examples import TrialExamples
from nlp.components.trial_subject import TrialSubject
from nlp.components.query_answered import QueryAnswered
from nlp.components.devices import devices_in_place
from nlp.components.denied_since import denied_since, denied_with_exception, well_but_for
from nlp.components.ongoing_item import OngoingItem
from nlp.components.class_members import members_in_bracket
from nlp.components.revised_diagnosis import RevisedDiagnosis
from nlp.components.taken_with import taken_with
from nlp.components.taken_elsewhere import failed_but_taken, failing_on_schedule, stopped_later, taken_on_schedule
from nlp.components.episodes import after_an_earlier_illness, dated_episodes, episode_treatments, kept_on_treatment, line_outcomes, refractory_then
from nlp.components.stop_reasons import (caused_then_stopped, not_given_for_a_marker, not_given_reasons, stop_reasons,
                                         stopped_for_outcome)
from nlp.components.course_counts import counted_courses, counted_episodes, finished_courses, joined_regimen
from nlp.components.harm_cause import drug_caused_not_infection, harm_causes, harms_on_treatment
from nlp.components.table_rows import table_rows
from nlp.components.treated_cancer import TreatedCancer
from nlp.components.later_values import earlier_values
from nlp.components.value_outcomes import ValueOutcomes
from nlp.components.doc_cache import doc_text, doc_value, sentence_index, span_value
from nlp.components.status import THERAPY_STATUS, MentionStatus, bare_current, biomarker_status, bracket_outcome, bracket_over, checked_before, failing_now, failing_while_on, failure_if, failure_past_own_now, infection_status, intolerance_of_last, listed_before_a_bracketed_outcome, now_right_after, planned_at_end, still_taken, stopped_after_own_start, taken_in_question, test_without_result, then_after_past, therapy_status
from nlp.components.discourse import Outcomes, People
from nlp.components.disease_status import StatusWords, is_status_span, remission_now, values_of_a_past_status
from nlp.components.sections import HistorySections
from nlp.components.result_headings import ResultHeadings
from nlp.components.class_headings import ClassHeadings
from nlp.components.time import TIMED_LABELS, EventsBefore, HarmFromDrug, SettingOfEvent, TimeReader, attach
from nlp.components.speaker import CARED_FOR, Speaker
from nlp.resources import alternation, vocabulary, vocabulary_words
from core.facts import Fact
from nlp.units import normalise_lab

# a pregnancy dated longer ago than this is over (a pregnancy lasts about 280 days)
PAST_PREGNANCY_DAYS = 300
# a lab value or score dated at a point more than this many days before today is an earlier
# one ("Cr 1.9 in 2023, now 1.1", "creatinine was 1.4 in march"): historical
PAST_VALUE_DAYS = 90
# between a transplant and the organ failure it was given for ("kidney transplant 2016 (deceased
# donor) for ESRD"): a short remark, then "for" (h136, round 29)
# what may stand between a cancer and the one before it it grew out of, written with "post-"
# ("myelofibrosis post-PV", "myelofibrosis (post-ET, Dx 2020)") or right before the one it became
# ("post-PV myelofibrosis"; h197, round 41)
_OPENING = re.compile(r"[^\S\n]*[(,]?[^\S\n]*")
_BLANK = re.compile(r"[^\S\n]+")
_TRANSPLANT_FOR = re.compile(r"[^.;\n]{0,40}?\b(?:for|because of|due to)\s+(?:(?:her|his|their|the)\s+)?")
# between a body weight and the date right after it ("96 kg in 2023", "91 kg last year")
_WEIGHT_DATE_GAP = re.compile(r"[^\S\n]{0,3}[(,]?[^\S\n]{0,3}(?:(?:in|on|during|from)[^\S\n]{1,3})?")


def _latest_day(written: str) -> date | None:
    """The last day a date written as YYYY, YYYY-MM or YYYY-MM-DD can mean."""
    try:
        parts = [int(p) for p in written.split("-")]
        if len(parts) == 1:
            return date(parts[0], 12, 31)
        if len(parts) == 2:
            year, month = parts
            return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
        return date(*parts[:3])
    except (ValueError, TypeError):
        return None


# labels a "no" answer to a question denies ("does she have HIV? no")
ANSWERED_LABELS = ("DRUG", "PROCEDURE", "CONDITION", "INFECTION", "PREGNANCY", "BIOMARKER")
# the Fact flag a ConText category sets
_CATEGORY_FLAGS = {"HISTORICAL": "historical", "HYPOTHETICAL": "hypothetical", "NEGATED_EXISTENCE": "negated",
                   "POSSIBLE_EXISTENCE": "uncertain", "FAMILY": "family"}
_JOINER = re.compile(r"^\s*(?:/|,|&|and|or|\+)\s*$", re.IGNORECASE)
_MARKER_WINDOW = 40
# between a marker and a share: a clause end, then a word before the number ("CD7 bright on
# flow, MRD 4.2%": the MRD's share, not CD7's; "CD7 positive, 90%" and "CD7+: 95%" are CD7's)
_ANOTHER_CLAUSE_FIRST = re.compile(r"[,;]\s*[^\W\d_]{2,}")
# what stands between a marker and the share of cells written after it ("CD7+ (98% blasts)",
# "CD7+ in 80% blasts"): the share is the marker's, not a count of the cells (lead, round 37)
_MARKER_SHARE_GAP = re.compile(r"[\s(:]{0,4}(?:(?:in|on|of)\s+)?")
# a share that points back to the marker named before it ("..., around 30% of blasts express it")
_SHARE_OF_IT = re.compile(r"\s*of\s+(?:the\s+)?(?:blasts|cells|tumou?r\s+cells|lymphoblasts|leuka?emic\s+cells)\s+"
                          r"(?:express(?:es|ed)?|are\s+positive\s+for|were\s+positive\s+for|show(?:ed)?|have|had)\s+(?:it|this|that)\b",
                          re.IGNORECASE)
# a titre written right after an antibody: "ANA 1:640", "ANA titre of 1/320", "ANA (1:160)"
_TITRE = re.compile(r"\s*(?:[:=(]\s*)?(?:(?:titre|titer|at|of|was|is|positive|pos)\s*:?\s*)*1\s*[:/]\s*(\d{2,5})\b", re.IGNORECASE)
# a year after an antibody is when it was tested ("dsDNA 2019 positive"), no level
_DATE_LIKE = re.compile(r"(?:19|20)\d\d\b(?![.,]\d)")
# "SLE dx 2016", "SLE (diagnosed in 2016)", "SLE, dx'd 2016": the words between an illness and the
# date it began; "SLE since 2016" has only a space (the "since" is the time's own) (h91, round 20)
_ONSET_WORDS = re.compile(r"\s*,?\s*\(?\s*(?:dx|dx'd|diagnosed|diagnosis|onset)\.?:?\s*(?:in\s+)?", re.IGNORECASE)
# "hydroxychloroquine since 2016", "tofacitinib 5 mg bd since 06/2025": the start written right after
# a treatment, or in the bracket after it ("prednisolone (since 02/2024, now 20 mg)": h96, round 21);
# and a stop said after it on its line ("since 2019, stopped 2022") (h91, round 20)
# a character of a clause that holds no word of stopping (a gap between a treatment and its start)
_NO_STOP_CHAR = r"(?:(?!\b(?:held|off|stopped|suspended|paused|withheld|discontinued)\b)[^,;()\n])"
_SINCE_RIGHT_AFTER = re.compile(_NO_STOP_CHAR + r"{0,25}?(?:\(\s*)?\b(?:since|from)\s*", re.IGNORECASE)
# the words in a bracket opened right after the treatment, before its own "since" ("IVIG
# (monthly since 2022)"; lead, round 40)
_BRACKET_GAP = re.compile(r"\s*\(\s*(?:" + _NO_STOP_CHAR + r"{1,20}\s)?", re.IGNORECASE)
# "since" itself, not "from" ("azacitidine + venetoclax from March 2024, ... relapsed": a course
# that failed and ended; lead, round 40)
_SINCE_WORD = re.compile(r"\bsince\b", re.IGNORECASE)
# "hydroxychloroquine since 2016": the "since" is the time's own word
_SINCE_OWN_WORD = re.compile(r"(?:since|from)\b", re.IGNORECASE)
_GAP_NO_STOP = re.compile(_NO_STOP_CHAR + r"{0,25}", re.IGNORECASE)
# "off immunosuppression since 03/2025", "held since 09/2025": a stop that goes on, no use
_STOPPED_BEFORE = re.compile(r"\b(?:off|held|stopped|suspended|withheld|discontinued|(?:has|have|had)\s*(?:n[o'’]?t|nt)\s+been)\b[^,;()\n]{0,15}$",
                             re.IGNORECASE)     # "hasnt been on steroids since 2023": off them since (lead, round 25)
_ENDED_AFTER = re.compile(r"[^\n;.]{0,30}?(?<!\w)(?:to|until|till|stopped|ceased|discontinued|withdrawn|off|finished|completed|held|paused|suspended|withheld)(?!\w)",
                          re.IGNORECASE)
# "UKALL 2011 induction - ", "DA x2 -> ", "+ midostaurin (04/2025) -> ": a course's words, then the arrow
# or dash to its outcome, on one line (h91, round 20)
_COURSE_TO_OUTCOME = re.compile(r"[^\n;.]{0,40}?(?:\s(?:->|→|-|–|:)|(?<![\w])[x×]\s?\d{1,2}(?:\s*cycles?)?\s*,)"
                                r"\s*(?:achieving\s+|achieved\s+|in\s+)?", re.IGNORECASE)
# (a course count then a comma joins its outcome too: "Induction: 7+3 (daunorubicin/cytarabine) x1,
# CR1 with MRD positive"; h116, round 25)
# (the word "since" may stand between when the start is a relative time: "had ITP since last
# spring", "had lupus since last year"; h115, round 25)
_ONSET_GAP = re.compile(r"\s*,?\s*\(?\s*(?:since\s+)?", re.IGNORECASE)
_ONSET_START = re.compile(r"(?:dx|dx'd|diagnosed|diagnosis|onset)\b", re.IGNORECASE)
_COMPLICATED_BY = re.compile(r"\s*\)?\s*,?\s*(?:c/b|complicated\s+(?:by|with))\s+", re.IGNORECASE)
_CLASS_WORDS = re.compile(r"(?:(?:class|stage|grade|biopsy-proven|biopsy|proven)\s+[IVX0-9+/-]*\s*){0,2}", re.IGNORECASE)
# "for" and up to two words before an infection a course was given for ("for a chest infection")
_REASON_FOR = re.compile(r"\bfor\s+(?:[A-Za-z-]+\s+){0,2}$", re.IGNORECASE)
ACTIVE_INFECTION = "active_infection"
# "<past treatment> ... for [his] <disease>": the words between (nlp/components/assemble.py _treated_then)
_REASON_BEFORE = re.compile(r"\bfor\s+(?:a\s+|an\s+|the\s+|his\s+|her\s+|my\s+|their\s+|your\s+)?", re.IGNORECASE)


def _now_reading(reading: Reading | None, text: str) -> bool:
    """A newer value said to be now ("Platelets 3 on admission, now 48", "CRP 212 on admission,
    18 at discharge": the newest value the text has); not one of another past time ("3.1 on
    admission, improved to 1.4 last spring")."""
    if reading is None or reading.older_end is None or reading.start < reading.older_end:
        return False
    # the "now" before the newer value ("now 48") or right after it ("450 today"; h110, round 24)
    return bool(_NOW_WORD.search(text, reading.older_end, reading.start + 1)
                or _NOW_RIGHT_AFTER.match(text, reading.end))


_NOW_WORD = re.compile(r"\b(?:now|currently|today|presently|latest|this\s+week|this\s+morning)\b", re.IGNORECASE)
# ... or the value at the end of the stay a note tells, the newest it has ("CRP 212 on
# admission, 18 at discharge": today's value is the later one; h131, round 28)
_NOW_RIGHT_AFTER = re.compile(r"\s*(?:k\b|%)?\s*(?:now|currently|today|presently|at\s+present|these\s+days|this\s+week|this\s+morning"
                              r"|(?:at|on|by)\s+discharge|at\s+follow-up|" + RECENT + ")",
                              re.IGNORECASE)


def _same_clause(text: str, start: int, end: int) -> bool:
    return not re.search(r"[.;!?\n]", text[start:end])
# then, in the same or the next sentence, "now" (and who) before another disease
_NOW_AFTER = re.compile(r"[^!?\n]{0,40}?\bnow\b", re.IGNORECASE)
# a sentence end between two words: a full stop, "!" or "?" followed by a space (not "1.2")
_SENTENCE_END = re.compile(r"[.!?]\s")
# between a past cancer and the treatments listed right after it ("He had Hodgkin lymphoma at
# 19, ABVD, all fine since", "breast cancer in 2015, chemo and radiotherapy"): its age or
# year, then a comma, bracket or dash (an en or em dash too: "breast cancer 2012 – tamoxifen for
# five years – clear ever since"), maybe "treated with" or the course's length ("five years
# of tamoxifen", "5 yrs tamoxifen"; h147, round 31)
_AFTER_PAST_CANCER = re.compile(r"\s*(?:(?:at|in|aged|age)\s+\d{1,4}\s*|\d{4}\s*)?[,(:;\-\u2013\u2014]\s*(?:treated\s+with\s+|with\s+|had\s+)?"
                                r"(?:(?:\d{1,2}|[a-z]{3,6})\s*(?:years?|yrs?|months?)\s+(?:of\s+)?)?", re.IGNORECASE)
# between two items of one list (treatments; illnesses shared with the writer: "lupus and RA, so do I")
_LIST_JOIN = re.compile(r"\s*(?:,|/|\+|and|&|,\s*and|then)\s*", re.IGNORECASE)


def _taken_now_list_head(first: Span, head: Fact) -> bool:
    """The first item of a list is taken now by a cue before it that says so ("she's on",
    "im on", "currently taking": ``still_taken``), not by a bare "on" alone ("been on")."""
    return (head.status == "current" and not (head.historical or head.negated or head.hypothetical or head.uncertain)
            and (still_taken(first) or _opening_on(first) or _present_taking(first)))


def _present_taking(first: Span) -> bool:
    """A present tense of taking before the list's first item ("I take", "she takes"; the
    word before the cue read with it: ``present_taking_words``; lead, round 38)."""
    doc, words = first.doc, vocabulary_words("present_taking_words")
    for m in first._.modifiers:
        start, end = m.modifier_span
        if m.category == "THERAPY_CURRENT" and end <= first.start and (
                doc[start:end].text.lower() in words or doc[max(0, start - 1):end].text.lower() in words):
            return True
    return False


def _opening_on(first: Span) -> bool:
    """A bare "on" that opens its sentence or line ("on anakinra 200mg and pred 15.", "Had
    MAS twice. On MMF, HCQ and pred"): the subject and "is" left out, said of now."""
    doc = first.doc
    for m in first._.modifiers:
        start, end = m.modifier_span
        if (m.category == "THERAPY_CURRENT" and end <= first.start
                and doc[start:end].text.lower() in vocabulary_words("taken_now_openers")
                and (start == 0 or doc[start - 1].is_sent_end or doc[start - 1].text in _OPENING_BEFORE
                     or doc[start - 1].is_space)):
            return True
    return False


# what may stand right before a line's first word: the end of a sentence or a clause of a list
_OPENING_BEFORE = frozenset({".", ";", ":", "\n", "!", "?"})


def _one_infection(facts: list[Fact], text: str) -> None:
    """Two infections named as one ("COVID pneumonia in 12/2024", "CMV colitis 2019",
    "Pseudomonas bacteraemia last year"): the organism and the illness it caused are of one
    time, so the time read for one (past, its date) is the other's too."""
    for a, b in zip(facts, facts[1:]):
        if (a.label != "INFECTION" or b.label != "INFECTION" or not 0 <= b.start - a.end <= 2
                or text[a.end:b.start].strip(" -") or any(f.negated or f.family or f.hypothetical for f in (a, b))):
            continue
        for one, other in ((a, b), (b, a)):
            if one.historical and not other.historical:
                other.historical = True
                if other.date is None:
                    other.date = one.date


# what may stand between a condition and a bracket naming its kind: a few words of its own
# clause ("skin cancer removed last year (BCC)"), no end of a sentence or clause, no other bracket
_BEFORE_KIND_BRACKET = re.compile(r"[^.;:!?()\n]{0,40}?\(\s*")


def _kind_in_bracket(facts: list[Fact], text: str, terminology) -> None:
    """A condition whose kind is the whole of a bracket in its clause ("skin cancer removed last
    year (BCC)", "skin cancer (BCC) removed last year"): one illness named twice, so the time read
    for one (past, its date) is the other's too (round 37, h179): a removed basal cell carcinoma
    is no cancer now. The conditions in turn, whatever other facts stand between ("removed" is
    an operation of its own since round 38)."""
    conditions = [f for f in facts if f.label == "CONDITION"]
    for a, b in zip(conditions, conditions[1:]):
        if (a.label != "CONDITION" or b.label != "CONDITION" or a.concept == b.concept
                or a.concept not in terminology or b.concept not in terminology
                or not terminology.is_a(b.concept, a.concept)
                or not _BEFORE_KIND_BRACKET.fullmatch(text, a.end, b.start) or not _CLOSE_BRACKET.match(text, b.end)
                or a.negated != b.negated or a.family != b.family or a.hypothetical or b.hypothetical):
            continue
        for one, other in ((a, b), (b, a)):
            if one.historical:
                other.historical = True
                other.date = other.date or one.date


def _named_again(facts: list[Fact], text: str) -> list[Fact]:
    """A drug named again in brackets right after itself, by its regimen's or brand's name
    ("Cyclophosphamide (Euro-Lupus) 2019", "rituximab (MabThera)"): one course, one fact; what
    the first lacks (an outcome, a date) is taken from the second."""
    again: set[int] = set()
    for a, b in zip(facts, facts[1:]):
        if (a.label == b.label == "DRUG" and a.concept == b.concept and b.start > a.end
                and _OPEN_BRACKET.fullmatch(text, a.end, b.start) and _CLOSE_BRACKET.match(text, b.end)
                and a.negated == b.negated and a.family == b.family
                and not text[b.start:b.end].replace("-", "").isupper()):
            # (an abbreviation in brackets, "(SERD)", "(MMF)", is the name's own: kept, as the
            # criteria reader accounts for it)
            again.add(id(b))
            a.status = a.status or b.status
            a.date = a.date or b.date
    return [f for f in facts if id(f) not in again] if again else facts


_OPEN_BRACKET = re.compile(r"\s*\(\s*")
_CLOSE_BRACKET = re.compile(r"\s*\)")



def _same_outcome_too(facts: list[Fact], text: str) -> None:
    """A treatment named alone after another's outcome with a word saying the same
    (``same_outcome_words``: "too", "as well"; "Anakinra worked for a while then stopped,
    canakinumab too", "mtx made me sick, leflunomide as well"): it went the same way (lead,
    round 36). Only a treatment whose clause holds nothing but it and that word."""
    words = vocabulary_words("same_outcome_words")
    treated = [f for f in facts if f.label in ("DRUG", "PROCEDURE")]
    for before, fact in zip(treated, treated[1:]):
        # "infliximab failed and now adalimumab too": the "now" is "by now", not a treatment
        # taken now (h186, round 39); "now on humira too" (taken as well) keeps its reading
        now_too = (fact.status == "current" and not fact.ongoing
                   and _NOW_BEFORE.search(text, before.end, fact.start) is not None)
        if ((fact.status is not None and not now_too) or before.status not in ("failed", "intolerant")
                or any(f.negated or f.hypothetical or f.family or f.uncertain for f in (before, fact))):
            continue
        if not _CLAUSE_BREAK.search(text[before.end:fact.start]):
            continue
        after = _CLAUSE_END.split(text[fact.end:], 1)[0].strip().casefold()
        if after in words:
            fact.status, fact.historical = before.status, before.historical


_CLAUSE_BREAK = re.compile(r"[,;]|\band\b")
_NOW_BEFORE = re.compile(r"(?<!\w)now\s*$", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[,.;:!?()\n]")


def _answered_no(doc: Doc, at: int) -> bool:
    """The words right after a heading cue ending at token ``at`` are a form's "no" ("Prior
    brentuximab: no.", "Prior biologics: none"): a word of ``form_no_words``, then the sentence's
    end or a punctuation mark. The heading's own mention is then denied (lead, round 36)."""
    if at >= len(doc) or doc[at].lower_ not in vocabulary_words("form_no_words"):
        return False
    return at + 1 >= len(doc) or doc[at + 1].is_punct or doc[at + 1].is_sent_start


def _names_a_mention(rule) -> bool:
    """A ConText rule whose token pattern has a place for a treatment or disease mention
    (``ENT_TYPE``): its cue holds the mention it is about."""
    pattern = getattr(rule, "pattern", None)
    return isinstance(pattern, list) and any("ENT_TYPE" in token for token in pattern)


@lru_cache(maxsize=4)
def _had_span_pattern(regex: str) -> re.Pattern | None:
    return re.compile(regex, re.IGNORECASE) if regex else None

class FactBuilder:
    def __init__(self, terminology: Terminology, vocabulary: dict[str, Any]):
        self.terminology = terminology
        self.values = ValueReader(vocabulary)
        self.habits = frozenset(c.id for c in terminology.concepts.values() if c.attrs.get("exposure"))
        self.lab_words = LabWords(vocabulary)     # "creatinine is normal I think": a result in words
        self.value_outcomes = ValueOutcomes(vocabulary)   # "eltrombopag, platelets remain <20": failed
        words = vocabulary.get("recurrent_episode_words") or []
        # "recurrent chest infections": the word right before the infection (an adjective may come between)
        self.recurrent_words = (re.compile(r"\b(?:%s)\s+(?:[a-z-]+\s+)?$" % "|".join(re.escape(str(w)) for w in words), re.IGNORECASE)
                                if words else None)
        self.trial_examples = TrialExamples(vocabulary)     # "a trial (e.g. X)": X asked about
        # "failed 3 biologics": a count of distinct drugs of a class (matching.therapy reads
        # it as the value of the class-level fact); the class is a concept with kinds under it
        self.drug_classes = frozenset(p for c in terminology.concepts.values() for p in c.parents)
        counts = {str(k).lower(): v for k, v in (vocabulary.get("number_words") or {}).items() if v and float(v) >= 1}
        between = "|".join(re.escape(str(w)) for w in vocabulary.get("class_count_between") or ())
        self.class_count = re.compile(
            r"(?<![\w.,/-])(?P<n>\d{1,2}|%s)\s+(?:(?:%s)\s+){0,2}$" % ("|".join(re.escape(k) for k in sorted(counts, key=len, reverse=True) if " " not in k), between or "(?!)"),
            re.IGNORECASE)
        self.count_words = counts
        self.trial_subject = TrialSubject(vocabulary)     # "trials in RA": the patient's RA, not in doubt
        self.query_answered = QueryAnswered(vocabulary)   # "Query CNS disease: MRI and CSF clear": none
        self.ongoing_item = OngoingItem(vocabulary)       # "(voriconazole, ongoing)": taken now, whatever the date
        self.revised_diagnosis = RevisedDiagnosis(vocabulary, terminology)   # "at first it was lupus but now they say MCTD"
        self.whole_list = WholeListOutcome(vocabulary)    # "A, B and now C, nothing has really worked": all failed
        self.mention_status = MentionStatus(vocabulary)
        self.times = TimeReader(vocabulary)
        self.people = People(vocabulary=vocabulary)
        self.outcomes = Outcomes(vocabulary)
        self.events_before = EventsBefore(vocabulary)
        self.result_headings = ResultHeadings(vocabulary)     # "Hep B serology: sAg negative"
        self.class_headings = ClassHeadings(terminology, vocabulary)   # "DMARDs: methotrexate, ..."
        self.setting_of_event = SettingOfEvent(vocabulary)   # "Hx of DVT on tofa": the drug then
        self.harm_from_drug = HarmFromDrug(vocabulary)     # "pancreatitis from azathioprine": not tolerated
        self.short_course_days = float(vocabulary.get("short_course_days") or 0)   # "pred for a week in may": over
        self.value_pairs = dict(vocabulary.get("value_pairs") or {})
        # "150/95", and a patient's "165 over 100" (``value_pair_words``; h168, round 35): a word between the two
        # never before a time ("over 10 days")
        words = [w for w in vocabulary.get("value_pair_words") or () if w != "/"]
        tail = r"(?![\d/]|[.,]\d)"
        between = "/" if not words else r"(?:/|(?:%s)(?=\s*\d{2,3}%s(?!\s*(?:%s)\b)))" % (
            alternation(words), tail, alternation(vocabulary.get("value_pair_not_before") or ["days"]))
        self.second_value = re.compile(r"\s*%s\s*(\d{2,3})%s" % (between, tail), re.IGNORECASE)
        self.history_sections = HistorySections(vocabulary, terminology)   # run over a whole text by nlp.pipeline
        self.status_words = StatusWords(terminology, vocabulary)
        # "despite mesalamine 4.8 g daily": a failed treatment written with its schedule (h106, round 23)
        schedule = vocabulary.get("failing_on_schedule") or {}
        self.schedule = re.compile(
            r"[ \t]*(?:\d+(?:[.,]\d+)?[ \t]*(?:%s)\b[ \t]*)?(?:%s)\b" % (alternation(schedule.get("dose_units") or ["mg"]),
                                                               alternation(schedule["schedules"])),
            re.IGNORECASE) if schedule.get("schedules") else None
        # "ive had covid twice": an infection counted is episodes of the past (h120, round 26)
        counted = vocabulary.get("episodes_counted")
        self.episodes_counted = re.compile(counted, re.IGNORECASE) if counted else None
        # "hx of ITP as a teen, now its back": a past disease back again (h125, round 27)
        back = vocabulary.get("disease_back_again")
        self.back_again_words = re.compile(back, re.IGNORECASE) if back else None
        # "ive had ritux twice": a treatment counted as courses is over (h125, round 27)
        courses = vocabulary.get("courses_counted") or {}
        self.courses_counted = (re.compile(courses["after"], re.IGNORECASE), re.compile(courses["before"], re.IGNORECASE)) \
            if courses else None
        # "he got IVIG every month": a schedule says the treatment goes on (h111, round 24)
        recurring = vocabulary.get("taken_on_schedule") or {}
        self.recurring = {
            "schedule": re.compile(r"[ \t]*(?:\d+(?:[.,]\d+)?[ \t]*(?:%s)\b[ \t]*)?(?:%s)(?![\w-])"
                                   % (alternation(schedule.get("dose_units") or ["mg"]), "|".join(recurring["schedules"])), re.IGNORECASE),
            "past_verbs": frozenset(str(w).lower() for w in recurring["past_verbs"]),
            "list_cues": frozenset(str(w).lower() for w in recurring.get("list_cues") or ()),
            "stop_words": re.compile(r"\b(?:%s)\b" % alternation(recurring["stop_words"]), re.IGNORECASE),
        } if recurring.get("schedules") else None
        words = vocabulary.get("precursor_words") or ()
        self.precursor = re.compile(r"\s*(?:%s)\s+(?:(?:a|an|the|her|his|prior|previous|preceding|underlying|known)\s+)*"
                                    % alternation(words), re.IGNORECASE) if words else None
        # a cancer written after "post-" beside the one it became ("post-PV myelofibrosis",
        # "myelofibrosis (post-ET, Dx 2020)": ``precursor_prefixes``; h197, round 41)
        words = vocabulary.get("precursor_prefixes") or ()
        self.precursor_prefix = re.compile(r"(?:%s)\s*[-–]\s*$" % alternation(words), re.IGNORECASE) if words else None
        words = vocabulary.get("successor_words") or ()
        self.successor = re.compile(r"\s*,?\s*(?:%s)\s+(?:(?:a|an|the|frank|overt|secondary)\s+)*"
                                    % alternation(words), re.IGNORECASE) if words else None
        self.replaced_by = {str(k): frozenset(v or ()) for k, v in (vocabulary.get("replaced_by_transplant") or {}).items()}
        words = vocabulary.get("condition_then") or ()
        self.condition_then = re.compile(r"\s*(?:%s)\b" % alternation(words), re.IGNORECASE) if words else None
        self.one_off = tuple(c for c in vocabulary.get("one_off_procedures") or () if c in terminology)
        spec = vocabulary.get("ended_course_line") or {}
        self.ended_line_now = re.compile(r"\b(?:%s)\b" % alternation(spec["now"]), re.IGNORECASE) if spec.get("now") else None
        self.ended_line_reach = int(spec.get("reach", 60))
        current_events = vocabulary.get("dated_bracket_current") or ()
        self.bracket_current = (re.compile(r"(?<!\w)(?:%s)(?!\w)" % alternation(current_events), re.IGNORECASE)
                                if current_events else None)
        postpartum = vocabulary.get("postpartum") or {}
        self.postpartum_born = [re.compile(p, re.IGNORECASE) for p in postpartum.get("born", ())]
        self.postpartum_still = [re.compile(p, re.IGNORECASE) for p in postpartum.get("still", ())]
        self.past_pregnancy_before = [re.compile(p, re.IGNORECASE) for p in vocabulary.get("past_pregnancy_before") or ()]
        self.relapse_words = frozenset(w.lower() for w in vocabulary.get("relapse_words") or ())
        self.treated_cancer = TreatedCancer(vocabulary, terminology)
        self.pregnancy_kinds = frozenset(str(w).lower() for w in vocabulary.get("pregnancy_kinds") or ())
        wish = vocabulary.get("wish_before_mention") or {}
        self.wish_words = frozenset(str(w).lower() for w in wish.get("words") or ())
        self.wish_prepositions = frozenset(str(w).lower() for w in wish.get("prepositions") or ())     # "prostate cancer 2016, treated with radiotherapy": over
        self.no_relapse = frozenset(w.lower() for w in vocabulary.get("relapse_denied_by") or ())
        self.remission_denied = frozenset(w.lower() for w in vocabulary.get("remission_denied_by") or ())
        self.remission_kept = frozenset(w.lower() for w in vocabulary.get("remission_kept_by") or ())
        self.remission_after = frozenset(w.lower() for w in (vocabulary.get("remission_kept_after") or {}).get("words") or ())
        self.remission_courses = frozenset(w.lower() for w in (vocabulary.get("remission_kept_after") or {}).get("courses") or ())
        self.remission_between = frozenset(w.lower() for w in (vocabulary.get("remission_kept_after") or {}).get("between") or ())
        self.active_again_words = frozenset(str(w).lower() for w in vocabulary.get("active_again_words") or ())
        self.active_again_when = frozenset(str(w).lower() for w in vocabulary.get("active_again_when") or ())
        self.now_cues = frozenset(w.lower() for w in vocabulary.get("now_cues") or ())
        self.added_words = frozenset(w.lower() for w in vocabulary.get("added_treatment_words") or ())
        self.comma_now_cues = frozenset(w.lower() for w in vocabulary.get("now_cues_after_comma") or ())
        self.trailing_hedge = TrailingHedge(vocabulary)     # "dermatomyositis they think": uncertain
        # a marker written with the share of cells that carry it ("CD7 99% on blasts"): expressed
        # from this share on, none at 0 %, unknown between (``marker_share_positive``)
        self.marker_share_positive = float(vocabulary.get("marker_share_positive") or 20)
        self.controlled_infections = frozenset(vocabulary.get("controlled_infections") or ())
        self.controlled_cues = frozenset(w.lower() for w in vocabulary.get("controlled_cues") or ())
        self.event_words = frozenset(w.lower() for w in vocabulary.get("event_words") or ())
        # "relapsed 6 months off therapy": the time since a treatment stopped, no duration of
        # what stands before it (``time_off_treatment``; h150, round 32)
        had_for = vocabulary.get("had_for_years")
        self.had_for_years = re.compile(had_for, re.IGNORECASE) if had_for else None
        off = vocabulary.get("time_off_treatment")
        self.time_off = re.compile(off, re.IGNORECASE) if off else None
        self.reason_words = frozenset(w.lower() for w in vocabulary.get("reason_words") or ())
        self.past_event_cues = frozenset(w.lower() for w in vocabulary.get("past_event_cues") or ())
        self.finding_words = frozenset(w.lower() for w in vocabulary.get("finding_words") or ())
        self.diagnosis_words = frozenset(w.lower() for w in vocabulary.get("diagnosis_words") or ())
        self.possession_cues = frozenset(w.lower() for w in vocabulary.get("possession_cues") or ())
        self.perfect_words = frozenset(w.lower() for w in vocabulary.get("perfect_words") or ())
        self.past_value_words = frozenset(w.lower() for w in vocabulary.get("past_value_words") or ())
        # words of an earlier time said with a body weight (``past_weight``; h136, round 29)
        past_weight = vocabulary.get("past_weight") or {}
        before = [str(w) for w in past_weight.get("before") or ()]
        after = [str(w) for w in past_weight.get("after") or ()]
        self.weight_before = re.compile(r"\b(?:%s)[^\S\n]{0,3}$" % "|".join(before), re.IGNORECASE) if before else None
        self.weight_after = re.compile(r"[^\S\n]{0,3}[(,]?[^\S\n]{0,3}(?:%s)\b" % "|".join(after), re.IGNORECASE) if after else re.compile(r"(?!)")
        self.past_value_skip = frozenset(w.lower() for w in vocabulary.get("past_value_skip") or ())
        self.shared = [re.compile(p, re.IGNORECASE) for p in vocabulary.get("shared_with_writer") or ()]
        neither = vocabulary.get("neither_nor") or {}
        self.neither_words = frozenset(str(w).lower() for w in neither.get("cues") or ())
        self.neither_outcome = re.compile(neither["outcome"], re.IGNORECASE) if neither.get("outcome") else None
        words = vocabulary.get("treated_with") or ()
        # a test's positive result may stand before the year ("QuantiFERON positive 2016,
        # completed 3 months rifapentine/isoniazid"), and a partner drug before a slash (h65)
        results = vocabulary.get("treated_after_results") or ()
        result = r"(?:\s+(?:%s))?" % alternation(results) if results else ""
        kinds = (vocabulary.get("treated_after_between") or {}).get("kinds") or ()
        result = (r"(?:\s+(?:%s))?" % alternation(kinds) if kinds else "") + (
            r"(?:\s+[a-z][a-z0-9-]{1,11}(?=\s+(?:%s)\b))?" % alternation(results) if results else "") + result
        result += self._treated_between(vocabulary)
        self.treated_with = re.compile(r"%s(?:\s*\([^()\n]{1,30}\)|\s+(?:in\s+)?(?:19|20)\d\d)?[\s,;:-]*(?:%s)\s+(?:(?:a|an|the|short|brief|full|course|of|iv|oral|po|\d+|days?|weeks?|months?)\s+)*(?:[a-z-]+/)?"
                                       % (result, alternation(words)), re.IGNORECASE) if words else None
        # ... and in the next sentence when the course had a length ("Admitted with a urinary tract
        # infection. Treated with IV ceftriaxone for 3 days": over with it; h111, round 24)
        self.treated_next = re.compile(r"[\s.]*\.[\s]*(?:%s)\s+(?:(?:a|an|the|short|brief|full|course|of|iv|oral|po|\d+|days?|weeks?|months?)\s+)*(?:[a-z-]+/)?"
                                       % alternation(words), re.IGNORECASE) if words else None
        self.cured_by_course = frozenset(vocabulary.get("cured_by_a_course") or ())
        self.onset_by_age = [
            {"concept": str(e["concept"]), "either": str(e["either"]), "under": float(e["under"]),
             "adult_words": tuple(str(w).lower() for w in e.get("adult_words") or ())}
            for e in vocabulary.get("onset_by_age") or ()]
        for entry in self.onset_by_age:
            for concept in (entry["concept"], entry["either"]):
                if terminology.get(concept) is None:
                    raise ValueError(f"extraction.yaml onset_by_age: unknown concept {concept!r}")
        self.history_in_name = tuple(str(w).lower() + " " for w in vocabulary.get("history_in_name") or ())
        stops = [str(w) for w in vocabulary.get("conditional_stop_words") or ()]
        self.conditional_stop = re.compile(r"\b(?:%s)\s+(?:(?:the|her|his|my|their|your|off|of)\s+){0,2}$" % "|".join(
            re.escape(w).replace(r"\ ", r"\s+") for w in sorted(stops, key=len, reverse=True)), re.IGNORECASE) if stops else None
        taken = [str(w) for w in vocabulary.get("conditional_taken_words") or ()]
        self.conditional_taken = re.compile(r"\b(?:%s)\s+(?:(?:the|her|his|my|their|your)\s+)?$" % "|".join(
            re.escape(w).replace(r"\ ", r"\s+") for w in sorted(taken, key=len, reverse=True)), re.IGNORECASE) if taken else None
        openers = [str(w) for w in vocabulary.get("conditional_openers") or ()]
        self.conditional_opener = re.compile(r"\b(?:%s)\b" % "|".join(
            re.escape(w).replace(r"\ ", r"\s+") for w in openers), re.IGNORECASE) if openers else None
        course = [str(w) for w in vocabulary.get("conditional_course_words") or ()]
        self.conditional_course = re.compile(r"\s+(?:%s)\b" % "|".join(
            re.escape(w).replace(r"\ ", r"\s+") for w in sorted(course, key=len, reverse=True)), re.IGNORECASE) if course else None

    def _past_value(self, ent: Span, reading: Any) -> bool:
        """A lab or score named as a past one ("Previous LVEF was 55%", "prior platelet count
        40"), unless a newer value follows ("prior platelet count 40, now 120")."""
        if reading is not None and getattr(reading, "older_end", None) is not None:
            return False
        i = ent.start - 1
        while i >= 0 and ent.doc[i].lower_ in self.past_value_skip:
            i -= 1
        return i >= 0 and ent.doc[i].lower_ in self.past_value_words

    def __call__(self, doc: Doc, source: str | None, today: date, speaker: Speaker | None = None,
                 conversation: bool = True) -> list[Fact]:
        """The facts of a processed Doc. ``conversation=False`` (a registry criterion): the
        steps about a person's message only (a question about a treatment for a disease, a
        question answered in the same text, a treatment asked for) are not run."""
        if speaker is not None and speaker.relation == CARED_FOR:
            # a carer's message: the one cared for has no relation word in the text, so what
            # is said is read as a relative's of unknown relation (h150, round 32)
            speaker = replace(speaker, relation=None)
        meta = doc_value(doc, "trialbot_meta") or {}
        ents = list(doc.ents)
        text = doc_text(doc)
        readings = self._lab_readings(doc, ents, meta)
        facts: list[Fact] = []
        kept: list[Span] = []
        negations = coordinated_negation(ents)
        listed_history = coordinated_history(ents)
        listed_family = coordinated_family(ents)     # "my mum has lupus, ... and high cholesterol": all hers
        replaced = superseded(ents, self.now_cues, self.added_words, self.comma_now_cues)   # "enbrel then humira now rinvoq"
        bare: list[bool] = []     # per fact: current only by a bare "on"
        births: list[tuple[int, int]] = []     # dates of birth: they date nobody's illness
        stopped_ifs: list[Fact] = []     # "if I had to stop the hydroxychloroquine": taken now
        taken_ifs: list[Fact] = []       # "if persistent activity despite MMF": taken now
        for i, ent in enumerate(ents):
            info = meta.get((ent.start, ent.end), {})
            if self.result_headings.heading(ents, i):
                continue    # "Hep B serology: sAg negative": the heading of the results after it
            if self.class_headings.heading(ent):
                continue    # "DMARDs: methotrexate, leflunomide": the heading of the list after it
            negated, past = negations[i]
            if negated and _cut_by_semicolon(ent, self.habits):
                negated, past = False, False    # "ex-smoker (stopped 2019); alcohol: nil": the nil is the alcohol's
            # the ConText flags from the span's modifiers, read once (medspaCy sets
            # is_historical and friends from exactly these categories)
            categories = context_categories(ent)
            if self._wish_swallowed(ent):
                categories.add("HYPOTHETICAL")      # "would be interested in a trial": the term took the cue's "in"
            if (conversation and self.outcomes.question_topic(doc, ent)
                    and all(m.rule.literal in self.outcomes.question_marks
                            for m in ent._.modifiers if m.category == "POSSIBLE_EXISTENCE")):
                categories.discard("POSSIBLE_EXISTENCE")   # "is CAR-T an option for scleroderma?": her disease
            if ("HYPOTHETICAL" in categories and ent.label_ == "CONDITION" and self.conditional_course is not None
                    and self.conditional_course.match(text, ent.end_char)):
                categories.discard("HYPOTHETICAL")   # "if his ITP flares again": the flare may come, the ITP is there
            stopped_if = (ent.label_ == "DRUG" and self.conditional_stop is not None and self.conditional_opener is not None
                          and bool(self.conditional_stop.search(text, max(0, ent.start_char - 40), ent.start_char))
                          and bool(self.conditional_opener.search(text, ent.sent.start_char, ent.start_char)))
            if stopped_if:      # "if I had to stop the hydroxychloroquine": taken now, only the stop is conditional
                categories -= {"HYPOTHETICAL", "HISTORICAL"}
            taken_if = (bool(categories & {"HYPOTHETICAL", "POSSIBLE_EXISTENCE"}) and ent.label_ == "DRUG"
                        and self.conditional_taken is not None
                        and bool(self.conditional_taken.search(text, max(0, ent.start_char - 30), ent.start_char)))
            if taken_if:        # "Consider belimumab if persistent activity despite MMF": the MMF is taken
                categories -= {"HYPOTHETICAL", "POSSIBLE_EXISTENCE"}
            answer = self.outcomes.answer(doc, ent) if conversation else None
            if answer and all(m.rule.literal in self.outcomes.question_marks
                              for m in ent._.modifiers if m.category == "POSSIBLE_EXISTENCE"):
                categories.discard("POSSIBLE_EXISTENCE")   # "Is she on MMF? yes": the answer decides
            if answer == "no" and ent.label_ in ANSWERED_LABELS:
                negated = True
            if answer in ("over", "unsure") and ent.label_ in ANSWERED_LABELS:
                categories.discard("HYPOTHETICAL")      # "methotrexate? not anymore": answered, no question left
                categories.add("PRIOR" if answer == "over" else "POSSIBLE_EXISTENCE")   # "hep c? idk": a doubt
            if not negated and ent.label_ in ("INFECTION", "CONDITION") and _result_after_test(ent, ents):
                negated = True      # "tested for TB before the belimumab and it was fine", "checked for cancer and its clear"
            if (negated or "RESULT_POSITIVE" in categories) and all(
                    (m.rule.metadata or {}).get("test") for m in ent._.modifiers if m.category == "POSSIBLE_EXISTENCE"):
                categories.discard("POSSIBLE_EXISTENCE")   # "tested for TB ... and it was negative": the result says
            start_char, end_char = ent.start_char, ent.end_char
            fact = Fact(
                label=ent.label_,
                concept=ent.kb_id_,
                text=text[start_char:end_char],
                start=start_char,
                end=end_char,
                negated=negated,
                historical=("HISTORICAL" in categories and self._past(ent)) or "PRIOR" in categories or i in listed_history
                or family_past(ent)
                or (ent.label_ in ("CONDITION", "INFECTION") and _adverse_effect(ent, ents, i, lasting=self._is_cancer(ent.kb_id_)))
                or ("REMISSION" in categories and self._malignancy(ent) and not self._remission_denied(ent)
                    and not self._had_now(ent) and not self._remission_from_treatment(ent))
                or (ent.label_ == "CONDITION" and self._malignancy(ent) and self.treated_cancer(ent)),
                hypothetical="HYPOTHETICAL" in categories,
                family=self.people.family(ent, speaker) or family_negation(ent)
                or (i in listed_family and self.people.family(ents[listed_family[i]], speaker)),
                uncertain="POSSIBLE_EXISTENCE" in categories or hedged_therapy(ent) or self.trailing_hedge(ent, text),
                source=source,
            )
            if negated and past:
                fact.historical = True
            if fact.family and ent.label_ == "CONDITION" and self.people.of_writer(ent, speaker):
                fact.writer = True      # "asking for my husband ... i have diabetes myself" (h165, round 35)
            if stopped_if and not negated:
                stopped_ifs.append(fact)
            if taken_if and not negated:
                taken_ifs.append(fact)
            if ent.label_ in ("CONDITION", "INFECTION") and fact.text.lower().startswith(self.history_in_name):
                fact.historical = True      # "childhood asthma": a term that says when (no cue outside it)
            if (ent.label_ == "CONDITION" and fact.historical and not (negated or fact.hypothetical)
                    and self._active_again(ent)):
                fact.historical = False     # "she had stills disease as a teen, flaring again now"
            if i in replaced and not negated:
                fact.historical = True
            if ent.label_ in ("LAB", "SCORE") and self._past_value(ent, readings.get(i)):
                fact.historical = True
            if ent.label_ == "LAB" and self.lab_words.stop_reason(ent):
                fact.historical = True      # "stopped for raised ALT": the value that stopped it, over
            if not self._fill(fact, ent, info, readings.get(i), ents, i):
                continue
            if fact.label == "PREGNANCY" and fact.negated and self._denied_kind_of_pregnancy(ent):
                continue    # "No history of ectopic pregnancy": not a denial of being pregnant
            if fact.negated and self._neither_helped(ent):
                fact.negated, fact.historical, fact.status = False, False, "failed"   # "neither rituximab nor MMF helped": both given
            if ent.label_ in ("LAB", "SCORE") and _now_reading(readings.get(i), text):
                fact.historical = False     # "Platelets 3 on admission, now 48": the value read is today's
            if i in replaced and fact.status == "current":
                fact.status = None      # the "now" of the treatment after it
            if fact.label == "AGE" and info.get("born"):
                _age_from_birth(fact, info["born"], today)
                births.append((fact.start, fact.end))
                stated = info["born"].get("stated")
                if stated is not None and abs(stated - fact.value) <= 1:
                    continue    # "(DOB 1988), 37 years": the age the letter states is the age (h103)
            facts.append(fact)
            kept.append(ent)
            if fact.status == "current" and _was_on(ent):
                fact.status, fact.historical = None, True   # "and was on dialysis for a month"
            bare.append(fact.status == "current" and bare_current(ent))
            own = self._shared(fact, ent, speaker, text)
            if own is not None:     # "my grandmother had lupus, so do I": the writer's (the patient's) too
                facts.append(own)
                kept.append(ent)
                bare.append(False)
            second = self._second_value(fact, readings.get(i), text)
            if second is not None:      # "BP 150/95": the diastolic pressure too
                facts.append(second)
                kept.append(ent)
                bare.append(False)
        self._headings(doc, kept, facts)
        older = {}      # fact index -> (end of its name, end of the older value): "platelets 45 in March, now 80"
        for index, (ent, fact) in enumerate(zip(kept, facts)):
            reading = readings.get(ents.index(ent)) if fact.label in ("LAB", "SCORE") else None
            if reading is not None and reading.older_end is not None:
                older[index] = (fact.end, reading.start)
        started = self._attach_times(doc, facts, today, bare, births, older)
        self._past_weights(doc, facts, today)
        self._child_values(facts)
        self.events_before(kept, facts)
        then_after_past(kept, facts)     # "he had aza-ven and then FLAG-Ida": both past
        checked_before(kept, facts)      # "tested for hep B before rituximab": rituximab to come
        planned_at_end(kept, facts)      # "... Rituximab planned" at the end of the text
        intolerance_of_last(kept, facts)  # "tried MTX, leflunomide intolerant": leflunomide's
        self.class_counts(text, facts)   # "failed 3 biologics": three distinct biologics
        self.setting_of_event(kept, facts, bare, today)
        self.harm_from_drug(text, facts)
        self._listed_outcome(ents, kept, facts)
        members_in_bracket(text, facts, self.terminology)   # "the biologics all failed (infliximab, golimumab)"
        self.revised_diagnosis(doc, facts)      # "at first it was lupus but now they say its MCTD": no lupus
        self.whole_list(ents, kept, facts)
        whole_list_result(kept, facts)    # "ANA, anti-dsDNA and anti-Sm negative": every test's
        self.trial_examples(kept, facts)   # "a trial first (e.g. obefazimod)", "emapalumab or JAK inhibitor trials"
        self.trial_subject(kept, facts)    # "Query eligibility for trials in RA": the RA is the patient's
        self.query_answered(kept, facts)   # "query PAH: echo normal": the question answered, no PAH
        taken_with(kept, facts)       # "tacrolimus, which I'm still on with MMF": both taken
        self.outcomes.carry_back(doc, kept, facts)
        if conversation:
            self.outcomes.questions(doc, kept, facts)
            self.outcomes.requests(doc, kept, facts)
            taken_in_question(kept, facts)     # "can my husband join while on tofacitinib?": taken now
        self.outcomes.class_headings(doc, kept, facts)
        self.outcomes.echoes(doc, kept, facts)       # "CHOP didnt work and brentuximab neither"
        self.outcomes.exceptions(doc, kept, facts)   # "never had CAR-T, only chemo"
        self.outcomes.excluded_from_outcome(doc, kept, facts)   # "all the biologics except rinvoq failed"
        self.outcomes.switches(doc, kept, facts)     # "switched me from cellcept to azathioprine"
        self.outcomes.results_around_asides(doc, kept, facts)   # "TB test (the blood one) was negative"
        self._had_for_a_span(kept, facts, text)   # "had lupus 12 yrs": has had it that long
        self._past_pregnancies(facts, today, text)
        self._done_once(facts, today)
        self._course_to_remission(facts, doc_text(doc))
        self._treatment_of_past_cancer(facts, text)
        self._precursor(facts, text)
        self._replaced_organ(facts, text)     # "leading to ESRD ... kidney transplant (2017)": the failure is over
        self._said_of_then(facts, text)
        self._treated_then(facts, text)
        self._infection_treated(facts, text)
        self._recurrent_episodes(facts, text)
        self.status_words(kept, facts)   # "no relapse so far", "if it relapses"
        self.value_outcomes(doc, facts)  # "romiplostim since 2023 but platelets persistently 10-20"
        for ent, fact in zip(kept, facts):
            if fact.label in ("DRUG", "PROCEDURE") and (fact.status == "failed" or fact.hypothetical) and not fact.negated:
                conditional = failure_if(ent)
                if conditional == "taken":     # "if the steroids dont work": the steroids are given now
                    fact.hypothetical, fact.historical, fact.status = False, False, None
                elif conditional == "outside" and fact.status == "failed":
                    fact.status = None         # "If no response to IVIG, we would proceed to rituximab"
            if id(fact) in started and fact.historical and self._since_outlasts(ent, fact):
                # "on anakinra since march, before canakinumab", "not in CR after 7+3 and
                # gilteritinib since Feb": its own start that goes on outlasts a word of order
                fact.historical = False
                if fact.status is None:
                    fact.status = "current"
            if (fact.label in ("DRUG", "PROCEDURE") and fact.historical and fact.status == "current" and fact.date is None
                    and not (fact.negated or fact.hypothetical or fact.uncertain) and now_right_after(ent)
                    and _past_said_of_list_before(ent)):
                fact.historical = False     # "he had 7+3 and gilteritinib now": the "had" is the 7+3's
            if (fact.label == "DRUG" and (fact.historical or fact.status == "intolerant") and not fact.negated
                    and _restarted(ent)):
                # "MMF stopped in 2020, then back on 2g": stopped once, taken again now; "had to
                # stop his mtx for a bit when he had covid, back on it now": a pause (h160, round 34)
                fact.historical, fact.status = False, "current"
            if (fact.status == "current" and fact.historical and (fact.date is None or _said_to_go_on(ent, after=True))
                    and still_taken(ent) and _said_to_go_on(ent)):
                # "tried methotrexate then MMF which I'm still on": MMF goes on; "she had
                # cyclophosphamide in the spring but she is still on it": the date is its start
                fact.historical = False
            if (fact.status == "current" and fact.historical and fact.date is None and _now_then_course(ent)):
                fact.historical = False     # "Now gemcitabine x3 cycles": the cycles given so far of a course taken now
            if (fact.status == "failed" and not (fact.historical or fact.ongoing or fact.negated or fact.family)
                    and _last_of_sequence(ent) and any(m.category == "THERAPY_CURRENT" for m in ent._.modifiers)):
                fact.ongoing = True     # "eltrombopag -> romiplostim, plt still 15": the one taken now, failing
            if (fact.label == "DRUG" and fact.status in (None, "current", "failed")
                    and not (fact.negated or fact.hypothetical or fact.uncertain or fact.family)
                    and _since_then(text, ent.end_char)):
                fact.historical = False     # "on apixaban since": from then to now
                if fact.status == "failed":
                    fact.ongoing = True     # "CYC x6 (2024), MMF since, not responding": failing, taken now
                else:
                    fact.status = "current"
            if (fact.label in ("DRUG", "PROCEDURE") and fact.status in (None, "current") and not fact.historical
                    and not (fact.negated or fact.hypothetical or fact.uncertain or fact.family)
                    and failure_past_own_now(ent)):
                fact.status, fact.ongoing = "failed", True   # "been on tofacitinib 8 months now and its not helping"
                continue
            if (fact.status == "failed" and (
                    (still_taken(ent) and (not fact.historical or now_right_after(ent)))
                    or (not fact.historical and (failing_now(ent) or id(fact) in started))
                    or (not fact.historical and fact.date is None and not _was_on(ent)
                        and not (fact.negated or fact.hypothetical or fact.uncertain or fact.family)
                        and failing_while_on(ent)))
                    or (fact.status == "intolerant" and not fact.historical and id(fact) in started)):
                # "still on prednisone even though it doesnt work", "belimumab since last
                # year, none really controlled it": failed, taken now; "nintedanib since 02/2025
                # - GI intolerance, dose reduced": not tolerated, taken now
                fact.ongoing = True
                fact.historical = False     # "tried A and B, C now, not much better": C is taken now
        self.ongoing_item(kept, facts)  # "12/2024 (voriconazole, ongoing)": its item ends in "ongoing"
        _joined_goes_on(text, facts)    # "Ivosidenib + aza since 08/2026: blasts still 22%": both failing, taken now
        _named_again_keeps_its_outcome(kept, facts)    # "..., stelara all stopped working, the stelara lasted longest"
        devices_in_place(text, facts)   # "had the coil put in last year": a device stays in until taken out
        denied_since(text, facts)       # "havent taken pred since 2022": taken before, not denied
        denied_with_exception(text, facts)   # "no DMARDs apart from methotrexate": one of them was had
        well_but_for(text, facts)       # "no diseases other than lupus": not a healthy person
        only_one_helped(text, facts)   # "tried A, B then C, only C did anything": A and B failed
        relapsed_on_maintenance(text, facts)   # "Relapsed 05/2026 on sorafenib maintenance": failed, over
        failed_but_taken(text, facts)         # "Current: azathioprine ... active SLE despite azathioprine": failing, taken now
        failing_on_schedule(text, kept, facts, self.schedule)   # "despite mesalamine 4.8 g daily": failing, taken now
        taken_on_schedule(text, kept, facts, self.recurring)    # "he got IVIG every month": taken now
        stopped_for_outcome(text, facts)   # "tofacitinib 2024-2025, stopped for DVT": not tolerated
        caused_then_stopped(text, facts)   # "MTX caused pneumonitis and was stopped": not tolerated, the harm of then
        stop_reasons(text, facts)       # "tofacitinib 2023-2024 (DVT)": why it stopped, of then
        episode_treatments(text, facts)   # "MAS 2022 (ICU, etoposide), resolved": the episode's treatment, over
        not_given_reasons(text, facts)    # "Not for cyclophosphamide (cancer)": why not, the patient's illness
        after_an_earlier_illness(text, facts)   # "AML (2024) after MDS (2021)": the MDS is of then
        line_outcomes(text, facts)      # "FLAG-Ida 07/2026 - refractory": that line's outcome, of then
        refractory_then(text, facts, today)   # "He was refractory to 7+3 and FLAG in 2025": of then
        kept_on_treatment(text, facts)   # "h/o ESRD on HD since 2021": the failure goes on with its dialysis
        dated_episodes(text, facts, today)   # "Complications: AIHA (2019)": an episode of then
        remission_now(text, facts)      # "relapsed 2025, now in CR2 after FLAG-Ida": the relapse and FLAG-Ida over
        values_of_a_past_status(text, facts)   # "refractory (marrow blasts 35%) ... since 04/2026": of then
        not_given_for_a_marker(text, facts)   # "Ivosidenib: no IDH1 mutation": never given
        finished_courses(text, facts)   # "Received IVIG 1 g/kg x 2 and methylprednisolone 1 g x 3": both given
        counted_episodes(text, facts, self.episodes_counted)   # "ive had covid twice": of the past
        counted_courses(text, facts, self.courses_counted)     # "ive had ritux twice": courses given, over
        joined_regimen(text, facts)     # "dara-CyBorD x4": one course, over together
        harm_causes(text, facts)        # "steroid-induced diabetes": the steroid of then
        drug_caused_not_infection(text, facts)   # "toci caused hepatitis": no viral hepatitis
        harms_on_treatment(text, facts)  # "... but she got shingles on it": not tolerated
        table_rows(text, facts)         # "| prednisolone | 2012 | 2014 | weaned |": over
        _one_infection(facts, text)     # "COVID pneumonia in 12/2024": the COVID is of then too
        _kind_in_bracket(facts, text, self.terminology)   # "skin cancer removed last year (BCC)": one tumour, one time
        facts[:] = _named_again(facts, text)    # "Cyclophosphamide (Euro-Lupus)": one course
        self.former_states(facts)
        self.back_again(facts, text)
        self.childhood_onset(facts, text)
        _childhood_illness_of_a_child(facts, text)     # "childhood lupus at 9, I'm 16 now": still a child's
        _same_outcome_too(facts, text)     # "anakinra worked for a while then stopped, canakinumab too"
        list_part_outcome(text, facts)     # "tried mtx, hcq and aza, ... the rest didnt either": all failed
        flares_on_treatment(text, facts)   # "2 flares last year on mesalazine": failed
        named_again_outcome(text, facts)   # "she had mmf, aza and rituximab. mmf and aza didnt work": the first mentions too
        corrected_year(text, facts)        # "ITP since 2019 sorry i meant 2009": 2009
        corrected_treatment(text, facts)   # "A then B, both failed. sorry i meant C not B": C failed, B not had
        replaced_in_correction(text, facts)   # "i had rituximab in 2020, no wait it was belimumab": belimumab, not rituximab
        for fact in stopped_ifs:    # a stop only thought of: no outcome, no end read from its cue
            fact.historical, fact.hypothetical, fact.status = False, False, "current"
        for fact in taken_ifs:      # a question or condition about what is done on it
            fact.hypothetical = fact.uncertain = False
        return facts

    def _since_outlasts(self, ent: Span, fact: Fact) -> bool:
        """A treatment written with its own start that goes on ("since march") is taken now
        when nothing past is said of it but words of order (``since_outlasts``: "before",
        "after"; "on MMF since 2020, stopped last month" stays over)."""
        if fact.negated or fact.hypothetical or fact.uncertain or fact.family:
            return False
        order = vocabulary_words("since_outlasts")
        return all(m.rule.literal.lower() in order for m in ent._.modifiers
                   if m.category in ("HISTORICAL", "PRIOR", "THERAPY_STOPPED"))

    @staticmethod
    def taken_elsewhere(text: str, facts: list[Fact]) -> None:
        """What is read over the whole text once its pieces are read (the current mention may be
        in another piece than the failure, the later value in another than the first):
        ``failed_but_taken``, ``stopped_later``, ``earlier_values``."""
        failed_but_taken(text, facts)
        stopped_later(text, facts)
        earlier_values(text, facts)

    def childhood_onset(self, facts: list[Fact], text: str) -> None:
        """A disease whose name is read as its adult-onset form ("Still's disease") in a text
        whose patient is a child (an AGE fact of the patient under ``under``) is the disease of
        either onset (``onset_by_age`` in data/nlp/extraction.yaml: "my son has Still's disease,
        he is 7 now" is ``stills_disease``), unless its own words or the two before it say adult
        ("adult-onset Still's", "adult onset stills", "AOSD"; h102, round 22). So is one whose
        length puts its onset under that age ("my daughter has still's disease since she was 4,
        she's 17 now": begun at 4; lead, round 32)."""
        for entry in self.onset_by_age:
            ages = [f.value for f in facts if f.label == "AGE" and not f.family and isinstance(f.value, (int, float))]
            if not ages:
                continue
            for fact in facts:
                onset = min(ages) - (fact.duration_days or 0) / 365.25
                if (fact.concept == entry["concept"] and not fact.family and onset < entry["under"]
                        and not any(w in text[max(0, fact.start - 15):fact.end].lower() for w in entry["adult_words"])):
                    fact.concept = entry["either"]

    def back_again(self, facts: list[Fact], text: str) -> None:
        """A disease told as past and then said to be back in its sentence ("hx of ITP as a
        teen, now its back", "had ITP as a kid and it came back last year"): had now
        (``disease_back_again``). The last such disease before the words only; not one
        negated, hedged, hypothetical or a relative's."""
        if self.back_again_words is None:
            return
        conditions = sorted((f for f in facts if f.label == "CONDITION"), key=lambda f: f.start)
        for i, fact in enumerate(conditions):
            if not fact.historical or fact.negated or fact.uncertain or fact.hypothetical or fact.family:
                continue
            found = self.back_again_words.match(text, fact.end)
            if found is None or any(fact.end < other.start < found.end() for other in conditions[i + 1:]):
                continue
            fact.historical = False

    def former_states(self, facts: list[Fact]) -> None:
        """A state now named by what is over (terminology ``former``: "quit smoking 10 years
        ago", "ex-smoker (stopped 2019)" under a history heading) is never historical."""
        for fact in facts:
            if fact.historical and self.terminology.flagged(fact.concept, "former"):
                fact.historical = False

    @staticmethod
    def _listed_outcome(ents: list[Span], kept: list[Span], facts: list[Fact]) -> None:
        """An outcome cue written before a list of treatments ("has failed infliximab,
        adalimumab (secondary loss of response) and ustekinumab", "intolerant of MTX, LEF and
        HCQ") is every item's, however long the list and its remarks in brackets: an item
        beyond the cue's reach gets the first item's outcome when it has none of its own.
        The list is context.py's (items of one kind joined only by commas, "and"/"or" and
        brackets; "failed MTX, now on rituximab" is no list)."""
        by_span = {}
        for ent, fact in zip(kept, facts):
            by_span.setdefault((ent.start, ent.end), fact)
        for chain in list_chains(ents):
            first = ents[chain[0]]
            if len(chain) < 2 or first.label_ not in ("DRUG", "PROCEDURE"):
                continue
            cues = [m for m in first._.modifiers if m.category in ("THERAPY_FAILED", "THERAPY_INTOLERANT")
                    and m.modifier_span[1] <= first.start]
            head = by_span.get((first.start, first.end))
            if not cues and head is not None and _taken_now_list_head(first, head):
                # "shes on HCQ, AZA, MTX and IVIG", "im on pred, cellcept, benlysta, hcq": a
                # cue of taking it now before the list is every item's (h60, round 14)
                cues = [m for m in first._.modifiers if m.category == "THERAPY_CURRENT" and m.modifier_span[1] <= first.start]
            if not cues or head is None:
                continue
            status = THERAPY_STATUS[cues[0].category]
            # the head's own bracket may say why it failed ("failed anakinra (injection site
            # reactions), canakinumab"): the list's cue is still the others'
            if head.status != status and not (head.status == "intolerant" and status == "failed"):
                continue
            for i in chain[1:]:
                fact = by_span.get((ents[i].start, ents[i].end))
                if (fact is not None and fact.label in ("DRUG", "PROCEDURE") and fact.status is None
                        and not (fact.negated or fact.hypothetical or fact.family)
                        and not (status == "current" and (fact.historical or fact.uncertain or fact.date is not None))):
                    fact.status = status
        # a treatment offered as the alternative to one considered ("consider for a second
        # allo-SCT or a clinical trial", "CAR-T or a bispecific") is considered too
        treatments = sorted((f for f in facts if f.label in ("DRUG", "PROCEDURE")), key=lambda f: f.start)
        text = doc_text(kept[0].doc) if kept else ""
        # and so is one named as the step after it ("referred for CD7 CAR-T, then allo-SCT",
        # "plans CAR-T; otherwise allo-SCT": ``plan_next_words``; h161, round 34)
        for before, after in zip(treatments, treatments[1:]):
            if (before.hypothetical and not before.negated and not (after.hypothetical or after.negated or after.historical)
                    and after.status is None and (_OR_ALTERNATIVE.fullmatch(text, before.end, after.start)
                                                  or _plan_next().fullmatch(text, before.end, after.start))):
                after.hypothetical = True

    def _done_once(self, facts: list[Fact], today: date) -> None:
        """A procedure done once (``one_off_procedures``: a transplant, CAR-T, a splenectomy,
        an operation; or a drug given as one course, ATG) that the text gives as done, not planned, wished for, doubted or
        denied, is over: "then a bone marrow transplant from his sister and it came back",
        "had 2 resections". Not one dated later than today ("transplant in March 2027"). A
        "now" after it is the next clause's ("after the transplant hes 12 now"): one done once
        is not taken now."""
        if not self.one_off:
            return
        for fact in facts:
            # a drug given as one course (ATG) likewise, unless a cue says it is taken now
            if (fact.label not in ("PROCEDURE", "DRUG") or (fact.label == "DRUG" and fact.status == "current")
                    or fact.historical or fact.negated or fact.hypothetical or fact.uncertain
                    or fact.concept not in self.terminology
                    or not any(self.terminology.is_a(fact.concept, c) for c in self.one_off)):
                continue
            if fact.date is not None and fact.date[:10] > today.isoformat()[:len(fact.date[:10])]:
                continue
            fact.historical = True
            if fact.status == "current":
                fact.status = None

    def _course_to_remission(self, facts: list[Fact], text: str) -> None:
        """A course followed on its line by the remission it gave ("1. UKALL 2011 induction - CR-1 at
        day 28", "DA x2 -> CR-1", "7+3 + midostaurin -> CRi") is a course given: over, whatever
        its date says. Not one a cue says goes on, nor a remission with a word of now before it
        ("on quizartinib, in CR1") (issue #13, h91 round 20)."""
        remissions = [f for f in facts if f.label == "CONDITION" and f.concept == "in_remission"
                      and not (f.negated or f.hypothetical or f.uncertain or f.family)]
        if not remissions:
            return
        for fact in facts:
            if (fact.label not in ("DRUG", "PROCEDURE") or fact.historical or fact.status or fact.ongoing
                    or fact.negated or fact.hypothetical or fact.uncertain or fact.family):
                continue
            after = next((r for r in remissions if r.start >= fact.end), None)
            if after is not None and _COURSE_TO_OUTCOME.fullmatch(text, fact.end, after.start):
                fact.historical = True

    def _said_of_then(self, facts: list[Fact], text: str) -> None:
        """A condition followed by a phrase of an earlier moment (``condition_then``: "CNS
        involvement at diagnosis", "anaemia on admission"): so then, not said to be so now. Not
        the disease itself ("T-ALL at diagnosis": a cancer or an autoimmune disease goes on)."""
        if self.condition_then is None:
            return
        for fact in facts:
            if (fact.label == "CONDITION" and not (fact.historical or fact.negated or fact.hypothetical)
                    and self.condition_then.match(text, fact.end) and not self._cancer(fact)
                    and not (fact.concept in self.terminology and self.terminology.is_a(fact.concept, "autoimmune_disease"))):
                fact.historical = True
            elif (fact.label in ("BIOMARKER", "INFECTION") and not (fact.historical or fact.negated or fact.hypothetical
                                                                     or fact.family)
                  and _MEASURED.match(text, fact.end)):
                # "ANA 1:640, anti-dsDNA 180 at diagnosis", "EBV DNA 12,000 copies/mL at presentation":
                # a level measured then, in a list the phrase closes; a marker named without a
                # level ("CD7 positive at diagnosis") is of the disease, which goes on (h116, round 25)
                tail = _THEN_LIST.match(text, fact.end)
                if tail is not None and self.condition_then.match(text, tail.end()):
                    fact.historical = True

    def _precursor(self, facts: list[Fact], text: str) -> None:
        """A cancer named as the one another grew out of ("AML secondary to MDS", "AML
        transformed from CMML", ``precursor_words``): the second became the first, it is past;
        or as the one it became ("myelodysplasia that turned into AML", ``successor_words``):
        the first is past. Both must be cancers: "ITP secondary to lupus" keeps the lupus, "her
        lupus turned into a nightmare" says nothing of it being over."""
        if self.precursor is None and self.successor is None:
            return
        ordered = sorted(facts, key=lambda f: f.start)
        for first, second in zip(ordered, ordered[1:]):
            if (first.label == second.label == "CONDITION" and self._cancer(first) and self._cancer(second)
                    and not (second.negated or second.hypothetical) and first.family == second.family):
                match = self.precursor.match(text, first.end) if self.precursor is not None else None
                if match is not None and match.end() == second.start:
                    second.historical = True
                # "myelodysplasia that turned into AML" (``successor_words``): the first became the second
                match = self.successor.match(text, first.end) if self.successor is not None else None
                if match is not None and match.end() == second.start:
                    first.historical = True
        if self.precursor_prefix is None:
            return
        for index, fact in enumerate(ordered):
            if (fact.label != "CONDITION" or not self._cancer(fact) or fact.negated or fact.hypothetical
                    or (prefix := self.precursor_prefix.search(text, max(0, fact.start - 8), fact.start)) is None):
                continue
            before = ordered[index - 1] if index else None
            after = ordered[index + 1] if index + 1 < len(ordered) else None
            opened = prefix.start()
            if ((after is not None and after.label == "CONDITION" and self._cancer(after)
                 and _BLANK.fullmatch(text, fact.end, after.start))
                    or (before is not None and before.label == "CONDITION" and self._cancer(before)
                        and _OPENING.fullmatch(text, before.end, opened))):
                fact.historical = True

    def _replaced_organ(self, facts: list[Fact], text: str | None = None) -> None:
        """An organ's failure followed in the text by the patient's transplant of that organ
        (``replaced_by_transplant`` in extraction.yaml: "lupus nephritis ... leading to ESRD in
        2015. Haemodialysis 2015-2017, then a kidney transplant (2017)"): the failure was, the
        graft works now; past. So is the failure the transplant was given for, written after it
        ("kidney transplant 2016 (deceased donor) for ESRD"; h136, round 29). A transplant
        planned, asked about, denied or a relative's replaces nothing (h121, round 26)."""
        if not self.replaced_by:
            return
        for fact in facts:
            by = self.replaced_by.get(fact.concept)
            if (not by or fact.label != "CONDITION" or fact.negated or fact.hypothetical or fact.family
                    or fact.historical):
                continue
            if any(other.concept in by and (other.start > fact.end or (
                    text is not None and other.end <= fact.start and _TRANSPLANT_FOR.fullmatch(text, other.end, fact.start))) and not (
                    other.negated or other.hypothetical or other.family or other.uncertain) for other in facts):
                fact.historical = True

    def _cancer(self, fact: Fact) -> bool:
        return self._is_cancer(fact.concept)

    def _is_cancer(self, concept: str) -> bool:
        return concept in self.terminology and self.terminology.is_a(concept, "malignancy")

    def _treatment_of_past_cancer(self, facts: list[Fact], text: str) -> None:
        """Treatments listed right after a cancer that is over, with no word of their own on
        when or how they went ("He had Hodgkin lymphoma at 19, ABVD, all fine since", "breast
        cancer in 2015, chemo and radiotherapy, now clear"): that cancer's treatment, over too."""
        ordered = sorted(facts, key=lambda f: f.start)
        for k, fact in enumerate(ordered):
            if fact.label != "CONDITION" or not fact.historical or fact.negated or fact.hypothetical or not self._cancer(fact):
                continue
            end = fact.end
            joiner = _AFTER_PAST_CANCER
            for other in ordered[k + 1:]:
                match = joiner.match(text, end)
                if (other.label not in ("DRUG", "PROCEDURE") or match is None or match.end() != other.start
                        or other.status is not None or other.hypothetical or other.negated or other.family != fact.family):
                    break
                other.historical = True
                end, joiner = other.end, _LIST_JOIN

    def _treated_then(self, facts: list[Fact], text: str) -> None:
        """A disease named as what a past treatment was for, with another disease said to be
        there now after it ("had radiotherapy for bowel cancer in 2018, now has myeloma",
        "cranial radiotherapy as a child for his ALL. now he has AML"): the first is past."""
        for k, fact in enumerate(facts):
            if fact.label != "CONDITION" or fact.historical or fact.negated or fact.family:
                continue
            reason = _REASON_BEFORE.search(text, max(0, fact.start - 30), fact.start)
            if reason is None or reason.end() != fact.start:
                continue
            if not any(t.label in ("DRUG", "PROCEDURE") and t.historical and not t.negated and not t.hypothetical
                       and reason.start() - 50 <= t.end <= reason.start() and _same_clause(text, t.end, reason.start())
                       for t in facts[:k]):
                continue
            now = _NOW_AFTER.match(text, fact.end)
            if now is not None and any(o.label == "CONDITION" and now.start() < o.start <= now.end() + 40
                                       and not (o.historical or o.negated or o.family)
                                       and not self.terminology.is_a(o.concept, fact.concept) for o in facts[k + 1:]):
                fact.historical = True

    def _recurrent_episodes(self, facts: list[Fact], text: str) -> None:
        """Acute infections named in the plural after "recurrent" ("recurrent chest infections
        (3 in 2024)", "frequent UTIs"; ``recurrent_episode_words`` in extraction.yaml) are
        episodes the patient has had, none said to be going on now: past. A single one
        ("recurrent C. difficile infection") may be the one now and stays as read."""
        if self.recurrent_words is None or ACTIVE_INFECTION not in self.terminology:
            return
        for fact in facts:
            if (fact.label != "INFECTION" or fact.historical or fact.negated or fact.family or fact.hypothetical
                    or fact.concept not in self.terminology or not self.terminology.is_a(fact.concept, ACTIVE_INFECTION)
                    or not text[fact.start:fact.end].lower().endswith("s")):
                continue
            if self.recurrent_words.search(text, max(0, fact.start - 30), fact.start):
                fact.historical = True

    @staticmethod
    def _treated_between(vocabulary: dict) -> str:
        """The words that may stand between an infection (and its result) and the course that
        treated it besides a year or a bracket: where it was found ("on colonic biopsy", "of the
        leg", "with Streptococcus") and when ("11/2026", "in Sept", "last month"); extraction.yaml
        ``treated_after_between`` and ``month_names`` (h166, round 35)."""
        between = vocabulary.get("treated_after_between") or {}
        prepositions = between.get("prepositions") or ()
        months = (vocabulary.get("month_names") or {}).keys()
        place = (r"(?:\s+(?:%s)(?:\s+[a-z][a-z'-]{0,20}){1,3})?" % alternation(prepositions)) if prepositions else ""
        dates = [r"(?:\d{1,2}[/.-]){0,2}(?:19|20)\d\d"]
        if months:
            dates.append(r"(?:%s)\.?(?:\s+(?:19|20)\d\d)?" % alternation(months))
        when = r"\s+(?:(?:in|on|from)\s+)?(?:%s)\b" % "|".join(dates)
        if between.get("ago"):
            when += r"|\s+(?:%s)\b" % alternation(between["ago"])
        return place + r"(?:%s)?" % when + place

    def _infection_treated(self, facts: list[Fact], text: str) -> None:
        """An acute infection named as what a past course was for ("took amoxicillin last month
        for a chest infection"): over with the course; and a course given for an infection of
        an earlier year ("Doxycycline for pneumonia 2023") is over with it. Not a lifelong
        infection (only those under active_infection), nor one a current course treats."""
        if ACTIVE_INFECTION not in self.terminology:
            return
        for k, fact in enumerate(facts):
            if fact.label == "INFECTION" and fact.concept in self.cured_by_course and not (
                    fact.negated or fact.family or fact.hypothetical):
                self._treated_after(facts, k, text)     # "Latent TB (2021), completed isoniazid"
                continue
            if (fact.label != "INFECTION" or fact.negated or fact.family or fact.hypothetical
                    or fact.concept not in self.terminology or not self.terminology.is_a(fact.concept, ACTIVE_INFECTION)):
                continue
            reason = _REASON_FOR.search(text, max(0, fact.start - 40), fact.start)
            if reason is None:
                self._treated_after(facts, k, text)
                continue
            course = next((t for t in reversed(facts[:k]) if t.label in ("DRUG", "PROCEDURE") and t.end <= reason.start()), None)
            if (course is None or course.negated or course.hypothetical or course.family or course.status == "current"
                    or reason.start() - course.end > 40 or not _same_clause(text, course.end, reason.start())):
                continue
            if course.historical or course.date is not None:
                fact.historical = True
            elif fact.historical and fact.date is not None and course.status is None:
                course.historical = True

    def _treated_after(self, facts: list[Fact], k: int, text: str) -> None:
        """An acute infection followed by the past course that treated it ("Recent UTI treated
        with nitrofurantoin.", "pneumonia, treated with IV antibiotics"): over with the course
        (the words between: extraction.yaml ``treated_with``), or in the next sentence by a course
        with a length ("Admitted with a UTI. Treated with IV ceftriaxone for 3 days."). Not while
        the course goes on."""
        if self.treated_with is None:
            return
        fact = facts[k]
        courses = [t for t in facts[k + 1:] if t.label in ("DRUG", "PROCEDURE")][:2]
        # the course may come after the treatment the infection happened on ("CMV reactivation
        # on alemtuzumab, treated with valganciclovir": the words between allow it; h177, round 37)
        course = next((t for t in courses if self.treated_with.fullmatch(text, fact.end, t.start)), courses[0] if courses else None)
        if (course is None or not course.historical or course.status == "current" or course.negated
                or course.hypothetical or course.family or fact.historical
                or not (self.treated_with.fullmatch(text, fact.end, course.start)
                        or (course.duration_days is not None and self.treated_next.fullmatch(text, fact.end, course.start)))):
            return
        fact.historical = True

    def _neither_helped(self, ent: Span) -> bool:
        """A treatment denied only by "neither"/"nor" in a sentence that goes on to say it did not
        help ("neither rituximab nor MMF helped", "nor did IVIG do anything"; ``neither_nor``
        in data/nlp/extraction.yaml): given and failed, not never given."""
        if ent.label_ not in ("DRUG", "PROCEDURE") or self.neither_outcome is None:
            return False
        cues = [m for m in ent._.modifiers if m.category == "NEGATED_EXISTENCE"]
        if any(m.rule.literal.lower() not in self.neither_words for m in cues):
            return False
        if not any(t.lower_ in self.neither_words for t in ent.doc[ent.sent.start:ent.start]):
            return False    # denied through a list from a "neither"/"nor" before it, or by one itself
        return bool(self.neither_outcome.search(doc_text(ent.doc), ent.end_char, ent.sent.end_char))

    def _shared(self, fact: Fact, ent: Span, speaker: Speaker | None, text: str) -> Fact | None:
        """A relative's illness the writing patient says they share, later in its sentence
        ("my grandmother had lupus, so do I", "my dad has psoriasis and I have it too";
        ``shared_with_writer`` in data/nlp/extraction.yaml): the patient's own as well, past
        when the cue is ("so did I"). Not when a relative writes (their "I" is not the patient)."""
        if (not self.shared or not fact.family or fact.negated or fact.label not in ("CONDITION", "INFECTION")
                or (speaker is not None and (speaker.relation is not None or speaker.speaker == "relative"))):
            return None
        rest = text[fact.end:ent.sent.end_char]
        match = next((m for m in (p.match(rest) for p in self.shared) if m is not None), None)
        if match is None:
            return None
        earlier = [e for e in ent.doc.ents if e.label_ in ("CONDITION", "INFECTION")
                   and e.sent.start == ent.sent.start and e.end <= ent.start]
        if earlier and not _LIST_JOIN.fullmatch(text[earlier[-1].end_char:ent.start_char]):
            return None     # "my mum had lupus and passed away from kidney failure, now I have it too": the lupus
        return replace(fact, family=False, uncertain=False, hypothetical=False,
                       historical=match.groupdict().get("past") is not None)

    def _headings(self, doc: Doc, ents: list[Span], facts: list[Fact]) -> None:
        """A heading cue (``"metadata": {"heading": true}``: "Previous DMARDs:") covers its
        own class word too: a cue that overlaps a mention never modifies it in ConText. So
        does any history cue that holds a mention whole ("core Ab positive (resolved
        infection)": the infection named in the cue is over), and a hypothetical or negating cue
        whose pattern has a mention's place ("im refusing chemo for now": not given; h135, round
        29; "No transplant planned": none is; h161, round 34)."""
        graph = doc_value(doc, "context_graph", None)
        if graph is None:
            return
        for modifier in graph.modifiers:
            if modifier.category != "HISTORICAL" and not (
                    modifier.category in ("HYPOTHETICAL", "NEGATED_EXISTENCE") and _names_a_mention(modifier.rule)):
                continue    # a hypothetical or negating cue written round its treatment ("refusing chemo
                #             for now", "no transplant planned": h161, round 34)
            start, end = modifier.modifier_span
            allowed = modifier.rule.allowed_types
            answered_no = (modifier.category == "HISTORICAL" and (modifier.rule.metadata or {}).get("heading")
                           and _answered_no(doc, end))
            for ent, fact in zip(ents, facts):
                if start <= ent.start and ent.end <= end and (not allowed or ent.label_ in allowed):
                    setattr(fact, _CATEGORY_FLAGS[modifier.category], True)
                    if answered_no:
                        fact.negated = True     # "Prior brentuximab: no.", "Prior biologics: none"

    def _had_for_a_span(self, ents: list[Span], facts: list[Fact], text: str) -> None:
        """A lasting disease said with a bare "had" and a span of time right after it, no "ago"
        ("had lupus 12 yrs", "had crohns for 10 years"): chat's "have had", the disease goes on,
        not one of the past (``had_for_a_span``: the kinds of disease, a time pattern; h140,
        round 30). Any other past cue ("had ITP for 2 years as a child, it went away") keeps it."""
        section = vocabulary().get("had_for_a_span") or {}
        kinds = tuple(section.get("kinds") or ())
        span = _had_span_pattern(str(section.get("span") or ""))
        if not kinds or span is None:
            return
        for ent, fact in zip(ents, facts):
            if (fact.label != "CONDITION" or not fact.historical
                    or fact.negated or fact.family or fact.hypothetical or fact.uncertain):
                continue
            past = [m for m in ent._.modifiers if m.category == "HISTORICAL"]
            if not past or any(ent.doc[m.modifier_span[0]:m.modifier_span[1]].text.lower() != "had" for m in past):
                continue
            if not any(self.terminology.is_a(fact.concept, kind) for kind in kinds):
                continue
            if span.match(text, fact.end, min(len(text), fact.end + 40)):
                fact.historical = False

    def _past_pregnancies(self, facts: list[Fact], today: date, text: str) -> None:
        """A pregnancy or breastfeeding dated well before today is over ("ectopic
        pregnancy in 2018"): historical, not a pregnancy now. So is a pregnancy in a text
        that says the baby is born ("baby is 6 weeks now"; ``postpartum`` in
        data/nlp/extraction.yaml); neither when the mention says it is again or now ("gave birth
        in 2020 and is now pregnant")."""
        born = None
        for fact in facts:
            if fact.label != "PREGNANCY" or fact.concept not in ("pregnant", "lactating"):
                continue
            if any(p.search(text[max(0, fact.start - 40):fact.start]) for p in self.postpartum_still):
                continue    # "she gave birth in 2020 and is now pregnant"
            if any(p.search(text[max(0, fact.start - 40):fact.start]) for p in self.past_pregnancy_before):
                fact.historical = True      # "gestational diabetes in her first pregnancy"
                continue
            if fact.date:
                latest = _latest_day(fact.date)
                if latest is not None and (today - latest).days > PAST_PREGNANCY_DAYS:
                    fact.historical = True
            if fact.concept == "pregnant" and not fact.historical:
                if born is None:
                    born = any(p.search(text) for p in self.postpartum_born)
                if born:
                    fact.historical = True

    # --- per label -------------------------------------------------------------------
    def _fill(self, fact: Fact, ent: Span, info: dict, reading: Reading | None, ents: list[Span], i: int) -> bool:
        label = fact.label
        if label in ("LAB", "SCORE"):
            if reading is None and "value" not in info:
                quality = self.lab_words(ent) if label == "LAB" else None
                if quality is None:
                    return False
                fact.status = quality.quality           # no number: "normal" / "low" / "high"
                fact.uncertain = fact.uncertain or quality.hedged
                fact.historical = fact.historical or quality.past   # "her platelets dropped on IVIG"
                return True
            if reading is not None:
                self._apply_reading(fact, reading)
            else:
                fact.value, fact.value_normalized = info["value"], info.get("value_normalized")
                fact.comparator = info.get("comparator")     # a bound said in words ("works full time")
            if label == "SCORE":
                self._check_score(fact)
            return True
        if info.get("negated"):  # a pattern that reads its own negation
            fact.negated = True
        if info.get("hypothetical"):  # a pattern that reads a wish ("hoping to get pregnant one day")
            fact.hypothetical = True
        if info.get("historical"):    # a pattern that reads an event over ("a miscarriage")
            fact.historical = True
        if label == "CONDITION" and "value" in info:     # "MRD 0.5%": the status's measure
            for key in ("value", "unit", "value_normalized", "unit_normalized"):
                if key in info:
                    setattr(fact, key, info[key])
        if label in ("AGE", "WEIGHT"):
            for key in ("value", "unit", "value_normalized", "unit_normalized", "implausible", "comparator", "value_high"):
                if key in info:
                    setattr(fact, key, info[key])
            return True
        if label in ("DRUG", "PROCEDURE"):
            fact.status = therapy_status(ent)
            stop = stopped_after_own_start(ent) if fact.status == "current" else None
            if stop is not None:    # "MMF started 2019, stopped 2021 for nausea": over, not tolerated
                fact.status, fact.historical = stop[0], fact.historical or stop[1]
            if fact.status is None and bracket_over(ent):
                fact.historical = True      # "IVIG (transient)": given, its response gone
            if fact.status is None and listed_before_a_bracketed_outcome(ent):
                fact.historical = True      # "5-ASA, thiopurine (pancreatitis)": the 5-ASA is over, not the pancreatitis's
        elif label == "INFECTION":
            written = self.mention_status(ent) or self.mention_status.after(ent)
            before = self.mention_status.before(ent)
            fact.status = infection_status(ent, written, before)
            if written is None and before is None and not fact.negated and test_without_result(ent):
                # "he had an HIV test": a test done, its result not said (not the infection had)
                fact.status, fact.uncertain, fact.historical = None, True, False
            if fact.status == "negative" and self._controlled(ent):
                fact.status, fact.negated = "positive", False    # "my HIV is undetectable on meds": has it, treated
            if fact.status == "negative":
                fact.negated = True
            elif fact.status in ("positive", "active"):
                fact.negated = False
        elif label == "BIOMARKER":
            # a sign glued to the mention ("CD7- CD5+", "CD7-, CD3+") is its own, before any
            # result word further on ("CD5+"'s sign is no status of CD7)
            written = self.mention_status(ent) or self.mention_status.after(ent)
            fact.status = biomarker_status(ent, written, self.mention_status.before(ent))
            if fact.status is None and _names_its_disease(ent, ents[i + 1] if i + 1 < len(ents) else None):
                fact.status = "positive"    # "anti-MDA5 dermatomyositis", "anti-HMGCR IMNM": the disease's marker
            fact.negated = fact.status == "negative"
            sentence_end = sentence_index(ent.doc).bounds(ent.start_char)[1]
            limit = ents[i + 1].start_char if i + 1 < len(ents) and ents[i + 1].label_ == "BIOMARKER" else sentence_end
            # the share is the marker's own: not past another mention ("CD7+ on flow, blasts
            # 30%") nor past a clause that names something else first ("CD7 bright, MRD 4.2%")
            # ("CD7+ blasts 80%": the blasts the marker qualifies, right after it, are no other mention)
            share_limit = limit
            if i + 1 < len(ents) and doc_text(ent.doc)[ent.end_char:ents[i + 1].start_char].strip():
                share_limit = min(limit, ents[i + 1].start_char)
            found = self.values.percent_after(doc_text(ent.doc), ent.end_char, min(share_limit, ent.end_char + _MARKER_WINDOW))
            if (found is not None and _ANOTHER_CLAUSE_FIRST.search(doc_text(ent.doc), ent.end_char, found[1])
                    and not _SHARE_OF_IT.match(doc_text(ent.doc), found[2])):
                # a later clause's share is the marker's only when it points back to it ("CD7
                # dim on the last marrow, around 30% of blasts express it"; lead, round 34)
                found = None
            if found is not None:
                fact.value, fact.unit = found[0], "%"
                fact.value_normalized, fact.unit_normalized = found[0], "%"
            if fact.status is None:
                fact.status = self._titre_status(fact.concept, doc_text(ent.doc), ent.end_char,
                                                 min(limit, ent.end_char + _MARKER_WINDOW))
                fact.negated = fact.status == "negative"
            if fact.status is None and found is not None and not self.terminology.flagged(fact.concept, "antibody"):
                if found[0] >= self.marker_share_positive:
                    fact.status = "positive"            # "CD7 99% on blasts", "CD7: 60%"
                elif found[0] == 0:
                    fact.status, fact.negated = "negative", True     # "CD7 0%"
            if found is None:
                self._antibody_level(fact, doc_text(ent.doc), ent.end_char, limit)
        return True

    def _antibody_level(self, fact: Fact, text: str, start: int, limit: int) -> None:
        """An autoantibody's level or titre written after it (terminology ``antibody``):
        "anti-dsDNA 200 IU/mL", "ANA 1:640" become its value. Positive or negative only
        from a reference range written with it ("dsDNA 85 (ref <10)": positive; "12 (ref
        <30)": negative); a level alone keeps the status the words give (none: the assay's
        cut-off is not known here, never guessed)."""
        if not self.terminology.flagged(fact.concept, "antibody"):
            return
        titre = _TITRE.match(text, start, min(limit, start + _MARKER_WINDOW))
        if titre is not None:
            fact.value = fact.value_normalized = float(titre.group(1))
            fact.unit = fact.unit_normalized = "titre"
            return
        reading = self.values.after(text, start, min(limit, start + _MARKER_WINDOW))
        if reading is None or reading.value is None or reading.uln_multiple is not None or reading.value_high is not None:
            return
        if reading.value < 0 or _DATE_LIKE.match(text, reading.start):
            return
        fact.value = fact.value_normalized = reading.value
        fact.comparator = reading.comparator
        fact.unit = fact.unit_normalized = reading.unit
        upper = self.values.reference_upper(text, reading.end, min(limit, reading.end + _MARKER_WINDOW))
        if upper is None or fact.status is not None:
            return
        below = reading.value < upper or (reading.comparator in ("<", "<=") and reading.value <= upper)
        above = reading.value > upper and reading.comparator not in ("<", "<=")
        if below or above:
            fact.status = "positive" if above else "negative"
            fact.negated = not above

    def _titre_status(self, concept: str, text: str, start: int, limit: int) -> str | None:
        """An antibody's titre right after it ("ANA 1:640", "ANA titre 1/320"): positive at
        or above the terminology's ``positive_titre`` (ANA 1:80, the 2019 EULAR/ACR entry
        criterion for lupus); a lower titre says nothing (None: borderline, the team's)."""
        entry = self.terminology.get(concept)
        threshold = entry.attrs.get("positive_titre") if entry is not None else None
        if not threshold:
            return None
        match = _TITRE.match(text, start, limit)
        if match is None:
            return None
        return "positive" if int(match.group(1)) >= int(threshold) else None

    def _lab_readings(self, doc: Doc, ents: list[Span], meta: dict) -> dict[int, Reading]:
        """Each lab/score entity's reading, sharing a value across joined names."""
        readings: dict[int, Reading] = {}
        pending: list[int] = []
        for i, ent in enumerate(ents):
            if ent.label_ not in ("LAB", "SCORE"):
                pending = []
                continue
            info = meta.get((ent.start, ent.end), {})
            if "value" in info or ent.text.lower() in self.lab_words.implied:
                # read by a pattern (BILAG counts); a word saying its own quality takes no value
                # ("hypocomplementaemic, proteinuria 2.1 g/day": h125, round 27)
                pending = []
                continue
            reading = info.get("reading")
            if reading is None and ent.label_ == "LAB":
                reading = self.values.before(doc_text(doc), sentence_index(doc).bounds(ent.start_char)[0], ent.start_char)
                if reading is not None and i > 0 and ents[i - 1].end_char > reading.start:
                    reading = None
                if (reading is not None and i > 0 and ents[i - 1].label_ == "BIOMARKER" and reading.unit == "%"
                        and _MARKER_SHARE_GAP.fullmatch(doc_text(doc), ents[i - 1].end_char, reading.start)):
                    reading = None  # "CD7+ (98% blasts)": the share of blasts carrying the marker, not their count
            if reading is not None:
                readings[i] = reading
                for j in pending:
                    readings[j] = reading
                pending = []
                continue
            nxt = ents[i + 1] if i + 1 < len(ents) else None
            if nxt is not None and nxt.label_ == ent.label_ and _JOINER.match(doc_text(doc)[ent.end_char:nxt.start_char]):
                pending.append(i)
            else:
                pending = []
        return readings

    def _apply_reading(self, fact: Fact, reading: Reading) -> None:
        fact.value, fact.comparator, fact.uln_multiple = reading.value, reading.comparator, reading.uln_multiple
        fact.unit = reading.unit
        if fact.label == "SCORE":
            fact.value_normalized = reading.value
            if reading.value_high is not None:
                score = self.terminology.get(fact.concept)
                worse = score.attrs.get("worse") if score else None
                if worse and reading.value is not None and fact.comparator is None:
                    # "ECOG 0-1", "KPS 70-80": a range said of one patient counts at its worse
                    # bound (terminology ``worse``; h182, round 38)
                    fact.value = fact.value_normalized = reading.value_high if worse == "higher" else reading.value
                    return
                fact.comparator = fact.comparator or ">="
            return
        if reading.value is None:  # "3x ULN": only the multiple is known
            return
        if reading.value_high is not None and fact.comparator is None:
            fact.comparator = ">="  # a range: at least the low end, and its top (matching.labs)
            fact.value_high = reading.value_high
        self._normalise_lab(fact)

    def class_counts(self, text: str, facts: list[Fact]) -> None:
        """A number right before a drug class in the plural ("failed 3 biologics", "two other
        anti-TNFs", "4 different DMARDs"): how many distinct drugs of the class, the value of
        the class-level fact (not a dose: a unit makes it one; lead, round 25)."""
        for fact in facts:
            if (fact.label != "DRUG" or fact.value is not None or fact.concept not in self.drug_classes
                    or not fact.text.lower().endswith("s")):
                continue
            found = self.class_count.search(text, max(0, fact.start - 40), fact.start)
            if found is None:
                continue
            written = found.group("n").lower()
            number = int(written) if written.isdigit() else self.count_words.get(written)
            if number and 1 <= int(number) <= 20:
                fact.value = float(number)

    def _controlled(self, ent: Span) -> bool:
        """An infection kept for life whose only negation cues say it is controlled
        ("undetectable", "suppressed"): the patient has it (``controlled_infections``)."""
        if ent.kb_id_ not in self.controlled_infections:
            return False
        cues = [ent.doc[m.modifier_span[0]:m.modifier_span[1]].text.lower() for m in ent._.modifiers
                if m.category == "NEGATED_EXISTENCE"]
        return bool(cues) and all(cue in self.controlled_cues for cue in cues)

    def _past(self, ent: Span) -> bool:
        """A HISTORICAL cue reaches the mention, other than a past event's ("had a transplant
        in 2021 for T-ALL": the disease after a reason word is the reason, not the event) or
        a present perfect's ("hes had crohns since 15")."""
        doc = ent.doc

        def possession(m) -> bool:
            # "I've got HIV", "she's got lupus": has it now (``possession_cues`` after a perfect
            # word), not the past event of "got CMV after the transplant"
            return (m.rule.literal.lower() in self.possession_cues and m.modifier_span[0] > 0
                    and doc[m.modifier_span[0] - 1].lower_ in self.perfect_words)
        if ent.label_ in ("DRUG", "PROCEDURE"):
            history = [m for m in ent._.modifiers if m.category == "HISTORICAL"]
            if history and all(_history_of_a_disease_before(m, ent) for m in history):
                return False    # "Pt w/ hx SLE + APS on warfarin": the history is the diseases'
        if ent.label_ != "CONDITION":
            # as before unless a possession cue is among the history cues (a rule may name its
            # category per label: categories())
            return (not any(possession(m) for m in ent._.modifiers)
                    or any(m.category == "HISTORICAL" and not possession(m) for m in ent._.modifiers))

        def event_cue_not_for_this(m) -> bool:
            if m.rule.literal.lower() not in self.past_event_cues or m.modifier_span[1] > ent.start:
                return False
            before = doc[m.modifier_span[0] - 1].lower_ if m.modifier_span[0] > 0 else ""
            between = doc[m.modifier_span[1]:ent.start]
            # "had ITP for a decade": a disease had for years goes on (h150, round 32)
            had_long = (self.had_for_years is not None and ent.text.lower() not in self.event_words
                        and self.had_for_years.match(ent.doc.text, ent.end_char) is not None)
            return (before in self.perfect_words or had_long
                    or any(t.lower_ in self.reason_words for t in between)
                    or (ent.text.lower() not in self.event_words and any(t.lower_ in self.finding_words for t in between)))
        def ago_dates_the_diagnosis(m) -> bool:
            # "diagnosed with scleroderma three years ago", "lupus dx 2 yrs ago": the diagnosis
            # was then, the disease goes on (an event, "a DVT 5 years ago", is over)
            if not m.rule.literal.lower().endswith(" ago") or m.modifier_span[0] < ent.end:
                return False
            if ent.text.lower() in self.event_words:
                return False
            sentence = ent.sent
            # ... or the word right after the "ago" ("UC 2 yrs ago diagnosed"; h70, round 16)
            around = [*doc[max(sentence.start, ent.start - 6):ent.start], *doc[ent.end:m.modifier_span[0]],
                      *doc[m.modifier_span[1]:min(sentence.end, m.modifier_span[1] + 1)]]
            return any(t.lower_ in self.diagnosis_words for t in around)
        def ago_dates_the_treatment(m) -> bool:
            # "a bone marrow transplant for T-ALL two years ago": the "ago" right after the
            # reason a treatment was given dates the treatment, not the disease
            if not m.rule.literal.lower().endswith(" ago") or m.modifier_span[0] < ent.end:
                return False
            i = ent.start - 1
            while i > 0 and doc[i].lower_ in self.past_value_skip:
                i -= 1
            return (i > 0 and doc[i].lower_ in self.reason_words and doc[i - 1].ent_type_ in ("DRUG", "PROCEDURE")
                    and m.modifier_span[0] - ent.end <= 3)
        def since_not_an_event(m) -> bool:
            # "since his stroke": an event dates what follows and is over; a disease named
            # there is not made past ("since her lupus diagnosis"; h150, round 32)
            return m.rule.literal.lower() == "since his (event)" and ent.text.lower() not in self.event_words
        return any(m.category == "HISTORICAL" and not event_cue_not_for_this(m) and not ago_dates_the_diagnosis(m)
                   and not ago_dates_the_treatment(m) and not possession(m) and not since_not_an_event(m)
                   for m in ent._.modifiers)

    def _denied_kind_of_pregnancy(self, ent: Span) -> bool:
        """A pregnancy of a kind (``pregnancy_kinds``: "ectopic", "molar") named in the
        mention or in the three words before it ("no ectopic or molar pregnancy")."""
        doc = ent.doc
        return any(t.lower_ in self.pregnancy_kinds for t in doc[max(ent.sent.start, ent.start - 3):ent.end])

    def _wish_swallowed(self, ent: Span) -> bool:
        """A wish word right before a mention whose term begins with the wish's preposition
        ("interested in a trial", ``wish_before_mention``): the HYPOTHETICAL cue "interested
        in" overlaps the mention and cannot reach it, so the wish is read here."""
        if ent.label_ not in ("DRUG", "PROCEDURE") or ent.start == 0 or len(ent) < 2:
            return False
        return ent[0].lower_ in self.wish_prepositions and ent.doc[ent.start - 1].lower_ in self.wish_words

    def _remission_denied(self, ent: Span) -> bool:
        """Every remission cue of the mention is denied right before it ("AML, not in CR after
        7+3", "never in remission": ``remission_denied_by``): the cancer goes on."""
        doc = ent.doc
        cues = [m for m in ent._.modifiers if m.category == "REMISSION"]
        return bool(cues) and all(
            any(t.lower_ in self.remission_denied for t in doc[max(ent.sent.start, m.modifier_span[0] - 2):m.modifier_span[0]])
            for m in cues)

    def _remission_from_treatment(self, ent: Span) -> bool:
        """Every remission cue of the cancer names the treatment that gave it just after it
        ("t-all, in remission after induction", "in remission since the transplant", "in remission
        now after chemo": ``remission_kept_after``, a treatment named or one of its course words):
        the cancer's present state, not an illness over ("had T-ALL as a kid, in remission 15 yrs"
        stays past; h170, round 36)."""
        doc = ent.doc
        cues = [m for m in ent._.modifiers if m.category == "REMISSION"]
        treatments = [e.start for e in ent.sent.ents if e.label_ in ("DRUG", "PROCEDURE")]

        def names_treatment(modifier) -> bool:
            end = modifier.modifier_span[1]
            window = doc[max(modifier.modifier_span[0], end - 1):min(ent.sent.end, end + 3)]
            word = next((t for t in window if t.lower_ in self.remission_after), None)
            if word is None:
                return False
            # only "the", "her", ... between ("since the transplant"; not "since 2019 after
            # radiotherapy": a remission of a year told, over)
            named = word.i + 1
            while named < min(ent.sent.end, word.i + 3) and doc[named].lower_ in self.remission_between:
                named += 1
            return named in treatments or (named < len(doc) and doc[named].lower_ in self.remission_courses)
        return bool(cues) and all(names_treatment(m) for m in cues)

    def _active_again(self, ent: Span) -> bool:
        """The disease's sentence says it is active again now, after it and before another
        disease is named: a word of ``active_again_words`` with one of ``active_again_when``
        right beside it ("she had stills disease as a teen, flaring again now", "had lupus
        at 20 and its back now"). Not a disease status itself (in remission, relapsed)."""
        concept = ent.kb_id_
        if concept not in self.terminology or self.terminology.is_a(concept, "disease_status"):
            return False
        doc, sentence = ent.doc, ent.sent
        end = min((e.start for e in sentence.ents if e.label_ == "CONDITION" and e.start >= ent.end),
                  default=sentence.end)
        return any(t.lower_ in self.active_again_words
                   and any(u.lower_ in self.active_again_when for u in doc[max(ent.end, t.i - 1):min(end, t.i + 3)] if u.i != t.i)
                   for t in doc[ent.end:min(end, ent.end + 12)])

    def _had_now(self, ent: Span) -> bool:
        """The cancer is said to be had now by a word of ``remission_kept_by`` right before it
        ("i have T-LBL", "my son's got T-ALL"; not "i've been cancer free"): a remission said
        of it leaves it current."""
        return ent.start > ent.sent.start and ent.doc[ent.start - 1].lower_ in self.remission_kept

    def _malignancy(self, ent: Span) -> bool:
        """A cancer not said to have come back (REMISSION cues make it past: "Hodgkin
        lymphoma, in remission since"; not "... in complete remission, relapsed 2024"); a
        disease such as lupus in remission goes on."""
        concept = ent.kb_id_
        if concept not in self.terminology or not self.terminology.is_a(concept, "malignancy"):
            return False
        sentence = ent.sent
        doc = sentence.doc
        # a relapse told after another disease named later is that one's ("H/o Hodgkin lymphoma
        # 2001, in remission since. Now RRMS, two relapses"; h142, round 30)
        later = min((e.start for e in sentence.ents if e.label_ == "CONDITION" and e.start >= ent.end
                     and e.kb_id_ in self.terminology and not self.terminology.flagged(e.kb_id_, "status_of")
                     and not self.terminology.is_a(e.kb_id_, "disease_status")), default=sentence.end)
        return not any(token.lower_ in self.relapse_words
                       and not any(t.lower_ in self.no_relapse for t in doc[max(sentence.start, token.i - 3):token.i])
                       and not any(t.lower_ == "free" for t in doc[token.i + 1:min(sentence.end, token.i + 3)])
                       for token in sentence if token.i < later or token.i < ent.start)   # "treated, no recurrence", "in case it comes back", "relapse-free": no relapse

    def _second_value(self, fact: Fact, reading: Reading | None, text: str) -> Fact | None:
        """The second analyte of a pair written "S/D" (``value_pairs`` in data/nlp/extraction.yaml: "BP 150/95"
        gives systolic 150 and diastolic 95), with the first one's flags and span."""
        if fact.label != "LAB" or reading is None or fact.value is None:
            return None
        other = self.value_pairs.get(fact.concept)
        match = self.second_value.match(text, reading.end) if other else None
        if match is None:
            return None
        second = replace(fact, concept=other, value=float(match.group(1)), value_normalized=None,
                         unit=fact.unit, comparator=None, uln_multiple=None, implausible=False)
        self._normalise_lab(second)
        return second

    def _normalise_lab(self, fact: Fact) -> None:
        normalise_lab(fact, self.terminology)

    def _check_score(self, fact: Fact) -> None:
        score = self.terminology.get(fact.concept)
        low, high = (score.attrs.get("range") if score else None) or [float("-inf"), float("inf")]
        if fact.value is not None and not (low <= fact.value <= high):
            fact.implausible = True

    def _child_values(self, facts: list[Fact]) -> None:
        """A value questioned only because it is an adult's ("3-day-old ... weight is 3.2 kg"):
        plausible when the patient's age the text gives is under the analyte's
        ``child_under_age`` and the value within its ``plausible_child`` (labs.yaml)."""
        ages = [f.value for f in facts if f.label == "AGE" and not f.family and f.value is not None and not f.implausible]
        if not ages:
            return
        for fact in facts:
            if not fact.implausible or fact.value is None or fact.label not in ("WEIGHT", "LAB"):
                continue
            analyte = self.terminology.get(fact.concept)
            limits = analyte.attrs.get("plausible_child") if analyte is not None else None
            if not limits or min(ages) >= analyte.attrs.get("child_under_age", 0):
                continue
            value = fact.value_normalized if fact.value_normalized is not None else fact.value
            if limits[0] <= value <= limits[1]:
                fact.implausible = False

    # --- time ------------------------------------------------------------------------
    def _past_weights(self, doc: Doc, facts: list[Fact], today: date) -> None:
        """A body weight of an earlier time is past: dated right after its value to a day more
        than ``PAST_VALUE_DAYS`` before today ("weighed 96 kg in 2023", "91 kg last year now 83
        kg"), or said with a word of then (``past_weight`` in extraction.yaml: "weight then 41
        kg", "fell from 70 kg to 63 kg", "73 kg at her last visit"). The weight said now
        stays current (h136, round 29)."""
        weights = [fact for fact in facts if fact.label == "WEIGHT" and not fact.historical]
        if not weights or self.weight_before is None:
            return
        text = doc_text(doc)
        sentences = sentence_index(doc)
        times = None
        for fact in weights:
            first, last = sentences.bounds(fact.start)
            if self.weight_before.search(text, max(first, fact.start - 30), fact.start) \
                    or self.weight_after.match(text, fact.end, last):
                fact.historical = True
                continue
            if times is None:
                times = [t for t in self.times(text, today) if t.date is not None and not t.since]
            for expression in times:
                if fact.end <= expression.start <= last and _WEIGHT_DATE_GAP.fullmatch(text, fact.end, expression.start):
                    day = _latest_day(expression.date)
                    # a weight of last month beside another one is the older of the two
                    # ("92 kg (86 kg last month)")
                    if day is not None and ((today - day).days > PAST_VALUE_DAYS or (day < today and len(weights) > 1)):
                        fact.historical, fact.date = True, expression.date
                    break

    def _attach_times(self, doc: Doc, facts: list[Fact], today: date, bare: list[bool],
                      births: list[tuple[int, int]] = (), older: dict[int, tuple[int, int]] | None = None) -> set[int]:
        """Dates, durations and onset ages onto the facts they are written with. Returns the
        ids of the treatments and procedures whose time is a start that goes on ("since
        2023", "2022-present"): taken now, whatever outcome is read later."""
        started: set[int] = set()
        if not any(fact.label in TIMED_LABELS for fact in facts):
            return started      # nothing a time could attach to: the patterns need not run
        times = self.times(doc_text(doc), today)
        if births:          # a date of birth dates nobody's illness
            times = [t for t in times if not any(t.start < end and start < t.end for start, end in births)]
        weights = [fact for fact in facts if fact.label == "WEIGHT"]
        if weights:         # "weight 91 kg last year now 83 kg, on X": the weight's date, not X's
            text = doc_text(doc)
            times = [t for t in times if not any(
                w.end <= t.start and _WEIGHT_DATE_GAP.fullmatch(text, w.end, t.start) for w in weights)]
        if not times or not facts:
            return started
        sentences = sentence_index(doc)
        # how long and when are read apart: a fact may have both ("isoniazid for 9 months
        # (2022)": a course that ended then), each the nearest of its kind
        spans = [t for t in times if t.duration_days is not None and t.date is None
                 and not (self.time_off is not None and self.time_off.match(doc_text(doc), t.end))]
        points = [t for t in times if not (t.duration_days is not None and t.date is None)]
        attached = [item for group in (points, spans) if group
                    for item in attach(doc_text(doc), group, facts, sentences.index, self.times).items()]
        newest_named = _latest_named(doc_text(doc), times, today)
        for index, expression in attached:
            gap = (older or {}).get(index)
            if gap is not None and gap[0] <= expression.start and expression.end <= gap[1]:
                continue    # the date of the older value, not of the newer one the fact holds
            if expression.date is not None:
                facts[index].date = expression.date
                if facts[index].label in ("LAB", "SCORE") and expression.point:
                    day = _latest_day(expression.date)
                    if day is not None and (today - day).days > PAST_VALUE_DAYS and not (
                            newest_named is not None and (newest_named - day).days <= PAST_VALUE_DAYS
                            and not _value_later(facts, facts[index])):
                        facts[index].historical = True
                if (facts[index].label in ("CONDITION", "INFECTION") and (expression.point or expression.adjacent)
                        and facts[index].text.lower() in self.event_words and (
                            int(expression.date[:4]) < today.year or _months_before(expression.date, today))
                        and not _event_goes_on(doc_text(doc), expression.end)):
                    # "NPSLE (seizures 2024)": an event of an earlier year; "MAS 04/2025",
                    # "CMV reactivation 03/2025" in a letter of November: an event of months ago
                    facts[index].historical = True
                latest = _latest_day(expression.date) if (expression.point or expression.adjacent) and bare[index] else None
                if latest is not None and (latest.year < today.year or (today - latest).days > PAST_VALUE_DAYS):
                    # "TB on anti-TNF in 2017", "pneumonia on rituximab last winter": on it
                    # then, a bare "on" says nothing of now
                    facts[index].status, facts[index].historical = None, True
            if expression.ended and facts[index].label in ("DRUG", "PROCEDURE") and (
                    facts[index].status != "current" or bare[index]):
                facts[index].historical = True   # "etanercept 2005-2009": a use that has ended
                if facts[index].status == "current":    # "MTX 15 mg weekly 2019-2021": the dose was then
                    facts[index].status = None
            fact = facts[index]
            if (expression.since and not expression.ended and fact.label in ("DRUG", "PROCEDURE") and fact.historical
                    and (fact.status in (None, "current") or (fact.status == "failed"
                                                 and _SINCE_WORD.search(doc_text(doc), fact.end, expression.start + 6)))
                    and not (fact.negated or fact.hypothetical or fact.uncertain or fact.family)
                    and fact.end <= expression.start
                    and (_SINCE_RIGHT_AFTER.fullmatch(doc_text(doc), fact.end, expression.start)
                         or (_SINCE_OWN_WORD.match(doc_text(doc), expression.start)
                             and (_GAP_NO_STOP.fullmatch(doc_text(doc), fact.end, expression.start)
                                  or _BRACKET_GAP.fullmatch(doc_text(doc), fact.end, expression.start))))
                    and not _STOPPED_BEFORE.search(doc_text(doc), max(0, fact.start - 20), fact.start)
                    and not _ENDED_AFTER.match(doc_text(doc), expression.end)):
                # "Treatment so far: hydroxychloroquine since 2016", "Treated with ..., then
                # tofacitinib since 06/2025": a start that goes on outweighs the history cue before
                # it (h91, round 20); failing too ("Had ..., tacrolimus since 01/2026, without
                # sustained benefit": failing, taken now; lead, round 40)
                fact.historical = False
            if (expression.since and fact.label in ("DRUG", "PROCEDURE") and fact.status is None
                    and not (fact.historical or fact.negated or fact.hypothetical or fact.uncertain)):
                fact.status = "current"     # "Nintedanib since 2023", "belimumab 2022-present": taken now
                _combination_started(fact, facts, doc_text(doc), expression.date)
            if ((expression.since or expression.onset_age is not None) and not expression.ended
                    and fact.label == "DRUG" and fact.historical and fact.status is None
                    and not (fact.negated or fact.hypothetical or fact.uncertain)
                    and self._perfect_had_before(doc, fact)):
                # "she's had methotrexate since she was 9", "ive had humira since 2020": a
                # present perfect with its start, taken from then to now (h90, round 20)
                fact.historical, fact.status = False, "current"
            if expression.since and not expression.ended and fact.label in ("DRUG", "PROCEDURE"):
                started.add(id(fact))
            if expression.duration_days is not None:
                facts[index].duration_days = expression.duration_days
            if expression.onset_age is not None:
                facts[index].duration_days = _since_age(expression.onset_age, facts)
        self._short_courses(attached, times, facts, bare, sentences, today)
        _combination_dated(attached, facts, doc_text(doc), today)
        _operated_condition_dated(facts, doc_text(doc))
        self._values_of_an_ended_course(times, facts, doc_text(doc))
        self._values_of_a_dated_bracket(times, facts, doc_text(doc), today)
        self._dated_onset_of_history(attached, facts, doc_text(doc))
        return started

    def _perfect_had_before(self, doc: Doc, fact: Fact) -> bool:
        """ "had" right before the mention, a perfect word ("'s", "has", "ive") before it."""
        span = doc.char_span(fact.start, fact.end, alignment_mode="expand")
        if span is None or span.start < 2:
            return False
        return doc[span.start - 1].lower_ == "had" and doc[span.start - 2].lower_ in self.perfect_words

    def _dated_onset_of_history(self, attached, facts: list[Fact], text: str) -> None:
        """A lasting illness written with the date it began ("h/o SLE dx 2016", "history of SLE
        since 2016", "h/o RA diagnosed in 2012") is one the patient has now: the onset date keeps it
        current as "Dx in 03" does, whatever history cue is before it; and the complication written
        right after it ("c/b lupus nephritis", "complicated with lupus nephritis") is current with it
        (issue #13, h91 round 20). Not an event ("h/o DVT dx 2019"), a cancer ("h/o breast cancer dx
        2010": treated, history) nor a disease status; not a start that has ended."""
        for index, expression in attached:
            fact = facts[index]
            if (fact.label != "CONDITION" or not fact.historical or fact.negated or fact.family
                    or fact.hypothetical or fact.uncertain or expression.ended or fact.end > expression.start
                    or not self._lasting_illness(fact)):
                continue
            between = text[fact.end:expression.start]
            if not (_ONSET_WORDS.fullmatch(between) or ((expression.since or _ONSET_START.match(text, expression.start))
                                                        and _ONSET_GAP.fullmatch(between))):
                continue
            fact.historical = False
            joined = _COMPLICATED_BY.match(text, expression.end)
            if joined is None:
                continue
            after = next((f for f in facts if f.start >= joined.end()), None)
            if (after is not None and after.label == "CONDITION" and after.historical and not after.negated
                    and not after.family and self._lasting_illness(after)
                    and _CLASS_WORDS.fullmatch(text[joined.end():after.start])):
                after.historical = False

    def _lasting_illness(self, fact: Fact) -> bool:
        concept = fact.concept
        return (fact.text.lower() not in self.event_words and concept in self.terminology
                and not self.terminology.is_a(concept, "malignancy")
                and not self.terminology.is_a(concept, "disease_status")
                and concept not in _acute_concepts())

    def _values_of_a_dated_bracket(self, times, facts: list[Fact], text: str, today: date) -> None:
        """Lab values and scores in a bracket opened right after a past date ("Dx 01/2024
        (neutrophils 0.2, platelets 8)", "MAS episodes: 2017 (ferritin 24,000, platelets 88)",
        "renal crisis 02/2024 (BP 190/110, creatinine 250)") are of that date, every one, not
        only the first the date attaches to: past when the date is. Not after a start that goes
        on ("since 2023 ("), nor after the relapse that is the disease now ("Relapse 10/2025
        (marrow, 12% blasts)"; ``dated_bracket_current`` in extraction.yaml); only values
        ("low C3/C4" describes the disease)."""
        dated = []
        for expression in times:
            if expression.date is None or expression.since:
                continue
            line = text[text.rfind("\n", 0, expression.start) + 1:expression.start]
            if self.bracket_current is not None and self.bracket_current.search(line):
                continue
            latest = _latest_day(expression.date)
            if latest is None or (today - latest).days <= PAST_VALUE_DAYS:
                continue
            match = _BRACKET_AFTER.match(text, expression.end)
            if match is None:
                continue
            close = text.find(")", match.end())
            if close > 0 and "\n" not in text[match.end():close]:
                dated.append((match.end(), close))
        if not dated:
            return
        for fact in facts:
            if fact.label in ("LAB", "SCORE") and fact.value is not None and not fact.historical and any(
                    start <= fact.start and fact.end <= end for start, end in dated):
                fact.historical = True

    def _values_of_an_ended_course(self, times, facts: list[Fact], text: str) -> None:
        """A lab value written after a course's closed years on the same line ("3. Eltrombopag
        50 mg od 2019-2022 - lost response; ALT rose to 3x ULN", "leflunomide 20 mg (2016-2018,
        raised BP and diarrhoea)") is from that course: past. Not one after a word of now
        (``ended_course_line_now`` in extraction.yaml: "2019-2021, now creatinine 80"), nor one
        in a sentence of its own ("MMF 2019-2023. Creatinine 1.2": today's value; h90, round 20)."""
        ended = [t for t in times if t.ended and not t.end_only]
        if not ended or self.ended_line_now is None:
            return
        for fact in facts:
            if fact.label not in ("LAB", "SCORE") or fact.historical or fact.date is not None:
                continue
            for expression in ended:
                between = text[expression.end:fact.start]
                # a word of now right after the value says it too ("eltrombopag 2020-2022 failed,
                # plt 14 today"; h121, round 26)
                after = _VALUE_TAIL.match(text, fact.end).group()
                if (expression.end <= fact.start and len(between) <= self.ended_line_reach and "\n" not in between
                        and not self.ended_line_now.search(between) and not _SENTENCE_END.search(between)
                        and not self.ended_line_now.search(after)):
                    fact.historical = True
                    break

    def _short_courses(self, attached, times, facts: list[Fact], bare: list[bool], sentences, today: date) -> None:
        """A short course (``short_course_days``) with a past time right after it is over: "pred
        for a week in may", "dexamethasone for 4 days last month" (past; the time dates it).
        Only a treatment nothing else says goes on (no status, or a bare "on")."""
        for index, expression in attached:
            fact = facts[index]
            if (expression.duration_days is None or expression.duration_days > self.short_course_days
                    or fact.label not in ("DRUG", "PROCEDURE") or fact.negated or fact.hypothetical
                    or not (fact.status is None or (fact.status == "current" and bare[index]))):
                continue
            when = next((t for t in times if t.point and t.date and 0 <= t.start - expression.end <= 2
                         and sentences.index(t.start) == sentences.index(expression.start)), None)
            latest = _latest_day(when.date) if when is not None else None
            if latest is not None and latest < today:
                fact.historical, fact.status = True, None
                fact.date = fact.date or when.date




# the value and unit written after a lab's name, up to the next break ("plt 14 today")
_VALUE_TAIL = re.compile(r"[^,;.()\n]{0,25}")


# what joins the drugs of one combination or list: "+", "/", ",", "and", "with", brackets
# ("Venetoclax + obinutuzumab (VenO) 04/2023-03/2024", "nelarabine, cyclophosphamide and
# etoposide x2 cycles (06-07/2025)", "Euro-Lupus IV cyclophosphamide 2019")
# "venetoclax-rituximab 2023-2024": a hyphen joins a combination too (h91, round 20)
_COMBINATION_JOIN = re.compile(r"[\s,+/&()]*(?:(?:and|with|plus|iv|oral|po|sc)(?![\w-])[\s,+/&()]*)?|-", re.IGNORECASE)


# a level right after a marker or an infection: "ANA 1:640", "anti-dsDNA 340 IU/mL", "EBV DNA 12,000"
_MEASURED = re.compile(r"\s*:?\s*(?:titre\s*|titer\s*|of\s*)?(?:1\s*:\s*)?\d")
# the rest of a list of results up to the phrase that closes it ("..., low C3/C4 at diagnosis"):
# on one line, inside one bracket or clause, no word of now
_THEN_LIST = re.compile(r"(?:(?!\bnow\b|\btoday\b|\bcurrently\b)[^;.()\n]){0,80}?(?=\s*(?:at|on)\s)", re.IGNORECASE)


@lru_cache(maxsize=1)
def _stop_remark() -> re.Pattern:
    """A bracket after a drug that opens with a word of stopping or holding
    (``stopped_later_words`` and ``stop_remark_words`` in extraction.yaml): "(stopped 2023)",
    "(discontinued 2016)", "(held since 10/2025)"."""
    words = [*vocabulary_words("stopped_later_words"), *vocabulary_words("stop_remark_words")]
    return re.compile(r"[^\S\n]*(?:\d+(?:[.,]\d+)?[^\S\n]?[a-zA-Z/]{1,6}[^\S\n]{0,2})?\([^\S\n]*(?:%s)\b" % alternation(words), re.IGNORECASE)


# the join of the drugs of one combination that shares its start ("Venetoclax + nelarabine since
# 04/2026", "aza/ven since 08/2026"): not a comma or "and" of a list (h182, round 38)
_SINCE_JOIN = re.compile(r"[ \t]*(?:\+|/|&|plus|with)[ \t]*", re.IGNORECASE)


def _combination_started(fact: Fact, facts: list[Fact], text: str, start: str | None) -> None:
    """The drugs joined to a treatment taken since a date by "+" or "with" right before it are
    taken since then too: "Azacitidine + venetoclax since 08/2026", "Gemcitabine + oxaliplatin since
    10/2026" (only those nothing else dates or says; h182, round 38)."""
    later = fact
    for earlier in sorted((f for f in facts if f.label in ("DRUG", "PROCEDURE") and f.end <= fact.start),
                          key=lambda f: f.start, reverse=True):
        if not _SINCE_JOIN.fullmatch(text, earlier.end, later.start):
            break
        if (earlier.status is None and earlier.date is None and not earlier.historical
                and not (earlier.negated or earlier.hypothetical or earlier.uncertain or earlier.family)):
            earlier.status, earlier.date = "current", start
        later = earlier


# what stands between an illness and the operation word that follows it ("colon cancer resected
# in 2023", "skin cancer was removed last year")
_OPERATED_GAP = re.compile(r"[ \t]*(?:(?:was|were|is|has[ \t]+been|had[ \t]+been|got)[ \t]+)?")


def _operated_condition_dated(facts: list[Fact], text: str) -> None:
    """An illness named right before the operation that removed it ("colon cancer resected in
    2023", "skin cancer removed last year (BCC)"): the operation's date is the illness's too, when
    nothing else dates it, so a window ("malignancy within 5 years") still reads it (the
    operation word had become a fact of its own and taken the date; lead, round 41)."""
    for procedure in facts:
        if procedure.label != "PROCEDURE" or procedure.date is None or procedure.negated or procedure.hypothetical:
            continue
        for condition in facts:
            if (condition.label == "CONDITION" and condition.date is None and condition.end <= procedure.start
                    and not (condition.negated or condition.hypothetical or condition.family)
                    and _OPERATED_GAP.fullmatch(text, condition.end, procedure.start)):
                condition.date = procedure.date
                condition.historical = condition.historical or procedure.historical


def _combination_dated(attached, facts: list[Fact], text: str, today: date) -> None:
    """A past date written after the last drug of a combination or list dates every drug of it,
    not only the nearest one the date attaches to: "Venetoclax + obinutuzumab (VenO) 12 cycles,
    04/2023-03/2024" (both over). Only drugs nothing else dates or says are taken now."""
    treatments = sorted((f for f in facts if f.label in ("DRUG", "PROCEDURE")), key=lambda f: f.start)
    for index, expression in attached:
        fact = facts[index]
        if (fact.label not in ("DRUG", "PROCEDURE") or expression.date is None or expression.since
                or not (expression.ended or expression.point or expression.adjacent) or fact.status == "current"
                or fact.negated or fact.hypothetical or fact.start > expression.start):
            continue
        latest = _latest_day(expression.date)
        if latest is None or latest >= today:
            continue
        if _stop_remark().match(text, fact.end, expression.end):
            # "levothyroxine, alendronic acid (stopped 2023)": the stop in the bracket after a
            # list's last drug is that drug's remark, not the list's date (h136, round 29)
            continue
        position = next((i for i, f in enumerate(treatments) if f is fact), None)
        # "prednisolone, mycophenolate (2021-2023, stopped due to cytopenias), tacrolimus
        # (2023-2024) ...": a bracket of the list's middle is its item's remark; the years are
        # the mycophenolate's, not the prednisolone's before it; the list is still of the past
        # (lead, round 41)
        mid_list = _mid_list_bracket(text, fact, expression, treatments[position + 1:] if position is not None else [])
        later = fact
        before = treatments[:position or 0]
        for n, earlier in reversed(list(enumerate(before))):
            if earlier.end > later.start or not _COMBINATION_JOIN.fullmatch(text, earlier.end, later.start) \
                    or "\n" in text[earlier.end:later.start]:
                break
            if later is fact and _closed_list_before(text, before[:n + 1], fact):
                break   # "mtx and hcq, humira stopped in 2022": the list closed by "and" is not dated (h191, round 40)
            if earlier.date is None and earlier.status is None and not (
                    earlier.negated or earlier.hypothetical or earlier.family):
                if not mid_list:
                    earlier.date = expression.date
                if expression.ended or fact.historical:
                    earlier.historical = True
            later = earlier


def _closed_list_before(text: str, earlier: list[Fact], fact: Fact) -> bool:
    """A list closed by a joiner ("and") and a comma before ``fact`` ("mtx and hcq, humira
    stopped in 2022"): ``fact`` begins a clause of its own (``own_subject`` in
    data/nlp/extraction.yaml)."""
    if len(earlier) < 2 or "," not in text[earlier[-1].end:fact.start]:
        return False
    spec = vocabulary().get("own_subject") or {}
    stops = sorted((str(w) for w in spec.get("stops") or ()), key=len, reverse=True)
    if not stops or not re.match(r"\s+(?:\d[\d/.-]*\s+)?(?:(?:was|were|got|been|then)\s+)?(?:%s)\b" % alternation(stops),
                                 text[fact.end:fact.end + 40],
                                 re.IGNORECASE):
        return False    # only a stop said of it ("humira stopped in 2022"), not a date alone ("..., allo-HSCT 12/2024")
    joiners = frozenset(str(w).lower() for w in spec.get("joiners") or ())
    words = re.findall(r"[\w&+]+", text[earlier[-2].end:earlier[-1].start].lower())
    return any(w in joiners for w in words)


def _mid_list_bracket(text: str, fact: Fact, expression, after: list[Fact]) -> bool:
    """The date is in a bracket opened right after ``fact`` and another treatment of the list
    follows the bracket's close ("azathioprine (2019-2020) and methotrexate")."""
    opening = text.find("(", fact.end, expression.start)
    if opening < 0 or not _COMBINATION_JOIN.fullmatch(text, fact.end, opening) or ")" in text[opening:expression.start]:
        return False
    closing = text.find(")", expression.end)
    if closing < 0 or "(" in text[expression.end:closing] or "\n" in text[fact.end:closing]:
        return False
    return bool(after) and after[0].start > closing and _COMBINATION_JOIN.fullmatch(text, closing + 1, after[0].start) is not None


def _latest_named(text: str, times, today: date) -> date | None:
    """The latest day a pasted document (more than one line) names to the month or the day,
    when it is longer ago than PAST_VALUE_DAYS (an undated letter written long before it is
    read): a value dated then is the latest the document knows ("Bloods 10/2025: C3 0.62" in
    an undated letter read a year later), not an earlier one, unless another value of it is
    written after it. Only dates written with their year count ("in May" is read from today).
    None for a message, or when the document names a recent day (h86, round 19)."""
    if "\n" not in text.strip():
        return None
    days = [_latest_day(t.date) for t in times if t.date and len(t.date) >= 7 and _YEAR.search(text, t.start, t.end)]
    days = [day for day in days if day is not None and day <= today]
    if not days:
        return None
    latest = max(days)
    return latest if (today - latest).days > PAST_VALUE_DAYS else None


_YEAR = re.compile(r"(?:19|20)\d\d")


def _value_later(facts: list[Fact], fact: Fact) -> bool:
    """Another value of the same analyte written after ``fact`` ("07/2025 (lymphocytes 86) ...
    Current: lymphocytes 118"): ``fact``'s is the earlier one."""
    return any(other is not fact and other.concept == fact.concept and other.start > fact.start
               and other.value is not None and not other.family for other in facts)


def _months_before(when: str, today: date) -> bool:
    """A date with its month ("2025-03") whose month ended more than PAST_VALUE_DAYS before today."""
    if len(when) < 7:
        return False
    latest = _latest_day(when)
    return latest is not None and (today - latest).days > PAST_VALUE_DAYS


# a bracket opened right after a date ("Relapse 06/2025 (marrow blasts 45%)")
_BRACKET_AFTER = re.compile(r"[ \t]*\(")


# what may stand between a marker and the disease it names: "anti-HMGCR IMNM", "Jo-1
# antisynthetase syndrome", "anti-MDA5-positive dermatomyositis" (the sign is read before)
_MARKER_DISEASE_GAP = re.compile(r"[ \t]*(?:-|–)?[ \t]*")


def _names_its_disease(marker: Span, following: Span | None) -> bool:
    """A marker written right before a disease, as its qualifier ("anti-MDA5 dermatomyositis",
    "anti-HMGCR IMNM", "Jo-1 antisynthetase syndrome"), is found in that patient: positive."""
    if following is None or following.label_ != "CONDITION" or following.start_char < marker.end_char:
        return False
    text = doc_text(marker.doc)
    return _MARKER_DISEASE_GAP.fullmatch(text, marker.end_char, following.start_char) is not None


def _past_said_of_list_before(ent: Span) -> bool:
    """Every past cue of the treatment stands before another treatment named earlier in its
    sentence ("he had 7+3 and gilteritinib now": "had" opens the list; the "now" right after
    the last one is its own)."""
    doc = ent.doc
    earlier = [e.start for e in doc.ents if e.label_ in ("DRUG", "PROCEDURE") and ent.sent.start <= e.start and e.end <= ent.start]
    cues = [m.modifier_span[0] for m in ent._.modifiers if m.category in ("HISTORICAL", "PRIOR")]
    return bool(cues) and bool(earlier) and all(c < min(earlier) for c in cues)


def _restarted(ent: Span) -> bool:
    """A restart cue of the treatment (``"metadata": {"restarted": true}``: "back on 2g",
    "restarted at 10 mg") written after every cue that ended it ("MMF stopped in 2020, then
    back on 2g"): taken again now."""
    restarts = [m.modifier_span[0] for m in ent._.modifiers
                if m.category == "THERAPY_CURRENT" and (m.rule.metadata or {}).get("restarted")]
    ends = [m.modifier_span[0] for m in ent._.modifiers
            if m.category in ("HISTORICAL", "PRIOR", "THERAPY_STOPPED", "THERAPY_INTOLERANT")]
    return bool(restarts) and max(restarts) > max(ends, default=-1) and max(restarts) > ent.start


def _said_to_go_on(ent: Span, after: bool = False) -> bool:
    """A "current" cue of the treatment with a word of ``goes_on_words`` in it ("which I'm
    still on", "venetoclax ongoing"; a bare "now" is none: "im off the steroids now"), and no
    current cue of it said in the past (``goes_on_not_after`` in or just before it: "she was
    still on prednisone when she got pregnant"). With ``after``, only cues said after the
    treatment count ("had rituximab last year but hes still on it"; h196, round 41)."""
    doc = ent.doc
    cues = [m.modifier_span for m in ent._.modifiers if m.category == "THERAPY_CURRENT"
            and (not after or m.modifier_span[0] >= ent.end)]
    words, past = vocabulary_words("goes_on_words"), vocabulary_words("goes_on_not_after")
    return (any(t.lower_ in words for start, end in cues for t in doc[start:end])
            and not any(t.lower_ in past for start, end in cues for t in doc[max(0, start - 2):end]))


def _was_on(ent: Span) -> bool:
    """Current only by a bare "on" written right after "was"/"were" ("she had a renal crisis
    and was on dialysis for a month": the TERMINATE cue "and was" takes the "was" that the
    HISTORICAL cue "was on" needs): taken then, not said to go on."""
    doc = ent.doc
    currents = [m for m in ent._.modifiers if m.category == "THERAPY_CURRENT"]
    return bool(currents) and all((m.rule.metadata or {}).get("bare") and m.modifier_span[0] > 0
                                  and doc[m.modifier_span[0] - 1].lower_ in ("was", "were") for m in currents)


@lru_cache(maxsize=1)
def _hold_reason_words() -> frozenset[str]:
    """The words that open why a treatment was held (extraction.yaml ``hold_reason_words``), read once."""
    return frozenset(w.lower() for w in vocabulary().get("hold_reason_words") or ())


@lru_cache(maxsize=1)
def _stop_words_for_reason() -> tuple[frozenset[str], frozenset[str]]:
    """The words that say a treatment was held, and those that say it was stopped, before the
    reason for it (extraction.yaml ``stop_reason_stops``; h126, round 27), read once."""
    words = vocabulary().get("stop_reason_stops") or {}
    return (frozenset(w.lower() for w in words.get("held") or ()),
            frozenset(w.lower() for w in words.get("stopped") or ()))


@lru_cache(maxsize=1)
def _event_words() -> frozenset[str]:
    return frozenset(w.lower() for w in vocabulary().get("event_words") or ())


def _now_then_course(ent: Span) -> bool:
    """A treatment opening its sentence after "Now" (maybe "on"), whose only past cue is its
    course count ("Now gemcitabine x3 cycles", "Now on FLAG-Ida x1"): the cycles given so far
    of a course taken now (h156, round 33)."""
    doc = ent.doc
    i = ent.start - 1
    if i >= 0 and doc[i].lower_ == "on":
        i -= 1
    if i < 0 or doc[i].lower_ != "now" or not (i == 0 or doc[i].is_sent_start or doc[i - 1].text in (".", ";", ":", "\n")):
        return False
    past = [m for m in ent._.modifiers if m.category == "HISTORICAL"]
    return bool(past) and all(m.rule.literal == "xN (courses)" for m in past)


@lru_cache(maxsize=1)
def _event_going_on() -> re.Pattern | None:
    words = vocabulary().get("event_goes_on_words") or ()
    return re.compile(r"\b(?:%s)\b" % alternation(words), re.IGNORECASE) if words else None


_EVENT_CLAUSE_END = re.compile(r"[.;](?:\s|$)|\n")


def _event_goes_on(text: str, start: int) -> bool:
    """The rest of a dated event's clause says it goes on ("Invasive aspergillosis 08/2026 on
    voriconazole, improving": ``event_goes_on_words``): not over, whatever its date (h156, round 33)."""
    going_on = _event_going_on()
    if going_on is None:
        return False
    stop = _EVENT_CLAUSE_END.search(text, start)
    end = stop.start() if stop else len(text)
    return bool(going_on.search(text, start, min(end, start + 80)))


def _stopped_for(other: Span, ent: Span) -> bool:
    """``ent`` named as the reason a treatment written before it in its sentence was held or
    stopped: a hold or stop word after the treatment, a reason word after it
    (``hold_reason_words``) and at most ``STOP_REASON_REACH`` words between the reason word and
    the mention, no full stop, semicolon or closing bracket among them. Any illness a treatment
    was held for was then ("MTX held for a chest infection in Jan", "held 09/2025 for
    hypertension"); one it was stopped for only when it is an event over once treated ("stopped
    due to a portal vein thrombosis"; not "stopped for progression of ILD"). h126, round 27."""
    if is_status_span(ent):
        return False    # "stopped at relapse": the disease's status, read by disease_status
    doc = ent.doc
    gap = doc[other.end:ent.start]
    if len(gap) > 14 or any(t.text in (".", ";", ")", "]") for t in gap):
        return False
    if any(e.label_ in ("DRUG", "PROCEDURE") and other.end <= e.start and e.end <= ent.start for e in doc.ents):
        return False    # a later treatment between: that one's reason, if any
    held, stopped = _stop_words_for_reason()
    reasons = _hold_reason_words()
    stop = next((k for k, t in enumerate(gap) if t.lower_ in held or t.lower_ in stopped), None)
    if stop is None:
        return False
    if gap[stop].lower_ not in held and not (ent.label_ == "INFECTION" or ent.kb_id_ in _acute_concepts()
                                             or ent.text.lower() in _event_words()):
        return False    # a lasting illness a treatment was stopped for goes on
    reason = next((k for k in range(stop + 1, len(gap)) if gap[k].lower_ in reasons), None)
    return reason is not None and reason - stop <= STOP_REASON_REACH + 1 and len(gap) - reason - 1 <= STOP_REASON_REACH


@lru_cache(maxsize=1)
def _acute_concepts() -> frozenset[str]:
    """The acute, one-off conditions (extraction.yaml ``event_settings.acute_concepts``), read once."""
    return frozenset((vocabulary().get("event_settings") or {}).get("acute_concepts") or ())


def _childhood_illness_of_a_child(facts: list[Fact], text: str) -> None:
    """A disease named "childhood ..." ("childhood lupus", "childhood asthma") is one of the
    past (the ``childhood`` cue), unless the patient is still a child by the age the message
    gives ("i was diagnosed with childhood lupus at 9, I'm 16 now", "childhood ITP, she's 12"):
    then it goes on (``childhood_illness`` in data/nlp/extraction.yaml; h176, round 37)."""
    spec = vocabulary().get("childhood_illness") or {}
    words, under = spec.get("words"), spec.get("child_under")
    if not words or under is None:
        return
    ages = [f.value for f in facts if f.label == "AGE" and not (f.family or f.negated) and isinstance(f.value, (int, float))]
    if not ages or min(ages) >= float(under):
        return
    before = re.compile(r"\b(?:%s)[\s-]+$" % alternation(words), re.IGNORECASE)
    for fact in facts:
        if (fact.label == "CONDITION" and fact.historical and not (fact.family or fact.negated or fact.hypothetical)
                and before.search(text, max(0, fact.start - 16), fact.start)):
            fact.historical = False


def _since_age(onset: float, facts: list[Fact]) -> float | None:
    """How long an illness that began at age ``onset`` has lasted, from the patient's age
    stated in the same text: the years between them, as the person means it ("17, since
    she was 14": 3 years; as approximate as "since 2019"), or None when under a year or
    when the text states no single age."""
    ages = [f.value for f in facts if f.label == "AGE" and not f.family and not f.negated and f.value is not None]
    if len(set(ages)) != 1 or ages[0] - onset < 1:
        return None
    return round((ages[0] - onset) * 365.25, 2)


def _adverse_effect(ent: Span, ents: list, i: int, lasting: bool = False) -> bool:
    """An adverse effect that ended a treatment is over with it: a condition between a
    therapy and the stopping cue both share ("cyclosporine gave me high blood pressure so I
    stopped it"; the THERAPY_INTOLERANT rules that allow CONDITION), or a condition or
    infection inside the therapy's stopping cue ("discontinued due to recurrent
    infections"), not a disease named before the therapy ("I have lupus and MMF gave me
    diarrhoea so we stopped it"). A harm named after a cue with no stopping word, or in a
    bracket after the therapy, is past unless it lasts (``lasting``: a cancer, "gave me
    bladder cancer")."""
    spans = {m.modifier_span for m in span_value(ent, "modifiers") if m.category == "THERAPY_INTOLERANT"}
    for other in ents[:i]:
        if other.label_ not in ("DRUG", "PROCEDURE") or other.end > ent.start or other.sent.start != ent.sent.start:
            continue
        for m in other._.modifiers:
            if (m.rule.metadata or {}).get("reason_after") and not lasting and m.modifier_span[1] <= ent.start:
                # the reason in brackets after a cue that the therapy was held ("tocilizumab -
                # held (recurrent cellulitis)", "held since 09/2025 (chest infections)")
                gap = ent.doc[m.modifier_span[0] + 1:ent.start]
                # or named after a word of reason ("on hold since Oct for a DVT", "held since
                # 09/2025 because of a DVT"; extraction.yaml ``hold_reason_words``; h121)
                if (len(gap) <= 7 and any(t.text == "(" or t.lower_ in _hold_reason_words() for t in gap)
                        and not any(t.text in (")", ".", ";") for t in gap)):
                    return True
            if m.category != "THERAPY_INTOLERANT":
                continue
            if m.modifier_span in spans:
                return True
            # the harm written inside the cue itself: "discontinued due to recurrent
            # infections" (the infections were, they are no active infection now)
            if m.modifier_span[0] <= ent.start and ent.end <= m.modifier_span[1]:
                return True
            # or named right after a cue written after the therapy: "tofacitinib ... but it
            # gave me shingles so they took me off it"
            gap = ent.doc[m.modifier_span[1]:ent.start]
            if (not lasting and other.end <= m.modifier_span[0] and m.modifier_span[1] <= ent.start
                    and len(gap) <= ADVERSE_REACH and not any(t.is_punct for t in gap)):
                return True
        # the illness named as the reason the therapy was stopped or held: "stopped due to a
        # portal vein thrombosis" (no intolerance cue: a thrombosis is no side-effect word)
        if not lasting and _stopped_for(other, ent):
            return True
        # the harm as a bracket's whole content right after the therapy: "upadacitinib
        # (shingles)", "ADA (psoriasis)" (bracket_outcomes: not tolerated)
        doc = ent.doc
        if (not lasting and ent.start == other.end + 1 and doc[other.end].text in ("(", "[") and ent.end < len(doc)
                and doc[ent.end].text in (")", "]") and bracket_outcome(other) == "intolerant"):
            return True
    return False


def _last_of_sequence(ent: Span) -> bool:
    """The treatment an arrow or "then" of the one before points to ("eltrombopag ->
    romiplostim"; a PRIOR cue right before it), with none after it: the one taken now."""
    doc = ent.doc
    graph = doc_value(doc, "context_graph", None)
    priors = [m for m in (graph.modifiers if graph is not None else ()) if m.category == "PRIOR"]
    before = any(m.modifier_span[1] <= ent.start and not doc[m.modifier_span[1]:ent.start].text.strip()
                 for m in priors)
    after = any(m.modifier_span[0] >= ent.end and m.modifier_span[0] < ent.sent.end for m in priors)
    return before and not after


@lru_cache(maxsize=1)
def _since_then_pattern() -> re.Pattern | None:
    words = vocabulary_words("since_then")
    if not words:
        return None
    schedule = vocabulary_words("since_then_schedule")
    between = r"(?:(?:%s)\s+){0,3}" % alternation(schedule) if schedule else ""
    return re.compile(r"\s*(?:it\s+|them\s+)?%s(?:%s)\s*(?:[.,;!?\n)]|$)" % (between, alternation(words)), re.IGNORECASE)


def _since_then(text: str, end: int) -> bool:
    """``since_then`` right after a treatment, ending its clause ("on apixaban since")."""
    pattern = _since_then_pattern()
    return pattern is not None and pattern.match(text, end) is not None


def _result_after_test(ent: Span, ents: list[Span]) -> bool:
    """A mention looked for by a test cue ("tested for TB", metadata ``test``) whose result is
    said later in its sentence by a cue with metadata ``test_result`` ("... before the
    belimumab and it was fine"), with no other infection named between: a negative test. An
    illness looked for likewise ("they checked for cancer and its clear"; h181, round 38)."""
    tests = [m for m in ent._.modifiers if m.category == "POSSIBLE_EXISTENCE"]
    if not tests or not all((m.rule.metadata or {}).get("test") for m in tests):
        return False
    graph = getattr(ent.doc._, "context_graph", None)
    sentence_end = ent.sent.end
    for modifier in graph.modifiers if graph is not None else ():
        start = modifier.modifier_span[0]
        if (modifier.category == "NEGATED_EXISTENCE" and (modifier.rule.metadata or {}).get("test_result")
                and ent.end <= start < sentence_end
                and not any(e.label_ == "INFECTION" and ent.end <= e.start < start for e in ents)):
            return True
    return False


def _cut_by_semicolon(ent: Span, habits: frozenset[str] = frozenset()) -> bool:
    """Negated only by cues written after the mention with a semicolon between, for an item
    the pipeline does not know or a habit (``habits``: "SH: ex-smoker (stopped 2019);
    alcohol: nil"): a semicolon ends a clause (its TERMINATE rule), so the negation is that
    item's."""
    cues = [m for m in ent._.modifiers if m.category == "NEGATED_EXISTENCE"]
    if not cues or any(m.modifier_span[0] < ent.end for m in cues):
        return False

    def cut(m) -> bool:
        # the last semicolon before the cue; the words after it name the cue's own item, which
        # the pipeline does not know ("alcohol"): a known one ("HIV; HBsAg: negative") may be a
        # list the negation covers, so it stays
        stops = [t.i for t in ent.doc[ent.end:m.modifier_span[0]] if t.text == ";"]
        return bool(stops) and not any(stops[-1] < e.start < m.modifier_span[0] and e.kb_id_ not in habits
                                       for e in ent.doc.ents)
    return all(cut(m) for m in cues)


# what stands between a considered treatment and its alternative: "allo-SCT or a clinical trial"
_OR_ALTERNATIVE = re.compile(r"\s*,?\s*(?:or|and/or)\s+(?:an?\s+|the\s+|another\s+)?", re.IGNORECASE)


_JOINED = re.compile(r"\s*(?:\+|/|&)\s*")
_SINCE_AFTER = re.compile(r"\s+since\b", re.IGNORECASE)


def _joined_goes_on(text: str, facts: list[Fact]) -> None:
    """Two drugs joined by "+" or "/" as one course ("Ivosidenib + aza since 08/2026: blasts still
    22% after 3 cycles"): the course's failure is both drugs', and when the second goes on
    (its "since"), so does the first; the failure read over the first alone had made it past
    (h161, round 34)."""
    drugs = sorted((f for f in facts if f.label == "DRUG"), key=lambda f: f.start)
    for first, second in zip(drugs, drugs[1:]):
        if (first.status == second.status == "failed" and second.ongoing and not first.ongoing
                and first.date is None and not (first.negated or first.hypothetical or first.family)
                and _JOINED.fullmatch(text, first.end, second.start) and _SINCE_AFTER.match(text, second.end)):
            first.ongoing, first.historical = True, False


def _named_again_keeps_its_outcome(ents: list[Span], facts: list[Fact]) -> None:
    """A treatment named again with "the" and no cue of its own ("humira, remicade, stelara all
    stopped working, the stelara lasted longest") is the one the message already told the outcome
    of: it failed or was not tolerated, and is over as told (h196, round 41). Only after an
    earlier mention of the patient's own in the message, said to have failed or not tolerated."""
    for i, (ent, fact) in enumerate(zip(ents, facts)):
        if (ent.label_ not in ("DRUG", "PROCEDURE") or ent.start == 0 or ent._.modifiers or fact.status
                or fact.negated or fact.hypothetical or fact.uncertain or fact.family or fact.date
                or ent.doc[ent.start - 1].lower_ not in vocabulary_words("named_again_articles")):
            continue
        told = [f for e, f in zip(ents[:i], facts[:i]) if f.concept == fact.concept
                and f.status in ("failed", "intolerant") and not (f.negated or f.hypothetical or f.family)]
        if told:
            fact.status, fact.historical, fact.ongoing = told[-1].status, told[-1].historical, told[-1].ongoing


@lru_cache(maxsize=1)
def _plan_next() -> re.Pattern:
    """What stands between a treatment planned and the next step of the plan (``plan_next_words``):
    a bracket's remark may come first ("CAR-T (trial); otherwise allo-SCT"), up to two words
    after ("then a sibling allograft", "then second-line allograft")."""
    return re.compile(r"(?:\s*\([^()]{0,40}\))?\s*[,;]?\s*(?:" + alternation(vocabulary_words("plan_next_words"))
                      + r")\s*,?\s+(?:[^\W\d_][\w-]{0,15}\s+){0,2}", re.IGNORECASE)


STOP_REASON_REACH = 3   # words between a stop and its reason word, and between that and the illness
ADVERSE_REACH = 3   # words between a "gave me" cue and the harm it names ("gave me a bad skin infection")


def _age_from_birth(fact: Fact, born: dict, today: date) -> None:
    """The age on ``today`` of a date of birth (``nlp.components.demographics``): whole
    years; uncertain when the readings of a day/month order give different ages."""
    year = born["year"]
    ages = set()
    for month, day in born["readings"]:
        if month is None:            # a year alone: the age this year, or one less
            ages.update({today.year - year, today.year - year - 1})
        else:
            ages.add(today.year - year - (1 if (today.month, today.day) < (month, min(day, 28)) else 0))
    value = float(min(ages))              # the lower age until the reading is known
    fact.value = fact.value_normalized = value
    fact.unit = fact.unit_normalized = "years"
    fact.implausible = not (0 <= value <= 120)
    fact.uncertain = len(ages) > 1        # asked to confirm: a limit of 18 years may fall between them


def _history_of_a_disease_before(history, ent: Span) -> bool:
    """A history cue whose scope reaches a treatment only across a disease and a cue of the
    treatment taken now ("Pt w/ hx SLE + APS on warfarin", "h/o RA on methotrexate"): the
    history is the diseases'; the treatment after "on" is taken now (h102, round 22)."""
    cue_end = history.modifier_span[1]
    if cue_end > ent.start:
        return False
    current = [m for m in ent._.modifiers if m.category == "THERAPY_CURRENT"
               and cue_end <= m.modifier_span[0] and m.modifier_span[1] <= ent.start]
    if not current:
        return False
    doc = ent.doc
    first = min(m.modifier_span[0] for m in current)
    return any(e.label_ == "CONDITION" and cue_end <= e.start and e.end <= first for e in doc.ents)
