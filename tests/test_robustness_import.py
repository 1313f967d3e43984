"""``python bot.py import`` on malformed files: whatever a file holds (invalid JSON, a wrong
schema, deep nesting, huge strings, odd numbers, binary data, text in another encoding),
the command either imports it or prints one line naming the file and the problem and
imports nothing at all, not even the good files of the same run. (Complements
test_cli_import.py and the record-level fuzzing of test_import_ctgov.py.)"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from bot.cli import main

CTGOV = Path(__file__).parent / "data" / "ctgov"
TABLES = ("trials", "criteria", "sites", "contacts", "trial_conditions", "meta")


@pytest.fixture
def db(tmp_path, monkeypatch, capsys) -> Path:
    path = tmp_path / "bot.db"
    monkeypatch.setenv("TRIALBOT_DB", str(path))
    assert main(["trials"]) == 0                      # a database holding the bundled trials
    capsys.readouterr()
    return path


def snapshot(path: Path) -> dict[str, list[str]]:
    conn = sqlite3.connect(path)
    try:
        return {t: sorted(map(repr, conn.execute(f"SELECT * FROM {t}").fetchall())) for t in TABLES}
    finally:
        conn.close()


def refused(capsys, *files: Path | str) -> str:
    code = main(["import", str(CTGOV / "single_study.json"), *map(str, files)])   # a good file first
    out, err = capsys.readouterr()
    assert code == 1 and out == "", (out, err)
    assert err.startswith("trialbot: error: ") and err.count("\n") == 1 and "Traceback" not in err
    assert "nothing imported" in err
    return err


STUDY = {"protocolSection": {"identificationModule": {"nctId": "NCT09912345", "briefTitle": "A study"}}}
CASES = {
    "nan.json": '{"protocolSection": {"identificationModule": {"nctId": "NCT09912345", "briefTitle": "t"},'
                ' "designModule": {"enrollmentInfo": {"count": NaN}}}}',
    "infinity.json": '{"protocolSection": {"identificationModule": {"nctId": "NCT09912345", "briefTitle": "t"},'
                     ' "contactsLocationsModule": {"locations": [{"facility": "X", "geoPoint": {"lat": 1e999}}]}}}',
    "scalar.json": "42",
    "string.json": '"protocolSection"',
    "nulls.json": '{"studies": [null]}',
    "list_of_junk.json": '[1, "two", [3]]',
    "nested_studies.json": '{"studies": [' * 40 + "]}" * 40,
    "nul_in_title.json": json.dumps({"protocolSection": {"identificationModule": {"nctId": "NCT09912345",
                                                                                  "briefTitle": "a\u0000b"}}}),
    "bom_then_garbage.json": "\ufeff{not json",
    "wrong_types.json": json.dumps({"protocolSection": {"identificationModule": {"nctId": ["NCT09912345"]}}}),
    "huge_title.json": json.dumps({"protocolSection": {"identificationModule": {"nctId": "NCT09912345",
                                                                                "briefTitle": "x" * 2_000_000}}}),
    "empty.txt": "",
    "garbage_page.txt": "\u202e😀 これはページではありません " * 200,
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_malformed_file_is_named_and_nothing_is_imported(db, tmp_path, capsys, name):
    path = tmp_path / name
    path.write_text(CASES[name], encoding="utf-8")
    before = snapshot(db)
    err = refused(capsys, path)
    assert name in err
    assert snapshot(db) == before


@pytest.mark.parametrize("make", [
    lambda t: t,                                                         # a directory
    lambda t: t / "nowhere.json",                                        # missing
    lambda t: (t / "utf16.json").write_text(json.dumps(STUDY), encoding="utf-16") and t / "utf16.json",
    lambda t: (t / "latin1.txt").write_bytes("Critères d'inclusion: lupus érythémateux".encode("latin-1"))
    and t / "latin1.txt",
    lambda t: (t / "png.json").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256))) and t / "png.json",
])
def test_files_that_are_not_text_or_not_there_are_named(db, tmp_path, capsys, make):
    before = snapshot(db)
    path = make(tmp_path)
    err = refused(capsys, path)
    assert Path(path).name in err
    assert snapshot(db) == before


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["protocolSection", "studies", "identificationModule", "nctId", "briefTitle",
                         "eligibilityModule", "eligibilityCriteria", "conditionsModule", "conditions",
                         "contactsLocationsModule", "locations", "x"]) | st.text(max_size=5), children, max_size=4),
    max_leaves=25,
)


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(document=JSON, suffix=st.sampled_from([".json", ".txt"]))
def test_any_json_document_is_imported_or_refused_in_one_line(db, tmp_path, capsys, document, suffix):
    path = tmp_path / f"fuzz{suffix}"
    path.write_text(json.dumps(document, allow_nan=True), encoding="utf-8")
    code = main(["import", "--dry-run", str(path)])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "internal error" not in err, err
    if code != 0:
        assert code == 1 and err.startswith("trialbot: error: ") and err.count("\n") == 1 and path.name in err


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(content=st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_any_bytes_are_imported_or_refused_in_one_line(db, tmp_path, capsys, content):
    path = tmp_path / "fuzz.bin"
    path.write_bytes(content)
    code = main(["import", "--dry-run", str(path)])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "internal error" not in err, err
    if code != 0:
        assert err.startswith("trialbot: error: ") and err.count("\n") == 1 and path.name in err


def test_an_import_into_a_full_database_is_a_clear_error_and_nothing_is_imported(db, capsys, monkeypatch):
    import registry.run as run

    before = snapshot(db)
    real_apply = run.apply

    def apply_on_a_full_disk(connection, outcomes):
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages}")
        return real_apply(connection, outcomes)

    monkeypatch.setattr(run, "apply", apply_on_a_full_disk)
    code = main(["import", *sorted(str(p) for p in (Path(__file__).parent / "data" / "seeds").glob("*.txt")),
                 str(CTGOV / "bundle.json")])
    out, err = capsys.readouterr()
    assert code == 1 and err.count("\n") == 1 and "disk is full" in err and "nothing imported" in err
    assert snapshot(db) == before
