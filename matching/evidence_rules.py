"""Medical knowledge used when weighing evidence, read once from ``data/evidence.yaml``."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from data.errors import DataError
from data.files import DATA_DIR, read_yaml
from data.terminology import load_terminology

EVIDENCE_FILE = DATA_DIR / "evidence.yaml"


_LISTS = ("active_markers", "named_means_active")
_FIELDS = (*_LISTS, "viral_loads", "clears", "category_heads", "kind_splits", "implied_conditions", "implied_by_therapy", "implied_by_marker",
           "implied_by_finding", "defining_markers",
           "overlapping_families", "overlap_syndromes", "stratum_label",
           "class_qualifiers", "healthy_volunteer_names", "organ_parents", "alteration_words",
           "at_risk_words", "at_risk_not_after", "at_risk_before", "family_study_words", "care_conditions",
           "receiving_words", "receiving_people",   # these eighteen: data.condition_names
           "trial_settings", "trial_setting_own", "cancer_therapy_classes",   # these three too (round 28)
           "trial_setting_not_own",   # this one too (round 29, h137)
           "setting_conditions",      # and this one (round 31, h147)
           "childbearing_ages",
           "healthy_people_conditions", "volunteer_groups",   # data.condition_names (round 33, h157)
           "cancer_operations",       # data.condition_names (round 34, h162)
           "cancer_radiotherapies", "deniable_conditions",   # data.condition_names (round 35, h167)
           "normal_measures", "also_taken_for")         # data.condition_names (round 36, h172)


@dataclass(frozen=True)
class EvidenceRules:
    active_markers: frozenset[str]
    named_means_active: frozenset[str]
    viral_loads: dict[str, str]
    clears: dict[str, int] | None = None      # infection -> days after which one is cleared
    # condition -> the markers it is positive for by its definition (anti-synthetase syndrome:
    # a myositis antibody)
    defining_markers: dict[str, frozenset[str]] | None = None
    # (youngest, oldest): outside these ages no pregnancy is assumed unless one is stated
    childbearing_ages: tuple[float, float] | None = None


def read_evidence_rules(path: Path = EVIDENCE_FILE) -> EvidenceRules:
    doc = read_yaml(path)
    if not isinstance(doc, dict):
        raise DataError(path.name, "must be a mapping")
    for key in doc:
        if key not in _FIELDS:
            raise DataError(f"{path.name}.{key}", f"unknown field; allowed: {', '.join(_FIELDS)}")
    term = load_terminology()
    lists: dict = {}
    for key in _LISTS:
        values = doc.get(key) or []
        if not isinstance(values, list):
            raise DataError(f"{path.name}.{key}", "must be a list of infection concept ids")
        for value in values:
            if not _is_infection(term, value):
                raise DataError(f"{path.name}.{key}", f"{value!r} is not an infection concept")
        lists[key] = frozenset(values)
    loads = _by_infection(doc, "viral_loads", path, term, "must map infection marker ids to analyte ids")
    for marker, analyte in loads.items():
        if not isinstance(analyte, str) or term.get(analyte) is None or term[analyte].category != "analyte":
            raise DataError(f"{path.name}.viral_loads.{marker}", f"{analyte!r} is not an analyte")
    clears = _by_infection(doc, "clears", path, term, "must map infection concept ids to a number of days")
    for agent, days in clears.items():
        if not isinstance(days, int) or isinstance(days, bool) or days < 1:
            raise DataError(f"{path.name}.clears.{agent}", f"{days!r} is not a whole number of days")
    defining = doc.get("defining_markers") or {}
    if not isinstance(defining, dict):
        raise DataError(f"{path.name}.defining_markers", "must map condition ids to lists of biomarker ids")
    for condition, markers in defining.items():
        where = f"{path.name}.defining_markers.{condition}"
        if term.get(condition) is None or term[condition].category != "condition":
            raise DataError(where, f"{condition!r} is not a condition concept")
        if not isinstance(markers, list) or not all(
                isinstance(m, str) and term.get(m) is not None and term[m].category == "biomarker" for m in markers):
            raise DataError(where, "must be a list of biomarker ids")
    return EvidenceRules(viral_loads=dict(loads), clears=dict(clears),
                         defining_markers={c: frozenset(m) for c, m in defining.items()},
                         childbearing_ages=_age_bounds(doc, "childbearing_ages", path), **lists)     # category_heads: data.condition_names reads and checks it


def _age_bounds(doc: dict, key: str, path: Path) -> tuple[float, float] | None:
    """``doc[key]``: [youngest, oldest] in years, or None when absent."""
    bounds = doc.get(key)
    if bounds is None:
        return None
    if (not isinstance(bounds, list) or len(bounds) != 2
            or not all(isinstance(b, (int, float)) and not isinstance(b, bool) for b in bounds)
            or not 0 <= bounds[0] < bounds[1] <= 120):
        raise DataError(f"{path.name}.{key}", "must be [youngest, oldest], two ages in years, youngest first")
    return float(bounds[0]), float(bounds[1])


def _is_infection(term, value: object) -> bool:
    concept = term.get(value) if isinstance(value, str) else None
    return concept is not None and concept.category == "infection"


def _by_infection(doc: dict, key: str, path: Path, term, shape: str) -> dict:
    """``doc[key]``, a mapping keyed by infection concept ids (``shape`` says what it maps to)."""
    mapping = doc.get(key) or {}
    if not isinstance(mapping, dict):
        raise DataError(f"{path.name}.{key}", shape)
    for infection in mapping:
        if not _is_infection(term, infection):
            raise DataError(f"{path.name}.{key}", f"{infection!r} is not an infection concept")
    return mapping


@lru_cache(maxsize=1)
def load_evidence_rules() -> EvidenceRules:
    return read_evidence_rules()
