"""Round 26 (h123), issue #15: the criteria reading made cheaper must read the same.

The word lists of extraction.yaml are kept per loaded vocabulary (``vocabulary_words``), a
record's check answers its texts and empty fields sooner and copies its rules with
``copy_rule``; each answers what the slower code answered."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest

from core.rules import copy_rule
from data.errors import DataError
from data.trials import validate_record
from nlp import resources
from registry.criteria_text import default_rule_parser
from registry.run import read_files

CTGOV = Path(__file__).resolve().parent.parent.parent / "shared" / "ctgov"


def _built(key: str) -> frozenset[str]:
    return frozenset(str(w).lower() for w in resources.vocabulary().get(key) or ())


def test_a_word_list_is_the_set_read_from_the_vocabulary_and_the_same_set_next_time():
    for key in ("weak_term_not_after", "disease_slot_after", "no_such_list_here"):
        first = resources.vocabulary_words(key)
        assert first == _built(key)
        assert resources.vocabulary_words(key) is first


def test_a_reloaded_vocabulary_is_read_again(monkeypatch):
    before = resources.vocabulary_words("disease_slot_after")
    changed = dict(resources.vocabulary(), disease_slot_after=["Dx", "HAS"])
    monkeypatch.setattr(resources, "vocabulary", lambda: changed)
    assert resources.vocabulary_words("disease_slot_after") == frozenset({"dx", "has"})
    monkeypatch.undo()
    assert resources.vocabulary_words("disease_slot_after") == before


def _record(**fields) -> dict:
    record = {"id": "local-check", "nct_id": None, "sources": ["check"], "title": "A study",
              "criteria": [{"id": "c1", "kind": "inclusion", "text": "Age 18 or over",
                            "rule": {"type": "age", "min": 18}}]}
    record.update(fields)
    return record


def test_the_record_check_still_refuses_blank_or_missing_text_and_keeps_empty_optionals():
    with pytest.raises(DataError, match="title"):
        validate_record(_record(title="   "), "check")
    with pytest.raises(DataError, match="title"):
        validate_record(_record(title=None), "check")
    with pytest.raises(DataError, match="acronym"):
        validate_record(_record(acronym=" "), "check")
    checked = validate_record(_record(acronym=None, summary="Short summary"), "check")
    assert checked["acronym"] is None and checked["summary"] == "Short summary"


def test_the_checked_rule_is_an_equal_copy_sharing_nothing():
    record = _record()
    checked = validate_record(record, "check")
    rule = record["criteria"][0]["rule"]
    assert checked["criteria"][0]["rule"] == rule == copy.deepcopy(rule)
    assert checked["criteria"][0]["rule"] is not rule
    nested = {"all": [rule, {"not": rule}]}
    copied = copy_rule(nested)
    assert copied == copy.deepcopy(nested) and copied["all"][0] is copied["all"][1]["not"]


@pytest.mark.skipif(not CTGOV.is_dir(), reason="the shared registry records are not here")
def test_registry_records_read_with_and_without_the_run_memo_are_equal():
    files = sorted(CTGOV.glob("NCT*.json"))[:4]
    remembered = read_files(files)
    fresh = read_files(files, parse=default_rule_parser())
    assert remembered == fresh
    assert read_files(files) == remembered          # a second run, the word lists kept
