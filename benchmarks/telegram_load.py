"""``bench chat``: the conversation engine's turns, and a Telegram load run.

1. Engine turns: the benchmark conversations (``data/bench_conversations.yaml``) on a fresh
   database holding the bundled trials, each turn timed (``benchmarks/turns.py``).
2. Telegram load: the real bot, ``python bot.py telegram`` in a process of its own (as in
   production: the Bot API's work is not the bot's), on a fresh database, long-polls the
   local fake Bot API server (``benchmarks/fake_bot_api.py``, loopback only, in this
   process) while
   ``--users`` simulated users (200 by default) chat at once: /start, "patient", an opening
   message carrying a number only that user sends (their platelet count), "not sure" (to
   the question about their city: the first results follow), then "ask me more" (as the
   results' button offers: the next question is chosen), 5 messages as issue #17 says.
   Each user sends a message when the previous reply arrived (and went quiet for
   ``QUIET_S``). Reported: turns answered per second, messages sent per second, reply
   latency p50/p95/p99 (message sent to the first piece of its reply), the bot's CPU time
   per turn during the run (its process and its children: engine workers, or the extraction process with TRIALBOT_WORKERS=0), and the check that
   every user got exactly their own replies (a reply for every message, their own number
   echoed back, nobody else's, nothing sent to a chat that did not write) and no reply
   piece twice (``repeated_pieces``: a message identical to the one before it in a chat).
   The bot runs its turns in ``TRIALBOT_WORKERS`` engine worker processes (default 2;
   set the variable to compare, 0: in the bot's own process).
"""
from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks import fake_bot_api
from benchmarks.turns import TODAY, load_script, play, stats, summary

FIRST_USER = 700_000
QUIET_S = 0.2                  # a reply is complete when its chat stayed quiet this long
REPLY_TIMEOUT_S = 300.0
STARTUP_TIMEOUT_S = 300.0


def bench_chat(args: Any) -> dict[str, Any]:
    from bot.commands.telegram import start_engine  # start-up: the store only for commands that open it

    users = max(1, int(getattr(args, "users", 200) or 200))
    with tempfile.TemporaryDirectory(prefix="trialbot-chat-") as folder:
        # the engine as `python bot.py telegram` runs it: extraction in a process of its own
        engine, extraction = start_engine(str(Path(folder) / "chat.db"))
        try:
            engine.today = TODAY
            turns = summary(play(engine, load_script(), prefix="chat"))
        finally:
            if extraction is not None:
                extraction.close()
        load = asyncio.run(telegram_load(Path(folder), fake_bot_api, users))
        load["reply_ms"] = stats(load.pop("latencies"))
    result = {**turns, "telegram": load}
    result["table"] = _table(turns, load)
    if not load["own_replies"]:
        result["error"] = f"{load['wrong_users']} user(s) did not get exactly their own replies"
    elif load["repeated_pieces"]:
        result["error"] = f"{load['repeated_pieces']} reply piece(s) sent twice"
    return result


def user_messages(number: int) -> list[str]:
    """What simulated user ``number`` writes; the platelet count is theirs alone."""
    return ["/start", "patient", f"I'm {20 + number % 50}, I have lupus since 2015, my platelets are "
            f"{100 + number} x10^9/L", "not sure", "ask me more"]


def marker(number: int) -> str:
    return f"platelet count {100 + number} x10^9/L"


async def telegram_load(folder: Path, fake: Any, users: int) -> dict[str, Any]:

    quiet = {name: logging.getLogger(name).level for name in ("httpx", "httpcore", "telegram", "trialbot")}
    for name in quiet:                  # the load run's thousands of requests, not logged
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        return await _load(folder, fake, users)
    finally:
        for name, level in quiet.items():
            logging.getLogger(name).setLevel(level)


async def _load(folder: Path, fake: Any, users: int) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    api = _timed_api(fake.FakeBotAPI, loop)()
    ids = [FIRST_USER + n for n in range(users)]
    latencies: list[float] = []
    with api:
        bot = _start_bot(api, folder)
        try:
            await api.until(lambda: api.calls("getUpdates") or bot.poll() is not None, STARTUP_TIMEOUT_S, "the bot")
            if bot.poll() is not None:
                raise RuntimeError(f"the bot stopped at start-up (exit {bot.returncode}); see {folder / 'bot.log'}")
            began, own_before, cpu_before = time.perf_counter(), _cpu_seconds(bot.pid, False), _cpu_seconds(bot.pid)
            answered = await asyncio.gather(*(_chat(api, uid, n, latencies) for n, uid in enumerate(ids)))
            wall, cpu = time.perf_counter() - began, _cpu_seconds(bot.pid) - cpu_before
            own = _cpu_seconds(bot.pid, False) - own_before
        finally:
            bot.terminate()
            await loop.run_in_executor(None, bot.wait)
        wrong = [uid for n, uid in enumerate(ids) if not _own_replies(api, uid, n, users, answered[n])]
        repeated = sum(_repeated(api.texts(uid)) for uid in ids)
        methods = Counter(call.method for call in api.calls())
        strangers = {c for c in api.sent if c not in set(ids)}
        sent = sum(len(api.sent.get(uid, [])) for uid in ids)
    turns = sum(answered)
    return {"users": users, "messages_per_user": len(user_messages(0)), "turns": turns,
            "seconds": round(wall, 1), "turns_per_s": round(turns / wall, 1), "replies_per_s": round(sent / wall, 1),
            "own_replies": not wrong and not strangers, "wrong_users": len(wrong) + len(strangers),
            "repeated_pieces": repeated, "workers": _workers(),
            "bot_api_calls": {m: methods[m] for m in ("getUpdates", "sendMessage", "sendChatAction")},
            "bot_cpu_ms_per_turn": round(cpu * 1000 / max(1, turns), 1) if cpu >= 0 else None,
            # of which the bot's own process (Bot API traffic, outbox, dispatch; the rest is
            # the engine workers' turns, or the extraction process with TRIALBOT_WORKERS=0)
            "bot_process_cpu_ms_per_turn": round(own * 1000 / max(1, turns), 1) if cpu >= 0 and own >= 0 else None,
            "latencies": latencies}


