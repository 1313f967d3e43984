"""Every command has help text ending with an example, and the README documents it."""
from pathlib import Path

import pytest

from bot.cli import COMMANDS, _load, main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_help_ends_with_an_example(name):
    module = _load(name)
    doc = (module.__doc__ or "").strip()
    assert module.HELP and doc, f"{name} needs HELP and a module docstring"
    last_lines = "\n".join(doc.splitlines()[-4:])
    assert "Example" in last_lines and "bot.py" in last_lines, f"{name}: help must end with an example"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_help_runs(name, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([name, "--help"])
    assert exit_info.value.code == 0
    assert "usage: trialbot" in capsys.readouterr().out


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_readme_documents_every_command(name):
    assert f"python bot.py {name}" in README, f"README lacks a section for `python bot.py {name}`"


def test_readme_starts_with_the_two_setup_commands():
    block = README.split("```")[1].strip().splitlines()
    commands = [line for line in block if line and not line.startswith("sh")]
    assert commands == ["pip install -e '.[test]' && python bot.py chat", "python -m pytest"]


def test_readme_documents_every_setting():
    from data.settings import SETTINGS

    for setting in SETTINGS.values():
        assert f"`{setting.name}`" in README, f"README lacks the setting {setting.name}"
