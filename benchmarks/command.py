"""Run the project's benchmarks on real code paths and print a table (JSON with --json).

Suites:
  extraction  precision/recall/F1 per label on the gold set, sentences per second
  criteria    share of the curated seed criteria the criteria parser reproduces
  matching    criterion- and trial-level accuracy on the scenario set, false exclusions,
              triage latency; relevance on 241 real registry trials: NDCG@10 beside a
              BM25 keyword baseline, trials for other conditions ruled out
  scale       per-turn latency, triage latency, build time and size, start-up, memory at
              N synthetic trials (--trials N)
  chat        conversation engine turns, and a Telegram load run against a local fake
              Bot API server
  conversation  60 scripted personas (patient, relative, clinician; cooperative, unsure,
              impatient, correcting): questions before results (p50, max) and the share
              whose verdicts equal those with every fact known; --show ID prints one
              persona's conversation turn by turn
  all         every suite above

Example:
  python bot.py bench extraction --json
"""
from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path

HELP = "measure extraction, matching, scale and chat on this machine"

# suite -> "module:function"; the function takes the parsed args and returns a dict of
# results with a "table" entry: a list of (name, value) rows for the human table.
SUITES = {
    "extraction": "benchmarks.extraction:bench_extraction",
    "criteria": "benchmarks.criteria:bench_criteria",
    "matching": "benchmarks.matching:bench_matching",
    "scale": "benchmarks.scale:bench_scale",
    "chat": "benchmarks.telegram_load:bench_chat",
    "conversation": "benchmarks.conversation:bench_conversation",
}

# What a suite reads from the source checkout rather than from the installed package: the
# hand-checked sets live with the tests (tests/data/...), and ``scale`` starts ``bot.py``
# in subprocesses. An installed wheel carries none of them; the suite then says so instead
# of reporting numbers over nothing.
CHECKOUT = Path(__file__).resolve().parent.parent
CHECKOUT_FILES = {
    "extraction": "tests/data/gold",
    "criteria": "tests/data/criteria_gold",
    "matching": "tests/data/scenarios",
    "scale": "bot.py",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("suite", nargs="?", default="all", choices=[*SUITES, "all"], help="which benchmark (default: all)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--trials", type=int, default=None, help="scale: number of synthetic trials (default: 4, 1000, 10000)")
    parser.add_argument("--users", type=int, default=200, help="chat: simulated Telegram users (default: 200)")
    parser.add_argument("--show", metavar="ID", default=None,
                        help="conversation: print one persona's conversation turn by turn instead of the numbers")


def _run_suite(name: str, args: argparse.Namespace) -> dict:
    module_name, func_name = SUITES[name].split(":")
    needed = CHECKOUT_FILES.get(name)
    if needed and not (CHECKOUT / needed).exists():
        return {"error": f"suite {name} needs the source checkout ({needed}); run it from a checkout: "
                         f"python bot.py bench {name}", "table": []}
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        return {"error": f"suite {name} is not available ({exc.name} missing)", "table": []}
    return getattr(module, func_name)(args)


def _print_table(name: str, result: dict) -> None:
    print(f"== {name} ==")
    if "error" in result:
        print(f"  error: {result['error']}")
    rows = result.get("table", [])
    width = max((len(str(r[0])) for r in rows), default=0)
    for label, value in rows:
        print(f"  {str(label).ljust(width)}  {value}")
    print()


def run(args: argparse.Namespace) -> int:
    names = list(SUITES) if args.suite == "all" else [args.suite]
    results = {}
    for name in names:
        results[name] = _run_suite(name, args)
        if not args.json:
            _print_table(name, results[name])
    if args.json:
        payload = {k: {kk: vv for kk, vv in v.items() if kk != "table"} for k, v in results.items()}
        json.dump(payload if len(names) > 1 else payload[names[0]], sys.stdout, indent=2, default=str)
        print()
    return 1 if any("error" in r for r in results.values()) else 0
