"""Where a ConText cue reaches, after ConText has run (nlp/pipeline.py runs this right after it).

* A marker result's cue (negative, positive) whose scope a cue of its ``terminated_by``
  categories ends, written between it and the entity, reaches nothing beyond
  (``context._terminated``: medspaCy 1.3.1 misses a scope that holds the other whole):
  "CD7 99%, CD1a negative, CD34 positive." -- the comma ends "negative," before it reaches
  CD7, which read CD7-negative. Removed from the entity's modifiers, so every reader
  (status, flags) sees the same cues.
* A cue written inside brackets reaches nothing after the closing bracket: "lupus (SLE) dx
  in 2018 (kidneys involved?) on mmf" hedges the kidneys, not the MMF. Brackets add a remark
  to what comes before them ("MMF (stopped 2019)", "anti-dsDNA (negative)"), so a cue inside
  keeps what it says about the words before and inside; only its reach past the closing
  bracket is cut, for the cues that change whether a thing is so (a hedge, a negation, a
  hypothesis), and for a relative's cue: "a boy of 10 with crohns (my nephew), hes on humira"
  names who the boy is, it does not make the humira a nephew's. A time cue may run on
  through a list ("MMF (stopped 2022), azathioprine - deranged LFTs": both stopped), not to
  a treatment said after itself to be taken now ("anakinra (rash, stopped), tocilizumab current").
* A past cue written after a treatment in a clause of its own reaches no condition before
  that clause ("CML in chronic phase, hydroxy before imatinib": the CML goes on).
* A result word inside a marker's own mention ("HER2-negative", "EGFR wild-type") negates no
  disease named before it ("NSCLC: EGFR negative").
* A question mark reaches nothing inside a bracket opened after it ("is that ok for the
  study? (SLE, mmf 2g)").
* An outcome in a bracket in the middle of a list is its own treatment's ("mesalazine,
  azathioprine (made me sick), infliximab"); a dose right before a treatment is that
  treatment's; a negation reaches nothing past the reason it gives ("not on steroids due to
  diabetes"); a result that needs a test ("... and found nothing") speaks only of what a test
  looked for.
* A history cue before a list reaches the list's last items that a bracket pushed out of its
  reach ("been through A, B (made me sick), C (lost response), D, E").
* A failure cue before a list reaches no later item when an outcome word follows the first
  item ("Failed methotrexate, then etanercept with a good response").
* A negation reaches no lab or score in a bracket opened after it: "Not fit for intensive
  chemotherapy (ECOG 2, LVEF 45%)" measured the ECOG.
* A hedge on the disease a work-up rules out reaches no result after the colon that closes
  it: "w/u to r/o SLE: ANA + 1:640" found the ANA."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from nlp.components.context import _terminated
from nlp.components.doc_cache import doc_text, doc_value, span_value
from nlp.components.speaker import relations
from nlp.components.status import dose_part, too_early
from nlp.components.word_ahead import word_ahead
from nlp.resources import regex_section, vocabulary, vocabulary_words

CUE_SCOPE_PIPE = "trialbot_cue_scope"
ASSERTION_CATEGORIES = frozenset({"POSSIBLE_EXISTENCE", "HYPOTHETICAL", "NEGATED_EXISTENCE"})
# cut at a closing bracket besides the assertion cues: a relative named in a bracket (h60)
BRACKETED_CATEGORIES = ASSERTION_CATEGORIES | {"FAMILY"}
# the cues of a test's result, cut at their terminators (an outcome cue keeps its reach over
# a list of treatments: "IFX, ADA, UST failed")
RESULT_CATEGORIES = frozenset({"NEGATED_EXISTENCE", "RESULT_POSITIVE"})
# for a marker's result only: an infection's negation is read with its list and its
# controlled-infection cues elsewhere (nlp/components/context.py, assemble.py)
RESULT_LABELS = frozenset({"BIOMARKER"})
# what a test looks for: a "not tested" hedge ends at its terminator (a comma) before them too
TESTED_LABELS = frozenset({"INFECTION", "BIOMARKER"})


def cue_scope(doc):
    """Drop, from each entity, the result cues a terminator cuts off and the assertion cues
    that sit inside a bracket closed before it."""
    if not doc.ents:
        return doc
    closes = _closing_brackets(doc) if "(" in doc_text(doc) else {}
    graph = doc_value(doc, "context_graph", None)
    for ent in doc.ents:
        modifiers = span_value(ent, "modifiers")
        if not modifiers:
            continue
        cut = ent.label_ in RESULT_LABELS
        kept = tuple(m for m in modifiers if not (cut and m.category in RESULT_CATEGORIES and _terminated(ent, m))
                     # "no hep C, HIV never tested": the hedge's comma ends it before hep C
                     and not (ent.label_ in TESTED_LABELS and m.category == "POSSIBLE_EXISTENCE" and _terminated(ent, m)) and (
            m.category not in BRACKETED_CATEGORIES or not _closed_before(m.modifier_span, closes, ent.start)
            or (m.category == "FAMILY" and (not _possessed(doc, m.modifier_span)
                                            or _renames_a_relative(doc, m.modifier_span, closes))))
            and not (m.category in ASSERTION_CATEGORIES and _aside_of_its_own(doc, m.modifier_span, closes, ent))
            and not _said_of_what_follows(doc, m, ent)
            and not _stop_of_its_subject(doc, m, closes, ent)
            and not _result_of_a_nearer_mention(doc, m, ent)
            and not _result_inside_a_marker(doc, m, ent)
            and not (m.category in ("HYPOTHETICAL", "POSSIBLE_EXISTENCE") and _after_its_result(doc, m, modifiers, closes, ent))
            and not _question_before_bracket(doc, m, closes, ent)
            and not _hedge_of_a_date(doc, m, closes, ent)
            and not _outcome_of_a_bracketed_treatment(doc, m, closes, ent)
            and not _both_of_the_two_before(doc, m, ent)
            and not _outcome_of_it_before_another(doc, m, ent)
            and not _dose_of_the_next_treatment(doc, m, ent)
            and not _reason_after_negation(doc, m, ent)
            and not _anchor_after_negation(doc, m, ent)
            and not _result_without_its_test(m, modifiers)
            and not _measured_in_bracket(m, closes, ent)
            and not _older_value_in_bracket(doc, m, closes, ent)
            and not _past_of_a_later_treatment(doc, m, ent)
            and not _outcome_of_its_own_subject(doc, m, ent)
            and not _stop_for_the_harm_of_the_next(doc, m, ent)
            and not _cue_of_a_later_clause(doc, m, ent)
            and not _outcome_of_a_named_again(doc, m, ent)
            and not _outcome_before_a_new_item(doc, m, modifiers, ent)
            and not _onset_age_of_a_diagnosis(doc, m, ent)
            and not _past_before_a_treated_disease(doc, m, ent)
            and not _time_of_another_item(doc, m, modifiers, ent)
            and not _current_of_an_earlier_clause(doc, m, modifiers, ent)
            and not _event_of_a_new_clause(doc, m, ent)
            and not _hedge_before_a_stated_clause(doc, m, ent)
            and not _hedge_of_the_next_treatment(doc, m, ent)
            and not _hedge_of_the_next_condition(doc, m, ent)
            and not _hedge_past_its_own_mention(doc, m, ent)
            and not _kind_of_a_study(doc, m, ent)
            and not _short_course_taken_now(m, modifiers, ent)
            and not _hedge_after_a_stated_clause(doc, m, ent)
            and not _own_named_disease(doc, m, ent)
            and not _outside_a_question(doc, m)
            and not _not_of_an_organ(m, ent)
            and not _negation_of_an_organ_before_its_cause(doc, m, ent)
            and not _result_of_a_workup(doc, m, ent)
            and not _condition_after_a_status_post_item(doc, m, ent)
            and not _denied_change_of_a_finding(doc, m, ent)
            and not _denied_flare_before(doc, m, ent)
            and not _denied_failure(doc, m)
            and not _failure_of_the_next_item(doc, m, ent)
            and not _failure_before_an_own_outcome(doc, m, ent)
            and not _negation_before_a_new_verb(doc, m, ent)
            and not _answer_no_before_a_report(doc, m, ent)
            and not _too_early(doc, m)
            and not _already_had(m, modifiers, ent)
            and not (m.category == "HISTORICAL" and _closed_before(m.modifier_span, closes, ent.start)
                     and _own_current_after(modifiers, ent)))
        if len(kept) != len(modifiers):
            ent._.modifiers = kept
            if ent._.is_family and not any(m.category == "FAMILY" for m in kept):
                ent._.is_family = False     # medspaCy's flag, read by the discourse rules
            if ent._.is_negated and not any(m.category == "NEGATED_EXISTENCE" for m in kept):
                ent._.is_negated = False    # read by an infection's result (status.infection_status)
            if graph is not None:
                graph.edges = [(t, m) for t, m in graph.edges if t != ent or m in kept]
    _history_over_the_rest_of_the_list(doc, graph)
    _failure_over_the_rest_of_the_list(doc, graph)
    _current_over_the_rest_of_the_list(doc, graph)
    _outcome_said_of_it(doc, graph)
    _outcome_back_over_the_list(doc, graph)
    return doc


def _result_inside_a_marker(doc, m, ent) -> bool:
    """A result word that is part of a marker's own mention ("HER2-negative", "EGFR
    wild-type", "ALK negative": terms of data/terminology/tumour_markers.yaml) is that marker's
    result: it negates no disease named before it ("NSCLC: EGFR negative, ALK-negative" has
    the NSCLC; h141, round 30)."""
    if ent.label_ != "CONDITION" or m.category not in RESULT_CATEGORIES:
        return False
    start, end = m.modifier_span
    # the cue begins inside the marker ("negative." at a sentence's end runs on to the stop)
    return any(other.label_ == "BIOMARKER" and other.start <= start < other.end and other != ent
               for other in doc.ents)


# what joins two items of a treatment list: commas, "and"/"or", a short remark in brackets
# after the first ("azathioprine (made me sick), infliximab")
_LIST_JOIN = re.compile(r"(?:\s*\([^()\n]{1,40}\))?\s*[,;/]?\s*(?:(?:and|or|&|\+)\s+)?", re.IGNORECASE)
# ... and one short unknown item between ("anti-CCP, myositis panel and ANCA")
_WHOLE_LIST_JOIN = re.compile(r"(?:\s*\([^()\n]{1,40}\))?\s*[,;/]?\s*(?:(?:and|or|&|\+)\s+)?"
                              r"(?:[^\W\d][\w'-]*(?:[ \t]+[\w'-]+){0,2}\s*(?:,\s*(?:and\s+)?|\s(?:and|or)\s+))?", re.IGNORECASE)


def _history_over_the_rest_of_the_list(doc, graph) -> None:
    """A history cue before a list ("been through", "tried") whose reach ends inside the list
    reaches its last items too, when a remark in brackets made the list longer than the cue's
    reach ("been through mesalazine, azathioprine (made me sick), infliximab (lost response),
    vedolizumab, ustekinumab": all five were taken). Only items with no cue of their own (an
    outcome said after them is none: "I had cyclophosphamide and then MMF and rituximab, and my
    protein is still high"), in the same sentence, joined by list words; past a dose only after a
    cue of ``given_list_cues``."""
    _over_the_rest_of_the_list(
        doc, graph, "HISTORICAL",
        own=lambda m, after: not (m.category in ("THERAPY_FAILED", "THERAPY_INTOLERANT") and m.modifier_span[0] >= after.end),
        past_a_dose=lambda cue: doc[cue.modifier_span[0]:cue.modifier_span[1]].text.lower() in vocabulary_words("given_list_cues"))


def _failure_over_the_rest_of_the_list(doc, graph) -> None:
    """A failure cue before a list ("despite", "failed", "refractory to") whose reach ends
    inside the list reaches its last items too, when doses and counts made the list longer
    than the cue's reach ("proteinuria despite MMF 3g, tacrolimus and two doses of
    rituximab": all three failed). Only items with no outcome or status cue of their own
    ("failed MMF, now on rituximab" stays current), in the same sentence, joined by list words
    with nothing but doses, counts and forms between (lead, round 33)."""
    _over_the_rest_of_the_list(
        doc, graph, "THERAPY_FAILED",
        own=lambda m, after: m.category.startswith("THERAPY_") or m.category in ASSERTION_CATEGORIES,
        past_a_dose=lambda cue: True, over_a_bracket=True)


def _current_over_the_rest_of_the_list(doc, graph) -> None:
    """A "now on" cue before a list reaches its last items too when a dose made the list
    longer than the cue's reach ("currently on baricitinib and 5mg pred", "now on tacrolimus
    and 10 of pred": both taken now). Only items with no cue of their own, in the same
    sentence, joined by list words with nothing but doses between (lead, round 35)."""
    _over_the_rest_of_the_list(
        doc, graph, "THERAPY_CURRENT",
        own=lambda m, after: m.category.startswith("THERAPY_") or m.category in ASSERTION_CATEGORIES
        or m.category == "HISTORICAL",
        past_a_dose=lambda cue: True, only_past_a_dose=True)


def _over_the_rest_of_the_list(doc, graph, category: str, own, past_a_dose, over_a_bracket: bool = False,
                               only_past_a_dose: bool = False) -> None:
    """A forward cue of ``category`` on a list item, written before it, given to the next item
    too when that item has no cue of its own (``own``), is in the same sentence and is joined to
    it by list words, or past a dose when ``past_a_dose`` says the cue reaches that far; with
    ``over_a_bracket``, also past a bracket of the item's own ("despite BFM induction (with
    pegaspargase) and nelarabine"; h151, round 32); with ``only_past_a_dose``, only past a dose
    ("currently on baricitinib and 5mg pred", not "has been on humira, stelara and entyvio")."""
    ents = [e for e in doc.ents if e.label_ in _KINDS]
    pairs = list(zip(ents, ents[1:])) + (_pairs_over_a_bracket(doc, ents) if over_a_bracket else [])
    for before, after in pairs:
        cues = [m for m in span_value(before, "modifiers") if m.category == category and m.direction.upper() == "FORWARD"
                and m.modifier_span[1] <= before.start]
        if not cues or any(own(m, after) for m in after._.modifiers) or any(m is cues[0] for m in after._.modifiers):
            continue
        if doc.has_annotation("SENT_START") and before.sent.start != after.sent.start:
            continue
        between = doc[before.end:after.start]
        if only_past_a_dose and not any(dose_part(t) for t in between):
            continue
        if not _joined_in_list(doc, before, after, over_a_bracket, past_a_dose(cues[0])):
            continue
        after._.modifiers = tuple(after._.modifiers) + (cues[0],)
        if graph is not None:
            graph.edges.append((after, cues[0]))


# an item, a word or two of it ("induction", "re-induction"), a bracket of its own that may name
# treatments, then the next item: "despite augmented BFM induction (with pegaspargase, then
# Erwinase) and nelarabine" (h151, round 32)
_BRACKET_JOIN = re.compile(r"(?:[ \t]+[\w/.-]{1,20}){0,3}[ \t]*\([^()\n]{1,120}\)[ \t]*[,;]?[ \t]*(?:(?:and|or|&|\+)[ \t]+)?",
                           re.IGNORECASE)


def _joined_in_list(doc, before, after, over_a_bracket: bool, past_a_dose: bool) -> bool:
    """Two items joined as a list: by list words (``_LIST_JOIN``), with ``over_a_bracket`` past a
    bracket of the first's own (``_BRACKET_JOIN``), with ``past_a_dose`` past its dose or count."""
    return bool(_LIST_JOIN.fullmatch(doc.text, before.end_char, after.start_char)
                or (over_a_bracket and _BRACKET_JOIN.fullmatch(doc.text, before.end_char, after.start_char))
                or (past_a_dose and _joined_past_a_dose(doc[before.end:after.start])))


