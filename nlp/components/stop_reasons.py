"""What a bracket after a treatment that is over names is why it stopped, of then: "tofacitinib
2023-2024 (DVT)", "fostamatinib (stopped after 2 mo, HTN)", "rituximab 2021-2023
(hypogammaglobulinemia, recurrent pneumonias)", "eltrombopag 2023-2025 (hepatotoxicity, ALT 5x
ULN)": the illness, infection or lab value in it is past, as the treatment is. The bracket must
open right after the treatment (its dose, dates and course between, on the same line, no other
mention), and the treatment must be over (historical, or dated and neither current nor
ongoing); a treatment taken now keeps what its bracket names ("apixaban (AF)", "omeprazole
(GORD)": the illness it treats, now). A negated, hedged, hypothetical or relative's mention is
left as it is (h86, round 19). A bracket saying the illness grew or was found ("MMF 2019-2023 (ILD
progressed)", "MTX (stopped when ILD found)": ``stop_reason_ongoing_words``) names an illness
that goes on: left as it is; so is a relapse or refractory disease in it ("azacitidine
01/2025-09/2026 (CR after cycle 2, relapsed 09/2026)": the disease is relapsed now, until a
later status is told after the bracket, ``stop_reason_later_statuses``: "FCR 2014 (CR, relapse
2017); ... (uMRD), progression 2024"; ``stop_reason_kept_concepts``) (h151, round 32).

A targeted drug listed with the reason it was not given (``not_given_for_a_marker``): "Ivosidenib:
no IDH1 mutation", "midostaurin - no FLT3 mutation", "crizotinib: no ALK rearrangement" name a
drug the patient never had: the colon or dash right after it, then "no" or "not" and at most two
words before a marker's result word (``not_given_marker_words`` in data/nlp/extraction.yaml:
"mutation", "rearrangement", "target", ...) (h151, round 32)."""
from __future__ import annotations

import re
from functools import lru_cache

from core.facts import Fact
from nlp.resources import alternation, vocabulary

_TREATMENTS = ("DRUG", "PROCEDURE")
_REASONS = ("CONDITION", "LAB", "INFECTION")
_REACH = 40      # characters from the treatment to its bracket (a dose, dates, a course count)
# what may stand between: numbers, dates, a dose and its schedule, a course count; no outcome
# ("Nelarabine x2 cycles: no response (blasts 41%)": the value shows the failure, it is now)
_COURSE = re.compile(r"[ \t\d.,/\-–x×%]*(?:(?:mg|g|mcg|ug|mg/kg|mg/m2|g/kg|iu|units|od|bd|tds|qds|bid|tid|qid|daily|weekly"
                     r"|monthly|po|iv|sc|cycles?|doses?)\b[ \t\d.,/\-–x×%]*)*$", re.IGNORECASE)


def _over(fact: Fact) -> bool:
    if fact.negated or fact.hypothetical or fact.uncertain or fact.family or fact.ongoing:
        return False
    return fact.historical or (fact.date is not None and fact.status != "current") or fact.status in ("failed", "intolerant")


def _bracket_after(text: str, fact: Fact, starts: list[int]) -> tuple[int, int] | None:
    opening = text.find("(", fact.end, fact.end + _REACH)
    if opening < 0:
        return None
    between = text[fact.end:opening]
    if not _COURSE.match(between) or any(fact.end < s < opening for s in starts):
        return None
    closing = text.find(")", opening)
    if closing < 0 or "\n" in text[opening:closing] or "(" in text[opening + 1:closing]:
        return None
    return opening, closing


def stop_reasons(text: str, facts: list[Fact]) -> None:
    starts = [fact.start for fact in facts]
    for fact in facts:
        if fact.label not in _TREATMENTS or not _over(fact):
            continue
        bracket = _bracket_after(text, fact, starts)
        if bracket is None:
            continue
        opening, closing = bracket
        inside = [f for f in facts if opening < f.start and f.end <= closing]
        if any(f.label in _TREATMENTS for f in inside):
            continue        # "(on apixaban)", "(then MMF)": not a reason
        if _goes_on(text[opening:closing]):
            continue        # "MMF 2019-2023 (ILD progressed)": the disease that grew through it goes on
        kept = frozenset(vocabulary().get("stop_reason_kept_concepts") or ())
        if any(f.start > closing and f.concept in _later_statuses() for f in facts):
            kept = frozenset()      # "FCR 2014 (CR, relapse 2017); ... (uMRD), progression 2024": a later status
        for reason in inside:
            if (reason.label in _REASONS and not reason.historical and reason.concept not in kept
                    and not (reason.negated or reason.hypothetical or reason.uncertain or reason.family)):
                reason.historical = True


