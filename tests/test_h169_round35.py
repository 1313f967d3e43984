"""Round 35 (h169, issue #15): the pipeline's extension values read without an Underscore.

``nlp.components.doc_cache.span_value`` / ``doc_value`` read ``span._.name`` / ``doc._.name``
of a plain value extension (medspaCy's ``modifiers``, ``is_family``, ``context_graph``, the
pipeline's ``trialbot_meta`` and ``trialbot_known``) from the Doc's ``user_data`` under
spaCy's own key, checked once per process; any other extension (a getter, a method, a
mutable default, one not set) and a spaCy keying values otherwise are read through ``_``.
The same values, so the same facts and the same rules.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from nlp.components import doc_cache
from nlp.components.doc_cache import doc_value, span_value
from nlp.criteria.parser import parse_criterion
from nlp.pipeline import build_pipeline, extract_with_doc, read_doc

ROOT = Path(__file__).resolve().parent
TODAY = date(2026, 12, 7)
SPAN_NAMES = ("modifiers", "is_family", "is_negated", "is_historical", "is_hypothetical", "is_uncertain")
DOC_NAMES = ("context_graph", "trialbot_meta", "trialbot_known", "trialbot_sentences")


def _dev_lines(step: int = 11, most: int = 120) -> list[str]:
    rows = [json.loads(line) for line in (ROOT / "data/criteria_gold/dev.jsonl").open()]
    return [row["text"] for row in rows[::step][:most]]


@pytest.fixture
def through_underscore(monkeypatch):
    """Every value read through ``_``, as before this round (spaCy's key taken as unknown)."""
    monkeypatch.setattr(doc_cache, "_KEYED", [False])
    monkeypatch.setattr(doc_cache, "_PLAIN", {})


def test_values_read_directly_equal_the_underscore_ones_on_registry_lines():
    nlp = build_pipeline()
    read = 0
    for text in _dev_lines():
        doc = read_doc(nlp, text)
        for name in DOC_NAMES:
            assert doc_value(doc, name) is getattr(doc._, name), (text, name)
        for ent in doc.ents:
            read += 1
            for name in SPAN_NAMES:
                assert span_value(ent, name) == getattr(ent._, name), (text, ent.text, name)
    assert read > 100
    # a registry line's negation reaches its conditions through ConText's modifiers
    doc = read_doc(nlp, "No history of lupus nephritis or rheumatoid arthritis")
    assert all(any(m.category == "NEGATED_EXISTENCE" for m in span_value(ent, "modifiers")) for ent in doc.ents)
    assert doc_value(doc, "context_graph") is not None
    assert doc_cache._PLAIN[(True, "modifiers")] == (True, ())     # read directly, default ()


def test_the_same_facts_and_rules_with_every_value_read_through_underscore(monkeypatch):
    lines = _dev_lines(step=23, most=60)
    fast = [([f.to_dict() for f in extract_with_doc(text, TODAY, conversation=False)[0]],
             parse_criterion(text, "exclusion")) for text in lines]
    monkeypatch.setattr(doc_cache, "_KEYED", [False])
    monkeypatch.setattr(doc_cache, "_PLAIN", {})
    slow = [([f.to_dict() for f in extract_with_doc(text, TODAY, conversation=False)[0]],
             parse_criterion(text, "exclusion")) for text in lines]
    assert not any(plain for plain, _default in doc_cache._PLAIN.values())    # (none read directly)
    assert fast == slow
    assert sum(len(facts) for facts, _rule in fast) > 60


def test_spacy_keys_the_values_as_read():
    assert doc_cache._keyed_as_spacy()
    doc = Doc(Vocab(), words=["known", "HIV", "infection"])
    span = doc[1:3]
    span._.trialbot_key_probe = "set"
    doc._.trialbot_key_probe = "doc"
    assert span_value(span, "trialbot_key_probe") == "set" and doc_value(doc, "trialbot_key_probe") == "doc"
    assert span_value(doc[0:1], "trialbot_key_probe") is None       # not set there: the default


def test_other_extensions_are_read_through_underscore(monkeypatch):
    monkeypatch.setattr(doc_cache, "_PLAIN", {})
    Span.set_extension("h169_getter", getter=lambda span: span.text.upper(), force=True)
    Span.set_extension("h169_listed", default=[], force=True)
    Doc.set_extension("h169_method", method=lambda doc, n: len(doc) + n, force=True)
    try:
        doc = Doc(Vocab(), words=["active", "hepatitis", "B"])
        span = doc[1:3]
        assert span_value(span, "h169_getter") == "HEPATITIS B"
        listed = span_value(span, "h169_listed")
        listed.append("kept")                           # spaCy stored a copy of the default
        assert span._.h169_listed == ["kept"] and span_value(span, "h169_listed") == ["kept"]
        assert doc_value(doc, "h169_method")(2) == 5
        assert not any(plain for (_, name), (plain, _d) in doc_cache._PLAIN.items() if name.startswith("h169"))
    finally:
        Span.remove_extension("h169_getter")
        Span.remove_extension("h169_listed")
        Doc.remove_extension("h169_method")


def test_an_extension_not_set_gives_the_missing_value_or_raises():
    doc = Doc(Vocab(), words=["pregnant"])
    assert doc_value(doc, "h169_never_set", None) is None
    assert span_value(doc[0:1], "h169_never_set", ()) == ()
    with pytest.raises(AttributeError):
        doc_value(doc, "h169_never_set")
    assert (False, "h169_never_set") not in doc_cache._PLAIN       # set later, it is looked at again


def test_with_spacy_keying_otherwise_values_are_read_through_underscore(through_underscore):
    nlp = build_pipeline()
    doc = read_doc(nlp, "Prior treatment with rituximab is not allowed")
    ent = next(e for e in doc.ents if e.kb_id_ == "rituximab")
    assert span_value(ent, "modifiers") == ent._.modifiers
    assert doc_value(doc, "trialbot_meta") is doc._.trialbot_meta
    assert doc_cache._PLAIN[(True, "modifiers")][0] is False
