"""A helper process of our own, talking over a socket pair: the Telegram bot's engine
workers (``bot/engine_workers.py``) and the chat's extraction process
(``nlp/extraction_process.py``) are started the same way."""
from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent      # the project: where ``-m <module>`` is found


def spawn(module: str, args: list[str]) -> tuple[subprocess.Popen, socket.socket]:
    """Start ``python -m module --fd N *args`` in a session of its own, its end of a socket
    pair passed as fd N; returns the process and our end (closed again if it fails)."""
    ours, theirs = socket.socketpair()
    command = [sys.executable, "-m", module, "--fd", str(theirs.fileno()), *args]
    try:
        process = subprocess.Popen(command, cwd=ROOT, pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, start_new_session=True)
    except BaseException:
        ours.close()
        raise
    finally:
        theirs.close()
    return process, ours
