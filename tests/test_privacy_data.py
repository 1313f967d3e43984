"""What is stored about a user, for how long, and how it goes: /forget removes every row
about the user in every table; conversations idle past TRIALBOT_RETENTION_DAYS are purged
at start-up and periodically while the Telegram bot runs; the database files are readable
by their owner only; /start says all this; message text is never stored."""
from __future__ import annotations

import os
import stat
from datetime import date, datetime, timedelta, timezone

import pytest

from bot.startup import build_engine
from bot.engine import Channel, Engine
from bot.render import HTML, PLAIN, Renderer
from bot.session_store import SessionStore
from bot.telegram_app import build_application
from chat_fakes import fake_engine
from data.store import connect, open_store
from benchmarks.fake_bot_api import FakeBotAPI, polling

ALICE, BOB = 424242, 515151


def tables(db) -> list[str]:
    return [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]


def mentions(db, *needles: str) -> dict[str, int]:
    """Rows of every table (every column, as text) that contain one of ``needles``."""
    found = {}
    for table in tables(db):
        columns = [r[1] for r in db.execute(f"PRAGMA table_info([{table}])")]
        where = " OR ".join(f"CAST([{c}] AS TEXT) LIKE ?" for c in columns for _ in needles)
        args = [f"%{n}%" for _ in columns for n in needles]
        count = db.execute(f"SELECT COUNT(*) FROM [{table}] WHERE {where}", args).fetchone()[0]
        if count:
            found[table] = count
    return found


def converse(engine: Engine, user: int, first: int, outbox: bool = True) -> None:
    """A Telegram user's conversation, with replies queued in the outbox as Telegram turns are."""
    cid = f"tg:{user}"
    channel = Channel(outbox=(lambda reply: [{"text": "a reply"}]) if outbox else None, chat_id=user)
    engine.start(cid, update_id=first, channel=channel)
    engine.message(cid, "patient", update_id=first + 1, channel=channel)
    engine.message(cid, "lupus since 2015, tried mycophenolate", update_id=first + 2, channel=channel)
    engine.message(cid, "I'm 44", update_id=first + 3, channel=channel)


def test_forget_removes_every_row_about_the_user_from_every_table(fresh_db):
    engine = fake_engine(SessionStore(fresh_db), transport="telegram")
    converse(engine, ALICE, 1)
    converse(engine, BOB, 100)
    before = mentions(fresh_db, str(ALICE))
    assert {"conversations", "events", "processed_updates", "outbox"} <= set(before)   # the scan sees them
    reply = engine.command(f"tg:{ALICE}", "forget", update_id=200)
    assert reply.blocks[0].data["key"] == "forget_done" and not reply.queued
    assert mentions(fresh_db, str(ALICE)) == {}                 # no table, no column, holds the id
    assert fresh_db.execute("SELECT COUNT(*) FROM events WHERE conversation_id = ?", [f"tg:{BOB}"]).fetchone()[0] > 0
    assert engine.profile(f"tg:{BOB}").age == 44                # others keep everything


async def test_forget_over_telegram_deletes_everything_and_the_confirmation_still_arrives(fresh_db):
    with FakeBotAPI() as api:
        app = build_application(fake_engine(SessionStore(fresh_db), transport="telegram"), api.token, api.base_url,
                                maintenance_every=None)
        async with polling(app):
            api.user_says(ALICE, "/start")
            api.user_says(ALICE, "patient")
            api.user_says(ALICE, "lupus since 2015")
            await api.reply_to(ALICE, 2, "How old")
            api.user_says(ALICE, "/forget")
            done = await api.reply_to(ALICE, 3, "I deleted everything")
    assert "If you write to me again, we start from scratch" in done[-1]
    assert mentions(fresh_db, str(ALICE)) == {}


def age(db, cid: str, days: float) -> None:
    """Make a conversation look idle for ``days``."""
    then = (datetime.now(timezone.utc) - timedelta(days=days)).isoformat(timespec="seconds")
    db.execute("UPDATE conversations SET updated_at = ? WHERE id = ?", [then, cid])
    db.execute("UPDATE outbox SET created_at = ? WHERE conversation_id = ?", [then, cid])