def _outcome_back_over_the_list(doc, graph) -> None:
    """An outcome said after a list ("She has had IV methylprednisolone pulses, methotrexate,
    IVIG (monthly since 2021), rituximab x2 (last dose 05/2025) and tofacitinib since January
    2026, without sustained response") that already reaches two or more of its items reaches
    its first items too, when doses and brackets made the list longer than the cue's reach.
    Only items with no outcome, status or assertion cue of their own, in the same sentence,
    joined by list words with nothing but doses, counts and brackets between (lead, round 40)."""
    graph_modifiers = getattr(graph, "modifiers", None) if graph is not None else None
    if not graph_modifiers:
        return
    ents = [e for e in doc.ents if e.label_ in _KINDS]
    if len(ents) < 3:
        return
    pair_words = vocabulary_words("pair_outcome_words")
    for m in graph_modifiers:
        if m.category not in ("THERAPY_FAILED", "THERAPY_INTOLERANT") or m.direction.upper() != "BACKWARD":
            continue
        reached = [i for i, e in enumerate(ents) if any(x is m for x in e._.modifiers)]
        names = {ents[i].kb_id_ or ents[i].text.casefold() for i in reached}
        last = ents[reached[-1]] if reached else None
        if (len(names) == 1 and not (reached[-1] > 0 and _joined_in_list(
                doc, ents[reached[-1] - 1], last, over_a_bracket=False, past_a_dose=False))):
            # one treatment named again, alone ("pred, ivig and rituximab, the rituximab didnt
            # work"): the outcome is its own; the items of its list before it were given, not
            # failed (h196, round 41)
            again = [i for i, e in enumerate(ents) if i < reached[-1] and (e.kb_id_ or e.text.casefold()) in names
                     and (not doc.has_annotation("SENT_START") or e.sent.start == last.sent.start)]
            if again and not _terminated(last, m):
                _over_the_list_before(doc, graph, ents, again[0], _PastOfAList(m))
            continue
        if len(reached) < 2:
            continue
        start, end = m.modifier_span
        if any(t.lower_ in pair_words for t in doc[max(0, start - 2):end]):
            continue        # "rituximab and tocilizumab which both failed": those two
        i = reached[0]
        while i > 0:
            before, first = ents[i - 1], ents[i]
            if doc.has_annotation("SENT_START") and before.sent.start != first.sent.start:
                break
            if any(x.category.startswith("THERAPY_") and x.category != "THERAPY_DOSE"
                   or x.category in ASSERTION_CATEGORIES for x in before._.modifiers):
                break
            if not _joined_in_list(doc, before, first, over_a_bracket=True, past_a_dose=True):
                break
            before._.modifiers = tuple(before._.modifiers) + (m,)
            graph.edges.append((before, m))
            i -= 1


class _PastOfAList:
    """An outcome cue read, for the items of a list before the treatment it is said of, as
    their history: given, with nothing said of how it went."""
    category = "HISTORICAL"

    def __init__(self, modifier):
        self._modifier = modifier

    def __getattr__(self, name):
        return getattr(self._modifier, name)


def _over_the_list_before(doc, graph, ents, i: int, cue) -> None:
    """``cue`` given to the items joined as a list before ``ents[i]`` in its sentence, each
    with no outcome, status or assertion cue of its own."""
    while i > 0:
        before, first = ents[i - 1], ents[i]
        if doc.has_annotation("SENT_START") and before.sent.start != first.sent.start:
            break
        if any(x.category.startswith("THERAPY_") and x.category != "THERAPY_DOSE"
               or x.category in ASSERTION_CATEGORIES or x.category == "HISTORICAL" for x in before._.modifiers):
            break
        if not _joined_in_list(doc, before, first, over_a_bracket=True, past_a_dose=True) or _terminated(before, cue):
            break
        before._.modifiers = tuple(before._.modifiers) + (cue,)
        graph.edges.append((before, cue))
        i -= 1


