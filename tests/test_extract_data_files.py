"""The extraction data files load and validate; a bad file names file, line and field."""
import json

import pytest

from data.errors import DataError
from nlp import resources


def test_bundled_files_load():
    assert resources.context_rules()
    assert resources.patterns("demographics")
    assert resources.vocabulary()["typos"]["min_length"] == 5
    exact, aliases = resources.unit_aliases()
    assert exact["G/L"] == ("10^9/L",) and aliases["mg/dl"] == ("mg/dL",)


def test_bad_pattern_line_names_file_and_line(tmp_path, monkeypatch):
    (tmp_path / "broken.jsonl").write_text('{"id": "x", "label": "AGE", "regex": "("}\n', encoding="utf-8")
    monkeypatch.setattr(resources, "PATTERNS_DIR", tmp_path)
    resources.patterns.cache_clear()
    try:
        with pytest.raises(DataError, match=r"broken.jsonl:1.regex"):
            resources.patterns("broken")
    finally:
        resources.patterns.cache_clear()


def test_unknown_pattern_field_is_rejected(tmp_path, monkeypatch):
    (tmp_path / "odd.jsonl").write_text('{"id": "x", "label": "AGE", "regex": "a", "colour": "red"}\n', encoding="utf-8")
    monkeypatch.setattr(resources, "PATTERNS_DIR", tmp_path)
    resources.patterns.cache_clear()
    try:
        with pytest.raises(DataError, match=r"odd.jsonl:1.colour"):
            resources.patterns("odd")
    finally:
        resources.patterns.cache_clear()


def test_context_rule_with_unknown_key_is_rejected(tmp_path, monkeypatch):
    path = tmp_path / "context_rules.json"
    path.write_text(json.dumps({"context_rules": [{"literal": "no", "category": "NEGATED_EXISTENCE",
                                                   "direction": "FORWARD", "scope": 3}]}), encoding="utf-8")
    monkeypatch.setattr(resources, "CONTEXT_RULES", path)
    resources.context_rules.cache_clear()
    try:
        with pytest.raises(DataError, match=r"context_rules\[0\]\.scope"):
            resources.context_rules()
    finally:
        resources.context_rules.cache_clear()


def test_context_rule_direction_is_checked(tmp_path, monkeypatch):
    path = tmp_path / "context_rules.json"
    path.write_text(json.dumps({"context_rules": [{"literal": "no", "category": "X", "direction": "SIDEWAYS"}]}), encoding="utf-8")
    monkeypatch.setattr(resources, "CONTEXT_RULES", path)
    resources.context_rules.cache_clear()
    try:
        with pytest.raises(DataError, match="direction"):
            resources.context_rules()
    finally:
        resources.context_rules.cache_clear()
