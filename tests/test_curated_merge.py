"""Issue #18: a curated (bundled) trial stays curated when an import or a sync brings the same
study. Its criteria and rules, contacts, sites and the rest stay the curator's; only the
fields data/catalogue.yaml lists under ``registry_owned`` (status, dates) come from a
registry record at least as recent as the curated one (registry/merge.py)."""
from __future__ import annotations

import copy
import json

import pytest

import bot.commands.sync as sync_command
from bot.cli import main
from data.store import connect, get_trial, open_store, trial_origin
from fake_ctgov import FakeCtgov, nct, shared_studies

CURATED = "NCT05239702"        # seeds 000 and 001 describe this study (data/trials/NCT05239702.yaml)


CONTACT = {"name": "Dr Curator", "role": "central", "phone": "+86 571 0000 0000", "email": None}


def curated_parts(record: dict) -> dict:
    """What the curator decided: criteria with their rules, contacts, conditions, title, and
    the sites' facilities (the registry may fill a shared site's empty fields)."""
    return {"criteria": record["criteria"], "contacts": record["contacts"], "conditions": record["conditions"],
            "title": record["title"], "sites": [s["facility"] for s in record["sites"]],
            "eligibility": {k: v for k, v in record["eligibility"].items() if v is not None}}


def with_curated_contact(db) -> dict:
    """The curated record with a contact of the curator's (the bundled files list none)."""
    from data.store import upsert_trials

    upsert_trials(db, [dict(get_trial(db, CURATED), contacts=[CONTACT])], "bundled")
    return get_trial(db, CURATED)


@pytest.fixture
def db_path(tmp_path, monkeypatch):
    path = tmp_path / "trialbot.db"
    monkeypatch.setenv("TRIALBOT_DB", str(path))
    open_store(path).close()
    return path


@pytest.fixture
def registry_copy():
    """A real study from ../shared/ctgov, renumbered as the curated study, with other
    criteria, contacts and sites than the curator's."""
    found = shared_studies(names=["NCT02227251"])
    if not found:
        pytest.skip("the shared ClinicalTrials.gov study JSON (../shared/ctgov) is absent")
    study = copy.deepcopy(found[0])
    study["protocolSection"]["identificationModule"]["nctId"] = CURATED
    return study


def sync(monkeypatch, capsys, study) -> str:
    monkeypatch.setattr(sync_command, "sleep", lambda seconds: None)
    with FakeCtgov([study]) as fake:
        monkeypatch.setenv("TRIALBOT_CTGOV_URL", fake.base_url)
        code = main(["sync", "--status", "any", "--full", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def test_the_two_seed_pages_of_one_study_leave_the_curated_record_as_it_is(db_path, seeds_dir, capsys):
    before = get_trial(connect(db_path), CURATED)
    pages = sorted(str(p) for p in seeds_dir.glob("00[01]_*.txt"))
    assert len(pages) == 2
    assert main(["import", *pages]) == 0, capsys.readouterr().err
    db = connect(db_path)
    after = get_trial(db, CURATED)
    assert trial_origin(db, CURATED) == "bundled"
    assert curated_parts(after) == curated_parts(before)
    assert after["status"] == before["status"]                  # the pages show no newer update
    assert [r[0] for r in db.execute("SELECT id FROM trials WHERE nct_id = ?", [CURATED])] == [CURATED]


def test_a_newer_registry_record_brings_status_and_dates_but_not_criteria_or_contacts(db_path, registry_copy,
                                                                                        monkeypatch, capsys):
    before = with_curated_contact(connect(db_path))
    module = registry_copy["protocolSection"]["statusModule"]
    module["overallStatus"] = "SUSPENDED"
    module["lastUpdatePostDateStruct"] = {"date": "2026-11-20", "type": "ACTUAL"}
    out = sync(monkeypatch, capsys, registry_copy)
    assert f'"id": "{CURATED}"' in out
    db = connect(db_path)
    after = get_trial(db, CURATED)
    assert trial_origin(db, CURATED) == "bundled"                 # still the curator's record
    assert curated_parts(after) == {**curated_parts(before), "eligibility": curated_parts(after)["eligibility"]}
    assert after["contacts"] == [CONTACT]                         # the registry's contacts not added
    assert curated_parts(before)["eligibility"].items() <= after["eligibility"].items()   # gaps filled only
    assert after["status"] == "SUSPENDED" and after["dates"]["last_updated"] == "2026-11-20"
    assert {"id": CURATED, "from": "RECRUITING", "to": "SUSPENDED"} in json.loads(out)["status_changes"]


def test_an_older_registry_record_changes_nothing_of_the_curated_record(db_path, registry_copy, monkeypatch, capsys):
    from data.store import upsert_trials

    db = connect(db_path)
    with_curated_contact(db)
    upsert_trials(db, [dict(get_trial(db, CURATED), dates={**get_trial(db, CURATED)["dates"],
                                                            "last_updated": "2026-06-01"})], "bundled")
    before = get_trial(db, CURATED)
    module = registry_copy["protocolSection"]["statusModule"]
    module["overallStatus"] = "COMPLETED"
    module["lastUpdatePostDateStruct"] = {"date": "2026-01-10", "type": "ACTUAL"}
    out = sync(monkeypatch, capsys, registry_copy)
    after = get_trial(connect(db_path), CURATED)
    assert after["status"] == before["status"] and after["dates"]["last_updated"] == "2026-06-01"
    assert curated_parts(after) == {**curated_parts(before), "eligibility": curated_parts(after)["eligibility"]}
    assert after["contacts"] == [CONTACT]
    assert '"registry": "COMPLETED"' in out                      # curated_differs says the registry differs


def test_a_rebuild_of_the_bundled_trials_keeps_the_registrys_newer_status(db_path, registry_copy, monkeypatch, capsys):
    from data.store import sync_bundled

    module = registry_copy["protocolSection"]["statusModule"]
    module["overallStatus"] = "SUSPENDED"
    module["lastUpdatePostDateStruct"] = {"date": "2026-11-20", "type": "ACTUAL"}
    sync(monkeypatch, capsys, registry_copy)
    db = connect(db_path)
    db.execute("DELETE FROM meta WHERE key = 'bundled_hash'")      # as after a change to data/trials or the terminology
    assert sync_bundled(db) is True
    rebuilt = get_trial(db, CURATED)
    assert rebuilt["status"] == "SUSPENDED" and rebuilt["dates"]["last_updated"] == "2026-11-20"
    assert rebuilt["contacts"] == [] and trial_origin(db, CURATED) == "bundled"   # the rest from the file
    assert get_trial(db, "NCT07193667")["status"] == "RECRUITING"               # never synced: as the file says
