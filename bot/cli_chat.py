"""The CLI chat: the conversation engine in a terminal, or over a pipe.

Interactive (stdin is a terminal): a prompt, bold headings, text wrapped to the terminal,
quick replies shown as ``[Yes] [No] [Not sure]`` (type the words); a pasted letter is one
message (bracketed paste, or lines arriving together: ``bot/cli_input.py``). Piped: each
input line is one user message, replies go to stdout, and the chat ends cleanly at end of
input.
A session is the conversation ``cli:NAME``; ``--session NAME`` resumes it.
"""
from __future__ import annotations

import secrets
import shutil
import sys
import textwrap
from typing import IO, Callable

from bot.cli_input import MessageReader
from bot.engine import Engine, Reply
from bot.render import ANSI, PLAIN, Renderer
from data.store import StoreError


def session_id(name: str) -> str:
    return f"cli:{name}"


def new_session_name() -> str:
    return secrets.token_hex(4)


class ChatPrinter:
    """Writes replies: wrapped and emphasised on a terminal, plain on a pipe."""

    def __init__(self, out: IO[str], interactive: bool):
        self.out = out
        self.interactive = interactive
        self.renderer = Renderer(ANSI if interactive and getattr(out, "isatty", lambda: False)() else PLAIN)

    def reply(self, reply: Reply | None) -> None:
        if reply is None:
            return
        for message in self.renderer.render(reply):
            self.out.write(self._wrap(message) + "\n\n")
        labels = [self.renderer.choice_label(c) for c in reply.choices]
        if labels:
            self.out.write(" ".join(f"[{label}]" for label in labels) + "\n\n")
        self.out.flush()

    def _wrap(self, text: str) -> str:
        if not self.interactive:
            return text
        width = max(40, min(100, shutil.get_terminal_size((80, 24)).columns - 2))
        lines = []
        for line in text.split("\n"):
            indent = line[: len(line) - len(line.lstrip())]
            lines.append(textwrap.fill(line, width, subsequent_indent=indent + ("  " if line.lstrip().startswith(("•", "-")) else ""),
                                       replace_whitespace=False) if len(line) > width else line)
        return "\n".join(lines)


def run_chat(engine: Engine, name: str, *, role: str | None = None, stdin: IO[str] | None = None,
             stdout: IO[str] | None = None, stderr: IO[str] | None = None, interactive: bool | None = None,
             ready: Callable[[], None] | None = None) -> int:
    """Chat until end of input; return the exit status. ``ready`` (if given) is called once
    the welcome is shown, before the first message is read: it waits for collaborators
    still loading in the background and raises what their loading raised."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    if interactive is None:
        interactive = stdin.isatty()
    printer = ChatPrinter(stdout, interactive)
    cid = session_id(name)
    if interactive:
        stderr.write(engine.texts.text("cli_session", None).format(name=name) + "\n\n")
    printer.reply(engine.start(cid, role=role))
    if ready is not None:
        ready()
    prompt = engine.texts.text("cli_prompt", None)
    with MessageReader(stdin, stdout, interactive) as reader:
        lang = _converse(engine, cid, reader, printer, prompt if interactive else None, stdout, stderr)
    if interactive and engine.store.exists(cid):
        stdout.write(engine.texts.text("cli_bye", None, lang) + "\n")
    return 0


def _converse(engine: Engine, cid: str, reader: MessageReader, printer: ChatPrinter, prompt: str | None,
              stdout: IO[str], stderr: IO[str]) -> str:
    """Read and answer messages until the input ends; the conversation's last language."""
    lang = "en"
    while True:
        line = reader.read(prompt)
        if line is None:
            return lang
        if not line.strip():
            continue
        try:
            reply = engine.message(cid, line)
        except StoreError as exc:
            if not exc.transient:            # read-only, corrupt…: a person has to act
                raise
            stderr.write(f"trialbot: error: {exc}\n")
            stdout.write(engine.texts.text("store_busy", None, lang) + "\n\n")
            continue
        except Exception as exc:         # a bug must not end the chat with a traceback
            stderr.write(f"trialbot: error: internal error ({type(exc).__name__}); that message was not stored\n")
            stdout.write(engine.texts.text("error", None, lang) + "\n\n")
            continue
        printer.reply(reply)
        if reply is not None:           # the prompt and goodbye in the conversation's language
            lang = reply.lang
            prompt = engine.texts.text("cli_prompt", None, lang) if prompt is not None else None
