"""``bench scale``: how trialbot's costs grow with the number of trials.

For each size N (``--trials N`` for one size; otherwise 4 (the bundled trials), 1,000 and
10,000; 100,000 only when asked for with ``--trials 100000``, because building it takes
minutes and about 2.5 GB of disk) a fresh database is built in a temporary folder (the
bundled trials plus synthetic variants up to N, ``benchmarks/synthetic.py``), then measured:

- per-turn latency of the conversation engine, p50/p95/p99 (``benchmarks/turns.py``: the
  conversations of ``data/bench_conversations.yaml``, a message in to a reply out, with
  extraction, candidate pruning, matching, question choice and rendering), triage latency
  (``triage --prune``), candidates judged per turn and peak memory (``ru_maxrss``), all in
  a process of their own; no new conversation starts after ``TURN_BUDGET_S`` seconds;
- database build time (generation, validation, writing) and size on disk;
- start-up of ``python bot.py chat`` on the database (median of 9): until its welcome is
  printed, and until it answers its first input (a /help sent at once), which waits for
  the NLP pipeline loading in the background (docs/benchmarks.md says what "ready" means).

Once per run: import throughput of ClinicalTrials.gov JSON (synthetic studies written in the
API's format, criteria parsed by the criteria parser), in trials per second.

The JSON holds per size ``"sizes": {N: {...}}``; with one size its numbers are also at the
top level, including ``"turn_ms": {"p50", "p95", "p99"}``.
"""
from __future__ import annotations

import json
import os
import platform
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.synthetic import build_database, ctgov_study, generate
from data.trials import load_trials

DEFAULT_SIZES = (4, 1000, 10000)
TURN_BUDGET_S = 600.0
IMPORT_STUDIES = 200
STARTUP_RUNS = 9
ROOT = Path(__file__).resolve().parents[1]
TARGETS = {10_000: 30.0, 100_000: 150.0}      # p95 per turn, ms
STARTUP_TARGET_S = 1.5
MEMORY_TARGET_MB = 600.0


def bench_scale(args: Any) -> dict[str, Any]:
    sizes = [args.trials] if getattr(args, "trials", None) else list(DEFAULT_SIZES)
    if any(n < 1 for n in sizes):
        return {"error": "--trials must be at least 1", "table": []}
    shown = sys.stderr.isatty()
    measured: dict[str, Any] = {}
    speed_before = python_loop_s()
    with tempfile.TemporaryDirectory(prefix="trialbot-scale-") as folder:
        for n in sizes:
            measured[str(n)] = measure_size(n, Path(folder), shown)
        imports = import_throughput(Path(folder), IMPORT_STUDIES, shown)
    host = {**machine(), "python_loop_s": {"before": speed_before, "after": python_loop_s()}}
    result: dict[str, Any] = {"machine": host, "sizes": measured, "import": imports}
    if len(sizes) == 1:
        result.update(measured[str(sizes[0])])
    result["table"] = _table(measured, imports, result["machine"])
    return result


def measure_size(n: int, folder: Path, progress: bool = False) -> dict[str, Any]:
    """Build a database of ``n`` trials in ``folder``, measure it, delete it."""
    path = folder / f"trials-{n}.db"
    built = build_database(path, n, progress=progress)
    try:
        turns = run_turns(path, TURN_BUDGET_S)
        startup = startup_times(path, STARTUP_RUNS)
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    return {"trials": built["trials"], "build_s": round(built["seconds"], 1),
            "db_mb": round(built["bytes"] / 1e6, 1), **turns, "startup": startup}


def run_turns(path: Path, budget: float) -> dict[str, Any]:
    """``benchmarks/turns.py`` in a process of its own (its peak memory is its own)."""
    done = subprocess.run([sys.executable, "-m", "benchmarks.turns", "--db", str(path), "--budget", str(budget)],
                          cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"turn benchmark failed: {tail}")
    result = json.loads(done.stdout)
    result.pop("turn_cpu_ms_each", None)      # every turn's CPU: for ``benchmarks.turns --runs``
    return result


