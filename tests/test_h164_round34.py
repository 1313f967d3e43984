"""Round 34 (h164, issue #15): the criteria reader reads the same rules with less work.

* ``nlp.pipeline.CriteriaReadings``: within an import run (``registry.run.remembering``) the
  pipeline reads each criterion text once; a text read again gets copies of the same facts
  and the same Doc.
* ``FirstWordMatcher``: a pattern (or a word's Matcher) runs only on a text holding the words
  its never-skipped exact tokens need; the same matches as one spaCy Matcher.
* organ involvement: no phrase is tried on a text without an organ word.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from matcher_helpers import both_matchers
from nlp.pipeline import (CriteriaReadings, build_pipeline, criteria_readings, extract, extract_with_doc,
                          FirstWordMatcher, _needed_words)

ROOT = Path(__file__).resolve().parent
TODAY = date(2026, 12, 7)


def _dev_criteria(step: int = 9, most: int = 160) -> list[dict]:
    rows = [json.loads(line) for line in (ROOT / "data/criteria_gold/dev.jsonl").open()]
    return rows[::step][:most]


# ---- the run's readings ------------------------------------------------------------------

def test_a_text_read_again_in_a_run_gets_copies_of_the_same_facts_and_the_same_doc():
    text = "History of lupus nephritis treated with rituximab within 6 months"
    readings = CriteriaReadings()
    with criteria_readings(readings):
        first, doc = extract_with_doc(text, TODAY, conversation=False)
        again, doc_again = extract_with_doc(text, TODAY, conversation=False)
    assert readings.hits == 1
    assert [f.to_dict() for f in again] == [f.to_dict() for f in first]
    assert {f.concept for f in first} >= {"lupus_nephritis", "rituximab"}
    assert doc_again is doc
    assert all(a is not b for a, b in zip(again, first))     # a caller may change its own facts
    again[0].negated = not again[0].negated
    with criteria_readings(readings):
        third, _ = extract_with_doc(text, TODAY, conversation=False)
    assert [f.to_dict() for f in third] == [f.to_dict() for f in first]


def test_the_readings_are_the_pipelines_own_and_kept_only_inside_the_block():
    text = "Known HIV infection or active hepatitis B"
    plain, _ = extract_with_doc(text, TODAY, conversation=False)
    readings = CriteriaReadings()
    with criteria_readings(readings):
        kept, _ = extract_with_doc(text, TODAY, conversation=False)
        other_day, _ = extract_with_doc(text, date(2025, 1, 1), conversation=False)
        spoken, _ = extract_with_doc(text, TODAY)       # a person's message is never kept
    assert [f.to_dict() for f in kept] == [f.to_dict() for f in plain] == [f.to_dict() for f in other_day]
    assert len(readings.kept) == 2 and readings.hits == 0
    extract_with_doc(text, TODAY, conversation=False)      # outside: read anew, nothing kept
    assert len(readings.kept) == 2 and readings.hits == 0
    assert [f.to_dict() for f in spoken] == [f.to_dict() for f in extract_with_doc(text, TODAY)[0]]


def test_the_readings_keep_at_most_their_bound_the_least_recently_read_going_first():
    readings = CriteriaReadings(most=2)
    with criteria_readings(readings):
        for text in ("Pregnancy", "Active hepatitis B", "Pregnancy", "Prior stem cell transplant"):
            extract_with_doc(text, TODAY, conversation=False)
    assert [text for text, _ in readings.kept] == ["Pregnancy", "Prior stem cell transplant"]
    assert readings.hits == 1


def test_a_run_reads_the_same_rules_as_each_line_read_alone_on_real_criteria():
    """Registry lines of the criteria gold's dev set, each read twice in one run (the second
    time for a study with another drug, so the rule is read again, the pipeline's reading
    kept): the same rules as the parser reading each line on its own."""
    from nlp.criteria.study_drugs import reading_study
    from registry.criteria_text import default_rule_parser
    from registry.run import remembering

    rows = _dev_criteria()
    assert len(rows) > 100
    parse = default_rule_parser()
    alone = [parse(row["text"], row["kind"]) for row in rows]
    run = remembering(default_rule_parser())
    first = [run(row["text"], row["kind"]) for row in rows]
    with reading_study([{"type": "DRUG", "name": "Rituximab"}]):
        again = [run(row["text"], row["kind"]) for row in rows]
    assert first == alone
    with reading_study([{"type": "DRUG", "name": "Rituximab"}]):
        for row, rule in zip(rows, again):
            assert rule == parse(row["text"], row["kind"]), row["text"]


# ---- ConText's patterns gated by the words they need -------------------------------------

PATTERNS = {
    "cycles_of": [{"LIKE_NUM": True}, {"LOWER": {"IN": ["cycles", "courses"]}}, {"LOWER": "of"}],
    "still_high": [{"IS_SENT_START": True, "IS_ALPHA": True}, {"IS_ALPHA": True, "OP": "?"},
                   {"LOWER": {"IN": ["is", "are"]}}, {"LOWER": "still"}, {"LOWER": {"IN": ["high", "active"]}}],
    "comma_never": [{"LOWER": ","}, {"LOWER": {"IN": ["her", "his"]}, "OP": "?"}, {"IS_ALPHA": True},
                    {"LOWER": "never"}, {"LOWER": {"IN": ["recovered", "improved"]}}],
    "comma_alone": [{"ORTH": ","}, {"LOWER": "but", "OP": "?"}],
    "regex_only": [{"TEXT": {"REGEX": "^[x×][1-9]$"}}],
    "plus_word": [{"IS_DIGIT": True}, {"LOWER": "prior", "OP": "+"}, {"LOWER": "lines"}],
}
TEXTS = [
    "6 cycles of R-CHOP, her platelets never recovered.",
    "Her lupus is still active despite MMF x3",
    "3 days of fever, no cycles; courses of steroids",
    "Disease is still high, but the counts never improved",
    "2 prior prior lines, x9",
    "nothing here at all",
]


def test_the_words_a_pattern_needs_are_those_of_its_never_skipped_exact_tokens():
    assert _needed_words(PATTERNS["cycles_of"]) == [[("LOWER", "cycles"), ("LOWER", "courses")], [("LOWER", "of")]]
    assert _needed_words(PATTERNS["comma_alone"]) == [[("ORTH", ",")]]      # "but" may be skipped
    assert _needed_words(PATTERNS["plus_word"]) == [[("LOWER", "prior")], [("LOWER", "lines")]]
    assert _needed_words(PATTERNS["regex_only"]) == []
    assert _needed_words([{"LOWER": "no", "OP": "!"}, {"LOWER": "fever", "OP": "*"}]) == []


def test_gated_patterns_find_what_one_matcher_finds_and_run_only_where_their_words_are():
    nlp, one, filed = both_matchers(PATTERNS)
    assert len(filed.others) == 1 and len(filed.gated) == 3     # the regex alone is run on every text
    found = 0
    for text in TEXTS:
        doc = nlp(text)
        assert sorted(filed(doc)) == sorted(one(doc)), text
        found += len(one(doc))
    assert found >= 5
    alone, never = filed.by_word[(1, nlp.vocab.strings[","])], filed.by_word[(0, nlp.vocab.strings[","])]
    assert filed.needs[id(alone)] is None        # "," alone (then "but" or not) matches: always run
    assert len(filed.needs[id(never)]) == 1      # ", ... never recovered": needs "never" and a last word
    calls = []
    for gate, matcher in filed.gated.items():
        filed.gated[gate] = _Counting(matcher, calls)
    filed(nlp("nothing here at all, or here"))
    assert calls == []
    filed(nlp("4 courses of chemotherapy"))
    assert len(calls) == 1


def test_a_words_matcher_is_skipped_when_none_of_its_patterns_words_are_in_the_text():
    nlp, one, filed = both_matchers({"comma_never": PATTERNS["comma_never"]})
    comma = filed.by_word[(0, nlp.vocab.strings[","])]
    assert filed.needs[id(comma)] is not None
    calls = []
    filed.by_word[(0, nlp.vocab.strings[","])] = _Counting(comma, calls)
    filed.needs[id(filed.by_word[(0, nlp.vocab.strings[","])])] = filed.needs[id(comma)]
    doc = nlp("She had R-CHOP, her counts recovered")
    assert filed(doc) == one(doc) == [] and calls == []
    doc = nlp("She had R-CHOP, her counts never recovered")
    assert filed(doc) == one(doc) and len(filed(doc)) == 1


class _Counting:
    """A Matcher that notes each call."""

    def __init__(self, matcher, calls: list):
        self.matcher, self.calls = matcher, calls

    def __call__(self, doc):
        self.calls.append(doc.text)
        return self.matcher(doc)

    def __len__(self):
        return len(self.matcher)


def test_the_real_context_rules_gated_find_what_medspacys_matcher_finds_on_registry_lines():
    from nlp.components.context import CONTEXT_PIPE

    nlp = build_pipeline()
    filed = nlp.get_pipe(CONTEXT_PIPE)._ConText__matcher.rules._MedspacyMatcher__matcher
    assert isinstance(filed, FirstWordMatcher) and filed.gated
    assert sum(1 for m in filed.by_word.values() if filed.needs.get(id(m)) is not None) > 500
    texts = [row["text"] for row in _dev_criteria(step=5, most=300)] + TEXTS
    matched = 0
    for text in texts:
        doc = nlp(text)
        assert sorted(filed(doc)) == sorted(filed.full(doc)), text
        matched += bool(filed.full(doc))
    assert matched > 50


# ---- organ involvement ----------------------------------------------------------------------

def test_organ_involvement_is_read_as_before_and_a_text_without_an_organ_word_tries_no_phrase():
    facts = extract("lupus with kidney involvement, on MMF", today=TODAY)
    assert "lupus_nephritis" in {f.concept for f in facts}
    assert "interstitial_lung_disease" in {f.concept for f in extract("scleroderma affecting her lungs", today=TODAY)}
    assert "lupus_nephritis" in {f.concept for f in extract("lupus with kidny involvement", today=TODAY)}   # misspelt
    assert {f.concept for f in extract("lupus, on hydroxychloroquine", today=TODAY)} == {"sle", "hydroxychloroquine"}
