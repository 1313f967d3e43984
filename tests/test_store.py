"""The trial store: the bundled trials build themselves, rebuild only when the data files
change, never duplicate, never touch imported trials, and write all or nothing."""
from __future__ import annotations

import copy
import os
import shutil
import sqlite3

import pytest

from data.errors import DataError
from data.store import (
    all_trial_records, bundled_hash, get_trial, list_trials, open_store, sync_bundled, trial_origin,
    upsert_trials,
)
from data.terminology import TERMINOLOGY_DIR
from data.trials import TRIALS_DIR, iter_criteria, load_trials, validate_record

TABLES = ("trials", "criteria", "sites", "contacts", "trial_conditions")


def _snapshot(db, surrogate: bool = True) -> dict[str, list[tuple]]:
    """Every row of the trial tables; without surrogate keys and timestamps when asked."""
    out = {}
    for table in TABLES:
        columns = [c.name for c in db[table].columns]
        if not surrogate:
            columns = [c for c in columns if c not in ("id", "site_id", "updated_at")] if table in ("sites", "contacts") \
                else [c for c in columns if c != "updated_at"]
        out[table] = sorted(db.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall(), key=repr)
    return out


def _meta_hash(db) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key = 'bundled_hash'").fetchone()
    return row[0] if row else None


@pytest.fixture
def trials_copy(tmp_path):
    """A private copy of the bundled trial files that a test may change."""
    target = tmp_path / "trials"
    shutil.copytree(TRIALS_DIR, target)
    return target


def _imported_record() -> dict:
    return {
        "id": "NCT09999999", "nct_id": "NCT09999999", "sources": ["ctgov fixture.json"],
        "title": "An imported study", "status": "RECRUITING", "conditions": ["sle"],
        "sites": [{"facility": "Some hospital", "city": "Hangzhou", "country": "China",
                   "contacts": [{"name": "A. Doctor", "role": "site", "phone": "+86 571 0000 0000"}]}],
        "criteria": [{"id": "inc-1", "kind": "inclusion", "text": "Lupus",
                      "rule": {"type": "review", "reason": "other", "note": "not parsed"}}],
    }


def test_opening_a_fresh_database_file_loads_the_bundled_trials(db_path):
    db = open_store(db_path)
    assert [row["id"] for row in list_trials(db)] == ["NCT05030779", "NCT05239702", "NCT07193667", "local-cd7-cart-heme"]
    assert all(row["origin"] == "bundled" for row in list_trials(db))
    assert _meta_hash(db) == bundled_hash()
    assert oct(os.stat(db_path).st_mode & 0o777) == "0o600"


def test_stored_records_are_the_validated_records(trials_db):
    assert all_trial_records(trials_db) == sorted(load_trials(), key=lambda r: r["id"])


def test_syncing_twice_writes_nothing(fresh_db):
    assert sync_bundled(fresh_db) is True
    before, hash_before = _snapshot(fresh_db), _meta_hash(fresh_db)
    assert sync_bundled(fresh_db) is False
    assert _snapshot(fresh_db) == before
    assert _meta_hash(fresh_db) == hash_before
    assert fresh_db.execute("SELECT count(*) FROM trials WHERE nct_id = 'NCT05239702'").fetchone() == (1,)


def test_a_forced_rebuild_gives_the_same_rows_without_duplicates(fresh_db):
    sync_bundled(fresh_db)
    before = _snapshot(fresh_db, surrogate=False)
    fresh_db.execute("DELETE FROM meta WHERE key = 'bundled_hash'")
    assert sync_bundled(fresh_db) is True
    assert _snapshot(fresh_db, surrogate=False) == before


