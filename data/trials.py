"""Trial records: read and validate ``data/trials/*.yaml`` (one study per file).

``validate_record(record, where)`` checks one record against the record format
(``docs/trial-records.md``) and returns a normalised copy: optional fields filled with
``null``/empty values, dates as ISO text, a child criterion's ``kind`` inherited from its
parent. It knows nothing about where the record came from, so importers use it too.
``load_trials(directory)`` reads every bundled file, validates it, and checks that ids and
NCT numbers are unique across files and that each file is named after its record's id.
``record_problems(record, where)`` lists every problem of one record instead of the first
(``trialbot check``).

Every problem raises ``DataError`` naming the file, the criterion id and the field, e.g.
``NCT05030779.yaml: criterion exc-1.3: rule.any[0].type: unknown leaf type 'lab_value'``.
"""
from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any, Iterator

from data.errors import DataError
from data.files import DATA_DIR, read_yaml
from data.terminology import Terminology, load_terminology
from core.rules import RuleError, copy_rule, validate_rule

TRIALS_DIR = DATA_DIR / "trials"

NCT_PATTERN = re.compile(r"^NCT\d{8}$")
LOCAL_ID_PATTERN = re.compile(r"^local-[a-z0-9]+(?:-[a-z0-9]+)*$")
# a trial's id written inside a message ("what are the exclusion criteria for NCT05239702?")
ID_IN_TEXT = re.compile(r"(?<![\w-])(NCT\d{8}|local-[a-z0-9]+(?:-[a-z0-9]+)*)(?![\w-])", re.IGNORECASE)
_DATE_PATTERN = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")

KINDS = ("inclusion", "exclusion")
COMBINES = ("all", "any")
SEXES = ("ALL", "FEMALE", "MALE")
SPONSOR_ROLES = ("lead", "collaborator")

# --- the record format, as data -------------------------------------------------------
# A field spec is (type, required). Types: "text" (non-empty string), "text?" (text or
# null), "int?", "number?", "bool?", "date?", ("choice?", values), ("list", item type),
# ("object", fields), "concepts" (condition concept ids), "criteria".
_CONTACT = {"name": ("text?", False), "role": ("text?", False), "phone": ("text?", False), "email": ("text?", False)}
_OUTCOME = {"measure": ("text", True), "description": ("text?", False), "time_frame": ("text?", False)}
_OUTCOMES = ("list", ("object", _OUTCOME))

RECORD_FIELDS: dict[str, tuple[Any, bool]] = {
    "id": ("text", True),
    "nct_id": ("text?", True),
    "sources": (("list", "text"), True),
    "title": ("text", True),
    "title_note": ("text?", False),
    "official_title": ("text?", False),
    "acronym": ("text?", False),
    "summary": ("text?", False),
    "description": ("text?", False),
    "conditions": ("concepts", False),
    "conditions_text": (("list", "text"), False),
    "condition_terms": (("list", "text"), False),      # the registry's MeSH terms for them
    "condition_ancestors": ("concepts", False),        # concepts the registry files them under
    "keywords": (("list", "text"), False),
    "interventions": (("list", ("object", {
        "type": ("text?", False), "name": ("text?", False),
        "target_antigens": (("list", "text"), False), "description": ("text?", False),
    })), False),
    "phase": ("text?", False),
    "status": ("text?", False),
    "study_type": ("text?", False),
    "design": (("object", {
        "allocation": ("text?", False), "purpose": ("text?", False),
        "masking": ("text?", False), "model": ("text?", False),
    }), False),
    "enrollment": (("object", {"count": ("int?", False), "type": ("text?", False)}), False),
    "dates": (("object", {
        "start": ("date?", False), "primary_completion": ("date?", False),
        "completion": ("date?", False), "last_updated": ("date?", False),
    }), False),
    "eligibility": (("object", {
        "min_age_years": ("number?", False), "max_age_years": ("number?", False),
        "sex": (("choice?", SEXES), False), "healthy_volunteers": ("bool?", False),
    }), False),
    "sponsors": (("list", ("object", {
        "name": ("text", True), "class": ("text?", False), "role": (("choice?", SPONSOR_ROLES), False),
    })), False),
    "sites": (("list", ("object", {
        "facility": ("text?", False), "facility_zh": ("text?", False), "city": ("text?", False),
        "region": ("text?", False), "country": ("text?", False), "status": ("text?", False),
        "lat": ("number?", False), "lon": ("number?", False),
        "contacts": (("list", ("object", _CONTACT)), False),
    })), False),
    "contacts": (("list", ("object", _CONTACT)), False),
    "arms": (("list", ("object", {
        "label": ("text?", False), "type": ("text?", False), "description": ("text?", False),
    })), False),
    "outcomes": (("object", {
        "primary": (_OUTCOMES, False), "secondary": (_OUTCOMES, False), "unclassified": (_OUTCOMES, False),
    }), False),
    "other_ids": (("list", ("object", {"id": ("text", True), "type": ("text?", False)})), False),
    "criteria": ("criteria", True),
    "criteria_reader": ("text?", False),   # imported records: the version of the reader that wrote the rules
}
CRITERION_FIELDS = ("id", "kind", "text", "verbatim", "rule", "combine", "children", "note")