def _pairs_over_a_bracket(doc, ents) -> list:
    """Two list items with a bracket after the first that names items of its own ("BFM
    induction (with pegaspargase, then Erwinase) and nelarabine"): the item that owns the
    bracket and the one after it, the bracketed items skipped (``_BRACKET_JOIN``)."""
    pairs = []
    for i, before in enumerate(ents):
        for after in ents[i + 2:i + 6]:
            if _BRACKET_JOIN.fullmatch(doc.text, before.end_char, after.start_char):
                pairs.append((before, after))
                break
    return pairs


def _outcome_said_of_it(doc, graph) -> None:
    """An outcome said of "it" after "but"/"and" ("she was on azathioprine but it made her
    sick", "took mtx but it caused nausea"): the "but" ends every cue's reach (a TERMINATE
    rule), yet the pronoun is the treatment named right before it. The outcome (a backward
    failure or intolerance cue right after a joiner and a pronoun) is that
    treatment's, when nothing but its dose stands between it and the joiner and it has no
    outcome of its own (``outcome_of_it_joiners``, ``outcome_of_it_pronouns``; lead, round 33)."""
    graph_modifiers = getattr(graph, "modifiers", None) if graph is not None else None
    if not graph_modifiers:
        return
    joiners, pronouns = vocabulary_words("outcome_of_it_joiners"), vocabulary_words("outcome_of_it_pronouns")
    if not joiners or not pronouns:
        return
    treatments = [e for e in doc.ents if e.label_ in _KINDS]
    for m in graph_modifiers:
        start = m.modifier_span[0]
        if m.category not in ("THERAPY_FAILED", "THERAPY_INTOLERANT") or m.direction.upper() != "BACKWARD" or start < 2:
            continue
        if doc[start].lower_ in pronouns:
            start += 1          # the pronoun opens the cue itself ("it gave her")
        reasons = vocabulary_words("outcome_of_it_reason_joiners")
        if doc[start - 1].lower_ not in pronouns or doc[start - 2].lower_ not in joiners | reasons:
            continue
        # a reason after a stop ("mmf stopped because it upset her stomach"): the stop's words
        # may stand between the treatment and the reason (h196, round 41)
        stop_words = vocabulary_words("outcome_of_it_stop_words") if doc[start - 2].lower_ in reasons else frozenset()
        at = start - 2
        if at > 0 and doc[at - 1].text == ",":
            at -= 1
        ent = next((e for e in reversed(treatments) if e.end <= at), None)
        if ent is None or ent.sent.start != doc[start].sent.start:
            continue
        # its dose, or when it was taken ("azathioprine at the start but it made her liver bad")
        times = vocabulary_words("outcome_of_it_time_words")
        if not all(dose_part(t) or t.like_num or t.lower_ in times or t.lower_ in stop_words for t in doc[ent.end:at]):
            continue
        if any(x.category.startswith("THERAPY_") and x.category != "THERAPY_DOSE" for x in ent._.modifiers):
            continue
        ent._.modifiers = tuple(ent._.modifiers) + (m,)
        graph.edges.append((ent, m))


_LIST_WORDS = frozenset({",", ";", "and", "or", "&", "+"})


def _joined_past_a_dose(between) -> bool:
    """Two list items joined by a comma or "and" with a dose, count or form of the first or
    the second between ("received albuterol nebulizers x3, ipratropium and oral
    dexamethasone": a note's list of doses given, after a cue of ``given_list_cues``; not a
    course "treated with" that goes on; ``list_item_form_words``; h131, round 28)."""
    forms = vocabulary_words("list_item_form_words")
    joined = False
    for token in between:
        if token.lower_ in _LIST_WORDS:
            joined = True
        elif not (dose_part(token) or token.lower_ in forms):
            return False
    return joined


def _already_had(modifier, modifiers, ent) -> bool:
    """A suggestion's hypothesis before a treatment that a cue after it says was already had
    ("they mentioned nelarabine but she already had that": metadata ``already``): it was taken,
    not planned."""
    return (modifier.category == "HYPOTHETICAL" and modifier.modifier_span[1] <= ent.start
            and any((m.rule.metadata or {}).get("already") and m.modifier_span[0] >= ent.end for m in modifiers))


def _too_early(doc, modifier) -> bool:
    """A failure cue said too early to tell (``status.too_early``: "Started on mycophenolate 3
    months ago, not much change yet"): dropped, so the treatment reads as taken."""
    return too_early(doc, modifier)


def _outside_a_question(doc, modifier) -> bool:
    """A cue that speaks only in a question (``"metadata": {"question": true}``: "are there car t
    trials for crohns or only lupus", the alternative asked about) outside one: "she has RA or
    maybe lupus" is the hedge's business, not this cue's. A sentence is a question when it ends
    with a question mark or opens with a ``question_openers`` word."""
    if not (modifier.rule.metadata or {}).get("question"):
        return False
    sentence = doc[modifier.modifier_span[0]].sent
    words = [t for t in sentence if not t.is_space]
    if not words:
        return True
    return not (words[-1].text in vocabulary_words("question_marks")
                or words[0].lower_ in vocabulary_words("question_openers"))


def _not_of_an_organ(modifier, ent) -> bool:
    """A cue said only of an organ (``"metadata": {"organ_only": true}``: "her kidneys are
    fine") after a disease named otherwise: "her lupus is fine at the moment" is lupus under
    control, not absent."""
    if not (modifier.rule.metadata or {}).get("organ_only"):
        return False
    return ent[-1].lower_ not in vocabulary_words("organ_cue_words")


def _negation_of_an_organ_before_its_cause(doc, modifier, ent) -> bool:
    """A negation of an organ's trouble does not reach the disease named as its cause right
    after it ("she doesnt have kidney problems from the lupus", "no lung problems so far with
    my scleroderma": the lupus and the scleroderma are had). The organ's mention stands
    between the cue and the disease, ended by a word of ``organ_cue_words``, and only
    ``organ_cause_words`` join them."""
    if modifier.category != "NEGATED_EXISTENCE" or ent.label_ != "CONDITION" or modifier.modifier_span[1] > ent.start:
        return False
    organs = vocabulary_words("organ_cue_words")
    organ = next((e for e in reversed(doc.ents) if e.label_ == "CONDITION" and modifier.modifier_span[1] <= e.start
                  and e.end <= ent.start), None)
    if organ is None or not ({t.lower_ for t in organ} & organs):
        return False
    joining = vocabulary_words("organ_cause_words")
    return all(t.lower_ in joining for t in doc[organ.end:ent.start]) and organ.end < ent.start


def _own_named_disease(doc, modifier, ent) -> bool:
    """A question or a hedge does not doubt a disease the writer names as someone's own with
    a possessive right before it (``own_disease_possessives``: "could that work for my
    lupus?", "would obinutuzumab work for her lupus nephritis?", "i think my myositis might
    be the anti-synthetase kind"): the question is about the treatment or the kind, the
    disease is had. Not a condition's "if" (``own_disease_conditions``: "if my leukaemia comes
    back") nor a hedge of what the disease is ("not sure if it's my lupus")."""
    if (modifier.category not in ("POSSIBLE_EXISTENCE", "HYPOTHETICAL") or ent.label_ != "CONDITION"
            or ent.start == 0 or doc[ent.start - 1].lower_ not in vocabulary_words("own_disease_possessives")):
        return False
    if ent[-1].lower_ in vocabulary_words("organ_cue_words"):
        return False    # "thinks my lupus has moved to my kidneys": the organ is no disease named as had (h130, round 28)
    start, end = modifier.modifier_span
    cue = {t.lower_ for t in doc[start:end]}
    if cue & vocabulary_words("own_disease_conditions"):
        return False
    # "not sure if its my lupus": a hedge of what the disease is (``own_disease_identity``
    # between), not of a treatment for it ("could help my scleroderma")
    return not (end <= ent.start and any(t.lower_ in vocabulary_words("own_disease_identity") for t in doc[end:ent.start]))


def _said_of_what_follows(doc, modifier, ent) -> bool:
    """A stop cue that reaches both ways (``stop_cues``: "stopped", "discontinued") with a treatment right after
    it is said of that treatment: "Still's disease, 24, stopped canakinumab" says nothing of
    the disease before it being over ("her seizures stopped" keeps its reach back); nor is
    one written right after a treatment ("SSc-ILD, MMF stopped due to progression"). A few
    words may stand between (``object_fillers`` in data/nlp/extraction.yaml: "stopped her
    MMF")."""
    if (modifier.category != "HISTORICAL" or modifier.direction.lower() != "bidirectional"
            or ent.end > modifier.modifier_span[0]
            or doc[modifier.modifier_span[0]:modifier.modifier_span[1]].text.lower() not in vocabulary_words("stop_cues")):
        return False
    if ent.label_ not in ("DRUG", "PROCEDURE") and any(
            t.ent_type_ in ("DRUG", "PROCEDURE") for t in doc[ent.end:modifier.modifier_span[0]]):
        return True     # "SSc-ILD, MMF stopped due to progression": the MMF's stop, not the disease's
    fillers = vocabulary_words("object_fillers")
    position = modifier.modifier_span[1]
    while position < len(doc) and doc[position].lower_ in fillers and not doc[position].ent_type_:
        position += 1
    return position < len(doc) and doc[position].ent_type_ in ("DRUG", "PROCEDURE")


def _stop_of_its_subject(doc, modifier, closes, ent) -> bool:
    """A stop cue written right after what it stopped (its subject: the mention just before it,
    in its sentence, nothing named between) is that mention's: in a medication line
    "adalimumab 80 mg weekly, azathioprine stopped 2016 (pancreatitis), budesonide 9 mg" only
    the azathioprine stopped. It reaches neither a treatment before the subject with more than
    list words between ("A and B stopped": both) nor one after a comma past it; a stop cue in
    the bracket after a habit ("ex-smoker (20 pack-years, stopped 2018), alcohol 6 units/week")
    reaches nothing past the bracket (h96, round 21). A stop cue in the bracket after a
    treatment still runs on through its list ("MMF (stopped 2022), azathioprine - deranged LFTs")."""
    if (modifier.category != "HISTORICAL" or modifier.direction.lower() != "bidirectional"
            or doc[modifier.modifier_span[0]:modifier.modifier_span[1]].text.lower() not in vocabulary_words("stop_cues")):
        return False
    start, end = modifier.modifier_span
    before = [e for e in doc.ents if e.end <= start]
    if not before:
        return False
    subject = before[-1]
    if subject == ent or (doc.has_annotation("SENT_START") and subject.sent.start != doc[start].sent.start):
        return False
    bracket = next((o for o, c in closes.items() if o < start and end <= c), None)
    if bracket is not None:
        # the cue in a bracket: the subject is what the bracket follows
        if subject.end != bracket or subject.label_ in _KINDS:
            return False
        return ent.start > closes[bracket]
    if start - subject.end > 0:
        return False    # words between: not written right after its subject
    if ent.end <= subject.start:
        return not _LIST_ONLY.fullmatch(doc.text, ent.end_char, subject.start_char)
    return ent.start >= end and "," in doc.text[doc[end - 1].idx:ent.start_char] and subject.label_ in _KINDS


