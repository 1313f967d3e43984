"""A pasted letter is one message in the terminal chat (issue #13): bracketed paste on a
terminal (a pty here), lines arriving together on a terminal without it, and a pipe still
one message a line; the engine reads a letter whole, never as the answer to the pending
question."""
from __future__ import annotations

import io
import os
import threading
import time
from datetime import date

import pytest

from bot.cli_chat import run_chat
from bot.cli_input import BRACKETED_PASTE_OFF, BRACKETED_PASTE_ON, PASTE_END, PASTE_START, MessageReader
from bot.engine import Engine, is_letter
from bot.session_store import SessionStore
from data.store import open_store

pty = pytest.importorskip("pty")

LETTER = [
    "Dear colleague,",
    "I am referring Mrs A, 41, with diffuse cutaneous systemic sclerosis since 2019",
    "(anti-Scl-70 positive).",
    "Treatment: MMF 2022-2024 (progression), rituximab 2024, nintedanib ongoing.",
    "Creatinine 0.8 mg/dL, platelets 250.",
    "Kind regards, Dr B",
]


class Recorder:
    """The engine as run_chat sees it, recording every message it is given."""

    def __init__(self):
        self.messages: list[str] = []
        self.got = threading.Event()
        engine = Engine(SessionStore(open_store(":memory:")), gazetteer=None, today=date(2026, 12, 2))
        self.texts, self.store = engine.texts, engine.store

    def start(self, cid, role=None):
        return None

    def message(self, cid, text):
        self.messages.append(text)
        self.got.set()
        return None


def _chat_on_a_pty(recorder: Recorder, out: io.StringIO):
    master, slave = os.openpty()
    stdin = os.fdopen(slave, "r", encoding="utf-8", closefd=True)
    thread = threading.Thread(target=run_chat, args=(recorder, "t"),
                              kwargs={"role": "patient", "stdin": stdin, "stdout": out, "stderr": io.StringIO(),
                                      "interactive": True}, daemon=True)
    thread.start()
    return master, stdin, thread


def _wait(recorder: Recorder, count: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while len(recorder.messages) < count and time.monotonic() < deadline:
        recorder.got.wait(0.05)
        recorder.got.clear()


def _end(master: int, stdin, thread: threading.Thread) -> None:
    os.write(master, b"\x04")          # Ctrl-D at the start of a line: end of input
    thread.join(10)
    os.close(master)
    stdin.close()
    assert not thread.is_alive()


def test_a_bracketed_paste_on_a_terminal_is_one_message():
    recorder, out = Recorder(), io.StringIO()
    master, stdin, thread = _chat_on_a_pty(recorder, out)
    os.write(master, b"lupus\n")
    _wait(recorder, 1)
    pasted = PASTE_START + "\n".join(LETTER) + PASTE_END + "\n"
    os.write(master, pasted.encode())
    _wait(recorder, 2)
    os.write(master, b"show me\n")
    _wait(recorder, 3)
    _end(master, stdin, thread)
    assert recorder.messages == ["lupus", "\n".join(LETTER), "show me"]


def test_lines_arriving_together_on_a_terminal_are_one_message():
    """A terminal without bracketed paste: the letter's lines arrive at once."""
    recorder, out = Recorder(), io.StringIO()
    master, stdin, thread = _chat_on_a_pty(recorder, out)
    os.write(master, ("\n".join(LETTER) + "\n").encode())
    _wait(recorder, 1)
    time.sleep(0.2)
    os.write(master, b"not sure\n")
    _wait(recorder, 2)
    _end(master, stdin, thread)
    assert recorder.messages == ["\n".join(LETTER), "not sure"]


def test_a_pipe_is_one_message_a_line_and_may_mark_a_paste():
    piped = io.StringIO("lupus\nnot sure\n" + PASTE_START + "a\nb\nc" + PASTE_END + "\nshow me\n")
    reader = MessageReader(piped, io.StringIO(), interactive=False)
    read = []
    while (message := reader.read()) is not None:
        read.append(message)
    assert read == ["lupus", "not sure", "a\nb\nc", "show me"]


def test_bracketed_paste_is_turned_on_and_off_only_on_a_terminal(tmp_path):
    class Tty(io.StringIO):
        def isatty(self):
            return True

    master, slave = os.openpty()
    try:
        stdin = os.fdopen(slave, "r", closefd=False)
        shown = Tty()
        with MessageReader(stdin, shown, interactive=True):
            pass
        assert shown.getvalue() == BRACKETED_PASTE_ON + BRACKETED_PASTE_OFF
        piped = io.StringIO()
        with MessageReader(io.StringIO(""), piped, interactive=True):
            pass
        assert piped.getvalue() == ""
    finally:
        os.close(master)
        os.close(slave)


def test_what_a_letter_is():
    assert is_letter("\n".join(LETTER))
    assert is_letter("x" * 3600)                       # a Telegram message near its split
    assert not is_letter("(anti-Scl-70 positive)")
    assert not is_letter("she is 41\nand has lupus")


def test_a_pasted_letter_is_not_the_answer_to_the_pending_question():
    engine = Engine(SessionStore(open_store(":memory:")), gazetteer=None, today=date(2026, 12, 2))
    engine.start("cli:letter", role="clinician")
    engine.message("cli:letter", "systemic sclerosis")
    before = engine.store.events("cli:letter")
    assert any(e.type == "asked" for e in before)
    engine.message("cli:letter", "\n".join(LETTER))
    events = engine.store.events("cli:letter")[len(before):]
    assert not any(e.type == "answer" for e in events)
    noted = [f for e in events if e.type == "facts" for f in e.payload["facts"]]
    concepts = {f["concept"] for f in noted}
    assert {"rituximab", "creatinine"} <= concepts
    assert not any(f["concept"].startswith("cd19") for f in noted)
