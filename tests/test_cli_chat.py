"""The CLI chat in a subprocess: piped input (one message a line) to results, a clean exit
at end of input, sessions resumed with --session, and one-line errors."""
from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from bot.cli_chat import run_chat
from bot.session_store import SessionStore
from chat_fakes import fake_engine

ROOT = Path(__file__).resolve().parent.parent


def chat(tmp_path, lines: list[str], *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "TRIALBOT_DB": str(tmp_path / "chat.db")}
    return subprocess.run([sys.executable, str(ROOT / "bot.py"), "chat", *args], input="\n".join(lines) + "\n",
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)


def test_a_piped_patient_conversation_reaches_results(tmp_path):
    done = chat(tmp_path, [
        "I'm 34, I have lupus since 2015, mycophenolate and belimumab didn't help, no HIV",
        "no, it was azathioprine",
        "not sure",
        "show me",
    ], "--role", "patient", "--session", "alice")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Privacy:" in out and "in your own words" in out
    assert "I noted: systemic lupus erythematosus since 2015" in out
    assert "→ tried azathioprine" in out
    assert "leave that open" in out
    assert "may qualify" in out and "Only the trial team can decide" in out
    assert "Traceback" not in done.stderr


def test_a_session_is_resumed_with_its_name(tmp_path):
    first = chat(tmp_path, ["Crohn's disease since 2019, infliximab failed, age 41"], "--role", "clinician", "--session", "bob")
    assert first.returncode == 0, first.stderr
    again = chat(tmp_path, ["/profile"], "--session", "bob")
    assert again.returncode == 0, again.stderr
    assert "Session resumed." in again.stdout
    assert "infliximab (did not help)" in again.stdout and "age 41" in again.stdout


def test_without_a_role_the_first_question_is_who_is_chatting(tmp_path):
    done = chat(tmp_path, ["Clinician", "/forget"])
    assert done.returncode == 0, done.stderr
    assert "who am I talking to?" in done.stdout
    assert "[Patient or family] [Clinician]" in done.stdout
    assert "Clinician mode" in done.stdout and "I deleted everything I stored about you" in done.stdout


def test_a_bad_session_name_is_a_one_line_error(tmp_path):
    done = chat(tmp_path, [], "--session", "../etc")
    assert done.returncode == 1
    assert done.stderr.startswith("trialbot: error: --session") and done.stderr.count("\n") == 1


def test_end_of_input_ends_the_chat_cleanly(fresh_db):
    out = io.StringIO()
    status = run_chat(fake_engine(SessionStore(fresh_db)), "t", role="patient", stdin=io.StringIO("lupus\n\n"),
                      stdout=out, interactive=False)
    assert status == 0
    assert "How old are you?" in out.getvalue()
    assert "[Not sure] [Show results]" in out.getvalue()


def test_an_internal_error_is_one_line_and_the_chat_goes_on(fresh_db):
    engine = fake_engine(SessionStore(fresh_db))

    def broken(text, source=None, today=None):
        if "boom" in text:
            raise RuntimeError("secret text must not be shown")
        from chat_fakes import fake_extract
        return fake_extract(text, source)

    engine._extract = broken
    out, err = io.StringIO(), io.StringIO()
    status = run_chat(engine, "t", role="patient", stdin=io.StringIO("boom lupus\nlupus\n"), stdout=out, stderr=err,
                      interactive=False)
    assert status == 0
    assert err.getvalue() == "trialbot: error: internal error (RuntimeError); that message was not stored\n"
    assert "something went wrong" in out.getvalue() and "How old are you?" in out.getvalue()
