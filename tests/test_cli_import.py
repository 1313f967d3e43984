"""``python bot.py import FILE...`` through ``bot.cli.main``, on a temporary database:
one line per resulting trial, merging across files and into the store, dry runs, and
all-or-nothing failure on bad input."""
import json
import sqlite3
from pathlib import Path

import pytest

from bot.cli import main
from data.store import connect, get_trial, list_trials

HERE = Path(__file__).parent
SEEDS = sorted(str(p) for p in (HERE / "data" / "seeds").glob("*.txt"))
CTGOV = HERE / "data" / "ctgov"


@pytest.fixture
def db_path(tmp_path, monkeypatch):
    path = tmp_path / "trialbot.db"
    monkeypatch.setenv("TRIALBOT_DB", str(path))
    return path


def _rows(path):
    return [(r["id"], r["origin"]) for r in list_trials(connect(path))]


def _snapshot(path):
    """Every row of the trial tables, to prove a failed run changed nothing."""
    conn = sqlite3.connect(path)
    try:
        return {t: sorted(map(repr, conn.execute(f"SELECT * FROM {t}").fetchall()))
                for t in ("trials", "criteria", "sites", "contacts", "trial_conditions")}
    finally:
        conn.close()


def _run(capsys, *argv):
    code = main(["import", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_import_json_prints_one_line_per_trial(db_path, capsys):
    code, out, err = _run(capsys, str(CTGOV / "single_study.json"), str(CTGOV / "bundle.json"))
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "NCT09900001  NCT09900001  CD19 CAR-T Cells in Refractory Systemic Lupus Erythematosus  new"
    assert lines[1].startswith("NCT09900002  NCT09900002  CD7 CAR-T Cells for Relapsed") and lines[1].endswith("  new")
    assert lines[2].startswith("NCT09900003  ") and lines[2].endswith("  new")
    stored = get_trial(connect(db_path), "NCT09900001")
    assert stored["sources"] == ["ctgov single_study.json"]
    assert ("NCT09900001", "import") in _rows(db_path)


def test_seed_pages_merge_into_the_bundled_trials(db_path, capsys):
    code, out, err = _run(capsys, *SEEDS)
    assert code == 0, err
    lines = out.splitlines()[:4]
    assert [line.split("  ")[0] for line in lines] == ["NCT05239702", "local-cd7-cart-heme", "NCT05030779", "NCT07193667"]
    assert all(line.endswith("  merged") for line in lines)
    assert "local-cd7-cart-heme  unknown  " in out            # no NCT number shown: unknown, not invented
    rows = _rows(db_path)
    assert len(rows) == 4 and all(origin == "bundled" for _, origin in rows)
    assert [r for r, _ in rows].count("NCT05239702") == 1
    merged = get_trial(connect(db_path), "NCT05239702")
    assert "page 000_3ee26ca7e77bbaeb.txt" in merged["sources"] and "page 001_f641ecdbc2fec890.txt" in merged["sources"]


def test_reimport_is_idempotent(db_path, capsys):
    _run(capsys, *SEEDS, str(CTGOV / "single_study.json"))
    before = _snapshot(db_path)
    code, out, _ = _run(capsys, *SEEDS, str(CTGOV / "single_study.json"))
    assert code == 0
    assert all(line.endswith("  unchanged") for line in out.splitlines()[:5])
    assert _snapshot(db_path) == before                         # nothing rewritten


def test_pages_merge_across_files_of_one_run_without_a_bundled_copy(db_path, capsys, tmp_path, monkeypatch):
    # a store without curated trials: 000 + 001 become one new trial, its NCT number unknown
    empty = tmp_path / "no-bundled-trials"
    empty.mkdir()
    monkeypatch.setattr("data.trials.TRIALS_DIR", empty)
    code, out, _ = _run(capsys, *SEEDS)
    lines = out.splitlines()[:4]
    assert code == 0 and len(_rows(db_path)) == 4
    assert lines[0].startswith("local-") and "  unknown  " in lines[0] and lines[0].endswith("new (merged 2 sources)")
    assert [line.split("  ")[1] for line in lines] == ["unknown", "unknown", "NCT05030779", "NCT07193667"]


def test_the_same_nct_twice_is_one_trial_and_a_changed_file_updates_it(db_path, capsys, tmp_path):
    study = json.loads((CTGOV / "single_study.json").read_text())
    copy_path = tmp_path / "copy.json"
    copy_path.write_text(json.dumps(study))
    code, out, _ = _run(capsys, str(CTGOV / "single_study.json"), str(copy_path))
    assert code == 0 and out.splitlines()[0].endswith("  new (merged 2 sources)")
    assert [r for r, _ in _rows(db_path)].count("NCT09900001") == 1
    study["protocolSection"]["statusModule"]["overallStatus"] = "COMPLETED"
    copy_path.write_text(json.dumps(study))
    code, out, _ = _run(capsys, str(copy_path))
    assert code == 0 and out.splitlines()[0].endswith("  updated")
    assert get_trial(connect(db_path), "NCT09900001")["status"] == "COMPLETED"


def test_duplicate_of_a_bundled_trial_fills_gaps_only(db_path, capsys):
    code, out, _ = _run(capsys, str(CTGOV / "duplicate_of_bundled.json"))
    assert code == 0 and out.splitlines()[0].startswith("NCT05030779  NCT05030779  ") and "merged" in out
    stored = get_trial(connect(db_path), "NCT05030779")
    assert stored["status"] == "UNKNOWN"                       # curated, not the fixture's RECRUITING
    assert stored["acronym"] == "FIXTURE-ACRONYM"              # a gap the import filled
    assert not any("FIXTURE" in c["text"] for c in stored["criteria"])
    assert _rows(db_path).count(("NCT05030779", "bundled")) == 1


def test_dry_run_json_prints_records_and_writes_nothing(db_path, capsys):
    code, out, _ = _run(capsys, str(CTGOV / "single_study.json"), "--dry-run", "--json")
    assert code == 0
    payload = json.loads(out)
    assert [(p["id"], p["action"]) for p in payload] == [("NCT09900001", "new")]
    assert payload[0]["record"]["criteria"][0]["text"] == "Diagnosis of systemic lupus erythematosus for at least 6 months."
    assert not db_path.exists()                                 # a dry run creates no database
    main(["trials"])                                            # now the database exists
    capsys.readouterr()
    before = _snapshot(db_path)
    code, out, _ = _run(capsys, *SEEDS, "--dry-run")
    assert code == 0 and "dry run, nothing written" in out
    assert _snapshot(db_path) == before


def _deep(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 5000 + "]" * 5000)
    return path


def _huge(tmp_path):
    path = tmp_path / "huge.json"
    study = {"protocolSection": {"identificationModule": {"nctId": "NCT09900030", "briefTitle": "x" * 300_000}}}
    path.write_text(json.dumps(study))
    return path


def _binary(tmp_path):
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    return path


@pytest.mark.parametrize("make, file_name, problem", [
    (lambda t: CTGOV / "malformed_syntax.json", "malformed_syntax.json", "not valid JSON"),
    (lambda t: CTGOV / "malformed_schema.json", "malformed_schema.json", "expected text, got a list"),
    (lambda t: CTGOV / "not_a_study.json", "not_a_study.json", "not a ClinicalTrials.gov API v2 study"),
    (_binary, "photo.txt", "binary"),
    (lambda t: t / "missing.json", "missing.json", "no such file"),
    (_deep, "deep.json", "nested too deeply"),
    (_huge, "huge.json", "longer than the"),
])
def test_bad_input_imports_nothing(db_path, capsys, tmp_path, make, file_name, problem):
    main(["trials"])                                            # a database with the bundled trials
    capsys.readouterr()
    before = _snapshot(db_path)
    # a good file first: it must not be imported either
    code, out, err = _run(capsys, str(CTGOV / "single_study.json"), *SEEDS, str(make(tmp_path)))
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert err.startswith("trialbot: error: ") and file_name in err and problem in err and "nothing imported" in err
    assert _snapshot(db_path) == before


def test_import_help_ends_with_an_example(capsys):
    with pytest.raises(SystemExit):
        main(["import", "--help"])
    out = capsys.readouterr().out
    assert "Example:" in out and "python bot.py import" in out
