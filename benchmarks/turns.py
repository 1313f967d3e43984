"""Timed conversations on the real conversation engine: what one turn costs (a message in,
a reply out: extraction, candidate pruning, matching, question choice, rendering), and
what triage of a referral costs, on a given database.

The conversations are data (``data/bench_conversations.yaml``): an opening message per
patient or clinician, then the bot's questions answered the way people do ("no", "yes",
"not sure", the first option, a city), then "results". ``play`` times every turn;
``summary`` gives p50/p95/p99 overall and per kind of turn (opening, answer, not_sure,
results), and of the CPU time of each turn (``turn_cpu_ms``: this process's, which other
work on a shared machine disturbs less than the wall clock).

``python -m benchmarks.turns --db PATH --json`` runs it in a process of its own (matching/
scale.py does, so peak memory is this process's alone) and prints the timings, the
candidates per turn, triage latency, warm-up time and peak memory (``ru_maxrss``: after
the conversations, and again after triage).
"""
from __future__ import annotations

import argparse
import contextlib
import functools
import gc
import io
import json
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks.stats import percentiles
from bot.render import PLAIN, Renderer
from data.errors import DataError
from data.files import DATA_DIR, read_yaml

SCRIPT_FILE = DATA_DIR / "bench_conversations.yaml"
TODAY = date(2026, 1, 15)          # fixed, so every run judges the same way
NOT_SURE = "not sure"
RESULTS = "results"


@dataclass
class Turn:
    kind: str                      # opening | answer | not_sure | results
    ms: float
    candidates: int | None = None  # trials judged in this turn (None: no catalog)
    diagnosis: bool | None = None  # a diagnosis was known when pruning (None: no catalog)
    cpu_ms: float | None = None    # this process's CPU time for the turn (less noisy than ms on a shared machine)


def load_script(path: Path = SCRIPT_FILE) -> dict[str, Any]:
    """The benchmark conversations, checked."""
    doc = read_yaml(path)
    if not isinstance(doc, dict) or set(doc) != {"max_answers", "answers", "conversations"}:
        raise DataError(path.name, "needs exactly: max_answers, answers, conversations")
    answers = doc["answers"]
    if not isinstance(answers, dict) or set(answers) != {"yes_no", "choice", "place", "other"}:
        raise DataError(f"{path.name}: answers", "needs exactly: yes_no, choice, place, other")
    for i, conversation in enumerate(doc["conversations"]):
        if conversation.get("role") not in ("patient", "clinician") or not conversation.get("messages"):
            raise DataError(f"{path.name}: conversations[{i}]", "needs role (patient | clinician) and messages")
    return doc


def reply_text(reply: Any) -> str:
    return "\n".join(_renderer().render(reply)) if reply is not None else ""


@functools.lru_cache(maxsize=1)
def _renderer() -> Renderer:
    """One renderer for the run, built before the first timed turn, as every transport
    builds its own at start-up (its voices file is read then, not in the first turn)."""
    return Renderer(PLAIN)


def answer_for(reply: Any, answers: dict[str, Any], turn: int) -> str | None:
    """What a person would type to the reply's question (None: no question pending)."""
    question = next((b for b in reversed(getattr(reply, "blocks", [])) if b.kind == "question"), None)
    if question is None:
        return None
    form = question.data.get("form")
    if form == "yes_no":
        return answers["yes_no"][turn % len(answers["yes_no"])]
    if form == "choice":
        options = [c.text for c in reply.choices if c.text]
        return options[0] if answers["choice"] == "first" and options else str(answers["choice"])
    if form == "text":
        return str(answers["place"])
    return str(answers["other"])


def play(engine: Any, script: dict[str, Any], budget: float | None = None, prefix: str = "bench") -> list[Turn]:
    """Play every conversation (stopping after ``budget`` seconds, a conversation once
    begun is finished); time each turn."""
    started = time.perf_counter()
    turns: list[Turn] = []
    for number, conversation in enumerate(script["conversations"]):
        if budget is not None and turns and time.perf_counter() - started > budget:
            break
        cid = f"cli:{prefix}-{number}-{time.time_ns()}"
        engine.start(cid, role=conversation["role"])
        reply = None
        for text in conversation["messages"]:
            reply = _timed(engine, cid, text, "opening", turns)
        for n in range(script["max_answers"]):
            answer = answer_for(reply, script["answers"], n)
            if answer is None:
                break
            reply = _timed(engine, cid, answer, "not_sure" if answer == NOT_SURE else "answer", turns)
        _timed(engine, cid, RESULTS, "results", turns)
    return turns