def startup_times(path: Path, runs: int) -> dict[str, Any]:
    """Median seconds from launching ``bot.py chat`` to its welcome, and to its answer to
    a /help written at launch (read only once the background loading is done); every
    ready time, and whether the project's modules had current cached bytecode."""
    welcome, ready = [], []
    for _ in range(runs):
        began = time.perf_counter()
        process = subprocess.Popen([sys.executable, str(ROOT / "bot.py"), "--db", str(path), "chat", "--role", "patient"],
                                   cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        try:
            process.stdin.write(b"/help\n")
            process.stdin.flush()
            if _read(process):                                  # the welcome, flushed at once
                welcome.append(time.perf_counter() - began)
            if _read(process):                                  # the answer to /help
                ready.append(time.perf_counter() - began)
        finally:
            process.stdin.close()
            process.wait(timeout=120)
    return {"welcome_s": round(statistics.median(welcome), 2) if welcome else None,
            "ready_s": round(statistics.median(ready), 2) if ready else None,
            "ready_runs_s": sorted(round(r, 2) for r in ready), "bytecode": project_bytecode()}


def project_bytecode() -> bool:
    """Whether every module of the project has current cached bytecode (Python writes it
    on first import unless PYTHONDONTWRITEBYTECODE is set; ``python -m compileall``
    writes it either way), i.e. whether a start-up compiles none of them."""
    import importlib.util

    for source in [ROOT / "bot.py", *(p for d in ("bot", "nlp", "data", "matching") for p in (ROOT / d).rglob("*.py"))]:
        try:
            header = Path(importlib.util.cache_from_source(str(source))).read_bytes()[:16]
        except OSError:
            return False
        stat = source.stat()
        if (len(header) < 16 or int.from_bytes(header[4:8], "little") != 0
                or int.from_bytes(header[8:12], "little") != int(stat.st_mtime) & 0xFFFFFFFF
                or int.from_bytes(header[12:16], "little") != stat.st_size & 0xFFFFFFFF):
            return False
    return True


def _read(process: subprocess.Popen, timeout: float = 120.0) -> bytes:
    """The next output of ``process`` (b"" at its end or after ``timeout`` seconds)."""
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    return os.read(process.stdout.fileno(), 1 << 16) if ready else b""


def import_throughput(folder: Path, count: int, progress: bool = False) -> dict[str, Any]:
    """Import ``count`` synthetic studies written as ClinicalTrials.gov API v2 JSON into a
    fresh database: reading with criteria parsing, planning (same-study merging), writing."""
    from data.store import open_store  # start-up: the store only for commands that open it
    from registry.run import apply, plan, read_files, stored_trials  # start-up: the store only for commands that open it

    records = list(generate(load_trials(), count + 1, seed=7))
    warm, bundle = folder / "warm.json", folder / "studies.json"
    warm.write_text(json.dumps(ctgov_study(records[0], 0)), encoding="utf-8")
    bundle.write_text(json.dumps({"studies": [ctgov_study(r, i) for i, r in enumerate(records[1:], start=1)]}),
                      encoding="utf-8")
    read_files([warm])                        # loads the criteria parser (spaCy) once, untimed
    began = time.perf_counter()
    imported = read_files([bundle], progress=progress)
    read_s = time.perf_counter() - began
    db = open_store(folder / "import.db")
    try:
        began = time.perf_counter()
        outcomes = plan(imported, stored_trials(db))
        plan_s = time.perf_counter() - began
        began = time.perf_counter()
        apply(db, outcomes)
        write_s = time.perf_counter() - began
        stored = db.execute("SELECT count(*) FROM trials WHERE origin = 'import'").fetchone()[0]
    finally:
        db.close()
    total = read_s + plan_s + write_s
    return {"studies": count, "imported": stored, "read_s": round(read_s, 2), "plan_s": round(plan_s, 2),
            "write_s": round(write_s, 2), "read_trials_per_s": round(count / read_s, 1),
            "trials_per_s": round(count / total, 1)}


def python_loop_s(count: int = 10_000_000) -> float:
    """Seconds for a fixed pure-Python loop (best of 3): how fast this machine runs Python
    right now. On a shared machine it drifts by a third within minutes; comparing it
    between runs tells a slower machine from slower code."""
    best = float("inf")
    for _ in range(3):
        began, total = time.perf_counter(), 0
        for i in range(count):
            total += i
        best = min(best, time.perf_counter() - began)
    return round(best, 3)


def machine() -> dict[str, Any]:
    memory = None
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    memory = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {"cores": os.cpu_count(), "memory_gb": memory, "cpu": platform.processor() or platform.machine(),
            "python": platform.python_version(), "system": platform.platform(terse=True)}


def _table(measured: dict[str, Any], imports: dict[str, Any], host: dict[str, Any]) -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = [("machine", f"{host['cores']} cores, {host['memory_gb']} GB, Python {host['python']}")]
    loop = host.get("python_loop_s")
    if loop:
        rows.append(("machine speed: fixed Python loop s, before / after (lower is faster)",
                     f"{loop['before']} / {loop['after']}"))
    for size, m in measured.items():
        t, tri, start, cand = m["turn_ms"], m["triage_ms"], m["startup"], m.get("candidates") or {}
        rows += [
            (f"{size} trials: turn ms p50/p95/p99", f"{t['p50']} / {t['p95']} / {t['p99']} ({t['n']} turns)"),
            (f"{size} trials: turn CPU ms p50/p95/p99", " / ".join(str((m.get("turn_cpu_ms") or {}).get(q, "-"))
                                                                    for q in ("p50", "p95", "p99"))),
            (f"{size} trials: triage ms p50/max", f"{tri['p50']} / {tri['max']}"),
            (f"{size} trials: candidates per turn mean/max", f"{cand.get('mean')} / {cand.get('max')}"),
            (f"{size} trials: build s, db MB", f"{m['build_s']}, {m['db_mb']}"),
            (f"{size} trials: start-up s welcome/ready (ready range; bytecode cached)",
             f"{start['welcome_s']} / {start['ready_s']} ({min(start['ready_runs_s'], default='-')}–"
             f"{max(start['ready_runs_s'], default='-')}; {'yes' if start.get('bytecode') else 'no'})"),
            (f"{size} trials: peak memory MB (conversations / with triage)",
             f"{m['peak_rss_mb']} / {m.get('peak_rss_with_triage_mb', '-')}"),
        ]
        target = TARGETS.get(int(size))
        if target is not None:
            rows.append((f"{size} trials: p95 target {target:g} ms", "met" if t["p95"] <= target else f"MISSED ({t['p95']} ms)"))
            cpu = (m.get("turn_cpu_ms") or {}).get("p95")
            if cpu is not None:     # the turns' own CPU: on a shared host the wall clock also counts others' work
                rows.append((f"{size} trials: p95 target {target:g} ms, turn CPU",
                             "met" if cpu <= target else f"MISSED ({cpu} ms)"))
        if int(size) >= 100_000:
            rows.append((f"{size} trials: memory target {MEMORY_TARGET_MB:g} MB",
                         "met" if m["peak_rss_mb"] <= MEMORY_TARGET_MB else f"MISSED ({m['peak_rss_mb']} MB)"))
        ready = start["ready_s"]
        rows.append((f"{size} trials: start-up target {STARTUP_TARGET_S:g} s (ready)",
                     "met" if ready is not None and ready <= STARTUP_TARGET_S else f"MISSED ({ready} s)"))
    rows += [
        ("import: CT.gov JSON read+parse trials/s", f"{imports['read_trials_per_s']} ({imports['studies']} studies)"),
        ("import: total trials/s (read, plan, write)", imports["trials_per_s"]),
    ]
    return rows
