"""The scale and chat benchmarks run on tiny sizes and return the documented keys. No
timing is asserted: the benchmark is the measure (docs/benchmarks.md)."""
from __future__ import annotations

import argparse
import asyncio
import sqlite3

import pytest

from benchmarks import fake_bot_api
from benchmarks.telegram_load import bench_chat, marker, telegram_load, user_messages
from benchmarks.turns import Turn, answer_for, load_script, stats, summary
from benchmarks import scale


def test_bench_scale_on_the_bundled_trials_returns_the_documented_keys(monkeypatch):
    monkeypatch.setattr(scale, "TURN_BUDGET_S", 0.0)       # one conversation
    monkeypatch.setattr(scale, "STARTUP_RUNS", 1)
    monkeypatch.setattr(scale, "IMPORT_STUDIES", 2)
    monkeypatch.setattr(scale, "python_loop_s", lambda: 0.5)    # the real loop takes seconds
    result = scale.bench_scale(argparse.Namespace(trials=4, json=True))
    assert "error" not in result
    assert set(result["turn_ms"]) >= {"p50", "p95", "p99"}
    assert result["trials"] == 4 and result["turns"] > 0
    assert set(result["triage_ms"]) >= {"p50", "p95", "max"}
    assert set(result["startup"]) == {"welcome_s", "ready_s", "ready_runs_s", "bytecode"}
    assert len(result["startup"]["ready_runs_s"]) == 1 and isinstance(result["startup"]["bytecode"], bool)
    assert set(result["machine"]["python_loop_s"]) == {"before", "after"}
    assert result["peak_rss_mb"] > 0 and result["build_s"] >= 0 and result["db_mb"] > 0
    assert set(result["sizes"]) == {"4"} and result["machine"]["cores"]
    assert result["import"]["imported"] == 2 and result["import"]["trials_per_s"] > 0
    assert all(len(row) == 2 for row in result["table"])


def test_bench_chat_with_a_few_users_checks_that_each_got_their_own_replies():
    result = bench_chat(argparse.Namespace(users=3))
    assert "error" not in result
    assert set(result["turn_ms"]) >= {"p50", "p95", "p99"}
    load = result["telegram"]
    assert load["users"] == 3 and load["turns"] == 3 * len(user_messages(0))
    assert load["own_replies"] is True and load["wrong_users"] == 0
    assert set(load["reply_ms"]) >= {"p50", "p95", "p99"} and load["turns_per_s"] > 0
    assert load["repeated_pieces"] == 0


@pytest.mark.slow          # the real bot and its two engine workers, 60 users at once (not timed)
def test_a_load_of_sixty_users_through_the_engine_workers_gets_each_reply_once(tmp_path):
    """#17 under load: every message answered, to its own user, each piece once, the outbox
    empty afterwards; the workers share the turns. Speed is `bench chat`'s job, not this."""
    load = asyncio.run(telegram_load(tmp_path, fake_bot_api, 60))
    assert load["turns"] == 60 * len(user_messages(0))
    assert load["own_replies"] is True and load["repeated_pieces"] == 0
    raw = sqlite3.connect(str(tmp_path / "telegram.db"))
    try:
        assert raw.execute("SELECT COUNT(*) FROM outbox").fetchone()[0] == 0
        assert raw.execute("SELECT COUNT(*) FROM processed_updates").fetchone()[0] == 60 * len(user_messages(0))
    finally:
        raw.close()


def test_each_simulated_user_writes_a_number_of_their_own():
    markers = {marker(n) for n in range(200)}
    assert len(markers) == 200
    assert all(marker(n).split()[2] in user_messages(n)[2] for n in range(200))


def test_percentiles_are_nearest_rank_and_grouped_by_kind_of_turn():
    values = [float(v) for v in range(1, 101)]
    assert stats(values) == {"n": 100, "p50": 50.0, "p95": 95.0, "p99": 99.0, "max": 100.0}
    turns = [Turn("opening", 10.0, 3), Turn("answer", 2.0, 3), Turn("answer", 4.0, 1)]
    result = summary(turns)
    assert result["by_kind"]["answer"]["n"] == 2 and result["candidates"] == {"mean": 2.3, "max": 3}


