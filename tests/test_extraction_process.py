"""Extraction in a process of its own (nlp/extraction_process.py), as the terminal chat
runs it: the same facts as in-process extraction, errors raised in the caller, a lost
process replaced, and a chat whose own process never imports spaCy."""
from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from data.errors import DataError
from nlp.extraction_process import ExtractionProcess, _portable
from nlp.pipeline import extract

ROOT = Path(__file__).resolve().parent.parent
TEXTS = [
    "I'm 34, I have lupus since 2015, mycophenolate and belimumab didn't help, no HIV",
    "Platelets 45 x10^9/L three months ago; CD7 positive T-ALL, relapsed after 2 lines",
    "",
    "🙂🙂 ñandú 日本語",
]


@pytest.fixture(scope="module")
def process(tmp_path_factory):
    worker = ExtractionProcess(tmp_path_factory.mktemp("cache") / "chat.db.nlp-cache.json").start()
    yield worker
    worker.close()


def test_the_process_finds_exactly_what_extraction_in_this_process_finds(process):
    process.wait()
    today = date(2026, 11, 22)
    for text in TEXTS:
        assert process(text, source="m1", today=today) == extract(text, source="m1", today=today)


def test_an_error_in_the_process_is_raised_in_the_caller_and_the_process_carries_on(process):
    with pytest.raises((TypeError, AttributeError)):
        process(12345)
    assert process("lupus since 2015") == extract("lupus since 2015")


def test_a_lost_process_is_replaced_on_the_next_call(tmp_path):
    worker = ExtractionProcess(tmp_path / "chat.db.nlp-cache.json").start()
    try:
        worker.wait()
        first = worker._process
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        assert worker("lupus since 2015") == extract("lupus since 2015")
        assert worker._process is not first and worker._process.poll() is None
    finally:
        worker.close()
    assert first.returncode == -signal.SIGKILL


def test_closing_ends_the_process(tmp_path):
    worker = ExtractionProcess(tmp_path / "chat.db.nlp-cache.json").start()
    worker.wait()
    child = worker._process
    worker.close()
    assert child.poll() == 0


class Unpicklable(Exception):
    def __init__(self, a, b):
        super().__init__(f"{a}/{b}")


def test_errors_cross_with_their_type_or_at_least_their_name():
    crossed = pickle.loads(pickle.dumps(_portable(DataError("terms.yaml: concepts[3]", "bad"))))
    assert isinstance(crossed, DataError) and crossed.where == "terms.yaml: concepts[3]"
    fallback = _portable(Unpicklable(1, 2))
    assert type(fallback) is RuntimeError and str(fallback) == "Unpicklable: 1/2"


def test_the_chat_extracts_in_its_own_process_and_never_imports_spacy(tmp_path):
    code = ("import sys; from bot.cli import main; status = main(['--db', sys.argv[1], 'chat', '--role', 'patient']); "
            "print('spacy' in sys.modules, 'nlp.components.entities' in sys.modules, status, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "chat.db")], cwd=ROOT, timeout=300,
                          input="I'm 34, I have lupus since 2015, mycophenolate didn't help\n/profile\n",
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "systemic lupus erythematosus since 2015" in done.stdout
    assert done.stderr.strip().splitlines()[-1] == "False False 0"
    assert (tmp_path / "chat.db.nlp-cache.json").exists()      # the child kept the build cache


def test_the_extraction_benchmark_times_messages_in_and_out_of_the_process():
    from benchmarks.extraction import message_latency

    result = message_latency(["lupus since 2015", "no HIV", "platelets 45"], passes=1)
    assert set(result) == {"in_process_ms", "extraction_process_ms"}
    assert all(set(v) == {"p50", "p95"} and 0 < v["p50"] <= v["p95"] for v in result.values())


def test_the_channel_carries_large_messages_whole_and_reports_a_closed_end():
    import socket
    import threading

    from nlp.extraction_process import Channel

    left, right = socket.socketpair()
    sender, receiver = Channel(left), Channel(right)
    big = {"facts": ["x" * 1000] * 5000, "today": date(2026, 11, 22)}        # ~5 MB, many recv() calls
    threading.Thread(target=lambda: (sender.send(big), sender.send(None), sender.close())).start()
    assert receiver.recv() == big
    assert receiver.recv() is None
    with pytest.raises(EOFError):
        receiver.recv()
    receiver.close()


def test_the_chat_extracts_in_its_own_process_where_no_child_can_be_started():
    from bot.commands.chat import _start_extraction

    class NoChildren:
        def __init__(self, cache):
            pass

        def start(self):
            raise OSError("fork: resource temporarily unavailable")

    assert _start_extraction(NoChildren, None) is None


def test_the_process_reads_the_people_of_a_first_telling_as_this_process_does(process):
    # a whole family in one message (h112, round 24) in the terminal chat and Telegram, which
    # extract in this child: it had never been asked there (lead, twenty-seventh session)
    from nlp.pipeline import people_of
    process.wait()
    today = date(2026, 12, 6)
    text = ("my son (17) has crohns and my daughter (22) has lupus. he is on stelara which isnt working, "
            "she failed mycophenolate and benlysta")
    found = process.people_of(text, today=today)
    assert [p.relation for p in found] == ["son", "daughter"]
    assert found == people_of(text, today=today)
    assert process(TEXTS[0], source="m1", today=today) == extract(TEXTS[0], source="m1", today=today)
