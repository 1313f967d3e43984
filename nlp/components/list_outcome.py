"""An outcome said of a whole list after its last item ("she's had cellcept, benlysta and
now rituximab, nothing has really worked", "tried A, B, then C, none of them helped"): every
item's. ConText stops a backward failure cue at a treatment said to be taken now ("and now
rituximab"), rightly for "MMF didn't work, now on rituximab which helps"; a cue that names
the whole list (a word of ``whole_list_outcome_words`` in data/nlp/extraction.yaml as its
subject, its first word or the one before it: "nothing", "none", "all") reaches back over
the list's joiners, "and now" and "then" included, to the items without an outcome of their
own; "A, B, then C did nothing" stays C's. An outcome after drugs joined by "+" (one combination:
"venetoclax + navitoclax + chemo - no response") is every drug's."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from spacy.tokens import Span

from core.facts import Fact
from nlp.components.doc_cache import doc_text, span_value
from nlp.components.status import THERAPY_STATUS
from nlp.resources import alternation, vocabulary

_TREATMENTS = ("DRUG", "PROCEDURE")
# what may stand between two items of a treatment list: commas, "and"/"or", "then", "now",
# an arrow, a count or a short remark in brackets
_JOINER = re.compile(r"(?:\s*[x×]\s?\d{1,2})?(?:\s*\([^()\n]{1,40}\))?[\s,;/]*"
                     r"(?:(?:and|or|then|plus|->|→|>)[\s,/]*)*(?:(?:now|then|later|finally)[\s,]*)?(?:on\s+)?",
                     re.IGNORECASE)


# drugs given together as one combination ("venetoclax + navitoclax", "aza plus ven")
_COMBINED = re.compile(r"\s*(?:\+|plus)\s*", re.IGNORECASE)


class WholeListOutcome:
    def __init__(self, vocabulary: dict[str, Any]):
        # "both" / "neither" name two items, not a list ("tried hcq, azathioprine, then
        # rituximab and tocilizumab which both failed": those two; lead, round 40)
        pairs = frozenset(w.lower() for w in vocabulary.get("pair_outcome_words") or ())
        self.words = frozenset(w.lower() for w in vocabulary.get("whole_list_outcome_words") or ()) - pairs

    def _whole_list(self, ent: Span, modifier) -> bool:
        doc = ent.doc
        start, end = modifier.modifier_span
        if start < ent.end:
            return False        # a cue before the item ("failed A, B and C": context's lists)
        # the list word is the outcome's subject: the cue's first word or the one before it
        # ("nothing has really worked", "none of them helped", "all failed"), not its object
        # ("then romiplostim did nothing": the last treatment's own outcome)
        words = [t.lower_ for t in doc[max(0, start - 1):start + 1]]
        return any(w in self.words for w in words)

    def __call__(self, ents: list[Span], kept: list[Span], facts: list[Fact]) -> None:
        if not self.words or not kept:
            return
        text = doc_text(kept[0].doc)
        pairs = [(ent, fact) for ent, fact in zip(kept, facts) if fact.label in _TREATMENTS]
        for index, (ent, fact) in enumerate(pairs):
            cues = [m for m in span_value(ent, "modifiers") if m.category in ("THERAPY_FAILED", "THERAPY_INTOLERANT")
                    and self._whole_list(ent, m)]
            combination = [m for m in span_value(ent, "modifiers") if m.category in ("THERAPY_FAILED", "THERAPY_INTOLERANT")
                           and m.modifier_span[0] >= ent.end]
            if combination and fact.status == THERAPY_STATUS[combination[0].category]:
                # "Venetoclax + navitoclax + low-dose chemo 09/2025 - no response": drugs joined
                # by "+" are one combination, the outcome after it is every drug's (h96, round 21)
                for other in _joined_before(pairs, index, text, _COMBINED):
                    if other.status is None and not (other.negated or other.hypothetical or other.family or other.uncertain):
                        other.status = fact.status
                        if fact.historical and not other.ongoing:
                            other.historical = True
            if not cues or fact.status != THERAPY_STATUS[cues[0].category]:
                continue
            for other in _joined_before(pairs, index, text, _JOINER):
                if other.status is None and not (other.negated or other.hypothetical or other.family or other.uncertain):
                    other.status = fact.status


_TESTS = ("BIOMARKER", "INFECTION")
# what may stand between two tests of a list whose one result follows it: commas, "and"/"or"
_TEST_JOINER = re.compile(r"[\s,/]*(?:(?:and|or)[\s,/]*)?", re.IGNORECASE)


def whole_list_result(kept: list[Span], facts: list[Fact]) -> None:
    """A result written once after a list of tests ("ANA, anti-dsDNA, anti-Sm and anti-RNP
    negative", "anti-Jo-1, anti-PL-7 and anti-Mi-2 negative"): every test's. ConText's cue
    reaches the last item or two; an earlier item joined to it only by commas and "and"/"or",
    with no result of its own, gets the last item's (negative: negated too). A ";" or a word
    between ends the list ("anti-MDA5 strongly positive; anti-Jo-1 ... negative")."""
    if not kept:
        return
    text = doc_text(kept[0].doc)
    pairs = [(ent, fact) for ent, fact in zip(kept, facts) if fact.label in _TESTS]
    for index in range(len(pairs) - 1, 0, -1):
        ent, fact = pairs[index]
        if fact.status not in ("negative", "positive") or fact.hypothetical or fact.family or fact.uncertain:
            continue
        if not any(m.modifier_span[0] >= ent.end for m in ent._.modifiers
                   if m.category in ("NEGATED_EXISTENCE", "RESULT_POSITIVE")):
            continue        # the result is not written after the item ("negative for ANA, dsDNA")
        variant = _variant_name()
        named = variant is not None and variant.match(_last_word(ent))
        for earlier, other in zip(_ents_before(pairs, index, text, _TEST_JOINER),
                                  _joined_before(pairs, index, text, _TEST_JOINER)):
            if variant is not None and not named and variant.match(_last_word(earlier)):
                continue    # "NRAS G12D, FLT3 negative": a variant named is found, the gene's result is its own
            if other.status is None and not (other.negated or other.hypothetical or other.family or other.uncertain):
                other.status = fact.status
                other.negated = fact.negated


@lru_cache(maxsize=1)
def _variant_name() -> re.Pattern | None:
    """A named variant ending a marker mention (extraction.yaml ``variant_name``: "G12D", "V617F", "ITD")."""
    pattern = vocabulary().get("variant_name")
    return re.compile(pattern) if pattern else None


def _last_word(ent: Span) -> str:
    """The mention's last word as written ("Q61K", which the tokenizer cuts in two; "ITD" of "FLT3-ITD")."""
    return re.split(r"[\s-]", ent.text)[-1].lower()


def _pairs_before(pairs: list[tuple[Span, Fact]], index: int, text: str, joiner: re.Pattern):
    """The (mention, fact) items before ``pairs[index]`` in its sentence, nearest first, each
    joined to the next only by what ``joiner`` allows (the list runs back to the first other word)."""
    ent = later = pairs[index][0]
    for earlier, other in reversed(pairs[:index]):
        if earlier.sent.start != ent.sent.start or not joiner.fullmatch(text, earlier.end_char, later.start_char):
            return
        yield earlier, other
        later = earlier


def _ents_before(pairs: list[tuple[Span, Fact]], index: int, text: str, joiner: re.Pattern):
    """The mentions of ``_joined_before``'s facts, in the same order."""
    return (earlier for earlier, _ in _pairs_before(pairs, index, text, joiner))


def _joined_before(pairs: list[tuple[Span, Fact]], index: int, text: str, joiner: re.Pattern):
    """The facts of the items joined before ``pairs[index]`` (``_pairs_before``), nearest first."""
    return (other for _, other in _pairs_before(pairs, index, text, joiner))


_SENTENCE_END = re.compile(r"[.!?;\n]")


def _said_past(words: str) -> bool:
    """The words of an "only one helped" said in the past tense (``only_one_helped.past`` in
    data/nlp/extraction.yaml: "helped", "did anything"; not "works", "is working")."""
    past = (vocabulary().get("only_one_helped") or {}).get("past") or ()
    return bool(past) and re.search(rf"(?<!\w)(?:{alternation(past)})(?!\w)", words, re.IGNORECASE) is not None


@lru_cache(maxsize=1)
def _only_patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern] | None:
    section = vocabulary().get("only_one_helped") or {}
    helped, fillers, ones = section.get("helped") or (), section.get("fillers") or (), section.get("ones") or ()
    if not (helped and ones):
        return None
    filler = rf"(?:(?:{alternation(fillers)})\s+){{0,2}}" if fillers else ""
    verb = rf"{filler}(?:{alternation(helped)})(?!\w)"
    before = re.compile(r"(?<!\w)only(?:\s+(?:the|my|her|his))?\s*$", re.IGNORECASE)
    after = re.compile(rf"^\s*{verb}", re.IGNORECASE)
    named = re.compile(rf"^[^.!?;\n]{{0,30}}?(?<!\w)the\s+only\s+(?:{alternation(ones)})\s+(?:(?:that|which|to)\s*)?"
                       rf"(?:(?:'s|s|has|have)\s+)?{verb}", re.IGNORECASE)
    return before, after, named


