"""Issue #18: the Telegram bot's scheduled sync (bot/sync_job.py) on python-telegram-bot's
JobQueue: off by default, every TRIALBOT_SYNC_HOURS hours when set, in a thread of its own
with its own database connection (conversations are answered while a run is under way),
runs never overlapping, failures logged and never the bot's end; a user who was shown a
trial whose status the sync changed is told the next time they write, and not before.
The registry is tests/fake_ctgov.py, Telegram is benchmarks/fake_bot_api.py: no network."""
from __future__ import annotations

import asyncio
import copy
import threading
from datetime import date, datetime, timezone

import pytest

from benchmarks.fake_bot_api import FakeBotAPI, polling
from bot.engine import Engine
from bot.session_store import SessionStore
from bot.sync_job import SyncJob, schedule
from bot.telegram_app import build_application
from data.store import connect, get_trial, open_store
from fake_ctgov import FakeCtgov, shared_studies
from registry.ctgov_client import CtgovClient

ALICE = 7001
LUPUS = "I'm 34, I have lupus since 2015, mycophenolate didn't help, no HIV, not pregnant"
RECRUITING = ["NCT01785420", "NCT02139605", "NCT02227251"]


@pytest.fixture(scope="module")
def studies():
    found = shared_studies(names=RECRUITING)
    if len(found) != len(RECRUITING):
        pytest.skip("the shared ClinicalTrials.gov study JSON (../shared/ctgov) is absent")
    return found


def registry_update_of_bundled(studies, status: str) -> dict:
    """A registry record of the bundled NCT07193667 posted after the curated one (a real
    study's JSON, renumbered), now with ``status``."""
    study = copy.deepcopy(next(s for s in studies if s["protocolSection"]["identificationModule"]["nctId"] == "NCT02227251"))
    study["protocolSection"]["identificationModule"]["nctId"] = "NCT07193667"
    module = study["protocolSection"]["statusModule"]
    module["overallStatus"] = status
    module["lastUpdatePostDateStruct"] = {"date": "2026-11-20", "type": "ACTUAL"}
    return study


def client_for(fake: FakeCtgov, sleep=lambda seconds: None):
    return lambda: CtgovClient(fake.base_url, sleep=sleep)


def test_a_run_syncs_on_a_connection_of_its_own(db_path, studies):
    open_store(db_path).close()
    with FakeCtgov(studies) as fake:
        job = SyncJob(db_path, client=client_for(fake))
        summary = job.run_once()
    assert sorted(summary.added) == RECRUITING and job.runs == 1 and job.failures == 0
    assert all(get_trial(connect(db_path), nct) for nct in RECRUITING)


def test_a_failing_registry_is_logged_and_the_next_run_continues(db_path, studies, caplog):
    open_store(db_path).close()
    with FakeCtgov(studies) as fake:
        fake.fail_always(1)
        job = SyncJob(db_path, client=client_for(fake))
        assert job.run_once() is None and job.failures == 1
        assert "scheduled sync failed" in caplog.text
        fake.heal()
        assert sorted(job.run_once().added) == RECRUITING


def test_runs_never_overlap(db_path):
    job = SyncJob(db_path, client=lambda: pytest.fail("a second run must not start"))
    with job._running:
        assert job.run_once() is None


def test_the_schedule_is_off_by_default_and_follows_the_setting(db_path, monkeypatch):
    with FakeBotAPI() as api:
        engine = Engine(SessionStore(open_store(db_path)), transport="telegram", gazetteer=None)
        app = build_application(engine, api.token, api.base_url)
        assert "sync_job" not in app.bot_data and not app.job_queue.jobs()
        monkeypatch.setenv("TRIALBOT_SYNC_HOURS", "12")
        app = build_application(engine, api.token, api.base_url)
        assert isinstance(app.bot_data["sync_job"], SyncJob)
        assert app.bot_data["sync_job"].db_path == str(db_path)


def test_a_database_in_memory_is_not_scheduled(fresh_db):
    class App:
        job_queue, bot_data = object(), {}

    assert schedule(App(), fresh_db, hours=1) is None


async def test_over_telegram_a_sync_never_blocks_and_the_change_is_told_at_the_next_message(db_path, studies):
    engine = Engine(SessionStore(open_store(db_path)), transport="telegram", gazetteer=None, today=date(2026, 1, 15))
    release = threading.Event()
    waiting = threading.Event()

    def held(seconds: float) -> None:        # the registry asks to wait: the run holds here
        waiting.set()
        release.wait(30)

    with FakeBotAPI() as api, FakeCtgov([registry_update_of_bundled(studies, "RECRUITING")]) as registry:
        app = build_application(engine, api.token, api.base_url)
        job = SyncJob(str(db_path), client=client_for(registry, sleep=held))
        assert job.run_once().status_changes == []           # a first run: the study as the curator has it
        async with polling(app):
            api.user_says(ALICE, "/start")
            await api.reply_to(ALICE, 0, "who am I talking to")
            api.press(ALICE, "Patient or family")
            api.user_says(ALICE, LUPUS)
            api.user_says(ALICE, "/results")
            await api.until(lambda: any("NCT07193667" in t for t in api.texts(ALICE)), what="results")

            # the registry posts an update; the next (incremental) run meets a rate limit first
            registry.update("NCT07193667", datetime.now(timezone.utc).date().isoformat(), overallStatus="SUSPENDED")
            registry.fail(1, 429, retry_after="5")
            run = asyncio.ensure_future(job.callback())
            await api.until(waiting.is_set, what="the sync run waiting on the registry")
            sent = len(api.texts(ALICE))
            api.user_says(ALICE, "/help")                      # answered while the sync is under way
            await api.reply_to(ALICE, sent, "/forget")
            assert not run.done()
            release.set()
            summary = await run
            assert summary.status_changes == [{"id": "NCT07193667", "from": "RECRUITING", "to": "SUSPENDED"}]

            await asyncio.sleep(0)
            sent = len(api.texts(ALICE))
            assert not any("changed the status" in t for t in api.texts(ALICE))   # nothing unsolicited
            api.user_says(ALICE, "/profile")
            told = "\n".join(await api.reply_to(ALICE, sent, "changed the status"))
    assert "(NCT07193667): recruiting → suspended" in told
