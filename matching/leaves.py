"""Judges for the leaves about conditions, infections, biomarkers, pregnancy, demographics
and procedures (therapies are in ``therapy.py``, labs and scores in ``labs.py``).

Each judge takes the ``Evidence`` and the leaf and returns a ``LeafResult``; the rules it
follows are in ``matching/evaluate.py``'s docstring.
"""
from __future__ import annotations

import math
import re

from core import durations
from core.facts import Fact
from core.truth import FALSE, REVIEW, TRUE, UNKNOWN, kleene_all
from data.condition_names import DISEASE_STATUS
from matching.compare import compare
from matching.concepts import BROADER, NARROWER, relation
from matching.derived import at_least_months_ago, window_days, within_days
from matching.disease_status import contradicting
from matching.evidence import NEGATES, PRESENT, Evidence, split_related
from matching.evidence_rules import load_evidence_rules
from matching.cohorts import another_cohort
from matching.leaf_result import LeafResult

PLAUSIBLE_AGE = (0, 120)


def diagnosis(ev: Evidence, leaf: dict) -> LeafResult:
    concept = leaf["concept"]
    name = ev.label(concept)
    present, uncertain, broader, negated = split_related(ev.related(["CONDITION"], concept))
    if not present:
        present = _spread_shown(ev, concept)
    present, own = _besides_own(ev, leaf, present)
    present, maybe = _without_excepted(ev, leaf, present)
    if own and not present and not maybe:
        return _own_condition(ev, leaf, name, own)
    if maybe and not present:
        return _maybe_excepted(ev, leaf, name, maybe, f"diagnosis:{concept}")
    months = leaf.get("min_duration_months")
    if present and _past_cancers_only(ev, concept, present):
        # "PMH prostate ca treated with radical prostatectomy 2016", "a melanoma cut out in 2011"
        # against "current diagnosis of cancer" or "other cancers": a cancer of the past is not
        # one the patient has; whether it counts, the trial team decides (lead, round 33)
        return LeafResult(leaf, UNKNOWN, f"{name}: {present[0].text!r} was in the past (treated); "
                          "whether a past cancer counts, the trial team decides", present[:1])
    if present:
        if not months:
            return LeafResult(leaf, TRUE, f"{name}: diagnosis stated", present[:1])
        timed = [(f, _diagnosed_long_enough(f, months, ev)) for f in present]
        for fact, ok in timed:
            if ok is True:
                return LeafResult(leaf, TRUE, f"{name} diagnosed at least {months:g} months ago", [fact])
        if all(ok is False for _, ok in timed) and not maybe:
            return LeafResult(leaf, FALSE, f"{name} diagnosed less than {months:g} months ago", present)
        return LeafResult(leaf, UNKNOWN, f"{name} stated, but not when it was diagnosed "
                          f"(criterion: at least {months:g} months)", present, ask=f"diagnosis_date:{concept}")
    against = [] if uncertain else contradicting(concept, ev.facts("CONDITION"), ev.terminology)
    if against:     # a disease status: "relapsed" is not "newly diagnosed"
        return LeafResult(leaf, FALSE, f"{name}: {against[0].text!r} is stated", against[:1])
    if not (uncertain or broader or negated):
        other = another_cohort(ev, leaf)
        if other is not None:      # a cohort for another of the trial's diseases (lead, round 43)
            return other
    return _not_stated(leaf, name, f"diagnosis:{concept}", uncertain, broader, negated, "is it")


_MALIGNANCY = "malignancy"      # the terminology's root of the cancers


def _past_cancers_only(ev: Evidence, concept: str, present: list[Fact]) -> bool:
    """Every fact that meets a cancer diagnosis leaf is a cancer of the past (historical: a
    "PMH" item, "treated with surgery in 2016", "had ... in 2011"): none the patient has now."""
    terminology = ev.terminology
    if concept not in terminology or not (concept == _MALIGNANCY or terminology.is_a(concept, _MALIGNANCY)):
        return False
    return all(f.historical and f.concept in terminology and terminology.is_a(f.concept, _MALIGNANCY) for f in present)


