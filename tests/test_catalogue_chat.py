"""Issue #18 in the chat: results warn when a record is old (the registry has not updated
it for over 12 months, or our copy was last checked against the registry longer ago than
TRIALBOT_STALE_SYNC_DAYS); trials not recruiting are not offered, but counted in one line
and still listed by /trials and `trials`; a trial not yet recruiting is offered, marked.
The policy is data/catalogue.yaml (data/catalogue.py)."""
from __future__ import annotations

from datetime import date

import pytest

from bot.engine import Engine
from bot.render import PLAIN, Renderer
from bot.session_store import SessionStore
from data.catalogue import freshness_warnings, load_catalogue
from data.errors import DataError
from data.store import get_trial, open_store, record_freshness, upsert_trials

CID = "cli:catalogue"
LUPUS = "I'm 34, I have lupus since 2015, mycophenolate didn't help, no HIV, not pregnant"


def said(reply) -> str:
    return "\n".join(Renderer(PLAIN).render(reply))


def results_for(db, today: date, role: str = "patient") -> str:
    engine = Engine(SessionStore(db), gazetteer=None, today=today)
    engine.start(CID, role=role)
    engine.message(CID, LUPUS)
    return said(engine.message(CID, "results"))


def with_status(db, trial_id: str, status: str) -> None:
    upsert_trials(db, [dict(get_trial(db, trial_id), status=status)], "bundled")


# --- freshness ---------------------------------------------------------------------------


def test_chat_results_show_the_freshness_warning_for_an_old_record(db_path):
    # NCT07193667's registry record was last updated 2025-09-26 (data/trials/NCT07193667.yaml)
    text = results_for(open_store(db_path), date(2026, 12, 2))
    assert "NCT07193667" in text
    assert ("Please note: the registry last updated this trial on 2025-09-26, more than 12 months ago. "
            "It may have changed: check with the trial team.") in text


def test_a_record_updated_within_a_year_gets_no_warning(db_path):
    text = results_for(open_store(db_path), date(2026, 1, 15))
    assert "NCT07193667" in text and "Please note" not in text


def test_the_clinician_wording_of_the_warning(db_path):
    text = results_for(open_store(db_path), date(2026, 12, 2), role="clinician")
    assert "Registry record last updated 2025-09-26 (over 12 months): confirm the status with the site." in text


def test_a_copy_synced_long_ago_is_flagged_by_the_setting(db_path, monkeypatch):
    db = open_store(db_path)
    record_freshness(db, [{"trial_id": "NCT07193667", "nct_id": "NCT07193667", "last_updated": "2025-12-20",
                           "status_verified": "2025-12", "synced_at": "2026-01-01T00:00:00+00:00"}])
    monkeypatch.setenv("TRIALBOT_STALE_SYNC_DAYS", "10")
    text = results_for(db, date(2026, 1, 15))
    assert ("Please note: my copy of this trial was last checked against the registry on 2026-01-01; "
            "its status may have changed since.") in text
    monkeypatch.setenv("TRIALBOT_STALE_SYNC_DAYS", "0")            # 0: never warn
    assert "my copy of this trial" not in results_for(open_store(db_path), date(2026, 1, 15))


def test_freshness_warnings_rules():
    today = date(2026, 12, 2)
    assert freshness_warnings("2025-12-01", None, today, sync_days=30) == [{"key": "registry_old", "date": "2025-12-01"}]
    assert freshness_warnings("2025-12-02", None, today, sync_days=30) == []          # 365 days: not over
    assert freshness_warnings(None, "2026-10-01T08:00:00+00:00", today, sync_days=30) == [
        {"key": "sync_old", "date": "2026-10-01"}]
    assert freshness_warnings(None, "2026-11-20", today, sync_days=30) == []
    assert freshness_warnings("not a date", "2020-01-01", today, sync_days=0) == []   # unknown, or switched off


# --- recruitment status ------------------------------------------------------------------


def test_a_completed_trial_is_not_offered_but_counted_and_still_listed(db_path):
    db = open_store(db_path)
    with_status(db, "NCT07193667", "COMPLETED")
    engine = Engine(SessionStore(db), gazetteer=None, today=date(2026, 1, 15))
    engine.start(CID, role="patient")
    engine.message(CID, LUPUS)
    text = said(engine.message(CID, "results"))
    assert "NCT07193667" not in text
    # NCT07193667 completed and NCT05030779 status UNKNOWN (its page): both left out, in one line
    assert "2 trial(s) I know are not listed because they are not recruiting" in text
    assert "NCT07193667" in said(engine.command(CID, "trials"))          # /trials lists every trial


def test_a_trial_not_yet_recruiting_is_offered_and_marked(db_path):
    db = open_store(db_path)
    with_status(db, "NCT07193667", "NOT_YET_RECRUITING")
    text = results_for(db, date(2026, 1, 15))
    assert "NCT07193667" in text
    assert "Not recruiting yet: it is due to open; the trial team can say when." in text
    assert "1 trial(s) I know are not listed" in text                    # NCT05030779 only


def test_every_result_left_out_says_so(db_path):
    db = open_store(db_path)
    with_status(db, "NCT07193667", "WITHDRAWN")
    text = results_for(db, date(2026, 1, 15))
    assert "2 trial(s) I know are not listed because they are not recruiting" in text
    assert "Only the trial team can decide" in text


def test_the_policy_file_is_checked(tmp_path):
    catalogue = load_catalogue()
    assert catalogue.offered_in_chat("RECRUITING") and catalogue.offered_in_chat(None)
    assert not any(catalogue.offered_in_chat(s) for s in ("COMPLETED", "TERMINATED", "WITHDRAWN", "SUSPENDED",
                                                           "UNKNOWN", "ACTIVE_NOT_RECRUITING"))
    bad = tmp_path / "catalogue.yaml"
    bad.write_text("chat_offered: {recruiting: null}\nregistry_stale_days: 365\nregistry_owned: [status]\n")
    with pytest.raises(DataError, match="catalogue.yaml.chat_offered"):
        load_catalogue(bad)
    bad.write_text("chat_offered: {RECRUITING: null}\nregistry_stale_days: 365\nregistry_owned: [criteria]\n")
    with pytest.raises(DataError, match="registry_owned"):
        load_catalogue(bad)


def test_the_chat_trial_command_shows_the_freshness_warning(db_path):
    engine = Engine(SessionStore(open_store(db_path)), gazetteer=None, today=date(2026, 12, 2))
    engine.start(CID, role="patient")
    text = said(engine.command(CID, "trial", "NCT07193667"))
    assert "Please note: the registry last updated this trial on 2025-09-26, more than 12 months ago." in text
    assert "Please note" not in said(engine.command(CID, "trial", "local-cd7-cart-heme"))   # no date known