def test_idle_conversations_are_purged_at_start_up_after_the_configured_days(db_path, monkeypatch):
    monkeypatch.setenv("TRIALBOT_RETENTION_DAYS", "7")
    db = connect(db_path)
    engine = fake_engine(SessionStore(db), transport="telegram")
    converse(engine, ALICE, 1)
    converse(engine, BOB, 100)
    age(db, f"tg:{ALICE}", 8)
    age(db, f"tg:{BOB}", 6)
    db.close()
    restarted = build_engine(db_path, transport="telegram")     # what both transports run at start-up
    assert restarted.retention_days == 7
    assert mentions(restarted.store.db, str(ALICE)) == {}
    assert mentions(restarted.store.db, str(BOB))


def test_the_retention_setting_is_at_least_a_day_and_falls_back_to_thirty(monkeypatch, fresh_db):
    for raw, days in (("0", 1), ("-5", 1), ("ninety", 30), ("", 30), ("90", 90)):
        monkeypatch.setenv("TRIALBOT_RETENTION_DAYS", raw)
        assert fake_engine(SessionStore(fresh_db)).retention_days == days


async def test_the_telegram_bot_purges_idle_conversations_periodically(db_path):
    db = connect(db_path)
    engine = fake_engine(SessionStore(db), transport="telegram", retention_days=30)
    with FakeBotAPI() as api:
        app = build_application(engine, api.token, api.base_url, maintenance_every=0.05)
        async with polling(app):
            api.user_says(ALICE, "/start")
            api.user_says(BOB, "/start")
            await api.until(lambda: api.messages(ALICE) and api.messages(BOB), what="both greeted")
            assert mentions(db, str(ALICE))
            age(db, f"tg:{ALICE}", 31)                         # a month passes for Alice only
            await api.until(lambda: not mentions(db, str(ALICE)), what="the periodic purge")
        assert mentions(db, str(BOB))


async def test_the_telegram_bot_purges_at_start_up_too(db_path):
    db = connect(db_path)
    engine = fake_engine(SessionStore(db), transport="telegram", retention_days=30)
    converse(engine, ALICE, 1)
    age(db, f"tg:{ALICE}", 45)
    with FakeBotAPI() as api:
        app = build_application(engine, api.token, api.base_url, maintenance_every=None)
        async with polling(app):
            assert mentions(db, str(ALICE)) == {}
    assert api.texts(ALICE) == []                               # purged replies are not sent either


@pytest.mark.parametrize("umask", [0o022, 0o000])
def test_the_database_and_its_journal_files_are_readable_by_the_owner_only(tmp_path, umask):
    old = os.umask(umask)
    try:
        path = tmp_path / "new-folder" / "bot.db"
        engine = fake_engine(SessionStore(connect(str(path))), transport="telegram")
        converse(engine, ALICE, 1)
        files = [p for p in path.parent.iterdir() if p.name.startswith("bot.db")]
        assert {p.name for p in files} >= {"bot.db", "bot.db-wal", "bot.db-shm"}
        for file in files:
            assert stat.S_IMODE(file.stat().st_mode) == 0o600, file.name
    finally:
        os.umask(old)


@pytest.mark.parametrize("role", ["patient", "clinician"])
def test_start_gives_a_privacy_notice_saying_what_is_stored_for_how_long_and_how_to_delete_it(fresh_db, monkeypatch, role):
    monkeypatch.setenv("TRIALBOT_RETENTION_DAYS", "14")
    engine = fake_engine(SessionStore(fresh_db))
    for fmt in (PLAIN, HTML):
        text = "\n".join(Renderer(fmt, engine.texts).render(engine.start(f"cli:{role}-{fmt}", role=role)))
        notice = next(line for line in text.split("\n\n") if "Privacy" in line)
        assert "not the message" in notice                       # what: facts, never the messages
        assert "14 days" in notice                                # for how long (the setting)
        assert "/forget" in notice                                # how to delete it
    again = engine.start(f"cli:{role}-{PLAIN}")                 # said again to a returning user
    assert "privacy" in again.kinds()


def test_real_conversations_store_facts_but_never_the_messages(fresh_db):
    db = open_store(":memory:")
    engine = Engine(SessionStore(db), gazetteer=None, today=date(2026, 1, 15))
    cid = "cli:private"
    engine.start(cid, role="patient")
    engine.message(cid, "My name is Margaret Thistlewood, phone 555-0199, email mt@example.org, "
                        "I have lupus since 2015")
    engine.message(cid, "I'm 44, I live at 12 Orchard Lane, NHS number 943 476 5919, mycophenolate didn't help")
    engine.message(cid, "not sure")
    stored = mentions(db, "Margaret", "Thistlewood", "555-0199", "example.org", "Orchard", "943 476")
    assert stored == {}
    assert mentions(db, "lupus") and mentions(db, "mycophenolate")   # the spans the facts need
