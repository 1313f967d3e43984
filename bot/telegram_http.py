"""The Bot API's HTTP client for the Telegram bot: aiohttp under python-telegram-bot.

python-telegram-bot talks HTTP through a ``BaseRequest``; its own is httpx. Measured
against the fake Bot API (benchmarks/fake_bot_api.py), one ``sendMessage`` through
python-telegram-bot cost the bot's process 1.9 ms of CPU with httpx and 0.8 ms with
aiohttp (C-accelerated HTTP parsing, no per-request scan of the connection pool), and its
parameters go as a JSON body (the form encoding of a long reply cost aiohttp ~0.5 ms per
request): at 200
simultaneous users the bot's own process, which does all Bot API traffic, is what limits
the reply rate (docs/benchmarks.md). The Application uses it for every request, polling
included (a connection of its own). Without aiohttp installed the bot uses httpx as before
(``request()`` returns None).

``AiohttpRequest`` keeps python-telegram-bot's contract: ``do_request`` returns the status
and the body (python-telegram-bot turns 4xx/5xx into its errors), a timeout is ``TimedOut``,
any other transport failure ``NetworkError``; the timeouts are the ``Timeouts`` of
bot/telegram_retry.py (a write timeout has no aiohttp equivalent: the read timeout covers
the answer). It never logs anything (the URL carries the token).
"""
from __future__ import annotations

import asyncio
import importlib.util
import json
from typing import Any

from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest

DefaultValue = type(BaseRequest.DEFAULT_NONE)     # python-telegram-bot's "not given" marker
_JSON = {"Content-Type": "application/json"}


def available() -> bool:
    return importlib.util.find_spec("aiohttp") is not None


class AiohttpRequest(BaseRequest):
    def __init__(self, connections: int, read: float, connect: float, pool: float):
        self._connections, self._read, self._connect, self._pool = connections, read, connect, pool
        self._session: Any = None

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        import aiohttp  # start-up: the HTTP client only for the bot

        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=self._connections))

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(self, url: str, method: str, request_data: Any = None,
                         read_timeout: Any = BaseRequest.DEFAULT_NONE, write_timeout: Any = BaseRequest.DEFAULT_NONE,
                         connect_timeout: Any = BaseRequest.DEFAULT_NONE,
                         pool_timeout: Any = BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        import aiohttp  # start-up: the HTTP client only for the bot

        if self._session is None:
            raise RuntimeError("AiohttpRequest is not initialized")
        read = self._read if isinstance(read_timeout, DefaultValue) else read_timeout
        connect = self._connect if isinstance(connect_timeout, DefaultValue) else connect_timeout
        pool = self._pool if isinstance(pool_timeout, DefaultValue) else pool_timeout
        timeout = aiohttp.ClientTimeout(total=None, connect=pool, sock_connect=connect, sock_read=read)
        data: Any = None
        headers = None
        if request_data is not None:
            if request_data.contains_files:
                form = aiohttp.FormData()
                for name, value in request_data.json_parameters.items():
                    form.add_field(name, value)
                for name, (filename, content, mime) in request_data.multipart_data.items():
                    form.add_field(name, content, filename=filename, content_type=mime)
                data = form
            else:                           # a JSON body (the Bot API takes one): no form encoding
                data, headers = json.dumps(request_data.parameters).encode("utf-8"), _JSON
        try:
            async with self._session.request(method, url, data=data, headers=headers, timeout=timeout) as response:
                return response.status, await response.read()
        except asyncio.TimeoutError as err:
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{type(err).__name__}") from err


def request(connections: int, read: float, connect: float, pool: float) -> AiohttpRequest | None:
    """The aiohttp request for the Application, or None without aiohttp (httpx then)."""
    return AiohttpRequest(connections, read, connect, pool) if available() else None
