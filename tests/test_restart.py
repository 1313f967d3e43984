"""Stop the Telegram bot in the middle of a conversation, start a new one on the same
database, and the conversation continues where it was: the profile and the pending
question are rebuilt from the event log, and no update is handled twice."""
from __future__ import annotations

from datetime import date

import pytest

from bot.engine import Engine
from bot.session_store import SessionStore
from bot.telegram_app import build_application
from data.store import open_store
from benchmarks.fake_bot_api import FakeBotAPI, polling

ALICE = 7001


@pytest.fixture
def api():
    with FakeBotAPI() as server:
        yield server


def bot(api, db_path):
    """A fresh process's worth of bot: a new connection, engine and Application."""
    engine = Engine(SessionStore(open_store(db_path)), transport="telegram", gazetteer=None, today=date(2026, 1, 15))
    return build_application(engine, api.token, api.base_url)


def buttons(message) -> list[str]:
    return [b["text"] for row in (message.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]


async def test_the_conversation_continues_after_a_restart(api, db_path):
    async with polling(bot(api, db_path)):
        api.user_says(ALICE, "/start")
        await api.reply_to(ALICE, 0, "who am I talking to")
        api.press(ALICE, "Patient or family")
        await api.reply_to(ALICE, 1, "in your own words")
        described = api.user_says(ALICE, "I'm 34, I have lupus since 2015, mycophenolate didn't help, no HIV")
        await api.reply_to(ALICE, 2, "I noted")
    question = api.messages(ALICE)[-1]
    assert "Not sure" in buttons(question)
    sent = len(api.messages(ALICE))

    # the bot is down; the user answers the pending question; Telegram redelivers an
    # update the first bot had handled but not yet confirmed
    api.press(ALICE, "Not sure")
    api.redeliver({"update_id": described, "message": {
        "message_id": 990, "date": 0, "chat": {"id": ALICE, "type": "private"},
        "from": {"id": ALICE, "is_bot": False, "first_name": "Tester"},
        "text": "I'm 34, I have lupus since 2015, mycophenolate didn't help, no HIV"}})

    async with polling(bot(api, db_path)):
        after = await api.reply_to(ALICE, sent, "leave that open")
        assert "already answered" not in "\n".join(after)      # the pending question was rebuilt
        sent = len(api.messages(ALICE))
        api.user_says(ALICE, "/profile")
        profile = (await api.reply_to(ALICE, sent, "What I know so far"))[-1]
    assert "systemic lupus erythematosus since 2015" in profile and "age 34" in profile and "no HIV" in profile
    assert "Left open:" in profile
    db = open_store(db_path)
    facts_events = db.execute("SELECT COUNT(*) FROM events WHERE type = 'facts'").fetchone()[0]
    assert facts_events == 1                                      # the redelivered update was skipped
    noted = [t for t in api.texts(ALICE) if t.startswith("I noted")]
    assert len(noted) == 1


async def test_restart_command_then_process_restart_starts_clean(api, db_path):
    async with polling(bot(api, db_path)):
        api.user_says(ALICE, "/start")
        api.user_says(ALICE, "clinician")
        api.user_says(ALICE, "SLE since 2015, age 40")
        await api.reply_to(ALICE, 2, "Noted")
        api.user_says(ALICE, "/restart")
        await api.reply_to(ALICE, 3, "Started over")
    sent = len(api.messages(ALICE))
    async with polling(bot(api, db_path)):
        api.user_says(ALICE, "/profile")
        profile = (await api.reply_to(ALICE, sent))[-1]
    assert "Empty profile" in profile or "don't know anything yet" in profile
