"""Issue #17 item 4: hostile or odd text is normalised before anything reads it
(bot/normalise.py): terminal escape sequences removed whole, NFKC, format characters
(zero-width space/joiners, word joiner, BOM) removed, other control characters blanked,
newlines and tabs kept. Applied to every chat/Telegram message (the engine) and to the
input of `triage` and `extract`."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.normalise import normalise_input
from bot.session_store import SessionStore
from data.store import open_store

ROOT = Path(__file__).resolve().parent.parent
ESCAPED = "lupus\x1b[31m since 2014"
ZERO_WIDTH = ["lu\u200bpus", "lu\u200cpus", "lu\u200dpus", "lu\u2060pus", "\ufefflupus", "lu\u00adpus"]


@pytest.mark.parametrize("raw,clean", [
    (ESCAPED, "lupus since 2014"),
    ("\x1b[1;31mlupus\x1b[0m", "lupus"),
    ("\x1b]0;owned\x07lupus", "lupus"),                       # OSC (window title) up to BEL
    ("\x1b]8;;http://evil\x1b\\lupus\x1b]8;;\x1b\\", "lupus"),   # OSC 8 hyperlink up to ST
    ("lupus\x9b31m", "lupus"),                                 # one-byte C1 CSI
    *[(text, "lupus") for text in ZERO_WIDTH],
    ("ＳＬＥ since ２０１４", "SLE since 2014"),                  # NFKC
    ("lupus\tsince\n2014", "lupus\tsince\n2014"),              # newlines and tabs kept
    ("lupus\r\nsince\r2014\u2028x", "lupus\nsince\n2014\nx"),
    ("lupus\x00since\x07 2014\x7f", "lupus since  2014 "),       # other controls blanked
])
def test_normalise_input(raw, clean):
    assert normalise_input(raw) == clean


def test_plain_text_is_unchanged():
    text = "35F with lupus since 2015, creatinine 1.2 mg/dL; tried MMF — didn't work 😞"
    assert normalise_input(text) == text


@pytest.fixture(scope="module")
def real():
    engine = Engine(SessionStore(open_store(":memory:")), gazetteer=None, today=date(2026, 1, 15))
    engine.warm_up()
    return engine


def facts(engine, cid):
    return {(f.label, f.concept) for f in engine.profile(cid).facts}


def test_an_escape_sequence_in_a_message_is_not_read_as_age_or_sex(real):
    real.start("cli:esc", role="patient")
    real.message("cli:esc", ESCAPED)
    found = facts(real, "cli:esc")
    assert ("CONDITION", "sle") in found
    assert not {label for label, _ in found} & {"AGE", "SEX"}, found


@pytest.mark.parametrize("text", ZERO_WIDTH)
def test_a_zero_width_character_inside_a_word_is_ignored(real, text):
    cid = f"cli:zw-{ord(max(text))}"
    real.start(cid, role="patient")
    real.message(cid, f"I have {text}")
    assert ("CONDITION", "sle") in facts(real, cid)


def run_command(*args, text: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "bot.py"), *args], input=text.encode(),
                          capture_output=True, timeout=240, cwd=ROOT)


def test_extract_normalises_its_input():
    done = run_command("extract", "--json", text=f"{ESCAPED}. Also lu\u200bpus nephritis\n")
    assert done.returncode == 0, done.stderr
    labels = {f["label"] for f in json.loads(done.stdout)}
    concepts = {f["concept"] for f in json.loads(done.stdout)}
    assert "sle" in concepts and not labels & {"AGE", "SEX"}


def test_triage_normalises_its_input(tmp_path):
    done = run_command("--db", str(tmp_path / "t.db"), "triage", "--json", text=f"{ESCAPED}\n")
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout.decode()
    assert "31 years" not in done.stdout.decode() and '"male"' not in done.stdout.decode()