# Which terminology category a rule field names: (leaf type, field) -> categories. The
# (type, "concept") entry also checks the leaf's ``except`` list (therapy and infection).
_CONCEPT_CATEGORIES: dict[tuple[str, str], tuple[str, ...]] = {
    ("diagnosis", "concept"): ("condition",),
    ("history", "concept"): ("condition", "infection"),
    ("therapy", "concept"): ("therapy",),
    ("procedure", "concept"): ("therapy",),
    ("lab", "analyte"): ("analyte",),
    ("score", "score"): ("score",),
    ("infection", "agent"): ("infection",),
    ("infection", "concept"): ("infection",),
    ("biomarker", "marker"): ("biomarker",),
    ("allergy", "substance"): ("therapy",),
}


def load_trials(directory: Path | str | None = None, terminology: Terminology | None = None) -> list[dict]:
    """Read and validate every ``*.yaml`` trial record in ``directory`` (default: the
    bundled ``data/trials``), in file-name order."""
    directory = Path(directory) if directory is not None else TRIALS_DIR
    terminology = terminology or load_terminology()
    records: list[dict] = []
    seen_ids: dict[str, str] = {}
    seen_ncts: dict[str, str] = {}
    for path in sorted(directory.glob("*.yaml")):
        raw = read_yaml(path)
        record = validate_record(raw, path.name, terminology)
        if path.stem != record["id"]:
            raise DataError(f"{path.name}: id", f"the file must be named after the record's id ({record['id']}.yaml)")
        key = record["id"].lower()
        if key in seen_ids:
            raise DataError(f"{path.name}: id", f"duplicate trial id {record['id']!r} (also in {seen_ids[key]})")
        seen_ids[key] = path.name
        nct = record["nct_id"]
        if nct is not None:
            if nct in seen_ncts:
                raise DataError(f"{path.name}: nct_id", f"{nct} is already described by {seen_ncts[nct]}; merge the two records")
            seen_ncts[nct] = path.name
        records.append(record)
    return records


def validate_record(record: Any, where: str, terminology: Terminology | None = None) -> dict:
    """Validate one trial record; return a normalised deep copy. ``where`` names the source
    (a file name, or e.g. ``"import study.json[3]"``) and starts every error message."""
    terminology = terminology or load_terminology()
    if not isinstance(record, dict):
        raise DataError(where, f"a trial record must be a mapping, got {_type_name(record)}")
    checker = _Checker(where, terminology)
    result = checker.object(record, RECORD_FIELDS, "")
    _check_ids(result, where)
    eligibility = result["eligibility"]
    low, high = eligibility["min_age_years"], eligibility["max_age_years"]
    if low is not None and high is not None and low > high:
        raise DataError(f"{where}: eligibility.min_age_years", f"{low} is above max_age_years {high}")
    return result


