"""Extraction in a process of its own, so the chat starts on two cores instead of one.

A chat's start-up is CPU work: importing spaCy and building the pipeline (about 1 s), and
opening the store, importing the matching engine and showing the welcome (about 0.4 s).
In one process Python's GIL runs them one after the other. ``ExtractionProcess`` builds
the pipeline in a child process (``build_pipeline``, with the same build cache) while the
parent gets on with the rest, and then answers ``extract`` calls over a pipe: the parent
never imports spaCy. The facts are the same objects ``nlp.pipeline.extract`` returns.

- ``wait()`` returns once the child is ready and raises what its loading raised (a
  ``DataError`` for a broken data file, as the in-process build would).
- A call sends the text, source and date and returns the facts; an error inside the child
  is raised in the parent (only its type and message travel: never the text). Calls from
  several threads take turns (one pipe).
- If the child is gone (killed, crashed), the call starts a new one and tries once more;
  a second failure raises ``ExtractionUnavailable``.
- The child is ``python -m nlp.extraction_process`` in a session of its own (Ctrl-C is
  the chat's to handle) and talks over a socket pair it inherits (pickled messages, each
  after its length); it ends when the parent closes its end or exits, however it exits.
  Nothing is logged about the text.
"""
from __future__ import annotations

import argparse
import gc
import pickle
import socket
import threading
from datetime import date
from pathlib import Path
from typing import Any

WARM_UP = "warm up"


PEOPLE = "\x00people"        # a request's tag for people_of (a text never starts so: input is normalised)


class ExtractionUnavailable(RuntimeError):
    """The extraction process stopped and could not be restarted."""


class Channel:
    """Python objects over a stream socket: each pickled, after its length (8 bytes).
    ``recv`` raises EOFError when the other end has closed. (multiprocessing.connection
    does the same, but importing it costs both processes ~15 ms of start-up.)"""

    def __init__(self, sock: socket.socket):
        self.sock = sock

    def send(self, message: Any) -> None:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        self.sock.sendall(len(data).to_bytes(8, "big") + data)

    def recv(self) -> Any:
        return pickle.loads(self._exactly(int.from_bytes(self._exactly(8), "big")))

    def _exactly(self, size: int) -> bytes:
        chunks, left = [], size
        while left:
            chunk = self.sock.recv(min(left, 1 << 20))
            if not chunk:
                raise EOFError("the other end closed")
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def close(self) -> None:
        self.sock.close()


class ExtractionProcess:
    def __init__(self, cache: Path | None = None):
        self.cache = Path(cache).resolve() if cache is not None else None
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._conn: Channel | None = None
        self._process: Any = None          # a subprocess.Popen

    def start(self) -> "ExtractionProcess":
        """Launch the child (raises OSError or ValueError where a child cannot be made)."""
        from core import child  # start-up: subprocess only for the parent, the child has no use for it

        self._process, ours = child.spawn("nlp.extraction_process", ["--cache", str(self.cache)] if self.cache is not None else [])
        self._conn = Channel(ours)
        self._ready.clear()
        self._error = None
        return self

    def wait(self) -> None:
        """Block until the child has built its pipeline; raise what building raised."""
        if not self._ready.is_set():
            with self._lock:
                self._await_ready()
        if self._error is not None:
            raise self._error

    reads_relation = True      # takes ``about`` and ``known`` (nlp.pipeline.extract's): the engine gives them

    def __call__(self, text: str, source: str | None = None, today: date | None = None,
                 about: str | None = None, known: tuple[str, ...] = ()) -> list:
        return self._ask((text, source, today, about, tuple(known or ())))

    def people_of(self, text: str, today: date | None = None) -> list:
        """nlp.pipeline.people_of in the child: the people a first telling describes."""
        return self._ask((PEOPLE, text, today))

    def _ask(self, request: tuple) -> list:
        with self._lock:
            for attempt in (1, 2):
                self._await_ready()
                if self._error is not None:
                    raise self._error
                try:
                    self._conn.send(request)
                    status, value = self._conn.recv()
                except (EOFError, OSError):
                    self._stop()
                    if attempt == 2:
                        raise ExtractionUnavailable("the extraction process stopped") from None
                    self.start()
                    continue
                if status == "ok":
                    return value
                raise value
        raise AssertionError("unreachable")

    def close(self) -> None:
        """End the child (it finishes when its end of the pipe closes)."""
        with self._lock:
            self._stop()

    def _stop(self) -> None:
        import subprocess

        conn, process = self._conn, self._process
        self._conn = self._process = None
        if conn is not None:
            conn.close()
        if process is not None:
            if not self._ready.is_set():
                process.terminate()         # still loading: nothing to finish
            try:
                process.wait(timeout=5)     # a ready child ends as soon as its pipe closes
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def _await_ready(self) -> None:
        """(With the lock held.) Read the child's first word: ready, or its error."""
        if self._ready.is_set():
            return
        try:
            status, value = self._conn.recv()
        except (EOFError, OSError, AttributeError):
            status, value = "error", ExtractionUnavailable("the extraction process stopped while loading")
        self._error = value if status == "error" else None
        self._ready.set()


def serve(conn: Channel, cache: Path | None) -> None:
    """The child: build, say so, then answer (text, source, today, about, known) requests
    (nlp.pipeline.extract's arguments) until the pipe closes."""
    from nlp.pipeline import build_pipeline, extract, people_of  # start-up: only the child process loads the pipeline; the chat that imports this module never does

    collecting = gc.isenabled()
    gc.disable()            # loading leaves almost no garbage (see bot/collaborators.Preload)
    try:
        build_pipeline(cache)
        extract(WARM_UP)
        ready = ("ready", None)
    except BaseException as exc:
        ready = ("error", _portable(exc))
    finally:
        if collecting:
            gc.enable()
    gc.freeze()             # the pipeline lives as long as the process
    try:
        conn.send(ready)
        while ready[0] == "ready":
            request = conn.recv()
            try:
                if request[0] == PEOPLE:            # (PEOPLE, text, today): whom a first telling describes
                    reply = ("ok", people_of(request[1], today=request[2]))
                else:
                    text, source, today, about, known = request
                    reply = ("ok", extract(text, source=source, today=today, about=about, known=known))
            except Exception as exc:
                reply = ("error", _portable(exc))
            conn.send(reply)
    except (EOFError, OSError):             # the chat closed its end, or is gone
        pass


def _portable(exc: BaseException) -> BaseException:
    """``exc`` if it survives pickling, else a RuntimeError naming its type and message."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m nlp.extraction_process", description=__doc__.splitlines()[0])
    parser.add_argument("--fd", type=int, required=True, help="the inherited socket to talk over")
    parser.add_argument("--cache", type=Path, help="the pipeline's build cache file")
    args = parser.parse_args(argv)
    serve(Channel(socket.socket(fileno=args.fd)), args.cache)


if __name__ == "__main__":
    main()
