"""Round 20 (h94), issue #15: criteria reading does less work for the same answers.

* ConText's word Matchers (``nlp.pipeline.FirstWordMatcher``) are not run where none of
  their patterns can begin: the words after the word are none of those the patterns'
  openings need ("history" followed by "was", not "of").
* A cue section's patterns with no certain letters run on every text, the others only when
  the text holds one of their letters (``nlp.criteria.cues._combined``): the same answer.
* The fold of the text last asked about is kept (``fold``); spelled-out units are looked for
  only when the text holds their letters (``parser._spelled_units``).
Behaviour, not timing: each is checked against the plain computation it replaces.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from matcher_helpers import both_matchers
from nlp.criteria import parser
from nlp.criteria.cues import fold, load_cues
from nlp.pipeline import FirstWordMatcher, build_pipeline, read_doc

ROOT = Path(__file__).resolve().parent
PATTERNS = {
    "exact": [{"LOWER": "no"}, {"LOWER": "evidence"}, {"LOWER": "of", "OP": "?"}],
    "second_set": [{"LOWER": "history"}, {"LOWER": {"IN": ["of", "with"]}}],
    "optional_then_word": [{"LOWER": "was"}, {"LOWER": {"IN": ["back", "all"]}, "OP": "?"}, {"LOWER": "normal"}],
    "orth_second": [{"LOWER": "planned"}, {"ORTH": {"IN": [".", ","]}}],
    "text_second": [{"LOWER": "ruled"}, {"TEXT": "out"}],
    "alone": [{"LOWER": "free"}],
    "not_exact_second": [{"LOWER": "relapsed"}, {"LIKE_NUM": True}, {"LOWER": "months"}],
    "wildcard_second": [{"LOWER": "nothing"}, {"IS_ALPHA": True, "OP": "*"}, {"LOWER": "found"}],
    "upper_in_lower": [{"LOWER": "hiv"}, {"LOWER": "NEGATIVE"}],
    "same_span_a": [{"LOWER": "going"}, {"LOWER": "to"}, {"LOWER": "try"}],
    "same_span_b": [{"LOWER": {"IN": ["going", "planning"]}}, {"LOWER": "to"}, {"LOWER": "try"}],
}
TEXTS = [
    "No evidence of disease. History was unremarkable; history of lupus, history with ILD.",
    "Scan was normal, was all normal, was back to normal. Was NORMAL",
    "Surgery planned. Surgery planned, then planned later; ruled out, ruled Out, ruled",
    "Relapsed 6 months ago, relapsed after 6 months; nothing at all was found; nothing here",
    "HIV negative, hiv NEGATIVE; free of disease; going to try IVIG, planning to try it",
    "no no evidence evidence of of history history",
]


def _both(patterns=PATTERNS):
    return both_matchers(patterns)


def test_word_matchers_left_out_only_where_nothing_can_match():
    nlp, one, filed = _both()
    for text in TEXTS:
        doc = nlp(text)
        assert sorted(filed(doc)) == sorted(one(doc)), text


def test_a_word_not_followed_by_an_opening_runs_no_matcher():
    nlp, one, filed = _both()
    doc = nlp("History was unremarkable. Was it fine? Planned later, ruled by")
    lowers, orths = [t.lower for t in doc], [t.orth for t in doc]
    skipped = {word: filed._may_match(filed.by_word[(0, nlp.vocab.strings[word])], [i], lowers, orths)
               for i, word in ((0, "history"), (4, "was"), (8, "planned"), (11, "ruled"))}
    assert skipped == {"history": False, "was": False, "planned": False, "ruled": False}
    assert one(doc) == filed(doc) == []
    # an optional word is read both ways: "was normal" and "was all normal" both begin a match
    doc = nlp("was normal and was all normal")
    assert sorted(filed(doc)) == sorted(one(doc)) and len(one(doc)) == 2


def test_a_pattern_that_may_begin_with_its_word_alone_always_runs():
    nlp, one, filed = _both()
    for word in ("free", "relapsed", "nothing"):
        assert filed.openings[id(filed.by_word[(0, nlp.vocab.strings[word])])] is None, word
    assert filed._openings([{"LOWER": "a"}, {"LOWER": "b", "OP": "?"}, {"LOWER": {"IN": ["c", "d"]}}]) == [
        (frozenset({(0, nlp.vocab.strings["a"])}), frozenset({(0, nlp.vocab.strings["b"])}),
         frozenset({(0, nlp.vocab.strings["c"]), (0, nlp.vocab.strings["d"])})),
        (frozenset({(0, nlp.vocab.strings["a"])}), frozenset({(0, nlp.vocab.strings["c"]), (0, nlp.vocab.strings["d"])}))]


def _dev_texts(limit: int = 160) -> list[str]:
    texts = []
    for path in (ROOT / "data" / "criteria_gold" / "dev.jsonl", ROOT / "data" / "gold" / "conversation" / "dev.jsonl"):
        with path.open(encoding="utf-8") as rows:
            texts += [json.loads(line)["text"] for line in rows if line.strip()][: limit // 2]
    return texts


def test_the_pipelines_context_patterns_match_as_one_matcher_on_dev_texts():
    from nlp.components.context import CONTEXT_PIPE

    nlp = build_pipeline()
    filed = nlp.get_pipe(CONTEXT_PIPE)._ConText__matcher.rules._MedspacyMatcher__matcher
    assert isinstance(filed, FirstWordMatcher)
    left_out = 0
    for text in _dev_texts():
        doc = read_doc(nlp, text)
        assert sorted(filed(doc)) == sorted(filed.full(doc)), text
        lowers, orths = [t.lower for t in doc], [t.orth for t in doc]
        places: dict[int, list[int]] = {}
        for i, token in enumerate(doc):
            for place in ((0, token.lower), (1, token.orth)):
                if place in filed.by_word:
                    places.setdefault(id(filed.by_word[place]), []).append(i)
        left_out += sum(not filed._may_match(m, places[id(m)], lowers, orths)
                        for m in filed.by_word.values() if id(m) in places)
    assert left_out > 0         # the check does leave Matchers out on real text


def test_every_cue_section_answers_as_its_patterns_one_by_one():
    cues = load_cues()
    texts = _dev_texts(400) + ["Note: see protocol", "and the", "Inclusion criteria:", "(", "x" * 5]
    for section, patterns in cues.patterns.items():
        for text in texts:
            assert cues.search(section, text) == any(p.search(text) for p in patterns), (section, text)


def test_the_kept_fold_is_the_texts_own():
    assert fold("Prior THERAPY") == "prior therapy"
    assert fold("Prior THERAPY") == "prior therapy"
    assert fold("Hiſtory \u212aarnofsky") == "history karnofsky"
    assert fold("Prior therapy ≥ 2") == "prior therapy ≥ 2"
    assert fold("") == ""


def _spelled_units_unchecked(text: str) -> str:
    """round 19's ``_spelled_units``: every pattern searched."""
    for pattern, unit in load_cues().spelled_units:
        if not pattern.search(text):
            continue
        text = pattern.sub(unit, text)
        if unit.startswith("/"):
            text = re.sub(rf"(?<=\d) +{re.escape(unit)}(?!\w)", unit, text)
        text = re.sub(rf"(?<!\w){re.escape(unit)} ?\( ?{re.escape(unit)} ?\)", unit, text, flags=re.IGNORECASE)
    return text


def test_spelled_units_read_as_before():
    texts = _dev_texts(400) + [
        "Hemoglobin ≥ 9 grams per deciliter (g/dL)", "Platelets ≥ 100,000 per microliter",
        "QTc < 470 milliseconds (msec)", "Creatinine ≤ 1.5 MILLIGRAMS PER DECILITER", "ANC ≥ 1.5 x 10^9 per liter"]
    changed = 0
    for text in texts:
        assert parser._spelled_units(text) == _spelled_units_unchecked(text), text
        changed += parser._spelled_units(text) != text
    assert changed >= 3
