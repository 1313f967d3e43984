"""The Telegram bot's scheduled sync: ``sync`` with its default query every
``TRIALBOT_SYNC_HOURS`` hours (0, the default: never), on python-telegram-bot's JobQueue
(the ``job-queue`` extra: APScheduler).

Conversations never wait for it: a run goes to a thread of its own with a database
connection of its own (SQLite in WAL mode: readers carry on; the trials are written in
one transaction when the last page is in, ``registry.sync``), and the job's coroutine only
awaits that thread. Runs never overlap. A run that fails (the registry unreachable or
refusing, a malformed page, a locked database) is logged in one line without any user
data and tried again at the next interval; an interrupted run resumes where it stopped.
Users hear of a status change of a trial they were shown the next time they write
(``bot.status_changes``), never unsolicited.
"""
from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any, Callable

from data.settings import number_setting, setting
from data.store import StoreError, close, connect, db_file

log = logging.getLogger("trialbot.sync")
FIRST_RUN_AFTER = 60.0          # seconds after start-up: the bot answers first, then syncs
DEFAULT_CTGOV_URL = "https://clinicaltrials.gov/api/v2"


class SyncJob:
    """One scheduled sync of the database at ``db_path`` (``client`` makes a registry
    client, a context manager with ``studies_page``; default: the real one at
    ``TRIALBOT_CTGOV_URL``)."""

    def __init__(self, db_path: str, client: Callable[[], Any] | None = None, query: Any = None):
        self.db_path = db_path
        self._client = client
        self._query = query
        self._running = threading.Lock()
        self.runs = 0                  # completed runs
        self.failures = 0
        self.last: Any = None          # the last completed run's registry.sync.Summary

    def run_once(self) -> Any:
        """One run, in the calling thread, on a connection of its own: its summary, or
        None when a run is still going or this one failed (logged, one line)."""
        if not self._running.acquire(blocking=False):
            log.info("scheduled sync: the previous run is still going; this one is skipped")
            return None
        try:
            return self._run()
        finally:
            self._running.release()

    def _run(self) -> Any:
        from registry.ctgov_client import CtgovClient  # start-up: the registry code only when a sync runs
        from registry.sync import Query, SyncError, run_sync  # start-up: the registry code only when a sync runs

        client = self._client or (lambda: CtgovClient(setting("ctgov_url") or DEFAULT_CTGOV_URL))
        try:
            db = connect(self.db_path)
            try:
                with client() as registry:
                    summary = run_sync(db, registry, self._query or Query())
            finally:
                close(db)
        except (SyncError, StoreError) as exc:      # messages name pages, fields and NCT numbers only
            self.failures += 1
            log.warning("scheduled sync failed (tried again at the next interval): %s", exc)
            return None
        except Exception as exc:                    # never the bot's end; say what, never with content
            self.failures += 1
            log.error("scheduled sync failed: %s", type(exc).__name__)
            return None
        self.runs += 1
        self.last = summary
        log.info("scheduled sync: %d studies fetched; %d added, %d updated, %d status change(s)",
                 summary.fetched, len(summary.added), len(summary.updated), len(summary.status_changes))
        return summary

    async def callback(self, context: Any = None) -> Any:
        """The JobQueue callback: the run in a daemon thread (stopping the bot never waits
        for a sync; an unfinished run keeps its pages and changes no trial), awaited
        without blocking the event loop."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future = loop.create_future()

        def work() -> None:
            result = self.run_once()
            try:
                loop.call_soon_threadsafe(lambda: done.done() or done.set_result(result))
            except RuntimeError:                   # the loop closed meanwhile: nobody waits
                pass

        threading.Thread(target=work, name="trialbot-sync", daemon=True).start()
        return await done


def sync_hours() -> float:
    """``TRIALBOT_SYNC_HOURS`` (0: no scheduled sync); ``ValueError`` naming it otherwise."""
    return number_setting("sync_hours")


def schedule(app: Any, db: Any, hours: float | None = None, first: float = FIRST_RUN_AFTER) -> SyncJob | None:
    """Schedule the sync on ``app``'s JobQueue every ``hours`` (default: the setting) for the
    database behind the connection ``db``; None when switched off. A database in memory
    cannot be synced by another connection: logged, not scheduled."""
    hours = sync_hours() if hours is None else hours
    if not hours:
        return None
    path = db_file(db)
    if path is None:
        log.warning("scheduled sync needs a database file; the database is in memory: not scheduled")
        return None
    if app.job_queue is None:
        log.error("TRIALBOT_SYNC_HOURS needs python-telegram-bot's job-queue extra "
                  "(pip install 'python-telegram-bot[job-queue]>=22,<23'): not scheduled")
        return None
    job = SyncJob(path)
    app.job_queue.run_repeating(job.callback, interval=hours * 3600, first=first, name="trialbot-sync")
    app.bot_data["sync_job"] = job
    return job
