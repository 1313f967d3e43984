"""``python bot.py sync`` end to end: the real client (httpx) against a fake ClinicalTrials.gov
API v2 on 127.0.0.1 (tests/fake_ctgov.py) serving real study JSON, through ``bot.cli.main``
on a temporary database. Paging, retries (500, 429 with Retry-After; the waits recorded,
never slept), an interrupted run resumed, incremental runs, a malformed page."""
from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import pytest

import bot.commands.sync as sync_command
from bot.cli import main
from data.store import connect, get_trial, list_trials, trial_freshness
from fake_ctgov import SHARED_CTGOV, FakeCtgov, nct, shared_studies

# sorted by NCT number; with --page-size 3 the pages are [0:3], [3:6], [6:8]
NAMES = ["NCT00003454",                                     # TERMINATED
         "NCT00055081",                                     # COMPLETED
         "NCT01785420", "NCT02139605", "NCT02227251", "NCT02682511", "NCT02964858", "NCT02992574"]  # RECRUITING
RECRUITING = NAMES[2:]
BUNDLED = {"NCT05030779", "NCT05239702", "NCT07193667", "local-cd7-cart-heme"}


@pytest.fixture(scope="module")
def studies():
    found = shared_studies(names=NAMES)
    if len(found) != len(NAMES):
        pytest.skip(f"the shared ClinicalTrials.gov study JSON is not at {SHARED_CTGOV} "
                    f"(../shared/ctgov beside the checkout): sync tests need {', '.join(NAMES)}")
    return found


@pytest.fixture
def api(studies, monkeypatch):
    with FakeCtgov(studies) as fake:
        monkeypatch.setenv("TRIALBOT_CTGOV_URL", fake.base_url)
        yield fake


@pytest.fixture
def waits(monkeypatch):
    recorded: list[float] = []
    monkeypatch.setattr(sync_command, "sleep", recorded.append)
    return recorded


@pytest.fixture
def db_path(tmp_path, monkeypatch):
    path = tmp_path / "trialbot.db"
    monkeypatch.setenv("TRIALBOT_DB", str(path))
    return path


