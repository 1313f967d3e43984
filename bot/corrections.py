"""Corrections and the facts of one message.

``replacing`` decides what a correcting message replaces ("no, it was azathioprine" takes
the place of the drug just noted and keeps what was said about it); ``renumbered`` turns
"actually 45" into the fact it corrects, ``redated`` "it was 2019 not 2020"; ``stamp`` merges the facts of one message and
marks their source.
"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Callable

from bot.tracker import Tracker
from core.facts import Fact, Profile

MULTI_LABELS = ("CONDITION", "DRUG", "PROCEDURE", "INFECTION", "BIOMARKER")   # facts that accumulate
NUMERIC_LABELS = ("AGE", "LAB", "SCORE", "WEIGHT")
_OUTCOMES = ("failed", "intolerant")      # what a drug did, beside "taking it now"
_DETAILS = ("date", "duration_days", "status", "value", "unit", "value_normalized", "unit_normalized",
            "comparator", "uln_multiple")
_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:[.,]\d+)?(?![\w.])")


def replacing(tracker: Tracker, facts: list[Fact]) -> tuple[list[Fact], list[Fact], list[dict[str, str]]]:
    """(the facts to record, the facts they replace, the (label, concept) pairs to remove).

    A fact about something already known replaces it by itself (the profile's key). A new
    drug, condition, procedure, infection or biomarker replaces the latest one of its kind
    in the message being corrected, taking over its status and dates, unless the message
    also names a known one of its kind: then it is told beside that one."""
    facts = list(facts)
    current = {Profile.key(f): f for f in tracker.profile.facts}
    old: list[Fact] = []
    removed: list[dict[str, str]] = []
    # "it was azathioprine, not mycophenolate": the "not" names what is replaced; it says
    # nothing of its own about the patient (no "not taking mycophenolate" is noted). A test's
    # negative result is a result of its own ("sorry, CD7 was negative, CD33 positive": the CD7
    # is corrected to negative and the CD33 told beside it; h187, round 39)
    named = [f for f in facts if f.label in MULTI_LABELS and f.negated and not f.family and not f.hypothetical
             and f.status != "negative"
             and any(g.label == f.label and g.concept != f.concept and g.asserted for g in facts)
             and current.get(Profile.key(f)) is not None and current[Profile.key(f)].asserted]
    for fact in named:
        facts.remove(fact)
    concepts = {(f.label, f.concept) for f in facts}
    for n, fact in enumerate(facts):
        if fact.label in MULTI_LABELS and fact.asserted and named and Profile.key(fact) not in current:
            same = [g for g in named if g.label == fact.label]
            if same:
                named.remove(same[0])
                facts[n] = _takes_over(fact, current[Profile.key(same[0])], old, removed)
                continue
        previous = current.get(Profile.key(fact))
        if previous is not None:
            if differs(previous, fact):
                old.append(previous)
            continue
        if fact.label in MULTI_LABELS and fact.asserted and not _updates_a_known(fact, facts, current):
            targets = [g for g in tracker.last_noted if g.label == fact.label and (g.label, g.concept) not in concepts
                       and Profile.key(g) in current and g not in old and g.asserted]
            if targets:
                facts[n] = _takes_over(fact, targets[-1], old, removed)
    return facts, old, removed


def _updates_a_known(fact: Fact, facts: list[Fact], current: dict) -> bool:
    """The message names a known fact of ``fact``'s kind as well, said of the patient ("actually
    she stopped the mycophenolate 2 weeks ago, the doctor switched her to voclosporin"): it
    updates that one, and ``fact`` is told beside it, replacing nothing (the voclosporin had
    taken the place of the cyclophosphamide noted with the mycophenolate; lead, round 41)."""
    return any(g is not fact and g.label == fact.label and not g.negated and not g.family
               and Profile.key(g) in current for g in facts)


def tells_instead(tracker: Tracker, facts: list[Fact], body: str) -> bool:
    """A message opening with "not" that denies only what nobody had noted ("not planning
    pregnancy, on the pill", "not pregnant obviously" with no pregnancy known) tells something
    new; it corrects nothing (the pill does not replace the ciclosporin noted before).
    "not azathioprine, mycophenolate" with azathioprine noted, and "not 45, 54", correct."""
    if not body.casefold().startswith("not "):
        return False
    negated = [f for f in facts if f.negated]
    if not negated:
        return False
    current = {Profile.key(f) for f in tracker.profile.facts}
    return not any(Profile.key(f) in current for f in negated)


def _takes_over(fact: Fact, target: Fact, old: list[Fact], removed: list[dict[str, str]]) -> Fact:
    """``fact`` in the place of ``target`` (noted as replaced and removed), with what was
    said about it: its status and dates."""
    old.append(target)
    removed.append({"label": target.label, "concept": target.concept})
    return replace(fact, status=fact.status or target.status, date=fact.date or target.date,
                   duration_days=fact.duration_days or target.duration_days)


def redated(tracker: Tracker, text: str, source: str, today: date) -> tuple[list[Fact], list[Fact]]:
    """"actually it was 2019 not 2020", "no, since March 2018": the date replaces the one
    of the fact it names after "not" (any fact known with that date), else the latest
    dated fact just noted. A text naming no date, or no fact to re-date, corrects nothing."""
    from nlp.readers import dates_in  # start-up: spaCy only once a correction is read

    cut = re.search(r"\bnot\b", text)
    before, after = (text[:cut.start()], text[cut.end():]) if cut else (text, "")
    right, wrong = list(dates_in(before, today)), list(dates_in(after, today))
    if cut and (not right or not wrong):
        # "sorry i meant 8 weeks not 8 months": a bare length of time corrects when something
        # was ("diagnosed 8 months ago"), the "ago" said once or not at all (lead, round 32)
        right = right or list(dates_in(_ago(before), today))
        wrong = wrong or list(dates_in(_ago(after), today))
    if not right and len(wrong) == 2:
        right, wrong = wrong[1:], wrong[:1]       # "not 2020, 2019"
    if len(right) != 1 or len(wrong) > 1:
        return [], []
    known = [f for f in [*tracker.last_noted, *tracker.profile.facts] if f.date and f.asserted]
    if wrong:
        targets = [f for f in known if f.date == wrong[0] or f.date.startswith(wrong[0] + "-")]
    else:
        targets = [f for f in tracker.last_noted if f.date and f.asserted][-1:]
    if not targets or targets[0].date == right[0]:
        return [], []
    return [replace(targets[0], date=right[0], source=source)], [targets[0]]


def _ago(part: str) -> str:
    """A part of a correction ending in a length of time, read as that long ago."""
    part = part.strip().rstrip(".!?,;")
    return f"{part} ago" if part and not part.lower().endswith("ago") else ""


def renumbered(tracker: Tracker, text: str, source: str, read: Callable[..., list[Fact]]) -> tuple[list[Fact], list[Fact]]:
    """"actually 45": the number replaces the value of the latest numeric fact noted;
    the fact's own words are re-read with the new number, so units and plausibility
    are judged by the extractor as usual."""
    numbers = _NUMBER.findall(text)
    if len(numbers) != 1:
        return [], []
    number = numbers[0].replace(",", ".")
    recent = [f for f in tracker.last_noted if f.label in NUMERIC_LABELS]
    ages = [f for f in tracker.last_noted + tracker.profile.facts if f.label == "AGE"]
    if ages and re.fullmatch(r"\d{1,3}", number) and int(number) <= 120:
        target = ages[0]           # a bare whole number in a correction is most often the age
    elif recent:
        target = recent[-1]
    else:
        return [], []
    span = _NUMBER.sub(number, target.text, count=1) if _NUMBER.search(target.text) else f"{target.text} {number}"
    reread = [f for f in read(span, source=source) if f.label == target.label and f.concept == target.concept]
    if reread:
        return stamp(reread[:1], source), [target]
    value = float(number)
    ratio = (target.value_normalized / target.value) if target.value and target.value_normalized is not None else None
    fixed = replace(target, text=span, value=value, value_normalized=value * ratio if ratio is not None else
                    (value if target.value_normalized is not None else None), source=source, implausible=False)
    return [fixed], [target]


def stamp(facts: list[Fact], source: str) -> list[Fact]:
    """Facts of one message, with their source; two facts about the same thing in one
    message ("SLE diagnosed 2016 (lupus nephritis)") become one, keeping the details
    either gives (the date), so a later mention never erases an earlier detail."""
    merged: dict[tuple, Fact] = {}
    for fact in facts:
        key = Profile.key(fact) + (fact.negated,)
        if key not in merged:
            merged[key] = replace(fact, source=source)
            continue
        kept = merged[key]
        details = {name: getattr(fact, name) for name in _DETAILS
                   if getattr(kept, name) is None and getattr(fact, name) is not None}
        if kept.status == "current" and fact.status in _OUTCOMES:
            details["status"] = fact.status     # "been on cellcept ..., the cellcept isnt working": how it went
            if fact.ongoing:
                # ... and still taken ("on hcq + belimumab but the benlysta stopped working last
                # autumn": failing while taken, not tried and stopped; the failure's date is no
                # start of the course, shown as "since"; h170, round 36)
                details["ongoing"] = True
                details.pop("date", None)
        merged[key] = replace(kept, **details)
    return list(merged.values())


def differs(old: Fact, new: Fact) -> bool:
    return (old.negated, old.status, old.value, old.date, old.uln_multiple) != \
           (new.negated, new.status, new.value, new.date, new.uln_multiple)


def unique(facts: list[Fact]) -> list[Fact]:
    seen: dict[tuple, Fact] = {}
    for fact in facts:
        seen.setdefault(Profile.key(fact) + (fact.negated,), fact)
    return list(seen.values())
