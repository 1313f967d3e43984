"""The lab and score leaves: thresholds compared in the analyte's canonical unit, multiples
of the upper limit of normal (ULN), and creatinine clearance derived by Cockcroft–Gault
when a trial names it and no clearance is given.

ULN: a threshold "≤ 3 × ULN" compares directly with a fact given as a multiple ("2x ULN");
an absolute value is compared against the typical ULN in data/terminology/labs.yaml, and
within ±10 % of the threshold the answer stays unknown (the site's ULN may differ).
"""
from __future__ import annotations

from data.terminology import Terminology
from matching.compare import compare, compare_against_estimate, describe, near
from matching.derived import estimate_clearance
from matching.evidence import Evidence
from matching.lab_words import judge as judge_in_words
from matching.leaves import stated_age
from core.truth import FALSE, TRUE, UNKNOWN, kleene_all
from matching.leaf_result import LeafResult
from core.facts import Fact
from nlp.units import normalize_unit

_TRUTH = {True: TRUE, False: FALSE, None: UNKNOWN}
_ASK_FOR_INPUT = {"creatinine": "lab:creatinine", "weight": "weight", "age": "age"}


def canonical_value(term: Terminology, analyte: str, fact: Fact) -> float | None:
    """The fact's value in the analyte's canonical unit, or None when its unit is not one
    the analyte is measured in. A value without a unit is taken in the canonical unit."""
    canonical = term.canonical_unit(analyte)
    if fact.value_normalized is not None and fact.unit_normalized in (canonical, None):
        return fact.value_normalized
    if fact.value is None:
        return None
    for unit in (fact.unit_normalized, fact.unit):
        if unit is not None:
            converted = convert(term, analyte, fact.value, unit)
            if converted is not None:
                return converted
    return fact.value if fact.unit in (None, "") and fact.unit_normalized in (None, "") else None


def range_top(fact: Fact, bottom: float | None) -> float | None:
    """The top of a range fact ("20-30": 30) in the unit ``bottom`` (its canonical value) is
    in; None for a single value or when the range's bottom is not its ``value``."""
    if fact.value_high is None or bottom is None or fact.value is None or fact.comparator != ">=":
        return None
    if fact.value == 0:
        return fact.value_high if bottom == 0 else None
    return round(fact.value_high * bottom / fact.value, 4)


def convert(term: Terminology, analyte: str, value: float, unit: str) -> float | None:
    """``value`` in ``unit`` (as written or a unit key) to the analyte's canonical unit."""
    converted = term.to_canonical(analyte, value, unit)
    if converted is not None:
        return converted
    concept = term.get(analyte)
    key = normalize_unit(unit, concept.attrs.get("units", {})) if concept else None
    return None if key is None else term.to_canonical(analyte, value, key)


def plausible(term: Terminology, analyte: str, value: float) -> bool:
    concept = term.get(analyte)
    bounds = concept.attrs.get("plausible") or concept.attrs.get("range") if concept else None
    return bounds is None or bounds[0] <= value <= bounds[1]


def _latest(ev: Evidence, label: str, concept: str) -> Fact | None:
    facts = [f for f in ev.facts(label) if f.concept == concept and f.asserted]
    return facts[-1] if facts else None


def _unit(term: Terminology, analyte: str) -> str:
    return term.canonical_unit(analyte) or ""


# analytes the pipeline reports under a label of their own (body weight: a WEIGHT fact with
# its unit), and the question that asks for them
_OWN_LABEL = {"weight": ("WEIGHT", "weight")}


def _ask(analyte: str) -> str:
    return _OWN_LABEL[analyte][1] if analyte in _OWN_LABEL else f"lab:{analyte}"


