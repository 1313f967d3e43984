"""Episodes of an illness told with what was done for them and how they ended.

* An episode with what was done for it in the bracket after it, and then an outcome ("MAS 2022
  (ICU, etoposide), resolved", "Herpes zoster 2025 (aciclovir), resolved", "Neutropenic sepsis
  (E. coli bacteraemia, ITU) 07/2026, resolved"): the episode is over, and the treatments in
  the bracket with it (``episode_treatments``; extraction.yaml ``episode_bracket``).
* A dated illness that another came after ("AML (2024) after MDS (2021; azacitidine x 14
  cycles)", "therapy-related AML (2026) after breast cancer 2019"): the earlier illness is of
  then (``after_an_earlier_illness``; extraction.yaml ``earlier_illness_words``).
(h156, round 33)
* A disease status told with the treatments it came after and their year ("He was refractory
  to 7+3 and FLAG in 2025"): of then (``refractory_then``; extraction.yaml ``refractory_to``;
  h192, round 40).
* An organ's failure followed by "on" and the treatment that stands in for the organ ("h/o ESRD on
  HD since 2021"): it goes on (``kept_on_treatment``; h192, round 40).
* An item dated to an earlier year under a heading of a disease's complications ("Complications:
  AIHA (2019), herpes zoster (2022)"): an episode of then (``dated_episodes``; h192, round 40)."""
from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from core.facts import Fact
from data.terminology import load_terminology
from nlp.resources import alternation, vocabulary

_TREATMENTS = ("DRUG", "PROCEDURE")

_EPISODES = ("CONDITION", "INFECTION")


@lru_cache(maxsize=1)
def _episode_words() -> tuple[re.Pattern | None, re.Pattern | None]:
    settings = vocabulary().get("episode_bracket") or {}
    resolved, going_on = settings.get("resolved") or (), settings.get("ongoing") or ()
    resolved = (*resolved, *(settings.get("treated") or ()))
    # after the bracket: maybe a date, then maybe a comma or a dash, then the resolution
    after = (re.compile(r"[ \t]*(?:(?:\d{1,2}/)?(?:19|20)\d\d[ \t]*)?[,;:\-–]?[ \t]*(?:now[ \t]+|since[ \t]+|fully[ \t]+)?"
                        rf"(?:{alternation(resolved)})(?![\w-])", re.IGNORECASE) if resolved else None)
    inside = re.compile(rf"(?<![\w-])(?:{alternation(going_on)})(?![\w-])", re.IGNORECASE) if going_on else None
    return after, inside


@lru_cache(maxsize=1)
def _treated_words() -> tuple[str, ...]:
    return tuple(str(w).lower() for w in (vocabulary().get("episode_bracket") or {}).get("treated") or ())


@lru_cache(maxsize=256)
def _lasting(concept: str) -> bool:
    """A cancer, which treatment does not end ("breast cancer 2015 (ER+), treated with mastectomy;
    metastatic relapse 03/2025"): ``episode_bracket.lasting`` and what is one of them."""
    terminology = load_terminology()
    kinds = (vocabulary().get("episode_bracket") or {}).get("lasting") or ()
    return concept in terminology and any(concept == k or terminology.is_a(concept, k) for k in kinds)


# between an episode and its bracket: maybe "treated" and its date ("Latent TB treated 2016
# (isoniazid 6/12)", "MAS in 2021 (HDU, anakinra)")
_EPISODE_GAP = re.compile(r"[ \t]*(?:treated[ \t]+)?(?:(?:in[ \t]+)?(?:\d{1,2}/)?(?:19|20)\d\d)?[ \t]*", re.IGNORECASE)


