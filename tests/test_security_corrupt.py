"""Issue #17 item 7: damaged pages at the end of a database file (garbled or cut off) give
the store's one-line corrupt-database error (exit 1) in `trials` and `triage`, never
"internal error (DatabaseError)" (exit 70); the file is left as it was."""
from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGE = 4096


def bot(db: Path, *argv: str, text: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "bot.py"), "--db", str(db), *argv], input=text,
                          capture_output=True, text=True, timeout=240, cwd=ROOT)


@pytest.fixture(scope="module")
def healthy(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("healthy") / "trialbot.db"
    assert bot(db, "trials").returncode == 0
    return db


def garble(path: Path, pages: int) -> None:
    rnd = random.Random(17)
    size = path.stat().st_size
    with open(path, "r+b") as f:
        f.seek(size - pages * PAGE)
        f.write(bytes(rnd.randrange(256) for _ in range(pages * PAGE)))


def cut(path: Path, pages: int) -> None:
    os.truncate(path, path.stat().st_size - pages * PAGE)


@pytest.mark.parametrize("damage", [lambda p: garble(p, 16), lambda p: garble(p, 40), lambda p: cut(p, 4)],
                         ids=["garbled-16-pages", "garbled-40-pages", "cut-4-pages"])
@pytest.mark.parametrize("argv,text", [(("trials",), ""), (("triage",), "34F, lupus since 2015, failed MMF\n")],
                         ids=["trials", "triage"])
def test_damaged_pages_give_the_corrupt_database_error(healthy, tmp_path, damage, argv, text):
    db = tmp_path / "damaged.db"
    shutil.copy(healthy, db)
    damage(db)
    before = db.read_bytes()
    done = bot(db, *argv, text=text)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 1, done.stderr
    assert len(lines) == 1 and "is damaged or is not a trialbot database" in lines[0], done.stderr
    assert "internal error" not in done.stderr
    assert db.read_bytes() == before
