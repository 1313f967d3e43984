"""SIGKILL in the middle of a burst of messages: the database stays consistent (WAL and one
transaction per turn), no turn is half-written, and a restarted bot continues every
conversation to exactly where an uninterrupted run would have taken it.

A small driver process runs the conversation engine (with the stand-in collaborators of
chat_fakes, so it starts in a fraction of a second) on a database file, reading
"conversation<TAB>update id<TAB>text" lines from stdin and printing "done <update id>"
after each committed turn. The test compares the killed database with a reference run
turn by turn."""
from __future__ import annotations

import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

from bot.session_store import SessionStore
from chat_fakes import fake_engine
from data.store import connect

ROOT = Path(__file__).resolve().parent.parent
WAIT = 60.0          # the most a step may take before the test gives up (a bound, not a measure)

DRIVER = r'''
import os, sys, time
sys.path[:0] = [sys.argv[2], sys.argv[3]]
from bot.session_store import SessionStore
from chat_fakes import fake_engine
from data.store import connect

db = connect(sys.argv[1])
engine = fake_engine(SessionStore(db), transport="telegram")
stall_at = int(os.environ.get("STALL_AT_UPDATE") or 0)
current = [0]
if stall_at:
    real_execute = db.execute
    def execute(sql, parameters=None):
        result = real_execute(sql, parameters)
        if current[0] == stall_at and sql.startswith("INSERT INTO events"):
            print("stalled", flush=True)        # one event of the turn written, not committed
            time.sleep(600)
        return result
    db.execute = execute
print("ready", flush=True)
for line in sys.stdin:
    cid, uid, text = line.rstrip("\n").split("\t", 2)
    current[0] = int(uid)
    if text == "/start":
        engine.start(cid, update_id=int(uid))
    else:
        engine.message(cid, text, update_id=int(uid))
    print("done", uid, flush=True)
'''

SCRIPT = ["/start", "patient", "lupus since 2015, tried mycophenolate", "I'm 44", "no",
          "not sure", "Hangzhou", "/profile", "rituximab too", "no, it was belimumab", "results"]
CONVERSATIONS = [f"tg:{9000 + n}" for n in range(6)]


def burst() -> list[tuple[str, int, str]]:
    """Every conversation's script, interleaved as concurrent users would send it."""
    lines, update_id = [], 0
    for step in SCRIPT:
        for cid in CONVERSATIONS:
            update_id += 1
            lines.append((cid, update_id, step))
    return lines


def logs(db) -> dict[str, list[tuple[str, dict]]]:
    store = SessionStore(db)
    return {cid: [(e.type, e.payload) for e in store.events(cid)] for cid in CONVERSATIONS}


def reference() -> tuple[dict[str, list], dict[str, list[int]]]:
    """The uninterrupted run: every conversation's final log, and its log length after
    each of its turns (the only lengths a consistent database may show)."""
    db = connect(":memory:")
    engine = fake_engine(SessionStore(db), transport="telegram")
    boundaries = {cid: [0] for cid in CONVERSATIONS}
    for cid, update_id, text in burst():
        if text == "/start":
            engine.start(cid, update_id=update_id)
        else:
            engine.message(cid, text, update_id=update_id)
        boundaries[cid].append(len(SessionStore(db).events(cid)))
    return logs(db), boundaries


class Driver:
    def __init__(self, tmp_path: Path, db_path: str, stall_at: int | None = None):
        script = tmp_path / "driver.py"
        script.write_text(DRIVER)
        env = dict(os.environ, STALL_AT_UPDATE=str(stall_at or ""))
        self.process = subprocess.Popen(
            [sys.executable, str(script), db_path, str(ROOT), str(ROOT / "tests")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        assert self.next() == "ready"

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.strip())
        self.lines.put(None)

    def next(self) -> str | None:
        try:
            return self.lines.get(timeout=WAIT)
        except queue.Empty:
            self.kill()
            raise AssertionError("the driver stopped answering") from None

    def send(self, lines) -> None:
        self.process.stdin.write("".join(f"{cid}\t{uid}\t{text}\n" for cid, uid, text in lines))
        self.process.stdin.flush()

    def finish(self) -> list[str]:
        self.process.stdin.close()
        done = []
        while (line := self.next()) is not None:
            done.append(line)
        assert self.process.wait(timeout=WAIT) == 0, self.process.stderr.read()
        return done

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=WAIT)


def assert_consistent(db_path: str, boundaries: dict[str, list[int]], final: dict[str, list]) -> int:
    """Integrity, and every conversation's log is exactly the reference log after as many
    turns as its processed updates say: no half-written turn. Returns turns committed."""
    raw = sqlite3.connect(db_path)
    try:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        raw.close()
    db = connect(db_path)
    committed = 0
    for cid, log in logs(db).items():
        turns = db.execute("SELECT COUNT(*) FROM processed_updates WHERE conversation_id = ?", [cid]).fetchone()[0]
        assert len(log) == boundaries[cid][turns], f"{cid}: {len(log)} events after {turns} turns"
        assert log == final[cid][:len(log)]
        seqs = [row[0] for row in db.execute("SELECT seq FROM events WHERE conversation_id = ? ORDER BY seq", [cid])]
        assert seqs == list(range(1, len(seqs) + 1))
        committed += turns
    db.close()
    return committed


def test_sigkill_during_a_burst_leaves_a_consistent_database_and_every_conversation_continues(tmp_path):
    final, boundaries = reference()
    lines = burst()
    db_path = str(tmp_path / "bot.db")
    driver = Driver(tmp_path, db_path)
    driver.send(lines)                                  # the whole burst arrives at once
    acknowledged = 0
    while acknowledged < len(lines) // 2:
        line = driver.next()
        assert line is not None and line.startswith("done")
        acknowledged += 1
    driver.kill()                                       # mid-burst, no chance to clean up
    committed = assert_consistent(db_path, boundaries, final)
    assert acknowledged <= committed < len(lines)       # every acknowledged turn survived

    restarted = Driver(tmp_path, db_path)               # Telegram redelivers everything unconfirmed
    restarted.send(lines)
    assert len(restarted.finish()) == len(lines)
    assert logs(connect(db_path)) == final              # every conversation continued to the end
    assert_consistent(db_path, boundaries, final)


def test_sigkill_inside_a_turns_transaction_leaves_no_trace_of_that_turn(tmp_path):
    final, boundaries = reference()
    lines = burst()
    stall = next(uid for cid, uid, text in lines if text.startswith("lupus") and cid == CONVERSATIONS[2])
    db_path = str(tmp_path / "bot.db")
    driver = Driver(tmp_path, db_path, stall_at=stall)
    driver.send(lines)
    while (line := driver.next()) != "stalled":
        assert line is not None and line.startswith("done")
    driver.kill()                                       # one event of the turn is written, uncommitted

    committed = assert_consistent(db_path, boundaries, final)
    assert committed == stall - 1
    db = connect(db_path)
    assert db.execute("SELECT COUNT(*) FROM processed_updates WHERE update_id = ?", [stall]).fetchone()[0] == 0
    assert not [e for e in SessionStore(db).events(CONVERSATIONS[2]) if e.type == "facts"]
    db.close()

    restarted = Driver(tmp_path, db_path)
    restarted.send(lines)
    restarted.finish()
    assert logs(connect(db_path)) == final


def test_the_database_runs_in_wal_mode(tmp_path):
    db = connect(str(tmp_path / "bot.db"))
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