def _spread_shown(ev: Evidence, concept: str) -> list[Fact]:
    """A stated site the cancer spread to ("liver metastases", ``spread``) as evidence of a
    status it shows (``shown_by_spread``: metastatic disease) or one broader (advanced
    disease), never of the status root itself. Round 27 (h128)."""
    terminology = ev.terminology
    if concept == DISEASE_STATUS or concept not in terminology:
        return []
    shows = [c for c in _shown_by_spread(terminology) if c == concept or terminology.is_a(c, concept)]
    if not shows:
        return []
    sites = [f for f in ev.facts("CONDITION") if not f.negated and not f.uncertain
             and terminology.flagged(f.concept, "spread")]
    if sites:
        return sites
    # a solid tumour in stage IV now (AJCC / UICC: distant metastases, M1): not a lymphoma's
    # stage IV (Ann Arbor: extranodal spread), nor one of the past ("stage IV at diagnosis")
    solid = any(not f.negated and not f.uncertain and f.concept in terminology
                and terminology.is_a(f.concept, "solid_tumor") and not terminology.flagged(f.concept, "spread")
                for f in ev.facts("CONDITION"))
    return [f for f in ev.facts("STAGE") if solid and str(f.concept).startswith("IV") and not f.negated
            and not f.uncertain and not f.historical] if solid else []


def _shown_by_spread(terminology) -> tuple[str, ...]:
    cached = getattr(terminology, "_shown_by_spread", None)
    if cached is None:
        cached = tuple(c for c in terminology.concepts if terminology.flagged(c, "shown_by_spread"))
        try:
            terminology._shown_by_spread = cached
        except AttributeError:      # a frozen terminology: computed each time (a handful of concepts)
            pass
    return cached


def _besides_own(ev: Evidence, leaf: dict, present: list[Fact]) -> tuple[list[Fact], list[Fact]]:
    """(facts that count, facts of the trial's own condition): in a criterion against the
    patient, a stated diagnosis of the condition the trial is for (``besides``, set by
    ``data.rule_nodes``), the same, broader or narrower, is not evidence of it."""
    own = leaf.get("besides")
    if not own or not present:
        return present, []
    terminology = ev.terminology
    is_a, named = terminology.is_a, leaf.get("concept")

    def own_form(fact: Fact, target: str) -> bool:
        # only a criterion naming the trial's disease or a broader one ("metastatic breast
        # cancer", "any other malignancy"); one naming a narrower form ("active lupus
        # nephritis" in a lupus trial) is judged as usual, and asked about. A site the
        # cancer spread to ("liver mets") is the trial's disease too, never another cancer
        found = terminology.get(fact.concept)
        spread = found is not None and bool(found.attrs.get("spread")) and is_a(fact.concept, named)
        return is_a(target, named) and (fact.concept == target or is_a(fact.concept, target)
                                        or is_a(target, fact.concept) or spread)

    mine = [f for f in present if any(own_form(f, c) for c in own)]
    return [f for f in present if f not in mine], mine


def _without_excepted(ev: Evidence, leaf: dict, present: list[Fact]) -> tuple[list[Fact], list[Fact]]:
    """(facts that count, facts that may be a kind the leaf's ``except`` takes out): "any
    malignancy except basal cell carcinoma" is not met by a basal cell carcinoma, and a
    stated "skin cancer" or "cancer" may be one (broader than an exception: unknown)."""
    excepted = leaf.get("except")
    if not excepted or not present:
        return present, []
    is_a = ev.terminology.is_a
    counted = [f for f in present if not any(f.concept == e or is_a(f.concept, e) for e in excepted)]
    maybe = [f for f in counted if any(is_a(e, f.concept) for e in excepted)]
    return [f for f in counted if f not in maybe], maybe


def _maybe_excepted(ev: Evidence, leaf: dict, name: str, maybe: list[Fact], ask: str) -> LeafResult:
    kinds = ", ".join(dict.fromkeys(ev.label(c) for c in leaf["except"]))
    return LeafResult(leaf, UNKNOWN, f"{maybe[0].text!r} is stated; whether it is one that does not count "
                      f"({kinds}) is not", maybe, ask=ask)


