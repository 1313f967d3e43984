"""#17 item 1: `kill -9` of the real `python bot.py telegram` in the middle of a burst of
updates, then a restart: every update is answered exactly once.

The bot long-polls the fake Bot API server (benchmarks/fake_bot_api.py) on 127.0.0.1.
Twenty users write five messages each, all at once. The bot is killed twice: once while
it is working through the burst (updates fetched but not yet handled, replies being sent),
once while Telegram holds its sendMessage calls (turns committed, their replies waiting in
the outbox, requests in flight that never get an answer); each time it is started again on
the same database, and at the end stopped cleanly. Every user wrote the same words but
their own platelet count, so every chat must show the same replies (digits aside), each
once, with their own number and nobody else's: an update lost or answered twice shows as
a chat that differs.

Telegram's Bot API has no idempotency key: a message Telegram accepted just before the
kill, before the bot could note it as delivered, is sent again after the restart (at least
once, never lost). The bot notes a delivery on a thread of its own right after the answer,
but during a burst many sends are in flight at once and, on a loaded machine, their answers
wait tens of milliseconds for the bot's interpreter: a kill timed right after a send
catches several (3 to 8 of 20-30 chats in our runs). So the test allows, for the kill
mid-burst only, the piece being sent to a chat at that kill to appear a second time right
after the restart (at most once per chat), counts such repeats and prints them; the kill
under a hold, where no answer is in transit, must leave none."""
from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.fake_bot_api import FakeBotAPI

ROOT = Path(__file__).resolve().parent.parent
USERS = [880_000 + n for n in range(20)]
WAIT = 90.0          # the most one step may take before the test gives up (a bound, not a measure)


def messages(number: int) -> list[str]:
    return ["/start", "patient", f"I have lupus since 2015, my platelets are {150 + number} x10^9/L",
            "not sure", "/profile"]


def platelets(number: int) -> str:
    return f"{150 + number} x10^9/L"


class Bot:
    """`python bot.py telegram` on a database, pointed at the fake Bot API."""

    def __init__(self, api: FakeBotAPI, db: Path, log: Path):
        env = dict(os.environ, TELEGRAM_BOT_TOKEN=api.token, TELEGRAM_API_BASE_URL=api.base_url,
                   TRIALBOT_DB=str(db), TRIALBOT_RATE_LIMIT="0")
        env.pop("TRIALBOT_DEBUG", None)
        self.api, self.polls = api, len(api.calls("getUpdates"))
        self.log = open(log, "a")
        self.process = subprocess.Popen([sys.executable, str(ROOT / "bot.py"), "telegram"], cwd=str(ROOT),
                                        env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def polling(self) -> None:
        until(lambda: len(self.api.calls("getUpdates")) > self.polls or self.process.poll() is not None, "polling")
        assert self.process.poll() is None, "the bot stopped at start-up"

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=WAIT)
        self.log.close()

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=WAIT)
        self.log.close()
        return code


def until(predicate, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def settle(api: FakeBotAPI, quiet: float = 0.3) -> None:
    """Wait until the fake API has taken no message for ``quiet`` seconds: a request the
    killed bot had fully written is still being handled by the server's thread."""
    last, since = sent(api), time.monotonic()
    while time.monotonic() - since < quiet:
        time.sleep(0.02)
        now = sent(api)
        if now != last:
            last, since = now, time.monotonic()


def _one_repeat_dropped(chat: list, cut: int) -> tuple[list, bool]:
    """The chat without one piece that repeats the piece before it at the first kill (the
    count of pieces the fake API held right after it, give or take the one in flight)."""
    for k in (cut, cut + 1, cut - 1):
        if 0 < k < len(chat) and chat[k] == chat[k - 1]:
            return chat[:k] + chat[k + 1:], True
    return chat, False


def sent(api: FakeBotAPI) -> int:
    return sum(len(api.messages(uid)) for uid in USERS)


def query(db: Path, sql: str) -> list[tuple]:
    raw = sqlite3.connect(str(db), timeout=30)
    try:
        return raw.execute(sql).fetchall()
    finally:
        raw.close()


def shape(text: str) -> str:
    return re.sub(r"\d+", "#", text)


@pytest.mark.slow          # three start-ups of the real bot
def test_kill_9_during_a_burst_loses_no_update_and_answers_each_once(tmp_path):
    db, log = tmp_path / "bot.db", tmp_path / "bot.log"
    with FakeBotAPI() as api:
        update_ids = [api.user_says(uid, text) for step in range(5)
                      for n, uid in enumerate(USERS) for text in [messages(n)[step]]]

        bot = Bot(api, db, log)
        bot.polling()
        until(lambda: sent(api) >= 15, "the first replies")
        bot.kill()                                          # 1: mid-burst
        settle(api)                                         # a request sent just before the kill lands
        before_restart = {uid: len(api.messages(uid)) for uid in USERS}
        assert api.pending_updates() > 0                    # what was fetched but not handled is still there

        bot = Bot(api, db, log)
        bot.polling()
        until(lambda: sent(api) >= 45, "more replies")
        api.hold("sendMessage")                             # 2: sends in flight, replies in the outbox
        until(lambda: api.holding() > 0, "a held send")
        until(lambda: query(db, "SELECT COUNT(*) FROM outbox")[0][0] > 1, "replies waiting in the outbox")
        time.sleep(0.3)
        bot.kill()
        api.release("sendMessage", drop=True)               # the killed bot never got an answer

        bot = Bot(api, db, log)
        bot.polling()
        until(lambda: len(query(db, "SELECT update_id FROM processed_updates")) == len(update_ids)
              and query(db, "SELECT COUNT(*) FROM outbox")[0][0] == 0, "every update handled and its reply sent")
        assert bot.stop() == 0                              # a clean stop confirms what was handled
        assert api.pending_updates() == 0

    handled = sorted(row[0] for row in query(db, "SELECT update_id FROM processed_updates"))
    assert handled == sorted(update_ids)                    # 0 lost: every update's turn committed
    facts = query(db, "SELECT conversation_id, COUNT(*) FROM events WHERE type = 'facts' GROUP BY conversation_id")
    assert sorted(count for _, count in facts) == [1] * len(USERS)   # no turn handled twice

    chats = {uid: [shape(t) for t in api.texts(uid)] for uid in USERS}
    # the only difference allowed: the piece being sent at the first kill, sent once more
    # first thing after the restart (Telegram took it in the instant before the kill, before
    # the bot could note it): one piece right after the same piece, around the first kill;
    # never at the kill under the hold
    collapsed = {uid: _one_repeat_dropped(chat, before_restart[uid]) for uid, chat in chats.items()}
    usual = Counter(tuple(c) for c, _ in collapsed.values()).most_common(1)[0][0]
    assert len(usual) >= len(messages(0))
    repeats = 0
    for n, uid in enumerate(USERS):
        texts = "\n".join(api.texts(uid))
        assert platelets(n) in texts                        # their own number came back...
        assert not any(platelets(m) in texts for m in range(len(USERS)) if m != n)   # ...nobody else's
        chat, repeated = collapsed[uid]
        assert chat == list(usual), f"chat {n} differs"
        repeats += repeated
    print(f"pieces sent twice (Telegram took them just before the mid-burst kill): {repeats} of {len(USERS)} chats")
