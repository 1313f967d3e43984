"""What the engine stores and forgets: only extracted facts (never message text), /forget
removes every row about the user, updates are never handled twice, conversations never
mix, and logs carry no message text."""
from __future__ import annotations

import json
import logging

from bot.engine import Engine
from bot.session_store import SessionStore
from bot.tracker import Tracker
from chat_fakes import fake_engine

ALICE, BOB = "tg:1001", "tg:1002"


def rows_about(db, cid: str) -> dict[str, int]:
    return {
        "conversations": db.execute("SELECT COUNT(*) FROM conversations WHERE id = ?", [cid]).fetchone()[0],
        "events": db.execute("SELECT COUNT(*) FROM events WHERE conversation_id = ?", [cid]).fetchone()[0],
        "processed_updates": db.execute("SELECT COUNT(*) FROM processed_updates WHERE conversation_id = ?", [cid]).fetchone()[0],
    }


def everything_stored(db) -> str:
    """Every value in every conversation table, as one string."""
    parts = []
    for table in ("conversations", "events", "processed_updates"):
        for row in db.execute(f"SELECT * FROM {table}").fetchall():
            parts.append(json.dumps(row, ensure_ascii=False))
    return "\n".join(parts)


def test_forget_deletes_every_row_about_the_user_and_says_so(fresh_db):
    engine = fake_engine(SessionStore(fresh_db), transport="telegram")
    engine.start(ALICE, role="patient", update_id=1)
    engine.message(ALICE, "lupus since 2015, tried mycophenolate", update_id=2)
    engine.message(ALICE, "I'm 44", update_id=3)
    engine.start(BOB, role="clinician", update_id=4)
    engine.message(BOB, "SLE, no HIV", update_id=5)
    assert rows_about(fresh_db, ALICE) == {"conversations": 1, "events": rows_about(fresh_db, ALICE)["events"], "processed_updates": 3}
    reply = engine.command(ALICE, "forget", update_id=6)
    assert reply.blocks[0].data["key"] == "forget_done"
    assert reply.blocks[0].data["values"]["count"] > 3
    assert rows_about(fresh_db, ALICE) == {"conversations": 0, "events": 0, "processed_updates": 0}
    assert "1001" not in everything_stored(fresh_db)
    # the other user is untouched
    assert rows_about(fresh_db, BOB)["events"] > 0
    assert [f.concept for f in engine.profile(BOB).facts] == ["sle", "hiv"]


def test_after_forget_the_next_message_starts_from_scratch(fresh_db):
    engine = fake_engine(SessionStore(fresh_db))
    engine.start(ALICE, role="patient")
    engine.message(ALICE, "lupus")
    engine.command(ALICE, "forget")
    reply = engine.start(ALICE)
    assert reply.state == "ROLE"
    assert engine.profile(ALICE).facts == []


def test_message_text_is_never_stored_only_the_spans_facts_need(fresh_db):
    engine = fake_engine(SessionStore(fresh_db))
    engine.start(ALICE, role="patient")
    engine.message(ALICE, "My neighbour Margaret Thistlewood says I have lupus since 2015")
    engine.message(ALICE, "I'm 44 and my phone is 555-0199")
    stored = everything_stored(fresh_db)
    assert "lupus" in stored                          # the span the fact needs
    for private in ("Margaret", "Thistlewood", "neighbour", "555-0199", "phone"):
        assert private not in stored


def test_events_are_an_audit_trail_of_facts_answers_and_results(fresh_db):
    engine = fake_engine(SessionStore(fresh_db))
    engine.start(ALICE, role="patient")
    engine.message(ALICE, "lupus, tried mycophenolate")
    engine.message(ALICE, "no, it was azathioprine")
    engine.message(ALICE, "not sure")
    engine.command(ALICE, "results")
    kinds = [e.type for e in SessionStore(fresh_db).events(ALICE)]
    assert kinds == ["role", "facts", "asked", "correction", "skip", "asked", "shown"]
    shown = SessionStore(fresh_db).events(ALICE)[-1].payload
    signature = shown.pop("signature")      # a digest of ids and verdicts in rank order: no text
    assert len(signature) == 16 and int(signature, 16) >= 0
    assert shown == {"what": "results", "trials": [{"id": "NCT00000001", "verdict": "possible", "status": "RECRUITING"},
                                                    {"id": "local-cd7-tumours", "verdict": "possible", "status": None}],
                     "more": 0}     # the trials shown (with their status: bot.status_changes), and how many more were not