def _own_condition(ev: Evidence, leaf: dict, name: str, own: list[Fact]) -> LeafResult:
    targets = ", ".join(dict.fromkeys(ev.label(c) for c in leaf.get("besides") or ()))
    return LeafResult(leaf, REVIEW, f"{name}: the trial is for {targets}, which you told me about; whether this "
                      f"criterion (a particular form or stage of it, or another condition) applies is for the trial "
                      f"team to judge", own)


def _not_stated(leaf: dict, name: str, ask: str, uncertain: list[Fact], broader: list[Fact],
                negated: list[Fact], question: str) -> LeafResult:
    """The verdict when the concept is not stated as present: suspected, only a broader
    term, explicitly ruled out, or not mentioned at all."""
    if uncertain:
        return LeafResult(leaf, UNKNOWN, f"{name} is mentioned as possible/suspected, not confirmed",
                          uncertain, ask=ask)
    if broader:
        return LeafResult(leaf, UNKNOWN, f"{broader[0].text!r} is mentioned; {question} {name}?", broader, ask=ask)
    if negated:
        return LeafResult(leaf, FALSE, f"{name} is explicitly ruled out", negated)
    return LeafResult(leaf, UNKNOWN, f"{name} is not mentioned", ask=ask)


def _diagnosed_long_enough(fact: Fact, months: float, ev: Evidence) -> bool | None:
    if fact.date:
        return at_least_months_ago(fact.date, months, ev.today)
    if fact.duration_days is not None:
        return fact.duration_days >= durations.days(months, "month")
    return None


def history(ev: Evidence, leaf: dict) -> LeafResult:
    """A condition (or infection) in the history, current or past, optionally within a window."""
    return _event(ev, leaf, ["CONDITION", "INFECTION"], "history")


def procedure(ev: Evidence, leaf: dict) -> LeafResult:
    return _event(ev, leaf, ["PROCEDURE", "DRUG"], "procedure")


def _event(ev: Evidence, leaf: dict, labels: list[str], kind: str) -> LeafResult:
    concept = leaf["concept"]
    name = ev.label(concept)
    window = leaf.get("within_days")
    related = ev.related(labels, concept)
    if kind == "procedure":
        related += _implying(ev, labels, concept)
    present, uncertain, broader, negated = split_related(related)
    # a negative test result ("TB screen negative") is evidence of absence, like a negation
    negated += [f for f in present if f.status == "negative"]
    present = [f for f in present if f.status != "negative"]
    present, own = _besides_own(ev, leaf, present)
    present, maybe = _without_excepted(ev, leaf, present)
    if own and not present and not maybe:
        return _own_condition(ev, leaf, name, own)
    if maybe and not present:
        return _maybe_excepted(ev, leaf, name, maybe, f"{kind}:{concept}")
    if present:
        if window is None:
            return LeafResult(leaf, TRUE, f"{name}: stated", present[:1])
        verdicts = [(f, _in_window(f, window, ev)) for f in present]
        for fact, ok in verdicts:
            if ok is True:
                return LeafResult(leaf, TRUE, f"{name} within the last {window_days(window)}", [fact])
        if all(ok is False for _, ok in verdicts) and not maybe:
            return LeafResult(leaf, FALSE, f"{name}, but longer ago than {window_days(window)}", present)
        return LeafResult(leaf, UNKNOWN, f"{name} stated, but not when (window: {window_days(window)})",
                          present, ask=f"{kind}_date:{concept}")
    return _not_stated(leaf, name, f"{kind}:{concept}", uncertain, broader, negated, "was it")


def _implying(ev: Evidence, labels: list[str], concept: str) -> list[tuple[Fact, str]]:
    """Facts of a therapy whose use implies the procedure (``implies`` in the terminology, round
    30: an investigational product is received in a trial), as facts of a kind of it (a doubtful
    one stays doubtful); a denied one says nothing (a trial without a drug stays possible)."""
    terminology = ev.terminology
    found = []
    for fact in ev.facts(*labels):
        if fact.family or fact.hypothetical or fact.negated or fact.concept not in terminology:
            continue
        if terminology.is_a(fact.concept, concept):
            continue      # related already
        if any(concept in terminology[c].attrs.get("implies", ()) for c in terminology.ancestors(fact.concept)
               if c in terminology):
            found.append((fact, NARROWER))
    return found


