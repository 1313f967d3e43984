"""Concept matching: exact ids, the is-a hierarchy, and fuzzy spelling for terms outside
the terminology, with the threshold shown from both sides."""
import pytest

from data.terminology import load_terminology
from matching.concepts import BROADER, EXACT, FUZZY, NARROWER, relation, similar


@pytest.mark.parametrize("fact, rule, expected", [
    ("sle", "sle", EXACT),
    ("dermatomyositis", "inflammatory_myopathy", NARROWER),
    ("rituximab", "biologic", NARROWER),
    ("car_t", "gene_therapy", NARROWER),
    ("hbsag", "hbv", NARROWER),
    ("biologic", "rituximab", BROADER),
    ("sle", "crohns_disease", None),
    ("prednisone", "biologic", None),
])
def test_relation_through_the_hierarchy(fact, rule, expected):
    assert relation(fact, fact, rule, load_terminology()) == expected


@pytest.mark.parametrize("written, term", [
    ("dermatomyosits", "dermatomyositis"),
    ("systemic lupus erythematosis", "systemic lupus erythematosus"),
    ("stills disease", "still's disease"),
    ("Crohn's  Disease", "crohn's disease"),
])
def test_close_spellings_match(written, term):
    assert similar(written, term)


@pytest.mark.parametrize("written, term", [
    ("hepatitis", "hepatitis b"),
    ("t cell lymphoma", "b cell lymphoma"),
    ("chronic hepatitis b infection", "chronic hepatitis c infection"),
    ("type 1 diabetes", "type 2 diabetes"),
    ("lupus anticoagulant", "lupus"),
    ("polymyositis", "dermatomyositis"),
    ("heart attack", "heart failure"),
    ("rheumatoid factor", "rheumatoid arthritis"),
])
def test_different_terms_do_not_match(written, term):
    assert not similar(written, term)


def test_fuzzy_matching_is_only_for_concepts_outside_the_terminology():
    term = load_terminology()
    assert relation("dermatomyosits", "dermatomyosits", "dermatomyositis", term) == FUZZY
    assert relation("lupus_cerebritis", "lupus cerebritis", "cns_disorder", term) is None
    # both known and unrelated: never fuzzy, however similar the words
    assert relation("polymyositis", "polymyositis", "dermatomyositis", term) is None


def test_fuzzy_match_reaches_the_terms_of_narrower_concepts():
    term = load_terminology()
    assert relation("seizure", "seizurs", "cns_disorder", term) == FUZZY
