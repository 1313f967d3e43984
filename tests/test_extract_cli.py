"""`python bot.py extract`: table or JSON, from a file or standard input; bad input gets
one clear line and a non-zero exit, never a traceback, and the text is never echoed."""
import io
import json
import sys

from bot.cli import main

REQUIRED = {"text", "start", "end", "label", "concept", "negated", "historical", "hypothetical", "family",
            "uncertain", "value", "unit", "value_normalized", "unit_normalized", "comparator"}


def run(monkeypatch, capsys, argv, stdin=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    code = main(["extract", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_from_stdin(monkeypatch, capsys):
    code, out, _ = run(monkeypatch, capsys, ["--json"], "35F, creatinine 265 µmol/L, no HIV".encode())
    facts = json.loads(out)
    assert code == 0
    assert all(REQUIRED <= set(f) for f in facts)
    creatinine = next(f for f in facts if f["concept"] == "creatinine")
    assert creatinine["unit_normalized"] == "mg/dL" and round(creatinine["value_normalized"], 1) == 3.0
    assert next(f for f in facts if f["concept"] == "hiv")["negated"] is True


def test_table_from_a_file(tmp_path, monkeypatch, capsys):
    path = tmp_path / "letter.txt"
    path.write_text("Mother had lupus. Tried rituximab, didn't work.", encoding="utf-8")
    code, out, _ = run(monkeypatch, capsys, [str(path)])
    assert code == 0
    assert "label" in out.splitlines()[0] and "family" in out and "failed" in out


def test_empty_input_is_a_clear_error(monkeypatch, capsys):
    code, out, err = run(monkeypatch, capsys, [], b"  \n")
    assert code != 0 and out == ""
    assert err.startswith("trialbot: error:") and "empty" in err and "Traceback" not in err


def test_binary_input_is_a_clear_error(monkeypatch, capsys):
    code, _, err = run(monkeypatch, capsys, [], b"\x89PNG\r\n\x1a\n\x00\x00secret lupus")
    assert code != 0 and "not UTF-8 text" in err and "lupus" not in err


def test_huge_input_is_a_clear_error(monkeypatch, capsys):
    code, _, err = run(monkeypatch, capsys, [], b"lupus " * 50_000)
    assert code != 0 and "too long" in err and "lupus" not in err


def test_missing_file_is_a_clear_error(tmp_path, monkeypatch, capsys):
    code, _, err = run(monkeypatch, capsys, [str(tmp_path / "nope.txt")])
    assert code != 0 and err.startswith("trialbot: error: cannot read")


def test_the_table_says_durations_as_people_do(monkeypatch, capsys):
    """"for 273.94 days" was printed for "9 months"; --json keeps the days."""
    _, out, _ = run(monkeypatch, capsys, [], b"mycophenolate for 9 months, failed")
    assert "for 9 months" in out and "273" not in out
    _, out, _ = run(monkeypatch, capsys, ["--json"], b"mycophenolate for 9 months, failed")
    assert round(json.loads(out)[0]["duration_days"]) == 274
