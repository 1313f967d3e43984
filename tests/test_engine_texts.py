"""data/bot_texts.yaml is validated on load: a wrong file fails naming the file and field."""
from __future__ import annotations

import pytest

from bot.texts import read_texts
from data.errors import DataError


def write(tmp_path, body: str):
    path = tmp_path / "bot_texts.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_an_unknown_section_is_named(tmp_path):
    with pytest.raises(DataError, match="bot_texts.yaml: greetings: unknown section"):
        read_texts(write(tmp_path, "greetings: {}\n"))


def test_a_text_needs_both_wordings(tmp_path):
    with pytest.raises(DataError, match=r"texts.welcome"):
        read_texts(write(tmp_path, "texts:\n  welcome: {patient: hi}\n"))


def test_an_unquoted_yes_is_caught(tmp_path):
    with pytest.raises(DataError, match=r"choices.yes.accept\[0\].*quote"):
        read_texts(write(tmp_path, "choices:\n  \"yes\": {label: \"Yes\", accept: [yes]}\n"))


def test_an_intent_must_name_a_command(tmp_path):
    with pytest.raises(DataError, match="intents.dance"):
        read_texts(write(tmp_path, "commands: {help: x}\nintents:\n  dance: [dance]\n"))


def test_the_bundled_file_loads():
    texts = read_texts()
    assert set(texts.commands) == {"start", "help", "profile", "results", "summary", "trials", "trial", "role", "language", "restart", "forget"}
