"""Telegram errors from the Bot API server (HTTP 5xx, 429 with retry_after, timeouts,
dropped connections) are retried with backoff; no update is processed twice and no reply
is lost: a reply stays in the outbox until Telegram accepted it, and goes out on the
user's next turn, on redelivery of the update, or at start-up. The fake Bot API server
(benchmarks/fake_bot_api.py) injects the faults on 127.0.0.1."""
from __future__ import annotations

import asyncio

import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.engine import Channel
from bot.session_store import SessionStore
from bot.telegram_app import build_application
from bot.telegram_retry import RetryingRequests, RetryPolicy, Timeouts
from chat_fakes import fake_engine
from data.store import connect
from benchmarks.fake_bot_api import FakeBotAPI, polling

ALICE = 6001
FAST = RetryPolicy(attempts=5, backoff=0.01)


@pytest.fixture
def api():
    with FakeBotAPI() as server:
        yield server


def bot(api, db, **options):
    engine = fake_engine(SessionStore(db), transport="telegram")
    options.setdefault("retry", FAST)
    return build_application(engine, api.token, api.base_url, maintenance_every=None, **options)


def facts_events(db) -> int:
    return db.execute("SELECT COUNT(*) FROM events WHERE type = 'facts'").fetchone()[0]


def queued(db) -> int:
    return db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]


async def test_5xx_and_dropped_connections_on_sending_are_retried_and_each_reply_arrives_once(api, fresh_db):
    app = bot(api, fresh_db)
    async with polling(app):
        api.fail_next("sendMessage", 500, times=2)
        api.drop_next("sendMessage")
        api.fail_next("sendMessage", 502, "Bad Gateway")
        api.user_says(ALICE, "/start")
        await api.reply_to(ALICE, 0, "who am I talking to")
        api.user_says(ALICE, "patient")
        api.user_says(ALICE, "lupus since 2015")
        await api.reply_to(ALICE, 2, "How old are you?")
    texts = api.texts(ALICE)
    assert len(texts) == 3 and len(set(texts)) == 3          # nothing lost, nothing doubled
    assert api.faults_left() == 0
    assert facts_events(fresh_db) == 1 and queued(fresh_db) == 0


async def test_a_429_is_retried_after_the_time_telegram_asks_for(api, fresh_db):
    app = bot(api, fresh_db)
    async with polling(app):
        api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
        api.user_says(ALICE, "/start")
        await api.reply_to(ALICE, 0, "who am I talking to")
    sends = api.calls("sendMessage")
    assert len(sends) == 2 and sends[0].params["text"] == sends[1].params["text"]
    assert len(api.texts(ALICE)) == 1


async def test_a_timed_out_request_is_retried(api, fresh_db):
    app = bot(api, fresh_db, timeouts=Timeouts(connect=2, read=1.0, write=2, pool=2))
    async with polling(app):
        api.drop_next("sendMessage", after=3.0)               # the answer never comes in time
        api.user_says(ALICE, "/start")
        await api.reply_to(ALICE, 0, "who am I talking to")
    assert len(api.calls("sendMessage")) == 2 and len(api.texts(ALICE)) == 1


async def test_polling_survives_an_outage_of_the_bot_api_and_handles_each_update_once(api, fresh_db):
    app = bot(api, fresh_db)
    async with polling(app):
        await api.until(lambda: api.calls("getUpdates"), what="polling")
        api.fail_next("getUpdates", 500)
        api.drop_next("getUpdates")
        api.fail_next("getUpdates", 429, "Too Many Requests", retry_after=1)
        await api.until(lambda: api.faults_left() < 3, what="the outage to begin")
        api.user_says(ALICE, "/start")                        # users keep writing during the outage
        api.user_says(ALICE, "patient")
        api.user_says(ALICE, "lupus")
        await api.reply_to(ALICE, 2, "How old are you?")
        assert api.faults_left() == 0
    assert len(api.texts(ALICE)) == 3 and facts_events(fresh_db) == 1


async def test_a_reply_that_cannot_be_delivered_stays_queued_and_goes_out_before_the_next_one(api, fresh_db):
    app = bot(api, fresh_db, retry=RetryPolicy(attempts=2, backoff=0.01))
    async with polling(app):
        api.user_says(ALICE, "/start")
        api.user_says(ALICE, "patient")
        await api.reply_to(ALICE, 1, "in your own words")
        api.fail_next("sendMessage", 503, "Service Unavailable", times=2)   # more than the retries
        api.user_says(ALICE, "lupus")
        await api.until(lambda: api.faults_left() == 0 and queued(fresh_db) == 1, what="a queued reply")
        assert len(api.texts(ALICE)) == 2                      # not delivered yet, but kept
        api.user_says(ALICE, "I'm 44")
        await api.reply_to(ALICE, 2, "age 44")
    texts = api.texts(ALICE)
    assert "How old are you?" in texts[2] and "age 44" in texts[3]   # in order, nothing lost
    assert queued(fresh_db) == 0 and facts_events(fresh_db) == 1


async def test_a_reply_left_queued_by_a_crash_is_sent_at_start_up(api, db_path):
    db = connect(db_path)
    app = bot(api, db)
    transport = app.bot_data["transport"]
    # the previous process recorded the turn with its reply, then died before sending it
    channel = Channel(outbox=transport.pieces, chat_id=ALICE)
    transport.engine.start(f"tg:{ALICE}", update_id=77, channel=channel)
    assert queued(db) == 1 and api.texts(ALICE) == []
    async with polling(app):
        await api.reply_to(ALICE, 0, "who am I talking to")
    assert queued(db) == 0 and len(api.texts(ALICE)) == 1


