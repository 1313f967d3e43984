"""The criteria benchmark: how many curated seed criteria the criteria parser reproduces.

Every criterion with a rule (the leaves of the criteria trees, not group headings) of the
hand-checked records in ``data/trials/`` is parsed from its text with its kind, and the
parser's rule is compared with the curator's:

* **exact**: the same rule once notes and questions (``note``, ``ask``) are left out, which
  no parser can reproduce; order and nesting must match;
* **equivalent**: the same rule up to logic that cannot change a verdict: order inside
  ``all``/``any``, nesting of the same combinator, duplicates, one-member groups, defaults
  written out (an infection's state ``positive``, a therapy's response ``any``), and a leaf
  covered by a broader one in the same group (``any[immunosuppressant, biologic]`` is
  ``immunosuppressant``, by the terminology's is-a). Review reasons still count;
* **leaf recall / precision**: the curated evaluable (non-review) leaves found among the
  parser's, and the parser's found among the curated ones, over all criteria;
* **review only**: criteria the parser leaves entirely to the trial team;
* **invalid**: outputs a trial record would reject (must be 0).

``python bot.py bench criteria`` prints the table; ``--json`` adds every mismatch.
``python -m benchmarks.criteria`` rewrites the mismatch report
``tests/data/criteria_parser_report.md``, so a change's effect is visible in review.

Example: python bot.py bench criteria
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any, Callable

REPORT = Path(__file__).resolve().parent.parent / "tests" / "data" / "criteria_parser_report.md"


def seed_criteria(directory: Path | None = None) -> list[dict[str, Any]]:
    """Every criterion with a rule in the curated records: trial, id, kind, text, rule."""
    from data.trials import iter_criteria, load_trials

    found = []
    for record in load_trials(directory):
        for criterion, _, _ in iter_criteria(record["criteria"]):
            if criterion.get("rule") is not None:
                found.append({"trial": record["id"], "id": criterion["id"], "kind": criterion["kind"],
                              "text": criterion["text"], "rule": criterion["rule"]})
    return found


def without_notes(rule: Any) -> Any:
    if isinstance(rule, dict):
        return {k: without_notes(v) for k, v in rule.items() if k not in ("note", "ask")}
    if isinstance(rule, list):
        return [without_notes(v) for v in rule]
    return rule


def equivalent_form(rule: dict) -> Any:
    from data.terminology import load_terminology
    from nlp.criteria.rule_forms import canonical, simplify

    return canonical(simplify(without_notes(rule), load_terminology().is_a))


def evaluate(criteria: list[dict] | None = None, parse: Callable[[str, str], dict] | None = None) -> dict[str, Any]:
    """Compare the parser with the curated rules; counts, shares and the mismatches."""
    from nlp.criteria.parser import parse_criterion, rule_problem
    from nlp.criteria.rule_forms import review_only

    criteria = seed_criteria() if criteria is None else criteria
    parse = parse or parse_criterion
    counts = {"exact": 0, "equivalent": 0, "review_only": 0, "curated_review_only": 0, "invalid": 0}
    leaves = {"curated": 0, "parsed": 0, "found": 0, "right": 0}
    mismatches = []
    if criteria:
        parse(criteria[0]["text"], criteria[0]["kind"])  # build the pipeline before timing
    started = time.process_time()
    for criterion in criteria:
        got = parse(criterion["text"], criterion["kind"])
        want = criterion["rule"]
        exact = without_notes(got) == without_notes(want)
        equivalent = exact or equivalent_form(got) == equivalent_form(want)
        counts["exact"] += exact
        counts["equivalent"] += equivalent
        counts["review_only"] += review_only(got)
        counts["curated_review_only"] += review_only(want)
        counts["invalid"] += rule_problem(got) is not None
        curated, parsed = _evaluable_leaves(want), _evaluable_leaves(got)
        leaves["curated"] += len(curated)
        leaves["parsed"] += len(parsed)
        leaves["found"] += len(curated & parsed)
        if not exact:
            mismatches.append({**{k: criterion[k] for k in ("trial", "id", "kind", "text")},
                               "equivalent": equivalent, "expected": without_notes(want), "got": without_notes(got)})
    seconds = time.process_time() - started
    total = len(criteria)
    share = (lambda n: round(n / total, 4) if total else 0.0)
    return {
        "criteria": total,
        **counts,
        "exact_share": share(counts["exact"]),
        "equivalent_share": share(counts["equivalent"]),
        "leaf_recall": round(leaves["found"] / leaves["curated"], 4) if leaves["curated"] else 1.0,
        "leaf_precision": round(leaves["found"] / leaves["parsed"], 4) if leaves["parsed"] else 1.0,
        "cpu_ms_per_criterion": round(1000 * seconds / total, 2) if total else 0.0,
        "mismatches": mismatches,
    }


def _evaluable_leaves(rule: dict) -> set[str]:
    from core.rules import iter_leaves
    from nlp.criteria.rule_forms import canonical, key

    return {key(canonical(leaf)) for leaf in iter_leaves(rule) if leaf.get("type") != "review"}


def bench_criteria(args) -> dict[str, Any]:
    """The bench suite (benchmarks/command.py): results with a "table" of rows."""
    result = evaluate()
    n = result["criteria"]
    result["table"] = [
        ("seed criteria (leaves of the 4 curated records)", n),
        ("reproduced exactly", f"{result['exact']}/{n} = {result['exact_share']:.1%}"),
        ("reproduced equivalently", f"{result['equivalent']}/{n} = {result['equivalent_share']:.1%}"),
        ("curated evaluable leaves found (recall)", f"{result['leaf_recall']:.1%}"),
        ("parsed evaluable leaves in the curated rule (precision)", f"{result['leaf_precision']:.1%}"),
        ("left to the trial team entirely (parser / curator)", f"{result['review_only']} / {result['curated_review_only']}"),
        ("invalid rules", result["invalid"]),
        ("CPU ms per criterion", result["cpu_ms_per_criterion"]),
    ]
    return result


def report_text(result: dict[str, Any]) -> str:
    """The mismatch report (markdown)."""
    n = result["criteria"]
    lines = [
        "# Criteria parser: seed criteria it does not reproduce exactly",
        "",
        "Generated by `python -m benchmarks.criteria` (see `benchmarks/criteria.py`);",
        "regenerate it after changing the parser, its cues or the terminology, and read the diff.",
        "",
        f"- exact: {result['exact']}/{n} ({result['exact_share']:.1%}); equivalent: {result['equivalent']}/{n} "
        f"({result['equivalent_share']:.1%})",
        f"- curated evaluable leaves found: {result['leaf_recall']:.1%}; parsed leaves in the curated rule: "
        f"{result['leaf_precision']:.1%}; invalid rules: {result['invalid']}",
        "",
    ]
    for item in result["mismatches"]:
        flag = " (equivalent)" if item["equivalent"] else ""
        lines += [
            f"## {item['trial']} {item['id']} ({item['kind']}){flag}",
            "",
            f"> {' '.join(item['text'].split())}",
            "",
            "curated:",
            "",
            "```json",
            json.dumps(item["expected"], ensure_ascii=False),
            "```",
            "",
            "parsed:",
            "",
            "```json",
            json.dumps(item["got"], ensure_ascii=False),
            "```",
            "",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Write the mismatch report (default ``tests/data/criteria_parser_report.md``)."""
    argv = sys.argv[1:] if argv is None else argv
    path = Path(argv[0]) if argv else REPORT
    result = evaluate()
    path.write_text(report_text(result) + "\n", encoding="utf-8")
    print(f"{path}: exact {result['exact']}/{result['criteria']}, equivalent {result['equivalent']}/{result['criteria']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
