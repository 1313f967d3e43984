"""Who may do what over Telegram: the clinician allowlist and a per-user rate limit.

* ``clinician_allowlist(raw)``: ``TRIALBOT_CLINICIANS`` ("123, 456") as a set of Telegram
  user ids, or None when unset (anyone may choose clinician mode). Others who choose it
  get patient wording with a polite note (the engine's ``Channel.clinician_ok``).
* ``RateLimiter``: a token bucket per user: ``per_minute`` messages a minute, in bursts of
  at most that many. A refused message is neither read nor stored; the user is told once
  per stretch of refusals (a reply to every flooded message would flood Telegram too).
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable, Hashable

from data.settings import SETTINGS, number_setting, setting

MAX_TRACKED = 10_000    # users remembered by the rate limiter (the idlest are forgotten first)


def clinician_allowlist(raw: str | None = None) -> frozenset[int] | None:
    """The Telegram user ids allowed clinician mode (``raw``, else $TRIALBOT_CLINICIANS);
    None when unset. A value that is not a list of ids is a ValueError naming the setting."""
    raw = setting("clinicians") if raw is None else raw
    if raw is None or not raw.strip():
        return None
    ids = set()
    for part in raw.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.lstrip("-").isdigit():
            raise ValueError(f"{SETTINGS['clinicians'].name} must list Telegram user ids separated by commas, got {part!r}")
        ids.add(int(part))
    return frozenset(ids)


@dataclass
class _Bucket:
    tokens: float
    at: float
    warned: bool = False


class RateLimiter:
    """Token buckets by user. ``check(user)`` returns ``"ok"``, ``"refuse_and_tell"`` (the
    first refusal of a stretch) or ``"refuse"``. ``per_minute`` 0 turns the limit off."""

    def __init__(self, per_minute: float, clock: Callable[[], float] = time.monotonic):
        self.capacity = float(per_minute)
        self.rate = self.capacity / 60.0
        self.clock = clock
        self._buckets: dict[Hashable, _Bucket] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls) -> "RateLimiter":
        return cls(number_setting("rate_limit"))

    @property
    def enabled(self) -> bool:
        return self.capacity > 0

    def check(self, user: Hashable) -> str:
        if not self.enabled:
            return "ok"
        now = self.clock()
        with self._lock:
            bucket = self._buckets.get(user)
            if bucket is None:
                if len(self._buckets) >= MAX_TRACKED:
                    self._forget_idlest()
                bucket = self._buckets[user] = _Bucket(self.capacity, now)
            bucket.tokens = min(self.capacity, bucket.tokens + max(0.0, now - bucket.at) * self.rate)
            bucket.at = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                bucket.warned = False
                return "ok"
            if bucket.warned:
                return "refuse"
            bucket.warned = True
            return "refuse_and_tell"

    def _forget_idlest(self) -> None:
        for user, _ in sorted(self._buckets.items(), key=lambda item: item[1].at)[: max(1, MAX_TRACKED // 10)]:
            del self._buckets[user]
