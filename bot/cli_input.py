"""The CLI chat's input: lines read into messages, a pasted letter as one message.

On a terminal the chat turns on bracketed paste (``ESC[?2004h``): the terminal wraps a
paste in ``ESC[200~`` … ``ESC[201~`` and everything between is one message, newlines
kept. A terminal without bracketed paste still sends a paste as lines that arrive
together: lines already waiting within ``TOGETHER_SECONDS`` of the one just read join it
(a person typing never sends two lines that fast). Over a pipe each line stays one
message, as scripts expect (every line of a pipe is "already waiting", so time cannot
tell a pasted letter from scripted answers); a pipe may mark a multi-line message with the
same bracketed-paste markers. What a long multi-line message means (a letter, not an
answer to the pending question) is the engine's to decide.
"""
from __future__ import annotations

import codecs
import os
import select
from typing import IO

PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"
BRACKETED_PASTE_ON = "\x1b[?2004h"
BRACKETED_PASTE_OFF = "\x1b[?2004l"
TOGETHER_SECONDS = 0.03
_CHUNK = 65536


class MessageReader:
    """``read(prompt)`` -> the next message, or None at end of input."""

    def __init__(self, stdin: IO[str], stdout: IO[str], interactive: bool, together: float = TOGETHER_SECONDS):
        self.stdin = stdin
        self.stdout = stdout
        self.together = together
        self.fd = _fileno(stdin) if interactive else None
        self.bracketed = self.fd is not None and getattr(stdout, "isatty", lambda: False)()
        self._buffer = ""
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._eof = False
        self._saved_mode = None

    # --- the terminal's modes --------------------------------------------------------
    def __enter__(self) -> "MessageReader":
        if self.bracketed:
            self._quiet_control_echo()
            self.stdout.write(BRACKETED_PASTE_ON)
            self.stdout.flush()
        return self

    def __exit__(self, *exc) -> None:
        if self.bracketed:
            self.stdout.write(BRACKETED_PASTE_OFF)
            self.stdout.flush()
            self._restore_mode()

    def _quiet_control_echo(self) -> None:
        """The paste markers are not echoed as "^[[200~" (ECHOCTL off while chatting)."""
        try:
            import termios   # start-up: POSIX only, needed on a terminal alone

            mode = termios.tcgetattr(self.fd)
            self._saved_mode = [list(m) if isinstance(m, list) else m for m in mode]
            mode[3] &= ~getattr(termios, "ECHOCTL", 0)
            termios.tcsetattr(self.fd, termios.TCSANOW, mode)
        except (ImportError, OSError, ValueError, AttributeError):   # termios.error is an OSError
            self._saved_mode = None

    def _restore_mode(self) -> None:
        if self._saved_mode is None:
            return
        try:
            import termios   # start-up: POSIX only, needed on a terminal alone

            termios.tcsetattr(self.fd, termios.TCSANOW, self._saved_mode)
        except (ImportError, OSError, ValueError):
            pass

    # --- messages --------------------------------------------------------------------
    def read(self, prompt: str | None = None) -> str | None:
        if prompt is not None:
            self.stdout.write(prompt)
            self.stdout.flush()
        line = self._line()
        if line is None:
            if prompt is not None:
                self.stdout.write("\n")
            return None
        lines = [line]
        if PASTE_START in line:
            while PASTE_END not in lines[-1]:
                more = self._line()
                if more is None:
                    break
                lines.append(more)
        while self.fd is not None and self._waiting():
            more = self._line()
            if more is None:
                break
            lines.append(more)
            while PASTE_START in more and PASTE_END not in lines[-1]:
                more = self._line()
                if more is None:
                    break
                lines.append(more)
        text = "\n".join(lines)
        return text.replace(PASTE_START, "").replace(PASTE_END, "").strip("\n")

    def _line(self) -> str | None:
        """One line without its newline; None at end of input."""
        if self.fd is None:
            line = self.stdin.readline()
            return None if line == "" else line.rstrip("\r\n")
        while "\n" not in self._buffer and not self._eof:
            chunk = os.read(self.fd, _CHUNK)
            if not chunk:
                self._eof = True
                self._buffer += self._decoder.decode(b"", final=True)
            else:
                self._buffer += self._decoder.decode(chunk)
        if not self._buffer:
            return None
        line, newline, rest = self._buffer.partition("\n")
        self._buffer = rest
        return line.rstrip("\r")

    def _waiting(self) -> bool:
        """More input is already here, or arrives within ``together`` seconds."""
        if "\n" in self._buffer:
            return True
        if self._eof:
            return False
        try:
            readable, _, _ = select.select([self.fd], [], [], self.together)
        except (OSError, ValueError):
            return False
        return bool(readable)


def _fileno(stream: IO[str]) -> int | None:
    try:
        return stream.fileno()
    except (AttributeError, OSError, ValueError):   # io.StringIO and friends
        return None
