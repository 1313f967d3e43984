"""A locked, read-only, full or corrupt database: a clear error saying which, the turn that
hit it leaves nothing behind, nobody else's data is lost, and a file that is not a usable
database is never overwritten, truncated or deleted."""
from __future__ import annotations

import io
import os
import sqlite3

import pytest

from bot.cli import main
from bot.cli_chat import run_chat
from bot.engine import Channel
from bot.session_store import SessionStore
from chat_fakes import fake_engine
from data.store import STORE_FAULTS, StoreError, connect, open_store, store_error

ALICE, BOB = "tg:1", "tg:2"


@pytest.fixture(autouse=True)
def _short_busy_timeout(monkeypatch):
    """Give up on a locked database after 50 ms instead of 10 s (TRIALBOT_DB_TIMEOUT)."""
    monkeypatch.setenv("TRIALBOT_DB_TIMEOUT", "0.05")


def alice_talked(path: str):
    """A database where Alice has a conversation; returns (engine, her events)."""
    engine = fake_engine(SessionStore(connect(path)), transport="telegram")
    engine.start(ALICE, role="patient", update_id=1)
    engine.message(ALICE, "lupus since 2015, tried mycophenolate", update_id=2)
    return engine, snapshot(path, ALICE)


def snapshot(path: str, cid: str) -> list[tuple]:
    raw = sqlite3.connect(path)
    try:
        return raw.execute("SELECT seq, type, payload FROM events WHERE conversation_id = ? ORDER BY seq", [cid]).fetchall()
    finally:
        raw.close()


def rows_of(path: str, cid: str) -> int:
    raw = sqlite3.connect(path)
    try:
        return sum(raw.execute(f"SELECT COUNT(*) FROM {table} WHERE {column} = ?", [cid]).fetchone()[0]
                   for table, column in (("conversations", "id"), ("events", "conversation_id"),
                                         ("processed_updates", "conversation_id"), ("outbox", "conversation_id")))
    finally:
        raw.close()


# --- locked ----------------------------------------------------------------------------

def test_a_database_locked_by_another_writer_is_a_clear_error_and_nothing_is_half_written(db_path):
    engine, before = alice_talked(db_path)
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")                      # another program holds the write lock
    with pytest.raises(StoreError) as caught:
        engine.message(BOB, "lupus, I'm 30", update_id=3)
    assert caught.value.kind == "locked" and caught.value.transient
    assert "locked by another program" in str(caught.value) and db_path in str(caught.value)
    other.execute("ROLLBACK")
    other.close()
    assert rows_of(db_path, BOB) == 0                      # the failed turn left nothing
    assert snapshot(db_path, ALICE) == before               # nobody else lost anything
    assert engine.message(BOB, "lupus, I'm 30", update_id=3) is not None   # sent again: taken in
    assert engine.profile(BOB).age == 30


def test_a_database_locked_exclusively_cannot_even_be_opened_and_says_so(db_path):
    engine, _ = alice_talked(db_path)
    engine.store.db.close()
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("PRAGMA locking_mode = EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")
    other.execute("INSERT INTO meta (key, value) VALUES ('x', 'y')")
    other.execute("COMMIT")                               # keeps the file lock in exclusive mode
    try:
        with pytest.raises(StoreError) as caught:
            connect(db_path)
        assert caught.value.kind == "locked"
    finally:
        other.close()
    assert connect(db_path).execute("SELECT value FROM meta WHERE key = 'x'").fetchone() == ("y",)


def test_the_cli_chat_tells_the_user_and_carries_on_when_the_database_is_busy(db_path):
    engine = fake_engine(SessionStore(connect(db_path)))
    holder: list[sqlite3.Connection] = []

    class Input(io.StringIO):
        """Locks the database before the second message, unlocks before the third."""

        def readline(self, *args):
            line = super().readline(*args)
            if line.startswith("I'm 44"):
                holder.append(sqlite3.connect(db_path, isolation_level=None))
                holder[0].execute("BEGIN EXCLUSIVE")
            elif holder and line.startswith("I'm 45"):
                holder[0].execute("ROLLBACK")
            return line

    out, err = io.StringIO(), io.StringIO()
    code = run_chat(engine, "busy", role="patient", stdin=Input("lupus\nI'm 44\nI'm 45\n"), stdout=out,
                    stderr=err, interactive=False)
    assert code == 0
    assert err.getvalue().count("\n") == 1 and "locked by another program" in err.getvalue()
    assert "couldn't save that" in out.getvalue()
    assert engine.profile("cli:busy").age == 45           # the chat went on afterwards


# --- read-only -------------------------------------------------------------------------

def test_a_read_only_database_is_a_clear_error_and_its_data_stays(db_path):
    engine, before = alice_talked(db_path)
    engine.store.db.execute("PRAGMA query_only = ON")       # what a read-only file does to writes
    with pytest.raises(StoreError) as caught:
        engine.message(ALICE, "I'm 44", update_id=3)
    assert caught.value.kind == "read_only" and not caught.value.transient
    assert "read-only" in str(caught.value)
    with pytest.raises(StoreError):
        engine.command(ALICE, "forget", update_id=4)
    assert snapshot(db_path, ALICE) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only files; the query_only test covers it")