def test_a_changed_trial_file_triggers_a_rebuild(fresh_db, trials_copy):
    assert sync_bundled(fresh_db, trials_copy) is True
    first_hash = _meta_hash(fresh_db)
    path = trials_copy / "NCT05030779.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("status: UNKNOWN", "status: COMPLETED"), encoding="utf-8")
    assert sync_bundled(fresh_db, trials_copy) is True
    assert get_trial(fresh_db, "NCT05030779")["status"] == "COMPLETED"
    assert _meta_hash(fresh_db) != first_hash
    assert fresh_db.execute("SELECT count(*) FROM trials").fetchone() == (4,)
    assert sync_bundled(fresh_db, trials_copy) is False


def test_a_removed_trial_file_removes_the_trial_and_its_rows(fresh_db, trials_copy):
    sync_bundled(fresh_db, trials_copy)
    (trials_copy / "local-cd7-cart-heme.yaml").unlink()
    assert sync_bundled(fresh_db, trials_copy) is True
    assert get_trial(fresh_db, "local-cd7-cart-heme") is None
    for table in ("criteria", "contacts", "trial_conditions"):
        assert fresh_db.execute(f"SELECT count(*) FROM {table} WHERE trial_id = 'local-cd7-cart-heme'").fetchone() == (0,)


def test_a_terminology_change_triggers_a_rebuild(fresh_db, tmp_path):
    sync_bundled(fresh_db)
    terminology = tmp_path / "terminology"
    shutil.copytree(TERMINOLOGY_DIR, terminology)
    with open(terminology / "conditions.yaml", "a", encoding="utf-8") as handle:
        handle.write("# a curator's comment\n")
    assert sync_bundled(fresh_db, terminology_dir=terminology) is True
    assert sync_bundled(fresh_db, terminology_dir=terminology) is False


def test_an_invalid_bundled_file_leaves_the_database_as_it_was(fresh_db, trials_copy):
    sync_bundled(fresh_db, trials_copy)
    before, hash_before = _snapshot(fresh_db), _meta_hash(fresh_db)
    path = trials_copy / "NCT07193667.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("type: lab, analyte: wbc", "type: lab_value, analyte: wbc"),
                    encoding="utf-8")
    with pytest.raises(DataError, match=r"^NCT07193667.yaml: criterion inc-2.1: rule.all\[0\].type: unknown leaf type"):
        sync_bundled(fresh_db, trials_copy)
    assert _snapshot(fresh_db) == before and _meta_hash(fresh_db) == hash_before


def test_imported_trials_survive_a_bundled_rebuild(fresh_db, trials_copy):
    sync_bundled(fresh_db, trials_copy)
    assert upsert_trials(fresh_db, [_imported_record()], "import") == 1
    (trials_copy / "NCT05030779.yaml").unlink()
    assert sync_bundled(fresh_db, trials_copy) is True
    assert trial_origin(fresh_db, "NCT09999999") == "import"
    assert get_trial(fresh_db, "nct09999999")["title"] == "An imported study"
    assert fresh_db.execute("SELECT name, phone FROM contacts WHERE trial_id = 'NCT09999999'").fetchall() == [
        ("A. Doctor", "+86 571 0000 0000")]


def test_an_import_under_a_bundled_id_is_kept_by_rebuilds(fresh_db, trials_copy):
    sync_bundled(fresh_db, trials_copy)
    imported = dict(_imported_record(), id="NCT05030779", nct_id="NCT05030779")
    upsert_trials(fresh_db, [imported], "import")
    path = trials_copy / "NCT05030779.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# touched\n", encoding="utf-8")
    assert sync_bundled(fresh_db, trials_copy) is True
    assert trial_origin(fresh_db, "NCT05030779") == "import"
    assert get_trial(fresh_db, "NCT05030779")["title"] == "An imported study"
    assert fresh_db.execute("SELECT count(*) FROM trials WHERE id = 'NCT05030779'").fetchone() == (1,)


def test_upserting_again_replaces_the_rows(fresh_db):
    record = _imported_record()
    upsert_trials(fresh_db, [record], "import")
    record = copy.deepcopy(record)
    record["sites"][0]["city"] = "Shenyang"
    upsert_trials(fresh_db, [record], "import")
    assert fresh_db.execute("SELECT city FROM sites WHERE trial_id = 'NCT09999999'").fetchall() == [("Shenyang",)]
    assert fresh_db.execute("SELECT count(*) FROM contacts WHERE trial_id = 'NCT09999999'").fetchone() == (1,)