def _result_of_a_nearer_mention(doc, modifier, ent) -> bool:
    """A result word written after a mention ("CNS negative.", "HIV negative") is that
    mention's, and a list's before it ("HBV, HCV and HIV negative"); it reaches no mention
    further back that more than list words part from the next: "Relapse 05/2026 - CNS
    negative." says the CNS is clear, not that there was no relapse (h96, round 21)."""
    if modifier.category != "NEGATED_EXISTENCE" or modifier.direction.upper() != "BACKWARD":
        return False
    start = modifier.modifier_span[0]
    if ent.end > start:
        return False
    # the mentions between that a result could be said of (not a treatment: "tested for TB
    # before starting rituximab and it was negative" is the TB's)
    between = [e for e in doc.ents if ent.end <= e.start and e.end <= start and e.label_ in _RESULT_HOLDERS]
    if not between:
        return False
    chain = [ent] + between
    # a result said of a whole list ("ANA, RF, anti-CCP, myositis panel and ANCA all negative";
    # ``"metadata": {"whole_list": true}``) reaches past a short item the pipeline does not know
    # (h136, round 29)
    join = _WHOLE_LIST_JOIN if (modifier.rule.metadata or {}).get("whole_list") else _LIST_JOIN
    return any(not join.fullmatch(doc.text, a.end_char, b.start_char) for a, b in zip(chain, chain[1:]))


_RESULT_HOLDERS = frozenset({"CONDITION", "INFECTION", "BIOMARKER", "LAB", "PREGNANCY"})
# only list words between two items ("MMF and azathioprine stopped", "MMF, azathioprine stopped")
_LIST_ONLY = re.compile(r"\s*[,;/]?\s*(?:(?:and|or|&|\+)\s+)?", re.IGNORECASE)


@dataclass(frozen=True)
class NewClauseWords:
    """``harm_in_a_new_clause`` in data/nlp/extraction.yaml."""
    subject_clause: re.Pattern
    stopped_for_it: re.Pattern


@lru_cache(maxsize=1)
def _new_clause_words() -> NewClauseWords:
    return regex_section(NewClauseWords, "harm_in_a_new_clause")


def _event_of_a_new_clause(doc, modifier, ent) -> bool:
    """An adverse event named after a treatment (a harm cue pointing back: "rash",
    "shingles") in a clause of its own with its own subject ("had a TB test before humira which
    was negative, and i had shingles last year"): not that treatment's harm. "upadacitinib
    (shingles)", "aza - pancreatitis", "rinvoq gave her shingles" keep it."""
    if (modifier.category != "THERAPY_INTOLERANT" or modifier.direction.lower() != "backward"
            or ent.label_ not in _KINDS or ent.end > modifier.modifier_span[0]):
        return False
    words = _new_clause_words()
    between = doc.text[ent.end_char:doc[modifier.modifier_span[0]].idx]
    if words.subject_clause.search(between) is None:
        return False
    after = doc.text[doc[modifier.modifier_span[1] - 1].idx:ent.sent.end_char if doc.has_annotation("SENT_START") else None]
    return words.stopped_for_it.search(after[:60]) is None


@dataclass(frozen=True)
class StatedClauseWords:
    """``hedge_ends_at_a_stated_clause`` in data/nlp/extraction.yaml."""
    opening: re.Pattern
    stated: re.Pattern
    own_clause: re.Pattern
    certain_before: re.Pattern
    result_after: re.Pattern


@lru_cache(maxsize=1)
def _stated_clause_words() -> StatedClauseWords:
    return regex_section(StatedClauseWords, "hedge_ends_at_a_stated_clause")


def _short_course_taken_now(modifier, modifiers, ent) -> bool:
    """A short course counted in days ("x4 days"; ``"metadata": {"short_course": true}``) of a
    treatment said to be taken right before it ("On dexamethasone 40 mg x4 days, IVIG planned
    tomorrow"): the course goes on, it is not said over (h176, round 37)."""
    return bool((modifier.rule.metadata or {}).get("short_course")) and any(
        m.category == "THERAPY_CURRENT" and m.modifier_span[1] <= ent.start and ent.start - m.modifier_span[1] <= 1
        for m in modifiers)


def _hedge_of_the_next_treatment(doc, modifier, ent) -> bool:
    """A hedge written between two treatments with no pause ("now on mycophenolate maybe
    rituximab next", "on infliximab possibly vedolizumab later") is the second one's: it does
    not reach back to the one before it, said as taken. One with nothing treated after it
    ("cellcept maybe? or azathioprine", "IVIG maybe next") keeps its reach back (h176, round 37)."""
    start, end = modifier.modifier_span
    if (modifier.category != "POSSIBLE_EXISTENCE" or modifier.direction.lower() != "bidirectional"
            or ent.label_ not in ("DRUG", "PROCEDURE") or ent.end > start or end >= len(doc)
            or any(t.text != "," for t in doc[ent.end:start])):
        return False    # ... or after a comma ("on mmf, pred, maybe rituximab next"; h181, round 38)
    return any(e.start == end and e.label_ in ("DRUG", "PROCEDURE") for e in doc.ents)


def _kind_of_a_study(doc, modifier, ent) -> bool:
    """A disease named right before the study word ("am i a candidate for any lupus trial",
    "are there crohns studies near me?"): the kind of study asked for, the writer's own
    illness, as "is there a trial for lupus?" tells it; the question is about the study, not
    the disease (``question_topic_studies``; h181, round 38)."""
    if modifier.category != "HYPOTHETICAL" or ent.label_ != "CONDITION" or ent.end >= len(doc):
        return False
    return doc[ent.end].lower_ in vocabulary_words("question_topic_studies")


def _hedge_of_the_next_condition(doc, modifier, ent) -> bool:
    """A hedge written between two illnesses with no pause ("lupus maybe sjogrens as well",
    "RA possibly psoriatic arthritis too") is the second one's, as between two treatments
    (``_hedge_of_the_next_treatment``): the first was said plainly (h181, round 38)."""
    start, end = modifier.modifier_span
    if (modifier.category != "POSSIBLE_EXISTENCE" or modifier.direction.lower() != "bidirectional"
            or ent.label_ != "CONDITION" or ent.end != start or end >= len(doc)):
        return False
    return any(e.start == end and e.label_ == "CONDITION" for e in doc.ents)


def _hedge_past_its_own_mention(doc, modifier, ent) -> bool:
    """A hedge written right after a mention ("rituximab maybe next") reaches back no further
    than that mention: not across a comma to what was listed before it ("mmf and pred,
    rituximab maybe next": the mmf and pred are taken; h181, round 38)."""
    start, end = modifier.modifier_span
    if (modifier.category != "POSSIBLE_EXISTENCE" or modifier.direction.lower() != "bidirectional"
            or ent.end >= start or (end < len(doc) and doc[end].text == "?")):
        return False    # "cellcept, azathioprine maybe?": a doubt over the list asked about
    own = next((e for e in doc.ents if e.end == start and e.label_ == ent.label_), None)
    if own is None or own.start <= ent.start:
        return False
    return any(t.text in (",", ";") for t in doc[ent.end:own.start])


def _hedge_before_a_stated_clause(doc, modifier, ent) -> bool:
    """A hedge said of something before a comma does not reach a disease that opens the next
    clause stated as known ("i think i might have psoriasis too, crohns 8 yrs", "not sure if
    its sjogrens, myositis definitely", "i think hes got pneumonia again, t-all relapsed in
    may"), nor a measured value or a test's result there ("could be crohns or uc, ...,
    calprotectin 900", "might have lupus, ANA positive, low C3"): the
    hedge has its own object before the comma (``opening``: the comma and a joining word at
    most before the mention), and the disease is followed by a duration, a diagnosis or a word
    of certainty (``stated``). "maybe lupus, or sjogrens" and "i think she has lupus, SLE
    with nephritis" keep it. A wish or plan (hypothetical) ends so too, and before a disease
    that ends the message as its tag ("we want to try for a baby next year, lupus")."""
    if (modifier.category not in ("POSSIBLE_EXISTENCE", "HYPOTHETICAL") or modifier.direction.lower() != "forward"
            or ent.label_ not in ("CONDITION", "LAB", "BIOMARKER") or ent.start <= modifier.modifier_span[1]):
        return False
    between = doc[modifier.modifier_span[1]:ent.start]
    commas = [t.i for t in between if t.text == ","]
    if not commas or commas[0] == modifier.modifier_span[1]:
        return False        # "maybe, lupus": the hedge's object is after the comma
    words = _stated_clause_words()
    between_text = doc.text[doc[modifier.modifier_span[1]].idx:ent.start_char]
    if ent.label_ == "CONDITION" and words.own_clause.search(between_text) is not None:
        return True     # "we want to try for a baby, she has lupus": a clause of its own says it
    if words.opening.search(between_text) is None:
        return False
    if ent.label_ == "LAB":
        return True         # a value measured in a clause of its own
    if ent.label_ == "BIOMARKER":
        # a test's result said in a clause of its own ("recently told i might have lupus, ANA
        # positive": the antibody is found, only the disease is hedged; h155, round 33)
        return words.result_after.match(doc.text[ent.end_char:ent.end_char + 20]) is not None
    if modifier.category == "HYPOTHETICAL":
        # a wish or a plan does not reach the disease that tags the message at its end ("we
        # want to try for a baby next year, lupus"); nor a stated one
        rest = doc.text[ent.end_char:]
        return not rest.strip(" .!\n\t") or words.stated.match(rest[:40]) is not None
    end = ent.sent.end_char if doc.has_annotation("SENT_START") else len(doc.text)
    return words.stated.match(doc.text[ent.end_char:end][:40]) is not None


