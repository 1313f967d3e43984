"""`python bot.py check FILE...`: a curator's check of trial record files, every problem
on its own line naming the file, the criterion id and the field; exit 1 on any problem."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.cli import main

BUNDLED = Path(__file__).resolve().parents[1] / "data" / "trials"


def _record(**overrides) -> dict:
    record = {
        "id": "NCT01234567",
        "nct_id": "NCT01234567",
        "sources": ["test page"],
        "title": "A test study",
        "conditions": ["sle"],
        "criteria": [
            {"id": "inc-1", "kind": "inclusion", "text": "Systemic lupus erythematosus",
             "rule": {"type": "diagnosis", "concept": "sle"}},
            {"id": "exc-1", "kind": "exclusion", "text": "HIV or hepatitis C",
             "rule": {"any": [{"type": "infection", "agent": "hiv", "state": "positive"},
                              {"type": "infection", "agent": "hcv", "state": "active"}]}},
        ],
    }
    record.update(overrides)
    return record


def _write(directory: Path, record, name: str = "NCT01234567.yaml") -> Path:
    path = directory / name
    path.write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _check(capsys, *paths) -> tuple[int, list[str]]:
    status = main(["check", *map(str, paths)])
    return status, capsys.readouterr().out.splitlines()


def test_a_good_file_is_ok(tmp_path, capsys):
    path = _write(tmp_path, _record())
    assert _check(capsys, path) == (0, [f"{path}: ok"])


def test_the_bundled_trials_are_ok(tmp_path, capsys):
    paths = sorted(BUNDLED.glob("*.yaml"))
    status, lines = _check(capsys, *paths)
    assert status == 0
    assert lines == [f"{p}: ok" for p in paths]


def test_unknown_leaf_type_names_file_criterion_and_field(tmp_path, capsys):
    record = _record()
    record["criteria"][1]["rule"]["any"][0] = {"type": "lab_value", "agent": "hiv"}
    path = _write(tmp_path, record)
    status, lines = _check(capsys, path)
    assert status == 1
    assert len(lines) == 1
    assert lines[0].startswith(f"{path}: criterion exc-1: rule.any[0].type: unknown leaf type 'lab_value'")


def test_unknown_concept(tmp_path, capsys):
    record = _record()
    record["criteria"][0]["rule"]["concept"] = "lupus_of_the_moon"
    path = _write(tmp_path, record)
    status, lines = _check(capsys, path)
    assert status == 1
    assert lines == [f"{path}: criterion inc-1: rule.concept: unknown concept 'lupus_of_the_moon' (not in data/terminology)"]


def test_missing_fields(tmp_path, capsys):
    record = _record()
    del record["title"]
    del record["criteria"][0]["text"]
    path = _write(tmp_path, record)
    status, lines = _check(capsys, path)
    assert status == 1
    assert f"{path}: title: required field is missing" in lines
    assert f"{path}: criterion inc-1: text: required: the criterion text" in lines


def test_every_bad_criterion_is_reported_not_only_the_first(tmp_path, capsys):
    record = _record()
    record["criteria"][0]["rule"] = {"type": "diagnosis"}
    record["criteria"][1]["kind"] = "maybe"
    path = _write(tmp_path, record)
    status, lines = _check(capsys, path)
    assert status == 1
    assert [line.split(": ")[1:3] for line in lines] == [["criterion inc-1", "rule.concept"],
                                                         ["criterion exc-1", "kind"]]


def test_not_yaml(tmp_path, capsys):
    path = tmp_path / "NCT01234567.yaml"
    path.write_text("id: [unclosed\ntitle: x\n", encoding="utf-8")
    status, lines = _check(capsys, path)
    assert status == 1
    assert len(lines) == 1
    assert lines[0].startswith(f"{path}:") and "not valid YAML" in lines[0]


@pytest.mark.parametrize("content", ["- just\n- a list\n", "plain text\n"])
def test_not_a_record(tmp_path, capsys, content):
    path = tmp_path / "NCT01234567.yaml"
    path.write_text(content, encoding="utf-8")
    status, lines = _check(capsys, path)
    assert status == 1
    assert lines == [f"{path}: a trial record must be a mapping, got {'list' if '-' in content else 'str'}"]


def test_a_missing_file(tmp_path, capsys):
    status, lines = _check(capsys, tmp_path / "absent.yaml")
    assert status == 1
    assert lines[0].startswith(f"{tmp_path / 'absent.yaml'}: cannot be read")


def test_file_name_and_duplicates(tmp_path, capsys):
    good = _write(tmp_path, _record())
    misnamed = _write(tmp_path, _record(), "NCT07654321.yaml")
    status, lines = _check(capsys, good, misnamed)
    assert status == 1
    assert lines[0] == f"{good}: ok"
    assert f"{misnamed}: id: the file must be named after the record's id (NCT01234567.yaml)" in lines
    assert f"{misnamed}: id: NCT01234567 is already described by {good}" in lines


def test_good_and_bad_files_together(tmp_path, capsys):
    good = tmp_path / "good" / "NCT05030779.yaml"
    good.parent.mkdir()
    shutil.copy(BUNDLED / "NCT05030779.yaml", good)
    bad = _write(tmp_path, _record(sources=[]))
    status, lines = _check(capsys, good, bad)
    assert status == 1
    assert lines == [f"{good}: ok", f"{bad}: sources: name at least one source"]