def only_one_helped(text: str, facts: list[Fact]) -> None:
    """The one treatment of a list said to be the only one that helped ("tried humira, stelara
    then skyrizi, only skyrizi did anything", "they tried aza, mtx and ivig and only the ivig
    helped", "... now on ustekinumab, its the only one thats worked"): the treatments named
    before it in its sentence, with no outcome of their own, did not help: failed
    (``only_one_helped`` in data/nlp/extraction.yaml; h140, round 30)."""
    patterns = _only_patterns()
    if patterns is None:
        return
    before, after, named = patterns
    for fact in facts:
        if (fact.label not in _TREATMENTS or fact.negated or fact.hypothetical or fact.family
                or fact.status == "intolerant"):
            continue
        tail = text[fact.end:fact.end + 80]
        only = after.search(tail) if before.search(text[max(0, fact.start - 12):fact.start]) else None
        # "only stelara worked for a bit": the one that helped for a while (then failed) still
        # says the ones before it did not help at all (h175, round 36)
        said = only or (named.search(tail) if fact.status != "failed" else None)
        if said is None:
            continue
        start = 0
        for match in _SENTENCE_END.finditer(text, 0, fact.start):
            start = match.end()
        if fact.status is None and not fact.ongoing and _said_past(said.group()):
            # "only the ivig ever helped", "only the eltrombopag helped": a course over, told with
            # no word of now; so its earlier mentions in the sentence (h170, round 36)
            for same in facts:
                if (same.concept == fact.concept and same.label == fact.label and start <= same.start <= fact.start
                        and same.status is None and not (same.negated or same.hypothetical or same.family or same.ongoing)):
                    same.historical = True
        for other in facts:
            if (other is fact or other.label not in _TREATMENTS or not start <= other.start < fact.start
                    or other.concept == fact.concept or other.status is not None
                    or other.negated or other.hypothetical or other.family or other.uncertain):
                continue
            other.status = "failed"