def lab(ev: Evidence, leaf: dict) -> LeafResult:
    analyte = leaf["analyte"]
    term = ev.terminology
    name = ev.label(analyte)
    label = _OWN_LABEL[analyte][0] if analyte in _OWN_LABEL else "LAB"
    fact = _latest(ev, label, analyte)
    if fact is None:
        concept = term.get(analyte)
        if concept is not None and concept.attrs.get("derived") and analyte == "crcl":
            return _clearance(ev, leaf)
        return LeafResult(leaf, UNKNOWN, f"{name} is not given", ask=_ask(analyte))
    value = canonical_value(term, analyte, fact)
    unit = _unit(term, analyte)
    if fact.implausible or (value is not None and not plausible(term, analyte, value)):
        return LeafResult(leaf, UNKNOWN, f"{name} value {fact.text!r} looks implausible; please confirm",
                          [fact], ask=_ask(analyte) if analyte in _OWN_LABEL else f"confirm:lab:{analyte}")
    if fact.said_in_words:     # "creatinine is normal", "platelets were low": no number
        threshold = None if "uln" in leaf else convert(term, analyte, leaf["value"], leaf["unit"])
        attrs = term[analyte].attrs if analyte in term else {}
        return judge_in_words(leaf, fact, name, attrs, threshold, _unit_text(unit), _ask(analyte))
    op, shown_op = leaf["op"], describe(leaf["op"])
    typical = term[analyte].attrs.get("uln") if analyte in term else None
    if "uln" in leaf:
        threshold = leaf["uln"]
        if fact.uln_multiple is not None:
            ok = compare(fact.uln_multiple, fact.comparator, op, threshold)
            return _result(leaf, ok, f"{name} {_shown(fact.comparator, fact.uln_multiple)} × ULN "
                           f"(criterion: {shown_op} {threshold:g} × ULN)", fact, analyte)
        if value is not None and typical:
            limit = threshold * typical
            ok = compare_against_estimate(value, fact.comparator, op, limit)
            return _result(leaf, ok, f"{name} {_shown(fact.comparator, value)} {unit} against {shown_op} "
                           f"{threshold:g} × ULN ≈ {limit:g} {unit} (typical ULN {typical:g} {unit}; "
                           f"the site's ULN may differ)", fact, analyte)
        return LeafResult(leaf, UNKNOWN, f"{name}: value or ULN not usable", [fact], ask=_ask(analyte))
    threshold = convert(term, analyte, leaf["value"], leaf["unit"])
    if threshold is None:
        return LeafResult(leaf, UNKNOWN, f"criterion unit {leaf['unit']!r} not known for {name}", [fact])
    if value is not None and analyte in _OWN_LABEL and near(value, threshold):
        # a stated weight is approximate ("about 70 kg"; the text's sign or range is not kept
        # on the fact: "weight < 110 kg" reads 110), and the trial weighs at screening:
        # within 10 % of the limit it stays open, and asking again would not settle it
        return LeafResult(leaf, UNKNOWN, f"{name} {_shown(fact.comparator, value)} {unit} is close to the limit "
                          f"({shown_op} {threshold:g} {unit}); the trial team weighs at screening", [fact])
    top = range_top(fact, value)
    if value is not None and top is not None:
        # a range ("platelets 20-30"): met when both ends meet it, failed when neither does,
        # else open ("platelets >= 25": unknown, the count may be either side)
        ends = (compare(value, None, op, threshold), compare(top, None, op, threshold))
        ok = ends[0] if ends[0] == ends[1] else None
        return _result(leaf, ok, f"{name} {_shown(None, value)}–{_shown(None, top)} {_unit_text(unit)} (criterion: "
                       f"{shown_op} {threshold:g} {_unit_text(unit)})", fact, analyte)
    if value is not None:
        ok = compare(value, fact.comparator, op, threshold)
        return _result(leaf, ok, f"{name} {_shown(fact.comparator, value)} {_unit_text(unit)} (criterion: {shown_op} "
                       f"{threshold:g} {_unit_text(unit)})", fact, analyte)
    if fact.uln_multiple is not None and typical:
        estimate = fact.uln_multiple * typical
        ok = compare_against_estimate(estimate, fact.comparator, op, threshold)
        return _result(leaf, ok, f"{name} {fact.uln_multiple:g} × ULN ≈ {estimate:g} {unit} with a typical "
                       f"ULN of {typical:g} (criterion: {shown_op} {threshold:g} {unit}; the site's ULN may differ)",
                       fact, analyte)
    return LeafResult(leaf, UNKNOWN, f"{name}: unit of {fact.text!r} not understood", [fact], ask=_ask(analyte))


def _shown(comparator: str | None, value: float) -> str:
    prefix = describe(comparator) + " " if comparator and comparator != "==" else ""
    return f"{prefix}{value:.3g}" if abs(value) < 100 else f"{prefix}{value:.0f}"


