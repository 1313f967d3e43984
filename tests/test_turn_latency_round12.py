"""Round 12 of turn latency at scale: one memo per store and trials version
(``data.store_memo``) for the ranking helpers, the same values as their own copies had; the
trials naming each disease status and the studies offering no treatment found at start-up,
the same as a turn finds them."""
from __future__ import annotations

import sqlite3

import pytest
import sqlite_utils

from core.facts import Profile
from data.store_memo import StoreMemo, store_key, stored_rows


def _store(version: str | None = "v1") -> sqlite_utils.Database:
    db = sqlite_utils.Database(memory=True)
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    db.execute("CREATE TABLE trials (id TEXT PRIMARY KEY, record TEXT)")
    if version is not None:
        _set_version(db, version)
    return db


def _set_version(db: sqlite_utils.Database, version: str) -> None:
    db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('trials_version', ?)", [version])


def test_a_value_is_worked_out_once_per_store_version_and_question():
    db, memo, calls = _store(), StoreMemo(4), []

    def compute():
        calls.append(1)
        return frozenset({"NCT1"})

    assert memo.get(db, compute, "a") == frozenset({"NCT1"})
    assert memo.get(db, compute, "a") is memo.get(db, compute, "a")
    assert len(calls) == 1
    memo.get(db, compute, "b")                   # another question
    assert len(calls) == 2
    _set_version(db, "v2")                       # trials written: worked out again
    memo.get(db, compute, "a")
    assert len(calls) == 3
    memo.get(_store(), compute, "a")             # another store with the same version
    assert len(calls) == 4


def test_the_oldest_value_goes_first_past_the_limit():
    db, memo = _store(), StoreMemo(2)
    for asked in ("a", "b", "c"):
        memo.get(db, lambda: asked, asked)
    assert len(memo) == 2
    assert memo.get(db, lambda: "again", "a") == "again"     # "a" went first
    assert memo.get(db, lambda: "again", "c") == "c"


def test_a_store_without_a_trials_version_keeps_nothing_when_so_asked():
    db = _store(version=None)
    assert store_key(db) == (id(db), None)
    kept, unkept = StoreMemo(), StoreMemo(unversioned=False)
    assert kept.get(db, lambda: 1) == 1 and kept.get(db, lambda: 2) == 1
    assert unkept.get(db, lambda: 1) == 1 and unkept.get(db, lambda: 2) == 2
    assert len(unkept) == 0


def test_an_error_while_working_out_keeps_nothing():
    db, memo = _store(), StoreMemo()

    def fail():
        raise sqlite3.OperationalError("no such table: trial_text")

    with pytest.raises(sqlite3.OperationalError):
        memo.get(db, fail)
    assert len(memo) == 0
    assert memo.get(db, lambda: "read") == "read"


def test_the_key_already_read_is_used_as_given():
    db, memo = _store(), StoreMemo()
    store = store_key(db)
    assert memo.get(None, lambda: "x", store=store) == "x"
    assert memo.get(db, lambda: "y") == "x"


def test_an_older_store_gives_no_rows_and_other_errors_pass():
    db = _store()
    db.execute("INSERT INTO trials VALUES ('NCT1', '{}')")
    assert list(stored_rows(db, "SELECT id FROM trials")) == [("NCT1",)]
    assert list(stored_rows(db, "SELECT id, no_such_column FROM trials")) == []
    assert list(stored_rows(db, "SELECT id FROM no_such_table")) == []
    with pytest.raises(sqlite3.OperationalError):
        list(stored_rows(db, "SELEC id FROM trials"))


def test_the_ranking_helpers_read_an_older_store_as_having_none():
    from matching.untreating import untreating_trials
    from matching.volunteer_trials import VolunteerStudies

    db = sqlite_utils.Database(memory=True)
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    db.execute("CREATE TABLE trials (id TEXT PRIMARY KEY)")          # no record column yet
    assert untreating_trials(db) == frozenset()
    assert VolunteerStudies(frozenset({"NCT9"}), db).for_healthy() == (frozenset({"NCT9"}), frozenset())


def test_each_status_found_alone_gives_the_trials_the_one_query_gave(tmp_path):
    """``status_trials`` finds the trials naming each status once (``preload``) and joins
    them: the same trials as one query of every name, before and after the preload."""
    from data.condition_names import DISEASE_STATUS
    from data.terminology import load_terminology
    from matching import status_trials
    from matching.keywords import trials_naming
    from test_relevance import _stated
    from test_relevance_status import _store as status_store

    db = status_store(tmp_path)
    terminology = load_terminology()
    statuses = [c for c in terminology.descendants(DISEASE_STATUS) if c != DISEASE_STATUS]
    for pick in (statuses, statuses[:2], ["newly_diagnosed"], ["relapsed_disease", "refractory_disease"]):
        assert status_trials._naming(db, pick, terminology) == trials_naming(
            db, status_trials._names(pick, terminology), memo=StoreMemo())
    relapsed = Profile([_stated("dlbcl", "DLBCL"), _stated("relapsed_disease", "relapsed")])
    before = status_trials.mismatched_trials(db, relapsed)
    status_trials._BY_STATUS.clear()
    status_trials._NAMING.clear()
    status_trials.preload(db)
    assert len(status_trials._BY_STATUS) == len(statuses)
    assert status_trials.mismatched_trials(db, relapsed) == before
    assert "local-new-dlbcl" in before and "local-rr-dlbcl" not in before


def test_trials_naming_keeps_a_callers_look_ups_in_its_own_memo(tmp_path):
    from matching import keywords
    from test_relevance_status import _store as status_store

    db = status_store(tmp_path)
    own = StoreMemo(4)
    found = keywords.trials_naming(db, ["previously untreated"], memo=own)
    assert "local-new-dlbcl" in found and len(own) == 1
    assert keywords.trials_naming(db, ["previously untreated"]) == found


def test_start_up_reads_the_studies_offering_no_treatment_and_each_status(monkeypatch):
    """``TrialCatalog.preload`` finds the studies offering no treatment and the trials naming
    each disease status: the first turn's ranking reads them, the same as worked out then."""
    from data.condition_names import DISEASE_STATUS
    from data.terminology import load_terminology
    from data.store import open_store, upsert_trials
    from matching import status_trials, untreating
    from matching.cache import RecordCache
    from matching.catalog import TrialCatalog
    from matching.plans import PlanBook, PlanCache

    db = open_store(":memory:")
    from test_relevance import STORED_FIELDS
    from test_relevance_status import ADULT

    upsert_trials(db, [dict(STORED_FIELDS, id="local-obs", nct_id=None, title="Blood Samples in Relapsed Lymphoma",
                            study_type="OBSERVATIONAL", criteria=[ADULT], conditions=["dlbcl"],
                            conditions_text=["Diffuse Large B-cell Lymphoma"])], "import")
    reads = []
    read = untreating._read
    monkeypatch.setattr(untreating, "_read", lambda store: reads.append(1) or read(store))
    TrialCatalog(db, RecordCache(), PlanCache(PlanBook())).preload()
    assert reads == [1]
    found = untreating.untreating_trials(db)
    assert reads == [1] and "local-obs" in found
    assert found == read(db)
    kept = len(status_trials._BY_STATUS)
    terminology = load_terminology()
    assert status_trials._naming(db, ["relapsed_disease"], terminology) >= {"local-obs"}
    assert len(status_trials._BY_STATUS) == kept        # read at start-up already
    assert kept >= len(terminology.descendants(DISEASE_STATUS)) - 1
