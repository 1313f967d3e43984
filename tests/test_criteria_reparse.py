"""The criteria reader's version on imported trials (issue #15): a changed reader reads the
stored criteria again at ``sync`` and with ``import --reparse``; curated trials stay as
the curator wrote them."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import bot.commands.sync as sync_command
import registry.reader_version as reader_version_module
from bot.cli import main
from data.store import connect, get_trial, list_trials
from registry.criteria_text import walk
from registry.reader_version import reader_files, reader_version
from registry.reparse import reparse, stale

CTGOV = Path(__file__).parent / "data" / "ctgov"


@pytest.fixture
def db_path(tmp_path, monkeypatch):
    path = tmp_path / "trialbot.db"
    monkeypatch.setenv("TRIALBOT_DB", str(path))
    return path


def _import(capsys, *argv) -> tuple[int, str, str]:
    code = main(["import", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _imported_ids(db) -> list[str]:
    return [r["id"] for r in list_trials(db) if r["origin"] == "import"]


def _spoil(db, trial_id: str, stamp: str | None) -> dict:
    """The stored record as an older reader would have left it: every rule a review and
    another stamp; returns the record as it was."""
    record = get_trial(db, trial_id)
    spoiled = json.loads(json.dumps(record))
    for criterion in walk(spoiled["criteria"]):
        if "rule" in criterion and criterion.get("verbatim") is not False:
            criterion["rule"] = {"type": "review", "reason": "other"}
    spoiled["criteria_reader"] = stamp
    with db.conn:
        db.execute("UPDATE trials SET record = ? WHERE id = ?", [json.dumps(spoiled), trial_id])
    return record


def test_the_version_is_a_digest_of_the_readers_files():
    files = {p.as_posix() for p in reader_files()}
    assert any(f.endswith("nlp/criteria/parser.py") for f in files)
    assert any(f.endswith("data/nlp/criteria_cues.yaml") for f in files)
    assert any(f.endswith("data/terminology/therapies.yaml") for f in files)
    version = reader_version()
    assert len(version) == reader_version_module.LENGTH and int(version, 16) >= 0
    assert reader_version() == version          # computed once, the same


def test_an_import_stamps_the_reader_version(db_path, capsys):
    code, _, err = _import(capsys, str(CTGOV / "single_study.json"))
    assert code == 0, err
    db = connect(db_path)
    trial_id = _imported_ids(db)[0]
    assert get_trial(db, trial_id)["criteria_reader"] == reader_version()
    assert stale(db) == []


def test_reparse_reads_again_what_an_older_reader_wrote_and_only_that(db_path, capsys):
    assert _import(capsys, str(CTGOV / "bundle.json"))[0] == 0
    db = connect(db_path)
    ids = _imported_ids(db)
    assert len(ids) >= 2
    bundled = {r["id"]: get_trial(db, r["id"]) for r in list_trials(db) if r["origin"] == "bundled"}
    old, current = ids[0], ids[1]
    original = _spoil(db, old, "0ld0ld0ld0ld")
    _spoil(db, current, reader_version())        # the current reader's stamp: left alone
    assert [r["id"] for r in stale(db)] == [old]
    assert reparse(db) == [old]
    assert get_trial(db, old) == original        # the rules as a fresh import reads them
    assert all(c.get("rule") == {"type": "review", "reason": "other"}
               for c in walk(get_trial(db, current)["criteria"]) if "rule" in c and c.get("verbatim") is not False)
    assert {i: get_trial(db, i) for i in bundled} == bundled   # curated trials untouched
    assert reparse(db) == []                     # nothing stale any more


def test_a_record_imported_before_the_stamp_is_read_again(db_path, capsys):
    assert _import(capsys, str(CTGOV / "single_study.json"))[0] == 0
    db = connect(db_path)
    trial_id = _imported_ids(db)[0]
    original = _spoil(db, trial_id, None)
    assert reparse(db) == [trial_id]
    assert get_trial(db, trial_id) == original


def test_import_reparse_reads_every_imported_trial_again(db_path, capsys):
    assert _import(capsys, str(CTGOV / "single_study.json"))[0] == 0
    db = connect(db_path)
    trial_id = _imported_ids(db)[0]
    original = _spoil(db, trial_id, reader_version())   # even with the current stamp
    code, out, err = _import(capsys, "--reparse", "--dry-run")
    assert code == 0 and "1 imported trial(s) would be read again" in out
    assert get_trial(connect(db_path), trial_id) != original
    code, out, err = _import(capsys, "--reparse", "--json")
    assert code == 0, err
    assert json.loads(out) == {"reread": [trial_id]}
    assert get_trial(connect(db_path), trial_id) == original


def test_import_without_files_or_reparse_is_a_one_line_error(db_path, capsys):
    code, out, err = _import(capsys)
    assert code == 2 and "--reparse" in err and "Traceback" not in err


def test_sync_reads_again_the_trials_an_older_reader_wrote(db_path, capsys, monkeypatch):
    from fake_ctgov import FakeCtgov, shared_studies

    studies = shared_studies(names=["NCT02139605"])
    if not studies:
        pytest.skip("the shared ClinicalTrials.gov study JSON is not beside the checkout")
    assert _import(capsys, str(CTGOV / "single_study.json"))[0] == 0
    db = connect(db_path)
    trial_id = _imported_ids(db)[0]
    original = _spoil(db, trial_id, "0ld0ld0ld0ld")
    monkeypatch.setattr(sync_command, "sleep", lambda _s: None)
    with FakeCtgov(studies) as fake:
        monkeypatch.setenv("TRIALBOT_CTGOV_URL", fake.base_url)
        code = main(["sync", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    summary = json.loads(out)
    assert summary["reread"] == [trial_id] and summary["counts"]["reread"] == 1
    assert get_trial(connect(db_path), trial_id) == original
