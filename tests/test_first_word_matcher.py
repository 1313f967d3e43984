"""nlp.pipeline.FirstWordMatcher: ConText's token patterns filed by their first word give
the same matches as one spaCy Matcher holding every pattern, so extraction and the
criteria parser read every text as before (issue #15, import speed)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

from matcher_helpers import both_matchers
from nlp.pipeline import FirstWordMatcher, _first_words, build_pipeline, extract

ROOT = Path(__file__).resolve().parent
PATTERNS = {
    "exact": [{"LOWER": "no"}, {"LOWER": "evidence"}],
    "word_set": [{"LOWER": {"IN": ["history", "hx"]}}, {"LOWER": "of"}],
    "set_and_sentence_start": [{"IS_SENT_START": True, "LOWER": {"IN": ["does", "do"]}}, {"LOWER": "he"}],
    "orth": [{"ORTH": "HIV"}, {"LOWER": "negative", "OP": "?"}],
    "text_set": [{"TEXT": {"IN": [",", ";"]}}, {"LOWER": "but"}],
    "optional_first": [{"LOWER": "not", "OP": "?"}, {"LOWER": "ruled"}, {"LOWER": "out"}],
    "regex_first": [{"TEXT": {"REGEX": "^[x×][1-9]$"}}],
    "same_span_a": [{"LOWER": "going"}, {"LOWER": "to"}, {"LOWER": "try"}],
    "same_span_b": [{"LOWER": {"IN": ["going", "planning"]}}, {"LOWER": "to"}, {"LOWER": "try"}],
}
TEXTS = [
    "No evidence of disease, but history of HIV negative x2.",
    "Does he have a hx of lupus; but not ruled out yet",
    "they were going to try IVIG. Do he know? ruled out",
    "HIV hiv Hiv, no evidence no evidence",
    "planning to try rituximab, going to try it x3",
]


def _both(patterns=PATTERNS):
    return both_matchers(patterns)


def test_the_same_matches_as_one_matcher_for_every_kind_of_first_token():
    nlp, one, filed = _both()
    for text in TEXTS:
        doc = nlp(text)
        assert sorted(filed(doc)) == sorted(one(doc)), text
    assert sorted(filed(nlp("history of x2"))) == sorted(one(nlp("history of x2")))


def test_a_pattern_is_filed_by_its_first_word_and_a_word_set_by_each_word():
    assert _first_words(PATTERNS["exact"]) == [("LOWER", "no", PATTERNS["exact"])]
    assert [(attr, word) for attr, word, _ in _first_words(PATTERNS["word_set"])] == [("LOWER", "history"), ("LOWER", "hx")]
    variant = _first_words(PATTERNS["set_and_sentence_start"])[1][2]
    assert variant[0] == {"IS_SENT_START": True, "LOWER": "do"} and variant[1:] == PATTERNS["set_and_sentence_start"][1:]
    assert _first_words(PATTERNS["optional_first"]) == [] and _first_words(PATTERNS["regex_first"]) == []
    assert [word for _, word, _ in _first_words(PATTERNS["text_set"])] == [",", ";"]


def test_matches_after_the_first_token_keep_their_place_in_the_text():
    nlp, one, filed = _both({"exact": PATTERNS["exact"]})
    doc = nlp("well, there is no evidence of it")
    assert filed(doc) == one(doc) == [(nlp.vocab.strings["exact"], 4, 6)]


def test_one_span_found_by_two_matchers_is_matched_again_whole_in_spacys_order():
    nlp, one, filed = _both({"same_span_b": PATTERNS["same_span_b"], "same_span_a": PATTERNS["same_span_a"],
                             "try": [{"LOWER": "to"}, {"LOWER": "try"}], "to_try": [{"LOWER": "going", "OP": "?"}, {"LOWER": "to"}, {"LOWER": "try"}]})
    doc = nlp("they were going to try IVIG")
    assert filed(doc) == one(doc)


def test_no_callbacks():
    nlp = spacy.blank("en")
    with pytest.raises(ValueError):
        FirstWordMatcher(nlp.vocab).add("x", [[{"LOWER": "a"}]], on_match=lambda *a: None)


def _samples() -> list[str]:
    criteria = [json.loads(line)["text"] for line in (ROOT / "data/criteria_gold/dev.jsonl").open()]
    messages = [json.loads(line)["text"] for line in (ROOT / "data/gold/conversation/dev.jsonl").open()]
    return criteria[::4][:120] + messages[::4][:120]


def test_the_pipeline_files_contexts_patterns_and_reads_every_sample_as_one_matcher_does():
    """Registry criteria and chat messages (dev samples): the same facts, with every flag,
    with ConText's patterns filed as with medspaCy's own Matcher."""
    from nlp.components.context import CONTEXT_PIPE

    rules = build_pipeline().get_pipe(CONTEXT_PIPE)._ConText__matcher
    filed = rules._MedspacyMatcher__matcher
    assert isinstance(filed, FirstWordMatcher) and len(filed.by_word) > 100
    texts = _samples()
    assert len(texts) > 150
    indexed = [extract(text) for text in texts]
    rules._MedspacyMatcher__matcher = filed.full
    try:
        whole = [extract(text) for text in texts]
    finally:
        rules._MedspacyMatcher__matcher = filed
    assert indexed == whole