async def test_a_redelivered_update_sends_its_queued_reply_without_handling_it_again(api, fresh_db):
    app = bot(api, fresh_db)
    transport = app.bot_data["transport"]
    async with polling(app):
        api.user_says(ALICE, "/start")
        api.user_says(ALICE, "patient")
        await api.reply_to(ALICE, 1, "in your own words")
        update = api.text_update(ALICE, "lupus")
        # handled and recorded, then the process stalled before sending (and Telegram redelivers)
        channel = Channel(outbox=transport.pieces, chat_id=ALICE)
        await asyncio.get_running_loop().run_in_executor(
            None, lambda: transport.engine.message(f"tg:{ALICE}", "lupus", update_id=update["update_id"], channel=channel))
        api.redeliver(update)
        await api.reply_to(ALICE, 2, "How old are you?")
    assert len(api.texts(ALICE)) == 3 and facts_events(fresh_db) == 1 and queued(fresh_db) == 0


async def test_after_an_outage_longer_than_the_retries_the_reply_goes_out_when_the_api_is_back(api, fresh_db):
    """#17 item 9: no waiting for the user's next message or the hourly task."""
    app = bot(api, fresh_db, retry=RetryPolicy(attempts=2, backoff=0.01))
    app.bot_data["transport"].redeliver_first = 0.1
    async with polling(app):
        api.user_says(ALICE, "/start")
        await api.reply_to(ALICE, 0, "who am I talking to")
        api.fail_for("sendMessage", 1.5, status=502)           # far longer than the request's retries
        api.user_says(ALICE, "patient")
        await api.until(lambda: queued(fresh_db) == 1 and len(api.calls("sendMessage")) >= 3, what="a queued reply")
        assert len(api.texts(ALICE)) == 1                      # nothing sent yet, the user writes nothing more
        await api.reply_to(ALICE, 1, "in your own words", timeout=15)
        await api.until(lambda: queued(fresh_db) == 0, what="the piece marked delivered")
    assert len(api.texts(ALICE)) == 2                          # once: no copy from the retries


async def test_replies_and_updates_wait_out_refused_connections_and_go_out_once(api, fresh_db):
    app = bot(api, fresh_db, retry=RetryPolicy(attempts=2, backoff=0.01))
    app.bot_data["transport"].redeliver_first = 0.1
    async with polling(app):
        api.user_says(ALICE, "/start")
        await api.reply_to(ALICE, 0, "who am I talking to")
        api.fail_for("sendMessage", 5.0, status=503)
        api.user_says(ALICE, "patient")
        await api.until(lambda: queued(fresh_db) == 1, what="a queued reply")
        api.down()                                             # the Bot API refuses connections
        api.user_says(ALICE, "lupus since 2015")               # Telegram keeps what users write meanwhile
        await asyncio.sleep(1.0)
        api.fail_for("sendMessage", 0.0)
        api.up()
        await api.reply_to(ALICE, 2, "How old are you?", timeout=20)
        await api.until(lambda: queued(fresh_db) == 0, what="the pieces marked delivered")
    texts = api.texts(ALICE)
    assert len(texts) == 3 and "in your own words" in texts[1]  # in order, each once
    assert queued(fresh_db) == 0 and facts_events(fresh_db) == 1


async def test_a_user_who_blocked_the_bot_does_not_hold_up_the_queue(api, fresh_db):
    app = bot(api, fresh_db)
    async with polling(app):
        api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
        api.user_says(ALICE, "/start")
        await api.until(lambda: api.faults_left() == 0 and queued(fresh_db) == 0, what="the refusal")
        api.user_says(ALICE, "patient")                       # unblocked and writing again
        await api.reply_to(ALICE, 0, "in your own words")
    assert len(api.calls("sendMessage")) == 2


# --- the retry policy on its own ---------------------------------------------------------

class Script:
    """A Bot API call that fails as told, then succeeds; the waits are recorded, not slept."""

    def __init__(self, *errors):
        self.errors = list(errors)
        self.calls = 0
        self.waits: list[float] = []

    async def call(self):
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return {"ok": True}

    async def sleep(self, seconds):
        self.waits.append(seconds)


async def run(script, policy=RetryPolicy(attempts=4, backoff=0.5, max_wait=60)):
    limiter = RetryingRequests(policy, sleep=script.sleep)
    return await limiter.process_request(script.call, (), {}, "sendMessage", {}, None)


async def test_network_errors_back_off_exponentially_and_429s_wait_as_asked():
    script = Script(NetworkError("Bad Gateway"), TimedOut(), RetryAfter(7))
    assert await run(script) == {"ok": True}
    assert script.waits == [0.5, 1.0, 7.0] and script.calls == 4


async def test_retries_are_bounded():
    script = Script(*[NetworkError("Internal Server Error")] * 10)
    with pytest.raises(NetworkError):
        await run(script)
    assert script.calls == 4 and script.waits == [0.5, 1.0, 2.0]


@pytest.mark.parametrize("error", [BadRequest("can't parse entities"), Forbidden("blocked"), RetryAfter(3600)])
async def test_what_retrying_cannot_fix_is_not_retried(error):
    script = Script(error)
    with pytest.raises(type(error)):
        await run(script)
    assert script.calls == 1 and script.waits == []
