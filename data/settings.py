"""Settings, declared once as data (name, default, help), read from the environment."""
from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | None
    help: str

    def get(self) -> str | None:
        value = os.environ.get(self.name)
        return value if value not in (None, "") else self.default


SETTINGS = {
    "db": Setting("TRIALBOT_DB", "trialbot.db", "Path of the SQLite database (trials and conversations)."),
    "token": Setting("TELEGRAM_BOT_TOKEN", None, "Telegram bot token from @BotFather; never logged or stored."),
    "api_base": Setting("TELEGRAM_API_BASE_URL", None, "Bot API base URL, e.g. http://127.0.0.1:8081/bot (self-hosted server, tests)."),
    "retention_days": Setting("TRIALBOT_RETENTION_DAYS", "30", "Conversations idle longer than this many days are purged."),
    "clinicians": Setting("TRIALBOT_CLINICIANS", None, "Comma-separated Telegram user ids allowed to use clinician mode (unset: anyone)."),
    "rate_limit": Setting("TRIALBOT_RATE_LIMIT", "20", "Messages per minute one Telegram user may send (a burst of this many is allowed); 0 turns the limit off."),
    "debug": Setting("TRIALBOT_DEBUG", None, "Set to 1 to see Python tracebacks of internal errors (they may quote input: never in production)."),
    "db_timeout": Setting("TRIALBOT_DB_TIMEOUT", "10", "Seconds to wait for a database another program holds locked before giving up with an error."),
    "stale_sync_days": Setting("TRIALBOT_STALE_SYNC_DAYS", "30", "Results warn when a trial was last synced (or imported) from the registry more than this many days ago; 0 never warns."),
    "sync_hours": Setting("TRIALBOT_SYNC_HOURS", "0", "`telegram` runs `sync` (the default query) every this many hours in the background; 0 (the default) never."),
    "workers": Setting("TRIALBOT_WORKERS", "2", "`telegram` runs conversation turns in this many engine worker processes (a conversation always in the same one); 0 runs them in the bot's own process."),
    "cache_dir": Setting("TRIALBOT_CACHE_DIR", None, "Folder of the user's pipeline build cache, which a fresh database's first import or chat starts from (unset: $XDG_CACHE_HOME/trialbot, else ~/.cache/trialbot; set empty: none)."),
    "ctgov_url": Setting("TRIALBOT_CTGOV_URL", "https://clinicaltrials.gov/api/v2", "ClinicalTrials.gov API v2 base URL that `sync` fetches studies from (a mirror, or a fake server in tests)."),
}


def setting(key: str) -> str | None:
    return SETTINGS[key].get()


def number_setting(key: str, minimum: float = 0) -> float:
    """A numeric setting; a value that is not a number (or below ``minimum``) is a
    ``ValueError`` naming the variable, so a typo fails at start-up, not mid-conversation."""
    spec = SETTINGS[key]
    raw = spec.get()
    try:
        value = float(raw if raw is not None else "")
    except ValueError:
        raise ValueError(f"{spec.name} must be a number, got {raw!r}") from None
    if not minimum <= value < float("inf"):
        raise ValueError(f"{spec.name} must be a number of at least {minimum:g}, got {raw!r}")
    return value


def integer_setting(key: str, minimum: int = 0) -> int:
    """A whole-number setting; anything else ("7.5", "abc", below ``minimum``) is a
    ``ValueError`` naming the variable."""
    spec = SETTINGS[key]
    raw = spec.get()
    text = (raw or "").strip()
    if not (text.isascii() and text.lstrip("+").isdigit()):
        raise ValueError(f"{spec.name} must be a whole number, got {raw!r}")
    value = int(text)
    if value < minimum:
        raise ValueError(f"{spec.name} must be a whole number of at least {minimum}, got {raw!r}")
    return value


# how each setting that must parse is checked at start-up
_CHECKS = {
    "retention_days": lambda: integer_setting("retention_days", 1),
    "rate_limit": lambda: number_setting("rate_limit"),
    "db_timeout": lambda: number_setting("db_timeout"),
    "stale_sync_days": lambda: integer_setting("stale_sync_days", 0),
    "sync_hours": lambda: number_setting("sync_hours"),
    "workers": lambda: integer_setting("workers", 0),
}


def check_settings() -> None:
    """Every setting that has to be read as a value, checked at start-up: the first one
    that cannot be read is a ``ValueError`` whose one line names it (never a silent
    default)."""
    for check in _CHECKS.values():
        check()


def db_path(explicit: str | None = None) -> str:
    """The database path: an explicit --db, else $TRIALBOT_DB, else ./trialbot.db."""
    return explicit or setting("db") or "trialbot.db"
