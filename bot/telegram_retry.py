"""Retries of Bot API requests, through python-telegram-bot's rate-limiter hook.

Every request the bot makes except ``getUpdates`` goes through the Application's rate
limiter (``ApplicationBuilder.rate_limiter``); ``RetryingRequests`` is ours. It tells
``accepted(endpoint)`` the moment Telegram answered a request, before the answer is parsed
(the transport notes a reply piece as delivered there: bot/delivery_log.py). It retries:

* a 429 (``RetryAfter``): after the ``retry_after`` seconds Telegram asks for, when that
  is at most ``RetryPolicy.max_wait`` (a longer wait is not done inside one turn: the reply
  stays in the outbox and goes out later);
* a timeout (``TimedOut``), an HTTP 5xx or a dropped connection (``NetworkError``): after
  ``backoff`` seconds, doubling each time;

at most ``attempts`` times in all. At most ``CONCURRENT_REQUESTS`` requests are in flight
at once (the rest wait their turn here; the Application's connection pool has as many
connections). A request Telegram refused for what it is (400
``BadRequest``, 403 ``Forbidden``, 401/404 ``InvalidToken``, 409 ``Conflict``) is never
retried. ``getUpdates`` is retried by our polling loop (``bot/telegram_polling.py``: growing
pauses, honouring 429s), so updates are not lost while the Bot API is down.

A retry after a timeout may deliver a message twice (Telegram may have taken the first
attempt): a duplicate is preferred over a lost reply.
"""
from __future__ import annotations

import asyncio
import logging
import warnings
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter

log = logging.getLogger("trialbot.telegram")
# requests in flight at once (getUpdates aside): more wait here, in order, instead of in
# httpx's connection pool, whose every request scans every waiting request and connection.
# Telegram itself takes about 30 messages a second from a bot, so 8 at ~100 ms each is
# plenty; and at most this many reply pieces can be in flight when the bot is killed (the
# only pieces a restart may send twice: bot/delivery_log.py)
CONCURRENT_REQUESTS = 8


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5            # tries in all, the first included
    backoff: float = 0.5         # seconds before the first retry after a network error; doubles
    max_backoff: float = 20.0
    max_wait: float = 60.0       # the longest retry_after waited for inside one request


@dataclass(frozen=True)
class Timeouts:
    """Seconds for python-telegram-bot's HTTP requests (ApplicationBuilder)."""

    connect: float = 10.0
    read: float = 20.0
    write: float = 20.0
    pool: float = 10.0


def retry_after_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():            # python-telegram-bot 22 warns about int vs timedelta
        warnings.simplefilter("ignore")
        value: Any = exc.retry_after
    return float(value.total_seconds() if hasattr(value, "total_seconds") else value)


class RetryingRequests(BaseRateLimiter[None]):
    """python-telegram-bot rate limiter that retries transient failures (see module doc)."""

    def __init__(self, policy: RetryPolicy | None = None,
                 sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
                 accepted: Callable[[str], None] | None = None,
                 concurrency: int = CONCURRENT_REQUESTS):
        self.policy = policy or RetryPolicy()
        self._sleep = sleep
        self._accepted = accepted
        self._slots = asyncio.Semaphore(max(1, concurrency))

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):
        policy = self.policy
        attempt = 1
        while True:
            try:
                async with self._slots:
                    answer = await callback(*args, **kwargs)
                if self._accepted is not None:
                    self._accepted(endpoint)       # before the answer is parsed (bot/delivery_log.py)
                return answer
            except RetryAfter as exc:
                wait, kind = retry_after_seconds(exc), "RetryAfter"
                if attempt >= policy.attempts or wait > policy.max_wait:
                    raise
            except BadRequest:
                raise
            except (TimedOut, NetworkError) as exc:
                kind = type(exc).__name__
                if attempt >= policy.attempts:
                    raise
                wait = min(policy.max_backoff, policy.backoff * 2 ** (attempt - 1))
            log.info("Bot API %s failed (%s); retry %d of %d in %.2gs", endpoint, kind, attempt,
                     policy.attempts - 1, wait)
            attempt += 1
            await self._sleep(wait)
