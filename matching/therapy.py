"""The therapy leaf: prior or current use of a drug, class or procedure; the response
(failed / intolerant / current); how many distinct drugs ("failed at least two
biologics"); and washout windows ("systemic steroids within 4 weeks", "within five
half-lives").

Counting: distinct drug concepts under the criterion's concept with the required response.
A class-level fact with a count and no unit ("failed two biologics", or the answer to "how
many biologics…") counts as that many drugs.

Negations: "never had a biologic" (negated and historical) rules out any use; "not on
steroids" / "no steroids in the last 3 months" (negated, not historical) rules out current
use and washout windows only, never the history of use ("failed steroids" stays unknown).

Washout: a drug taken now is within any window; otherwise its date (last dose) decides;
without a date the leaf stays unknown and the question asks for the last dose date.
Half-lives come from ``half_life_days`` in data/terminology/therapies.yaml. A window is
ruled out by a negation ("no steroids") or a class-level answer ("last steroid dose:
2019"), which speak for every drug of the class, including drugs named without a date; one
old dose of one drug says nothing about the others of its class.
"""
from __future__ import annotations

from functools import lru_cache

from matching.derived import days_since, half_life_window, window_days, within_days
from matching.concepts import BROADER
from matching.evidence import Evidence, split_related
from core.truth import FALSE, REVIEW, TRUE, UNKNOWN
from matching.leaf_result import LeafResult
from core.facts import Fact

LABELS = ("DRUG", "PROCEDURE")
# the fact statuses that meet a leaf's response ("failed_or_intolerant": either); also what a
# count question counts of the drugs already named (matching.named_drugs)
RESPONSES = {
    "any": None,
    "failed": {"failed"},
    "intolerant": {"intolerant"},
    "failed_or_intolerant": {"failed", "intolerant"},
    "current": {"current"},
}


def therapy(ev: Evidence, leaf: dict) -> LeafResult:
    concept = leaf["concept"]
    related = [(f, r) for f, r in ev.related(LABELS, concept) if not _excepted(ev, f, leaf)]
    if leaf.get("within_days") is not None or leaf.get("within_half_lives") is not None:
        return _washout(ev, leaf, related)      # (a last dose outside the window decides either way)
    return _use(ev, leaf, [(f, _broader_than_excepted(ev, f, leaf, r)) for f, r in related])


def _excepted(ev: Evidence, fact: Fact, leaf: dict) -> bool:
    return any(ev.terminology.is_a(fact.concept, other) for other in leaf.get("except", ()))


def _broader_than_excepted(ev: Evidence, fact: Fact, leaf: dict, relation: str) -> str:
    """A fact that may be an excepted kind ("diabetes tablets" against "any diabetes medicine
    except metformin") says only something broader: unknown, never the use itself (h172,
    round 36)."""
    if any(fact.concept in ev.terminology and other in ev.terminology and ev.terminology.is_a(other, fact.concept)
           for other in leaf.get("except", ())):
        return BROADER
    return relation


def _is_class(ev: Evidence, concept: str) -> bool:
    return concept in _class_ids(ev.terminology)


@lru_cache(maxsize=4)
def _class_ids(terminology) -> frozenset[str]:
    """Concepts with concepts under them (drug classes)."""
    return frozenset(p for c in terminology.concepts.values() for p in c.parents)


def _count_of(ev: Evidence, fact: Fact) -> int | None:
    """A class-level fact's count of drugs ("two biologics"), or None."""
    if fact.value is None or fact.unit not in (None, "") or not _is_class(ev, fact.concept):
        return None
    return int(fact.value)


def _use(ev: Evidence, leaf: dict, related: list[tuple[Fact, str]]) -> LeafResult:
    concept = leaf["concept"]
    name = ev.label(concept)
    response = leaf.get("response", "any")
    wanted = RESPONSES[response]
    need = int(leaf.get("min_count", 1))
    present, uncertain, broader, negated = split_related(related)
    negated = [f for f in negated if _rules_out_use(f, response, wanted)]
    counted: set[str] = set()
    class_count = 0
    open_: list[Fact] = []
    used: list[Fact] = []
    for fact in present:
        # a treatment still taken although it failed ("still on prednisone, it doesn't
        # work") is current use too
        ok = wanted is None or fact.status in wanted or (fact.ongoing and "current" in wanted)
        count = _count_of(ev, fact)
        if ok:
            used.append(fact)
            if count is not None:
                class_count = max(class_count, count)
            else:
                counted.add(fact.concept)
        elif fact.status is None or (response == "failed_or_intolerant" and fact.status == "current"):
            open_.append(fact)
    open_ = [f for f in open_ if f.concept not in counted]
    # "no" to "has any steroid not worked or been stopped for side effects (you mentioned
    # prednisolone)?": a response denied of a class settles the drugs of it whose response was
    # not told (was: the leaf stayed open on the prednisolone, asked again; lead, round 43)
    denied = [f for f in negated if f.status is not None]
    if denied and open_:
        open_ = [f for f in open_ if not any(_covers(ev, n.concept, f.concept) for n in denied)]
    total = max(len(counted), class_count)
    what = f"{need} × {name}" if need > 1 else name
    how = "" if wanted is None else f" ({response.replace('_', ' ')})"
    if total >= need and leaf.get("during_trial") and response == "current":
        # "No concurrent antineoplastic agents": a rule on what is taken during the study. A
        # drug taken now would be stopped before it starts (as a washout would be waited out),
        # so the patient is not excluded: the trial team decides ("would have to stop X")
        names = ", ".join(f.text for f in used)
        return LeafResult(leaf, REVIEW, f"{names}: taken now; the trial allows no {name} during the study, "
                          "so it would have to stop first (the trial team decides)", used)
    if total >= need:
        return LeafResult(leaf, TRUE, f"{what}{how}: {total} found", used)
    ask = f"therapy_count:{concept}:{response}" if need > 1 else f"therapy:{concept}:{response}"
    if open_ or uncertain or broader:
        shown = open_ + uncertain + broader
        reason = (f"{what}{how}: {total} confirmed; response to "
                  + ", ".join(f.text for f in open_) + " not stated") if open_ else \
            f"{what}{how}: mentioned only as {(uncertain + broader)[0].text!r}"
        return LeafResult(leaf, UNKNOWN, reason, used + shown, ask=ask)
    explicit = [f for f in present if _count_of(ev, f) is not None and _covers(ev, f.concept, concept)]
    if negated or (explicit and total < need):
        return LeafResult(leaf, FALSE, f"{what}{how}: {total} found, and no others", used + negated + explicit)
    if total:
        return LeafResult(leaf, UNKNOWN, f"{what}{how}: only {total} found", used, ask=ask)
    return LeafResult(leaf, UNKNOWN, f"{name}{how}: not mentioned", ask=ask)


