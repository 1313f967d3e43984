"""Issue #17 item 8: a setting that cannot be read stops start-up with one line naming it
(never a silent default such as 30 days for TRIALBOT_RETENTION_DAYS=7.5)."""
from __future__ import annotations

import pytest

from bot.cli import main
from data.settings import check_settings

BAD = [
    ("TRIALBOT_RETENTION_DAYS", "7.5"),
    ("TRIALBOT_RETENTION_DAYS", "abc"),
    ("TRIALBOT_RETENTION_DAYS", "0"),
    ("TRIALBOT_RATE_LIMIT", "lots"),
    ("TRIALBOT_DB_TIMEOUT", "soon"),
    ("TRIALBOT_STALE_SYNC_DAYS", "a month"),
    ("TRIALBOT_SYNC_HOURS", "daily"),
    ("TRIALBOT_WORKERS", "two"),
]


@pytest.mark.parametrize("name,raw", BAD)
def test_check_settings_names_the_unreadable_setting(monkeypatch, name, raw):
    monkeypatch.setenv(name, raw)
    with pytest.raises(ValueError, match=name):
        check_settings()


@pytest.mark.parametrize("command", ["chat", "telegram"])
@pytest.mark.parametrize("name,raw", BAD)
def test_an_unreadable_setting_stops_start_up_with_one_line(monkeypatch, capsys, tmp_path, command, name, raw):
    monkeypatch.setenv(name, raw)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:fake")
    db = tmp_path / "t.db"
    assert main(["--db", str(db), command]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and name in err[0] and raw in err[0]
    assert not db.exists()                 # stopped before anything was opened


def test_good_settings_pass(monkeypatch):
    monkeypatch.setenv("TRIALBOT_RETENTION_DAYS", "7")
    monkeypatch.setenv("TRIALBOT_RATE_LIMIT", "0")
    monkeypatch.setenv("TRIALBOT_DB_TIMEOUT", "0.05")
    check_settings()
