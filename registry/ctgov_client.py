"""A small ClinicalTrials.gov API v2 client (httpx): one page of ``/studies`` at a time.

``CtgovClient(base_url).studies_page(params, page_token)`` returns the page's parsed JSON.
Rate limiting (429) and server errors (500, 502, 503, 504) and lost connections are tried
again with exponential backoff (``backoff`` seconds, doubled each attempt, at most
``max_wait``); a server that cannot be reached at all (no network, a name that does not
resolve, a refused connection) only ``connect_attempts`` times, so an offline machine hears
so in seconds, not after a minute of silence; a ``Retry-After`` header (seconds or an HTTP date) is honoured. The waits
go through ``sleep`` (injectable: tests pass a recorder and run at full speed). Anything
else (a 4xx, a body that is not JSON, too many failures) is a ``FetchError`` with a
one-line message. Nothing here runs at import: the network is reached only when a page is
asked for.
"""
from __future__ import annotations

import email.utils
import json
import time
from datetime import datetime, timezone
from typing import Any, Callable

from registry.record import MAX_DEPTH, MAX_FILE_BYTES

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
USER_AGENT = "trialbot-sync/1 (clinical-trial matching)"


class FetchError(RuntimeError):
    """The API could not give a page (after the retries); the message is one line.
    ``status`` is the HTTP status of a refusal (a 4xx), else None."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class MalformedPage(ValueError):
    """The API answered, but the body is not a usable JSON page."""


def retry_after(value: str | None, now: Callable[[], datetime] | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    current = (now or (lambda: datetime.now(timezone.utc)))()
    return max(0.0, (when - current).total_seconds())


def _check_depth(data: Any) -> None:
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise MalformedPage(f"JSON nested too deeply (more than {MAX_DEPTH} levels)")
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)


def parse_page(body: bytes) -> Any:
    """A page body as JSON; ``MalformedPage`` saying why when it is not."""
    if len(body) > MAX_FILE_BYTES:
        raise MalformedPage(f"the page is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MalformedPage("the page is not UTF-8 text") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MalformedPage(f"not valid JSON ({exc.msg}, line {exc.lineno} column {exc.colno})") from None
    except RecursionError:
        raise MalformedPage(f"JSON nested too deeply (more than {MAX_DEPTH} levels)") from None
    _check_depth(data)
    return data


class CtgovClient:
    """``GET {base_url}/studies`` with retries; use as a context manager (or ``close()``)."""

    def __init__(self, base_url: str, *, timeout: float = 60.0, attempts: int = 6, backoff: float = 2.0,
                 max_wait: float = 300.0, sleep: Callable[[float], None] = time.sleep,
                 transport: Any = None, connect_attempts: int = 3):
        import httpx

        self.base_url = base_url.rstrip("/")
        self.attempts = max(1, attempts)
        self.connect_attempts = max(1, min(connect_attempts, self.attempts))
        self.backoff = backoff
        self.max_wait = max_wait
        self.sleep = sleep
        self.requests = 0
        self._http = httpx.Client(timeout=timeout, transport=transport, follow_redirects=True,
                                  headers={"User-Agent": USER_AGENT, "Accept": "application/json"})

    def __enter__(self) -> "CtgovClient":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def studies_page(self, params: dict[str, str], page_token: str | None = None) -> Any:
        """One page of ``/studies`` (``params`` plus ``pageToken``) as parsed JSON."""
        query = dict(params)
        if page_token:
            query["pageToken"] = page_token
        return parse_page(self.get("/studies", query))

    def get(self, path: str, params: dict[str, str]) -> bytes:
        """The body of a 200 answer to ``GET base_url + path``, retrying as the module says."""
        import httpx

        url = self.base_url + path
        problem = ""
        unreachable = 0
        for attempt in range(1, self.attempts + 1):
            wait = self.backoff * 2 ** (attempt - 1)
            try:
                self.requests += 1
                response = self._http.get(url, params=params)
            except httpx.TransportError as exc:        # refused, reset, timed out
                problem = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                unreachable = unreachable + 1 if isinstance(exc, httpx.ConnectError) else 0
                if unreachable >= self.connect_attempts:
                    raise FetchError(f"{url} cannot be reached ({problem}; tried {unreachable} times): "
                                     "check the network connection, or $TRIALBOT_CTGOV_URL") from None
            else:
                if response.status_code == 200:
                    return response.content
                if response.status_code not in RETRY_STATUSES:
                    raise FetchError(f"{url} answered HTTP {response.status_code}{_detail(response)}",
                                     response.status_code)
                problem = f"HTTP {response.status_code}"
                asked = retry_after(response.headers.get("Retry-After"))
                if asked is not None:
                    if asked > self.max_wait:
                        raise FetchError(f"{url} asks to wait {asked:.0f} s (HTTP {response.status_code}): "
                                         "try again later")
                    wait = asked
            if attempt == self.attempts:
                break
            self.sleep(min(wait, self.max_wait))
        raise FetchError(f"{url} failed {self.attempts} times, last: {problem}")


def _detail(response: Any) -> str:
    """A short, one-line excerpt of an error body (the API explains bad parameters there)."""
    text = " ".join(response.text.split())[:200] if response.content else ""
    return f": {text}" if text else ""
