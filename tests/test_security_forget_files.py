"""Issue #17 item 2: after /forget nothing the user said is left in any file of the
database folder (database, -wal, -shm, the nlp build cache): every connection has
``secure_delete`` on (deleted rows are overwritten), the WAL is checkpointed and truncated
after a forget or purge, and the chat closes the store cleanly on exit."""
from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from benchmarks.fake_bot_api import FakeBotAPI, polling
from bot.collaborators import real_extract
from bot.engine import Engine
from bot.session_store import SessionStore
from bot.telegram_app import build_application
from data.store import close, connect

ROOT = Path(__file__).resolve().parent.parent
WORDS = ("cellcept", "benlysta")
MESSAGES = ["I have lupus since 2014", "I took cellcept, it failed, then benlysta"]


def _count(data: bytes, needle: str) -> int:
    return data.count(needle.lower().encode()) + data.count(needle.lower().encode("utf-16-le"))


def leftovers(folder: Path, *needles: str, baseline: Path | None = None) -> dict[str, list[str]]:
    """Files of ``folder`` holding one of ``needles`` (case-insensitive, as UTF-8 or
    UTF-16) more often than the file of the same name in ``baseline`` does (the nlp build
    cache holds the terminology, whose brand names include CellCept and Benlysta)."""
    found = {}
    for file in folder.iterdir():
        if file.is_file():
            data = file.read_bytes().lower()
            base = baseline / file.name if baseline is not None else None
            known = base.read_bytes().lower() if base is not None and base.is_file() else b""
            hits = [n for n in needles if _count(data, n) > _count(known, n)]
            if hits:
                found[file.name] = hits
    return found


def test_cli_chat_forget_leaves_nothing_on_disk(tmp_path):
    folder = tmp_path / "store"
    db = folder / "trialbot.db"
    session = "zq7session4411"
    empty = tmp_path / "empty"                 # the same files without any conversation
    subprocess.run([sys.executable, str(ROOT / "bot.py"), "--db", str(empty / "trialbot.db"), "chat", "--role",
                    "patient"], input="", capture_output=True, text=True, timeout=300, cwd=ROOT, check=True)
    assert (empty / "trialbot.db.nlp-cache.json").is_file()
    chat = [sys.executable, str(ROOT / "bot.py"), "--db", str(db), "chat", "--role", "patient", "--session", session]
    done = subprocess.run(chat, input="\n".join(MESSAGES) + "\n", capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert leftovers(folder, *WORDS, session, baseline=empty), "the conversation should be stored before /forget"
    done = subprocess.run(chat, input="/forget\n", capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "trialbot.db.nlp-cache.json" in {f.name for f in folder.iterdir()}
    assert leftovers(folder, *WORDS, session, baseline=empty) == {}


@pytest.fixture(scope="module")
def pipeline():
    return real_extract()


async def test_telegram_forget_leaves_nothing_on_disk(tmp_path, pipeline):
    folder = tmp_path / "store"
    folder.mkdir()
    user = 731904662
    db = connect(str(folder / "trialbot.db"))
    engine = Engine(SessionStore(db), transport="telegram", gazetteer=None, today=date(2026, 1, 15),
                    extract=pipeline)
    with FakeBotAPI() as api:
        app = build_application(engine, api.token, api.base_url, maintenance_every=None)
        async with polling(app):
            api.user_says(user, "/start")
            await api.until(lambda: api.messages(user), what="greeted")
            for number, text in enumerate(["I'm a patient", *MESSAGES], start=2):
                api.user_says(user, text)
                await api.until(lambda n=number: len(api.messages(user)) >= n, what="a reply")
            assert leftovers(folder, *WORDS, str(user))
            api.user_says(user, "/forget")
            await api.until(lambda: "forg" in " ".join(api.texts(user)[-1:]).lower() or
                            not SessionStore(db).exists(f"tg:{user}"), what="forgotten")
            await api.until(lambda: leftovers(folder, *WORDS, str(user)) == {}, what="nothing left on disk")
    close(db)
    assert leftovers(folder, *WORDS, str(user)) == {}


def test_the_purge_leaves_nothing_on_disk(tmp_path, pipeline):
    folder = tmp_path / "store"
    folder.mkdir()
    db = connect(str(folder / "trialbot.db"))
    engine = Engine(SessionStore(db), transport="cli", gazetteer=None, today=date(2026, 1, 15), extract=pipeline)
    cid = "cli:zq7purge"
    engine.start(cid, role="patient")
    for text in MESSAGES:
        engine.message(cid, text)
    assert leftovers(folder, *WORDS, "zq7purge")
    db.execute("UPDATE conversations SET updated_at = '2020-01-01T00:00:00+00:00'")
    assert engine.store.purge_idle(30) == 1
    assert leftovers(folder, *WORDS, "zq7purge") == {}
