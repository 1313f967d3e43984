"""Round 17 (h78), criteria reading speed (issue #15): the steps made faster read every text
as before. ConText's word Matchers read a text only up to their patterns' longest reach after
the word's last occurrence (``nlp.pipeline.FirstWordMatcher``); medspaCy's pairwise scope
limits answer the cases that change nothing from each rule's traits read once
(``nlp.medspacy_context``); the typo matcher reads a Doc's tokens once (``typos._Words``).
Each is compared with the code it replaces: the same matches in the same order, the same
scopes, and the same compiled rules (a digest of a sample of registry records)."""
from __future__ import annotations

import copy
import hashlib
import inspect
import json
from pathlib import Path

import pytest
import spacy
from spacy.matcher import Matcher

from nlp.pipeline import FirstWordMatcher, _most_tokens, build_pipeline, extract

ROOT = Path(__file__).resolve().parent
CTGOV = Path(__file__).resolve().parents[2] / "shared" / "ctgov"


def _samples() -> list[str]:
    criteria = [json.loads(line)["text"] for line in (ROOT / "data/criteria_gold/dev.jsonl").open()]
    messages = [json.loads(line)["text"] for line in (ROOT / "data/gold/conversation/dev.jsonl").open()]
    return criteria[1::3][:200] + messages[1::3][:200]


def _context_matcher():
    from nlp.components.context import CONTEXT_PIPE

    rules = build_pipeline().get_pipe(CONTEXT_PIPE)._ConText__matcher
    return rules._MedspacyMatcher__matcher


# --- the word Matchers read up to their reach ----------------------------------------------

def test_the_most_tokens_a_pattern_takes():
    assert _most_tokens([{"LOWER": "no"}, {"LOWER": "evidence"}, {"LOWER": "of", "OP": "?"}]) == 3
    assert _most_tokens([{"LOWER": "not"}, {"LOWER": "a", "OP": "!"}]) == 2
    assert _most_tokens([{"LOWER": "history"}, {"IS_ALPHA": True, "OP": "*"}]) is None
    assert _most_tokens([{"LOWER": "history"}, {"IS_ALPHA": True, "OP": "+"}]) is None
    assert _most_tokens([{"LOWER": "history"}, {"IS_ALPHA": True, "OP": "{0,6}"}]) is None


PATTERNS = {
    "tail_optional": [{"LOWER": "no"}, {"LOWER": "evidence"}, {"LOWER": "of", "OP": "?"}],
    "repeat": [{"LOWER": "history"}, {"IS_ALPHA": True, "OP": "*"}, {"LOWER": "of"}],
    "twice": [{"LOWER": "no"}, {"LOWER": "no", "OP": "?"}],
    "negated": [{"LOWER": "not"}, {"LOWER": "ruled", "OP": "!"}],
    "same_span": [{"LOWER": "no"}, {"LOWER": "evidence"}],
}
TEXTS = [
    "no evidence of disease, no evidence",
    "no no evidence of it, history of lupus and history of history of",
    "not ruled out, not seen, not",
    "no",
    "evidence of no evidence",
]


def test_a_text_read_to_the_reach_gives_every_match_in_spacys_order():
    nlp = spacy.blank("en")
    filed, one = FirstWordMatcher(nlp.vocab), Matcher(nlp.vocab)
    for key, pattern in PATTERNS.items():
        filed.add(key, [pattern])
        one.add(key, [pattern])
    assert filed.reach[id(filed.by_word[(0, nlp.vocab.strings["no"])])] == 3
    assert filed.reach[id(filed.by_word[(0, nlp.vocab.strings["history"])])] is None
    whole = copy.copy(filed)
    whole.reach = {}                                  # every Matcher reads to the text's end
    for text in TEXTS:
        doc = nlp(text)
        assert filed(doc) == whole(doc), text
        assert sorted(filed(doc)) == sorted(one(doc)), text


def test_the_pipelines_matchers_give_the_same_matches_read_to_their_reach():
    """Registry criteria and chat messages (dev samples): the same list, in the same order,
    as each word's Matcher reading the rest of the text."""
    filed = _context_matcher()
    assert isinstance(filed, FirstWordMatcher)
    assert sum(most is not None for most in filed.reach.values()) > 0.8 * len(filed.reach)
    whole = copy.copy(filed)
    whole.reach = {}
    nlp = build_pipeline()
    texts = _samples()
    assert len(texts) > 300
    for text in texts:
        doc = nlp.make_doc(text)
        for name, proc in nlp.pipeline[:2]:           # sentences, as ConText reads them
            doc = proc(doc)
        assert filed(doc) == whole(doc), text


# --- scope limits from each rule's traits --------------------------------------------------

