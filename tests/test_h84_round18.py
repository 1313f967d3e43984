"""Round 18, h84 (issue #15, import speed): the studies of an import or a sync read by
worker processes (registry/workers.py), with everything stored the same as one process
reading them in order; errors raised at their place, naming the study and the field."""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import sys
from pathlib import Path

import pytest

from bot.cli import main
from data.errors import DataError
from registry import workers as workers_module
from registry.run import read_files
from registry.workers import Readers, default_workers, peek

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fake_ctgov import SHARED_CTGOV, FakeCtgov, shared_studies  # noqa: E402

needs_fork = pytest.mark.skipif(not workers_module.can_fork(), reason="no fork on this platform")

# a sample of the real records (every 20th of the 241 in NCT order, and two whose sites
# re-import in another order)
SAMPLE = ["NCT00003454", "NCT00739908", "NCT03788213", "NCT04890327", "NCT05317416", "NCT05381623",
          "NCT05514054", "NCT04613596", "NCT01929941"]


def _sample_files() -> list[Path]:
    files = [SHARED_CTGOV / f"{name}.json" for name in SAMPLE]
    files = [f for f in files if f.exists()]
    if len(files) < 6:
        pytest.skip(f"the shared ClinicalTrials.gov study JSON is not at {SHARED_CTGOV}")
    return files


# --- the pool: order, errors -------------------------------------------------------------


def _square(n: int, parse) -> int:
    return n * n + parse(n)


def _fails_on(n: int, bad: int, parse) -> int:
    if n == bad:
        raise DataError(f"study {n}: protocolSection.eligibilityModule.sex", "'X' is not one of ALL, FEMALE, MALE")
    return n


def _dies_on(n: int, bad: int, parse) -> int:
    if n == bad:
        os._exit(3)          # a worker killed in the middle of a study (out of memory)
    return n


def _plus_one(n: int) -> int:
    return n + 1


@needs_fork
def test_results_come_back_in_the_jobs_order_with_the_runs_reader():
    jobs = [(_square, (n,)) for n in range(40)]
    with Readers(_plus_one, 2) as readers:
        assert readers.workers == 2
        got = list(readers.map(jobs))
    assert got == [n * n + n + 1 for n in range(40)]
    with Readers(_plus_one, 1) as readers:
        assert list(readers.map(jobs)) == got


@needs_fork
def test_the_first_failing_job_in_order_raises_its_own_error():
    jobs = [(_fails_on, (n, 7)) for n in range(12)] + [(_fails_on, (n, 3)) for n in range(12, 20)]
    seen = []
    with pytest.raises(DataError) as raised:
        with Readers(_plus_one, 2) as readers:
            for value in readers.map(jobs):
                seen.append(value)
    assert seen == list(range(7))
    assert raised.value.where == "study 7: protocolSection.eligibilityModule.sex"


@needs_fork
def test_a_worker_that_dies_ends_the_run_with_an_error_not_a_wait():
    jobs = [(_dies_on, (n, 4)) for n in range(10)]
    with pytest.raises(DataError, match="worker process ended unexpectedly"):
        with Readers(_plus_one, 2) as readers:
            list(readers.map(jobs))


def _jobs_then_a_bad_file(good: int):
    for n in range(good):
        yield _fails_on, (n, -1)
    raise DataError("missing.json", "no such file")


@needs_fork
@pytest.mark.parametrize("workers", [1, 2])
def test_a_file_that_cannot_be_read_raises_after_the_studies_before_it(workers):
    seen = []
    with pytest.raises(DataError, match="missing.json: no such file"):
        with Readers(_plus_one, workers) as readers:
            for value in readers.map(_jobs_then_a_bad_file(5)):
                seen.append(value)
    assert seen == [0, 1, 2, 3, 4]
    # and a study before the bad file that fails itself is the one raised
    jobs = itertools_chain([(_fails_on, (0, 0))], _jobs_then_a_bad_file(0))
    with pytest.raises(DataError, match="study 0"):
        with Readers(_plus_one, workers) as readers:
            list(readers.map(jobs))


def itertools_chain(*parts):
    for part in parts:
        yield from part


def test_peek_keeps_every_job_and_defers_a_failure():
    head, rest = peek(iter(range(5)), 2)
    assert head == [0, 1] and list(rest) == [0, 1, 2, 3, 4]
    head, rest = peek(iter([7]), 2)
    assert head == [7] and list(rest) == [7]
    head, rest = peek(_jobs_then_a_bad_file(1), 2)
    assert len(head) == 1
    assert next(rest) == head[0]
    with pytest.raises(DataError):
        next(rest)


def test_one_worker_or_no_fork_reads_in_this_process(monkeypatch):
    assert Readers(_plus_one, 1).workers == 1
    monkeypatch.setattr(workers_module, "can_fork", lambda: False)
    readers = Readers(_plus_one, 4)
    assert readers.workers == 1
    assert list(readers.map([(_square, (3,))])) == [13]
    assert default_workers() >= 1


# --- the importer: the same records and the same store -----------------------------------


