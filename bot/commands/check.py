"""Check trial record files (YAML, the format of data/trials/*.yaml) before they are added
to the bundle: the record fields, every criterion and its rule (the rule language, concepts
known to the terminology, units, score ranges), the id and NCT number. Nothing is loaded
into the database.

Prints "FILE: ok" for a good file, else one line per problem naming the file, the
criterion id and the field, e.g.
  data/trials/NCT01234567.yaml: criterion exc-2: rule.any[0].type: unknown leaf type 'lab_value'; known: ...
A file named like a trial id (NCT…, local-…) must be named after its record's id, and two
files checked together must not describe the same trial. Exit status 1 when any file has a
problem. Field reference: docs/trial-records.md; rules: docs/rule-language.md.

Example:
  python bot.py check data/trials/*.yaml
"""
from __future__ import annotations

import argparse
from pathlib import Path

from data.errors import DataError
from data.files import read_yaml
from data.terminology import load_terminology
from data.trials import LOCAL_ID_PATTERN, NCT_PATTERN, record_problems

HELP = "check trial record YAML files (fields, criteria, rules) and name every problem"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="trial record YAML files to check")


def _located(path: Path, error: DataError) -> str:
    """The error as one line starting with the path as given (DataError names the file
    without its folder, and a YAML error adds ``:line``)."""
    where = error.where
    if where == path.name or where.startswith((path.name + ":", path.name + " ")):
        where = str(path) + where[len(path.name):]
    return f"{where}: {error.message}"


def _problems(path: Path, terminology, seen: dict[str, Path]) -> list[str]:
    try:
        raw = read_yaml(path)
    except DataError as exc:
        return [_located(path, exc)]
    problems = [_located(path, exc) for exc in record_problems(raw, path.name, terminology)]
    if problems:
        return problems
    rid, nct = raw["id"], raw.get("nct_id")
    looks_like_an_id = NCT_PATTERN.match(path.stem) or LOCAL_ID_PATTERN.match(path.stem)
    if looks_like_an_id and path.stem != rid:
        problems.append(f"{path}: id: the file must be named after the record's id ({rid}.yaml)")
    for field, value in (("id", rid), ("nct_id", nct)):
        key = f"{field} {str(value).lower()}"
        if value is None:
            continue
        if key in seen:
            problems.append(f"{path}: {field}: {value} is already described by {seen[key]}")
        else:
            seen[key] = path
    return problems


def run(args: argparse.Namespace) -> int:
    terminology = load_terminology()
    seen: dict[str, Path] = {}
    failed = False
    for name in args.files:
        path = Path(name)
        problems = _problems(path, terminology, seen)
        for line in problems or [f"{path}: ok"]:
            print(line)
        failed = failed or bool(problems)
    return 1 if failed else 0