def _hedge_after_a_stated_clause(doc, modifier, ent) -> bool:
    """A hedge said after a comma does not reach back to a disease of an earlier clause stated
    as sure ("shes def got myositis, maybe lupus too the docs arent sure", "RA for sure, maybe
    lupus overlap?"): a word of certainty before the disease in its clause (``certain_before``
    of ``hedge_ends_at_a_stated_clause``) or the ``stated`` words right after it (h140, round
    30). "lupus, not sure" and "maybe lupus, maybe sjogrens" keep it."""
    if (modifier.category != "POSSIBLE_EXISTENCE" or ent.label_ != "CONDITION"
            or modifier.modifier_span[0] < ent.end):
        return False
    between = doc[ent.end:modifier.modifier_span[0]]
    if not any(t.text in (",", ";") for t in between):
        return False
    words = _stated_clause_words()
    start = ent.start
    while start > ent.sent.start and doc[start - 1].text not in (",", ";", ".", "!", "?"):
        start -= 1
    before = doc.text[doc[start].idx:ent.start_char] if start < ent.start else ""
    if words.certain_before.search(before):
        return True
    return words.stated.match(doc.text[ent.end_char:ent.end_char + 40]) is not None


# cues that tell what became of a treatment in its own clause
_OWN_CLAUSE = frozenset({"THERAPY_FAILED", "THERAPY_INTOLERANT", "THERAPY_CURRENT", "HISTORICAL"})


def _cue_of_a_later_clause(doc, modifier, ent) -> bool:
    """A treatment with a word of going on right after it and a comma ("ivig monthly, mtx then
    mmf, neither helped his muscles") is a clause of its own: an order, stop or outcome said
    after the comma of the treatments named there is theirs, not its (``own_clause_going_on_words``;
    a bracket's schedule is no such clause: "IVIG (monthly since 2022), rituximab, without
    sustained benefit"; a word of the whole list keeps it: "..., nothing helped"; h196, round 41)."""
    if (modifier.category not in ("PRIOR", "HISTORICAL", "THERAPY_FAILED", "THERAPY_INTOLERANT")
            or ent.label_ not in _KINDS or modifier.modifier_span[0] < ent.end):
        return False
    start, end = modifier.modifier_span
    comma = next((t.i for t in doc[ent.end:start] if t.text == ","), None)
    if comma is None or comma == ent.end or any(t.text in "()" for t in doc[ent.end:comma]):
        return False
    if not any(t.lower_ in vocabulary_words("own_clause_going_on_words") for t in doc[ent.end:comma]):
        return False
    if not any(e.label_ in _KINDS and comma < e.start and e.end <= start for e in doc.ents):
        return False
    whole = vocabulary_words("whole_list_outcome_words") - vocabulary_words("pair_outcome_words")
    return not any(t.lower_ in whole for t in doc[max(0, start - 2):end])


def _stop_for_the_harm_of_the_next(doc, modifier, ent) -> bool:
    """A stop whose reason is a harm ("hcq, mmf stopped because of the diarrhoea", "asacol, aza
    stopped because of her liver", "hcq, aza, mmf stopped because it upset her stomach"): a
    harm is one treatment's, so the stop and the harm are the treatment's right before the
    stop; the items before it in a list of commas alone are taken (a stop with no harm keeps
    the list: "mtx, hcq, pred stopped in june"; "mtx and hcq stopped because of nausea" keeps
    both; h196, round 41)."""
    if modifier.category not in ("HISTORICAL", "THERAPY_INTOLERANT") or ent.label_ not in _KINDS:
        return False
    start = modifier.modifier_span[0]
    if start < ent.end:
        return False
    items = [e for e in doc.ents if e.label_ in _KINDS and ent.start <= e.start and e.end <= start]
    if len(items) < 2 or items[0] != ent:
        return False
    if not all(re.fullmatch(r"\s*,\s*", doc.text[a.end_char:b.start_char]) for a, b in zip(items, items[1:])):
        return False
    graph = doc_value(doc, "context_graph", None)
    cues = getattr(graph, "modifiers", None) or ()
    sentence = doc[start].sent.start if doc.has_annotation("SENT_START") else None

    def same_sentence(m) -> bool:
        return sentence is None or (ent.sent.start == sentence and doc[m.modifier_span[0]].sent.start == sentence)
    # the stop right after the last item ("mmf stopped"), then a harm after it in its sentence
    stops = [m for m in cues if m.category == "HISTORICAL" and m.modifier_span[0] >= items[-1].end
             and not doc.text[items[-1].end_char:doc[m.modifier_span[0]].idx].strip() and same_sentence(m)]
    return any(s.modifier_span[1] <= h.modifier_span[0] and same_sentence(h)
               and (modifier is s or modifier is h)
               for s in stops for h in cues if h.category == "THERAPY_INTOLERANT")


def _outcome_of_its_own_subject(doc, modifier, ent) -> bool:
    """A failure or a harm said right after a treatment of its own clause ("on pred and
    tacrolimus, rituximab didnt help", "HCQ and pred 10mg, aza made her liver go funny"): the
    treatments before the comma that have their own "current" cue ("on ...") or dose are
    taken, not failed; one whose own clause says what became of it before the comma
    ("anakinra worked for years but stopped, canakinumab gave him a bad reaction") keeps that. A bare list keeps the outcome's reach ("IFX, ADA, UST
    failed"; "tried MMF, rituximab didnt help either")."""
    start = modifier.modifier_span[0]
    if (modifier.category not in ("THERAPY_FAILED", "THERAPY_INTOLERANT")
            or modifier.direction.lower() not in ("backward", "bidirectional")
            or ent.label_ not in _KINDS or ent.end > start):
        return False      # a two-way cue after it reaches back too ("im on humira, methotrexate failed")
    subject = max((e for e in doc.ents if e.label_ in _KINDS and e.end <= start), key=lambda e: e.end, default=None)
    if subject is None or subject.start == ent.start or start - subject.end > 1:
        return False
    # taken: a "current" cue before it, or a dose of the list before the comma ("HCQ and pred
    # 10mg, aza made her liver go funny": the aza was not tolerated, the others are taken)
    comma = next((t.i for t in doc[ent.end:subject.start] if t.text == ","), None)
    if comma is None or any(t.lower_ in vocabulary_words("whole_list_outcome_words")
                            for t in doc[start:modifier.modifier_span[1]]):
        return False        # "..., all failed": the whole list's
    if any(m is not modifier and m.category in _OWN_CLAUSE and ent.end <= m.modifier_span[0]
           and m.modifier_span[1] <= comma for m in ent._.modifiers):
        # its own clause said what became of it before the comma ("anakinra worked for years
        # but stopped, canakinumab gave him a bad reaction"): the next one's harm is not its
        return True
    if any(m.category == "THERAPY_CURRENT" and m.modifier_span[0] < ent.start for m in ent._.modifiers):
        return True
    own_verb = start == subject.end     # the next treatment opens its own clause: "aza gave me ..."
    if own_verb and any(t.lower_ in vocabulary_words("own_clause_going_on_words") for t in doc[ent.end:comma]):
        return True     # "mesalazine forever, aza gave me pancreatitis": taken on and on (h196, round 41)
    # a comma list before the outcome's own treatment holds a dose ("benlysta, mmf 2g, hcq made
    # his eyes bad"): the items taken, as "HCQ and pred 10mg, aza made her liver go funny"
    last = max(t.i for t in doc[ent.end:subject.start] if t.text == ",")
    if own_verb and last > comma and all(t.text == "," or t.lower_ in ("and", "&", "+") or t.ent_type_ in _KINDS or dose_part(t)
                            for t in doc[ent.end:last]) and any(
            m.category == "THERAPY_DOSE" and ent.end <= m.modifier_span[0] and m.modifier_span[1] <= last
            for e in doc.ents if e.label_ in _KINDS and ent.end <= e.start < last for m in e._.modifiers):
        return True
    # the list before the comma ("HCQ and pred 10mg", "MMF 2g and HCQ"), joined by "and",
    # holds a dose
    def joined(t) -> bool:
        return t.lower_ in ("and", "&", "+") or t.ent_type_ in _KINDS or dose_part(t)
    if not all(joined(t) for t in doc[ent.end:comma]):
        return False
    first = ent.start
    while first > 0 and joined(doc[first - 1]):
        first -= 1
    return any(m.category == "THERAPY_DOSE" and first <= m.modifier_span[0] and m.modifier_span[1] <= comma
               for e in doc.ents if e.label_ in _KINDS and first <= e.start < comma for m in e._.modifiers)


def _outcome_of_a_named_again(doc, modifier, ent) -> bool:
    """A failure or a harm said after a treatment named again, after a list that held it
    ("she's had anakinra, tocilizumab, canakinumab - anakinra caused bad injection site
    reactions so she stopped"): the outcome is the one named again's, not the others' of the
    list (lead, round 32). Only within a sentence; the mention named again is the nearest
    treatment before the cue."""
    start = modifier.modifier_span[0]
    if (modifier.category not in ("THERAPY_FAILED", "THERAPY_INTOLERANT")
            or modifier.direction.lower() not in ("backward", "bidirectional")
            or ent.label_ not in _KINDS or ent.end > start):
        return False
    cue_at = doc[start].idx
    before = [e for e in doc.ents if e.label_ in _KINDS and e.end <= start
              and not _SENTENCE_BREAK.search(doc.text, e.start_char, cue_at)]     # its own sentence only
    if len(before) < 2 or ent not in before:
        return False
    subject = before[-1]
    if subject.start == ent.start:
        return False
    named = subject.kb_id_ or subject.text.casefold()
    same = [e for e in before[:-1] if (e.kb_id_ or e.text.casefold()) == named]
    return bool(same) and (ent.kb_id_ or ent.text.casefold()) != named


