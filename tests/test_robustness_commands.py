"""``python bot.py extract`` and ``python bot.py triage`` on anything: arbitrary bytes
(binary, NUL, invalid UTF-8), arbitrary Unicode (emoji, right-to-left, Chinese, control
characters), absurd numbers and malformed units, empty and oversized input. Either the
command works (exit 0) or it says what is wrong in one line (``trialbot: error: ...``,
non-zero exit): never a traceback, never an "internal error". (hypothesis, bounded.)"""
from __future__ import annotations

import io
import json
import sys

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from bot.cli import main
from data.store import open_store

TEXTS = st.one_of(
    st.text(max_size=300),
    st.text(st.characters(codec="utf-8"), max_size=200),
    st.lists(st.sampled_from([
        "34F", "SLE", "lupus since 2015", "creatinine 99999999", "-5 years old", "platelets 15000",
        "ALT 1e308 U/L", "Hb NaN g/dL", "x10^^9/LL", "mg/dLL/dl/", "ECOG -3", "患者", "肌酐 88 µmol/L",
        "مريض", "\u202e", "😀", "\x00", "\x07", "\t", "\n", "no HIV", "HBsAg+", "failed MMF", "CD7+",
        "aged 250", "weight -70 kg", "<b>", "&", "3 weeks ago", "since 1800", "in 2099"]), max_size=30).map(" ".join),
)
BYTES = st.one_of(st.binary(max_size=300), TEXTS.map(lambda t: t.encode("utf-8")),
                  TEXTS.map(lambda t: t.encode("utf-16")), TEXTS.map(lambda t: t.encode("latin-1", "replace")))


def run(argv: list[str], data: bytes, capsys, monkeypatch) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def clear(code: int, err: str) -> None:
    assert "Traceback" not in err and "internal error" not in err, err
    if code != 0:
        lines = err.strip().splitlines()
        assert lines and all(line.startswith("trialbot: error: ") for line in lines), err


@pytest.fixture(scope="module")
def trials_file(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("triage") / "bot.db"
    open_store(str(path)).close()
    return str(path)


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(data=BYTES, as_json=st.booleans())
def test_extract_takes_any_input(data, as_json, capsys, monkeypatch):
    code, out, err = run(["extract", "-"] + (["--json"] if as_json else []), data, capsys, monkeypatch)
    clear(code, err)
    if code == 0 and as_json:
        assert isinstance(json.loads(out), list)


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(data=BYTES, as_json=st.booleans())
def test_triage_takes_any_input(trials_file, data, as_json, capsys, monkeypatch):
    code, out, err = run(["--db", trials_file, "triage"] + (["--json"] if as_json else []), data, capsys, monkeypatch)
    clear(code, err)
    if code == 0:
        # the disclaimer closes every text report, in Chinese for a Chinese letter (triage --lang auto)
        assert ("trial team" in out or "试验团队" in out) if not as_json else json.loads(out)["trials"]


@pytest.mark.parametrize("data, problem", [
    (b"", "empty"), (b"   \n\t ", "empty"), (b"\x00\x01\x02lupus", "not UTF-8"), (b"\xff\xfe\xfa", "not UTF-8"),
    ("lupus ".encode() * 40_000, "too long"), (b"x" * 1_000_000, "too long"),
])
@pytest.mark.parametrize("command", ["extract", "triage"])
def test_unusable_input_is_named_in_one_line(trials_file, command, data, problem, capsys, monkeypatch):
    argv = ["--db", trials_file, command, "-"] if command == "triage" else [command, "-"]
    code, out, err = run(argv, data, capsys, monkeypatch)
    assert code == 2 and out == "" and problem in err and err.count("\n") == 1
    clear(code, err)


@pytest.mark.parametrize("text", ["creatinine 99999999", "platelets 5000000", "-5 years old", "aged 250",
                                  "患者，女，34岁，系统性红斑狼疮", "\u202eSLE\u202c since 2015"])
def test_absurd_values_are_flagged_or_ignored_never_a_crash(trials_file, text, capsys, monkeypatch):
    code, out, err = run(["--db", trials_file, "triage", "--json"], text.encode(), capsys, monkeypatch)
    assert code == 0, err
    profile = json.loads(out)["profile"]
    facts = profile["facts"] if isinstance(profile, dict) else profile
    for fact in facts:
        if fact["label"] == "LAB" and fact["value"] is not None and fact["value"] > 10_000:
            assert fact["implausible"] and fact["value_normalized"] is None


@pytest.mark.parametrize("text", ["😀" * 200, "hello, can you help?", "asdf qwer zxcv"])
@pytest.mark.parametrize("as_json", [False, True])
def test_a_text_with_nothing_recognised_is_named_not_judged_against_every_trial(trials_file, text, as_json,
                                                                             capsys, monkeypatch):
    code, out, err = run(["--db", trials_file, "triage"] + (["--json"] if as_json else []), text.encode(),
                         capsys, monkeypatch)
    assert code == 2 and out == "" and "nothing recognised" in err and err.count("\n") == 1
    clear(code, err)


def test_a_file_with_nothing_recognised_does_not_stop_the_others(tmp_path, trials_file, capsys):
    (tmp_path / "a.txt").write_text("😀😀😀")
    (tmp_path / "b.txt").write_text("34F, SLE since 2015, failed MMF")
    code = main(["--db", trials_file, "triage", "--json", str(tmp_path / "a.txt"), str(tmp_path / "b.txt")])
    out, err = capsys.readouterr()
    assert code == 2 and "a.txt: nothing recognised" in err
    assert [json.loads(line)["source"] for line in out.splitlines()] == [str(tmp_path / "b.txt")]


def test_a_file_that_is_a_directory_or_missing_is_named(tmp_path, trials_file, capsys):
    for command in ("extract", "triage"):
        for path in (str(tmp_path), str(tmp_path / "missing.txt")):
            code = main(["--db", trials_file, command, path])
            err = capsys.readouterr().err
            assert code == 2 and err.startswith("trialbot: error: ") and err.count("\n") == 1, err