def record_problems(record: Any, where: str, terminology: Terminology | None = None) -> list[DataError]:
    """Every problem of one record, for a curator (``trialbot check``), where
    ``validate_record`` stops at the first: each top-level field and each top-level
    criterion is checked on its own, so a bad criterion does not hide the next (within one
    criterion and its children, the first problem). Empty when ``validate_record`` accepts
    the record; the cross-field checks (ids, NCT number, ages) run once the fields pass."""
    terminology = terminology or load_terminology()
    if not isinstance(record, dict):
        return [DataError(where, f"a trial record must be a mapping, got {_type_name(record)}")]
    checker = _Checker(where, terminology)
    problems: list[DataError] = []

    def collect(check, *args) -> None:
        try:
            check(*args)
        except DataError as exc:
            problems.append(exc)

    for name in record:
        if name not in RECORD_FIELDS:
            collect(checker.fail, str(name), f"unknown field; allowed: {', '.join(RECORD_FIELDS)}")
    for name, (spec, required) in RECORD_FIELDS.items():
        if name not in record:
            if required:
                collect(checker.fail, name, "required field is missing")
        elif spec == "criteria" and isinstance(record[name], list):
            criteria = _Criteria(checker)           # one per record: criterion ids are unique
            for i, raw in enumerate(record[name]):
                collect(criteria.criterion, raw, f"{name}[{i}]", None)
        else:
            collect(checker.value, record[name], spec, name)
    if not problems:
        collect(validate_record, record, where, terminology)
    return problems


def iter_criteria(criteria: list[dict], parent: str | None = None, depth: int = 0) -> Iterator[tuple[dict, str | None, int]]:
    """Every criterion of a (validated) record, parents before children, in page order,
    as ``(criterion, parent_id, depth)``."""
    for criterion in criteria:
        yield criterion, parent, depth
        yield from iter_criteria(criterion.get("children", []), criterion["id"], depth + 1)


# --- validation ------------------------------------------------------------------------


class _Checker:
    """Validates values against the field specs; errors name ``where`` and the field path."""

    def __init__(self, where: str, terminology: Terminology):
        self.where = where
        self.terminology = terminology

    def fail(self, path: str, message: str) -> None:
        raise DataError(f"{self.where}: {path}" if path else self.where, message)

    def object(self, raw: Any, fields: dict[str, tuple[Any, bool]], path: str) -> dict:
        if not isinstance(raw, dict):
            self.fail(path, f"must be a mapping, got {_type_name(raw)}")
        for name in raw:
            if name not in fields:
                self.fail(_join(path, str(name)), f"unknown field; allowed: {', '.join(fields)}")
        out = {}
        for name, (spec, required) in fields.items():
            if name not in raw:
                if required:
                    self.fail(_join(path, name), "required field is missing")
                out[name] = self.value(_empty(spec), spec, _join(path, name)) if _is_container(spec) else None
                continue
            out[name] = self.value(raw[name], spec, _join(path, name))
        return out

    def value(self, value: Any, spec: Any, path: str) -> Any:
        if type(value) is str and (spec == "text" or spec == "text?") and value.strip():
            return value        # most values of a record: its texts (the same answer as below, sooner)
        if value is None and type(spec) is str and spec in _NULLABLE_SCALARS:
            return None         # a record's empty optional fields (likewise)
        if spec == "criteria":
            return _Criteria(self).list(value, path)
        if spec == "concepts":
            items = self.value(value, ("list", "text"), path)
            for i, concept in enumerate(items):
                found = self.terminology.get(concept)
                if found is None or not (found.category == "condition" or found.attrs.get("diagnosis")):
                    self.fail(f"{path}[{i}]", f"{concept!r} is not a condition concept in data/terminology")
            return items
        if isinstance(spec, tuple):
            head, arg = spec
            if head == "list":
                if value is None:
                    return []
                if not isinstance(value, list):
                    self.fail(path, f"must be a list, got {_type_name(value)}")
                return [self.value(item, arg, f"{path}[{i}]") for i, item in enumerate(value)]
            if head == "object":
                return self.object({} if value is None else value, arg, path)
            if head == "choice?":
                if value is not None and value not in arg:
                    self.fail(path, f"{value!r} is not one of {', '.join(arg)} (or null)")
                return value
        nullable = spec.endswith("?")
        if value is None:
            if not nullable:
                self.fail(path, "must not be null")
            return None
        base = spec.rstrip("?")
        if base == "text":
            if not isinstance(value, str) or not value.strip():
                self.fail(path, f"must be non-empty text, got {_type_name(value)}")
            return value
        if base == "int":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                self.fail(path, f"must be a whole number >= 0, got {value!r}")
            return value
        if base == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self.fail(path, f"must be a number, got {_type_name(value)}")
            return value
        if base == "bool":
            if not isinstance(value, bool):
                self.fail(path, f"must be true or false, got {value!r}")
            return value
        if base == "date":
            if isinstance(value, datetime.date):
                return value.isoformat()
            if not isinstance(value, str) or not _DATE_PATTERN.match(value):
                self.fail(path, f"must be a date YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")
            return value
        raise AssertionError(f"unknown field spec {spec!r}")