def _timed(engine: Any, cid: str, text: str, kind: str, turns: list[Turn]) -> Any:
    began, cpu = time.perf_counter(), time.process_time()
    reply = engine.message(cid, text)
    reply_text(reply)
    ms = (time.perf_counter() - began) * 1000
    cpu_ms = (time.process_time() - cpu) * 1000
    last = getattr(engine.trials, "last", None)
    turns.append(Turn(kind, ms, len(last.trials) if last is not None else None,
                      last.diagnosis_known if last is not None else None, cpu_ms))
    return reply


def stats(values: list[float]) -> dict[str, float]:
    """n, p50/p95/p99 (nearest rank, ``benchmarks/stats.py``) and max, in ms to 1 place."""
    return percentiles(values, (50, 95, 99), digits=1)


def summary(turns: list[Turn]) -> dict[str, Any]:
    kinds = sorted({t.kind for t in turns})
    candidates = [t.candidates for t in turns if t.candidates is not None]
    return {
        "turn_ms": stats([t.ms for t in turns]),
        "turn_cpu_ms": stats([t.cpu_ms for t in turns if t.cpu_ms is not None]),
        "by_kind": {kind: stats([t.ms for t in turns if t.kind == kind]) for kind in kinds},
        "candidates": {"mean": round(sum(candidates) / len(candidates), 1), "max": max(candidates)} if candidates else {},
        "turn_ms_diagnosis_known": stats([t.ms for t in turns if t.diagnosis]),
        "turn_ms_no_diagnosis": stats([t.ms for t in turns if t.diagnosis is False]),
    }


class _Sink(io.TextIOBase):
    """A text stream that counts what is written and keeps none of it."""

    def __init__(self) -> None:
        self.chars = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.chars += len(text)
        return len(text)


def triage_times(db_path: str, texts: list[str], today: date = TODAY) -> list[float]:
    """Milliseconds to triage each text with the real command (``triage --prune --json``),
    in this process (the NLP pipeline already loaded)."""
    from bot.cli import main  # start-up: the CLI (and its command modules) only for the triage timing

    times = []
    with tempfile.TemporaryDirectory() as folder:
        for i, text in enumerate(texts):
            path = Path(folder) / f"referral-{i}.txt"
            path.write_text(text, encoding="utf-8")
            out = _Sink()                 # written and counted, not kept (a report on 20,000
            began = time.perf_counter()   # trials is hundreds of MB a terminal would not hold either)
            with contextlib.redirect_stdout(out):
                code = main(["--db", db_path, "triage", "--prune", "--json", "--today", today.isoformat(), str(path)])
            times.append((time.perf_counter() - began) * 1000)
            if code != 0:
                raise RuntimeError(f"triage exited with {code}")
    return times


def measure(db_path: str, budget: float | None = None, conversations: int | None = None,
            unpruned: bool = False, triage: bool = True) -> dict[str, Any]:
    """Warm the engine up on the database, play the conversations, triage the openings.
    ``unpruned``: the engine as it was before candidate pruning (every record in memory,
    every trial judged each turn, no memos), for before/after comparisons."""
    from bot.startup import build_engine  # start-up: the store only for commands that open it

    script = load_script()
    if conversations is not None:
        script = dict(script, conversations=script["conversations"][:conversations])
    began = time.perf_counter()
    engine = _unpruned_engine(db_path) if unpruned else build_engine(db_path, transport="cli")
    engine.today = TODAY
    engine.warm_up()
    _renderer()
    warm = time.perf_counter() - began
    host_before = python_loop_s(HOST_LOOP)
    with _GcClock() as collector:
        turns = play(engine, script, budget)
    result = {"warm_up_s": round(warm, 2), "turns": len(turns), **summary(turns),
              # the cyclic collector's share of the turns' CPU, and how fast this host ran a fixed
              # Python loop just before and after them (a shared machine drifts by a third within
              # minutes: the loop tells a slower host from slower code)
              "gc_cpu_ms": round(collector.ms, 1),
              "host_loop_s": {"before": host_before, "after": python_loop_s(HOST_LOOP)},
              "turn_cpu_ms_each": [round(t.cpu_ms, 2) for t in turns if t.cpu_ms is not None]}
    # the conversation engine's peak (what a running bot needs), before triage reports
    # on thousands of trials in the same process raise it
    result["peak_rss_mb"] = _peak_mb()
    if triage:
        openings = [c["messages"][0] for c in script["conversations"]]
        chosen = openings[:3] + [o for c, o in zip(script["conversations"], openings) if c["role"] == "clinician"]
        result["triage_ms"] = stats(triage_times(db_path, chosen))
        result["peak_rss_with_triage_mb"] = _peak_mb()
    return result


