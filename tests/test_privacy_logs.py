"""No message text and no extracted health fact in the logs, at any level (captured at
DEBUG through whole conversations: Telegram end to end with the real pipeline and with
faults, and the CLI chat); the bot token appears in no log line, no error message and no
file the bot writes."""
from __future__ import annotations

import io
import logging
import re
from datetime import date
from pathlib import Path

import pytest

from bot.cli import main
from bot.cli_chat import run_chat
from bot.engine import Engine
from bot.session_store import SessionStore
from bot.telegram_app import build_application, configure_logging
from bot.telegram_retry import RetryPolicy
from data.store import open_store
from benchmarks.fake_bot_api import FakeBotAPI, polling

ALICE = 8123
MESSAGES = [
    "I'm 34, I have lupus since 2015, mycophenolate and belimumab didn't help, no HIV, platelets 15000",
    "Zebulon Quartermaine is my name, creatinine 1.1 mg/dL",
]
# words of the messages, and what the facts say about the patient (concepts and labels)
PRIVATE = ["Zebulon", "Quartermaine", "lupus", "mycophenolate", "belimumab", "HIV", "platelet", "creatinine",
           "sle", "systemic lupus", "erythematosus", "mycophenolate mofetil", "15000", "15,000", "since 2015"]


def leaks(text: str) -> list[str]:
    return [word for word in PRIVATE if re.search(rf"(?<![\w]){re.escape(word)}(?![\w])", text, re.IGNORECASE)]


def real_engine(path) -> Engine:
    return Engine(SessionStore(open_store(path)), transport="telegram", gazetteer=None, today=date(2026, 1, 15))


async def test_a_whole_telegram_conversation_logs_no_message_text_no_fact_and_no_token(db_path, caplog):
    with FakeBotAPI() as api:
        configure_logging(api.token, level=logging.DEBUG)
        caplog.set_level(logging.DEBUG)
        caplog.set_level(logging.DEBUG, logger="trialbot")     # whatever level an earlier test left it at
        app = build_application(real_engine(db_path), api.token, api.base_url, maintenance_every=None,
                                retry=RetryPolicy(backoff=0.01))
        async with polling(app):
            api.fail_next("sendMessage", 500)                   # retries are logged too
            api.user_says(ALICE, "/start")
            api.user_says(ALICE, "patient")
            api.user_says(ALICE, MESSAGES[0])
            await api.reply_to(ALICE, 2, "I noted")
            sent = len(api.messages(ALICE))
            api.press(ALICE, api.messages(ALICE)[-1]["reply_markup"]["inline_keyboard"][0][0]["text"])
            await api.reply_to(ALICE, sent)
            sent = len(api.messages(ALICE))
            api.user_says(ALICE, MESSAGES[1])
            await api.reply_to(ALICE, sent)
            for command in ("/profile", "/results", "/summary"):
                sent = len(api.messages(ALICE))
                api.user_says(ALICE, command)
                await api.reply_to(ALICE, sent)
        delivered = "\n".join(api.texts(ALICE))
    assert "lupus" in delivered and "Retry" not in delivered     # the conversation happened
    assert any("retry" in r.getMessage() for r in caplog.records)   # and the logs were captured
    assert leaks(caplog.text) == []
    assert api.token not in caplog.text
    for file in Path(db_path).parent.iterdir():                  # the db, its WAL and shared memory
        if file.is_file():
            assert api.token.encode() not in file.read_bytes(), file.name


def test_the_cli_chat_logs_no_message_text_or_facts(db_path, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="trialbot")
    engine = Engine(SessionStore(open_store(db_path)), transport="cli", gazetteer=None, today=date(2026, 1, 15))
    out = io.StringIO()
    run_chat(engine, "logs", role="clinician", stdin=io.StringIO("\n".join(MESSAGES + ["not sure", "/summary"]) + "\n"),
             stdout=out, stderr=io.StringIO(), interactive=False)
    assert "lupus" in out.getvalue()
    assert leaks(caplog.text) == []