def test_a_read_only_file_and_folder_give_a_clear_error(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    path = str(folder / "bot.db")
    engine, before = alice_talked(path)
    engine.store.db.close()
    os.chmod(path, 0o400)
    os.chmod(folder, 0o500)
    try:
        with pytest.raises(StoreError) as caught:
            reopened = fake_engine(SessionStore(connect(path)), transport="telegram")
            reopened.message(ALICE, "I'm 44", update_id=3)
        assert caught.value.kind in ("read_only", "unavailable")
    finally:
        os.chmod(folder, 0o700)
        os.chmod(path, 0o600)
    assert snapshot(path, ALICE) == before


# --- full disk -------------------------------------------------------------------------

def test_a_full_disk_is_a_clear_error_the_turn_is_rolled_back_and_others_keep_their_data(db_path):
    engine, before = alice_talked(db_path)
    db = engine.store.db
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")          # not one page more: the "disk" is full
    # a Telegram turn stores its rendered reply with it: this one needs new pages
    channel = Channel(outbox=lambda reply: [{"text": "reply " * 20_000}], chat_id=2)
    with pytest.raises(StoreError) as caught:
        engine.message(BOB, "lupus, I'm 30", update_id=3, channel=channel)
    assert caught.value.kind == "full" and "disk is full" in str(caught.value)
    assert rows_of(db_path, BOB) == 0
    assert snapshot(db_path, ALICE) == before
    db.execute("PRAGMA max_page_count = 1073741823")          # space freed
    assert engine.message(BOB, "lupus, I'm 30", update_id=3, channel=channel) is not None
    assert rows_of(db_path, BOB) > 0


def test_a_write_failing_half_way_through_a_turn_leaves_no_half_turn(db_path, monkeypatch):
    engine, before = alice_talked(db_path)
    db = engine.store.db
    real_execute = db.execute
    inserted: list[str] = []

    def execute(sql, parameters=None):
        if sql.startswith("INSERT INTO events"):
            inserted.append(sql)
            if len(inserted) == 2:                            # the second event of the turn
                raise sqlite3.OperationalError("database or disk is full")
        return real_execute(sql, parameters)

    monkeypatch.setattr(db, "execute", execute)
    with pytest.raises(StoreError) as caught:
        engine.message(ALICE, "I'm 44 and I also took belimumab", update_id=3)
    assert caught.value.kind == "full"
    monkeypatch.undo()
    assert snapshot(db_path, ALICE) == before                # neither event of the turn was kept
    assert not engine.store.is_processed(3)                  # so the update is handled when sent again
    assert engine.message(ALICE, "I'm 44 and I also took belimumab", update_id=3) is not None


# --- corrupt ---------------------------------------------------------------------------

def test_a_file_that_is_not_a_database_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "bot.db"
    garbage = bytes(range(256)) * 64
    path.write_bytes(garbage)
    with pytest.raises(StoreError) as caught:
        connect(str(path))
    assert caught.value.kind == "corrupt"
    assert "left untouched" in str(caught.value) and "backup" in str(caught.value)
    assert path.read_bytes() == garbage
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bot.db"]     # no journal files made


def test_every_command_on_a_corrupt_database_prints_one_line_and_keeps_the_file(tmp_path, capsys, monkeypatch):
    path = tmp_path / "bot.db"
    garbage = b"SQLite format 3\x00" + os.urandom(4000)               # a header, then garbage
    path.write_bytes(garbage)
    monkeypatch.setattr("sys.stdin", io.StringIO("hello\n"))
    for argv in (["chat", "--role", "patient"], ["trials"], ["trial", "NCT05030779"]):
        assert main(["--db", str(path), *argv]) != 0
        err = capsys.readouterr().err
        assert err.startswith("trialbot: error: database") and err.count("\n") == 1, err
        assert "Traceback" not in err
    assert path.read_bytes() == garbage


def test_pages_damaged_after_opening_give_a_clear_error_not_a_traceback(db_path):
    engine, _ = alice_talked(db_path)
    for n in range(3, 60):
        engine.message(f"tg:{n}", "lupus since 2015, tried mycophenolate and rituximab, no HIV " * 20, update_id=n)
    engine.store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = os.path.getsize(db_path)
    with open(db_path, "r+b") as handle:                     # a disk error scribbles over the pages
        handle.seek(4096)
        handle.write(os.urandom(size - 4096))
    damaged = open(db_path, "rb").read()
    with pytest.raises(StoreError) as caught:
        reopened = fake_engine(SessionStore(connect(db_path)), transport="telegram")
        reopened.message(ALICE, "I'm 44", update_id=100)
    assert caught.value.kind == "corrupt"
    assert open(db_path, "rb").read() == damaged


def test_sqlite_messages_are_named_for_what_they_mean():
    cases = {
        "database is locked": "locked", "database table is locked": "locked",
        "attempt to write a readonly database": "read_only",
        "database or disk is full": "full",
        "file is not a database": "corrupt", "database disk image is malformed": "corrupt",
        "unable to open database file": "unavailable",
        "no such table: conversations": "other",
    }
    for message, kind in cases.items():
        error = store_error(sqlite3.OperationalError(message), "/srv/bot.db")
        assert error.kind == kind and kind in STORE_FAULTS, message
        assert str(error).startswith("database /srv/bot.db ") and message in str(error)
    assert store_error(PermissionError(13, "Permission denied"), "/srv/bot.db").kind == "unavailable"


def test_open_store_on_a_directory_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="is a directory"):
        open_store(str(tmp_path))