def _in_window(fact: Fact, window: float, ev: Evidence) -> bool | None:
    """Whether a stated condition/procedure falls within the window: by its date when known;
    a current (not historical, undated) condition or a current therapy is within any window.
    A chronic disease not said to be over is within any window whatever its date: the date is
    when it began ("asthma since 2005" is asthma now; ``lasting`` in the terminology)."""
    if fact.date and fact.label == "CONDITION" and not fact.historical and ev.terminology.lasting(fact.concept):
        return True
    if fact.date:
        return within_days(fact.date, window, ev.today)
    if fact.status == "current" or fact.ongoing or (not fact.historical and fact.label in ("CONDITION", "INFECTION")):
        return True
    return None


def infection(ev: Evidence, leaf: dict) -> LeafResult:
    """An infection or a positive marker. A result decides (positive, negative, active); an
    infection merely named is present only for clinical infections (``named_means_active``
    in data/evidence.yaml: "admitted with pneumonia"), else unknown ("HIV status unknown").
    "Active" needs an active infection or a positive replication marker (HCV RNA)."""
    agent = leaf["agent"]
    state = leaf.get("state", "positive")
    name = ev.label(agent)
    excepted = leaf.get("except", ())
    rules = load_evidence_rules()
    related = [(f, r, f.concept, "negative" if f.negated else f.status) for f, r in ev.related(["INFECTION"], agent)
               if not any(ev.terminology.is_a(f.concept, other) for other in excepted)]
    related += _viral_loads(ev, agent, rules)
    positive, open_, negative = [], [], []
    for fact, rel, concept, status in related:
        if status in (None, "positive") and any(ev.terminology.is_a(concept, c) for c in rules.named_means_active):
            status = "active"   # a clinical infection the patient has is an active one
        if status == "negative":
            negative.append(fact)
            continue
        if rel not in PRESENT:
            open_.append((fact, f"{fact.text!r} is mentioned; is it {name} ({state})?"))
        elif fact.uncertain:
            open_.append((fact, f"{name} is suspected or pending, not confirmed"))
        elif status is None:
            open_.append((fact, f"{name} is mentioned without a result"))
        elif state == "active" and fact.historical:
            open_.append((fact, f"past {name}: whether it is active now is not stated"))
        elif _cleared(fact, concept, ev, rules):
            open_.append((fact, f"past {name}: cleared since, a test now is not stated"))
        elif state == "active" and status != "active" and concept not in rules.active_markers:
            open_.append((fact, f"{name} {status}: whether the infection is active is not stated"))
        else:
            positive.append(fact)
    if positive:
        return LeafResult(leaf, TRUE, f"{name} ({'active' if state == 'active' else 'positive'})", positive[:1])
    if open_:
        return LeafResult(leaf, UNKNOWN, open_[0][1], [f for f, _ in open_], ask=f"infection:{agent}:{state}")
    if negative:
        return LeafResult(leaf, FALSE, f"{name}: negative / ruled out", negative)
    return LeafResult(leaf, UNKNOWN, f"{name} status is not mentioned", ask=f"infection:{agent}:{state}")


def _cleared(fact: Fact, concept: str, ev: Evidence, rules) -> bool:
    """A past infection the body clears (``clears`` in data/evidence.yaml): said as past, or
    dated longer ago than the days it takes to clear."""
    days = next((d for c, d in (rules.clears or {}).items() if ev.terminology.is_a(concept, c)), None)
    if days is None:
        return False
    if fact.date:
        return within_days(fact.date, days, ev.today) is False
    return fact.historical


def _viral_loads(ev: Evidence, agent: str, rules) -> list[tuple[Fact, str, str, str]]:
    """Measured viral loads as marker results: (lab fact, relation, marker, status)."""
    found = []
    for marker, analyte in rules.viral_loads.items():
        rel = relation(marker, marker, agent, ev.terminology)
        if rel not in PRESENT:
            continue
        for fact in ev.facts("LAB"):
            if fact.concept == analyte and fact.asserted and fact.value is not None:
                undetectable = fact.comparator in ("<", "<=") or fact.value == 0
                found.append((fact, rel, marker, "negative" if undetectable else "positive"))
    return found