def _repeated(texts: list[str]) -> int:
    """Messages identical to the one right before them (a piece sent twice)."""
    return sum(1 for before, after in zip(texts, texts[1:]) if before == after)


def _workers() -> str:
    from data.settings import setting  # start-up: settings only when the load runs

    return setting("workers") or "0"


def _cpu_seconds(pid: int, children: bool = True) -> float:
    """CPU time (user + system) of a process and (``children``) its children (the engine
    workers, or the extraction process) from /proc; -1 where there is no /proc."""
    try:
        pids = [pid] + ([int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()] if children else [])
        ticks = 0
        for each in pids:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])       # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return -1.0


def _start_bot(api: Any, folder: Path) -> subprocess.Popen:
    """``python -m bot.cli telegram`` on a database of its own, pointed at the fake server;
    its log (no message text) in ``bot.log`` beside the database."""
    env = dict(os.environ, TELEGRAM_BOT_TOKEN=api.token, TELEGRAM_API_BASE_URL=api.base_url,
               TRIALBOT_DB=str(folder / "telegram.db"), TRIALBOT_RATE_LIMIT="0")
    env.pop("TRIALBOT_DEBUG", None)
    with open(folder / "bot.log", "ab") as log:
        return subprocess.Popen([sys.executable, "-m", "bot.cli", "telegram"], env=env,
                                stdout=log, stderr=subprocess.STDOUT)


def _timed_api(base: type, loop: asyncio.AbstractEventLoop) -> type:
    """The fake server, also noting when each message was sent to each chat and waking the
    simulated user of that chat."""

    class TimedAPI(base):
        def __init__(self):
            super().__init__()
            self.sent: dict[int, list[float]] = {}
            self.events: dict[int, asyncio.Event] = {}
            self._sent_lock = threading.Lock()

        def _api_sendMessage(self, params):
            answer = super()._api_sendMessage(params)
            chat = int(params["chat_id"])
            with self._sent_lock:
                self.sent.setdefault(chat, []).append(time.perf_counter())
            event = self.events.get(chat)
            if event is not None:
                loop.call_soon_threadsafe(event.set)
            return answer

        def count(self, chat: int) -> int:
            with self._sent_lock:
                return len(self.sent.get(chat, []))

    return TimedAPI


async def _chat(api: Any, uid: int, number: int, latencies: list[float]) -> int:
    """One simulated user's conversation; returns how many messages got a reply."""
    event = api.events.setdefault(uid, asyncio.Event())
    answered = 0
    for text in user_messages(number):
        before = api.count(uid)
        event.clear()
        sent_at = time.perf_counter()
        api.user_says(uid, text, name=f"User{number}")
        deadline = sent_at + REPLY_TIMEOUT_S
        while api.count(uid) == before and time.perf_counter() < deadline:
            await _wait(event, deadline - time.perf_counter())
        if api.count(uid) == before:
            break
        latencies.append((api.sent[uid][before] - sent_at) * 1000)
        answered += 1
        while True:                     # the rest of the reply (a reply may be several messages)
            event.clear()
            if not await _wait(event, QUIET_S):
                break
    return answered


async def _wait(event: asyncio.Event, seconds: float) -> bool:
    try:
        await asyncio.wait_for(event.wait(), timeout=max(0.0, seconds))
        return True
    except asyncio.TimeoutError:
        return False


def _own_replies(api: Any, uid: int, number: int, users: int, answered: int) -> bool:
    """A reply to every message; this user's number echoed back; nobody else's."""
    texts = "\n".join(api.texts(uid))
    others = (marker(n) for n in range(users) if n != number)
    return answered == len(user_messages(number)) and marker(number) in texts and not any(m in texts for m in others)


def _table(turns: dict[str, Any], load: dict[str, Any] | None) -> list[tuple[str, Any]]:
    t = turns["turn_ms"]
    rows: list[tuple[str, Any]] = [("engine turn ms p50/p95/p99", f"{t['p50']} / {t['p95']} / {t['p99']} ({t['n']} turns)")]
    if load is not None:
        r = load["reply_ms"]
        rows += [
            ("telegram users x messages", f"{load['users']} x {load['messages_per_user']}"),
            ("engine worker processes (TRIALBOT_WORKERS)", load["workers"]),
            ("telegram turns answered per s", load["turns_per_s"]),
            ("telegram messages sent per s", load["replies_per_s"]),
            ("telegram reply latency ms p50/p95/p99", f"{r.get('p50')} / {r.get('p95')} / {r.get('p99')}"),
            ("bot CPU ms per turn (its process and its engine workers)", load["bot_cpu_ms_per_turn"]),
            ("  of which the bot's own process (Bot API, outbox, dispatch)", load["bot_process_cpu_ms_per_turn"]),
            ("every user got exactly their own replies", "yes" if load["own_replies"] else f"NO ({load['wrong_users']} users)"),
            ("reply pieces sent twice", load["repeated_pieces"]),
            ("Bot API calls: getUpdates / sendMessage / sendChatAction",
             " / ".join(str(n) for n in load["bot_api_calls"].values())),
        ]
    return rows
