"""Helpers the criteria parser tests share (test_criteria_parser.py, test_criteria_round3.py,
test_criteria_round4.py): a criterion's rule as the parser writes it, and what that rule
says of a patient described in words."""
from __future__ import annotations

from benchmarks.criteria import without_notes
from core.facts import Profile
from core.rules import iter_leaves
from matching.evaluate import Evaluator
from nlp.criteria.parser import parse_criterion
from nlp.pipeline import extract


def parse(text: str, kind: str = "inclusion") -> dict:
    return without_notes(parse_criterion(text, kind))


def verdict(rule: dict, patient: str) -> str:
    return Evaluator(Profile(extract(patient))).rule(rule).value


def types(rule: dict) -> set[str]:
    return {leaf["type"] for leaf in iter_leaves(rule)}


def lab_leaf(analyte: str, op: str, value=None, unit=None, uln=None) -> dict:
    """The lab leaf a criterion should compile to (a value and unit, or a multiple of ULN)."""
    leaf = {"type": "lab", "analyte": analyte, "op": op}
    if uln is not None:
        leaf["uln"] = uln
    else:
        leaf["value"], leaf["unit"] = value, unit
    return leaf
