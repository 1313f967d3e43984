"""Chinese over Telegram (the real python-telegram-bot Application against the loopback fake
Bot API, with the stand-ins of chat_fakes.py): Chinese messages get Chinese replies and
Chinese buttons, a button pressed keeps the language, and the command menu is also set in
Chinese for users whose Telegram speaks it."""
from __future__ import annotations

import pytest

from benchmarks.fake_bot_api import FakeBotAPI, polling
from bot.session_store import SessionStore
from bot.telegram_app import build_application
from chat_fakes import fake_engine

ALICE = 6001


@pytest.fixture
def api():
    with FakeBotAPI() as server:
        yield server


def keyboard(message) -> list[str]:
    return [b["text"] for row in (message.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]


async def test_a_chinese_conversation_over_telegram(api, fresh_db):
    app = build_application(fake_engine(SessionStore(fresh_db), transport="telegram"), api.token, api.base_url)
    async with polling(app):
        api.user_says(ALICE, "/start")
        await api.reply_to(ALICE, 0, "who am I talking to")
        api.user_says(ALICE, "你好，我想为我妈妈找临床试验")
        # "for my mum": a relative writes; everyday wording at once, no role question
        replies = await api.reply_to(ALICE, 1, "请用您自己的话")
        assert "couldn't find anything" not in "\n".join(replies)
        assert not any("请问您是哪一位" in r for r in replies)
        sent = len(api.messages(ALICE))
        api.user_says(ALICE, "/language en")
        await api.reply_to(ALICE, sent, "answer in English")
    menus = {c.params.get("language_code"): c.params["commands"] for c in api.calls("setMyCommands")}
    assert set(menus) >= {None, "zh"}
    assert [c["command"] for c in menus["zh"]] == [c["command"] for c in menus[None]]
    assert any("切换语言" in c["description"] for c in menus["zh"])