def _test_name(fact: Fact) -> str:
    return re.sub(r"[\s\-_/]+|^anti", "", fact.text.lower())


def _latest_results(found: list[tuple[Fact, str | None]], ev: Evidence, marker: str) -> list[tuple[Fact, str]]:
    """The results to judge by, the one to use first: the latest result wins (a correction);
    for a panel (a name for several different tests, the terminology's ``panel``) the latest
    result of each test named, a positive one first ("anti-Scl-70 positive, anti-centromere
    negative": the patient has a systemic-sclerosis antibody)."""
    results = [(fact, state) for fact, state in reversed(found) if state in ("positive", "negative")]
    if not results or not ev.terminology.flagged(marker, "panel"):
        return results
    latest: dict[str, tuple[Fact, str]] = {}
    for fact, state in results:
        latest.setdefault(_test_name(fact), (fact, state))
    return sorted(latest.values(), key=lambda item: item[1] != "positive")


def _defined_by(ev: Evidence, marker: str) -> Fact | None:
    """A diagnosis the patient states (asserted: not negated, a relative's, hypothetical or
    only suspected) whose definition includes ``marker`` positive (``defining_markers`` in
    data/evidence.yaml: anti-synthetase syndrome, a myositis antibody), or None."""
    defining = load_evidence_rules().defining_markers or {}
    if not defining:
        return None
    terminology = ev.terminology
    for fact in ev.facts("CONDITION"):
        if fact.negated or fact.family or fact.hypothetical or fact.uncertain or fact.concept not in terminology:
            continue
        for disease, markers in defining.items():
            if terminology.is_a(fact.concept, disease) and any(terminology.is_a(m, marker) for m in markers):
                return fact
    return None


def biomarker(ev: Evidence, leaf: dict) -> LeafResult:
    marker, wanted = leaf["marker"], leaf["state"]
    name = ev.label(marker)
    minimum = leaf.get("min_percent")
    found: list[tuple[Fact, str | None]] = []
    broader: list[Fact] = []
    for fact, rel in ev.related(["BIOMARKER"], marker):
        if fact.uncertain:
            continue
        state = "negative" if fact.negated else fact.status
        if state == "negative" and rel in NEGATES:
            # no EGFR mutation: no sensitizing EGFR mutation either; a negative test for one
            # kind ("KRAS G12C negative") says nothing of the others (narrower: left out)
            found.append((fact, state))
        elif state != "negative" and rel in PRESENT:
            found.append((fact, state))
        elif state == "positive" and rel == BROADER:
            broader.append(fact)   # "KRAS mutation" against "KRAS G12C": which one is not said
    results = _latest_results(found, ev, marker)
    single = [f for f, state in results if state == "negative" and ev.terminology.panel_member(marker, f.text)]
    if results and len(single) == len(results):
        # one test of a panel negative ("MDA5 negative") says nothing of the panel's other
        # tests: the panel stays open (its own name negative, or "no" to it, settles it)
        if wanted == "positive" and minimum is None and (defined := _defined_by(ev, marker)) is not None:
            return LeafResult(leaf, TRUE, f"{name} positive: {defined.text!r} is defined by it", [defined])
        tests = ", ".join(dict.fromkeys(f.text for f in single))
        return LeafResult(leaf, UNKNOWN, f"{tests} negative, one test of the {name}; the others are not said",
                          single, ask=f"biomarker:{marker}")
    for fact, state in results:
        if state != wanted:
            return LeafResult(leaf, FALSE, f"{name} {state}", [fact])
        if wanted == "positive" and minimum is not None:
            if fact.value is None or fact.unit not in (None, "%"):     # an antibody's level is no share of cells
                return LeafResult(leaf, UNKNOWN, f"{name} positive, share of cells not given "
                                  f"(criterion: ≥ {minimum:g}%)", [fact], ask=f"biomarker:{marker}")
            ok = compare(fact.value, fact.comparator, ">=", minimum)
            value = {True: TRUE, False: FALSE, None: UNKNOWN}[ok]
            return LeafResult(leaf, value, f"{name} {fact.value:g}% (criterion: ≥ {minimum:g}%)", [fact],
                              ask=None if ok is not None else f"biomarker:{marker}")
        return LeafResult(leaf, TRUE, f"{name} {state}", [fact])
    if wanted == "positive" and minimum is None and (defined := _defined_by(ev, marker)) is not None:
        return LeafResult(leaf, TRUE, f"{name} positive: {defined.text!r} is defined by it", [defined])
    if found:
        return LeafResult(leaf, UNKNOWN, f"{name} is mentioned without a result", [f for f, _ in found],
                          ask=f"biomarker:{marker}")
    if broader:
        return LeafResult(leaf, UNKNOWN, f"{broader[0].text!r} is stated; is it {name}?", broader,
                          ask=f"biomarker:{marker}")
    return LeafResult(leaf, UNKNOWN, f"{name} is not mentioned", ask=f"biomarker:{marker}")