_SENTENCE_BREAK = re.compile(r"[.;!?\n]")
_NEW_ITEM = frozenset({"HISTORICAL", "THERAPY_CURRENT", "PRIOR"})
_OWN_CUE_GAP = 4    # words between a treatment and the outcome said of it ("which she couldn't tolerate")


def _onset_age_of_a_diagnosis(doc, modifier, ent) -> bool:
    """"She was diagnosed with SLE when she was 15", "diagnosed with lupus at age 20": the age
    the illness began, not an illness of the past (as "diagnosed with Still's disease at 30"
    is read); a diagnosis word stands a few words before the disease in its clause (lead, round 35)."""
    if modifier.category != "HISTORICAL" or ent.label_ != "CONDITION" or modifier.rule.literal not in _AGE_CUES:
        return False
    if modifier.modifier_span[0] < ent.end:
        return False
    if ent.text.lower() in vocabulary_words("event_words"):
        return False    # "got a stroke when i was 40": an event of then (lead, round 37)
    before = doc[max(ent.sent.start, ent.start - 4):ent.start]
    return any(t.lower_ in vocabulary_words("time_diagnosis_words") for t in before) and not any(
        t.text in (",", ";", ".") for t in doc[ent.end:modifier.modifier_span[0]])


_AGE_CUES = frozenset({"when I was N", "at age N"})


def _time_of_another_item(doc, modifier, modifiers, ent) -> bool:
    """A list item's own time is not the item's before or after the comma ("on mtx, pred in
    the past": the methotrexate is taken now, the pred was taken before; lead, round 35): a
    past cue said right after the next item's treatment stops at the comma before a treatment
    said to be taken now, and a "now on" cue of the item before stops at the comma before a
    treatment with its own past cue. "MMF, azathioprine and rituximab in the past" stays a
    list, all past."""
    start, end = modifier.modifier_span
    if ent.label_ not in _KINDS:
        return False
    if (modifier.category == "HISTORICAL" and modifier.direction.lower() in ("backward", "bidirectional")
            and ent.end <= start):
        if not any(m.category == "THERAPY_CURRENT" and m.modifier_span[1] <= ent.start
                   and (m.modifier_span[0] == 0 or doc[m.modifier_span[0] - 1].ent_type_ != "CONDITION")
                   for m in modifiers):
            # "MMF, azathioprine and rituximab in the past": a list, all of it past; "the DVT on
            # tofacitinib, upadacitinib was stopped": an event on a drug, no "now on"
            return False
        comma = next((t.i for t in doc[ent.end:start] if t.text == ","), None)
        return comma is not None and any(e.label_ in _KINDS and comma < e.start and e.end <= start and start - e.end <= 1
                                         for e in doc.ents)
    if modifier.category == "THERAPY_CURRENT" and modifier.direction.lower() == "forward" and end <= ent.start:
        if not any(t.text == "," for t in doc[end:ent.start]):
            return False
        return any(m.category == "HISTORICAL" and m.modifier_span[0] >= ent.end and m.modifier_span[0] - ent.end <= 1
                   for m in modifiers)
    return False


def _past_before_a_treated_disease(doc, modifier, ent) -> bool:
    """A past cue of an earlier list item reaches no disease after a comma that is said to be
    treated now ("had covid in may, lupus on benlysta", "had flu last month, crohns on
    stelara": the lupus and the Crohn's go on; lead, round 35)."""
    start, end = modifier.modifier_span
    if modifier.category != "HISTORICAL" or ent.label_ != "CONDITION" or end > ent.start:
        return False
    if not any(t.text in (",", ";") for t in doc[end:ent.start]):
        return False
    return any(e.label_ in _KINDS and e.start == ent.end + 1 and doc[ent.end].lower_ == "on"
               and any(m.category == "THERAPY_CURRENT" and m.modifier_span[0] == ent.end for m in e._.modifiers)
               for e in doc.ents)


def _outcome_before_a_new_item(doc, modifier, modifiers, ent) -> bool:
    """A failure or a harm said after a treatment reaches no treatment after it that a cue of
    its own opens as the next item ("then mycophenolate which she couldn't tolerate because of
    the sickness, then they gave her cyclophosphamide infusions": the cyclophosphamide was
    tolerated as far as the words say; lead, round 32). Only when the cue has a treatment of
    its own before it in the sentence."""
    start, end = modifier.modifier_span
    if (modifier.category not in ("THERAPY_FAILED", "THERAPY_INTOLERANT")
            or modifier.direction.lower() != "bidirectional" or ent.start < end
            or ent.label_ not in _KINDS):
        return False
    # its own treatment right before it ("mycophenolate which she couldn't tolerate"); a cue
    # naming what follows ("no complete remission after two courses of induction") is not one
    if not any(e.label_ in _KINDS and e.end <= start and start - e.end <= _OWN_CUE_GAP
               and not any(t.text in (",", ";", ".") for t in doc[e.end:start]) for e in doc.ents):
        return False
    return any(m is not modifier and m.category in _NEW_ITEM and m.direction.lower() == "forward"
               and end <= m.modifier_span[0] and m.modifier_span[1] <= ent.start for m in modifiers)


def _current_of_an_earlier_clause(doc, modifier, modifiers, ent) -> bool:
    """A "current" cue of the treatment before a comma, reaching a treatment after it whose own
    outcome, said in the past, follows it at once ("she is on mmf, ritux didnt help", "He's on
    anakinra daily, canakinumab didnt work for him"): the later one was tried and failed, it is
    not taken now. The mirror of ``_outcome_of_its_own_subject``. An outcome said in the present
    ("on mmf, ritux isnt helping") keeps the cue; so does a bare list after the cue ("currently
    on MMF, HCQ")."""
    if modifier.category != "THERAPY_CURRENT" or ent.label_ not in _KINDS or modifier.modifier_span[1] > ent.start:
        return False
    cue_end = modifier.modifier_span[1]
    comma = next((t.i for t in reversed(doc[cue_end:ent.start]) if t.text == ","), None)
    if comma is None or not any(e.label_ in _KINDS and cue_end <= e.start and e.end <= comma for e in doc.ents):
        return False        # the cue's own object stands before the comma
    past = vocabulary_words("failing_said_past")
    whole = vocabulary_words("whole_list_outcome_words")
    for m in modifiers:
        start, end = m.modifier_span
        if m.category not in ("THERAPY_FAILED", "THERAPY_INTOLERANT") or not 0 <= start - ent.end <= 1:
            continue
        words = [t.lower_ for t in doc[start:end]]
        if any(w in whole for w in words):
            return False    # "on mmf, ritux and aza, none helped": the whole list's
        return any(w in past for w in words) or m.category == "THERAPY_INTOLERANT"
    return False


def _after_its_result(doc, modifier, modifiers, closes: dict[int, int], ent) -> bool:
    """A hypothesis or a hedge in a bracket after a finding, said of the bracket's own
    treatment beside it ("latent TB (isoniazid prophylaxis)", "lupus (maybe rituximab
    next?)"), or a hypothesis after a result said of the finding ("anti-HBc positive (on
    entecavir prophylaxis)"): the prophylaxis is given because the finding is real; neither
    makes the finding a hypothesis or a doubt ("hep B (probably, on entecavir)" still doubts
    the hepatitis)."""
    start, end = modifier.modifier_span
    bracket = _bracket_after(modifier.modifier_span, closes, ent)
    if bracket is None:
        return False
    open_, close = bracket
    if ent.label_ not in _KINDS and any(
            open_ < other.start and other.end <= close and other.label_ in _KINDS
            and (start - 1 <= other.end <= start or end <= other.start <= end + 1) for other in doc.ents):
        return True     # the cue is said of the treatment beside it
    return modifier.category == "HYPOTHETICAL" and any(
        m.category == "RESULT_POSITIVE" and ent.end <= m.modifier_span[0] and m.modifier_span[1] <= open_
        for m in modifiers)


def _aside_of_its_own(doc, span: tuple[int, int], closes: dict[int, int], ent) -> bool:
    """The cue sits in a bracket written after ``ent`` that names something of its own:
    "tried rituximab (maybe CAR-T next?)" hedges the CAR-T, not the rituximab; a bracket with
    no mention of its own ("azathioprine (not tolerated)", "MMF (maybe?)") still speaks of
    what comes before it (lead, round 17)."""
    bracket = _bracket_after(span, closes, ent)
    if bracket is None:
        return False
    open_, close = bracket
    kind = _KINDS.get(ent.label_, ent.label_)
    return any(open_ < other.start and other.end <= close and _KINDS.get(other.label_, other.label_) == kind
               for other in doc.ents if other is not ent)


def _bracket_after(span: tuple[int, int], closes: dict[int, int], ent) -> tuple[int, int] | None:
    """The bracket (its "(" and ")" token indexes) holding the cue at ``span``, opened after
    ``ent``; None when the cue is in no such bracket."""
    start, end = span
    return next(((open_, close) for open_, close in closes.items()
                 if open_ < start and end <= close and ent.end <= open_), None)


def _past_of_a_later_treatment(doc, modifier, ent) -> bool:
    """A past cue of order or time (``past_of_a_later_treatment`` of extraction.yaml) written
    after a treatment that stands in a clause of its own after a condition says when the
    treatment was, not the condition: "CML in chronic phase, hydroxy
    before imatinib", "for my RA, 47, also sulfasalazine in the past" (round 15)."""
    start = modifier.modifier_span[0]
    if (modifier.category != "HISTORICAL" or ent.label_ != "CONDITION" or start < ent.end
            or modifier.rule.literal.lower() not in vocabulary_words("past_of_a_later_treatment")):
        return False
    treatments = [e for e in doc.ents if e.label_ in ("DRUG", "PROCEDURE") and ent.end <= e.start and e.end <= start]
    return bool(treatments) and any(t.text == "," for t in doc[ent.end:treatments[0].start])