class _Criteria:
    """Validates the criteria tree: ids unique and nested, rule xor combine+children."""

    def __init__(self, checker: _Checker):
        self.checker = checker
        self.seen: set[str] = set()

    def known(self, leaf_type: str, field: str, value: Any) -> bool:
        """Concept check for validate_rule: the id exists (its category is checked in leaf())."""
        return isinstance(value, str) and value in self.checker.terminology

    def list(self, value: Any, path: str, parent: dict | None = None) -> list[dict]:
        if not isinstance(value, list):
            self.checker.fail(path, f"must be a list of criteria, got {_type_name(value)}")
        return [self.criterion(raw, f"{path}[{i}]", parent) for i, raw in enumerate(value)]

    def criterion(self, raw: Any, path: str, parent: dict | None) -> dict:
        fail = self.checker.fail
        if not isinstance(raw, dict):
            fail(path, f"a criterion must be a mapping, got {_type_name(raw)}")
        cid = raw.get("id")
        if not isinstance(cid, str) or not cid.strip():
            fail(f"{path}.id", "required: a non-empty criterion id")
        at = f"criterion {cid}"
        if cid in self.seen:
            fail(f"{at}: id", "duplicate criterion id")
        self.seen.add(cid)
        if parent is not None and not cid.startswith(parent["id"] + "."):
            fail(f"{at}: id", f"a child of {parent['id']} must have an id starting {parent['id']}.")
        for name in raw:
            if name not in CRITERION_FIELDS:
                fail(f"{at}: {name}", f"unknown field; allowed: {', '.join(CRITERION_FIELDS)}")
        kind = raw.get("kind", parent["kind"] if parent else None)
        if kind not in KINDS:
            fail(f"{at}: kind", f"must be one of {', '.join(KINDS)}, got {kind!r}")
        if parent is not None and kind != parent["kind"]:
            fail(f"{at}: kind", f"a child has its parent's kind ({parent['kind']})")
        text = raw.get("text")
        if not isinstance(text, str) or not text.strip():
            fail(f"{at}: text", "required: the criterion text")
        verbatim = raw.get("verbatim", True)
        if not isinstance(verbatim, bool):
            fail(f"{at}: verbatim", f"must be true or false, got {verbatim!r}")
        note = raw.get("note")
        if note is not None and (not isinstance(note, str) or not note.strip()):
            fail(f"{at}: note", "must be non-empty text")
        out: dict[str, Any] = {"id": cid, "kind": kind, "text": text, "verbatim": verbatim}
        has_rule, has_group = "rule" in raw, ("combine" in raw or "children" in raw)
        if has_rule == has_group:
            fail(at, "a criterion has either 'rule' or 'combine' with 'children'")
        if has_rule:
            out["rule"] = self.rule(raw["rule"], at)
        else:
            if raw.get("combine") not in COMBINES:
                fail(f"{at}: combine", f"must be one of {', '.join(COMBINES)}, got {raw.get('combine')!r}")
            children = raw.get("children")
            if not isinstance(children, list) or not children:
                fail(f"{at}: children", "a group needs a non-empty list of children")
            out["combine"] = raw["combine"]
            out["children"] = self.list(children, f"{at}: children", out)
        if note is not None:
            out["note"] = note
        return out

    def rule(self, rule: Any, at: str) -> dict:
        try:
            validate_rule(rule, "rule", self.known)
        except RuleError as exc:
            self.checker.fail(f"{at}: {exc.path}", exc.message)
        for path, leaf in _walk(rule, "rule"):
            self.leaf(leaf, f"{at}: {path}")
        return copy_rule(rule)     # copy.deepcopy's result, a third of a record's check sooner

    def leaf(self, leaf: dict, at: str) -> None:
        """Checks validate_rule cannot make without the terminology: concept categories,
        procedure vs drug, lab units, score ranges."""
        terminology = self.checker.terminology
        fail = self.checker.fail
        leaf_type = leaf["type"]
        for (ltype, field), categories in _CONCEPT_CATEGORIES.items():
            if ltype != leaf_type:
                continue
            values = [(field, leaf[field])] if field in leaf else []
            if field == "concept":
                values += [("except", v) for v in leaf.get("except", [])]
            for name, value in values:
                concept = terminology[value]
                if concept.category not in categories:
                    fail(f"{at}.{name}", f"{value!r} is a {concept.category} concept; a {leaf_type} leaf needs {' or '.join(categories)}")
                if leaf_type == "procedure" and concept.kind != "procedure":
                    fail(f"{at}.{name}", f"{value!r} is a drug, not a procedure; use a therapy leaf")
                if leaf_type == "therapy" and concept.kind == "procedure":
                    fail(f"{at}.{name}", f"{value!r} is a procedure; use a procedure leaf")
        if leaf_type == "lab" and "unit" in leaf:
            units = terminology[leaf["analyte"]].attrs.get("units", {})
            if leaf["unit"] not in units:
                fail(f"{at}.unit", f"{leaf['unit']!r} is not a unit of {leaf['analyte']}; known: {', '.join(units)}")
        if leaf_type == "lab" and "uln" in leaf and leaf["uln"] <= 0:
            fail(f"{at}.uln", "must be a positive multiple of the upper limit of normal")
        if leaf_type == "score":
            low, high = terminology[leaf["score"]].attrs.get("range", (None, None))
            if low is not None and not low <= leaf["value"] <= high:
                fail(f"{at}.value", f"{leaf['value']} is outside the {leaf['score']} range {low}-{high}")