def pregnancy(ev: Evidence, leaf: dict) -> LeafResult:
    states = leaf["states"]
    # a past pregnancy ("ectopic pregnancy in 2018") is not a pregnancy now
    facts = [f for f in ev.facts("PREGNANCY") if not f.family and not f.hypothetical and not f.historical]
    sex = [f for f in ev.facts("SEX") if not f.family]   # a relative's sex word is not the patient's
    if sex and sex[-1].concept == "male" and not sex[-1].negated:
        # first: a man is never pregnant, whatever else the text seems to say ("beta-HCG 1200"
        # in a man with a germ cell tumour is a tumour marker, "his wife is pregnant")
        return LeafResult(leaf, FALSE, "male patient", [sex[-1]])
    for fact in facts:
        if fact.concept in states and not fact.negated and not fact.uncertain:
            return LeafResult(leaf, TRUE, f"{_state_word(fact.concept)}", [fact])
    ruled_out = {f.concept for f in facts if f.negated}
    if all(s in ruled_out for s in states):
        return LeafResult(leaf, FALSE, "not " + " / ".join(_state_word(s) for s in states),
                          [f for f in facts if f.negated])
    outside = _outside_childbearing(ev)
    if outside is not None:
        reason, fact = outside
        return LeafResult(leaf, FALSE, reason, [fact])
    open_states = [s for s in states if s not in ruled_out]
    return LeafResult(leaf, UNKNOWN, "not stated: " + " / ".join(_state_word(s) for s in open_states),
                      [f for f in facts if f.negated], ask="pregnancy")


def _outside_childbearing(ev: Evidence) -> tuple[str, Fact] | None:
    """(reason, age fact) when the stated age lies outside the child-bearing years
    (``childbearing_ages``, data/evidence.yaml: a woman of 67, a girl of 6): no pregnancy,
    breastfeeding or planned pregnancy is assumed then, and none is asked about. None when
    the age is not stated, unsure, or within those years."""
    bounds = load_evidence_rules().childbearing_ages
    fact, problem = stated_age(ev)
    if bounds is None or fact is None or problem is not None:
        return None
    youngest, oldest = bounds
    years, comparator = fact.value, fact.comparator
    if years > oldest and comparator in (None, ">", ">="):
        return f"age {years:g}: past the years of pregnancy (the trial team confirms)", fact
    if years < youngest and comparator in (None, "<", "<="):
        return f"age {years:g}: too young for a pregnancy (the trial team confirms)", fact
    return None


def _state_word(state: str) -> str:
    return {"pregnant": "pregnant", "lactating": "breastfeeding", "planning": "planning a pregnancy"}.get(state, state)


def sex(ev: Evidence, leaf: dict) -> LeafResult:
    allowed = leaf["allowed"]
    facts = [f for f in ev.facts("SEX") if not f.negated and not f.family]   # not a relative's ("The mother is a 32-year-old woman")
    if facts:
        fact = facts[-1]
        value = TRUE if fact.concept in allowed else FALSE
        return LeafResult(leaf, value, f"sex: {fact.concept}", [fact])
    pregnant = [f for f in ev.facts("PREGNANCY") if f.asserted and not f.uncertain and f.concept in ("pregnant", "lactating")]
    if pregnant:
        value = TRUE if "female" in allowed else FALSE
        return LeafResult(leaf, value, "female (pregnant or breastfeeding)", pregnant[:1])
    return LeafResult(leaf, UNKNOWN, "sex is not stated", ask="sex")


