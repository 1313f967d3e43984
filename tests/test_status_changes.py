"""Issue #18: a user is told, the next time they write (never unsolicited), that a trial
they were shown has changed status since; once. In the engine (both transports) and in the
CLI chat across sessions (--session). What is kept is trial ids and statuses only."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from bot.engine import Engine
from bot.render import PLAIN, Renderer
from bot.session_store import Event, SessionStore
from bot.status_changes import changes, last_seen
from data.store import connect, get_trial, open_store, upsert_trials

ROOT = Path(__file__).resolve().parent.parent
CID = "tg:42"
LUPUS = "I'm 34, I have lupus since 2015, mycophenolate didn't help, no HIV, not pregnant"
TITLE = "CAR-T in Subjects With Relapsed/Refractory Autoimmune Disease"


def said(reply) -> str:
    return "\n".join(Renderer(PLAIN).render(reply))


def with_status(db, trial_id: str, status: str) -> None:
    upsert_trials(db, [dict(get_trial(db, trial_id), status=status)], "bundled")


def test_a_status_change_is_told_at_the_next_turn_once(db_path):
    db = open_store(db_path)
    engine = Engine(SessionStore(db), gazetteer=None, today=date(2026, 1, 15))
    engine.start(CID, role="patient")
    engine.message(CID, LUPUS)
    assert "NCT07193667" in said(engine.message(CID, "results"))
    assert "changed the status" not in said(engine.message(CID, "/help"))      # nothing changed yet
    with_status(db, "NCT07193667", "SUSPENDED")            # what a sync bringing the registry's status does
    reply = said(engine.message(CID, "/profile"))
    assert reply.startswith("Since you last saw them, the registry changed the status of:")
    assert f"{TITLE} (NCT07193667): recruiting → suspended" in reply
    assert "changed the status" not in said(engine.message(CID, "/help"))      # told once
    with_status(db, "NCT07193667", "RECRUITING")
    assert "(NCT07193667): suspended → recruiting" in said(engine.press(CID, "cmd:profile"))


def test_only_ids_and_statuses_are_kept(db_path):
    db = open_store(db_path)
    engine = Engine(SessionStore(db), gazetteer=None, today=date(2026, 1, 15))
    engine.start(CID, role="clinician")
    engine.message(CID, LUPUS)
    engine.message(CID, "results")
    with_status(db, "NCT07193667", "TERMINATED")
    engine.message(CID, "/help")
    told = [e.payload for e in engine.store.events(CID) if e.type == "status_told"]
    assert told == [{"trials": {"NCT07193667": "TERMINATED"}}]
    shown = [e.payload for e in engine.store.events(CID) if e.type == "shown"][-1]
    assert set(shown["trials"][0]) == {"id", "verdict", "status"}


def test_forget_removes_what_was_shown(db_path):
    db = open_store(db_path)
    engine = Engine(SessionStore(db), gazetteer=None, today=date(2026, 1, 15))
    engine.start(CID, role="patient")
    engine.message(CID, LUPUS)
    engine.message(CID, "results")
    engine.message(CID, "/forget")
    with_status(db, "NCT07193667", "COMPLETED")
    assert "changed the status" not in said(engine.start(CID, role="patient"))


def test_a_trial_gone_from_the_store_or_shown_without_a_status_is_not_mentioned():
    events = [Event(1, "shown", {"what": "results", "trials": [{"id": "A", "verdict": "likely", "status": "RECRUITING"},
                                                              {"id": "B", "verdict": "possible"}]}, ""),
              Event(2, "status_told", {"trials": {"A": "SUSPENDED"}}, "")]
    seen = last_seen(events)
    assert seen == {"A": "SUSPENDED"}                        # B was shown before statuses were kept
    assert changes(seen, {}) == []                           # A no longer stored: nothing true to say
    assert changes(seen, {"A": ("SUSPENDED", "t")}) == []
    assert changes(seen, {"A": ("RECRUITING", "t")}) == [{"id": "A", "title": "t", "old": "SUSPENDED",
                                                          "new": "RECRUITING"}]


def test_the_cli_chat_tells_a_resumed_session_what_changed_in_between(tmp_path):
    env = {**os.environ, "TRIALBOT_DB": str(tmp_path / "chat.db")}

    def chat(lines, *args):
        done = subprocess.run([sys.executable, str(ROOT / "bot.py"), "chat", *args], input="\n".join(lines) + "\n",
                              capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout

    first = chat([LUPUS, "show me"], "--role", "patient", "--session", "carol")
    assert "NCT07193667" in first
    db = connect(tmp_path / "chat.db")
    with_status(db, "NCT07193667", "NOT_YET_RECRUITING")
    db.close()
    again = chat(["/profile"], "--session", "carol")
    assert f"{TITLE} (NCT07193667): recruiting → not yet recruiting" in again
    assert "changed the status" not in chat(["/profile"], "--session", "carol")