def _walk(rule: dict, path: str) -> Iterator[tuple[str, dict]]:
    """Every leaf of a (valid) rule with its path, depth first."""
    for op in ("all", "any"):
        if op in rule:
            for i, sub in enumerate(rule[op]):
                yield from _walk(sub, f"{path}.{op}[{i}]")
            return
    if "not" in rule:
        yield from _walk(rule["not"], f"{path}.not")
        return
    yield path, rule


def _check_ids(record: dict, where: str) -> None:
    rid, nct = record["id"], record["nct_id"]
    if nct is not None and not NCT_PATTERN.match(nct):
        raise DataError(f"{where}: nct_id", f"{nct!r} is not an NCT number (NCT followed by 8 digits)")
    if NCT_PATTERN.match(rid):
        if nct != rid:
            raise DataError(f"{where}: nct_id", f"must equal the id {rid} (an NCT id is the study's NCT number)")
    elif not LOCAL_ID_PATTERN.match(rid):
        raise DataError(f"{where}: id", f"{rid!r} must be the NCT number or 'local-<slug>' (lower case, digits, hyphens)")
    if not record["sources"]:
        raise DataError(f"{where}: sources", "name at least one source")


def _is_container(spec: Any) -> bool:
    return spec == "concepts" or (isinstance(spec, tuple) and spec[0] in ("list", "object"))


def _empty(spec: Any) -> Any:
    return {} if isinstance(spec, tuple) and spec[0] == "object" else []


# the scalar specs a null is valid for, answered before the general checks of ``value``
_NULLABLE_SCALARS = frozenset({"text?", "int?", "number?", "bool?", "date?"})


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _type_name(value: Any) -> str:
    return "null" if value is None else type(value).__name__

