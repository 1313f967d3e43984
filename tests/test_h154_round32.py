"""Round 32 (h154, issue #15): the criteria reader's speed, with the same output.

* the extraction patterns (``nlp/components/patterns.py``) skip a row whose regex cannot
  match the text: none of the strings every match holds is in the text's fold, or each match
  holds a digit and the text has none (``nlp/regex_heads.py``, the criteria cues' pre-check,
  moved below both). The matches are those of every row whose "requires" is met;
* a sign alone (":", "(", a class of signs) is a head: the cue patterns that end a line
  ("Note:", "... including:") no longer run on every text;
* a pattern's heads are kept by its id (the pattern's own hash digests its compiled code);
* the rule keys' JSON encoders are made once (the same strings as ``json.dumps``).
"""
from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from nlp import regex_heads
from nlp.components.entities import PATTERN_FILES
from nlp.components.patterns import PatternMatch, PatternRunner
from nlp.criteria.cues import fold, load_cues
from nlp.criteria.parser import rule_problem
from nlp.criteria.rule_forms import key
from nlp.regex_heads import fold_text, heads, needs_digit

DEV = Path(__file__).parent / "data" / "criteria_gold" / "dev.jsonl"


def _dev_texts() -> list[str]:
    """The registry criterion lines of the criteria gold's dev set (real ClinicalTrials.gov text)."""
    with open(DEV, encoding="utf-8") as handle:
        return [json.loads(line)["text"] for line in handle if line.strip()]


def _every_row_met(runner: PatternRunner, text: str) -> list[PatternMatch]:
    """What the runner found before round 32: every row whose "requires" is met, run."""
    lower, found = text.lower(), []
    for row, gate in zip(runner.rows, runner.gates):
        if gate is not None and (not any(w in lower for w in gate) if type(gate) is tuple else not gate.search(lower)):
            continue
        for match in row["re"].finditer(text):
            groups = match.groupdict()
            spans = {name: match.span(name) for name, value in groups.items() if value is not None}
            start, end = spans.get("span", match.span())
            found.append(PatternMatch(row, start, end, groups, spans))
    return found


def _as_tuples(matches: list[PatternMatch]) -> list[tuple]:
    return [(m.row["where"], m.start_char, m.end_char, sorted(m.groups.items(), key=str)) for m in matches]


@pytest.mark.parametrize("names", [PATTERN_FILES, ("time",)], ids=["entities", "time"])
def test_the_gated_pattern_rows_find_what_every_row_finds_on_registry_criteria(names):
    runner = PatternRunner(names)
    texts = _dev_texts()
    ran = met = 0
    for text in texts:
        expected = _every_row_met(runner, text) + runner._spelled_ages(text)
        assert _as_tuples(runner(text)) == _as_tuples(expected), text
        ran += len(runner.runnable(text))
        lower = text.lower()
        met += sum(1 for gate in runner.gates
                   if gate is None or (any(w in lower for w in gate) if type(gate) is tuple else gate.search(lower)))
    assert len(texts) > 3000
    assert ran < 0.8 * met      # the rows that cannot match are not run


def test_spelled_ages_still_found_through_the_gate():
    runner = PatternRunner(PATTERN_FILES)
    ages = [m for m in runner("my mother is sixty eight years old") if m.label == "AGE"]
    assert ages and {m.groups.get("value") for m in ages} == {"68"}     # (two rows, as before)


def test_a_sign_alone_is_a_head_a_letter_alone_is_not():
    assert heads(re.compile(r"(?<!\w)(?:\w+\W*:\s*$)(?!\w)", re.IGNORECASE)) == (":",)
    assert heads(re.compile(r"^[)\]&,;]")) == ("&", ")", ",", ";", "]")
    assert heads(re.compile(r"(?:the )?(?:start|initiation) of", re.IGNORECASE)) == ("initiation", "start")
    assert heads(re.compile(r"a\d+")) == ()            # one letter: nearly every text holds it
    assert heads(re.compile(r"\s+\d")) == ()
    assert heads(re.compile(r"≥\s*\d")) == ()          # a sign outside ASCII: not looked for
    assert heads(re.compile(r"[a,]x")) == ()           # a class with a letter
    assert heads(re.compile(r"(?:ab|:)c?")) == (":", "ab")


def test_every_match_of_a_sign_headed_cue_holds_its_head_in_registry_criteria():
    cues = load_cues()
    patterns = [p for ps in cues.patterns.values() for p in ps] + [p for _, ps in cues.review for p in ps]
    signed = [p for p in patterns if any(len(h) == 1 for h in heads(p))]
    assert len(signed) >= 5
    matched = 0
    for text in _dev_texts():
        folded = fold(text)
        for pattern in signed:
            if pattern.search(text):
                matched += 1
                assert any(h in folded for h in heads(pattern)), (pattern.pattern, text)
    assert matched > 50


def test_the_fold_holds_what_a_case_insensitive_letter_matches():
    assert fold_text("Note: ſee İtem") == "note: see item"
    assert fold_text("\u212aarnofsky") == "karnofsky"
    assert fold("≥ 18 Years") == "≥ 18 years"


def test_a_patterns_heads_are_worked_out_for_that_pattern_not_one_with_its_id(monkeypatch):
    first = re.compile(r"history of \w+", re.IGNORECASE)
    other = re.compile(r"\w+ tomorrow", re.IGNORECASE)
    # a stale entry under the id (as if another pattern had had it): not used
    monkeypatch.setitem(regex_heads._HEADS, id(first), (other, ("tomorrow",)))
    assert heads(first) == ("history of ",)
    assert regex_heads._HEADS[id(first)][0] is first
    monkeypatch.setattr(regex_heads, "_HEADS_KEPT", 2)
    made = [re.compile(f"word{i} here") for i in range(5)]
    assert [heads(p) for p in made] == [(f"word{i} here",) for i in range(5)]
    assert len(regex_heads._HEADS) <= 2          # kept bounded


def test_needs_digit_read_from_the_regex():
    assert needs_digit(re.compile(r"(?P<value>\d{1,3})\s*years?"))
    assert not needs_digit(re.compile(r"\d*\s*years"))


def test_rule_keys_are_the_json_of_before():
    rule = {"any": [{"type": "lab", "analyte": "platelets", "op": ">=", "value": 100.0, "note": "≥ 100"},
                    {"type": "age", "min": 18, "flag": True, "when": date(2026, 1, 1)}]}
    assert key(rule) == json.dumps(rule, sort_keys=True, default=str)
    assert rule_problem({"type": "diagnosis", "concept": "sle"}) is None
    assert rule_problem({"type": "diagnosis", "concept": "no_such_concept_h154"})
    # notes never change the answer (the key leaves them out)
    assert rule_problem({"type": "diagnosis", "concept": "sle", "note": "a"}) is None