def test_a_traceback_carrying_the_token_is_redacted(caplog):
    token = "987654:SECRET-token-in-a-traceback"
    configure_logging(token, level=logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    log = logging.getLogger("trialbot.test")
    try:
        raise RuntimeError(f"GET https://api.telegram.org/bot{token}/getMe failed")
    except RuntimeError:
        log.exception("request to %s failed", f"/bot{token}/getMe")
    assert "<token>" in caplog.text and token not in caplog.text
    assert "RuntimeError" in caplog.text                           # the traceback is still there


def test_configuring_logging_again_adds_no_second_redaction_filter():
    configure_logging("1:x", level=logging.DEBUG)
    configure_logging("1:x", level=logging.DEBUG)
    handlers = logging.getLogger().handlers
    assert handlers and all(sum(getattr(f, "secret", None) == "1:x" for f in h.filters) == 1 for h in handlers)


def test_python_telegram_bot_debug_dumps_and_request_urls_stay_off(caplog):
    configure_logging("1:x", level=logging.DEBUG)
    # the library logs API parameters (message text) at DEBUG and httpx logs URLs (the token)
    assert logging.getLogger("telegram").getEffectiveLevel() >= logging.INFO
    assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING
    assert logging.getLogger("httpcore").getEffectiveLevel() >= logging.WARNING


def test_an_invalid_token_is_reported_without_the_token(monkeypatch, tmp_path, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    wrong = "111111:WRONG-token-must-not-be-printed"
    with FakeBotAPI() as api:                                     # knows a different token: 401
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", wrong)
        monkeypatch.setenv("TELEGRAM_API_BASE_URL", api.base_url)
        code = main(["--db", str(tmp_path / "bot.db"), "telegram"])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("trialbot: error: Telegram refused") and err.count("\n") == 1
    assert wrong not in err and "WRONG" not in caplog.text
    for file in tmp_path.iterdir():
        assert wrong.encode() not in file.read_bytes()


@pytest.mark.parametrize("value", ["abc", "12, x"])
def test_a_bad_clinician_allowlist_fails_at_start_up_in_one_line(monkeypatch, tmp_path, capsys, value):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "1:x")
    monkeypatch.setenv("TRIALBOT_CLINICIANS", value)
    assert main(["--db", str(tmp_path / "bot.db"), "telegram"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("trialbot: error: TRIALBOT_CLINICIANS must list Telegram user ids") and err.count("\n") == 1


def test_a_network_failure_is_one_log_line_without_a_traceback(caplog):
    from telegram.error import NetworkError

    configure_logging("1:x", level=logging.INFO)
    caplog.set_level(logging.INFO)
    try:
        raise NetworkError("aiohttp.ClientConnectorDNSError")
    except NetworkError:
        logging.getLogger("telegram.ext").exception("Network Retry Loop (Bootstrap Initialize Application): Aborting.")
    line = caplog.text.strip()
    assert "Aborting. (NetworkError: aiohttp.ClientConnectorDNSError)" in line
    assert "Traceback" not in caplog.text and line.count("\n") == 0


def test_an_unreachable_bot_api_is_one_line_saying_so_not_a_refusal(monkeypatch, tmp_path, capsys, caplog):
    import socket

    from bot.commands import telegram as command
    from bot.telegram_retry import RetryPolicy

    with socket.socket() as s:                      # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setattr(command, "BOOTSTRAP_RETRIES", 0)
    monkeypatch.setattr(RetryPolicy.__init__, "__defaults__", (1, 0.0, 0.0, 0.0))    # no waiting in a test
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "111111:unreachable-token")
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", f"http://127.0.0.1:{port}/bot")
    code = main(["--db", str(tmp_path / "bot.db"), "telegram"])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith(f"trialbot: error: cannot reach the Telegram Bot API at 127.0.0.1:{port}")
    assert "check the network connection" in err and err.count("\n") == 1
    assert "unreachable-token" not in err and "Traceback" not in caplog.text