@lru_cache(maxsize=1)
def _dated_before_bracket() -> re.Pattern:
    return regex_section(DateHedgeWords, "hedged_date").time_before


@dataclass(frozen=True)
class DateHedgeWords:
    """``hedged_date`` in data/nlp/extraction.yaml."""
    time_before: re.Pattern


def _hedge_of_a_date(doc, modifier, closes: dict[int, int], ent) -> bool:
    """A hedge in a bracket right after the time of a mention doubts the time, not the mention:
    "she has lupus since 2015 (not sure exactly)" has lupus (lead, round 28)."""
    if modifier.category != "POSSIBLE_EXISTENCE":
        return False
    bracket = _bracket_after(modifier.modifier_span, closes, ent)
    if bracket is None:
        return False
    between = doc.text[ent.end_char:doc[bracket[0]].idx]
    return _dated_before_bracket().fullmatch(between) is not None


def _question_before_bracket(doc, modifier, closes: dict[int, int], ent) -> bool:
    """A question mark ends its question: a mention in a bracket opened after it is a remark
    of its own ("is that ok for the study? (SLE, mmf 2g)": the SLE is no question; round 15)."""
    start, end = modifier.modifier_span
    if modifier.category != "POSSIBLE_EXISTENCE" or doc[start:end].text != "?" or end > ent.start:
        return False
    return any(end <= open_ < ent.start and ent.end <= close for open_, close in closes.items())


def _measured_in_bracket(modifier, closes: dict[int, int], ent) -> bool:
    """A lab or score in a bracket opened after a negation says what was measured, it is no
    absence: "Not fit for intensive chemotherapy (ECOG 2, LVEF 45%)", "no fever (temp 37.4)"
    (h76, round 17)."""
    if modifier.category != "NEGATED_EXISTENCE" or ent.label_ not in ("LAB", "SCORE"):
        return False
    end = modifier.modifier_span[1]
    return end <= ent.start and any(end <= open_ < ent.start and ent.end <= close for open_, close in closes.items())


def _older_value_in_bracket(doc, modifier, closes: dict[int, int], ent) -> bool:
    """A time cue inside a bracket that opens after the value's own number is of the older value
    the bracket gives: "CK 1,450 today (4,800 at diagnosis)", "CK 210 U/L (peak 4800 at
    presentation)": today's CK, not one of then (h121, round 26). A bracket right after the
    name ("CK (at diagnosis) 4,800") still dates it."""
    if modifier.category != "HISTORICAL" or ent.label_ not in ("LAB", "SCORE"):
        return False
    start = modifier.modifier_span[0]
    for open_, close in closes.items():
        if ent.end < open_ < start and start < close:
            between = doc[ent.end:open_]
            return any(t.like_num or any(c.isdigit() for c in t.text) for t in between) and not any(
                t.is_sent_start or t.text in (";", "\n") for t in between)
    return False


# mentions of one kind for ``_aside_of_its_own`` (a treatment in the bracket of a treatment;
# "asthma (salbutamol prn)" is the asthma's own treatment, and the bracket still speaks of it)
_KINDS = {"DRUG": "therapy", "PROCEDURE": "therapy"}


def _possessed(doc, span: tuple[int, int]) -> bool:
    """A relative's cue written with "my"/"our" ("(my nephew)": who the one described is to
    the writer); a bare one in a family history ("FHx: SLE (sister), RA (mother)") labels a
    list and keeps its reach."""
    return span[0] > 0 and doc[span[0] - 1].lower_ in relations().possessives


def _renames_a_relative(doc, span: tuple[int, int], closes: dict[int, int]) -> bool:
    """A relative's cue in a bracket right after the patient's relative, naming who that one is
    to the writer ("my mum has lupus, her sister (my aunt) has RA"): the aunt is the patient's
    sister, family still; "the patient (my nephew)" is who the patient is (``_possessed``)."""
    opening = next((o for o, c in closes.items() if o < span[0] and c >= span[1]), None)
    if opening is None or opening < 2:
        return False
    owner, named = doc[opening - 2], doc[opening - 1]
    return owner.lower_ in ("her", "his", "their") and relations().relation_of(named.text) is not None


def _closing_brackets(doc) -> dict[int, int]:
    """token index of each "(" -> index of the ")" that closes it."""
    opened, pairs = [], {}
    for token in doc:
        if token.text == "(":
            opened.append(token.i)
        elif token.text == ")" and opened:
            pairs[opened.pop()] = token.i
    return pairs


def _closed_before(span: tuple[int, int], closes: dict[int, int], target: int) -> bool:
    """The cue at ``span`` lies inside a bracket pair whose ")" comes before token ``target``."""
    start, end = span
    return any(open_ < start and end <= close < target for open_, close in closes.items())


def _outcome_of_it_before_another(doc, modifier, ent) -> bool:
    """An outcome said of "it" after a list ("had cyclophosphamide and mmf, now on rituximab but
    it isnt working") is the nearest treatment's only (``outcome_of_it_singular`` in the cue;
    lead, round 40)."""
    if modifier.category not in ("THERAPY_INTOLERANT", "THERAPY_FAILED") or ent.label_ not in _KINDS:
        return False
    start, end = modifier.modifier_span
    if ent.end > start:
        return False
    singular, verbs = vocabulary_words("outcome_of_it_singular"), vocabulary_words("outcome_of_it_verbs")
    words = [t.lower_ for t in doc[start:end]]
    at = next((i for i, w in enumerate(words[:3]) if w in singular), None)
    if at is None or not any(w in verbs for w in words[at + 1:]):
        return False        # "... asparaginase chemo but its back": "it" is the disease
    return _treatments_between(doc, ent, start) >= 1


def _both_of_the_two_before(doc, modifier, ent) -> bool:
    """An outcome of "both" said after a list ("tried hcq, azathioprine, then rituximab and
    tocilizumab which both failed") is the two items right before it only (``pair_outcome_words``
    in the cue or the two words before it; lead, round 40)."""
    if modifier.category not in ("THERAPY_INTOLERANT", "THERAPY_FAILED") or ent.label_ not in _KINDS:
        return False
    start, end = modifier.modifier_span
    if ent.end > start or not any(t.lower_ == "both" for t in doc[max(0, start - 2):end]):
        return False
    return _treatments_between(doc, ent, start) >= 2


def _treatments_between(doc, ent, start: int) -> int:
    """How many treatments stand between the mention ``ent`` and the token ``start`` after it."""
    return sum(1 for e in doc.ents if e.label_ in _KINDS and ent.end <= e.start and e.end <= start)


# what a bracket after one treatment of a list says of that treatment alone
_BRACKET_REMARKS = frozenset({"THERAPY_INTOLERANT", "THERAPY_FAILED", "THERAPY_DOSE", "THERAPY_CURRENT", "HISTORICAL"})


def _outcome_of_a_bracketed_treatment(doc, modifier, closes, ent) -> bool:
    """An outcome written in a bracket right after a treatment is that treatment's only
    ("been through mesalazine, azathioprine (made me sick), infliximab": the azathioprine was
    not tolerated, not the mesalazine) when the list goes on after it, unless the bracket
    speaks of the whole list (``whole_list_outcome_words``: "infliximab, adalimumab (both
    failed), ustekinumab"). The same for a dose or a time in the bracket ("methotrexate, IVIG
    (monthly since 2021), rituximab": the IVIG is monthly and current, not the methotrexate;
    lead, round 40)."""
    if modifier.category not in _BRACKET_REMARKS or ent.label_ not in _KINDS:
        return False
    start, end = modifier.modifier_span
    open_ = next((o for o, c in closes.items() if o < start and end <= c), None)
    if open_ is None or open_ < ent.end:
        return False
    before = open_ - 1
    while before >= ent.end and dose_part(doc[before]):
        before -= 1                 # a dose or a year between ("rituximab 1g x2 (rash)")
    if before < ent.end or doc[before].ent_type_ not in _KINDS:
        return False
    words = vocabulary_words("whole_list_outcome_words")
    if any(t.lower_ in words for t in doc[open_ + 1:closes[open_]]):
        return False
    # a bracket in the middle of the list, another item after its comma; one closing the
    # list ("Anakinra, canakinumab and tocilizumab (anaphylaxis)") may speak of all of it
    after = closes[open_] + 1
    if after + 1 >= len(doc) or doc[after].text not in (",", ";"):
        return False
    following = after + 1       # "(made me sick), then tacrolimus": the list goes on
    fillers = vocabulary_words("list_next_words")
    while following < len(doc) and following - after <= 3 and doc[following].lower_ in fillers:
        following += 1
    return following < len(doc) and doc[following].ent_type_ in _KINDS


# what a work-up reports, after the colon that closes the disease it rules out
_RESULT_LABELS_OF_A_WORKUP = frozenset({"BIOMARKER", "LAB"})


def _result_of_a_workup(doc, modifier, ent) -> bool:
    """A hedge that names the disease a work-up rules out, before a colon that opens the
    work-up's results ("w/u to r/o SLE: ANA + 1:640, C3 0.62", "Workup for lupus: ANA
    positive"): the tests were done and say what they found; only the disease is in doubt
    (h131, round 28). Not a list of diseases after the colon ("r/o: TB, lymphoma")."""
    if modifier.category != "POSSIBLE_EXISTENCE" or ent.label_ not in _RESULT_LABELS_OF_A_WORKUP:
        return False
    end = modifier.modifier_span[1]
    if not end <= ent.start:
        return False
    colon = next((t.i for t in doc[end:ent.start] if t.text == ":"), None)
    return colon is not None and any(
        end <= other.start and other.end <= colon and other.label_ in ("CONDITION", "INFECTION") for other in doc.ents)