@lru_cache(maxsize=1)
def _maintenance_patterns() -> tuple[re.Pattern, re.Pattern] | None:
    section = vocabulary().get("relapsed_on_maintenance") or {}
    relapse, on, maintenance = section.get("relapse") or (), section.get("on") or (), section.get("maintenance") or ()
    if not (relapse and on and maintenance):
        return None
    kind = section.get("kind") or ()
    kinds = rf"(?:(?:{alternation(kind)})\s+)?" if kind else ""
    before = re.compile(rf"(?<!\w)(?:{alternation(relapse)})\s+(?:in\s+)?(?:0?[1-9]|1[0-2])[/.](?:19|20)\d\d\s+"
                        rf"(?:{alternation(on)})\s+{kinds}$", re.IGNORECASE)
    after = re.compile(rf"\s+(?:{alternation(maintenance)})(?!\w)", re.IGNORECASE)
    return before, after


def relapsed_on_maintenance(text: str, facts: list[Fact]) -> None:
    """A relapse dated to a month on a treatment named as a maintenance ("Relapsed 05/2026 on
    sorafenib maintenance"): the maintenance failed and is over, unless a cue of its own says it
    goes on (``relapsed_on_maintenance`` in data/nlp/extraction.yaml; h146, round 31)."""
    patterns = _maintenance_patterns()
    if patterns is None:
        return
    before, after = patterns
    for fact in facts:
        if (fact.label not in _TREATMENTS or fact.negated or fact.hypothetical or fact.family or fact.ongoing
                or fact.status in ("failed", "intolerant")):
            continue
        if before.search(text, max(0, fact.start - 60), fact.start) and after.match(text, fact.end):
            fact.status, fact.historical = "failed", True