HOST_LOOP = 2_000_000      # iterations of benchmarks.scale.python_loop_s's loop (~0.06 s)


def python_loop_s(count: int) -> float:
    from benchmarks.scale import python_loop_s as loop  # start-up: only when measuring

    return loop(count)


class _GcClock:
    """CPU milliseconds spent in the cyclic garbage collector while in the ``with`` block."""

    def __init__(self) -> None:
        self.ms = 0.0
        self._began = 0.0

    def _tick(self, phase: str, _info: dict) -> None:
        if phase == "start":
            self._began = time.process_time()
        else:
            self.ms += (time.process_time() - self._began) * 1000

    def __enter__(self) -> "_GcClock":
        gc.callbacks.append(self._tick)
        return self

    def __exit__(self, *_exc: Any) -> None:
        gc.callbacks.remove(self._tick)


def repeated(db_path: str, runs: int, conversations: int | None = None) -> dict[str, Any]:
    """``measure`` (without triage) in ``runs`` processes of their own, one after another:
    each run's turn CPU p95, and the p50/p95/sum of each turn's least CPU over the runs (a
    turn another process slowed in one run is measured by its quickest: on a shared machine
    the steadier figure for comparing code; every run plays the same turns)."""
    import subprocess  # start-up: only for repeated runs

    command = [sys.executable, "-m", "benchmarks.turns", "--db", db_path, "--no-triage"]
    if conversations is not None:
        command += ["--conversations", str(conversations)]
    each = []
    for _ in range(runs):
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        each.append(json.loads(done.stdout))
    per_turn = [min(times) for times in zip(*(run["turn_cpu_ms_each"] for run in each))]
    return {"runs": runs, "turns": len(per_turn),
            "run_turn_cpu_p95": [run["turn_cpu_ms"]["p95"] for run in each],
            "run_gc_cpu_ms": [run["gc_cpu_ms"] for run in each],
            "run_host_loop_s": [run["host_loop_s"] for run in each],
            "least_turn_cpu_ms": {**stats(per_turn), "sum": round(sum(per_turn), 1)},
            "peak_rss_mb": max(run["peak_rss_mb"] for run in each)}


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _unpruned_engine(db_path: str) -> Any:
    """The engine with the collaborators it had before pruning: the list of every record,
    matching.engine.match and matching.questions.next_question called directly."""
    from bot.engine import Engine  # start-up: the store only for commands that open it
    from bot.session_store import SessionStore  # start-up: the store only for commands that open it
    from data.store import all_trial_records, open_store  # start-up: the store only for commands that open it
    from matching import engine as matcher  # start-up: the matcher only once a turn matches
    from matching import questions  # start-up: the matcher only once a turn matches

    db = open_store(db_path)
    return Engine(SessionStore(db), transport="cli", trials=all_trial_records(db), match=matcher.match,
                  next_question=lambda results, profile, exclude: questions.next_question(results, asked=exclude))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.turns", description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="the database to play the conversations on")
    parser.add_argument("--budget", type=float, default=None, help="seconds after which no new conversation starts")
    parser.add_argument("--conversations", type=int, default=None, help="play only the first N conversations")
    parser.add_argument("--unpruned", action="store_true", help="judge every trial each turn, as before pruning")
    parser.add_argument("--no-triage", action="store_true", help="skip the triage timing")
    parser.add_argument("--profile", action="store_true", help="profile with pyinstrument (the profile extra); report on stderr")
    parser.add_argument("--runs", type=int, default=None,
                        help="measure in N processes one after another (no triage); report each turn's least CPU")
    args = parser.parse_args(argv)
    if args.runs is not None:
        if args.runs < 1 or args.budget is not None or args.unpruned or args.profile:
            parser.error("--runs needs N >= 1 and no --budget, --unpruned or --profile")
        json.dump(repeated(args.db, args.runs, args.conversations), sys.stdout)
        print()
        return 0
    run = lambda: measure(args.db, args.budget, args.conversations, args.unpruned, not args.no_triage)  # noqa: E731
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.001)
        with profiler:
            result = run()
        sys.stderr.write(profiler.output_text(unicode=False, color=False))
    else:
        result = run()
    json.dump(result, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