def _rules_out_use(fact: Fact, response: str, wanted: set[str] | None) -> bool:
    """Whether a negated therapy fact rules out a (past or current) use leaf.

    - with a response ("methotrexate did not fail"): only leaves asking that response;
    - in the past ("never had a biologic": negated and historical): any use;
    - otherwise ("not on steroids", "no steroids in the last 3 months"): only current use.
      It says nothing about what was taken, and failed, before.
    """
    if fact.status is not None:
        return wanted is not None and fact.status in wanted
    return fact.historical or response == "current"


def _covers(ev: Evidence, fact_concept: str, concept: str) -> bool:
    """A fact about ``fact_concept`` speaks for all of ``concept`` (same or broader)."""
    return fact_concept == concept or ev.terminology.is_a(concept, fact_concept)


def _washout(ev: Evidence, leaf: dict, related: list[tuple[Fact, str]]) -> LeafResult:
    concept = leaf["concept"]
    name = ev.label(concept)
    days = leaf.get("within_days")
    half_lives = leaf.get("within_half_lives")
    window_text = window_days(days) if days is not None else f"{half_lives:g} half-lives"
    present, uncertain, broader, negated = split_related(related)
    undated: list[Fact] = []
    outside: list[Fact] = []
    for fact in present:
        inside = _within(ev, fact, days, half_lives)
        if inside is True:
            # A washout window is counted back from enrolment, which has not happened yet:
            # recent or current use means a washout is needed, not that the patient is
            # excluded. Whether and how long to wash out is the trial team's call, so this
            # is "review", never a fail (a false exclusion would cost the patient a chance).
            why = "taken now" if fact.status == "current" or fact.ongoing else f"last dose {fact.date}"
            return LeafResult(leaf, REVIEW, f"{fact.text}: {why} (within {window_text} of today; a washout "
                              "before enrolment would be needed, the trial team decides)", [fact])
        (outside if inside is False else undated).append(fact)
    for fact in [f for f in undated if f.date and _covers(ev, f.concept, concept)]:
        # the whole class dated by the list it heads ("Prior immunosuppression: MMF
        # 03/2019-06/2023, tacrolimus 08/2023-02/2025"): last taken as its latest member, which
        # is outside the window, as every member named is
        members = [f for f in present if f is not fact and ev.terminology.is_a(f.concept, fact.concept)]
        if members and all(f in outside for f in members) and any(f.date == fact.date for f in members):
            undated.remove(fact)
            outside.append(fact)
    whole_class = [f for f in outside if _covers(ev, f.concept, concept)]
    # "no steroids", or the last dose of the whole class long ago, speaks for every drug
    # of the class in the window, including ones named without a date
    if whole_class or negated:
        return LeafResult(leaf, FALSE, f"no {name} within {window_text}", whole_class + negated)
    if undated or uncertain or broader:
        first = (undated + uncertain + broader)[0]
        target = first.concept if first in undated else concept
        return LeafResult(leaf, UNKNOWN, f"{first.text}: last dose date not known (window: {window_text})",
                          undated + uncertain + broader, ask=f"last_dose:{target}")
    if outside:
        return LeafResult(leaf, UNKNOWN, f"{', '.join(f.text for f in outside)}: outside the window; "
                          f"other {name} not stated", outside, ask=f"last_dose:{concept}")
    return LeafResult(leaf, UNKNOWN, f"{name} in the last {window_text}: not mentioned", ask=f"last_dose:{concept}")


def _within(ev: Evidence, fact: Fact, days: float | None, half_lives: float | None) -> bool | None:
    if fact.status == "current" or fact.ongoing:
        return True
    if not fact.date:
        return None
    if days is not None:
        return within_days(fact.date, days, ev.today)
    window = half_life_window(ev.terminology, fact.concept, half_lives)
    since = days_since(fact.date, ev.today)
    if window is None or since is None:
        return None
    shortest, longest = window
    fewest, most = since
    if most <= shortest:
        return True
    if fewest > longest:
        return False
    return None


JUDGES = {"therapy": therapy}