def sync(capsys, *argv):
    code = main(["sync", "--page-size", "3", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def summary_of(out: str) -> dict:
    return json.loads(out)


def synced_ids(path) -> list[str]:
    return sorted(r["id"] for r in list_trials(connect(path)) if r["id"] not in BUNDLED)


def snapshot(path) -> dict:
    conn = sqlite3.connect(path)
    try:
        return {t: sorted(map(repr, conn.execute(f"SELECT * FROM {t}").fetchall()))
                for t in ("trials", "criteria", "sites", "contacts", "trial_conditions", "trial_freshness")}
    finally:
        conn.close()


def today() -> str:
    return datetime.now(timezone.utc).date().isoformat()


# --- a whole run ----------------------------------------------------------------------


def test_a_fresh_database_gets_every_study_served_once(api, waits, db_path, capsys):
    code, out, err = sync(capsys, "--status", "any", "--json")
    assert code == 0, err
    summary = summary_of(out)
    assert summary["pages"] == 3 and summary["fetched"] == 8 and not summary["resumed"]
    assert sorted(summary["added"]) == NAMES and summary["counts"]["added"] == 8
    assert summary["since"] is None
    assert synced_ids(db_path) == NAMES
    # the query went to the API as asked, the total only on the first page, each page once
    assert [r.get("pageToken") for r in api.requests] == [None, "tok-3", "tok-6"]
    first = api.requests[0]
    assert first["countTotal"] == "true" and "countTotal" not in api.requests[1]
    assert "CAR-T" in first["query.intr"] and "lupus" in first["query.cond"] and "filter.overallStatus" not in first
    assert waits == []
    # the records are what import makes of the same JSON, with the sync's source
    record = get_trial(connect(db_path), "NCT00003454")
    assert record["status"] == "TERMINATED" and record["sources"] == ["ctgov clinicaltrials.gov/study/NCT00003454"]
    assert record["dates"]["last_updated"] == "2017-09-28"
    # freshness: the registry's last update, its status verification, when synced
    fresh = trial_freshness(connect(db_path))["NCT00003454"]
    assert fresh["last_updated"] == "2017-09-28" and fresh["status_verified"] == "2017-09"
    assert fresh["synced_at"].startswith(today())
    assert {s["id"] for s in summary["stopped"]} == {"NCT00003454"}


def test_the_default_query_asks_for_open_trials_only(api, waits, db_path, capsys):
    code, out, err = sync(capsys)
    assert code == 0, err
    assert api.requests[0]["filter.overallStatus"] == "RECRUITING,NOT_YET_RECRUITING,ENROLLING_BY_INVITATION"
    assert synced_ids(db_path) == RECRUITING
    assert "sync: 6 studies fetched in 2 page(s) (every study of the query)" in out
    assert "added 6, updated 0, unchanged 0; now withdrawn, terminated or suspended: 0" in out


def test_server_errors_and_rate_limits_are_retried_with_backoff(api, waits, db_path, capsys):
    api.fail(2, 500)
    api.fail(2, 503)
    api.fail(2, 429, retry_after="7")
    api.fail(3, 502)
    code, out, err = sync(capsys, "--status", "any", "--json")
    assert code == 0, err
    assert waits == [2.0, 4.0, 7.0, 2.0]       # doubling, Retry-After honoured, reset per request
    assert [r.get("pageToken") for r in api.requests] == [None] + ["tok-3"] * 4 + ["tok-6"] * 2
    assert synced_ids(db_path) == NAMES


def test_a_retry_after_too_long_gives_up_with_one_line(api, waits, db_path, capsys):
    api.fail(1, 429, retry_after="3600")
    code, out, err = sync(capsys)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("trialbot: error: page 1: ")
    assert "asks to wait 3600 s" in err and "Traceback" not in err


# --- interruptions --------------------------------------------------------------------


def test_a_run_stopped_by_a_failing_server_resumes_where_it_stopped(api, waits, db_path, capsys):
    api.fail_always(3)
    before = snapshot_after_open(db_path)
    code, out, err = sync(capsys, "--status", "any")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("trialbot: error: page 3: ")
    assert "failed 6 times, last: HTTP 500" in err and "2 page(s) before it are kept" in err
    assert waits == [2.0, 4.0, 8.0, 16.0, 32.0]
    assert snapshot(db_path) == before                      # no trial changed
    api.heal()
    api.requests.clear()
    code, out, err = sync(capsys, "--status", "any", "--json")
    assert code == 0, err
    summary = summary_of(out)
    assert summary["resumed"] and summary["pages"] == 3 and summary["fetched"] == 8
    assert [r.get("pageToken") for r in api.requests] == ["tok-6"]     # only the page missing
    assert sorted(summary["added"]) == NAMES
    assert synced_ids(db_path) == NAMES                    # every study served, once


def test_ctrl_c_in_the_middle_then_a_rerun_gives_every_study_once(api, waits, db_path, capsys, monkeypatch):
    from registry.ctgov_client import CtgovClient

    real = CtgovClient.studies_page
    calls = []

    def interrupted(self, params, page_token=None):
        calls.append(page_token)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(self, params, page_token)

    monkeypatch.setattr(CtgovClient, "studies_page", interrupted)
    code, out, err = sync(capsys, "--status", "any")
    assert code == 130
    assert err == ("trialbot: interrupted: 1 page(s) fetched are kept, no trial changed; "
                   "run the same sync again to continue\n")
    assert synced_ids(db_path) == []
    monkeypatch.setattr(CtgovClient, "studies_page", real)
    code, out, err = sync(capsys, "--status", "any", "--json")
    assert code == 0, err
    assert summary_of(out)["resumed"] and sorted(summary_of(out)["added"]) == NAMES
    assert [r.get("pageToken") for r in api.requests] == [None, "tok-3", "tok-6"]
    assert synced_ids(db_path) == NAMES


def test_ctrl_c_while_writing_then_a_rerun_writes_without_fetching_again(api, waits, db_path, capsys, monkeypatch):
    import registry.sync

    real = registry.sync.apply

    def interrupted(db, outcomes):
        real(db, outcomes)                          # written, then interrupted: rolled back
        raise KeyboardInterrupt

    monkeypatch.setattr(registry.sync, "apply", interrupted)
    code, out, err = sync(capsys, "--status", "any")
    assert code == 130 and "3 page(s) fetched are kept, no trial changed" in err
    assert synced_ids(db_path) == []
    monkeypatch.setattr(registry.sync, "apply", real)
    api.requests.clear()
    code, out, err = sync(capsys, "--status", "any", "--json")
    assert code == 0, err
    assert api.requests == [] and summary_of(out)["resumed"] and sorted(summary_of(out)["added"]) == NAMES
    assert synced_ids(db_path) == NAMES


def test_a_page_token_refused_on_resuming_suggests_restart(api, waits, db_path, capsys):
    api.fail_always(3)
    assert sync(capsys, "--status", "any")[0] == 1
    api.heal()
    api.fail(3, 400, body=b'{"message": "invalid pageToken"}')
    code, out, err = sync(capsys, "--status", "any")
    assert code == 1 and err.count("\n") == 1
    assert "invalid pageToken" in err and "run sync --restart to start this query over" in err


def test_restart_discards_an_interrupted_run(api, waits, db_path, capsys):
    api.fail_always(2)
    assert sync(capsys, "--status", "any")[0] == 1
    api.heal()
    api.requests.clear()
    code, out, err = sync(capsys, "--status", "any", "--restart", "--json")
    assert code == 0, err
    assert not summary_of(out)["resumed"]
    assert [r.get("pageToken") for r in api.requests] == [None, "tok-3", "tok-6"]
    assert synced_ids(db_path) == NAMES


def test_a_different_query_does_not_resume_another_querys_run(api, waits, db_path, capsys):
    api.fail_always(2)
    assert sync(capsys, "--status", "any")[0] == 1
    api.heal()
    api.requests.clear()
    code, out, err = sync(capsys, "--status", "any", "--condition", "lupus", "--json")
    assert code == 0, err
    assert not summary_of(out)["resumed"] and api.requests[0]["query.cond"] == "lupus"


# --- incremental runs -----------------------------------------------------------------


def test_a_second_run_fetches_only_the_studies_updated_since_the_first(api, waits, db_path, capsys):
    assert sync(capsys)[0] == 0                     # the default query: the six recruiting
    assert synced_ids(db_path) == RECRUITING
    api.update("NCT02139605", today(), overallStatus="WITHDRAWN", statusVerifiedDate=today())
    api.update("NCT00055081", today())              # COMPLETED, never stored: left out
    api.requests.clear()
    code, out, err = sync(capsys, "--json")
    assert code == 0, err
    summary = summary_of(out)
    assert api.requests[0]["filter.advanced"] == f"AREA[LastUpdatePostDate]RANGE[{today()},MAX]"
    assert "filter.overallStatus" not in api.requests[0]    # a withdrawn trial must be seen
    assert summary["since"] == today() and summary["fetched"] == 2 and summary["skipped"] == 1
    assert summary["updated"] == ["NCT02139605"] and summary["added"] == []
    assert summary["status_changes"] == [{"id": "NCT02139605", "from": "RECRUITING", "to": "WITHDRAWN"}]
    assert summary["stopped"] == [{"id": "NCT02139605", "status": "WITHDRAWN"}]
    db = connect(db_path)
    assert get_trial(db, "NCT02139605")["status"] == "WITHDRAWN"
    assert trial_freshness(db)["NCT02139605"]["status_verified"] == today()
    assert synced_ids(db_path) == RECRUITING         # nothing duplicated, nothing added
    # the text summary says the same
    api.update("NCT02227251", today(), overallStatus="SUSPENDED")
    code, out, err = sync(capsys)
    assert code == 0, err
    assert f"(updated since {today()})" in out
    assert "now withdrawn, terminated or suspended: 1" in out
    assert "  NCT02227251: RECRUITING -> SUSPENDED" in out


def test_full_and_since_override_the_last_run_date(api, waits, db_path, capsys):
    assert sync(capsys, "--status", "any")[0] == 0
    api.requests.clear()
    code, out, err = sync(capsys, "--status", "any", "--full", "--json")
    assert code == 0, err
    assert "filter.advanced" not in api.requests[0] and sorted(summary_of(out)["unchanged"]) == NAMES
    api.requests.clear()
    code, out, err = sync(capsys, "--status", "any", "--since", "2025-04-10", "--json")
    assert code == 0, err
    assert api.requests[0]["filter.advanced"] == "AREA[LastUpdatePostDate]RANGE[2025-04-10,MAX]"
    assert sorted(summary_of(out)["unchanged"]) == ["NCT02964858", "NCT02992574"]


# --- malformed pages ------------------------------------------------------------------


@pytest.mark.parametrize("body, message", [
    (b'{"studies": [', "page 2: not valid JSON"),
    (b'{"studies": {"x": 1}}', "page 2: not a ClinicalTrials.gov API v2 page"),
    (json.dumps({"studies": [{"protocolSection": {"identificationModule": {"nctId": "NCT02139605"},
                                                 "statusModule": {"overallStatus": ["RECRUITING"]}}}],
                 "nextPageToken": "tok-6"}).encode(),
     "page 2: clinicaltrials.gov/study/NCT02139605: protocolSection.statusModule.overallStatus: expected text, got a list"),
])
def test_a_malformed_page_fails_the_run_cleanly(api, waits, db_path, capsys, body, message):
    api.malform(2, body)
    before = snapshot_after_open(db_path)
    code, out, err = sync(capsys, "--status", "any")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"trialbot: error: {message}"), err
    assert "no trial changed" in err and "Traceback" not in err
    assert snapshot(db_path) == before
    assert waits == []                              # a malformed page is not retried
    api.heal()                                      # the server is fixed: the run goes on
    api.requests.clear()
    code, out, err = sync(capsys, "--status", "any", "--json")
    assert code == 0, err
    assert [r.get("pageToken") for r in api.requests] == ["tok-3", "tok-6"]
    assert synced_ids(db_path) == NAMES


# --- merging with what is stored --------------------------------------------------------


def test_a_study_imported_from_a_file_is_merged_not_duplicated(api, waits, db_path, capsys, tmp_path, studies):
    path = tmp_path / "NCT02682511.json"
    path.write_text(json.dumps(next(s for s in studies if nct(s) == "NCT02682511")), encoding="utf-8")
    assert main(["import", str(path)]) == 0
    capsys.readouterr()
    code, out, err = sync(capsys, "--json")
    assert code == 0, err
    summary = summary_of(out)
    assert "NCT02682511" in summary["updated"] and "NCT02682511" not in summary["added"]
    record = get_trial(connect(db_path), "NCT02682511")
    assert record["sources"] == ["ctgov clinicaltrials.gov/study/NCT02682511", "ctgov NCT02682511.json"]
    assert synced_ids(db_path) == RECRUITING


# --- errors a user can act on -------------------------------------------------------------


@pytest.mark.parametrize("argv, message", [
    (["--status", "RECRUTING"], "--status: unknown status 'RECRUTING'"),
    (["--page-size", "0"], "--page-size must be 1 to 1000, got 0"),
    (["--condition", "", "--intervention", "", "--status", "any"], "the query asks for every study"),
])
def test_bad_options_are_one_line_errors(api, db_path, capsys, argv, message):
    code = main(["sync", *argv])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.startswith(f"trialbot: error: {message}") and err.count("\n") == 1
    assert api.requests == []


def test_an_unreachable_api_is_one_line(db_path, waits, capsys, monkeypatch):
    import socket

    with socket.socket() as s:                      # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("TRIALBOT_CTGOV_URL", f"http://127.0.0.1:{port}/api/v2")
    code = main(["sync"])
    out, err = capsys.readouterr()
    assert code == 1 and err.startswith("trialbot: error: page 1: http://127.0.0.1:") and err.count("\n") == 1
    # a server nobody answers at is tried three times (waits 2 s, 4 s), not six over a minute
    assert "cannot be reached (ConnectError" in err and "tried 3 times" in err and "TRIALBOT_CTGOV_URL" in err
    assert waits == [2.0, 4.0]


def test_a_client_error_is_not_retried(api, waits, db_path, capsys):
    api.fail(1, 400, body=b'{"message": "unknown parameter"}')
    code, out, err = sync(capsys)
    assert code == 1 and waits == []
    assert "answered HTTP 400: {\"message\": \"unknown parameter\"}" in err and err.count("\n") == 1


# --- the client's pieces ----------------------------------------------------------------


def test_retry_after_reads_seconds_and_http_dates():
    from registry.ctgov_client import retry_after

    now = lambda: datetime(2026, 12, 2, 12, 0, 0, tzinfo=timezone.utc)   # noqa: E731
    assert retry_after("7") == 7.0
    assert retry_after("Wed, 02 Dec 2026 12:00:30 GMT", now) == 30.0
    assert retry_after("Wed, 02 Dec 2026 11:00:00 GMT", now) == 0.0
    assert retry_after("soon") is None and retry_after(None) is None


def test_nothing_reaches_the_network_at_import():
    import subprocess
    import sys

    code = ("import socket\n"
            "def refuse(*a, **k): raise AssertionError('network at import')\n"
            "socket.socket.connect = refuse\n"
            "import bot.commands.sync, registry.sync, registry.ctgov_client\n"
            "from bot.cli import build_parser; build_parser(only='sync')\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[1])


def snapshot_after_open(path) -> dict:
    """The trial tables of a database opened once (the bundled trials loaded)."""
    connect(path).close()
    from data.store import open_store

    open_store(path).close()
    return snapshot(path)


def test_a_curated_trial_keeps_its_status_and_the_summary_says_the_registry_differs(studies, waits, db_path,
                                                                                       capsys, monkeypatch):
    import copy

    from data.store import trial_origin

    study = copy.deepcopy(next(s for s in studies if nct(s) == "NCT02227251"))
    study["protocolSection"]["identificationModule"]["nctId"] = "NCT07193667"     # a bundled trial
    study["protocolSection"]["statusModule"]["overallStatus"] = "COMPLETED"
    with FakeCtgov([study]) as fake:
        monkeypatch.setenv("TRIALBOT_CTGOV_URL", fake.base_url)
        code, out, err = sync(capsys, "--status", "any", "--json")
        assert code == 0, err
        summary = summary_of(out)
        assert summary["updated"] == ["NCT07193667"] and summary["added"] == []
        assert summary["curated_differs"] == [{"id": "NCT07193667", "curated": "RECRUITING", "registry": "COMPLETED"}]
        db = connect(db_path)
        assert trial_origin(db, "NCT07193667") == "bundled"
        assert get_trial(db, "NCT07193667")["status"] == "RECRUITING"
        code, out, err = sync(capsys, "--status", "any", "--full")
        assert "NCT07193667: curated status RECRUITING kept; the registry now says COMPLETED" in out
