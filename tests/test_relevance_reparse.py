"""Stored imported trials get the condition concepts the current terminology gives their
registry names when their criteria are read again (issue #14, round 4): a terminology
change makes every imported record stale (``registry.reader_version``), and
``reread_record`` derives ``conditions`` again the way the importer does."""
from __future__ import annotations

import json

from data.store import get_trial, open_store, upsert_trials
from registry.reparse import reparse, rederive_conditions, reread_record

RECORD = {
    "id": "NCT09999991", "nct_id": "NCT09999991", "title": "Voice Quality After Laser Surgery for Larynx Cancer",
    "official_title": None, "conditions_text": ["Glottis Tumor", "Larynx Cancer"], "keywords": ["radiotherapy"],
    "condition_terms": ["Laryngeal Neoplasms"], "condition_ancestors": ["no_such_concept"], "conditions": [],
}


def test_conditions_are_derived_again_from_the_stored_names():
    found = rederive_conditions(RECORD)
    assert found["conditions"] == ["head_and_neck_cancer"]       # "Larynx Cancer": a name the terminology knows now
    assert found["condition_terms"] == ["Laryngeal Neoplasms"]
    assert found["condition_ancestors"] == []                      # a concept the terminology lost is dropped


def test_a_record_without_registry_names_keeps_its_conditions():
    assert rederive_conditions({"id": "x", "conditions": ["sle"], "conditions_text": []}) == {}


def test_reparse_writes_the_derived_conditions(tmp_path):
    from pathlib import Path

    from registry.ctgov import study_to_record

    study = json.loads((Path(__file__).parent / "data" / "ctgov" / "single_study.json").read_text())
    record = study_to_record(study, "single_study.json")
    assert record["conditions"]
    db = open_store(str(tmp_path / "t.db"))
    upsert_trials(db, [record], "import")
    old = get_trial(db, record["id"])
    spoiled = dict(old, conditions=[], criteria_reader="old")        # as an older terminology left it
    with db.conn:
        db.execute("UPDATE trials SET record = ? WHERE id = ?", [json.dumps(spoiled), record["id"]])
    assert reparse(db) == [record["id"]]
    assert get_trial(db, record["id"])["conditions"] == old["conditions"]
    assert reread_record(get_trial(db, record["id"]))["conditions"] == old["conditions"]
