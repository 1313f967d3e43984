"""Engine turns in worker processes, so the Telegram bot uses every core.

``EngineWorkers(db_path, count).start()`` launches ``count`` children
(``python -m bot.engine_workers``), each with its own engine on the database: its own
SQLite connection, its own language pipeline, its own trial plans. The bot's process keeps
the Bot API traffic (python-telegram-bot's event loop) and the outbox bookkeeping; the
turns (extraction, matching, wording, the commit) run in the workers in parallel.

- A conversation's turns always go to the same worker (its id, hashed), one after the
  other: one user's turns stay in order (the transport also holds a per-conversation lock)
  and two workers never write one conversation. SQLite (WAL) serialises the workers'
  commits; each turn commits in one transaction with its update id and its reply, as in
  one process.
- Delivered reply pieces are deleted by the conversation's worker too, in batches (with
  the next request to it, or within ``DELETE_AFTER_S``): always before a later read of
  that conversation's queued pieces, so nothing delivered is read back as pending.
- A call sends the ``TurnCall`` (message text included: it crosses a local socket pair and
  is never stored or logged) and gets the ``Outcome`` back; calls to one worker are
  pipelined (answers come back in order). An error in a turn comes back as its type only
  (a database fault as the ``StoreError``, for its message and kind), never with text.
- A worker that died (killed, crashed) fails the turns it held (the user gets the usual
  error note) and is started again for the next turn.
- A child ends when the bot closes its end of the socket or exits, however it exits (a
  ``kill -9`` of the bot included: the socket closes, the child finishes the turn it is on,
  then stops). Children run in a session of their own (Ctrl-C is the bot's to handle).
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import gc
import os
import pickle
import socket
import subprocess
import zlib
from typing import Any

from bot.delivery_log import DeliveryLog
from bot.session_store import Pending
from bot.telegram_turns import Outcome, TurnCall, run_turn
from core import child
from data.errors import DataError
from data.store import StoreError

READY_TIMEOUT_S = 600.0
DELETE_AFTER_S = 0.1        # delivered pieces wait at most this long to be deleted in a batch


class WorkerGone(RuntimeError):
    """An engine worker stopped while it held a turn."""


class TurnFailed(RuntimeError):
    """A turn raised in the worker; the message is the error's type only (never text)."""


def _frame(message: Any) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return len(data).to_bytes(8, "big") + data


def _recv_blocking(sock: socket.socket) -> Any:
    def exactly(size: int) -> bytes:
        chunks, left = [], size
        while left:
            chunk = sock.recv(min(left, 1 << 20))
            if not chunk:
                raise EOFError("the other end closed")
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    return pickle.loads(exactly(int.from_bytes(exactly(8), "big")))


class _Worker:
    """One child and the futures of the turns it holds, oldest first."""

    def __init__(self, db_path: str, number: int):
        self.db_path, self.number = db_path, number
        self.process: subprocess.Popen | None = None
        self.sock: socket.socket | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._reader_task: asyncio.Task | None = None
        self._waiting: collections.deque[asyncio.Future] = collections.deque()
        self._connecting: asyncio.Lock | None = None
        self._delivered: list[int] = []     # pieces to delete, sent with the next request or soon
        self._soon: asyncio.TimerHandle | None = None

    def spawn(self) -> None:
        self.process, self.sock = child.spawn("bot.engine_workers", ["--db", self.db_path])

    def wait_ready(self) -> None:
        """Block until the child has its engine warmed up; raise what building it raised."""
        assert self.sock is not None
        self.sock.settimeout(READY_TIMEOUT_S)
        try:
            answer = _recv_blocking(self.sock)
        except (EOFError, OSError):
            raise WorkerGone(f"engine worker {self.number} stopped at start-up") from None
        finally:
            self.sock.settimeout(None)
        if answer[0] != "ready":
            raise answer[1]

    async def ask(self, request: tuple) -> Any:
        """Send a request that has an answer; wait for it."""
        if self._writer is None or self._writer.is_closing():
            await self._connect()
        future = asyncio.get_running_loop().create_future()
        self._waiting.append(future)
        assert self._writer is not None
        self._send_delivered()                 # deletes asked for before this request go first
        self._writer.write(_frame(request))
        answer = await future
        if answer[0] == "ok":
            return answer[1]
        if answer[0] == "store":
            raise StoreError(answer[1], answer[2])
        raise TurnFailed(answer[1])

    def delivered(self, piece_ids: list[int]) -> None:
        """Ask for delivered pieces to be deleted: batched, sent before the next request
        to this worker or within ``DELETE_AFTER_S``, whichever comes first (no answer; a
        worker not running drops them: the delivery log covers them)."""
        self._delivered.extend(piece_ids)
        if self._soon is None:
            self._soon = asyncio.get_running_loop().call_later(DELETE_AFTER_S, self._send_delivered)

    def _send_delivered(self) -> None:
        if self._soon is not None:
            self._soon.cancel()
            self._soon = None
        if self._delivered and self._writer is not None and not self._writer.is_closing():
            self._writer.write(_frame(("delivered", self._delivered)))
        self._delivered = []

    async def _connect(self) -> None:
        if self._connecting is None:
            self._connecting = asyncio.Lock()
        async with self._connecting:
            if self._writer is not None and not self._writer.is_closing():
                return
            if self.process is None or self.process.poll() is not None:     # gone: a new one
                await asyncio.get_running_loop().run_in_executor(None, self._respawn)
            reader, self._writer = await asyncio.open_connection(sock=self.sock)
            self._reader_task = asyncio.create_task(self._read(reader), name=f"trialbot:worker-{self.number}")

    def _respawn(self) -> None:
        self._stop()
        self.spawn()
        self.wait_ready()

    async def _read(self, reader: asyncio.StreamReader) -> None:
        try:
            while True:
                size = int.from_bytes(await reader.readexactly(8), "big")
                answer = pickle.loads(await reader.readexactly(size))
                future = self._waiting.popleft()
                if not future.done():
                    future.set_result(answer)
        except (asyncio.IncompleteReadError, ConnectionError, OSError):
            pass
        finally:
            writer, self._writer = self._writer, None
            if writer is not None:
                writer.close()
            self.sock = None
            while self._waiting:
                future = self._waiting.popleft()
                if not future.done():
                    future.set_exception(WorkerGone(f"engine worker {self.number} stopped"))

    def _stop(self) -> None:
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
            self.sock = None
        if self.process is not None:
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def close(self) -> None:
        self._send_delivered()
        if self._reader_task is not None:
            self._reader_task.cancel()
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        self._stop()