def _unit_text(unit: str) -> str:
    """"10^9/L" reads "×10^9/L" after a number."""
    return f"×{unit}" if unit.startswith("10^") else unit


def _result(leaf: dict, ok: bool | None, reason: str, fact: Fact, analyte: str) -> LeafResult:
    value = _TRUTH[ok]
    return LeafResult(leaf, value, reason, [fact], ask=_ask(analyte) if value == UNKNOWN else None)


def _clearance(ev: Evidence, leaf: dict) -> LeafResult:
    """CrCl by Cockcroft–Gault from age, weight, sex and serum creatinine."""
    term = ev.terminology
    inputs: list[Fact] = []
    creatinine = _latest(ev, "LAB", "creatinine")
    cr_value = canonical_value(term, "creatinine", creatinine) if creatinine else None
    if creatinine is not None and (creatinine.implausible or cr_value is None or not plausible(term, "creatinine", cr_value)):
        cr_value = None
    age_fact, problem = stated_age(ev)
    age = age_fact.value if age_fact is not None and not problem and not age_fact.comparator else None
    age_facts = [age_fact] if age is not None else []
    weight_facts = [f for f in ev.facts("WEIGHT") if f.asserted and not f.implausible]
    weight = None
    if weight_facts:
        weight = canonical_value(term, "weight", weight_facts[-1])
        if weight is not None and not plausible(term, "weight", weight):
            weight = None
    sex_facts = [f for f in ev.facts("SEX") if not f.negated and not f.family]
    sex = sex_facts[-1].concept if sex_facts else None
    for facts, used in ((([creatinine] if creatinine else []), cr_value), (age_facts, age), (weight_facts, weight)):
        if used is not None and facts:
            inputs.append(facts[-1])
    if sex_facts:
        inputs.append(sex_facts[-1])
    estimate = estimate_clearance(age, weight, cr_value, sex)
    name = ev.label("crcl")
    if not estimate.known:
        return LeafResult(leaf, UNKNOWN, estimate.describe(), inputs, ask=_ASK_FOR_INPUT[estimate.missing[0]])
    threshold = convert(term, "crcl", leaf["value"], leaf["unit"]) if "value" in leaf else None
    if threshold is None:
        return LeafResult(leaf, UNKNOWN, f"{name}: criterion threshold not usable", inputs)
    low = compare(estimate.low, None, leaf["op"], threshold)
    high = compare(estimate.high, None, leaf["op"], threshold)
    value = kleene_all([_TRUTH[low], _TRUTH[high]]) if low == high else UNKNOWN
    reason = f"{estimate.describe()} (criterion: {describe(leaf['op'])} {threshold:g} mL/min)"
    return LeafResult(leaf, value, reason, inputs, ask="sex" if value == UNKNOWN else None)


def score(ev: Evidence, leaf: dict) -> LeafResult:
    name = ev.label(leaf["score"])
    stated = [f for f in ev.facts("SCORE") if f.concept == leaf["score"] and f.asserted]
    now = [f for f in stated if not f.historical]
    if stated and not now:
        # a score of the past ("ECOG was 3 in 2022", "she was bedridden for a week last year")
        # says nothing of how the patient is now: open, asked, never an exclusion
        return LeafResult(leaf, UNKNOWN, f"{name}: only a past value is known ({stated[-1].text})", [stated[-1]],
                          ask=f"score:{leaf['score']}")
    fact = now[-1] if now else None
    if fact is None or fact.value is None:
        return LeafResult(leaf, UNKNOWN, f"{name} is not given", [fact] if fact else [], ask=f"score:{leaf['score']}")
    if fact.implausible or not plausible(ev.terminology, leaf["score"], fact.value):
        return LeafResult(leaf, UNKNOWN, f"{name} {fact.value:g} is outside the score's range; please confirm",
                          [fact], ask=f"confirm:score:{leaf['score']}")
    ok = compare(fact.value, fact.comparator, leaf["op"], leaf["value"])
    value = _TRUTH[ok]
    return LeafResult(leaf, value, f"{name} {_shown(fact.comparator, fact.value)} (criterion: {describe(leaf['op'])} "
                      f"{leaf['value']:g})", [fact], ask=f"score:{leaf['score']}" if value == UNKNOWN else None)


JUDGES = {"lab": lab, "score": score}
