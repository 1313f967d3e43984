"""``trials`` filters and paging, and the freshness ``trials`` / ``trial ID`` show, on the
bundled trials plus studies synced from the fake API (tests/fake_ctgov.py)."""
from __future__ import annotations

import json
import re
from datetime import date

import pytest

import bot.commands.sync as sync_command
from bot.cli import main
from bot.commands.trial import freshness_line
from fake_ctgov import SHARED_CTGOV, FakeCtgov, shared_studies
from bot.commands import command_name    # "python bot.py" from a checkout, "trialbot" installed

NAMES = ["NCT00003454", "NCT01785420", "NCT02139605", "NCT02227251"]
BUNDLED = ["NCT05030779", "NCT05239702", "NCT07193667", "local-cd7-cart-heme"]


@pytest.fixture(scope="module")
def studies():
    found = shared_studies(names=NAMES)
    if len(found) != len(NAMES):
        pytest.skip(f"the shared ClinicalTrials.gov study JSON is not at {SHARED_CTGOV} "
                    f"(../shared/ctgov beside the checkout)")
    return found


@pytest.fixture
def synced(studies, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TRIALBOT_DB", str(tmp_path / "trialbot.db"))
    monkeypatch.setattr(sync_command, "sleep", lambda seconds: None)
    with FakeCtgov(studies) as api:
        monkeypatch.setenv("TRIALBOT_CTGOV_URL", api.base_url)
        assert main(["sync", "--status", "any"]) == 0
    capsys.readouterr()


def ids(capsys, *argv) -> list[str]:
    assert main(["trials", "--json", *argv]) == 0
    return [row["id"] for row in json.loads(capsys.readouterr().out)]


def test_filters_by_status_condition_and_country(synced, capsys):
    assert ids(capsys) == sorted(BUNDLED[:3] + NAMES) + ["local-cd7-cart-heme"]
    assert ids(capsys, "--status", "terminated") == ["NCT00003454"]
    assert ids(capsys, "--status", "recruiting,TERMINATED") == sorted(
        ["NCT00003454", "NCT01785420", "NCT02139605", "NCT02227251", "NCT05239702", "NCT07193667"])
    assert ids(capsys, "--status", "unknown") == ["NCT05030779", "local-cd7-cart-heme"]   # UNKNOWN, or none given
    assert ids(capsys, "--condition", "lupus") == ["NCT05030779", "NCT07193667"]
    assert ids(capsys, "--condition", "SLE") == ["NCT05030779", "NCT07193667"]
    assert ids(capsys, "--country", "china") == ["NCT05030779", "NCT05239702", "NCT07193667"]
    assert ids(capsys, "--country", "china", "--condition", "lupus", "--status", "recruiting") == ["NCT07193667"]


def test_pages_with_a_line_saying_how_many_more(synced, capsys):
    assert main(["trials", "--limit", "3"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert len([line for line in lines if line.startswith(("NCT", "local-"))]) == 3
    assert "trials 1-3 of 8." in out
    assert lines[-1] == f"5 more: {command_name()} trials --offset 3 --limit 3"
    assert main(["trials", "--json", "--limit", "3", "--offset", "6"]) == 0
    out, err = capsys.readouterr()
    assert [r["id"] for r in json.loads(out)] == ["NCT07193667", "local-cd7-cart-heme"]
    assert err == ""
    assert main(["trials", "--json", "--limit", "2", "--status", "recruiting"]) == 0
    out, err = capsys.readouterr()
    assert err == f"3 more: {command_name()} trials --json --status recruiting --offset 2 --limit 2\n"


def test_the_default_limit_is_fifty(synced, capsys):
    from bot.commands.trials import DEFAULT_LIMIT

    assert DEFAULT_LIMIT == 50
    assert main(["trials", "--offset", "7"]) == 0
    out = capsys.readouterr().out
    assert "trials 8-8 of 8." in out and "more:" not in out


def test_trials_show_the_registry_last_update(synced, capsys):
    assert main(["trials", "--json", "--status", "terminated"]) == 0
    row = json.loads(capsys.readouterr().out)[0]
    assert row["last_updated"] == "2017-09-28" and row["status_verified"] == "2017-09"
    assert row["synced_at"][:4] == str(date.today().year)[:4]
    assert main(["trials", "--status", "terminated"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:6] == ["ID", "NCT", "STATUS", "INC", "EXC", "UPDATED"]
    assert "2017-09-28" in out.splitlines()[1]


def test_trial_shows_a_freshness_line(synced, capsys):
    assert main(["trial", "NCT00003454"]) == 0
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if "Registry record" in line)
    assert line.strip().startswith("Registry record last updated 2017-09-28 (over 12 months ago: check with the site); "
                                   "status verified 2017-09; synced ")
    assert re.search(r"; stored here \d{4}-\d\d-\d\d \d\d:\d\d UTC$", line)     # when this copy was written (#15)


def test_the_freshness_line_flags_only_old_records():
    today = date(2026, 12, 2)
    assert freshness_line("2026-01-10", today=today) == "Registry record last updated 2026-01-10"
    assert freshness_line("2025-12-01", today=today) == \
        "Registry record last updated 2025-12-01 (over 12 months ago: check with the site)"
    assert freshness_line(None, today=today) == "Registry record last updated unknown"


def test_bad_paging_options_are_usage_errors(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["trials", "--limit", "-1"])
    assert exit_info.value.code == 2
    assert "is not a whole number of at least 0" in capsys.readouterr().err
