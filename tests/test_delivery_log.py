"""#17: a reply piece Telegram accepted is noted in the delivery log (``<db>.sent``) the
moment the answer arrives, so a bot killed before the piece left the outbox does not send
it again after a restart (bot/delivery_log.py). The log holds keys (update id, position),
never text."""
from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from bot.delivery_log import DeliveryLog, read_keys
from bot.engine import Channel
from bot.session_store import SessionStore
from bot.telegram_app import build_application
from bot.telegram_retry import RetryPolicy
from chat_fakes import fake_engine
from data.store import connect
from benchmarks.fake_bot_api import FakeBotAPI, polling

ALICE = 7001


def app_on(api, db):
    engine = fake_engine(SessionStore(db), transport="telegram")
    return build_application(engine, api.token, api.base_url, maintenance_every=None,
                             retry=RetryPolicy(attempts=3, backoff=0.01))


def queued(db) -> int:
    return db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]


def test_keys_one_a_line_and_a_line_cut_short_by_a_crash_is_ignored(tmp_path):
    log = DeliveryLog(tmp_path / "x.db.sent")
    log.append((41, 0))
    log.append((41, 1))
    log.close()
    with open(tmp_path / "x.db.sent", "ab") as file:
        file.write(b"42 ")                       # the write a kill cut short
    assert read_keys(tmp_path / "x.db.sent") == {(41, 0), (41, 1)}
    assert (tmp_path / "x.db.sent").read_bytes().startswith(b"41 0\n41 1\n")


def test_recover_deletes_the_noted_pieces_then_empties_the_log_and_rotation_keeps_them(tmp_path):
    log = DeliveryLog(tmp_path / "x.db.sent")
    log.append((1, 0))
    assert log.rotate() and not log.rotate()    # an older log still waiting: not rotated again
    log.append((2, 0))
    assert log.keys() == {(1, 0), (2, 0)}
    deleted: list = []
    log.close()
    assert log.recover(deleted.extend) == 2 and sorted(deleted) == [(1, 0), (2, 0)]
    assert not (tmp_path / "x.db.sent").exists() and not (tmp_path / "x.db.sent.old").exists()
    assert DeliveryLog.beside(None) is None      # an in-memory database has none


async def test_a_piece_noted_as_accepted_is_not_sent_again_at_start_up(db_path):
    db = connect(db_path)
    with FakeBotAPI() as api:
        app = app_on(api, db)
        transport = app.bot_data["transport"]
        # the last run recorded the turn with its reply, sent both pieces, noted the first as
        # accepted, and was killed before either left the outbox
        channel = Channel(outbox=lambda reply: [{"text": "first"}, {"text": "second"}], chat_id=ALICE)
        transport.engine.start(f"tg:{ALICE}", update_id=77, channel=channel)
        assert queued(db) == 2
        DeliveryLog.beside(db_path).append((77, 0))
        async with polling(app):
            await api.until(lambda: queued(db) == 0, what="the outbox emptied")
        assert api.texts(ALICE) == ["second"]           # the first is not sent twice, the second not lost
    assert not Path(db_path + ".sent").exists()      # applied at start-up, and again at the clean stop


async def test_the_log_notes_a_piece_as_soon_as_telegram_answers_before_the_outbox_delete(db_path):
    db = connect(db_path)
    with FakeBotAPI() as api:
        app = app_on(api, db)
        transport = app.bot_data["transport"]
        engine_thread = threading.Event()
        turns = transport.turns
        original = turns.delivered

        def delayed(cid, ids):                  # the delete waits (a busy engine thread)
            async def later():
                await asyncio.get_running_loop().run_in_executor(None, engine_thread.wait, 10)
                original(cid, ids)
            asyncio.get_running_loop().create_task(later())

        turns.delivered = delayed
        async with polling(app):
            update_id = api.user_says(ALICE, "/start")
            await api.until(lambda: len(api.texts(ALICE)) >= 1, what="the reply")
            await asyncio.sleep(0.2)
            sent = read_keys(Path(db_path + ".sent"))
            assert (update_id, 0) in sent and queued(db) >= 1   # noted, not yet deleted: a kill now repeats nothing
            assert set(Path(db_path + ".sent").read_bytes()) <= set(b"0123456789 \n")   # numbers only, no text
            engine_thread.set()
            await api.until(lambda: queued(db) == 0, what="the outbox emptied")
        assert not Path(db_path + ".sent").exists()      # a clean stop leaves no log