def stated_age(ev: Evidence) -> tuple[Fact | None, str | None]:
    """(the age fact to use, None) or (facts' problem as a reason, with the fact if any):
    an implausible age or two different ages in the text leave the age unknown."""
    facts = [f for f in ev.facts("AGE") if f.asserted and f.value is not None]
    if not facts:
        return None, "age is not stated"
    fact = facts[-1]
    if fact.implausible or not (PLAUSIBLE_AGE[0] <= fact.value <= PLAUSIBLE_AGE[1]):
        return fact, f"age {fact.value:g} looks implausible; please confirm"
    exact = {math.floor(f.value) for f in facts if not f.comparator and not f.implausible}
    if len(exact) > 1:
        return fact, "the text gives different ages (" + ", ".join(f"{a:g}" for a in sorted(exact)) + "); please confirm"
    return fact, None


def _age_value(years: float, comparator: str | None, leaf: dict, high: float | None = None) -> str:
    if high is not None:    # a range ("in her early thirties", 30-34): decided when both ends agree
        ends = {_age_value(years, None, leaf), _age_value(high, None, leaf)}
        return ends.pop() if len(ends) == 1 else UNKNOWN
    checks = []
    if leaf.get("min") is not None:
        checks.append(compare(years, comparator, ">=", leaf["min"]))
    if leaf.get("max") is not None:
        checks.append(compare(years, comparator, "<=", leaf["max"]))
    return kleene_all({True: TRUE, False: FALSE, None: UNKNOWN}[c] for c in checks)


def _each_age(ev: Evidence, leaf: dict) -> LeafResult | None:
    """Two exact, plausible ages in the text ("DOB 14/03/1961 (63 yo)" in a letter written
    two years ago): the criterion judged on each; when every age gives the same answer, that
    answer (a children's trial is for neither 63 nor 65), else None (the age is asked)."""
    facts = [f for f in ev.facts("AGE") if f.asserted and f.value is not None and not f.comparator
             and not f.implausible and PLAUSIBLE_AGE[0] <= f.value <= PLAUSIBLE_AGE[1]]
    ages = sorted({math.floor(f.value) for f in facts})
    if len(ages) < 2:
        return None
    values = {_age_value(a, None, leaf) for a in ages}
    if len(values) != 1 or UNKNOWN in values:
        return None
    shown = ", ".join(f"{a:g}" for a in ages)
    return LeafResult(leaf, values.pop(), f"the text gives different ages ({shown} years); each gives the same answer",
                      facts)


def age(ev: Evidence, leaf: dict) -> LeafResult:
    fact, problem = stated_age(ev)
    if problem:
        each = _each_age(ev, leaf) if fact is not None and not fact.implausible else None
        if each is not None:
            return each
        ask = "age" if fact is None else "confirm:age"
        return LeafResult(leaf, UNKNOWN, problem, [fact] if fact else [], ask=ask)
    years = math.floor(fact.value) if not fact.comparator else fact.value
    if fact.value_high is not None:     # an age said as a decade ("in my 40s"): 40-49
        value = _age_value(fact.value, None, leaf, fact.value_high)
        shown = f"{fact.value:g}-{fact.value_high:g}"
    else:
        value = _age_value(years, fact.comparator, leaf)
        shown = f"{fact.comparator or ''}{fact.value:g}"
    return LeafResult(leaf, value, f"age {shown} years", [fact], ask="age" if value == UNKNOWN else None)


def review(ev: Evidence, leaf: dict) -> LeafResult:
    return LeafResult(leaf, REVIEW, f"only the trial team can judge this ({leaf.get('reason', 'other')})")


JUDGES = {
    "diagnosis": diagnosis,
    "history": history,
    "procedure": procedure,
    "infection": infection,
    "biomarker": biomarker,
    "pregnancy": pregnancy,
    "sex": sex,
    "age": age,
    "review": review,
}
