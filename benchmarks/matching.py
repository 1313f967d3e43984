"""The matching benchmark: extraction + matching on the scenario set
(tests/data/scenarios/*.json), scored against the verdicts and failing criteria a clinician
expects.

A scenario file holds ``description``, ``text`` (a referral or a patient's own words),
``today`` (ISO date the text is read on) and ``expected``: trial id -> ``{"verdict",
"failing": [criterion ids]}``. ``failing`` lists every criterion expected to fail,
sub-criteria and group headings included.

Reported (``bench_matching``): trial-level accuracy (verdicts), criterion-level accuracy
(fail / not fail for every criterion of every expected trial), false exclusions (trials
judged ineligible that should not be: target 0) and criteria failed that should not be,
and the latency of one triage (extraction + matching, pipeline already loaded), p50/p95;
then the relevance benchmark on real registry trials (``benchmarks/relevance.py``: NDCG@10
beside a BM25 keyword baseline, trials for other conditions ruled out, false exclusions).
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks.relevance import bench_relevance
from benchmarks.stats import percentiles
from core.facts import Profile
from data.errors import DataError
from data.trials import load_trials
from nlp.pipeline import build_pipeline, extract

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "tests" / "data" / "scenarios"
VERDICTS = ("likely", "possible", "ineligible")
_FIELDS = {"description", "text", "today", "expected", "notes"}


def load_scenarios(directory: Path = SCENARIO_DIR) -> list[dict[str, Any]]:
    """Every scenario file, validated (a bad file names itself and the field)."""
    scenarios = []
    for path in sorted(directory.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise DataError(path.name, f"cannot be read as JSON ({exc})") from None
        if not isinstance(data, dict):
            raise DataError(path.name, "must be a JSON object")
        for key in set(data) - _FIELDS:
            raise DataError(f"{path.name}.{key}", f"unknown field; allowed: {', '.join(sorted(_FIELDS))}")
        for key in ("description", "text", "today"):
            if not isinstance(data.get(key), str) or not data[key].strip():
                raise DataError(f"{path.name}.{key}", "required text")
        try:
            data["today_date"] = date.fromisoformat(data["today"])
        except ValueError:
            raise DataError(f"{path.name}.today", "must be an ISO date (YYYY-MM-DD)") from None
        expected = data.get("expected")
        if not isinstance(expected, dict) or not expected:
            raise DataError(f"{path.name}.expected", "required: trial id -> {verdict, failing}")
        for trial_id, want in expected.items():
            if not isinstance(want, dict) or want.get("verdict") not in VERDICTS:
                raise DataError(f"{path.name}.expected.{trial_id}.verdict", f"must be one of {', '.join(VERDICTS)}")
            if not isinstance(want.get("failing", []), list):
                raise DataError(f"{path.name}.expected.{trial_id}.failing", "must be a list of criterion ids")
        data["name"] = path.stem
        scenarios.append(data)
    return scenarios


@dataclass
class Outcome:
    """What extraction + matching made of one scenario, compared with what was expected."""

    name: str
    verdicts: dict[str, tuple[str, str]] = field(default_factory=dict)          # trial -> (expected, got)
    failing: dict[str, tuple[set, set]] = field(default_factory=dict)            # trial -> (expected, got)
    criteria: dict[str, list[str]] = field(default_factory=dict)                 # trial -> all criterion ids
    seconds: float = 0.0

    def mismatches(self) -> list[str]:
        found = []
        for trial, (want, got) in self.verdicts.items():
            if want != got:
                found.append(f"{self.name}: {trial} verdict {got}, expected {want}")
        for trial, (want, got) in self.failing.items():
            if want != got:
                extra, missing = sorted(got - want), sorted(want - got)
                found.append(f"{self.name}: {trial} failing criteria: unexpected {extra}, missing {missing}")
        return found


def run_scenario(scenario: dict[str, Any], trials: list[dict]) -> Outcome:
    from matching.engine import match  # start-up: the matcher only once a turn matches

    today = scenario["today_date"]
    started = time.perf_counter()
    profile = Profile(extract(scenario["text"], source=scenario["name"], today=today))
    results = match(profile, trials, today=today)
    seconds = time.perf_counter() - started
    outcome = Outcome(scenario["name"], seconds=seconds)
    by_id = {r.id: r for r in results}
    for trial_id, want in scenario["expected"].items():
        result = by_id.get(trial_id)
        if result is None:
            raise DataError(f"{scenario['name']}.expected.{trial_id}", "no such trial among the bundled trials")
        known = {c.id for c in result.criteria}
        unknown_ids = set(want.get("failing", [])) - known
        if unknown_ids:
            raise DataError(f"{scenario['name']}.expected.{trial_id}.failing", f"no criterion {sorted(unknown_ids)[0]!r} in this trial")
        outcome.verdicts[trial_id] = (want["verdict"], result.verdict)
        outcome.failing[trial_id] = (set(want.get("failing", [])), {c.id for c in result.failing})
        outcome.criteria[trial_id] = [c.id for c in result.criteria]
    return outcome


def score(outcomes: list[Outcome]) -> dict[str, Any]:
    trials = right_trials = 0
    criteria = right_criteria = 0
    false_exclusions = missed_exclusions = false_failing = missed_failing = 0
    for outcome in outcomes:
        for trial, (want, got) in outcome.verdicts.items():
            trials += 1
            right_trials += want == got
            false_exclusions += got == "ineligible" and want != "ineligible"
            missed_exclusions += want == "ineligible" and got != "ineligible"
            expected_fail, got_fail = outcome.failing[trial]
            for criterion in outcome.criteria[trial]:
                criteria += 1
                should, did = criterion in expected_fail, criterion in got_fail
                right_criteria += should == did
                false_failing += did and not should
                missed_failing += should and not did
    latencies = sorted(o.seconds * 1000 for o in outcomes)
    return {
        "scenarios": len(outcomes),
        "trials_judged": trials,
        "trial_accuracy": right_trials / trials if trials else 0.0,
        "criteria_judged": criteria,
        "criterion_accuracy": right_criteria / criteria if criteria else 0.0,
        "false_exclusions": false_exclusions,
        "missed_exclusions": missed_exclusions,
        "false_failing_criteria": false_failing,
        "missed_failing_criteria": missed_failing,
        "latency_ms": percentiles(latencies, (50, 95), digits=2, count_and_max=False),     # nearest rank (benchmarks/stats.py)
        "mismatches": [m for o in outcomes for m in o.mismatches()],
    }


def bench_matching(args: Any = None) -> dict[str, Any]:
    """Run every scenario (after building the pipeline once) and score the results."""
    build_pipeline()
    try:
        trials = load_trials()
        outcomes = [run_scenario(s, trials) for s in load_scenarios()]
    except DataError as exc:
        return {"error": str(exc), "table": []}
    result = score(outcomes)
    result["table"] = [
        ("scenarios", result["scenarios"]),
        ("trial verdicts judged", result["trials_judged"]),
        ("trial-level accuracy", f"{result['trial_accuracy']:.1%}"),
        ("criteria judged", result["criteria_judged"]),
        ("criterion-level accuracy", f"{result['criterion_accuracy']:.1%}"),
        ("false exclusions (target 0)", result["false_exclusions"]),
        ("missed exclusions", result["missed_exclusions"]),
        ("criteria failed wrongly", result["false_failing_criteria"]),
        ("failing criteria missed", result["missed_failing_criteria"]),
        *((f"triage latency {p} (nearest rank)", f"{result['latency_ms'][p]:.1f} ms" if result["latency_ms"] else "n/a")
          for p in ("p50", "p95")),
        ("mismatches", len(result["mismatches"])),
    ]
    relevance = bench_relevance(args)        # real registry trials and judged patients (issue #14)
    result["relevance"] = {k: v for k, v in relevance.items() if k != "table"}
    result["table"] += [(f"relevance: {name}", value) for name, value in relevance.get("table", [])]
    if "error" in relevance:
        result["table"].append(("relevance", relevance["error"]))
    return result