def _digest(records: list[dict]) -> str:
    return hashlib.md5(json.dumps(records, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@needs_fork
def test_read_files_gives_the_same_records_in_the_same_order_with_two_workers():
    files = _sample_files()
    one = read_files(files, workers=1)
    two = read_files(files, workers=2)
    assert [r["nct_id"] for r in two] == [r["nct_id"] for r in one]
    assert _digest(two) == _digest(one)


def _store(path: Path) -> dict[str, list[str]]:
    conn = sqlite3.connect(path)
    try:
        tables = [name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE '%fts%' ORDER BY name")]
        stored = {}
        for table in tables:
            cursor = conn.execute(f"SELECT * FROM '{table}'")
            clock = [i for i, column in enumerate(cursor.description) if column[0].endswith("_at")]
            stored[table] = [repr(tuple(None if i in clock else value for i, value in enumerate(row)))
                             for row in cursor]       # (times of writing blanked)
        return stored
    finally:
        conn.close()


@needs_fork
def test_an_import_stores_byte_identical_plans_with_one_and_two_workers(tmp_path, monkeypatch, capsys):
    files = [str(f) for f in _sample_files()]
    stores = {}
    for workers in ("1", "2"):
        db = tmp_path / f"w{workers}.db"
        monkeypatch.setenv("TRIALBOT_DB", str(db))
        assert main(["import", "--workers", workers, *files]) == 0
        out = capsys.readouterr().out
        assert f"{len(files)} trial(s) imported" in out
        stores[workers] = _store(db)
    assert stores["1"]["rule_nodes"], "the import stored no plan"
    for table in stores["1"]:
        if table == "meta":
            continue
        assert stores["2"][table] == stores["1"][table], table


@needs_fork
def test_a_bad_study_among_many_stops_the_import_naming_study_and_field(tmp_path, monkeypatch, capsys):
    files = _sample_files()
    bad = tmp_path / "NCT09999999.json"
    study = json.loads(files[1].read_text(encoding="utf-8"))
    study["protocolSection"]["eligibilityModule"]["sex"] = "SOMETIMES"
    bad.write_text(json.dumps(study), encoding="utf-8")
    db = tmp_path / "bad.db"
    monkeypatch.setenv("TRIALBOT_DB", str(db))
    argv = [str(files[0]), str(bad), *map(str, files[2:])]
    code = {}
    errors = {}
    for workers in ("1", "2"):
        code[workers] = main(["import", "--workers", workers, *argv])
        errors[workers] = capsys.readouterr().err
    assert code == {"1": 1, "2": 1}
    assert errors["2"] == errors["1"]
    assert "NCT09999999.json" in errors["2"] and "eligibilityModule.sex" in errors["2"]
    assert "nothing imported" in errors["2"]
    if db.exists():
        conn = sqlite3.connect(db)
        try:
            assert conn.execute("SELECT count(*) FROM trials WHERE origin = 'import'").fetchone()[0] == 0
        finally:
            conn.close()


def test_workers_must_be_a_positive_number(capsys):
    for value in ("0", "two"):
        with pytest.raises(SystemExit):
            main(["import", "--workers", value, "x.json"])
        assert "--workers" in capsys.readouterr().err


# --- sync: each page's studies read by the workers ---------------------------------------


@needs_fork
def test_sync_stores_the_same_trials_with_one_and_two_workers(tmp_path, monkeypatch, capsys):
    names = SAMPLE[:6]
    studies = shared_studies(names=names)
    if len(studies) != len(names):
        pytest.skip(f"the shared ClinicalTrials.gov study JSON is not at {SHARED_CTGOV}")
    import bot.commands.sync as sync_command
    monkeypatch.setattr(sync_command, "sleep", lambda seconds: None)
    stores = {}
    with FakeCtgov(studies) as api:
        monkeypatch.setenv("TRIALBOT_CTGOV_URL", api.base_url)
        for workers in ("1", "2"):
            db = tmp_path / f"s{workers}.db"
            monkeypatch.setenv("TRIALBOT_DB", str(db))
            code = main(["sync", "--page-size", "4", "--status", "any", "--workers", workers, "--json"])
            assert code == 0, capsys.readouterr().err
            capsys.readouterr()
            stores[workers] = _store(db)
    for table in ("trials", "criteria", "rule_nodes", "sites", "contacts", "trial_conditions"):
        assert stores["2"][table] == stores["1"][table], table


@needs_fork
def test_reparse_writes_the_same_records_with_one_and_two_workers(tmp_path, monkeypatch, capsys):
    files = [str(f) for f in _sample_files()[:4]]
    first = tmp_path / "first.db"
    monkeypatch.setenv("TRIALBOT_DB", str(first))
    assert main(["import", "--workers", "1", *files]) == 0
    conn = sqlite3.connect(first)       # an older reader's records: every one is read again and written
    try:
        conn.execute("UPDATE trials SET record = json_set(record, '$.criteria_reader', 'old') WHERE origin = 'import'")
        conn.commit()
    finally:
        conn.close()
    capsys.readouterr()
    outputs, stores = {}, {}
    for workers in ("1", "2"):
        db = tmp_path / f"reparse{workers}.db"
        source, copy = sqlite3.connect(first), sqlite3.connect(db)
        try:
            source.backup(copy)         # (the WAL's pages too)
        finally:
            source.close()
            copy.close()
        monkeypatch.setenv("TRIALBOT_DB", str(db))
        assert main(["import", "--reparse", "--json", "--workers", workers]) == 0
        outputs[workers] = json.loads(capsys.readouterr().out)
        stores[workers] = _store(db)
    assert len(outputs["1"]["reread"]) == len(files)
    assert outputs["2"] == outputs["1"]
    for table in ("trials", "criteria", "rule_nodes", "trial_limits", "trial_conditions"):
        assert stores["2"][table] == stores["1"][table], table


def test_one_study_is_read_without_forking(monkeypatch):
    def no_pool(*args, **kwargs):
        raise AssertionError("a pool was started for one study")

    monkeypatch.setattr(workers_module, "ProcessPoolExecutor", no_pool)
    study = Path(__file__).parent / "data" / "ctgov" / "single_study.json"
    (record,) = read_files([study], workers=2)
    assert record["nct_id"]