@lru_cache(maxsize=1)
def _later_statuses() -> frozenset[str]:
    return frozenset(vocabulary().get("stop_reason_later_statuses") or ())


@lru_cache(maxsize=1)
def _going_on() -> re.Pattern | None:
    words = vocabulary().get("stop_reason_ongoing_words") or ()
    return re.compile(rf"(?<![\w-])(?:{alternation(words)})(?![\w-])", re.IGNORECASE) if words else None


def _goes_on(bracket: str) -> bool:
    """A bracket saying the illness grew or was found ("(ILD progressed)", "(stopped when ILD
    found)"): why the treatment stopped, an illness that goes on (``stop_reason_ongoing_words``;
    h151, round 32)."""
    going_on = _going_on()
    return bool(going_on and going_on.search(bracket))


@lru_cache(maxsize=1)
def _marker_reason() -> re.Pattern | None:
    words = vocabulary().get("not_given_marker_words") or ()
    if not words:
        return None
    return re.compile(rf"^[ \t]*(?::|-|–)[ \t]*(?:no|not)[ \t]+(?:[\w/+-]{{1,20}}[ \t]+){{0,2}}(?:{alternation(words)})(?![\w-])",
                      re.IGNORECASE)


def not_given_for_a_marker(text: str, facts: list[Fact]) -> None:
    reason = _marker_reason()
    if reason is None:
        return
    for fact in facts:
        if (fact.label != "DRUG" or fact.negated or fact.hypothetical or fact.uncertain or fact.family
                or not reason.match(text[fact.end:fact.end + 80])):
            continue
        fact.negated = True
        fact.historical = True
        fact.status = None


@lru_cache(maxsize=1)
def _own_negation() -> re.Pattern | None:
    words = vocabulary().get("reason_bracket_own_negation") or ()
    return re.compile(rf"(?<![\w-])(?:{alternation(words)})(?![\w-])", re.IGNORECASE) if words else None


def not_given_reasons(text: str, facts: list[Fact]) -> None:
    """The bracket right after a treatment that was not given says why ("Not for cyclophosphamide
    (cancer)", "Not for DLI (GVHD)"): the illness in it is the patient's, not denied with the
    treatment, unless the bracket denies it itself ("(no donor)", "(HIV negative)":
    ``reason_bracket_own_negation``) (h156, round 33)."""
    own = _own_negation()
    starts = [fact.start for fact in facts]
    for fact in facts:
        if fact.label not in _TREATMENTS or not fact.negated or fact.hypothetical or fact.family:
            continue
        bracket = _bracket_after(text, fact, starts)
        if bracket is None:
            continue
        opening, closing = bracket
        for reason in facts:
            if (opening < reason.start and reason.end <= closing and reason.label in _REASONS and reason.negated
                    and reason.status != "negative" and not reason.family
                    and not (own is not None and own.search(text, opening, reason.start))):
                reason.negated = False


@lru_cache(maxsize=1)
def _stop_reason_patterns() -> tuple[re.Pattern, re.Pattern, frozenset[str]] | None:
    spec = vocabulary().get("stopped_for_outcome") or {}
    stops, reasons, failures = spec.get("stops") or (), spec.get("reasons") or (), spec.get("failure_words") or ()
    if not (stops and reasons and failures):
        return None
    # the stop and its reason word after the treatment's course ("tofacitinib 2024-2025, stopped for
    # DVT", "Venetoclax + navitoclax 10/2026, stopped for PD", "azacitidine x 14 cycles, stopped at
    # progression"): no full stop, semicolon or bracket between
    stop = re.compile(rf"[^.;()\n]{{0,40}}?(?<![\w-])(?:{alternation(stops)})(?:[ \t]+(?:(?:\d{{1,2}}/)?(?:19|20)\d\d|it|them))?"
                      rf"[ \t]+(?:{alternation(reasons)})[ \t]+(?:a[ \t]+|an[ \t]+|the[ \t]+)?", re.IGNORECASE)
    failure = re.compile(rf"(?:{alternation(failures)})(?![\w-])", re.IGNORECASE)
    return stop, failure, frozenset(spec.get("status_concepts") or ())


_JOINED = re.compile(r"[ \t]*(?:\+|/|&|and|with|plus)[ \t]*", re.IGNORECASE)


