"""Check the criteria gold files (dev.jsonl, test.jsonl) and print their counts.

Run from the repository root:  python tests/data/criteria_gold/check_gold.py

* every line parses and has the fields id, nct_id, kind, text, expected, why;
* "expected" is "review", "heading" or a rule; a rule is checked
  1. independently: leaf types / fields / enums from LEAF_FIELDS (the module that defines
     it is found by searching the repository, since it may move), concept ids and their
     categories, lab units and score ranges read from data/terminology/*.yaml;
  2. with the project's own validators when they import: validate_rule, and
     data.trials.validate_record on a synthetic record holding every rule (this adds the
     category / procedure / unit / range checks the loader makes).
  A gold rule never holds a review leaf: anything that needs one is "review".
"""
from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
FILES = ("dev.jsonl", "test.jsonl")
FIELDS = ("id", "nct_id", "kind", "text", "expected", "why")

CATEGORY = {  # (leaf type, field) -> allowed concept categories
    ("diagnosis", "concept"): ("condition",),
    ("history", "concept"): ("condition", "infection"),
    ("therapy", "concept"): ("therapy",),
    ("therapy", "except"): ("therapy",),
    ("procedure", "concept"): ("therapy",),
    ("lab", "analyte"): ("analyte",),
    ("score", "score"): ("score",),
    ("infection", "agent"): ("infection",),
    ("infection", "except"): ("infection",),
    ("biomarker", "marker"): ("biomarker",),
}


def find_rules_module():
    for path in sorted(ROOT.rglob("*.py")):
        if "tests" in path.parts or ".git" in path.parts:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if "\nLEAF_FIELDS" in text and "def validate_rule" in text:
            spec = importlib.util.spec_from_file_location("_gold_rules", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return path, module
    raise SystemExit("no module defining LEAF_FIELDS found")


def load_terminology():
    concepts = {}
    for path in sorted((ROOT / "data" / "terminology").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for c in doc["concepts"]:
            concepts[c["id"]] = {**c, "category": doc["category"]}
    return concepts


def leaves(rule):
    for op in ("all", "any"):
        if op in rule:
            for sub in rule[op]:
                yield from leaves(sub)
            return
    if "not" in rule:
        yield from leaves(rule["not"])
        return
    yield rule


def check_rule(rule, rules_mod, terms) -> list[str]:
    problems = []
    try:
        rules_mod.validate_rule(rule, "rule", lambda t, f, v: isinstance(v, str) and v in terms)
    except rules_mod.RuleError as exc:
        problems.append(f"validate_rule: {exc}")
        return problems
    for leaf in leaves(rule):
        t = leaf["type"]
        spec = rules_mod.LEAF_FIELDS[t]
        extra = set(leaf) - set(spec) - {"type", "note", "ask"}
        if extra:
            problems.append(f"{t}: unknown fields {sorted(extra)}")
        if t == "review":
            problems.append("a gold rule holds a review leaf (use expected='review')")
        for (lt, field), cats in CATEGORY.items():
            if lt != t or field not in leaf:
                continue
            for value in (leaf[field] if field == "except" else [leaf[field]]):
                c = terms.get(value)
                if c is None:
                    problems.append(f"{t}.{field}: unknown concept {value!r}")
                elif c["category"] not in cats:
                    problems.append(f"{t}.{field}: {value!r} is {c['category']}, needs {cats}")
                elif t == "procedure" and c.get("kind") != "procedure":
                    problems.append(f"procedure.{field}: {value!r} is not a procedure")
                elif t == "therapy" and c.get("kind") == "procedure":
                    problems.append(f"therapy.{field}: {value!r} is a procedure")
        if t == "lab" and "unit" in leaf and leaf["unit"] not in terms[leaf["analyte"]].get("units", {}):
            problems.append(f"lab.unit: {leaf['unit']!r} is not a unit of {leaf['analyte']}")
        if t == "lab" and "uln" in leaf and leaf["uln"] <= 0:
            problems.append("lab.uln must be positive")
        if t == "score":
            lo, hi = terms[leaf["score"]].get("range", [None, None])
            if lo is not None and not lo <= leaf["value"] <= hi:
                problems.append(f"score.value {leaf['value']} outside {lo}-{hi}")
        if t == "age":
            for k in ("min", "max"):
                if k in leaf and not 0 <= leaf[k] <= 120:
                    problems.append(f"age.{k} {leaf[k]} implausible")
    return problems


def project_check(rows) -> str:
    """Validate every rule with data.trials.validate_record (if it imports)."""
    sys.path.insert(0, str(ROOT))
    try:
        from data.trials import validate_record
        from data.errors import DataError
    except Exception as exc:  # the code may be mid-refactor
        return f"skipped (cannot import data.trials.validate_record: {exc.__class__.__name__}: {exc})"
    criteria = [
        {"id": r["id"], "kind": r["kind"], "text": r["text"], "rule": r["expected"]}
        for r in rows if isinstance(r["expected"], dict)
    ]
    record = {"id": "local-criteria-gold", "nct_id": None, "sources": ["criteria gold"],
              "title": "criteria gold check", "criteria": criteria}
    try:
        validate_record(record, "criteria_gold")
    except DataError as exc:
        return f"FAILED: {exc}"
    return f"ok ({len(criteria)} rules pass data.trials.validate_record)"


def main() -> int:
    rules_path, rules_mod = find_rules_module()
    terms = load_terminology()
    print(f"rule language: {rules_path.relative_to(ROOT)}; terminology: {len(terms)} concepts")
    bad = 0
    everything = []
    ids = Counter()
    for name in FILES:
        counts = Counter()
        for n, line in enumerate((HERE / name).read_text(encoding="utf-8").splitlines(), 1):
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                print(f"{name}:{n}: not JSON: {exc}")
                bad += 1
                continue
            problems = [f"missing field {f}" for f in FIELDS if f not in row]
            if row.get("kind") not in ("inclusion", "exclusion"):
                problems.append(f"kind {row.get('kind')!r}")
            exp = row.get("expected")
            if isinstance(exp, dict):
                problems += check_rule(exp, rules_mod, terms)
                counts["rule"] += 1
            elif exp in ("review", "heading"):
                counts[exp] += 1
            else:
                problems.append(f"expected {exp!r}")
            ids[row.get("id")] += 1
            for p in problems:
                print(f"{name}:{n} {row.get('id')}: {p}")
            bad += bool(problems)
            everything.append(row)
        total = sum(counts.values())
        print(f"{name}: {total} criteria: rule {counts['rule']}, review {counts['review']}, heading {counts['heading']}")
    dup = [i for i, c in ids.items() if c > 1]
    if dup:
        print(f"duplicate ids: {dup}")
        bad += 1
    c = Counter("rule" if isinstance(r["expected"], dict) else r["expected"] for r in everything)
    print(f"total: {len(everything)} criteria: rule {c['rule']}, review {c['review']}, heading {c['heading']}")
    print(f"project validator: {project_check(everything)}")
    print("OK" if not bad else f"{bad} bad line(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
