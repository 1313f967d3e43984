"""Status of therapies, infections and markers, from the ConText modifiers of a span.

* DRUG / PROCEDURE: failed, intolerant or current: the nearest THERAPY_* modifier
  ("tried cellcept, didn't work" -> failed; "stopped rituximab due to side effects" ->
  intolerant; "currently on belimumab" -> current). On a tie: intolerant, failed, current.
* INFECTION: negative, positive or active: the nearest of a negation, RESULT_POSITIVE or
  INFECTION_ACTIVE modifier; with none, a mention the patient is said to have had
  (a history cue) is positive; otherwise unknown (None).
* BIOMARKER: positive or negative: a sign written in the mention ("CD7+", "CD7-positive"),
  else the nearest negation or RESULT_POSITIVE modifier, else positive when the mention
  says the marker is expressed ("CD7 expression").
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from spacy.tokens import Span

from core.facts import STATUS_CURRENT
from nlp.components.doc_cache import doc_value, span_value
from nlp.components.word_ahead import word_ahead
from nlp.resources import alternation, vocabulary, vocabulary_words

# THERAPY_DOSE: a dose written after a drug ("MMF 1 g"), current but its own category so
# that it ends no other cue's scope ("refractory despite MMF 3 g/day and rituximab")
THERAPY_STATUS = {"THERAPY_INTOLERANT": "intolerant", "THERAPY_FAILED": "failed", "THERAPY_CURRENT": "current",
                  "THERAPY_DOSE": "current"}
# a bare "on" gives way to an outcome cue at most this many tokens from the mention
BARE_REACH = 10
_THERAPY_RANK = {"intolerant": 0, "failed": 1, "current": 2}
RESULT_STATUS = {"NEGATED_EXISTENCE": "negative", "RESULT_POSITIVE": "positive", "INFECTION_ACTIVE": "active"}


def _distance(span: Span, modifier) -> int:
    start, end = modifier.modifier_span
    if end <= span.start:
        return span.start - end
    return max(0, start - span.end)


def _nearest(span: Span, categories: dict[str, str], rank: dict[str, int] | None = None) -> str | None:
    return _nearest_of(span, span._.modifiers, categories, rank)


def across_comma(span: Span, modifier) -> bool:
    """A "current" cue written across a comma from the span whose rule stops at commas
    ("rituximab 2024, nintedanib ongoing": medspaCy does not always apply the COMMA
    terminator when a sentence holds several commas), or a two-way one reaching back across
    one ("Rituximab 2022, romiplostim currently"; forwards it still covers a list: "currently
    on MMF, HCQ"). Outcome cues keep their reach over lists ("IFX, ADA, UST failed")."""
    if modifier.category != "THERAPY_CURRENT":
        return False
    start, end = modifier.modifier_span
    after = span.end <= start
    stops = "COMMA" in (modifier.rule.terminated_by or ()) or (after and modifier.direction.upper() == "BIDIRECTIONAL")
    if not stops:
        return False
    between = span.doc[span.end:start] if after else span.doc[end:span.start]
    return any(token.text == "," for token in between)


def result_of_test(span: Span, modifier) -> bool:
    """A result cue after a test of the span (a cue with ``"metadata": {"test": true}``:
    "tested for", "screened for"), with no other mention between them and at most one comma:
    the test's result, although a time or place closes the test's clause before the comma
    ("tested for hep C last year, came back negative", "Tested for HIV in june, negative",
    "screened for hep B, positive")."""
    start, _end = modifier.modifier_span
    if span.end > start or not any(m.category == "POSSIBLE_EXISTENCE" and _flag(m, "test") for m in span._.modifiers):
        return False
    between = span.doc[span.end:start]
    if sum(token.text == "," for token in between) > 1 or any(token.text in (".", ";", ":", "?", "!") for token in between):
        return False
    return not any(ent.start < start and span.end < ent.end and (ent.start, ent.end) != (span.start, span.end)
                   for ent in span.doc.ents)


def clause_before_comma(span: Span, modifier) -> bool:
    """A result cue after the span, across a comma, where the span's own clause goes on
    before that comma ("I had covid last year, hep B negative": "last year" ends covid's
    clause; "HIV, HBsAg and HCV negative" is a list whose items share the result, and a
    bracket after an item, "HIV (4th gen), HBsAg negative", is still the item's)."""
    start, _end = modifier.modifier_span
    if span.end > start or "COMMA" not in (modifier.rule.terminated_by or ()) or result_of_test(span, modifier):
        return False
    words, depth = False, 0
    for token in span.doc[span.end:start]:
        if token.text in "([":
            depth += 1
        elif token.text in ")]":
            depth = max(0, depth - 1)
        elif depth:
            continue
        elif token.text == ",":
            return words
        elif token.is_alpha or token.like_num:
            words = True
    return False


def _nearest_of(span: Span, modifiers, categories: dict[str, str], rank: dict[str, int] | None = None) -> str | None:
    best: tuple[int, int, str] | None = None
    for modifier in modifiers:
        status = categories.get(modifier.category)
        if status is None or across_comma(span, modifier):
            continue
        key = (_distance(span, modifier), (rank or {}).get(status, 0), status)
        if best is None or key < best:
            best = key
    return None if best is None else best[2]


def _flag(modifier, name: str) -> bool:
    return bool((modifier.rule.metadata or {}).get(name))


_BRACKET_REACH = 25          # tokens looked through for a cue's brackets
_FOR_ALL = frozenset(("all", "both", "each", "every", "none", "neither", "either", "any"))


def bracketed_elsewhere(span, modifier) -> bool:
    """A failure or intolerance inside brackets is said of what the brackets hold and of the
    one thing written right before them (its dose or dates between), not of the rest of a
    list: "steroids, ivig, eltrombopag (made my liver tests go up so stopped)" is eltrombopag
    stopped for side effects, not the steroids or the IVIG; "infliximab (stopped, antibodies) and adalimumab" is not adalimumab's. A
    bracket that speaks of them all ("(all stopped for side effects)", "(none helped)") is
    everyone's."""
    if modifier.category not in ("THERAPY_FAILED", "THERAPY_INTOLERANT"):
        return False        # "Venetoclax + decitabine (Jul 2025 - present)": the dates are the course's
    doc = span.doc
    start, end = modifier.modifier_span
    opened = next((i for i in range(start - 1, max(-1, start - _BRACKET_REACH), -1)
                   if doc[i].text in ("(", ")")), None)
    if opened is None or doc[opened].text != "(":
        return False
    closed = next((i for i in range(end, min(len(doc), end + _BRACKET_REACH)) if doc[i].text in ("(", ")")), None)
    if closed is None or doc[closed].text != ")":
        return False
    if opened < span.start and span.end <= closed + 1:
        return False
    if span.end <= opened and not any(span.end <= e.start < opened for e in doc.ents):
        return False    # the nearest thing before the brackets ("tocilizumab 8 mg/kg (anaphylaxis)")
    if span.end <= opened and all(t.text == "+" or t.lower_ == "plus" or t.ent_type_ for t in doc[span.end:opened]):
        return False    # one combination ("venetoclax + azacitidine (no response)")
    return not any(t.lower_ in _FOR_ALL for t in doc[opened + 1:closed])


def listed_before_a_bracketed_outcome(span) -> bool:
    """An earlier item of a treatment list whose next item's outcome is in brackets
    ("steroids, ivig, eltrombopag (stopped, liver)"): not that outcome, but a treatment told
    as part of a history that moved on, so over."""
    return any(m.modifier_span[0] >= span.end and bracketed_elsewhere(span, m) for m in span_value(span, "modifiers"))


def therapy_status(span: Span) -> str | None:
    """The nearest therapy cue; a weak one (``"metadata": {"weak": true}``: a dose written
    after the drug) does not count when the fact is past ("stopped prednisone 10 mg"), and
    a bare one (``"bare": true``: "on", "been on", which say only that the patient took it
    at some time) does not count when an outcome cue reaches the mention too ("had shingles
    on tofacitinib, so they stopped it")."""
    modifiers = [m for m in span_value(span, "modifiers") if _stop_said(span, m) and not _sequence_before(span, m)
                 and not said_of_a_later_subject(span, m)
                 and not _harm_guarded_against(span, m) and not bracketed_elsewhere(span, m)]
    modifiers = _without_stopped_starts(modifiers)
    cancelled = {c for m in modifiers for c in (m.rule.metadata or {}).get("cancels") or ()}
    if cancelled:   # "had to stop humira because of insurance": stopped, not for side effects
        modifiers = [m for m in modifiers if m.category not in cancelled]
    if span_value(span, "is_historical"):
        modifiers = [m for m in modifiers if not _flag(m, "weak")]
    if any(_flag(m, "courses") for m in modifiers):
        # "been on steroids loads of times": a bare "been on" says only that it was taken, and
        # the courses counted are over (``"courses": true``; lead, round 37)
        modifiers = [m for m in modifiers if not _flag(m, "bare")]
    if span_value(span, "is_hypothetical"):  # "a transplant booked for march but his leukaemia came back": what is
        #                         only planned has not failed (``"metadata": {"given_only": true}``)
        modifiers = [m for m in modifiers if not _flag(m, "given_only")]
    if _has(span, "PRIOR"):     # "been on humira, then stelara": followed by another, over
        modifiers = [m for m in modifiers if not (_flag(m, "weak") or _flag(m, "bare"))]
    outcomes = [m for m in modifiers if _outcome_of(span, m)]
    if outcomes:
        # a dose written after the drug says it was given, not that it goes on, when an
        # outcome speaks of the drug ("MMF 3 g/day x 6 months - partial response only")
        modifiers = [m for m in modifiers if not (_flag(m, "bare") or _flag(m, "weak"))]
    if any(m.modifier_span[0] >= span.end for m in outcomes):
        # "now on skyrizi which isnt really working", "stelara which she is still on but its
        # not really controlling it": an outcome said of the mention after it beats a
        # "current" cue written before that outcome (still taken, and not working: failed,
        # not past)
        last = max(m.modifier_span[0] for m in outcomes)
        modifiers = [m for m in modifiers if THERAPY_STATUS.get(m.category) != "current"
                     or (m.modifier_span[1] > span.start and m.modifier_span[0] >= last)]
    bracketed = bracket_outcome(span)
    if bracketed is not None or bracket_over(span):
        # "rituximab 1g x2 2023 (partial response)", "IVIG 2 g/kg (transient)": the bracket
        # says how it went; the dose written before it only that it was given
        modifiers = [m for m in modifiers if not _flag(m, "weak")]
    status = _nearest_of(span, modifiers, THERAPY_STATUS, _THERAPY_RANK)
    if bracketed == "intolerant" and status == "failed":
        return bracketed    # "failed anakinra (injection site reactions, stopped)": the bracket says why
    return status or bracketed or item_outcome(span) or _on_after_a_relative_subject(span)


def _on_after_a_relative_subject(span: Span) -> str | None:
    """"mum is on hcq": the relative's cue ("Mother (sentence subject)": "mum is") took the
    "is" of "is on", which then said nothing; the "on" right after it still says the treatment
    is taken now (h165, round 35)."""
    doc, start = span.doc, span.start
    if start < 2 or doc[start - 1].lower_ != "on" or doc[start - 2].lower_ not in ("is", "'s", "\u2019s"):
        return None
    return STATUS_CURRENT if any(m.category == "FAMILY" and m.modifier_span[1] == start - 1
                                 for m in span._.modifiers) else None


def still_taken(span: Span) -> bool:
    """A "current" cue of the treatment beside its failure ("on prednisone 10mg, still taking
    it even though it doesnt work", "still on MMF but it's not working"): a cue whose words
    say it goes on now (``still_taken_words`` in data/nlp/extraction.yaml; the two words before
    the cue read with it: "he's" + "on"), or a "now" right after the treatment
    (``still_taken_right_after``: "romiplostim now but platelets still <20"); not a bare
    "on", "has been on" or a dose, which say only that it was given."""
    words, objects = _still_taken_pattern(), vocabulary_words("still_taken_objects")
    doc = span.doc

    def its_own(m) -> bool:
        # a cue after the treatment says so of it when it follows it at once or names it
        # again ("still taking it"); "been on rituximab and still my platelets are 15" is the
        # platelets' "still"
        start, end = m.modifier_span
        return start < span.end or start == span.end or any(t.lower_ in objects for t in doc[start:end])
    return words is not None and (still_on_after(span) or any(
        m.category == "THERAPY_CURRENT" and its_own(m) and (
            words.search(doc[max(0, m.modifier_span[0] - 2):m.modifier_span[1]].text) or _now_right_after(span, m))
        for m in span._.modifiers) or any(
        # a failure cue opened by a word of now, right after the treatment ("Ustekinumab
        # ongoing, not responding", "MMF (current, not helping)"): it goes on (h90, round 20)
        m.category == "THERAPY_FAILED" and span.end <= m.modifier_span[0] <= span.end + 1
        and words.match(doc[m.modifier_span[0]:m.modifier_span[1]].text)
        for m in span._.modifiers))


def still_on_after(span: Span) -> bool:
    """A "still on" written after the treatment with only its taker between them and no
    treatment of its own after it ("the MMF she's still on but its not helping", "the
    cellcept he is still taking", "skyrizi which she's on now"; ``postposed_takers`` between, ``goes_on_words`` in the
    cue): the treatment before is taken now. A forward "still on" with a treatment after
    it is that treatment's ("had rituximab and she's still on MMF")."""
    doc = span.doc
    graph = doc_value(doc, "context_graph", None)
    if graph is None:
        return False
    takers, words = vocabulary_words("postposed_takers"), vocabulary_words("goes_on_words")
    sentence_end = span.sent.end if doc.has_annotation("SENT_START") else len(doc)
    for m in graph.modifiers:
        start, end = m.modifier_span
        if m.category != "THERAPY_CURRENT" or not span.end < start <= span.end + 3 or start >= sentence_end:
            continue
        # "which she's on now" (h111, round 24): a "now" right after the cue says it goes on too
        if not all(t.lower_ in takers for t in doc[span.end:start]) or not (
                any(t.lower_ in words for t in doc[start:end])
                or (end < sentence_end and doc[end].lower_ in vocabulary_words("still_taken_right_after"))):
            continue
        reach = doc[end:min(sentence_end, end + (m.rule.max_scope or 4))]
        ahead = next((t for t in reach if t.is_punct or t.ent_type_ in ("DRUG", "PROCEDURE")), None)
        if ahead is None or ahead.is_punct:
            return True
    return False


def then_after_past(kept: list, facts: list) -> None:
    """A treatment joined to the one before by a coordinated word of sequence (``sequence_then``:
    "he had aza-ven and then FLAG-Ida", "had R-CHOP followed by R-ICE"; not a bare ", then",
    which names the one taken since) is past like it when that one
    was made past by a history cue of its own ("had", "received"; not by the sequence word,
    a PRIOR cue) and nothing is said of the second: no cue of its own (current, planned,
    doubted, denied) and no date. Only across a short gap in one sentence with no other
    mention in it (a clipped partner such as "-ven" may stand there)."""
    words = vocabulary_words("sequence_then")
    if not words:
        return
    pairs = [(e, f) for e, f in zip(kept, facts) if f.label in ("DRUG", "PROCEDURE")]
    for (first, before), (second, after) in zip(pairs, pairs[1:]):
        doc = first.doc
        if (second.start <= first.end or second.start - first.end > 6 or first.sent.start != second.sent.start
                or before.family != after.family):
            continue
        gap = doc[first.end:second.start]
        if any(t.ent_type_ or t.is_sent_start or t.text in (".", ";", ":") for t in gap):
            continue
        if not any(gap.text.lower().rstrip().endswith(w) for w in words):
            continue
        if not (before.historical and any(m.category == "HISTORICAL" for m in first._.modifiers)):
            continue
        if (after.historical or after.negated or after.hypothetical or after.uncertain or after.date is not None
                or after.status is not None or any(m.modifier_span[0] >= second.start for m in second._.modifiers)
                or any(m.category != "PRIOR" for m in second._.modifiers if m.modifier_span[1] <= second.start
                       and m.modifier_span[0] >= first.end)):
            continue
        after.historical = True


def checked_before(kept: list, facts: list) -> None:
    """A treatment named right after "before" in a sentence that tells of a check
    (``checked_before``: "tested for hep B before rituximab", "screened for TB and HIV prior to
    starting tocilizumab"): the treatment the check is for, not said to be taken; planned (a
    hypothetical treatment), unless a word of its start in the past stands between them
    ("my TB test was negative before i started infliximab") or a cue of its own says more."""
    section = vocabulary().get("checked_before") or {}
    checks, before = set(section.get("checks") or ()), set(section.get("before") or ())
    fillers, past = set(section.get("fillers") or ()), set(section.get("not_with") or ())
    for ent, fact in zip(kept, facts):
        if (fact.label not in ("DRUG", "PROCEDURE") or fact.negated or fact.hypothetical
                or fact.uncertain or fact.family or fact.status is not None or fact.date is not None):
            continue
        doc, at = ent.doc, ent.start - 1
        while at >= ent.sent.start and doc[at].lower_ in fillers | past:
            at -= 1
        if at < ent.sent.start or doc[at].lower_ not in before:
            continue
        if any(t.lower_ in past for t in doc[at + 1:ent.start]):
            continue
        # no cue of its own but the "before" / "prior to" itself ("prior to starting tofacitinib")
        if any(m.modifier_span[1] <= ent.start and not m.modifier_span[0] >= at for m in ent._.modifiers):
            continue
        if any(m.modifier_span[0] >= ent.end for m in ent._.modifiers):
            continue
        if any(t.lower_ in checks for t in doc[max(ent.sent.start, at - 8):at]):
            fact.hypothetical, fact.historical = True, False


@lru_cache(maxsize=1)
def _taken_in_question() -> dict[str, tuple[re.Pattern, ...]]:
    section = vocabulary().get("taken_in_question") or {}
    return {side: tuple(re.compile(p, re.IGNORECASE) for p in section.get(side) or ()) for side in ("before", "after", "next")}


def taken_in_question(kept: list, facts: list) -> None:
    """A treatment made hypothetical by the question it stands in, which the writer says is
    taken now (``taken_in_question``: "can my husband join while on tofacitinib?", "xeljanz
    which im on", "should i stop prednisone before the trial? i take 10mg", "do i need to be
    off my methotrexate"): taken now. So a treatment a question's "before" made past."""
    patterns = _taken_in_question()
    for ent, fact in zip(kept, facts):
        if fact.label != "DRUG" or fact.negated or fact.family:
            continue
        # a treatment made past by a "before" in a question ("will he need to stop his
        # azathioprine before car-t?") is asked about like a hypothetical one (h135, round 29)
        if not (fact.hypothetical or (fact.historical and fact.date is None and fact.status is None
                                      and ent.sent.text.rstrip().endswith("?"))):
            continue
        doc = ent.doc
        text = doc.text
        sentence = ent.sent
        before = text[sentence.start_char:ent.start_char]
        following = text[sentence.end_char:] if sentence.text.rstrip().endswith("?") else ""
        if (any(p.search(before) for p in patterns["before"]) or any(p.match(text[ent.end_char:]) for p in patterns["after"])
                or any(p.match(following) for p in patterns["next"])):
            fact.hypothetical, fact.historical, fact.uncertain = False, False, False
            if fact.status not in ("failed", "intolerant"):
                fact.status = "current"


def planned_at_end(kept: list, facts: list) -> None:
    """A treatment with a word of ``planned_at_end`` right after it that ends the text or its
    line ("Nintedanib stopped d/t diarrhoea. Rituximab planned"): planned, as the ConText rule
    "planned." reads it before a stop or a comma (which a text's end lacks)."""
    words = vocabulary_words("planned_at_end")
    for ent, fact in zip(kept, facts):
        doc = ent.doc
        if (fact.label not in ("DRUG", "PROCEDURE") or fact.negated or fact.hypothetical or fact.family
                or ent.end >= len(doc) or doc[ent.end].lower_ not in words):
            continue
        if ent.end + 1 == len(doc) or doc[ent.end + 1].is_space:
            fact.hypothetical, fact.historical, fact.status = True, False, None


def intolerance_of_last(kept: list, facts: list) -> None:
    """"tried MTX, leflunomide intolerant": a bare word of intolerance written right after the
    last treatment of a list that a verb opens (a forward history cue, "tried", "had", that
    reaches the whole list) is said of that one only; the ones before keep what the verb
    says (tried, past). Without the verb the list is a clinician's shorthand and the word
    goes over all of it ("MTX, leflunomide intolerant": both), and a word that names them all
    (``intolerance_of_all``: "both intolerant", "intolerant to both") keeps all."""
    every = vocabulary_words("intolerance_of_all")
    treatments = [e for e in kept if e.label_ in ("DRUG", "PROCEDURE")]
    for ent, fact in zip(kept, facts):
        if fact.label not in ("DRUG", "PROCEDURE") or fact.status != "intolerant":
            continue
        doc = ent.doc
        for m in ent._.modifiers:
            start, end = m.modifier_span
            if m.category != "THERAPY_INTOLERANT" or start < ent.end:
                continue
            last = next((e for e in treatments if e.end == start), None)
            if last is None or last.start <= ent.start:
                continue
            if any(t.lower_ in every for t in doc[max(0, start - 2):min(len(doc), end + 3)]):
                continue
            verbs = {v.modifier_span for v in ent._.modifiers
                     if v.category == "HISTORICAL" and v.modifier_span[1] <= ent.start}
            if verbs & {v.modifier_span for v in last._.modifiers if v.category == "HISTORICAL"}:
                fact.status = None


def _now_right_after(span: Span, modifier) -> bool:
    """The cue is a "now" (``still_taken_right_after``) written right after the treatment."""
    start, end = modifier.modifier_span
    return start == span.end and span.doc[start:end].text.lower() in vocabulary_words("still_taken_right_after")


def _one_list_up_to(doc, span: Span, modifier) -> bool:
    """Only the other items of one list between the mention and the cue ("hcq and mmf but hes
    flaring again": both taken, both failing; h191, round 40)."""
    return all(t.ent_type_ in ("DRUG", "PROCEDURE") or t.lower_ in _AND_WORDS or dose_part(t)
               for t in doc[span.end:modifier.modifier_span[0]])


_AND_WORDS = frozenset({"and", "&", "+", "/", "plus"})


def failing_now(span: Span) -> bool:
    """A failure cue after the treatment in the present progressive ("stelara which is not
    helping much", "ustekinumab isnt doing anything": ``failing_now_words`` with a present
    auxiliary in the cue or the two words before it), with no word of the past or of
    stopping in it (``failing_now_not_with``: "was not helping", "stopped working"): the
    treatment is still taken."""
    now, auxiliaries, past = (vocabulary_words(key) for key in
                              ("failing_now_words", "failing_now_auxiliaries", "failing_now_not_with"))
    doc = span.doc
    graph = doc_value(doc, "context_graph", None)
    currents = [c.modifier_span[0] for c in (graph.modifiers if graph is not None else ())
                if c.category == "THERAPY_CURRENT"]
    for m in span._.modifiers:
        if m.category == "THERAPY_FAILED" and m.modifier_span[1] <= span.start and (
                _despite_now(doc, m, past) or _failing_now_before(doc, m, now, auxiliaries, past)):
            return True
        if m.category != "THERAPY_FAILED" or m.modifier_span[0] < span.end:
            continue
        if _switched_after(doc, span, m, currents):
            continue    # "anakinra helped at first but i keep flaring, now on tocilizumab": replaced
        if ((m.rule.metadata or {}).get("failing_now") and not any(o.category in ("HISTORICAL", "PRIOR") for o in span._.modifiers)
                and (not any(e.label_ in ("DRUG", "PROCEDURE") and span.end <= e.start and e.end <= m.modifier_span[0]
                             for e in doc.ents) or ((m.rule.metadata or {}).get("failing_now_list") and _one_list_up_to(doc, span, m)))
                and not _courses_after(span)):
            return True     # "then MMF, ongoing proteinuria": the disease goes on, on the treatment right before, not said to be over
        if any(span.end <= start < m.modifier_span[0]
               and any(e.label_ in ("DRUG", "PROCEDURE") and start <= e.start and e.end <= m.modifier_span[0] for e in doc.ents)
               for start in currents):
            # "failed aza, infliximab and now on tofacitinib which isnt working either": the
            # present tense is the treatment's that "now on" introduced; the list before failed
            # ("been on rituximab 5 yrs and now it isnt working": no treatment after the "now",
            # the one before is failing now; h165, round 35)
            continue
        words = {t.lower_ for t in doc[m.modifier_span[0]:m.modifier_span[1]]}
        before = {t.lower_ for t in doc[max(span.end, m.modifier_span[0] - 2):m.modifier_span[0]]}
        if words & now and (words | before) & auxiliaries and not (words | before) & past:
            return True
        if (m.modifier_span[0] == span.end and doc[span.end].lower_ == "not" and words & now and not words & past
                and (m.modifier_span[1] >= len(doc) or doc[m.modifier_span[1]].text in _SENTENCE_ENDS)):
            return True     # "skin getting tighter, mmf not helping.": the telegraphic present (h176, round 37)
    return False


# what ends a telegraphic "X not helping" as a sentence of its own
_SENTENCE_ENDS = frozenset({".", "!", ";", "..."})


def _switched_after(doc, span: Span, cue, currents: list[int]) -> bool:
    """Another treatment said to be taken now right after the failure said of this one, in the
    same sentence, with a word of a switch (``switch_words``: "anakinra helped at first but i
    keep flaring, now on tocilizumab"): the failing one was replaced, not still taken (lead,
    round 37)."""
    sentence_end = span.sent.end
    words = vocabulary_words("switch_words")
    for start in currents:
        if not cue.modifier_span[1] <= start < sentence_end:
            continue
        if not any(t.lower_ in words for t in doc[start:start + 2]):
            continue    # "canakinumab isnt doing anything and i am on pred 20 again": added, not replaced
        if any(e.label_ in ("DRUG", "PROCEDURE") and start < e.start <= start + 4
               and (e.kb_id_ or e.text.lower()) != (span.kb_id_ or span.text.lower()) for e in doc.ents):
            return True
    return False


def _courses_after(span: Span) -> bool:
    """A count of courses right after the treatment, or after its number ("rituximab twice",
    "rituximab x2", "CYC 6 doses": ``course_count_after``): given as courses, not taken now."""
    words = vocabulary_words("course_count_after")
    doc = span.doc
    after = doc[span.end:span.end + 2]
    if not len(after):
        return False
    if after[0].lower_ in words:
        return True
    return after[0].like_num and len(after) > 1 and after[1].lower_ in words


def failing_while_on(span: Span) -> bool:
    """A failure said in the present of a treatment with a "current" cue of its own ("tried
    aza, humira and now stelara but still flares", "i take methotrexate 20mg weekly but still
    swollen joints", "on anakinra 3 months no response", "ILD progressing on MMF"): no failure
    cue of it holds a word of the past or of stopping (``failing_now_not_with``,
    ``failing_said_past``: "lost effect", "didnt help", "stopped working"), with the two
    words before it; the caller checks that nothing made the treatment past or dated. A
    failure cue before the treatment counts when its words go on now (``failing_now_words``:
    "progressing on MMF", not "relapsed on")."""
    past = vocabulary_words("failing_now_not_with") | vocabulary_words("failing_said_past")
    now = vocabulary_words("failing_now_words")
    doc = span.doc
    failures = [m for m in span._.modifiers if m.category == "THERAPY_FAILED"]
    # its own cue: before it or right after it, not a bare "on" / "been on" (which say only
    # that it was given: "been on tocilizumab 8 months now without any benefit") nor a
    # "still" of what comes later ("been on rituximab and still my platelets are 15"), nor a
    # cue with a word of ``failing_while_on_given`` ("has been on eltrombopag and romiplostim
    # but his platelets are still low")
    given = vocabulary_words("failing_while_on_given")
    own_current = any(m.category == "THERAPY_CURRENT" and not (m.rule.metadata or {}).get("bare")
                      and (m.modifier_span[1] <= span.start or m.modifier_span[0] == span.end)
                      and not any(t.lower_ in given for t in doc[m.modifier_span[0]:m.modifier_span[1]])
                      for m in span._.modifiers) or any(
        # its dose or schedule right after it ("IVIG every month helps a bit but skin is still
        # bad", "MMF 2g, not helping"): given now (lead, round 30)
        # (a schedule in words only, no dose nor course after it: "AZA 150 mg/day x 12 months -
        # no benefit" is a course that ended)
        # (or in a bracket right after it: "IVIG (monthly since 2021) ... without sustained
        # response"; lead, round 40)
        m.category == "THERAPY_DOSE" and (m.modifier_span[0] == span.end
                                          or (m.modifier_span[0] == span.end + 1 and doc[span.end].text == "("))
        and not any(t.like_num or any(ch.isdigit() for ch in t.text) for t in doc[m.modifier_span[0]:m.modifier_span[1]])
        and not (m.modifier_span[1] < len(doc) and doc[m.modifier_span[1]].lower_ in ("x", "×", "for", "until", "till"))
        for m in span._.modifiers) or any(
        # a bare "on" said in the present ("on methotrexate and monthly IVIG but still weak";
        # not "been on", "was on": ``failing_while_on_given`` before it; nor a course told with
        # its length, "on MMF for 9 months with no improvement", which may be over)
        m.category == "THERAPY_CURRENT" and doc[m.modifier_span[0]:m.modifier_span[1]].text.lower() == "on"
        and m.modifier_span[1] <= span.start and not (span.end < len(doc) and doc[span.end].lower_ == "for")
        and (m.modifier_span[0] == 0 or doc[m.modifier_span[0] - 1].lower_ not in given)
        for m in span._.modifiers)
    before = [m for m in failures if m.modifier_span[1] <= span.start]
    if not own_current and not any(t.lower_ in now for m in before for t in doc[m.modifier_span[0]:m.modifier_span[1]]):
        return False
    return not any(t.lower_ in past for m in failures
                   for t in doc[max(0, m.modifier_span[0] - 2):m.modifier_span[1]])


_YEAR = re.compile(r"^(?:\d{1,2}/)?(?:19|20)\d{2}$")


def _failing_now_before(doc, modifier, now: frozenset, auxiliaries: frozenset, past: frozenset) -> bool:
    """A failure cue before the treatment in the present progressive ("AIHA which isnt
    responding to steroids", "she is not responding to IVIG": ``failing_now_words`` in the cue,
    a present auxiliary in it or the two words before it, no word of the past): the treatment is
    still taken while it fails (h120, round 26). Without an auxiliary ("not responding to
    steroids") nothing is said of now."""
    start, end = modifier.modifier_span
    words = {t.lower_ for t in doc[start:end]}
    before = {t.lower_ for t in doc[max(0, start - 2):start]}
    return bool(words & now) and bool((words | before) & auxiliaries) and not (words | before) & past


def _despite_now(doc, modifier, past: frozenset) -> bool:
    """A "despite" cue before the treatment with the disease said to go on now just before it
    ("her kidneys are getting worse despite cyclophosphamide and MMF", "ILD progressing despite
    tacrolimus": ``failing_despite``): the treatment is still taken. "flared despite MMF" (a
    past verb) says nothing of now."""
    start, end = modifier.modifier_span
    section = vocabulary().get("failing_despite") or {}
    cues = set(section.get("cues") or ())
    # the cue word may come after the words of the disease's state in the cue itself ("active
    # despite", "still active despite": those words are read as the ones before it; lead, round 33)
    if doc[start].lower_ not in cues:
        if doc[end - 1].lower_ not in cues:
            return False        # "not in remission after": no "despite" cue
        start = end - 1
    words = doc[max(0, start - 3):start]
    before = {t.lower_ for t in words}
    if doc[start].lower_ in set(section.get("now_unless_past") or ()):
        # "even on X" says X is taken while the disease goes on, unless said in the past
        # ("she flared even on rituximab back then" is the past's; lead, round 26)
        return not before & past
    # (not a date: "plt 20 in 2021 despite IVIG" says nothing of now)
    # (nor a list of courses: "Plts approx 40 thousand despite IVIG and dexamethasone")
    # (the clause ends at a semicolon: "plt 14 despite eltrombopag 75mg; prior rituximab
    # (2019)" is one treatment despite which the count is low)
    reach = end + (modifier.rule.max_scope or 8)
    reach = next((t.i for t in doc[end:reach] if t.text == ";"), reach)
    value = (bool(section.get("value_before")) and any(t.like_num for t in words)
             and not any(_YEAR.match(t.text) for t in words)
             and sum(1 for e in doc.ents if e.label_ in ("DRUG", "PROCEDURE")
                     and end <= e.start < reach and e.sent == doc[start].sent) == 1)
    return (bool(before & set(section.get("now_before") or ())) or value) and not before & past


def failure_past_own_now(span: Span) -> bool:
    """A failure cue whose reach back stopped at the treatment's own "now" ("shes been on
    tofacitinib for 8 months now and its not helping much": the "now" is a current cue, which
    ends a failure's reach back): the failure is the treatment's when it comes after it in its
    sentence, within the cue's reach, with a "now" (``still_taken_right_after``) and no other
    mention between them."""
    doc = span.doc
    graph = doc_value(doc, "context_graph", None)
    if graph is None:
        return False
    after = vocabulary_words("still_taken_right_after")
    sentence_end = span.sent.end
    for m in graph.modifiers:
        start = m.modifier_span[0]
        if (m.category != "THERAPY_FAILED" or m.direction.lower() != "backward" or start < span.end
                or start >= sentence_end or start - span.end > (m.rule.max_scope or 0)):
            continue
        between = doc[span.end:start]
        if any(t.ent_type_ for t in between):
            continue    # another mention between: the cue may be its ("... now and the lupus is not ...")
        if any(t.lower_ in after for t in between):
            return True
    return False


def now_right_after(span: Span) -> bool:
    """A "now" (``still_taken_right_after``) written right after the treatment, as its own
    current cue: "tried steroids and IVIG, eltrombopag now, not much better" takes the
    eltrombopag now, whatever "tried" said of the list before it."""
    return any(m.category == "THERAPY_CURRENT" and _now_right_after(span, m) for m in span._.modifiers)


@lru_cache(maxsize=1)
def _still_taken_pattern() -> re.Pattern | None:
    words = vocabulary().get("still_taken_words") or ()
    # a word starts after no letter; "'s on" may follow one ("she's on")
    return re.compile(r"(?:(?<!\w)(?=\w)|(?=\W))(?:%s)(?!\w)" % alternation(words), re.IGNORECASE) if words else None


def stopped_after_own_start(span: Span) -> tuple[str | None, bool] | None:
    """A treatment named, then its start, then a stop with no other treatment between ("MMF
    started 2019, stopped 2021 for nausea"): ConText ends the stop's reach at the start cue
    (a start of another treatment must end it: "stopped methotrexate, started MMF"), so this
    reads the cues written after the span's own start in its sentence. Returns (the outcome
    said after the start or None, whether a stop is said), or None when neither is: "MMF
    started 2019, stopped working in 2021" -> ("failed", False)."""
    graph = getattr(span.doc._, "context_graph", None)
    starts = [m for m in span._.modifiers if _flag(m, "start") and m.modifier_span[0] >= span.end]
    if graph is None or not starts:
        return None
    begin = min(m.modifier_span[1] for m in starts)
    sentence_end = span.sent.end if span.doc.has_annotation("SENT_START") else len(span.doc)
    limit = min([e.start for e in span.doc.ents if e.label_ in ("DRUG", "PROCEDURE") and e.start >= begin] + [sentence_end])
    # nor past a semicolon: the next item's ("BFM protocol started 06/2026; SVC obstruction at
    # presentation, resolved": the obstruction resolved, the protocol goes on; h156, round 33)
    semicolon = next((t.i for t in span.doc[begin:limit] if t.text == ";"), None)
    if semicolon is not None:
        limit = min(limit, semicolon)
    # only cues that may modify a treatment: "last year" ends an infection, not a course
    # ("benlysta was added last year" is taken since then)
    later = [m for m in graph.modifiers if begin <= m.modifier_span[0] and m.modifier_span[1] <= limit
             and span.label_ not in (m.rule.excluded_types or ())
             and (not m.rule.allowed_types or span.label_ in m.rule.allowed_types)]
    if limit < sentence_end:
        # a forward cue just before the next treatment is that one's ("Tofacitinib commenced
        # 02/2025 following intolerance of adalimumab"; lead, round 34)
        later = [m for m in later if m.direction.upper() != "FORWARD"]
    # not a failure said too early to tell ("anifrolumab started 3 months ago, not much change
    # yet": taken, as cue_scope drops that cue from the mention; h181, round 38)
    outcomes = [THERAPY_STATUS[m.category] for m in later if m.category in ("THERAPY_INTOLERANT", "THERAPY_FAILED")
                and not too_early(span.doc, m)]
    # a course said to run to now ("Venetoclax (Jul 2025 - present), blasts 15% on last
    # assessment", ``"to_now": true``) has no later stop; an outcome after it still counts
    stopped = any(m.category == "HISTORICAL" for m in later) and not all(_flag(m, "to_now") for m in starts)
    goes_on = any(m.category == "THERAPY_CURRENT" and not _flag(m, "start") for m in later)
    if not (outcomes or stopped) or (goes_on and not stopped):
        return None     # "MMF started 2019, nausea at first but still on it": its own cues decide
    return (min(outcomes, key=_THERAPY_RANK.get) if outcomes else None), stopped


def too_early(doc, modifier) -> bool:
    """A failure cue with "yet" right after it ("Started on mycophenolate 3 months ago, not much
    change yet", "no response yet", "not working yet") says it is too early to tell, not that
    the treatment failed (``too_early_after``, up to two words between: "no improvement in her
    skin yet" is not; "not kicked in yet" is)."""
    if modifier.category != "THERAPY_FAILED":
        return False
    return word_ahead(doc, modifier.modifier_span[1], vocabulary_words("too_early_after"),
                      vocabulary_words("too_early_between"), 3)


def _without_stopped_starts(modifiers: list) -> list:
    """A start cue ("started", ``"metadata": {"start": true}``) with a history cue written
    after it ("he started tacrolimus in 2018 and stopped it in 2020", "MMF started 2019,
    stopped 2021"): the later stop says the treatment is over, so the start is no "current"."""
    starts = [m.modifier_span[1] for m in modifiers if _flag(m, "start") and not _flag(m, "to_now")]
    if not starts or not any(m.category == "HISTORICAL" and m.modifier_span[0] >= min(starts) for m in modifiers):
        return modifiers
    return [m for m in modifiers if not _flag(m, "start")]


def _harm_guarded_against(span: Span, modifier) -> bool:
    """A side effect named as what the treatment guards against ("on aciclovir to stop
    shingles", "for prevention of PCP"): the harm is a mention the text does not give as
    had (hypothetical), so it is no reason the treatment was stopped."""
    if modifier.category != "THERAPY_INTOLERANT":
        return False
    start, end = modifier.modifier_span
    return any(ent.start <= start and end <= ent.end and any(m.category == "HYPOTHETICAL" for m in ent._.modifiers)
               for ent in span.doc.ents if ent.label_ in ("CONDITION", "INFECTION"))


@lru_cache(maxsize=1)
def _bracket_words() -> dict[str, str]:
    spec = vocabulary().get("bracket_outcomes") or {}
    return {str(w).lower(): status for status, words in spec.items() for w in words or () if status != "over"}


@lru_cache(maxsize=1)
def _bracket_over() -> frozenset[str]:
    return frozenset(str(w).lower() for w in (vocabulary().get("bracket_outcomes") or {}).get("over") or ())


def bracket_outcome(span: Span) -> str | None:
    """An outcome written in a bracket right after the treatment, the bracket's whole content
    (``bracket_outcomes`` in data/nlp/extraction.yaml): "infliximab (LOR), adalimumab (LOR)"
    failed, "MTX (liver), HCQ" not tolerated. ConText leaves such brackets unread (a cue there
    would end a list cue's scope: "infliximab (LOR, antibodies), adalimumab - all failed"),
    so they are read here, only for a treatment no cue gave a status."""
    return _bracket_words().get(_bracket_text(span) or "")


def bracket_over(span: Span) -> bool:
    """A response that did not last, in a bracket right after the treatment (``over`` of
    ``bracket_outcomes``): "IVIG (transient)", "prednisolone (brief response)": given, over."""
    return (_bracket_text(span) or "") in _bracket_over()


def _bracket_text(span: Span) -> str | None:
    """The whole content of a bracket right after ``span`` (a dose, count or year may stand
    between: "rituximab 1g x2 2023 (partial response)"), lower case, without a date (before
    or after the outcome) or a stop said after it ("(rash, stopped)")."""
    doc = span.doc
    opened = span.end
    # (up to 8 words: "MMF 3 g/day 2020-2023 (...)", "mycophenolate for 18 months (...)"; lead, round 38)
    while opened < min(len(doc), span.end + 8) and (dose_part(doc[opened]) or doc[opened].lower_ == "for"):
        opened += 1
    if opened + 2 >= len(doc) or doc[opened].text not in ("(", "["):
        return None
    close = next((t.i for t in doc[opened + 1:min(len(doc), opened + 9)] if t.text in (")", "]")), None)
    if close is None or close == opened + 1:
        return None
    inside = _BRACKET_DATE.sub("", doc[opened + 1:close].text.lower())   # "IFX (LOR 2021)"
    inside = _BRACKET_LEADING_DATE.sub("", inside)      # "MMF 3g (2021-24, progression)"
    inside = _BRACKET_LEADING_LENGTH.sub("", inside)    # "IFX (1y, LOR)": how long, then how it went
    inside = _BRACKET_STOPPED.sub("", inside)           # "anakinra (injection site reactions, stopped)"
    # "MMF 3 g/day 2020-2023 (skin progression despite adherence)": what progressed, and why
    # it was no fault of the taking, around the outcome (lead, round 38)
    inside = _BRACKET_DESPITE.sub("", inside)
    # "(stopped in march - her liver)": the stop and its time, then why
    inside = _BRACKET_LEADING_STOP.sub("", inside)
    inside = _BRACKET_OWNER.sub("", inside)
    first, _, rest = inside.partition(" ")
    if rest and first in vocabulary_words("bracket_outcome_domains"):
        return rest
    return inside


def item_outcome(span: Span) -> str | None:
    """An outcome written as the rest of the treatment's list item after a dash or colon (its
    course, dose and dates may stand between): "MMF x 18/12 - partial response;", "SSZ x 4/12 -
    rash;", "nelarabine x2: no response", "pralatrexate 2025 - PD.":
    the item's whole outcome is a word of ``bracket_outcomes``, as in a bracket ("rituximab
    (partial response)"), maybe with "only" or "each time" after it. Read only for a treatment
    no cue gave a status (h156, round 33)."""
    doc = span.doc
    gap = vocabulary_words("item_outcome_gap_words")
    i, separated = span.end, False
    while i < min(len(doc), span.end + 10) and (dose_part(doc[i]) or doc[i].text in (":", ",")
                                                 or doc[i].lower_ in gap or _ITEM_DATE.fullmatch(doc[i].text)):
        separated = separated or doc[i].text in ("-", "–", ":", ",")
        i += 1
    if not separated or i >= len(doc) or doc[i - 1].text not in ("-", "–", ":"):
        return None     # not after a comma: "Upadacitinib 14/12, partial response. CRP 38" goes on
    j = i
    while j < min(len(doc), i + 6) and doc[j].text not in (";", ".", ",", "(", ")", "[", "]") and "\n" not in doc[j].text:
        j += 1
    if j < len(doc) and j == i + 6:
        return None
    words = _ITEM_TAIL.sub("", doc[i:j].text.lower()).strip()
    return _bracket_words().get(words)


# a date or a course length between a treatment and the dash of its outcome ("09/2021-03/2024",
# "18/12" months, "2/52" weeks)
_ITEM_DATE = re.compile(r"(?:\d{1,2}/)?\d{2,4}(?:[-–](?:\d{1,2}/)?\d{2,4})?|\d{1,2}/(?:12|52)")
# words after an outcome that say no more ("partial response only", "no response each time")
_ITEM_TAIL = re.compile(r"\s+(?:only|each\s+time|again)$")


def dose_part(token) -> bool:
    """A word of a dose, count or year written beside a treatment ("1", "g", "x2", "500mg",
    "weekly", "2019-2022"; ``dose_words``)."""
    return token.like_num or bool(_DOSE_TOKEN.fullmatch(token.lower_)) or token.lower_ in vocabulary_words("dose_words")


# a dose, count or year glued together ("1g", "x2", "500mg", "3g/day", "2019-2022")
_DOSE_TOKEN = re.compile(r"x?\d+(?:[.,]\d+)?(?:[a-zµ/%]+(?:/[a-z]+)?)?|\d{4}\s*-\s*\d{2,4}|x")


_BRACKET_DATE = re.compile(r"(?:[\s,;]+(?:in\s+)?(?:\d{1,2}/)?\d{2,4})+$")
# a course's years before its outcome ("(2021-24, progression)", "(2019: no response)")
_BRACKET_LEADING_DATE = re.compile(r"^(?:(?:\d{1,2}/)?\d{2,4}(?:\s*[-–]\s*(?:\d{1,2}/)?\d{2,4})?\s*[,;:]\s*)+")
# a course's length before its outcome ("(1y, LOR)", "(18 months, no response)", "(6 mo: rash)")
_BRACKET_LEADING_LENGTH = re.compile(r"^(?:\d{1,2}(?:\.\d)?\s*(?:y|yr|yrs|years?|m|mo|mos|mths?|months?|w|wk|wks|weeks?)"
                                     r"\s*[,;:]\s*)")
# the stop after the outcome, which says no more ("(rash, stopped)")
# the words of a stop written in a bracket, before its reason or after it
_STOP_WORDS = r"(?:stopped|discontinued|ceased|withdrawn)"
_BRACKET_LEADING_STOP = re.compile(r"^%s\b[^-–:,;()]{0,20}?\s*[-–:,;]\s*" % _STOP_WORDS)
_BRACKET_OWNER = re.compile(r"^(?:her|his|my|their|the)\s+")
# "... despite adherence", "... in spite of 3 g/day": the outcome before it stands alone
_BRACKET_DESPITE = re.compile(r"\s+(?:despite|in\s+spite\s+of)\b[^()]{0,60}$")
_BRACKET_STOPPED = re.compile(r"\s*[,;]\s*(?:then\s+)?(?:%s|switched)$" % _STOP_WORDS)


def _stop_said(span: Span, modifier) -> bool:
    """A reason cue that needs a stop word (``"metadata": {"after_stop": [...]}``: "because
    her white count dropped") counts only with one of those words just before the mention or
    between it and the cue ("stopped methotrexate because ...", "taken off leflunomide
    because ..."; not "on cellcept because of her kidneys")."""
    words = (modifier.rule.metadata or {}).get("after_stop")
    if not words:
        return True
    doc = span.doc
    start, _ = modifier.modifier_span
    near = doc[max(0, span.start - STOP_REACH):span.start]
    between = doc[span.end:start] if span.end <= start else doc[0:0]
    return any(token.lower_ in words for token in list(near) + list(between))


STOP_REACH = 4     # "they stopped her tacrolimus because ..."


@lru_cache(maxsize=1)
def _sequence_words() -> tuple[re.Pattern, frozenset[str]]:
    spec = vocabulary().get("outcome_sequence") or {}
    words = sorted(spec.get("words") or (), key=len, reverse=True)
    pattern = re.compile(r"(?:^|\s)(?:%s)(?=\s|$)" % "|".join(re.escape(w) for w in words), re.IGNORECASE) if words else None
    return pattern, frozenset(w.lower() for w in spec.get("collective") or ())


def _sequence_before(span: Span, modifier) -> bool:
    """An outcome cue said after a later treatment of a sequence ("steroids, IVIG, then
    eltrombopag did nothing", "MMF, aza and then infliximab didnt help"): it speaks of the
    last one only, not of those before the sequence word (``outcome_sequence`` in
    data/nlp/extraction.yaml), unless it speaks of them all ("humira then stelara, neither
    worked", "... both stopped working"). A list without a sequence word keeps the cue's
    reach ("IFX, ADA, UST failed")."""
    if modifier.category not in ("THERAPY_FAILED", "THERAPY_INTOLERANT") or _flag(modifier, "collective"):
        return False    # ("mtx and then mmf, the skin kept getting worse on both": the cue names them all)
    start, end = modifier.modifier_span
    if start < span.end:
        return False
    pattern, collective = _sequence_words()
    if pattern is None:
        return False
    doc = span.doc
    between = doc[span.end:start]
    therapies = [t.i for t in between if t.ent_type_ in ("DRUG", "PROCEDURE") and t.ent_iob_ == "B"]
    if not therapies:
        return False
    # the words after the last treatment up to the cue's first word ("did nothing" is the
    # last one's; "nothing worked", "none of them helped" all of them)
    first = start     # the cue's first word after a conjunction it holds ("but nothing work good")
    while first + 1 < end and doc[first].lower_ in _CUE_CONJUNCTIONS:
        first += 1
    tail = doc[therapies[-1] + 1:first + 1]
    if any(t.lower_ in collective for t in tail):
        return False
    if therapies[-1] + 1 < first and doc[therapies[-1] + 1].lower_ in vocabulary_words("still_taken_right_after"):
        return True     # "tried steroids and IVIG, eltrombopag now, not much better": the one taken now
    text = doc.text[between.start_char:doc[therapies[-1]].idx]
    return pattern.search(text) is not None


_CUE_CONJUNCTIONS = frozenset({"but", "and", "yet", "though", "so"})

def _same_concept(a: Span, b: Span) -> bool:
    return a.text.lower() == b.text.lower() or (bool(a.kb_id_) and a.kb_id_ == b.kb_id_)


_OWN_SUBJECT_GAP = 4    # words between a treatment and the cue told of it ("rituximab 2024 no response")


def said_of_a_later_subject(span: Span, modifier) -> bool:
    """A stop, past or outcome cue told right after a treatment that follows a list closed by
    "and" and a comma ("ivig and hcq, pred stopped in june", "tacrolimus and mmf, rituximab
    2024 no response"): the cue is that treatment's, its subject, not the closed list's
    (``own_subject`` in data/nlp/extraction.yaml). A list of commas only ("IFX, ADA, UST
    failed") or a word of them all between ("pred all stopped") keeps the cue's reach."""
    if span.label_ not in ("DRUG", "PROCEDURE") or modifier.category not in ("HISTORICAL", "THERAPY_FAILED", "THERAPY_INTOLERANT"):
        return False
    start, _ = modifier.modifier_span
    if start < span.end:
        return False
    words = vocabulary().get("own_subject") or {}
    joiners = frozenset(str(w).lower() for w in words.get("joiners") or ())
    collective = frozenset(str(w).lower() for w in words.get("collective") or ())
    doc = span.doc
    heads = [t.i for t in doc[span.end:start] if t.ent_type_ in ("DRUG", "PROCEDURE") and t.ent_iob_ == "B"]
    if not heads:
        return False
    subject_end = heads[-1] + 1
    while subject_end < start and doc[subject_end].ent_iob_ == "I":
        subject_end += 1
    gap = doc[subject_end:start]
    if len(gap) > _OWN_SUBJECT_GAP or any(t.is_punct or t.lower_ in joiners or t.lower_ in collective for t in gap):
        return False
    subject = next((e for e in doc.ents if e.start == heads[-1]), doc[heads[-1]:subject_end])
    if any(span.start <= e.start < subject.start and e.label_ in ("DRUG", "PROCEDURE") and _same_concept(e, subject)
           for e in doc.ents):
        return False    # "pred, ivig and rituximab, the rituximab didnt work": an item named again, the list told before
    commas = [t.i for t in doc[span.end:heads[-1]] if t.text in (",", ";")]
    if not commas or any(t.lower_ in collective for t in doc[commas[-1]:heads[-1]]):
        return False
    # the span's list closed by a joiner before that comma ("A and B, C": A or B), the span in
    # the last stretch before it ("IFX + AZA, ADA, UST failed": a list of commas, all failed)
    if any(t.text in (",", ";") for t in doc[span.end:commas[-1]]):
        return False
    group = list(doc[max(0, span.start - 1):span.start]) + list(doc[span.end:commas[-1]])
    return any(t.lower_ in joiners for t in group)


def bare_current(span: Span) -> bool:
    """Current only by a bare cue ("on anti-TNF", "been on") or a dose written after it
    ("Rituximab 2x1 g (2022)": a weak cue): no other current cue reaches it."""
    currents = [m for m in span._.modifiers
                if THERAPY_STATUS.get(m.category) == "current" and not across_comma(span, m)]
    return bool(currents) and all(_flag(m, "bare") or _flag(m, "weak") for m in currents)


def _outcome_of(span: Span, modifier) -> bool:
    """An outcome cue about this very mention: near it (``BARE_REACH`` tokens) with no
    other therapy in between ("been on plaquenil forever, tried methotrexate and
    azathioprine, neither helped": the outcome is the others')."""
    if modifier.category not in ("THERAPY_FAILED", "THERAPY_INTOLERANT"):
        return False
    start, end = modifier.modifier_span
    between = span.doc[span.end:start] if span.end <= start else span.doc[end:span.start]
    # a bracket between is a remark (its dates: "Rituximab 1 g x2 (2019, 2021): partial
    # response, then relapse"), not distance
    if _distance(span, modifier) - _bracketed(between) > BARE_REACH:
        return False
    if not any(token.ent_type_ in ("DRUG", "PROCEDURE") for token in between):
        return True
    # other therapies in between count only as items of one list with this one ("been on
    # humira then stelara, neither worked": the outcome is both's)
    # ("on methotrexate and monthly IVIG, still weak": a dose of an item is part of the list)
    return all(token.ent_type_ in ("DRUG", "PROCEDURE") or token.lower_ in _LIST_WORDS or dose_part(token)
               for token in between)


def _bracketed(tokens) -> int:
    """How many of ``tokens`` stand inside round brackets, the brackets included."""
    depth, count = 0, 0
    for token in tokens:
        if token.text == "(":
            depth += 1
        if depth:
            count += 1
        if token.text == ")" and depth:
            depth -= 1
    return count


_LIST_WORDS = frozenset({",", "and", "or", "then", "&", "/", "+", "later", "both", "finally", "-"})


def _negated_before(span: Span) -> bool:
    """A negation cue written before the span ("no CD19-positive B cells")."""
    return any(m.category == "NEGATED_EXISTENCE" and m.modifier_span[1] <= span.start for m in span._.modifiers)


def _has(span: Span, category: str) -> bool:
    return any(m.category == category for m in span_value(span, "modifiers"))


def _negation_governs(span: Span) -> bool:
    """A negation written before a positive cue that is itself before the span: the
    negation is about the whole clause ("I don't think she has HIV", "doesn't have")."""
    positives = [m.modifier_span for m in span._.modifiers
                 if m.category in ("RESULT_POSITIVE", "INFECTION_ACTIVE") and m.modifier_span[1] <= span.start]
    negations = [m.modifier_span for m in span._.modifiers
                 if m.category == "NEGATED_EXISTENCE" and m.modifier_span[1] <= span.start]
    if not negations:
        return False
    if not positives:
        return True
    return min(start for start, _ in negations) < min(start for start, _ in positives)


def infection_status(span: Span, written: str | None = None, before: str | None = None) -> str | None:
    """``written`` is what MentionStatus read in the mention itself, ``before`` a result
    word written right before it ("negative QuantiFERON"). A fact said only with doubt
    ("not sure if she has HIV") has no result: a cue such as "has" is not a test result."""
    # a result said across a comma after the span's own clause is another's ("I had covid
    # last year, hep B negative": covid is not negative)
    # and a result word inside another mention is that mention's ("No active infection, HBV/HCV
    # negative": "active" is the infection's, HBV is negative)
    results = [m for m in span._.modifiers
               if not (m.category in RESULT_STATUS and (clause_before_comma(span, m) or _inside_other(span, m)))]
    negated = any(m.category == "NEGATED_EXISTENCE" for m in results) if len(results) < len(span._.modifiers) \
        else span._.is_negated
    if negated and written not in ("positive", "negative"):  # "No active infection"
        if _negation_governs(span):
            return "negative"
        nearest = _nearest_of(span, results, RESULT_STATUS)
        return nearest if nearest in ("positive", "active") else "negative"
    if written == "active":
        return "active"
    if written in ("positive", "negative"):
        return written
    if before in ("positive", "negative"):
        return before
    if span._.is_uncertain and not all(_flag(m, "test") for m in span._.modifiers if m.category == "POSSIBLE_EXISTENCE"):
        return None     # (a test's doubt ends with its result: "screened for hep B, positive")
    status = _nearest_of(span, results, RESULT_STATUS)
    if status is None and span._.is_uncertain:
        return None     # a test with no result written ("tested for TB last year")
    if status is None and (written == "latent" or _has(span, "HISTORICAL")):
        return "positive"
    return status


def test_without_result(span: Span) -> bool:
    """An infection named as a test that was done, with no result written ("he had an HIV
    test", "they did a quantiferon", "TB test done"): the result is not known, and a history
    cue ("had") is the test's, not the infection's. ``infection_tests`` in
    data/nlp/extraction.yaml: the words that make the mention a test when written right after
    it, and the names that are tests themselves."""
    if any(m.category in RESULT_STATUS for m in span._.modifiers):
        return False
    after, names = _infection_tests()
    doc = span.doc
    following = doc[span.end:span.end + 2].text.lower()
    return span.text.lower() in names or any(following == w or following.startswith(w + " ") for w in after)


@lru_cache(maxsize=1)
def _infection_tests() -> tuple[tuple[str, ...], frozenset[str]]:
    table = vocabulary().get("infection_tests") or {}
    return (tuple(str(w).lower() for w in table.get("after") or ()),
            frozenset(str(w).lower() for w in table.get("names") or ()))


def _inside_other(span: Span, modifier) -> bool:
    """The modifier's words lie inside another entity of the document than ``span``."""
    start, end = modifier.modifier_span
    return any(ent.start <= start and end <= ent.end and (ent.start, ent.end) != (span.start, span.end)
               for ent in span.doc.ents)


class MentionStatus:
    """Reads a status written inside a marker or serology mention ("CD7+", "HBsAg(-)")."""

    def __init__(self, vocabulary: dict[str, Any]):
        self.words = {
            word.lower(): status for status, words in vocabulary["mention_status"].items() for word in words
        }

    def __call__(self, span: Span) -> str | None:
        """positive / negative / expressed from the last token (the "-" inside "anti-dsDNA"
        is not a result); active / latent from the first ("active tuberculosis")."""
        if len(span) < 2:
            return None
        last = self.words.get(span[-1].lower_)
        if last in ("positive", "negative", "expressed"):
            return last
        # a result of two or three words ending the mention ("EGFR wild-type", "ALK wild type")
        for n in (2, 3):
            if len(span) > n and self.words.get(span[-n:].text.lower()) == "negative":
                return "negative"
        first = self.words.get(span[0].lower_)
        return first if first in ("active", "latent") else None

    def after(self, span: Span) -> str | None:
        """A sign glued to the end of the mention ("HBsAg-)", "anti-HBc+,"): the
        tokenizer splits it off, so it is read here; a flow-cytometry intensity word after it
        ("CD7 bright", "CD7 dim") says the marker is expressed."""
        doc = span.doc
        if span.end < len(doc) and self.words.get(doc[span.end].lower_) == "intensity":
            return "expressed"      # flow cytometry: "CD7 bright", "CD5 dim"
        if span.end >= len(doc) or span[-1].whitespace_:
            return None
        sign = doc[span.end]
        if sign.text not in ("+", "-") or self.words.get(sign.text) not in ("positive", "negative"):
            return None
        if (span.end + 1 < len(doc) and not sign.whitespace_
                and not (doc[span.end + 1].is_punct or doc[span.end + 1].is_space)):
            return None     # "HBsAg-negative", "anti-HBc-IgM": part of a longer word ("CD8-" at a line's end is its sign; h182)
        return self.words[sign.text]

    def before(self, span: Span) -> str | None:
        """positive / negative written right before the mention, at the start of a clause
        ("negative QuantiFERON", "had a positive quantiferon"), not a result that ends the
        mention before it ("HBsAg negative HIV ...": that "negative" is HBsAg's)."""
        if span.start == 0:
            return None
        doc = span.doc
        first = span.start - 1
        word = doc[first]
        written = word.lower_ if word.is_alpha else None   # a word, not a sign or a bullet
        if word.lower_ == "-ve":            # "-ve dsDNA": a result sign word, one token
            written = "-ve"
        elif word.lower_ == "ve" and first >= 1 and doc[first - 1].text in ("+", "-") and not doc[first - 1].whitespace_:
            first -= 1                      # "+ve ANA": the tokenizer splits "+" from "ve"
            word, written = doc[first], doc[first].text + "ve"
        status = self.words.get(written) if written else None
        if status not in ("positive", "negative"):
            return None
        if word.is_sent_start or first == 0:
            return status
        previous = doc[first - 1]
        if previous.ent_type_ or previous.like_num or previous.is_punct and previous.text not in ",;:(":
            return None
        return status


def biomarker_status(span: Span, written: str | None, before: str | None = None) -> str | None:
    """``written`` is what MentionStatus read in the mention itself, ``before`` a result
    word right before it at the start of a clause ("+ve ANA 1:320, -ve dsDNA"); a negated
    positive mention ("no CD19-positive B cells") is negative."""
    if written == "positive" and _negated_before(span):
        return "negative"
    if written in ("positive", "negative"):
        return written
    if before in ("positive", "negative"):
        return before
    status = _nearest(span, RESULT_STATUS)
    if status in ("positive", "negative"):
        return status
    return "positive" if written == "expressed" else None



_CLAUSE_MARKS = (",", ";", "?", ".", "!")


def failure_if(span: Span) -> str | None:
    """A treatment's failure cue inside an "if" clause ("is cyclophosphamide next if mmf
    doesnt work?", "they will try IVIG next if the steroids dont work", "If no response to
    IVIG, we would proceed", "considering rituximab if she fails MMF"): "taken" for the
    treatment inside the clause -- it is given now, neither hypothetical nor failed (the plan
    around it stays hypothetical); "outside" for one named before or after the clause ("i
    might need plasma exchange if the IVIG doesnt help") -- the clause's failure is not its
    own. None when a failure cue of the treatment stands outside such a clause. The words:
    ``failure_if`` of extraction.yaml (``words`` open the clause; ``cues``: HYPOTHETICAL rule
    literals that are themselves a failure in an "if" clause, "if she fails")."""
    doc = span.doc
    entry = vocabulary().get("failure_if") or {}
    words = frozenset(str(w).lower() for w in entry.get("words") or ())
    own = frozenset(str(w).lower() for w in entry.get("cues") or ())
    objects = frozenset(str(w).lower() for w in entry.get("object_after") or ())
    determiners = frozenset(str(w).lower() for w in entry.get("determiners") or ())
    not_after = frozenset(str(w).lower() for w in entry.get("not_after") or ())
    past = frozenset(str(w).lower() for w in entry.get("past_words") or ())
    pronouns = frozenset(str(w).lower() for w in entry.get("pronouns") or ())
    failed = [m for m in span._.modifiers if m.category == "THERAPY_FAILED"
              or (m.category == "HYPOTHETICAL" and m.rule.literal.lower() in own)]
    if not failed or not words:
        return None
    sentence = span.sent
    found = None
    for m in failed:
        start, end = m.modifier_span
        opening = None
        for t in reversed(doc[sentence.start:start + 1]):
            if t.text in _CLAUSE_MARKS and t.i < start:
                break
            if t.lower_ in words and (t.i == 0 or doc[t.i - 1].lower_ not in ("what", "even")):
                opening = t.i
                break
        if opening is None:
            return None     # a failure said outright ("mmf doesnt work")
        if any(t.lower_ in past for t in doc[max(opening, start - 1):end]):
            return None     # "if Cellcept didn't work": a failure that was, given as a fact
        if any(t.lower_ in not_after for t in doc[sentence.start:opening]):
            return None     # "what happens if CAR-T doesnt work": a question about what is not given
        if (span.end <= opening and opening + 1 < len(doc) and doc[opening + 1].lower_ in pronouns
                and any(x.category in ("HISTORICAL", "THERAPY_CURRENT") and x.modifier_span[1] <= opening
                        for x in span._.modifiers)):
            # "she had her first rituximab last week, if it doesnt work they will try
            # cyclophosphamide": the "it" is the treatment given before the clause (h102, round 22)
            reading = "taken"
            if found not in (None, reading):
                return None
            found = reading
            continue
        close = next((t.i for t in doc[end:sentence.end] if t.text in _CLAUSE_MARKS), sentence.end)
        # in the clause: between its opening and the cue ("if mmf doesnt work"), or right
        # after a cue that takes it as object ("if no response to IVIG", "if she fails MMF");
        # "if it fails we would consider rituximab" names the plan, not the failed one
        gap = doc[end:span.start]
        inside = opening < span.start and (span.end <= start or (
            span.start >= end and span.end <= close and doc[end - 1].lower_ in objects
            and len(gap) <= 1 and all(t.lower_ in determiners for t in gap)))
        reading = "taken" if inside else "outside"
        if found not in (None, reading):
            return None
        found = reading
    return found