def episode_treatments(text: str, facts: list[Fact]) -> None:
    """An episode with what was done for it in the bracket after it, and then an outcome
    ("MAS 2022 (ICU, etoposide), resolved", "Herpes zoster 2025 (aciclovir), resolved",
    "Neutropenic sepsis (E. coli bacteraemia, ITU) 07/2026, resolved"): the episode is over when
    a resolution word (``episode_bracket.resolved``) follows the bracket, maybe after its date, or
    when it is dated and already of the past; then the treatments in the bracket were given for
    it and are over too. A bracket that says a treatment goes on ("(on apixaban)", "(etoposide,
    ongoing)": ``episode_bracket.ongoing``) or a treatment taken now keeps it (h156, round 33)."""
    resolved, going_on = _episode_words()
    if resolved is None:
        return
    starts = [fact.start for fact in facts]
    for fact in facts:
        if fact.label not in _EPISODES or fact.negated or fact.hypothetical or fact.uncertain or fact.family:
            continue
        opening = text.find("(", fact.end, fact.end + 20)
        if opening < 0 or not _EPISODE_GAP.fullmatch(text[fact.end:opening]):
            continue
        if any(fact.end < s < opening for s in starts):
            continue
        closing = text.find(")", opening)
        if closing < 0 or closing - opening > 80 or "\n" in text[opening:closing] or "(" in text[opening + 1:closing]:
            continue
        outcome = resolved.match(text, closing + 1)
        over = outcome is not None and not (outcome.group().strip(" \t,;:-–").lower().endswith(_treated_words())
                                            and _lasting(fact.concept))
        if over:
            fact.historical = True
        elif not (fact.historical and (fact.date is not None or "treated" in text[fact.end:opening].lower())):
            continue
        if going_on is not None and going_on.search(text, opening, closing):
            continue
        for inner in facts:
            if (opening < inner.start and inner.end <= closing and inner.label in _TREATMENTS
                    and inner.status != "current" and not inner.ongoing
                    and not (inner.negated or inner.hypothetical or inner.family)):
                inner.historical = True
            elif (over and opening < inner.start and inner.end <= closing and inner.label in _EPISODES
                    and not (inner.negated or inner.hypothetical or inner.family)):
                inner.historical = True     # "(E. coli bacteraemia, ITU)": the same episode



@lru_cache(maxsize=1)
def _earlier_words() -> re.Pattern | None:
    words = vocabulary().get("earlier_illness_words") or ()
    return re.compile(rf"(?<![\w-])(?:{alternation(words)})[ \t]+$", re.IGNORECASE) if words else None


def after_an_earlier_illness(text: str, facts: list[Fact]) -> None:
    """An illness of the patient's named right after "after" (``earlier_illness_words``) and
    dated ("AML (2024) after MDS (2021; ...)", "therapy-related AML after breast cancer 2019"),
    with another illness of the patient's before it in the sentence, is the earlier one: of then.
    Undated ("relapse after CR1") it is left as it is."""
    earlier = _earlier_words()
    if earlier is None:
        return
    for fact in facts:
        if (fact.label != "CONDITION" or fact.date is None or fact.historical
                or fact.negated or fact.hypothetical or fact.uncertain or fact.family):
            continue
        if earlier.search(text[max(0, fact.start - 20):fact.start]) is None:
            continue
        sentence = max(text.rfind(". ", 0, fact.start), text.rfind("\n", 0, fact.start), text.rfind("; ", 0, fact.start))
        if any(other.label == "CONDITION" and sentence < other.start and other.end <= fact.start
               and not (other.negated or other.hypothetical or other.family or other.historical) for other in facts):
            fact.historical = True


# what may stand between a treatment and the outcome written after it: a course, dose or dates,
# then a dash, colon or comma ("FLAG-Ida 07/2026 - refractory", "CPX-351 x2 - refractory")
_LINE_GAP = re.compile(r"[ \t]*(?:(?:x[ \t]?\d{1,2}|\d{1,2}(?:/\d{2,4})?(?:[-–]\d{1,2}/\d{2,4})?|(?:19|20)\d\d(?:[-–](?:19|20)?\d\d)?"
                       r"|cycles?|doses?|courses?|\([^()\n]{0,30}\))[ \t]*)*[-–:,][ \t]*$", re.IGNORECASE)


def _over(fact: Fact) -> bool:
    if fact.negated or fact.hypothetical or fact.uncertain or fact.family or fact.ongoing:
        return False
    return fact.historical or fact.status in ("failed", "intolerant") or (fact.date is not None and fact.status != "current")


