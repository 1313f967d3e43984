"""Typo recovery with rapidfuzz: misspelt terms are recovered; ordinary words never are."""
import pytest

from nlp import extract


@pytest.mark.parametrize("typo, concept", [
    ("lupis", "sle"), ("dermatomyocitis", "dermatomyositis"), ("metotrexate", "methotrexate"),
    ("cellcep", "mycophenolate"), ("rituximap", "rituximab"), ("hydroxychloroquin", "hydroxychloroquine"),
    ("polymyosistis", "polymyositis"), ("rheumatiod arthritis", "rheumatoid_arthritis")])
def test_misspelt_terms_are_recovered(typo, concept):
    facts = extract(f"i have {typo}")
    assert [(f.text, f.concept) for f in facts] == [(typo, concept)]


@pytest.mark.parametrize("word", [
    "people", "sleep", "lotus", "status", "please", "history", "because", "colitis?", "alive",
    "injection", "crown", "humor", "tutor", "beast", "stoke", "leave", "dancer", "strike"])
def test_ordinary_words_are_never_diseases(word):
    facts = extract(f"my {word} is fine")
    assert facts == []


def test_common_english_sentences_give_no_facts():
    for text in ("People told me to get more sleep and rest.", "The lotus flower is my favourite.",
                 "What is the status of my application? Please let me know.", "Is it colitis?"):
        assert extract(text) == []


def test_exact_match_is_not_fuzzy_matched_again():
    facts = extract("lupus")
    assert len(facts) == 1


def test_a_short_word_is_never_misspelt_inside_a_word_pair():
    # "IV nephritis" is not a misspelt "IgA nephritis"; a long word pair still is recovered
    assert [f.concept for f in extract("class IV nephritis on biopsy") if f.concept == "iga_nephropathy"] == []
    assert [f.concept for f in extract("iga nefritis")] == ["iga_nephropathy"]
