"""Infections and serology: negative, positive, active."""
from nlp import extract


def infections(text):
    return [(f.concept, f.status, f.negated) for f in extract(text) if f.label == "INFECTION"]


def test_negative_results_are_negated():
    assert infections("HIV negative") == [("hiv", "negative", True)]
    assert infections("no HIV") == [("hiv", "negative", True)]
    assert infections("HBsAg neg") == [("hbsag", "negative", True)]
    assert infections("HBsAg(-)") == [("hbsag", "negative", True)]


def test_positive_and_detectable():
    assert infections("HBsAg positive") == [("hbsag", "positive", False)]
    assert infections("HCV RNA detectable") == [("hcv_rna", "positive", False)]
    assert infections("anti-HBc+") == [("anti_hbc", "positive", False)]


def test_each_marker_takes_its_nearest_result():
    assert infections("HBsAg negative, anti-HBc positive, HIV negative") == [
        ("hbsag", "negative", True), ("anti_hbc", "positive", False), ("hiv", "negative", True)]


def test_active_infection():
    assert infections("active hepatitis B") == [("hbv", "active", False)]
    assert infections("severe active infection") == [("active_infection", "active", False)]


def test_having_an_infection_is_positive():
    assert infections("I have hepatitis B") == [("hbv", "positive", False)]


def test_hepatitis_b_at_the_end_of_a_sentence():
    assert infections("I had hepatitis B.") == [("hbv", "positive", False)]
    assert infections("no hepatitis b.") == [("hbv", "negative", True)]
