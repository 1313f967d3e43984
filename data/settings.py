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
}


def setting(key: str) -> str | None:
    return SETTINGS[key].get()


def db_path(explicit: str | None = None) -> str:
    """The database path: an explicit --db, else $TRIALBOT_DB, else ./trialbot.db."""
    return explicit or setting("db") or "trialbot.db"
