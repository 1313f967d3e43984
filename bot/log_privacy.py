"""Logging for the transports: nothing users write and never the bot token.

``configure_logging(token, level)`` logs to stderr with httpx/httpcore at WARNING (they log
every request URL, and Bot API URLs hold the token), python-telegram-bot never below INFO
(at DEBUG it logs the parameters of every API call: message text), and a filter on every
handler that replaces the token wherever it would appear: messages, arguments,
tracebacks and stack information (calling it again adds no second filter for the same
token). A network failure python-telegram-bot logs with its traceback (no network at
start-up, a lost connection while polling) is one line naming the error: its traceback
says nothing an operator can act on. trialbot's own log lines carry event types, error types and counts, never message
text or extracted facts (tests/test_privacy_logs.py).
"""
from __future__ import annotations

import logging

REDACTED = "<token>"


class _Redact(logging.Filter):
    """Replace the token wherever it would appear in a log line, tracebacks included."""

    def __init__(self, secret: str):
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secret:
            return True
        message = record.getMessage()
        if self.secret in message:
            record.msg, record.args = message.replace(self.secret, REDACTED), None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_info, record.exc_text = None, text.replace(self.secret, REDACTED)
        elif record.exc_text and self.secret in record.exc_text:
            record.exc_text = record.exc_text.replace(self.secret, REDACTED)
        if record.stack_info and self.secret in record.stack_info:
            record.stack_info = record.stack_info.replace(self.secret, REDACTED)
        return True


_NETWORK = ("NetworkError", "TimedOut")       # telegram.error classes: the network, not the code


class _NetworkOneLine(logging.Filter):
    """A log record whose exception is a Bot API network failure, as one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is not None and type(error).__name__ in _NETWORK:
            record.msg, record.args = f"{record.getMessage()} ({type(error).__name__}: {error})", None
            record.exc_info, record.exc_text = None, None
        return True


def configure_logging(token: str, level: int = logging.INFO) -> None:
    """Log to stderr without URLs (httpx logs every request URL, which holds the token),
    without python-telegram-bot's debug dumps of messages, and with the token redacted
    from anything else that might carry it."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    # python-telegram-bot logs API call parameters (message text) at DEBUG: never below INFO
    logging.getLogger("telegram").setLevel(max(level, logging.INFO))
    for handler in logging.getLogger().handlers:   # once per handler and token, however often called
        if not any(isinstance(f, _NetworkOneLine) for f in handler.filters):
            handler.addFilter(_NetworkOneLine())       # before the redaction, which reads the traceback
        if not any(isinstance(f, _Redact) and f.secret == token for f in handler.filters):
            handler.addFilter(_Redact(token))