def test_an_update_is_never_handled_twice(fresh_db):
    engine = fake_engine(SessionStore(fresh_db), transport="telegram")
    engine.start(ALICE, role="patient", update_id=10)
    first = engine.message(ALICE, "lupus", update_id=11)
    again = engine.message(ALICE, "lupus", update_id=11)
    assert first is not None and again is None
    assert sum(1 for e in SessionStore(fresh_db).events(ALICE) if e.type == "facts") == 1


def test_a_new_engine_on_the_same_database_continues_where_the_conversation_was(db_path):
    from data.store import connect

    first = fake_engine(SessionStore(connect(db_path)))
    first.start(ALICE, role="patient")
    first.message(ALICE, "lupus since 2015, no HIV")
    asked = first.message(ALICE, "I'm 44")
    assert "pregnant" in str(asked.blocks[-1].data)
    second = fake_engine(SessionStore(connect(db_path)))            # "after a restart"
    welcome = second.start(ALICE)
    assert welcome.state == "ASKING" and welcome.blocks[0].data["key"] == "welcome_back"
    assert "pregnant" in str(welcome.blocks[-1].data)
    reply = second.message(ALICE, "no")
    assert any(f.label == "PREGNANCY" and f.negated for f in second.profile(ALICE).facts)
    assert second.profile(ALICE).age == 44 and reply.state == "LOCATION"


def test_two_conversations_never_see_each_others_facts(fresh_db):
    engine = fake_engine(SessionStore(fresh_db))
    engine.start(ALICE, role="patient")
    engine.start(BOB, role="patient")
    engine.message(ALICE, "lupus, I'm 44, tried rituximab")
    engine.message(BOB, "leukemia, I'm 30")
    alice, bob = engine.profile(ALICE), engine.profile(BOB)
    assert {f.concept for f in alice.facts} == {"sle", "age", "rituximab"}
    assert {f.concept for f in bob.facts} == {"t_all", "age"}
    assert alice.age == 44 and bob.age == 30


def test_the_engine_logs_no_message_text(fresh_db, caplog):
    caplog.set_level(logging.DEBUG)
    engine = fake_engine(SessionStore(fresh_db))
    engine.start(ALICE, role="patient")
    engine.message(ALICE, "Zebulon has lupus since 2015")
    engine.command(ALICE, "results")
    assert "Zebulon" not in caplog.text and "lupus" not in caplog.text


def test_idle_conversations_are_purged_after_the_retention_period(fresh_db):
    from datetime import datetime, timedelta, timezone

    store = SessionStore(fresh_db)
    engine = fake_engine(store)
    engine.start(ALICE, role="patient")
    engine.message(ALICE, "lupus")
    later = datetime.now(timezone.utc) + timedelta(days=31)
    assert store.purge_idle(30, now=later) == 1
    assert rows_about(fresh_db, ALICE) == {"conversations": 0, "events": 0, "processed_updates": 0}


def test_the_tracker_rebuilds_the_same_state_from_the_log(fresh_db):
    store = SessionStore(fresh_db)
    engine = fake_engine(store)
    engine.start(ALICE, role="patient")
    engine.message(ALICE, "lupus since 2015, tried mycophenolate")
    engine.message(ALICE, "no, it was azathioprine")
    rebuilt = Tracker.rebuild(ALICE, store.events(ALICE))
    assert rebuilt.role == "patient" and rebuilt.pending["key"] == "age"
    assert sorted(f.concept for f in rebuilt.profile.facts) == ["azathioprine", "sle"]
    assert isinstance(engine, Engine)


def test_the_city_answer_keeps_only_a_place_never_the_words_around_it(tmp_path):
    """#17: the answer to "Which city do you live in?" was stored word for word."""
    from bot.answering import _place_name
    from core.facts import Fact

    said = [Fact("INFECTION", "hiv", "HIV", status="positive")]
    assert _place_name("a small village, I also have bipolar disorder and my HIV test came back positive",
                       None, said=said, declined=False) is None
    assert _place_name("no", None, said=[], declined=True) is None
    assert _place_name("Shenyang", None, said=[], declined=False) == "Shenyang"

    class Gazetteer:
        def locate(self, name, country=None):
            return type("Place", (), {"name": "Hangzhou"})() if name.strip().lower() == "hangzhou" else None

    assert _place_name("hangzhou", Gazetteer(), said=[], declined=False) == "Hangzhou"
    assert _place_name("my village near the river", Gazetteer(), said=[], declined=False) is None
