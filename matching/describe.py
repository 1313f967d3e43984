"""Short human descriptions of rule leaves ("serum creatinine > 2.5 mg/dL", "ALT > 3 × ULN"),
used in evidence and reports. Labels come from the terminology."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from data.condition_names import condition_concept, unmapped_names
from data.terminology import load_terminology
from matching.compare import describe as op_text
from matching.derived import window_days


def describe_leaf(leaf: dict) -> str:
    term = load_terminology()
    kind = leaf.get("type")
    label = term.label
    if kind == "target_condition":
        return f"a trial for {trial_conditions_text(leaf, term)}"
    if kind == "healthy_volunteers":
        return "a study in healthy volunteers"
    if kind == "diagnosis":
        text = f"diagnosis of {label(leaf['concept'])}"
        if leaf.get("min_duration_months"):
            text += f" for at least {leaf['min_duration_months']:g} months"
        if leaf.get("except"):
            text += " (except " + ", ".join(label(c) for c in leaf["except"]) + ")"
        return text
    if kind == "therapy":
        count = leaf.get("min_count", 1)
        response = leaf.get("response", "any")
        what = label(leaf["concept"])
        text = f"at least {count:g} × {what}" if count and count > 1 else what
        if response != "any":
            text += f" ({response.replace('_', ' ')})"
        if leaf.get("within_days") is not None:
            text += f" within {window_days(leaf['within_days'])}"
        if leaf.get("within_half_lives") is not None:
            text += f" within {leaf['within_half_lives']:g} half-lives"
        if leaf.get("except"):
            text += " (except " + ", ".join(label(c) for c in leaf["except"]) + ")"
        return text
    if kind == "lab":
        op = op_text(leaf["op"])
        if "uln" in leaf:
            return f"{label(leaf['analyte'])} {op} {leaf['uln']:g} × ULN"
        return f"{label(leaf['analyte'])} {op} {leaf['value']:g} {leaf['unit']}".rstrip()
    if kind == "score":
        return f"{label(leaf['score'])} {op_text(leaf['op'])} {leaf['value']:g}"
    if kind == "age":
        low, high = leaf.get("min"), leaf.get("max")
        if low is not None and high is not None:
            return f"age {low:g}–{high:g} years"
        return f"age ≥ {low:g} years" if low is not None else f"age ≤ {high:g} years"
    if kind == "sex":
        return "sex: " + " or ".join(leaf["allowed"])
    if kind == "pregnancy":
        return " or ".join(leaf["states"]).replace("lactating", "breastfeeding").replace("planning", "planning pregnancy")
    if kind == "infection":
        return f"{label(leaf['agent'])} ({leaf.get('state', 'positive')})"
    if kind in ("history", "procedure"):
        text = ("history of " if kind == "history" else "") + label(leaf["concept"])
        if leaf.get("within_days") is not None:
            text += f" within {window_days(leaf['within_days'])}"
        if leaf.get("except"):
            text += " (except " + ", ".join(label(c) for c in leaf["except"]) + ")"
        return text
    if kind == "biomarker":
        text = f"{label(leaf['marker'])} {leaf['state']}"
        if leaf.get("min_percent") is not None:
            text += f" (≥ {leaf['min_percent']:g}%)"
        return text
    if kind == "toxicity":
        text = f"a side effect of earlier anticancer therapy still at CTCAE grade {leaf['grade']:g} or worse"
        left_out = [k.replace("_", " ") for k in leaf.get("except", [])]
        return text + (f" (except {' and '.join(left_out)})" if left_out else "")
    if kind == "stage":
        return "stage " + " or ".join(leaf["stages"]) + " of the cancer"
    if kind == "allergy":
        return f"allergy or hypersensitivity to {label(leaf['substance'])}"
    if kind == "review":
        return f"for the trial team to judge ({leaf['reason']})"
    return str(kind)


@lru_cache(maxsize=20_000)
def unmapped_texts(texts: tuple[str, ...]) -> tuple[str, ...]:
    """The registry names no condition concept stands for (the others are judged by their
    concepts, as the record lists them)."""
    return unmapped_names(texts)


_CONDITIONS_TEXT: dict[tuple, str] = {}


def trial_conditions_text(leaf: dict, terminology: Any) -> str:
    """The trial's conditions as a person reads them (remembered per list of conditions)."""
    key = (tuple(leaf.get("concepts") or ()), tuple(leaf.get("texts") or ()), tuple(leaf.get("filed") or ()),
           id(terminology))
    found = _CONDITIONS_TEXT.get(key)
    if found is None:
        if len(_CONDITIONS_TEXT) >= 50_000:
            _CONDITIONS_TEXT.clear()
        found = _CONDITIONS_TEXT[key] = _trial_conditions_text(leaf, terminology)
    return found


def _trial_conditions_text(leaf: dict, terminology: Any) -> str:
    """The trial's conditions as a person reads them."""
    concepts = list(leaf.get("concepts") or ())
    filed = set(leaf.get("filed") or ())
    if filed:            # an index term the registry added above a listed condition is no news
        by = {}
        for text in leaf.get("texts") or ():
            by.setdefault(condition_concept(text), []).append(text)
        concepts = [c for c in concepts if not (by.get(c) and all(t in filed for t in by[c]) and any(
            o != c and o in terminology and c in terminology and terminology.is_a(o, c) for o in concepts))]
    names = [terminology.label(c) for c in concepts]
    names += [t for t in unmapped_texts(tuple(leaf.get("texts") or ())) if t.lower() not in {n.lower() for n in names}]
    return ", ".join(names) or "conditions not stated"