# what joins two items of a treatment list written without an outcome between them
_LIST_GAP = re.compile(r"(?:\s*\([^()\n]{1,40}\))?[\s,/&+]*(?:(?:and|or|then|plus|->|→)[\s,/]*)*", re.IGNORECASE)


def _usable(fact: Fact) -> bool:
    return fact.label in _TREATMENTS and not (fact.negated or fact.hypothetical or fact.family or fact.uncertain)


def _treatment_runs(text: str, facts: list[Fact]) -> list[list[Fact]]:
    """The runs of two or more treatments joined only by ``_LIST_GAP`` (a list), in order."""
    treated = sorted((f for f in facts if f.label in _TREATMENTS), key=lambda f: f.start)
    runs: list[list[Fact]] = []
    run: list[Fact] = []
    for fact in treated:
        if run and fact.start >= run[-1].end and _LIST_GAP.fullmatch(text, run[-1].end, fact.start):
            if fact.concept != run[-1].concept:
                run.append(fact)
            continue
        if len(run) > 1:
            runs.append(run)
        run = [fact]
    if len(run) > 1:
        runs.append(run)
    return runs


def _sentence_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in _SENTENCE_END.finditer(text)]


def _sentence_of(starts: list[int], at: int) -> int:
    return sum(1 for s in starts if s <= at) - 1


@lru_cache(maxsize=1)
def _part_patterns() -> tuple[re.Pattern, dict[str, int]] | None:
    section = vocabulary().get("list_part_outcome") or {}
    first, last, rest = section.get("first") or (), section.get("last") or (), section.get("rest") or ()
    counts = {str(k).lower(): int(v) for k, v in (section.get("counts") or {}).items()}
    failed, bare, helped = section.get("failed") or (), section.get("failed_bare") or (), section.get("helped") or ()
    if not (counts and (failed or bare) and (first or last or rest)):
        return None
    fillers = section.get("fillers") or ()
    filler = rf"(?:(?:{alternation(fillers)})\s+){{0,3}}" if fillers else ""
    parts = []
    if first:
        parts.append(rf"(?P<first>{alternation(first)})\s+(?P<fcount>{alternation(counts)})")
    if last:
        parts.append(rf"(?P<last>{alternation(last)})\s+(?P<lcount>{alternation(counts)})")
    if rest:
        parts.append(rf"(?P<rest>{alternation(rest)})")
    outcomes = []
    if failed:
        outcomes.append(rf"(?P<failed>{alternation(failed)})(?![\w'])")
    if bare:
        outcomes.append(rf"(?P<bare>{alternation(bare)})(?=\s*(?:[,.;:!?)\n]|$|\s+(?:but|and|so|though|tho)(?!\w)))")
    if helped:
        outcomes.append(rf"(?P<helped>{alternation(helped)})(?![\w'])")
    pattern = re.compile(rf"(?<!\w)(?:{'|'.join(parts)})(?:\s+(?:ones|of\s+them))?\s+{filler}(?:{'|'.join(outcomes)})",
                         re.IGNORECASE)
    return pattern, counts


# what may stand between a list and the first words about its parts for those words to be all
# that is said of it ("A, B and C, the last one did nothing"; "A, B. the first 2 ...")
_RIGHT_AFTER = re.compile(r"[\s,.;:!-]*(?:(?:and|but|so|then|tho|though)[\s,.;:!-]+)?", re.IGNORECASE)


