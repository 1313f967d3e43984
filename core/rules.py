"""The criteria rule language: a small boolean language over typed clinical leaves.

A rule is a mapping. Combinators::

    {"all": [rule, ...]}      every sub-rule holds          (Kleene AND)
    {"any": [rule, ...]}      at least one sub-rule holds   (Kleene OR)
    {"not": rule}             the sub-rule does not hold    (Kleene NOT)

Leaves carry ``type`` plus the fields listed in ``LEAF_FIELDS``. A rule states a
*condition about the patient*; whether that condition is required (inclusion) or
disqualifying (exclusion) is said by the criterion that holds the rule, never by the
rule itself. The full reference, with examples, is ``docs/rule-language.md``.

Every leaf may also carry ``ask`` (``{"patient": str, "clinician": str}``) to override
the default question for its type, and ``note`` (free text for curators).

``validate_rule`` checks a rule and raises ``RuleError`` naming the path to the bad
field; the data loader adds the file and criterion id.
"""
from __future__ import annotations

import copy
import re
from typing import Any, Iterator

COMPARATORS = ("<", "<=", ">", ">=", "==")
COMBINATORS = ("all", "any", "not")

# Field name -> (accepted python types, required?)
_NUM = (int, float)
_STR = (str,)
_LIST = (list,)
_BOOL = (bool,)

THERAPY_RESPONSES = ("any", "failed", "intolerant", "failed_or_intolerant", "current")
INFECTION_STATES = ("active", "positive")
BIOMARKER_STATES = ("positive", "negative")
PREGNANCY_STATES = ("pregnant", "lactating", "planning")
SEXES = ("female", "male")
# a stage group as the stage leaf writes it: "0", "I" ... "IV", optionally with one letter ("IIIB")
STAGE_FORM = re.compile(r"(?:0|I{1,3}|IV)[ABC]?")
# side effects a toxicity leaf may leave out ("excluding alopecia", "with the exception of alopecia or
# nail changes"): lasting changes of no danger, named as kinds, not concepts of the terminology
TOXICITY_EXCEPTIONS = ("alopecia", "nail_changes")
REVIEW_REASONS = ("consent", "investigator", "assay", "prognosis", "compliance", "clinical", "other")

LEAF_FIELDS: dict[str, dict[str, tuple[tuple[type, ...], bool]]] = {
    # a diagnosis of the condition concept (or a descendant); optional minimum time since diagnosis
    "diagnosis": {"concept": (_STR, True), "min_duration_months": (_NUM, False),
                  "except": (_LIST, False)},        # kinds that do not count (e.g. basal cell carcinoma)
    # prior or current use of a drug / drug class / procedure concept
    "therapy": {
        "concept": (_STR, True),
        "response": (_STR, False),          # one of THERAPY_RESPONSES, default "any"
        "min_count": (_NUM, False),         # distinct drugs under the concept, default 1
        "within_days": (_NUM, False),       # used within N days before screening (washout)
        "within_half_lives": (_NUM, False), # used within N elimination half-lives
        "except": (_LIST, False),           # concepts that do not count (e.g. inhaled steroids)
        "during_trial": (_BOOL, False),     # with response current: use during the study ("no
                                            # concurrent X"); a drug taken now is reviewed, not failed
    },
    # a lab or measurement; exactly one of value(+unit) or uln (multiple of upper limit of normal)
    "lab": {
        "analyte": (_STR, True),
        "op": (_STR, True),
        "value": (_NUM, False),
        "unit": (_STR, False),
        "uln": (_NUM, False),
    },
    # a disease or performance score
    "score": {"score": (_STR, True), "op": (_STR, True), "value": (_NUM, True)},
    # age in whole years, inclusive bounds
    "age": {"min": (_NUM, False), "max": (_NUM, False)},
    "sex": {"allowed": (_LIST, True)},
    # pregnant / lactating / planning pregnancy: holds when any listed state holds
    "pregnancy": {"states": (_LIST, True)},
    # infection or serology: "active" infection or "positive" marker
    "infection": {
        "agent": (_STR, True),
        "state": (_STR, False),
        "except": (_LIST, False),           # infections that do not count (e.g. simple UTI)
    },
    # a condition in the patient's history (current or past), optionally within a window
    "history": {"concept": (_STR, True), "within_days": (_NUM, False), "except": (_LIST, False)},
    # a procedure: transplant, CAR-T, gene therapy, dialysis, trial participation
    "procedure": {"concept": (_STR, True), "within_days": (_NUM, False)},
    # an allergy or hypersensitivity to a drug or drug class ("hypersensitivity to fludarabine or
    # its excipients"); a kind below the substance or a class above it counts (docs/rule-language.md)
    "allergy": {"substance": (_STR, True)},
    # the stage of the trial's cancer ("Stage III or IV", "Ann Arbor stage 3 or 4"): holds when the
    # patient's stated stage is one of the listed groups (0, I, II, III, IV, optionally with a
    # letter A/B/C); a listed group counts every lettered stage within it (docs/rule-language.md)
    "stage": {"stages": (_LIST, True)},
    # a side effect (toxicity, adverse event) of earlier anticancer therapy still present at CTCAE
    # grade `grade` or worse ("persistent toxicities (CTCAE grade >= 2) caused by previous
    # anticancer therapy"; "not recovered to grade <= 1" is grade 2); `except`: kinds that do not
    # count (TOXICITY_EXCEPTIONS) (docs/rule-language.md)
    "toxicity": {"grade": (_NUM, True), "except": (_LIST, False)},
    # expression of a marker on tumour / B cells
    "biomarker": {"marker": (_STR, True), "state": (_STR, True), "min_percent": (_NUM, False)},
    # only the trial team can judge (consent, investigator opinion, assays we cannot see)
    "review": {"reason": (_STR, True)},
    # the trial is for one of these conditions (the registry's own list): concept ids, the
    # names as the registry writes them, and concepts the registry files them under; filed:
    # those of the names that are the registry's own index terms (MeSH), not the sponsor's
    # patients: the registry says the study takes no healthy volunteers
    "target_condition": {"concepts": (_LIST, False), "texts": (_LIST, False), "within": (_LIST, False),
                         "filed": (_LIST, False), "patients": (_BOOL, False)},
    # a study in healthy volunteers only: a person who states a disease is not one
    "healthy_volunteers": {},
}
_COMMON_FIELDS = {"type", "ask", "note"}

_ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("therapy", "response"): THERAPY_RESPONSES,
    ("infection", "state"): INFECTION_STATES,
    ("biomarker", "state"): BIOMARKER_STATES,
    ("review", "reason"): REVIEW_REASONS,
    ("lab", "op"): COMPARATORS,
    ("score", "op"): COMPARATORS,
}
_LIST_ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("sex", "allowed"): SEXES,
    ("pregnancy", "states"): PREGNANCY_STATES,
    ("toxicity", "except"): TOXICITY_EXCEPTIONS,
}


class RuleError(ValueError):
    """A rule does not follow the rule language; ``path`` says where."""

    def __init__(self, path: str, message: str):
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}")


def validate_rule(rule: Any, path: str = "rule", concepts: "ConceptCheck | None" = None) -> None:
    """Check ``rule`` against the language; raise RuleError at the first problem.

    ``concepts`` (optional) is a callable ``(leaf_type, field, value) -> bool`` that says
    whether a concept id is known to the terminology.
    """
    if not isinstance(rule, dict):
        raise RuleError(path, f"a rule must be a mapping, got {type(rule).__name__}")
    combinators = [k for k in COMBINATORS if k in rule]
    if combinators:
        if len(rule) != 1 + ("note" in rule):
            extra = sorted(set(rule) - {combinators[0], "note"})
            raise RuleError(path, f"a combinator stands alone; unexpected field(s) {extra}")
        op = combinators[0]
        body = rule[op]
        if op == "not":
            validate_rule(body, f"{path}.not", concepts)
            return
        if not isinstance(body, list) or not body:
            raise RuleError(f"{path}.{op}", "must be a non-empty list of rules")
        for i, sub in enumerate(body):
            validate_rule(sub, f"{path}.{op}[{i}]", concepts)
        return
    leaf_type = rule.get("type")
    if leaf_type is None:
        raise RuleError(path, f"a leaf needs a 'type' (one of {', '.join(LEAF_FIELDS)}) or a combinator")
    if leaf_type not in LEAF_FIELDS:
        raise RuleError(f"{path}.type", f"unknown leaf type {leaf_type!r}; known: {', '.join(LEAF_FIELDS)}")
    spec = LEAF_FIELDS[leaf_type]
    for field in rule:
        if field not in spec and field not in _COMMON_FIELDS:
            raise RuleError(f"{path}.{field}", f"unknown field for a {leaf_type} leaf; known: {', '.join(sorted(spec))}")
    for field, (types, required) in spec.items():
        if field not in rule:
            if required:
                raise RuleError(f"{path}.{field}", f"required for a {leaf_type} leaf")
            continue
        value = rule[field]
        if isinstance(value, bool) and bool not in types:
            raise RuleError(f"{path}.{field}", f"expected {_type_names(types)}, got a boolean")
        if not isinstance(value, types):
            raise RuleError(f"{path}.{field}", f"expected {_type_names(types)}, got {type(value).__name__}")
        allowed = _ENUMS.get((leaf_type, field))
        if allowed and value not in allowed:
            raise RuleError(f"{path}.{field}", f"{value!r} is not one of {', '.join(allowed)}")
        allowed = _LIST_ENUMS.get((leaf_type, field))
        if allowed:
            bad = [v for v in value if v not in allowed]
            if bad or not value:
                raise RuleError(f"{path}.{field}", f"entries must be among {', '.join(allowed)}; got {value!r}")
    if leaf_type == "lab":
        has_value, has_uln = "value" in rule, "uln" in rule
        if has_value == has_uln:
            raise RuleError(path, "a lab leaf needs exactly one of 'value' (with 'unit') or 'uln'")
        if has_value and "unit" not in rule:
            raise RuleError(f"{path}.unit", "required when a lab leaf gives 'value'")
    if leaf_type == "stage":
        bad = [v for v in rule["stages"] if not isinstance(v, str) or not STAGE_FORM.fullmatch(v)]
        if bad or not rule["stages"]:
            raise RuleError(f"{path}.stages", f"entries must be stages 0, I, II, III, IV (optionally with A, B or C); got {rule['stages']!r}")
    if leaf_type == "toxicity" and (rule["grade"] not in (1, 2, 3, 4) or isinstance(rule["grade"], bool)):
        raise RuleError(f"{path}.grade", f"a CTCAE grade 1, 2, 3 or 4; got {rule['grade']!r}")
    if leaf_type == "age" and "min" not in rule and "max" not in rule:
        raise RuleError(path, "an age leaf needs 'min', 'max' or both")
    if "ask" in rule:
        ask = rule["ask"]
        if not isinstance(ask, dict) or set(ask) - {"patient", "clinician"} or not ask:
            raise RuleError(f"{path}.ask", "must be a mapping with 'patient' and/or 'clinician' question text")
    if concepts is not None:
        for field in ("concept", "analyte", "score", "agent", "marker", "substance"):
            if field in rule and not concepts(leaf_type, field, rule[field]):
                raise RuleError(f"{path}.{field}", f"unknown concept {rule[field]!r} (not in data/terminology)")
        for value in rule.get("except", []) if leaf_type != "toxicity" else []:
            if not concepts(leaf_type, "concept", value):
                raise RuleError(f"{path}.except", f"unknown concept {value!r} (not in data/terminology)")