def line_outcomes(text: str, facts: list[Fact]) -> None:
    """A disease status written as the outcome of a line of treatment that is over ("FLAG-Ida
    07/2026 - refractory", "Induction CPX-351 x2 - refractory (blasts 40%)"): that line's
    outcome, of then, when a later line follows it (the last line's outcome is the disease
    now; ``line_outcome_concepts``). The status must follow the treatment's item at once (its
    course, dose or dates and a dash, colon or comma between); "refractory to venetoclax" is
    left as it is."""
    concepts = frozenset(vocabulary().get("line_outcome_concepts") or ())
    if not concepts:
        return
    treatments = [f for f in facts if f.label in _TREATMENTS]
    for fact in facts:
        if (fact.label != "CONDITION" or fact.concept not in concepts or fact.historical
                or fact.negated or fact.hypothetical or fact.uncertain or fact.family):
            continue
        before = max((t for t in treatments if t.end <= fact.start), key=lambda t: t.end, default=None)
        if (before is not None and _over(before) and _LINE_GAP.fullmatch(text, before.end, fact.start)
                and _next_line(text, fact, treatments)):
            fact.historical = True


# a next line of treatment opening the item after the status: maybe its number or "3rd line:",
# "now" or "then", one word ("Salvage", "Induction") and the treatment ("... - refractory;
# venetoclax + azacitidine", ".\n3. FLAG-Ida", ". 3rd line: pembrolizumab"); not after another
# heading ("Allergies: pegaspargase")
_ITEM_END = re.compile(r"[.;](?=[ \t\n])|\n")
_NEXT_ITEM = re.compile(r"[ \t\n]*(?:\(?\d{1,2}[.)][ \t]*)?(?:\d(?:st|nd|rd|th)[ \t]+line[ \t]*:[ \t]*)?"
                        r"(?:(?:now|then|next)[ \t]+)?(?:[A-Za-z][\w/+-]*[ \t]+)?", re.IGNORECASE)


def _next_line(text: str, fact: Fact, treatments: list[Fact]) -> bool:
    """Whether a later line of treatment follows the status: the first treatment after the end
    of the status's item opens the next item (``_NEXT_ITEM``). The last line's outcome is the
    disease now ("Nelarabine x2 - refractory. Now: CNS negative"; h156, round 33)."""
    end = _ITEM_END.search(text, fact.end, fact.end + 120)
    if end is None:
        return False
    after = min((t for t in treatments if t.start >= end.end() and not (t.negated or t.hypothetical or t.family)),
                key=lambda t: t.start, default=None)
    if after is None:
        return False
    opening = _NEXT_ITEM.fullmatch(text, end.end(), after.start)
    # "7+3 + midostaurin, refractory. on gilteritinib": a treatment said to be taken now, the
    # disease's state with it (a chat's gold reads the status current)
    return opening is not None and not re.search(r"\bon[ \t]+$", opening.group(), re.IGNORECASE)


@lru_cache(maxsize=1)
def _refractory_words() -> tuple[re.Pattern, re.Pattern, re.Pattern, re.Pattern] | None:
    settings = vocabulary().get("refractory_to") or {}
    to, joins = settings.get("to") or (), settings.get("joins") or ()
    then, now = settings.get("then") or (), settings.get("now") or ()
    if not (to and joins and then and now):
        return None
    return (re.compile(rf"[ \t]+(?:{alternation(to)})[ \t]+", re.IGNORECASE),
            re.compile(rf"[ \t]*(?:(?:{alternation(joins)})[ \t]*)+", re.IGNORECASE),
            re.compile(rf"(?<![\w-])(?:{alternation(then)})[ \t]+$", re.IGNORECASE),
            re.compile(rf"(?<![\w-])(?:{alternation(now)})[ \t]+$", re.IGNORECASE))


def _dated_before(written: str | None, today: date) -> bool:
    """A fact's date (``YYYY``, ``YYYY-MM`` ...) of an earlier year, or of a month more than 90
    days before today (the event rule of extraction.yaml ``event_words``)."""
    if not written or not written[:4].isdigit():
        return False
    year = int(written[:4])
    if year < today.year:
        return True
    if len(written) >= 7 and written[5:7].isdigit():
        return (today - date(year, int(written[5:7]), 1)).days > 90 + 31
    return False


