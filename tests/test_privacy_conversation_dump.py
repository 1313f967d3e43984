"""Issue #16, privacy made true: after a whole conversation (free text, answers to the
questions, a correction, the city answer, "not sure", a question to the bot, a request for
results), nothing in the database, neither any table nor any byte of its files (the main
file, -wal, -shm), holds a word of what was typed beyond the extracted facts."""
from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from bot.engine import Engine
from bot.session_store import SessionStore
from data.store import open_store

CID = "cli:dump"
# words no extractor keeps: if any of them is stored, message text is stored
SECRET = ["Ophelia", "walrus", "promised", "pagoda", "Fibonacci", "carnival", "Ignatius", "quokka", "turquoise",
          "Bartholomew", "zebra", "Gertrude", "octopus", "swears", "marmalade", "zeppelin", "bumblebee", "xylophone"]
ANSWERS = {
    "age": "she turned 24 last spring with Ophelia",
    "pregnancy": "no she is not, the walrus promised",
    "location": "Hangzhou, near the pagoda of Fibonacci",
    "last_dose": "no. she quit it around the carnival, ask Ignatius",
    "lab": "i think it was 1.2 on the quokka report",
    "labs": "yes we have them in the turquoise folder",
}


def _question_key(reply) -> str:
    asked = [b for b in reply.blocks if b.kind == "question"]
    return asked[-1].data.get("key") or "" if asked else ""


def _stored(path) -> tuple[str, bytes]:
    con = sqlite3.connect(path)
    try:
        dump = "\n".join(con.iterdump())
    finally:
        con.close()
    files = b"".join(p.read_bytes() for p in sorted(path.parent.glob(path.name + "*")))
    return dump.casefold(), files.lower()


@pytest.mark.parametrize("close_first", [False, True])
def test_no_word_of_the_messages_is_stored(tmp_path, close_first):
    path = tmp_path / "dump.db"
    db = open_store(path)
    engine = Engine(SessionStore(db), gazetteer=None, today=date(2026, 1, 15))
    engine.start(CID)
    engine.message(CID, "hello, quick marmalade question")                  # an unclear answer to the role
    engine.message(CID, "for my daughter")
    reply = engine.message(CID, "my daughter is 24, she has lupus nephritis since 2019, mycophenolate failed, "
                                "our zeppelin broke")
    for n in range(12):
        if reply.state not in ("ASKING", "LOCATION"):
            break
        kind = _question_key(reply).split(":")[0]
        fallback = "nope never had that, swears grandpa Bartholomew" if n % 2 else "maybe, the zebra knows"
        reply = engine.message(CID, ANSWERS.get(kind, fallback))
    engine.message(CID, "actually she is 25 according to aunt Gertrude")
    engine.message(CID, "no, it was azathioprine not the octopus")
    engine.message(CID, "what is CAR-T, asks the bumblebee?")
    engine.message(CID, "not sure, xylophone")
    engine.message(CID, "results please")
    assert engine.profile(CID).facts                 # the facts are kept: that is the point
    if close_first:
        db.close()
    dump, files = _stored(path)
    assert "lupus" in dump or "sle" in dump
    leaked = [w for w in SECRET if w.casefold() in dump or w.lower().encode() in files]
    assert leaked == []
    if not close_first:
        db.close()