def iter_leaves(rule: dict) -> Iterator[dict]:
    """Every leaf of a rule, depth first."""
    for op in ("all", "any"):
        if op in rule:
            for sub in rule[op]:
                yield from iter_leaves(sub)
            return
    if "not" in rule:
        yield from iter_leaves(rule["not"])
        return
    yield rule


def is_review_only(rule: dict) -> bool:
    """True when every leaf of the rule is a review leaf."""
    return all(leaf["type"] == "review" for leaf in iter_leaves(rule))


def _type_names(types: tuple[type, ...]) -> str:
    names = {int: "number", float: "number", str: "text", list: "list", bool: "true/false"}
    return " or ".join(sorted({names.get(t, t.__name__) for t in types}))


ConceptCheck = Any  # Callable[[str, str, str], bool]


_ATOMS = (str, int, float, bool, type(None))


def copy_rule(value: Any, memo: dict[int, Any] | None = None) -> Any:
    """``copy.deepcopy(value)`` for a rule (plain dicts and lists of text, numbers, truths
    and None, copied without deepcopy's dispatch per object; an object met twice is copied
    once, as deepcopy does; anything else goes to deepcopy)."""
    if memo is None:
        memo = {}
    kind = type(value)
    if kind in _ATOMS:
        return value
    if kind is dict or kind is list:
        found = memo.get(id(value))
        if found is not None:
            return found
        if kind is list:
            found = memo[id(value)] = []
            found.extend(copy_rule(item, memo) for item in value)
            return found
        found = memo[id(value)] = {}
        for key, item in value.items():
            found[key if type(key) is str else copy.deepcopy(key, memo)] = copy_rule(item, memo)
        return found
    return copy.deepcopy(value, memo)