def list_part_outcome(text: str, facts: list[Fact]) -> None:
    """An outcome said of a part of a treatment list named by its place ("tried mtx, hcq and
    aza, the first two did nothing but the rest didnt either", "remicade, humira, entyvio. the
    first 2 worked for a bit then stopped", "pred, mtx, aza. the pred helped but the rest
    didnt"): the part's items failed; a part said to have helped did not (``list_part_outcome``
    in data/nlp/extraction.yaml; h186, round 39). The list is the nearest run of treatments
    before the words, in their sentence or the one before; "the rest" is its items no part
    before named and the words between the list and the outcome did not name. When the parts'
    words follow the list right away, an item none of them names keeps no failure: the failure
    ConText carried back over the list was the part's ("A, B and C, the last one did nothing")."""
    patterns = _part_patterns()
    if patterns is None or not facts:
        return
    pattern, counts = patterns
    runs = _treatment_runs(text, facts)
    if not runs:
        return
    starts = _sentence_starts(text)
    said: dict[int, list] = {}
    for match in pattern.finditer(text):
        before = [index for index, run in enumerate(runs) if run[-1].end <= match.start()]
        if not before:
            continue
        items = runs[before[-1]]
        if _sentence_of(starts, match.start()) - _sentence_of(starts, items[-1].end) > 1:
            continue
        said.setdefault(before[-1], []).append(match)
    for index, matches in said.items():
        items = runs[index]
        covered: dict[int, str] = {}
        for match in matches:
            outcome = "helped" if match.group("helped") else "failed"
            if match.groupdict().get("first"):
                part = items[:counts[match.group("fcount").lower()]]
            elif match.groupdict().get("last"):
                part = items[-counts[match.group("lcount").lower()]:]
            else:
                between = {f.concept for f in facts if items[-1].end <= f.start < match.start()}
                part = [f for f in items if id(f) not in covered and f.concept not in between]
            for fact in part:
                covered.setdefault(id(fact), outcome)
        right_after = _RIGHT_AFTER.fullmatch(text, items[-1].end, matches[0].start()) is not None
        for fact in items:
            if not _usable(fact):
                continue
            outcome = covered.get(id(fact))
            if outcome == "failed":
                if fact.status is None or fact.status == "failed" or (fact.status == "current" and fact.historical):
                    fact.status, fact.ongoing = "failed", False
            elif fact.status == "failed" and (outcome == "helped" or right_after):
                fact.status = None


@lru_cache(maxsize=1)
def _flare_pattern() -> re.Pattern | None:
    section = vocabulary().get("flares_on_treatment") or {}
    counts, events, on = section.get("counts") or (), section.get("events") or (), section.get("on") or ()
    verbs, times = section.get("verbs") or (), section.get("times") or ()
    if not (events and on):
        return None
    gap = int(section.get("gap") or 0)
    count = rf"(?:\d{{1,2}}|{alternation(counts)})" if counts else r"\d{1,2}"
    said = [rf"{count}\s+(?:{alternation(events)})"]
    if verbs and times:
        said.append(rf"(?:{alternation(verbs)})\s+(?:{alternation(times)})")
    words = rf"(?:[\w'-]+\s+){{0,{gap}}}?" if gap else ""
    return re.compile(rf"(?<!\w)(?:{'|'.join(said)})\s+{words}(?:{alternation(on)})\s+(?:(?:her|his|my|the|their)\s+)?$",
                      re.IGNORECASE)


@lru_cache(maxsize=1)
def _stop_after() -> re.Pattern | None:
    words = (vocabulary().get("flares_on_treatment") or {}).get("stop_after") or ()
    return re.compile(rf"(?<!\w)(?:{alternation(words)})(?!\w)", re.IGNORECASE) if words else None


