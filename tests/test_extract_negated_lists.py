"""A negation over a list reaches every item (found by a product review: "Never had
ustekinumab, CAR-T or any gene therapy" left the CAR-T and gene therapy as taken, and the
only Crohn's CAR-T trial was ruled out on "prior gene therapy"), and "not on X anymore"
means X was taken and is over, never "never had X"."""
from datetime import date

import pytest

from nlp import extract

TODAY = date(2026, 12, 2)


def by_concept(text):
    return {f.concept: f for f in extract(text, today=TODAY)}


@pytest.mark.parametrize("text, concepts", [
    ("Never had ustekinumab, CAR-T or any gene therapy.", ["ustekinumab", "car_t", "gene_therapy"]),
    ("Never had azathioprine, methotrexate or any other immunosuppressant",
     ["azathioprine", "methotrexate", "immunosuppressant"]),
    ("no evidence of alcoholic liver disease, hemochromatosis, or autoimmune hepatitis",
     ["alcoholic_liver_disease", "autoimmune_hepatitis"]),
    ("no HIV, HBV or HCV", ["hiv", "hbv", "hcv"]),
])
def test_a_negation_reaches_every_item_of_an_or_list(text, concepts):
    found = by_concept(text)
    for concept in concepts:
        assert found[concept].negated, (text, concept)


@pytest.mark.parametrize("text, kept", [
    ("No history of cancer, SLE diagnosed 2010", "sle"),       # no "or": a new statement
    ("lupus, HIV negative", "sle"),                            # backwards only over its own label
])
def test_a_negation_does_not_reach_a_statement_after_or_before_the_list(text, kept):
    assert not by_concept(text)[kept].negated


@pytest.mark.parametrize("text", ["she's not on cellcept anymore, it didnt help", "not taking cellcept any more",
                                  "he is not on mycophenolate any longer"])
def test_not_on_x_anymore_was_taken_and_is_over(text):
    fact = by_concept(text)["mycophenolate"]
    assert not fact.negated and fact.historical


def test_stopped_taking_is_over_not_current():
    fact = by_concept("he stopped taking methotrexate")["methotrexate"]
    assert fact.historical and fact.status != "current"


@pytest.mark.parametrize("text, concept, negated", [("i dont think she has hiv", "hiv", True),
                                                    ("she has aml", "aml", False), ("copd since 2010", "copd", False)])
def test_short_disease_names_typed_in_lower_case_count(text, concept, negated):
    """"hiv", "aml", "copd" are frequent English words only because people write about the
    disease (strong_short_terms in data/nlp/extraction.yaml); "i dont think she has hiv"
    gave no fact at all."""
    assert by_concept(text)[concept].negated is negated


@pytest.mark.parametrize("text, concept", [("i dont think she had cyclophosphamide, not sure", "cyclophosphamide"),
                                           ("I don't think he took rituximab", "rituximab")])
def test_a_hedged_denial_of_a_treatment_is_uncertain(text, concept):
    """Neither "tried" (the review saw "tried cyclophosphamide") nor "never had" (which
    would meet a "no prior cyclophosphamide" criterion): uncertain, so the trial team or a
    question settles it. A disease or an infection under the same words stays absent."""
    fact = by_concept(text)[concept]
    assert fact.uncertain and not fact.negated
    assert by_concept("I don't think she has HIV")["hiv"].negated
