"""Criteria parsing on whole registry records, as the importer does it (issue #15).

``python -m benchmarks.criteria_records [DIR] [--json] [--review-words N]`` reads every ClinicalTrials.gov API
v2 JSON file of ``DIR`` (default: ``$TRIALBOT_CTGOV_RECORDS``, else ``../shared/ctgov``
next to the repository) with ``registry.run.read_files`` (split into criteria, every
criterion parsed, records checked; nothing is stored) and reports:

* **reading speed**: studies per second of CPU time (this process's and its reading
  workers', best of ``--passes``, default 1) and per second of wall time, read by
  ``--workers`` processes (default 1), after one warm-up file (the spaCy pipeline is built
  before timing; the workers are forked after it);
* **coverage of all criteria**: the criteria the importer gave a rule (leaves of the
  criteria trees, the registry's age/sex fields left out), as full rules (no review leaf),
  partial rules and review only, with the review-only reasons;
* **coverage of patient-fact criteria**: the same full rules over the criteria left when the
  review-only ones about consent and compliance are taken out (they state no fact about the
  patient; the first share counts them, this one does not).
* with ``--review-words N`` (round 28): the N words and word pairs the review leaves quote as
  unread most often, each counted once per criterion that is not a full rule: what keeps lines
  review (``review_words``).

Precision is not measured here (no gold): ``python bot.py bench criteria`` does that on the
hand-checked sample. The numbers are in docs/benchmarks.md.

Example: python -m benchmarks.criteria_records ../shared/ctgov
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from core.rules import iter_leaves

# review-only reasons that are no patient fact (consent, compliance)
NOT_PATIENT_FACTS = ("consent", "compliance")
DEFAULT_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "ctgov"


def records_dir() -> Path:
    return Path(os.environ.get("TRIALBOT_CTGOV_RECORDS") or DEFAULT_DIR)


def _criteria(criteria: list[dict]):
    for criterion in criteria:
        yield criterion
        yield from _criteria(criterion.get("children", []))


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended (the reading
    workers, joined when a run ends)."""
    own, children = time.process_time(), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own + children.ru_utime + children.ru_stime


# the words a review leaf quotes as unread ('... the trial team judges: "unresectable"')
_QUOTED = re.compile(r'"([^"]+)"')
_WORD = re.compile(r"[a-z][a-z'-]+")


def review_words(criteria: list[dict], most: int = 30) -> dict[str, list[tuple[str, int]]]:
    """What keeps criteria from a full rule (round 28, h134): over the criteria with a review
    leaf, the words and word pairs the review leaves quote as unread, each counted once per
    criterion, the ``most`` frequent (words of three letters or fewer left out)."""
    words: Counter = Counter()
    pairs: Counter = Counter()
    for criterion in criteria:
        notes = [leaf.get("note", "") for leaf in iter_leaves(criterion["rule"]) if leaf.get("type") == "review"]
        quoted = [q.lower() for note in notes for q in _QUOTED.findall(note)]
        tokens = [_WORD.findall(q) for q in quoted]
        words.update({w for ts in tokens for w in ts if len(w) > 3})
        pairs.update({f"{a} {b}" for ts in tokens for a, b in zip(ts, ts[1:])})
    return {"words": words.most_common(most), "pairs": pairs.most_common(most)}


def evaluate(directory: Path, passes: int = 1, workers: int = 1, words: int = 0) -> dict[str, Any]:
    """Speed and coverage of the importer's criteria parsing on the records of ``directory``,
    read by ``workers`` processes (``registry.workers``; 1: this one)."""
    from registry.run import read_files  # start-up: the importer only when this runs

    files = sorted(directory.glob("NCT*.json"))
    if not files:
        raise SystemExit(f"no NCT*.json files in {directory}")
    read_files(files[:1])                                 # builds the pipeline, untimed
    best, best_wall, imported = float("inf"), float("inf"), []
    for _ in range(max(1, passes)):
        began, began_wall = _cpu(), time.perf_counter()
        imported = read_files(files, workers=workers)
        best = min(best, _cpu() - began)
        best_wall = min(best_wall, time.perf_counter() - began_wall)
    kinds: Counter = Counter()
    reasons: Counter = Counter()
    not_full: list[dict] = []
    for record in imported:
        for criterion in _criteria(record["criteria"]):
            if "rule" not in criterion or criterion.get("verbatim") is False:
                continue
            review = [leaf.get("type") == "review" for leaf in iter_leaves(criterion["rule"])]
            kind = "review" if all(review) else "partial" if any(review) else "full"
            kinds[kind] += 1
            if kind != "full":
                not_full.append(criterion)
            if kind == "review":
                reasons[criterion["rule"].get("reason", "other")] += 1
    total = sum(kinds.values())
    # consent and compliance ("willing to sign consent", "agrees to use contraception") are
    # no fact about the patient that any reader could turn into a rule: counted in every
    # criterion above, and left out of this second share only
    facts = total - sum(reasons[r] for r in NOT_PATIENT_FACTS)
    return {
        "studies": len(files),
        "workers": workers,
        "cpu_s": round(best, 2),
        "studies_per_s": round(len(files) / best, 1) if best else None,
        "wall_s": round(best_wall, 2),
        "studies_per_wall_s": round(len(files) / best_wall, 1) if best_wall else None,
        "criteria": total,
        **{kind: kinds[kind] for kind in ("full", "partial", "review")},
        "coverage": round(kinds["full"] / total, 4) if total else 0.0,
        "patient_fact_criteria": facts,
        "coverage_of_patient_facts": round(kinds["full"] / facts, 4) if facts else 0.0,
        "review_reasons": dict(reasons.most_common()),
        **({"review_words": review_words(not_full, words)} if words else {}),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.criteria_records",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", nargs="?", type=Path, default=None)
    parser.add_argument("--passes", type=int, default=1)
    parser.add_argument("--workers", type=int, default=1,
                        help="processes reading the studies (default 1: this one; the importer's default is one per CPU)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--review-words", type=int, default=0, metavar="N",
                        help="also count the N words and word pairs that most often keep a criterion from a full rule")
    args = parser.parse_args(argv)
    result = evaluate(args.directory or records_dir(), args.passes, max(1, args.workers), args.review_words)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    n = result["criteria"]
    print(f"studies read                  {result['studies']} by {result['workers']} worker(s): "
          f"{result['cpu_s']} s CPU = {result['studies_per_s']} studies/s of CPU; "
          f"{result['wall_s']} s wall = {result['studies_per_wall_s']} studies/s")
    print(f"criteria with a rule          {n}")
    for kind in ("full", "partial", "review"):
        print(f"  {kind:<27} {result[kind]} = {result[kind] / n:.1%}" if n else f"  {kind}: 0")
    print(f"full rules of patient-fact criteria (consent and compliance left out) "
          f"{result['full']}/{result['patient_fact_criteria']} = {result['coverage_of_patient_facts']:.1%}")
    print("review-only reasons           " + ", ".join(f"{k} {v}" for k, v in result["review_reasons"].items()))
    if "review_words" in result:
        for name in ("words", "pairs"):
            print(f"unread {name} (criteria)      " + ", ".join(f"{w} {c}" for w, c in result["review_words"][name]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