def flares_on_treatment(text: str, facts: list[Fact]) -> None:
    """Flares or relapses counted on a treatment ("2 flares last year on mesalazine", "i had 2
    relapses last year on azathioprine", "she flared twice on tofacitinib"): it did not keep the
    disease down, failed; over when a stop or switch follows in the message or a later treatment
    is taken now, else failing and taken now (``flares_on_treatment`` in
    data/nlp/extraction.yaml; h186, round 39)."""
    pattern = _flare_pattern()
    if pattern is None:
        return
    stop = _stop_after()
    for fact in facts:
        if not _usable(fact):
            continue
        if not pattern.search(text[max(0, fact.start - 80):fact.start]):
            continue
        later_now = any(_usable(f) and f.start > fact.end and f.concept != fact.concept and not f.historical
                        for f in facts)
        stopped = stop is not None and stop.search(text, fact.end, min(len(text), fact.end + 60)) is not None
        sentence_end = _SENTENCE_END.search(text, fact.end)
        still = _STILL.search(text, fact.end, sentence_end.start() if sentence_end else len(text)) is not None
        already = fact.status == "failed"
        fact.status = "failed"
        if (later_now or stopped) and not still:
            fact.historical, fact.ongoing = True, False
        elif still or not already:
            fact.historical, fact.ongoing = False, True


def named_again_outcome(text: str, facts: list[Fact]) -> None:
    """A treatment of a list named again later in the message with an outcome of its own ("she
    had mmf, aza and rituximab. mmf and aza didnt work", "... cyclophosphamide in 2020, mmf
    after, the cyclophosphamide didnt work"): one course, told twice; the first mention takes
    the outcome, the second the first's time when the first is over (h186, round 39). Only a
    first mention with no outcome of its own, in a list, and a second that is no course taken
    now ("still", "now on")."""
    runs = _treatment_runs(text, facts)
    listed = {id(f) for run in runs for f in run}
    treated = sorted((f for f in facts if f.label in _TREATMENTS), key=lambda f: f.start)
    for run in runs:
        # "shes had humira and stelara, humira and stelara didnt help her": the second list's
        # outcome, read on its last item, is its first item's too when that drug's first mention has it
        last = run[-1]
        if last.status not in ("failed", "intolerant") or not _usable(last):
            continue
        for item in run[:-1]:
            if item.status is not None or not _usable(item):
                continue
            before = [f for f in treated if f.concept == item.concept and f.label == item.label and f.end <= item.start]
            if before and before[-1].status == last.status and id(before[-1]) in listed:
                item.status = last.status
                item.historical, item.ongoing = before[-1].historical or item.historical, False
    for index, later in enumerate(treated):
        if (_usable(later) and later.status == "current" and not later.historical
                and (_STILL_AFTER.match(text, later.end) or _STILL_BEFORE.search(text, max(0, later.start - 12), later.start))):
            # "was on mtx, enbrel and rituximab. ... rituximab still": the course goes on
            first = next((f for f in reversed(treated[:index]) if f.concept == later.concept and f.label == later.label), None)
            if (first is not None and id(first) in listed and _usable(first) and first.status is None
                    and first.historical and first.date is None):
                first.status, first.historical = "current", False
            continue
        if not _usable(later) or later.status not in ("failed", "intolerant") or later.ongoing:
            continue
        earlier = [f for f in treated[:index] if f.concept == later.concept and f.label == later.label]
        if not earlier:
            continue
        first = earlier[-1]
        if id(first) not in listed or not _usable(first) or first.ongoing:
            continue
        if first.date and later.date and first.date[:4] != later.date[:4]:
            continue    # "had mmf, ritux in 2019 ... ritux in 2023 failed": two courses
        if first.status is None or (first.status == "current" and first.historical):
            first.status = later.status
        if first.status == later.status and first.historical and not later.historical:
            later.historical = True


_STILL = re.compile(r"(?<!\w)still(?!\w)", re.IGNORECASE)
_STILL_AFTER = re.compile(r"\s+still(?!\w)", re.IGNORECASE)
_STILL_BEFORE = re.compile(r"(?<!\w)still\s+(?:on\s+)?$", re.IGNORECASE)


@lru_cache(maxsize=1)
def _correction_pattern() -> re.Pattern | None:
    words = (vocabulary().get("corrected_year") or {}).get("words") or ()
    if not words:
        return None
    return re.compile(rf"[\s,.;:!-]*(?:{alternation(words)})[\s,.;:!-]*(?:(?:in|it\s+was|its)\s+)?"
                      rf"(?P<year>(?:19|20)\d\d)(?!\d)(?!\s*(?:-|to|until)\s*\d)", re.IGNORECASE)