def stopped_for_outcome(text: str, facts: list[Fact]) -> None:
    """A treatment stopped for a reason named right after the stop ("tofacitinib 2024-2025, stopped
    for DVT 05/2025", "Venetoclax + navitoclax 10/2026, stopped for PD at 4/52", "azacitidine x 14
    cycles, stopped at progression"), with no status of its own: a progression or relapse word
    (``stopped_for_outcome.failure_words``, or a disease status of ``status_concepts``) says it
    failed; an illness or infection of the patient's named there, a harm, says it was not
    tolerated (h156, round 33)."""
    patterns = _stop_reason_patterns()
    if patterns is None:
        return
    stop, failure, statuses = patterns
    starts = sorted(f.start for f in facts)
    for fact in facts:
        if (fact.label not in _TREATMENTS or fact.status is not None
                or fact.negated or fact.hypothetical or fact.uncertain or fact.family):
            continue
        end = fact.end
        while True:     # "Venetoclax + navitoclax 10/2026, stopped for PD": one combination
            joined = next((o for o in facts if o.label in _TREATMENTS and o.start > end
                           and _JOINED.fullmatch(text, end, o.start)), None)
            if joined is None:
                break
            end = joined.end
        found = stop.match(text, end)
        if found is None:
            continue
        if any(end < other.start < found.end() and other.label in _TREATMENTS for other in facts):
            continue    # "A, then B stopped for DVT": B's reason
        if failure.match(text, found.end()):
            fact.status = "failed"
            continue
        reason = next((f for f in facts if f.start == found.end() and f.label in ("CONDITION", "INFECTION")
                       and not (f.negated or f.hypothetical or f.family)), None)
        if reason is None:
            continue
        fact.status = "failed" if reason.concept in statuses else "intolerant"



@lru_cache(maxsize=1)
def _caused_then_stopped() -> tuple[re.Pattern, re.Pattern] | None:
    spec = vocabulary().get("caused_then_stopped") or {}
    causes, stops = spec.get("causes") or (), spec.get("stops") or ()
    if not (causes and stops):
        return None
    # the cause word after the treatment's course or a bracket ("Pembrolizumab (within a study)
    # caused"), in its sentence; the stop after the harm, in the same sentence
    cause = re.compile(rf"[^.;\n]{{0,40}}?(?<![\w-])(?:{alternation(causes)})(?![\w-])", re.IGNORECASE)
    stop = re.compile(rf"[^.;\n]{{1,80}}?(?<![\w-])(?:{alternation(stops)})(?![\w-])", re.IGNORECASE)
    return cause, stop


def caused_then_stopped(text: str, facts: list[Fact]) -> None:
    """A treatment that caused a harm and was stopped ("Methotrexate 2009-2013 caused pneumonitis
    and was stopped", "eltrombopag - caused a portal vein thrombosis and was stopped", "CYC caused
    haemorrhagic cystitis and was stopped"): not tolerated, and over; the illness, infection or
    lab named between the cause and the stop is of then (``caused_then_stopped`` in
    data/nlp/extraction.yaml; h182, round 38). A treatment with a failure of its own keeps it."""
    patterns = _caused_then_stopped()
    if patterns is None:
        return
    cause, stop = patterns
    for fact in facts:
        if (fact.label not in _TREATMENTS or fact.status in ("failed", "intolerant")
                or fact.negated or fact.hypothetical or fact.uncertain or fact.family):
            continue
        group, end = [fact], fact.end
        while True:     # "Azacitidine + venetoclax caused ...": one combination
            joined = next((o for o in facts if o.label in _TREATMENTS and o.start > end
                           and _JOINED.fullmatch(text, end, o.start)), None)
            if joined is None:
                break
            group.append(joined)
            end = joined.end
        caused = cause.match(text, end)
        if caused is None or any(end <= o.start < caused.end() for o in facts if o.label in _TREATMENTS):
            continue
        stopped = stop.match(text, caused.end())
        if stopped is None:
            continue
        harms = [o for o in facts if caused.end() <= o.start and o.end <= stopped.end()]
        if any(o.label in _TREATMENTS for o in harms):
            continue    # "X caused a flare, so Y was stopped": not X's stop
        for treatment in group:
            if treatment.status not in ("failed", "intolerant"):
                treatment.status = "intolerant"
            treatment.historical, treatment.ongoing = True, False
        for harm in harms:
            if harm.label in _REASONS and not (harm.negated or harm.hypothetical or harm.uncertain or harm.family):
                harm.historical = True