def test_the_scripted_user_answers_like_a_person():
    script = load_script()

    class Block:
        def __init__(self, form):
            self.kind, self.data = "question", {"form": form}

    class Choice:
        def __init__(self, text):
            self.text = text

    class Reply:
        def __init__(self, form, options=()):
            self.blocks, self.choices = [Block(form)], [Choice(o) for o in options]

    assert answer_for(Reply("yes_no"), script["answers"], 0) == "no"
    assert answer_for(Reply("choice", ["Lupus", "None of these"]), script["answers"], 0) == "Lupus"
    assert answer_for(Reply("text"), script["answers"], 0) == "Hangzhou"
    assert answer_for(Reply("number"), script["answers"], 0) == "not sure"
    assert answer_for(type("NoQuestion", (), {"blocks": [], "choices": []})(), script["answers"], 0) is None


def test_bytecode_counts_as_current_only_when_every_module_has_its_own(monkeypatch, tmp_path):
    import py_compile

    for name in ("bot.py", "bot/a.py", "nlp/b.py", "data/c.py", "matching/d.py"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("X = 1\n", encoding="utf-8")
    monkeypatch.setattr(scale, "ROOT", tmp_path)
    assert scale.project_bytecode() is False
    for source in [tmp_path / "bot.py", *tmp_path.rglob("*/*.py")]:
        py_compile.compile(str(source), doraise=True)
    assert scale.project_bytecode() is True
    (tmp_path / "nlp" / "b.py").write_text("X = 22\n", encoding="utf-8")       # edited since
    assert scale.project_bytecode() is False


def test_one_percentile_definition_nearest_rank():
    from benchmarks.stats import percentile, percentiles

    assert percentile([3.0], 95) == 3.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.0          # ceil(0.5 * 4) = 2nd, not 2.5
    assert percentile([float(v) for v in range(1, 21)], 95) == 19.0
    assert percentile([10.0, 1.0, 5.0], 100) == 10.0            # an observed value, order ignored
    assert percentiles([]) == {}
    assert percentiles([1.234, 2.0], (50,), digits=2, count_and_max=False) == {"p50": 1.23}
    with pytest.raises(ValueError):
        percentile([], 50)


def test_repeated_turn_runs_report_each_turns_least_cpu(monkeypatch):
    # `python -m benchmarks.turns --runs N`: N processes; each turn measured by its quickest run
    import json
    import subprocess
    from types import SimpleNamespace

    from benchmarks import turns

    runs = iter([[5.0, 40.0, 3.0], [7.0, 20.0, 2.0], [6.0, 30.0, 9.0]])

    def run(command, **_kw):
        assert "--no-triage" in command
        each = next(runs)
        return SimpleNamespace(stdout=json.dumps({"turn_cpu_ms_each": each, "turn_cpu_ms": {"p95": max(each)},
                                                  "gc_cpu_ms": 1.0, "host_loop_s": {"before": 0.1, "after": 0.1},
                                                  "peak_rss_mb": 100.0}))

    monkeypatch.setattr(subprocess, "run", run)
    result = turns.repeated("t.db", 3)
    assert result["run_turn_cpu_p95"] == [40.0, 20.0, 30.0]
    assert result["least_turn_cpu_ms"]["sum"] == 5.0 + 20.0 + 2.0 and result["least_turn_cpu_ms"]["max"] == 20.0


def test_a_turn_measurement_reports_the_collectors_cpu_and_the_hosts_speed():
    import gc

    from benchmarks.turns import _GcClock, python_loop_s

    with _GcClock() as clock:
        gc.collect()
    assert clock.ms > 0 and clock._tick not in gc.callbacks
    assert python_loop_s(300_000) > 0
