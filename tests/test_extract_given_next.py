"""'then they gave her X' is the next therapy, not an intolerance of the one before
(found by a product review: "she was on cellcept till last year, then they gave her
rituximab" showed "mycophenolate mofetil (not tolerated)"); "X gave her a rash" still is."""
from datetime import date

import pytest

from nlp import extract

TODAY = date(2026, 12, 2)


def status(text, concept):
    return next(f for f in extract(text, today=TODAY) if f.concept == concept).status


@pytest.mark.parametrize("text, concept", [
    ("she was on cellcept till last year, then they gave her rituximab", "mycophenolate"),
    ("he took methotrexate and then they gave him adalimumab", "methotrexate"),
    ("I had azathioprine, then the doctors gave me infliximab", "azathioprine"),
])
def test_a_therapy_given_next_leaves_the_one_before_tolerated(text, concept):
    assert status(text, concept) != "intolerant"


@pytest.mark.parametrize("text, concept", [("methotrexate gave her a rash", "methotrexate"),
                                           ("cellcept, it gave her diarrhea", "mycophenolate")])
def test_a_therapy_that_gave_a_side_effect_is_intolerant(text, concept):
    assert status(text, concept) == "intolerant"