def _reference():
    """The mended ``limit_scope`` as round 16 wrote it, around medspaCy's own."""
    from nlp.medspacy_context import (CLAUSE_CATEGORIES, OUTCOME_PREFIXES, _postposed_now, load_context,
                                      spans_overlap)

    load_context()
    from medspacy.context.context_modifier import ConTextModifier

    original = inspect.getclosurevars(ConTextModifier.limit_scope).nonlocals["original"]

    def limit_scope(self, other) -> bool:
        if _postposed_now(self, other):
            return False
        if (self.direction.upper() != "TERMINATE" and not self.category.upper().startswith(OUTCOME_PREFIXES)
                and (other.direction.upper() == "TERMINATE" or (other.rule.metadata or {}).get("ends_clause")
                     or (other.category.upper() in CLAUSE_CATEGORIES and other.category.upper() in self.rule.terminated_by))
                and spans_overlap(self.scope_span, other.scope_span)):
            before = self.scope_span
            if self.direction.lower() in ("forward", "bidirectional") and other > self:
                self._scope_end = min(self._scope_end, other.modifier_span[0])
            if self.direction.lower() in ("backward", "bidirectional") and other < self:
                self._scope_start = max(self._scope_start, other.modifier_span[1])
            return before != self.scope_span
        return original(self, other)

    return ConTextModifier, limit_scope


def test_every_pair_of_cues_limits_its_scope_as_before():
    cls, reference = _reference()
    nlp = build_pipeline()
    pairs = changed = 0
    for text in _samples():
        doc = nlp(text)
        graph = doc._.context_graph
        mods = list(graph.modifiers) if graph is not None else []
        for a in mods:
            for b in mods:
                if a is b:
                    continue
                for scope in (a.scope_span, (0, len(doc)), (a._start, a._end)):    # as read, widened, its own words
                    fast_a, fast_b, ref_a, ref_b = copy.copy(a), copy.copy(b), copy.copy(a), copy.copy(b)
                    (fast_a._scope_start, fast_a._scope_end), (ref_a._scope_start, ref_a._scope_end) = scope, scope
                    answer = cls.limit_scope(fast_a, fast_b)
                    assert answer == reference(ref_a, ref_b), text
                    assert fast_a.scope_span == ref_a.scope_span and fast_b.scope_span == ref_b.scope_span, text
                    pairs += 1
                    changed += answer
    assert pairs > 1000 and changed > 10


def test_texts_read_with_the_scope_limits_as_before():
    cls, reference = _reference()
    texts = _samples()
    fast = [extract(text) for text in texts]
    mended = cls.limit_scope
    cls.limit_scope = reference
    try:
        before = [extract(text) for text in texts]
    finally:
        cls.limit_scope = mended
    assert fast == before


# --- the typo matcher's tokens ------------------------------------------------------------

def test_a_docs_words_read_once_give_each_spans_text():
    from nlp.components.typos import _Words

    nlp = build_pipeline()
    for text in _samples()[::5] + ["rheumatiod  arthritis and lupus nefritis\nprotien in her urine"]:
        doc = nlp.make_doc(text)
        words = _Words(doc)
        assert words.alpha == [t.is_alpha for t in doc] and words.lower == [t.lower_ for t in doc]
        for start in range(len(doc)):
            for end in range(start + 1, min(len(doc), start + 4) + 1):
                if all(words.alpha[start:end]):
                    assert words.text(start, end) == doc[start:end].text


def test_misspelt_terms_are_read_as_before():
    texts = ["rheumatiod arthritis since 2019", "she has lupus nefritis", "acute myeloid leukemya, on rituximap",
             "protien in her urine", "IV nephritis", "infective hepatitis"]
    found = [[(f.concept, f.start, f.end) for f in extract(text)] for text in texts]
    assert found[:4] == [[("rheumatoid_arthritis", 0, 20)], [("lupus_nephritis", 8, 22)],
                         [("aml", 0, 22), ("rituximab", 27, 36)], [("proteinuria", 0, 20)]]


# --- the compiled rules of registry records ------------------------------------------------

def _digest(records: list[dict]) -> str:
    text = json.dumps(records, sort_keys=True, default=str)
    return hashlib.md5(text.encode()).hexdigest()


def test_registry_records_compile_to_the_same_rules():
    """A sample of the real registry records (``../shared/ctgov``): the records and every
    compiled rule the same, byte for byte, with the word Matchers reading to the text's end
    and medspaCy's scope limits as round 16 wrote them."""
    from registry.run import read_files

    files = sorted(CTGOV.glob("NCT*.json"))
    if not files:
        pytest.skip("needs the real registry records of ../shared/ctgov")
    sample = files[::12]
    fast = _digest(read_files(sample))
    filed = _context_matcher()
    cls, reference = _reference()
    reach, mended = filed.reach, cls.limit_scope
    filed.reach, cls.limit_scope = {}, reference
    try:
        before = _digest(read_files(sample))
    finally:
        filed.reach, cls.limit_scope = reach, mended
    assert fast == before