def test_an_invalid_record_in_a_batch_writes_nothing(fresh_db):
    bad = dict(_imported_record(), id="NCT08888888", nct_id="NCT08888888", phasee="NA")
    with pytest.raises(DataError, match=r"^import record 2 \(NCT08888888\): phasee: unknown field"):
        upsert_trials(fresh_db, [_imported_record(), bad], "import")
    assert fresh_db.execute("SELECT count(*) FROM trials").fetchone() == (0,)


def test_a_failure_half_way_through_a_batch_rolls_back(fresh_db):
    first = validate_record(_imported_record(), "first")
    second = validate_record(dict(_imported_record(), id="NCT08888888", nct_id="NCT08888888"), "second")
    second["criteria"].append(dict(second["criteria"][0]))   # the same criterion id twice
    with pytest.raises(sqlite3.IntegrityError):
        upsert_trials(fresh_db, [first, second], "import", validate=False)
    for table in TABLES:
        assert fresh_db.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)


def test_get_trial_accepts_an_id_or_nct_number_in_any_case(trials_db):
    assert get_trial(trials_db, "nct07193667")["id"] == "NCT07193667"
    assert get_trial(trials_db, " LOCAL-CD7-CART-HEME ")["nct_id"] is None
    assert get_trial(trials_db, "NCT00000000") is None


def test_list_trials_counts_criteria_and_shows_unknown_nct_as_null(trials_db):
    rows = {row["id"]: row for row in list_trials(trials_db)}
    assert rows["local-cd7-cart-heme"]["nct_id"] is None
    assert (rows["NCT05030779"]["inclusion"], rows["NCT05030779"]["exclusion"]) == (6, 11)
    assert rows["NCT07193667"]["conditions"] == ["sle", "diffuse_systemic_sclerosis", "inflammatory_myopathy", "itp"]


def test_criteria_rows_keep_page_order_and_nesting(trials_db):
    rows = trials_db.execute(
        "SELECT id, parent, kind FROM criteria WHERE trial_id = 'NCT07193667' ORDER BY position").fetchall()
    record = get_trial(trials_db, "NCT07193667")
    assert rows == [(c["id"], parent, c["kind"]) for c, parent, _ in iter_criteria(record["criteria"])]
    assert ("inc-5.2.4.1", "inc-5.2.4", "inclusion") in rows


def test_the_condition_index_holds_descendants_and_ancestors(trials_db):
    concepts = {row[0] for row in trials_db.execute(
        "SELECT concept FROM trial_conditions WHERE trial_id = 'NCT07193667'")}
    assert {"inflammatory_myopathy", "dermatomyositis", "polymyositis", "diffuse_systemic_sclerosis",
            "systemic_sclerosis", "autoimmune_disease", "itp", "sle"} <= concepts
    assert "crohns_disease" not in concepts
    heme = {row[0] for row in trials_db.execute(
        "SELECT concept FROM trial_conditions WHERE trial_id = 'local-cd7-cart-heme'")}
    assert {"hematologic_malignancy", "t_all", "etp_all", "aml", "malignancy"} <= heme


def test_trial_level_contacts_have_no_site_and_unknown_phone(trials_db):
    assert trials_db.execute(
        "SELECT name, site_id, phone, email FROM contacts WHERE trial_id = 'local-cd7-cart-heme' ORDER BY id").fetchall() == [
        ("Yun Kang", None, None, None), ("Mei Heng, M.D., Ph.D", None, None, None)]


def test_upsert_refuses_an_unknown_origin(fresh_db):
    with pytest.raises(ValueError, match="origin must be one of"):
        upsert_trials(fresh_db, [_imported_record()], "web")
