"""Issue #17 item 5: escape sequences in imported trial text never reach a terminal.

Two guards, each tested on its own: the importers clean every text field of a record
(escape sequences and C0/C1 control characters removed, newlines and tabs kept:
``registry.record.clean_text``); and the terminal outputs (``PLAIN`` / ``ANSI``, the
``import``, ``trials`` and ``trial ID`` commands, the chat) show any control character
still in stored text as a visible picture (``bot.formats.terminal_safe``)."""
from __future__ import annotations

import copy
import json
import re
from datetime import date
from pathlib import Path

import pytest

from bot.cli import main
from bot.engine import Engine
from bot.formats import ANSI, PLAIN, terminal_safe
from bot.render import Renderer
from bot.session_store import SessionStore
from data.store import connect, get_trial, open_store, upsert_trials
from data.trials import load_trials
from registry.record import clean_text

FIXTURE = Path(__file__).parent / "data" / "ctgov" / "single_study.json"
HOSTILE = "\x1b]0;owned\x07\x1b[2J\x1b[31mRED\x1b[0m\x9b1m\x07\x08\x7f"
# anything that could drive a terminal: ESC, BEL, BS, DEL, C1 (CSI, OSC, ST...), CR
RAW_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def test_clean_text():
    assert clean_text(f"Lupus {HOSTILE} study") == "Lupus RED study"
    assert clean_text("line one\r\nline two\tthree\rfour") == "line one\nline two\tthree\nfour"


def test_terminal_safe_makes_controls_visible():
    assert terminal_safe("a\x1b[31mb\x07c\nd\te\x9b") == "a␛[31mb␇c\nd\te\ufffd"
    assert PLAIN.esc("\x1b[31m") == "␛[31m" and ANSI.esc("\x1b[31m") == "␛[31m"


def hostile_study(tmp_path) -> Path:
    study = json.loads(FIXTURE.read_text())
    ident = study["protocolSection"]["identificationModule"]
    ident["briefTitle"] = f"CAR-T {HOSTILE} in lupus"
    ident["officialTitle"] = f"Official {HOSTILE}"
    elig = study["protocolSection"]["eligibilityModule"]
    elig["eligibilityCriteria"] = elig["eligibilityCriteria"].replace(
        "Pregnant or breastfeeding.", f"Pregnant {HOSTILE} or breastfeeding.")
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(study))
    return path


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def test_import_cleans_every_text_field_and_the_commands_print_no_control(tmp_path, capsys):
    db = str(tmp_path / "t.db")
    assert main(["--db", db, "import", str(hostile_study(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert not RAW_CONTROLS.search(out)
    record = get_trial(connect(db), "NCT09900001")
    assert record["title"] == "CAR-T RED in lupus"
    bad = [s for s in strings(record) if RAW_CONTROLS.search(s) or "owned" in s]
    assert not bad
    assert any("Pregnant RED or breastfeeding" in s for s in strings(record["criteria"]))
    for argv in (["trials"], ["trial", "NCT09900001"]):
        assert main(["--db", db, *argv]) == 0
        out = capsys.readouterr().out
        assert "CAR-T RED in lupus" in out and not RAW_CONTROLS.search(out)


@pytest.fixture
def stored_hostile(tmp_path):
    """A trial whose text holds escape sequences, written past the importers (as an older
    database or another tool might have stored it)."""
    db = str(tmp_path / "h.db")
    store = open_store(db)
    record = copy.deepcopy(load_trials()[0])
    record["id"] = record["nct_id"] = "NCT09999999"
    record["title"] = f"Hostile {HOSTILE} title"
    record["summary"] = f"Summary {HOSTILE}"
    for criterion in record["criteria"]:
        criterion["text"] = f"{criterion['text']} {HOSTILE}"
    upsert_trials(store, [record], origin="import")
    store.close()
    return db


def test_trials_and_trial_show_stored_controls_as_visible_pictures(stored_hostile, capsys):
    for argv in (["trials"], ["trial", "NCT09999999"]):
        assert main(["--db", stored_hostile, *argv]) == 0
        out = capsys.readouterr().out
        assert "Hostile ␛]0;owned␇" in out and not RAW_CONTROLS.search(out)


@pytest.mark.parametrize("fmt", [PLAIN, ANSI])
def test_the_chat_shows_stored_controls_as_visible_pictures(stored_hostile, fmt):
    store = SessionStore(open_store(stored_hostile))
    engine = Engine(store, gazetteer=None, today=date(2026, 1, 15))
    renderer = Renderer(fmt, engine.texts)
    engine.start("cli:t", role="clinician")
    for text in ("/trial NCT09999999", "/trials"):
        lines = "\n".join(renderer.render(engine.message("cli:t", text)))
        assert "Hostile ␛]0;owned␇" in lines
        shown = lines.replace("\x1b[1m", "").replace("\x1b[0m", "")   # ANSI's own bold
        assert not RAW_CONTROLS.search(shown), repr(shown)