def _condition_after_a_status_post_item(doc, modifier, ent) -> bool:
    """An "s/p" reaches the procedures listed after it, not an illness that a comma sets after
    its item in a problem list ("60 yo M, COPD, CAD s/p CABG, DM2, presented with ...": the
    diabetes goes on; "s/p splenectomy, failed romiplostim": a list of what was done). An
    illness right after it ("s/p MI", "s/p CVA") stays of then (h131, round 28)."""
    if modifier.category != "HISTORICAL" or ent.label_ not in ("CONDITION", "INFECTION"):
        return False
    start, end = modifier.modifier_span
    if doc[start:end].text.lower() not in vocabulary_words("status_post_cues") or end > ent.start:
        return False
    return any(t.text in (",", ";") for t in doc[end:ent.start])


def _denied_change_of_a_finding(doc, modifier, ent) -> bool:
    """A negation of a change said of a finding right after its name ("denies Raynaud's
    worsening", "no lupus flares since March"): the finding is there, only the change is
    denied (``negated_change_words``; h131, round 28)."""
    if modifier.category != "NEGATED_EXISTENCE" or modifier.modifier_span[1] > ent.start or ent.end >= len(doc):
        return False
    return doc[ent.end].lower_ in vocabulary_words("negated_change_words")


def _denied_flare_before(doc, modifier, ent) -> bool:
    """A negation of a flare verb reaches nothing after the verb ("my UC has not flared in 3
    years on vedolizumab", "hasnt flared once since she started benlysta"): what is denied is
    the flare; the treatment after it is taken (``negated_flare_verbs``, fillers
    ``negated_flare_fillers`` between; h140, round 30). So too a level denied ("the platelets
    never go above 30 even with eltrombopag": ``negated_level_verbs`` + ``negated_level_bounds``)."""
    if modifier.category != "NEGATED_EXISTENCE" or modifier.modifier_span[1] > ent.start:
        return False
    verbs, fillers = vocabulary_words("negated_flare_verbs"), vocabulary_words("negated_flare_fillers")
    position = modifier.modifier_span[1]
    while position < ent.start and doc[position].lower_ in fillers:
        position += 1
    if position < ent.start and doc[position].lower_ in verbs:
        return True
    # a level denied ("platelets never go above 30 even with eltrombopag"): the bound's, not the treatment's
    return (position + 1 < ent.start and doc[position].lower_ in vocabulary_words("negated_level_verbs")
            and doc[position + 1].lower_ in vocabulary_words("negated_level_bounds"))


def _denied_failure(doc, modifier) -> bool:
    """A failure cue denied by the words right before it ("no flares on mmf", "she hasnt had any
    flares on benlysta"): the treatment holds the disease, it did not fail
    (``denied_failure_words`` within ``denied_failure_window`` tokens before, no punctuation
    between; h140, round 30)."""
    if modifier.category != "THERAPY_FAILED":
        return False
    start, end = modifier.modifier_span
    despite = set((vocabulary().get("failing_despite") or {}).get("cues") or ()) - {"in"}
    if any(t.lower_ in despite for t in doc[start:end]):
        return False    # "no response despite prednisolone, IVIG and romiplostim": the denial is the failure (lead, round 33)
    words = vocabulary_words("denied_failure_words")
    window = int(vocabulary().get("denied_failure_window") or 0)
    for i in range(start - 1, max(-1, start - 1 - window), -1):
        if doc[i].is_punct:
            return False
        if doc[i].lower_ in words:
            return True
    return False


def _failure_of_the_next_item(doc, modifier, ent) -> bool:
    """A failure cue that opens a list item of its own, with its treatment right after it,
    after a comma ("s/p splenectomy, failed romiplostim and eltrombopag"): said of what it
    names, not of the item before the comma (the splenectomy was done; whether it worked the
    words do not say; h131, round 28). "rituximab, failed" (nothing after) keeps its reach."""
    start, end = modifier.modifier_span
    if modifier.category != "THERAPY_FAILED" or ent.end > start or end >= len(doc):
        return False
    if not any(t.text in (",", ";") for t in doc[ent.end:start]):
        return False
    fillers = vocabulary_words("object_fillers")
    position = end
    while position < len(doc) and doc[position].lower_ in fillers and not doc[position].ent_type_:
        position += 1
    return position < len(doc) and doc[position].ent_type_ in ("DRUG", "PROCEDURE")


def _failure_before_an_own_outcome(doc, modifier, ent) -> bool:
    """A failure cue before a list reaches no later item when an outcome word follows the
    list's first item in the later item's sentence ("Failed methotrexate, then etanercept with
    a good response", "Refractory to R-CHOP, then R-ICE with complete remission and ASCT"):
    the later items worked (``own_outcome_words``, not after ``own_outcome_denied_by``: "with
    no response" keeps the failure; h141, round 30). The first item keeps the cue."""
    start, end = modifier.modifier_span
    if modifier.category != "THERAPY_FAILED" or end > ent.start or modifier.direction.upper() == "BACKWARD":
        return False
    first = next((e for e in doc.ents if e.start >= end and e.label_ in ("DRUG", "PROCEDURE")), None)
    if first is None or first.start >= ent.start:
        return False
    sentence = ent.sent
    stop = next((t.i for t in doc[ent.end:sentence.end] if t.text in (";", ".")), sentence.end)
    words = vocabulary_words("own_outcome_words")
    denied = vocabulary_words("own_outcome_denied_by")
    return any(t.lower_ in words and not any(d.lower_ in denied for d in doc[max(first.end, t.i - 3):t.i])
               for t in doc[first.end:stop])


def _negation_before_a_new_verb(doc, modifier, ent) -> bool:
    """A negation before a first verb reaches no mention after "and" or "but" and a second
    verb of its own ("He has never smoked and drinks 2 glasses of wine a week", "does not
    smoke but uses cannabis"): a new clause, said plainly (``new_clause_verbs``; h131, round
    28)."""
    start, end = modifier.modifier_span
    if modifier.category != "NEGATED_EXISTENCE" or end > ent.start:
        return False
    verbs = vocabulary_words("new_clause_verbs")
    between = doc[end:ent.start]
    # the verb may open the mention itself ("and drinks wine": the mention "drinks wine")
    return any(t.lower_ in ("and", "but") and t.i + 1 <= ent.start and doc[t.i + 1].lower_ in verbs for t in between)


def _answer_no_before_a_report(doc, modifier, ent) -> bool:
    """A "no" opening a reply, then a clause of its own that reports what is so ("no it
    started when i was 12 so they said systemic jia", "no they said its systemic jia"): the
    "no" answers the question asked, the clause after it says what the person has
    (``answer_no_words``, ``answer_report_subjects``, ``answer_report_verbs``; h165, round 35)."""
    start, end = modifier.modifier_span
    if modifier.category != "NEGATED_EXISTENCE" or end > ent.start or start != ent.sent.start:
        return False
    if doc[start:end].text.lower() not in vocabulary_words("answer_no_words"):
        return False
    subjects, verbs = vocabulary_words("answer_report_subjects"), vocabulary_words("answer_report_verbs")
    between = doc[end:ent.start]
    return any(t.lower_ in subjects and t.i + 1 < ent.start and doc[t.i + 1].lower_ in verbs for t in between)


def _result_without_its_test(modifier, modifiers) -> bool:
    """A result that needs a test before it (``"metadata": {"after_test": true}``: "... and found
    nothing") says nothing of a mention no test cue looked for ("she has lupus and found
    nothing helps")."""
    return bool((modifier.rule.metadata or {}).get("after_test")) and not any(
        m.category == "POSSIBLE_EXISTENCE" and (m.rule.metadata or {}).get("test") for m in modifiers)


def _reason_after_negation(doc, modifier, ent) -> bool:
    """A negation reaches nothing past the reason it gives (``negation_reason_words``: "not
    on any immunosuppressants currently due to recurrent infections": the infections are had)."""
    if modifier.category != "NEGATED_EXISTENCE" or modifier.modifier_span[0] >= ent.start:
        return False
    words = vocabulary_words("negation_reason_words")
    between = " " + " ".join(t.lower_ for t in doc[modifier.modifier_span[0]:ent.start]) + " "
    return any(f" {w} " in between for w in words)


def _anchor_after_negation(doc, modifier, ent) -> bool:
    """A negation reaches nothing past the time it counts from (``negation_anchor_words``:
    "No chemo since the first cancer in 2015", "no steroids since her lupus was diagnosed":
    the cancer and the lupus are had; what is denied is the treatment since then), nor past
    what a denied treatment is for (``negation_treatment_words`` or a treatment named, then
    "for": "no chemo for the lymphoma so far", "No treatment for advanced disease yet")."""
    if modifier.category != "NEGATED_EXISTENCE" or modifier.modifier_span[0] >= ent.start:
        return False
    tokens = doc[modifier.modifier_span[1]:ent.start]
    between = " " + " ".join(t.lower_ for t in tokens) + " "
    if any(f" {w} " in between for w in vocabulary_words("negation_anchor_words")):
        return True
    # "no chemo for the lymphoma": what the denied treatment is for is had
    treatments = vocabulary_words("negation_treatment_words")
    for i, token in enumerate(tokens):
        if token.lower_ == "for" and i and any(t.lower_ in treatments or t.ent_type_ in ("DRUG", "PROCEDURE")
                                                for t in tokens[:i]):
            return True
    return False


def _dose_of_the_next_treatment(doc, modifier, ent) -> bool:
    """A dose written right before a treatment is that treatment's ("on methotrexate and
    monthly IVIG, still weak": the monthly is the IVIG's; the methotrexate keeps its failure)."""
    if modifier.category != "THERAPY_DOSE" or ent.label_ not in _KINDS:
        return False
    start, end = modifier.modifier_span
    return ent.end <= start and end < len(doc) and doc[end].ent_type_ in _KINDS and doc[end].i >= ent.end


def _own_current_after(modifiers, ent) -> bool:
    """The mention says after itself that it is taken now ("anakinra (rash, stopped),
    tocilizumab current"): a past cue inside a bracket before it was the bracket's treatment's."""
    return any(m.category == "THERAPY_CURRENT" and m.modifier_span[0] >= ent.end for m in modifiers)
