"""End to end over Telegram: the real python-telegram-bot Application long-polls a fake
Bot API server on 127.0.0.1 (benchmarks/fake_bot_api.py), users type and press buttons, and
the test checks what the bot sent. The main conversation runs the real pipeline
(extraction, matching, bundled trials); mechanics tests use the small stand-ins."""
from __future__ import annotations

import logging
from datetime import date

import pytest

from bot.engine import Engine
from bot.session_store import SessionStore
from bot.telegram_app import build_application, configure_logging
from chat_fakes import fake_engine
from data.store import open_store
from benchmarks.fake_bot_api import FakeBotAPI, polling

ALICE, BOB = 5001, 5002
TODAY = date(2026, 1, 15)


@pytest.fixture
def api():
    with FakeBotAPI() as server:
        yield server


def real_engine(path) -> Engine:
    return Engine(SessionStore(open_store(path)), transport="telegram", gazetteer=None, today=TODAY)


def keyboard(message) -> list[str]:
    return [b["text"] for row in (message.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]


async def test_a_patient_conversation_with_buttons_reaches_results(api, db_path):
    app = build_application(real_engine(db_path), api.token, api.base_url)
    app.bot_data["transport"].typing_after = 0        # "typing…" at once (by default only for a slow turn)
    async with polling(app):
        api.user_says(ALICE, "/start")
        first = await api.reply_to(ALICE, 0, "who am I talking to")
        assert "Privacy" in first[0] and "/forget" in first[0]
        assert keyboard(api.messages(ALICE)[-1]) == ["Patient or family", "Clinician"]

        api.press(ALICE, "Patient or family")
        await api.reply_to(ALICE, 1, "in your own words")
        role_message = api.messages(ALICE)[0]
        assert role_message["text"].endswith("✓ Patient or family") and "reply_markup" not in role_message

        api.user_says(ALICE, "I'm 34, I have lupus since 2015, mycophenolate and belimumab didn't help, no HIV")
        noted = await api.reply_to(ALICE, 2, "I noted")
        assert "systemic lupus erythematosus since 2015" in noted[-1]
        assert "no HIV" in noted[-1] and "age 34" in noted[-1]
        question = api.messages(ALICE)[-1]
        assert "Show results" in keyboard(question)

        sent = len(api.messages(ALICE))
        api.press(ALICE, "Not sure" if "Not sure" in keyboard(question) else "Show results")
        await api.reply_to(ALICE, sent)

        sent = len(api.messages(ALICE))
        api.press(ALICE, "Show results")
        results = "\n".join(await api.reply_to(ALICE, sent, "Only the trial team can decide"))
        assert "may qualify" in results
        assert "NCT05030779" in results or "NCT07193667" in results
        assert "Contacts:" in results
    assert api.calls("answerCallbackQuery") and api.calls("editMessageText")
    typing = [c for c in api.calls("sendChatAction") if c.params.get("action") == "typing"]
    assert typing and all(c.params["chat_id"] == ALICE for c in typing)
    commands = api.calls("setMyCommands")[-1].params["commands"]
    assert [c["command"] for c in commands] == ["start", "help", "profile", "results", "summary", "trials",
                                                "trial", "role", "language", "restart", "forget"]
    for call in api.calls("sendMessage"):
        assert call.params["parse_mode"] == "HTML"


async def test_without_aiohttp_the_bot_talks_to_the_bot_api_over_httpx(api, fresh_db, monkeypatch):
    from bot import telegram_http

    monkeypatch.setattr(telegram_http, "available", lambda: False)
    app = build_application(fake_engine(SessionStore(fresh_db), transport="telegram"), api.token, api.base_url)
    assert type(app.bot.request).__name__ == "HTTPXRequest"
    async with polling(app):
        api.user_says(ALICE, "/start")
        await api.reply_to(ALICE, 0)


async def test_two_users_at_once_never_see_each_others_data(api, db_path):
    app = build_application(real_engine(db_path), api.token, api.base_url)
    async with polling(app):
        for user in (ALICE, BOB):
            api.user_says(user, "/start")
        await api.until(lambda: len(api.messages(ALICE)) >= 1 and len(api.messages(BOB)) >= 1)
        api.press(ALICE, "Patient or family")
        api.press(BOB, "Clinician")
        api.user_says(ALICE, "I have lupus since 2015, I'm 34")
        api.user_says(BOB, "52 year old man with Crohn's disease, infliximab failed")
        api.user_says(ALICE, "/profile")
        api.user_says(BOB, "/profile")
        await api.until(lambda: any("What I know so far" in t for t in api.texts(ALICE))
                        and any("Profile:" in t for t in api.texts(BOB)), what="both profiles")
    mine = lambda user: "\n".join(t for t in api.texts(user) if "What I know" in t or "Profile:" in t)
    alice, bob = mine(ALICE), mine(BOB)
    assert "systemic lupus erythematosus" in alice and "age 34" in alice
    assert "Crohn" not in alice and "infliximab" not in alice and "age 52" not in alice and "male" not in alice
    assert "Crohn" in bob and "infliximab" in bob and "age 52" in bob
    assert "lupus" not in bob and "age 34" not in bob
    for user in (ALICE, BOB):
        assert all(message["chat"]["id"] == user for message in api.messages(user))


async def test_one_users_messages_are_handled_in_order(api, fresh_db):
    app = build_application(fake_engine(SessionStore(fresh_db), transport="telegram"), api.token, api.base_url)
    async with polling(app):
        api.user_says(ALICE, "/start")
        api.user_says(ALICE, "patient")
        api.user_says(ALICE, "lupus")
        api.user_says(ALICE, "I'm 44")
        api.user_says(ALICE, "/profile")
        await api.until(lambda: any("What I know so far" in t for t in api.texts(ALICE)))
    texts = api.texts(ALICE)
    assert "who am I talking to" in texts[0]
    assert "in your own words" in texts[1]
    assert "How old are you?" in texts[2]
    assert "age 44" in texts[3]
    assert "• age 44" in texts[4] and "systemic lupus erythematosus" in texts[4]


async def test_non_text_messages_get_a_polite_explanation_and_nothing_is_stored(api, fresh_db):
    app = build_application(fake_engine(SessionStore(fresh_db), transport="telegram"), api.token, api.base_url)
    async with polling(app):
        for kind in ("photo", "sticker", "voice", "document"):
            api.user_sends(ALICE, kind)
        await api.until(lambda: len(api.messages(ALICE)) == 4)
    assert all("I can only read text" in t for t in api.texts(ALICE))
    assert fresh_db.execute("SELECT COUNT(*) FROM conversations").fetchone()[0] == 0


async def test_group_chats_are_refused_and_nothing_is_stored(api, fresh_db):
    app = build_application(fake_engine(SessionStore(fresh_db), transport="telegram"), api.token, api.base_url)
    async with polling(app):
        api.group_says(-100, ALICE, "/start")
        api.group_says(-100, ALICE, "I have lupus")
        await api.until(lambda: len(api.messages(-100)) == 2)
    assert all("private chats" in t for t in api.texts(-100))
    assert fresh_db.execute("SELECT COUNT(*) FROM conversations").fetchone()[0] == 0


async def test_long_replies_are_split_and_every_piece_is_valid_html(api, fresh_db):
    many = [{"id": f"local-{n}", "nct_id": None, "status": "RECRUITING", "criteria": [],
             "title": f"Study {n} of CAR-T <cells> & friends " + "x" * 60} for n in range(120)]
    engine = fake_engine(SessionStore(fresh_db), transport="telegram")
    engine._trials_source = many
    app = build_application(engine, api.token, api.base_url)
    async with polling(app):
        api.user_says(ALICE, "/trials")
        await api.until(lambda: any("Study 119" in t for t in api.texts(ALICE)))
    texts = api.texts(ALICE)
    assert len(texts) >= 3
    assert all(len(t.encode("utf-16-le")) // 2 <= 4096 for t in texts)
    joined = "\n".join(texts)
    assert joined.count("CAR-T <cells> & friends") == 120          # escaped, shown as typed
    assert not any("went wrong" in t for t in texts)


async def test_a_redelivered_update_is_not_handled_twice(api, fresh_db):
    app = build_application(fake_engine(SessionStore(fresh_db), transport="telegram"), api.token, api.base_url)
    async with polling(app):
        api.user_says(ALICE, "/start")
        api.user_says(ALICE, "patient")
        update_id = api.user_says(ALICE, "lupus")
        await api.reply_to(ALICE, 2, "How old")
        api.redeliver({"update_id": update_id, "message": {
            "message_id": 999, "date": 0, "chat": {"id": ALICE, "type": "private"},
            "from": {"id": ALICE, "is_bot": False, "first_name": "Tester"}, "text": "lupus"}})
        api.user_says(ALICE, "I'm 44")
        await api.reply_to(ALICE, 3, "age 44")
    assert len(api.texts(ALICE)) == 4
    facts = fresh_db.execute("SELECT COUNT(*) FROM events WHERE type = 'facts'").fetchone()[0]
    assert facts == 1


async def test_logs_carry_neither_the_token_nor_message_text(api, fresh_db, caplog):
    configure_logging(api.token, level=logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    app = build_application(fake_engine(SessionStore(fresh_db), transport="telegram"), api.token, api.base_url)
    async with polling(app):
        api.user_says(ALICE, "/start")
        api.user_says(ALICE, "patient")
        api.user_says(ALICE, "Quentavia has lupus since 2015")
        await api.reply_to(ALICE, 2, "I noted")
    assert api.token not in caplog.text
    assert "Quentavia" not in caplog.text and "lupus" not in caplog.text


async def test_a_missing_token_is_a_clear_error(fresh_db):
    from bot.telegram_app import TokenMissing

    with pytest.raises(TokenMissing, match="TELEGRAM_BOT_TOKEN"):
        build_application(fake_engine(SessionStore(fresh_db)), "", None)


def test_the_command_without_a_token_exits_with_one_line(tmp_path, monkeypatch, capsys):
    from bot.cli import main

    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert main(["telegram", "--db", str(tmp_path / "x.db")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("trialbot: error: TELEGRAM_BOT_TOKEN is not set") and err.count("\n") == 1


async def test_webhook_mode_takes_updates_posted_with_the_secret(api, fresh_db):
    pytest.importorskip("tornado")          # python-telegram-bot[webhooks]
    import socket

    import httpx

    from bot.telegram_app import webhook_options

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/trialbot-hook"
    options = webhook_options(url, "127.0.0.1", port)
    app = build_application(fake_engine(SessionStore(fresh_db), transport="telegram"), api.token, api.base_url)
    async with app:
        await app.start()
        await app.updater.start_webhook(**options)
        try:
            async with httpx.AsyncClient(trust_env=False, timeout=10) as client:
                refused = await client.post(url, json=api.text_update(ALICE, "/start"),
                                            headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})
                accepted = await client.post(url, json=api.text_update(ALICE, "/start"),
                                             headers={"X-Telegram-Bot-Api-Secret-Token": options["secret_token"]})
            assert refused.status_code == 403 and accepted.status_code == 200
            await api.reply_to(ALICE, 0, "who am I talking to")
        finally:
            await app.updater.stop()
            await app.stop()
    registered = api.calls("setWebhook")[-1].params
    assert registered["url"] == url and registered["secret_token"] == options["secret_token"]
    assert api.token not in url
    assert len(api.texts(ALICE)) == 1