def refractory_then(text: str, facts: list[Fact], today: date) -> None:
    """A disease status of ``line_outcome_concepts`` followed by "to" and the treatments it came
    after ("He was refractory to 7+3 and FLAG in 2025", "refractory to CHOP and GDP in 2024, now
    on romidepsin"): of then when the last of those treatments is dated to an earlier year, or
    a word of ``refractory_to.then`` is right before the status ("She was refractory to
    hyper-CVAD and nelarabine"). A word of ``refractory_to.now`` right before it ("He is
    refractory to ibrutinib and venetoclax (2025)", "remains refractory to") keeps it of now."""
    concepts = frozenset(vocabulary().get("line_outcome_concepts") or ())
    words = _refractory_words()
    if not concepts or words is None:
        return
    to, joins, then, now = words
    ordered = sorted(facts, key=lambda f: f.start)
    for k, fact in enumerate(ordered):
        if (fact.label != "CONDITION" or fact.concept not in concepts or fact.historical
                or fact.negated or fact.hypothetical or fact.uncertain or fact.family):
            continue
        run: list[Fact] = []
        end = fact.end
        for other in ordered[k + 1:]:
            if other.start < end:
                continue
            gap = (to if not run else joins).fullmatch(text, end, other.start)
            if gap is None or other.label not in _TREATMENTS or other.negated or other.hypothetical or other.family:
                break
            run.append(other)
            end = other.end
        if not run:
            continue
        before = text[max(0, fact.start - 20):fact.start]
        if now.search(before):
            continue
        if then.search(before) or _dated_before(run[-1].date, today):
            fact.historical = True


@lru_cache(maxsize=1)
def _kept_words() -> tuple[re.Pattern | None, dict[str, frozenset[str]]]:
    settings = vocabulary().get("kept_on_treatment") or {}
    words = settings.get("on") or ()
    pairs = {str(k): frozenset(v or ()) for k, v in (settings.get("pairs") or {}).items()}
    # maybe its stage between ("CKD stage 5 on dialysis", "CKD 5, on HD")
    gap = re.compile(rf"(?:[ \t]+(?:stage[ \t]*)?(?:[1-5]|iv|v)[ab]?)?[ \t]*,?[ \t]*(?:{alternation(words)})[ \t]+",
                     re.IGNORECASE) if words else None
    return gap, pairs


def kept_on_treatment(text: str, facts: list[Fact]) -> None:
    """An organ's failure followed by "on" and the treatment that stands in for the organ, taken
    now ("h/o ESRD on HD since 2021", "PMH: ESRD on peritoneal dialysis", extraction.yaml
    ``kept_on_treatment``): the failure goes on while the treatment does, whatever history cue
    or heading made it of the past. A treatment that is over keeps nothing."""
    gap, pairs = _kept_words()
    if gap is None or not pairs:
        return
    for illness in facts:
        if (illness.label != "CONDITION" or not illness.historical or illness.negated or illness.hypothetical
                or illness.uncertain or illness.family):
            continue
        for treatment in facts:
            if (treatment.start >= illness.end and illness.concept in pairs.get(treatment.concept, ())
                    and gap.fullmatch(text, illness.end, treatment.start)
                    and not (treatment.historical or treatment.negated or treatment.hypothetical or treatment.family
                             or treatment.status in ("failed", "intolerant"))):
                illness.historical = False
                break


@lru_cache(maxsize=1)
def _episode_heading() -> re.Pattern | None:
    words = vocabulary().get("episode_headings") or ()
    return re.compile(rf"^[ \t\-•*]*(?:{alternation(words)})[ \t]*:", re.IGNORECASE | re.MULTILINE) if words else None


# only a year (maybe its month) right after the illness, maybe in brackets: "AIHA (2019)", "serositis 2020"
_OWN_YEAR = re.compile(r"[ \t]*\(?[ \t]*(?:\d{1,2}/)?(?P<year>(?:19|20)\d\d)[ \t]*\)?(?=[ \t]*(?:[,;.]|and\b|$))",
                       re.IGNORECASE | re.MULTILINE)


def dated_episodes(text: str, facts: list[Fact], today: date) -> None:
    """An illness on a line under a heading of a disease's complications or manifestations
    (``episode_headings``: "Complications: AIHA (2019), herpes zoster (2022)") with only an
    earlier year right after it is an episode of then, as under "PMH:"; an undated item or one
    dated "since" stays as it is."""
    heading = _episode_heading()
    if heading is None or ":" not in text:
        return
    for match in heading.finditer(text):
        end = text.find("\n", match.end())
        end = len(text) if end < 0 else end
        for fact in facts:
            if (fact.label not in _EPISODES or fact.historical or fact.negated or fact.hypothetical
                    or fact.uncertain or fact.family or not (match.end() <= fact.start and fact.end <= end)):
                continue
            year = _OWN_YEAR.match(text, fact.end)
            if year is not None and int(year.group("year")) < today.year:
                fact.historical = True