class EngineWorkers:
    """``count`` engine worker processes on the database at ``db_path`` (see module doc)."""

    def __init__(self, db_path: str, count: int):
        self.db_path = str(db_path)
        self.workers = [_Worker(self.db_path, n) for n in range(max(1, count))]

    def start(self) -> "EngineWorkers":
        """Launch every child and wait until each is ready (they warm up in parallel)."""
        try:
            for worker in self.workers:
                worker.spawn()
            for worker in self.workers:
                worker.wait_ready()
        except BaseException:
            self.close()
            raise
        return self

    def worker_for(self, cid: str) -> int:
        return zlib.crc32(cid.encode()) % len(self.workers)

    async def run(self, call: TurnCall) -> Outcome:
        return await self.workers[self.worker_for(call.cid)].ask(("turn", call))

    async def pending(self, cid: str) -> list[Pending]:
        return await self.workers[self.worker_for(cid)].ask(("pending", cid))

    def delivered(self, cid: str, piece_ids: list[int]) -> None:
        self.workers[self.worker_for(cid)].delivered(piece_ids)

    def close(self) -> None:
        for worker in self.workers:
            worker.close()


# --- the child ---------------------------------------------------------------------------

def serve(sock: socket.socket, db_path: str) -> None:
    from bot.render import HTML, Renderer  # start-up: the engine only in the child
    from bot.startup import build_engine  # start-up: the engine only in the child
    from data.store import close  # start-up: the store only in the child

    parent = os.getppid()
    try:
        engine = build_engine(db_path, transport="telegram")
        store = engine.store
        sent = DeliveryLog.beside(db_path)
        if sent is not None:            # a worker started again: what the bot noted as sent stays unsent
            store.delivered_keys(sent.keys())
        engine.warm_up()
        renderer = Renderer(HTML, engine.texts)
    except BaseException as exc:       # a broken data file or database: the bot says so
        try:
            sock.sendall(_frame(("failed", _portable(exc))))
        except OSError:
            pass
        return
    gc.collect()
    gc.freeze()                        # the loaded models and plans are never collected again
    sock.sendall(_frame(("ready",)))
    try:
        while True:
            try:
                kind, body = _recv_blocking(sock)
            except (EOFError, OSError):
                break
            if os.getppid() != parent:  # the bot was killed: what it had queued here is not done
                break
            try:
                if kind == "delivered":
                    store.delivered_all(body)
                    continue
                result = run_turn(engine, renderer, body) if kind == "turn" else store.pending(body)
                answer: tuple = ("ok", result)
            except StoreError as exc:
                if kind == "delivered":
                    continue            # the delivery log keeps them

                answer = ("store", str(exc), exc.kind)
            except Exception as exc:   # the type only: a message may quote what the user wrote
                answer = ("error", type(exc).__name__)
            try:
                sock.sendall(_frame(answer))
            except OSError:
                break
    finally:
        close(engine.store.db)


def _portable(exc: BaseException) -> BaseException:
    """The error as the bot can raise it: a data or store error as it is (they name a file
    or a database, never user text), anything else as its type."""
    if isinstance(exc, (DataError, StoreError)):
        try:
            pickle.loads(pickle.dumps(exc))
            return exc
        except Exception:
            return StoreError(str(exc))
    return WorkerGone(f"engine worker failed at start-up: {type(exc).__name__}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.engine_workers")
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--db", required=True)
    args = parser.parse_args(argv)
    serve(socket.socket(fileno=args.fd), args.db)


if __name__ == "__main__":
    main()