_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def corrected_year(text: str, facts: list[Fact]) -> None:
    """A year taken back right after it ("ITP since 2019 sorry i meant 2009", "lupus since 2015,
    no wait 2016"): a fact dated by the first year takes the second (``corrected_year`` in
    data/nlp/extraction.yaml; h186, round 39). "2019 not 2009" (the second denied) is the PSEUDO
    rule of data/context_rules.json and is left alone."""
    pattern = _correction_pattern()
    if pattern is None:
        return
    for match in _YEAR.finditer(text):
        corrected = pattern.match(text, match.end())
        if corrected is None:
            continue
        wrong, right = match.group(), corrected.group("year")
        if wrong == right:
            continue
        for fact in facts:
            if fact.date and fact.date.startswith(wrong) and fact.end <= match.start():
                fact.date = right + fact.date[4:]


@lru_cache(maxsize=1)
def _meant_patterns() -> tuple[re.Pattern, re.Pattern] | None:
    words = (vocabulary().get("corrected_year") or {}).get("words") or ()
    if not words:
        return None
    before = re.compile(rf"(?<!\w)(?:{alternation(words)})[\s,.;:!-]*(?:(?:it\s+was|its|the)\s+)?$", re.IGNORECASE)
    between = re.compile(r"\s*,?\s*(?:and\s+)?not\s+(?:the\s+)?", re.IGNORECASE)
    return before, between


def corrected_treatment(text: str, facts: list[Fact]) -> None:
    """A treatment named in a correction in place of another told before ("infliximab then
    adalimumab, both stopped working. sorry i meant ustekinumab not adalimumab"): the one meant
    takes the other's outcome and time, and the other, as told before, was not had (the
    correction words of ``corrected_year`` in data/nlp/extraction.yaml; h186, round 39)."""
    patterns = _meant_patterns()
    if patterns is None:
        return
    before, between = patterns
    treated = sorted((f for f in facts if f.label in _TREATMENTS), key=lambda f: f.start)
    for meant, wrong in zip(treated, treated[1:]):
        if meant.concept == wrong.concept or not between.fullmatch(text, meant.end, wrong.start):
            continue
        if not before.search(text[max(0, meant.start - 40):meant.start]):
            continue
        told = [f for f in treated if f.concept == wrong.concept and f.end <= meant.start and _usable(f)]
        if not told:
            continue
        if meant.status is None and not meant.negated:
            meant.status, meant.historical, meant.ongoing = told[-1].status, told[-1].historical, told[-1].ongoing
        for fact in told:
            fact.negated, fact.status, fact.ongoing = True, None, False


@lru_cache(maxsize=1)
def _replaced_pattern() -> re.Pattern | None:
    spec = vocabulary().get("replaced_in_correction") or {}
    words, then = spec.get("words") or (), spec.get("then") or ()
    if not words or not then:
        return None
    return re.compile(rf"[^.;!?\n]{{0,30}}?[\s,.;:!-]*(?<!\w)(?:{alternation(words)})[\s,.;:!-]*"
                      rf"(?:{alternation(then)})\s+(?:the\s+|a\s+)?", re.IGNORECASE)


def replaced_in_correction(text: str, facts: list[Fact]) -> None:
    """A treatment told and taken back at once for another ("i had rituximab in 2020, no wait it
    was belimumab", "she was on humira - sorry, it was enbrel"): the one named in the correction
    was had, as told of the other (its time and outcome when it has none of its own); the one
    taken back was not (``replaced_in_correction`` in data/nlp/extraction.yaml; h191, round 40)."""
    pattern = _replaced_pattern()
    if pattern is None:
        return
    treated = sorted((f for f in facts if f.label in _TREATMENTS), key=lambda f: f.start)
    for wrong, meant in zip(treated, treated[1:]):
        if (wrong.concept == meant.concept or wrong.label != meant.label or not _usable(wrong)
                or not pattern.fullmatch(text, wrong.end, meant.start)):
            continue
        if meant.status is None and not meant.negated:
            meant.status, meant.historical, meant.ongoing = wrong.status, wrong.historical or meant.historical, wrong.ongoing
        wrong.negated, wrong.status, wrong.ongoing = True, None, False
