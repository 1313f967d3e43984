"""Markers: CAR-T targets and autoantibodies, positive/negative and %."""
from nlp import extract


def markers(text):
    return [(f.concept, f.status, f.value) for f in extract(text) if f.label == "BIOMARKER"]


def test_cd7_positive():
    assert markers("CD7 positive") == [("cd7", "positive", None)]
    assert markers("CD7-positive T-ALL") == [("cd7", "positive", None)]


def test_cd7_plus_blasts_with_a_percentage():
    facts = [(f.label, f.concept, f.status, f.value) for f in extract("CD7+ blasts 80%")]
    assert facts == [("BIOMARKER", "cd7", "positive", 80), ("LAB", "blasts", None, 80)]


def test_expression_on_a_share_of_blasts():
    assert markers("CD7 expression on 95% of blasts") == [("cd7", "positive", 95)]


def test_negative_marker():
    assert markers("CD7 negative") == [("cd7", "negative", None)]


def test_autoantibodies():
    # an ANA titre from 1:80 is positive (terminology positive_titre; lead round 15); the
    # titre is its value (round 13, h56)
    assert markers("anti-dsDNA positive, ANA 1:640, anti-Jo-1 positive") == [
        ("anti_dsdna", "positive", None), ("ana", "positive", 640), ("myositis_antibody", "positive", None)]


def test_a_sign_glued_to_the_marker_is_its_own_not_the_next_markers():
    # flow cytometry lists: "CD7- CD5+" had CD7 positive (the "+" of CD5, then unknown)
    assert markers("blasts CD7- CD5+") == [("cd7", "negative", None), ("cd5", "positive", None)]
    assert markers("CD7-, CD3+") == [("cd7", "negative", None)]
    assert markers("CD7+ CD5-") == [("cd7", "positive", None), ("cd5", "negative", None)]
    # a prefix, no result; and what a treatment aims at is no finding of the patient's at all
    # (round 22, h103: the letters' convention for "CD7-directed CAR-T", data/nlp/extraction.yaml target_words)
    assert markers("CD19-directed CAR-T") == []


def test_a_flow_intensity_says_the_marker_is_expressed():
    assert markers("early T-precursor ALL, CD7 bright on flow") == [("cd7", "positive", None)]
    assert markers("blasts CD7 dim, CD5 negative") == [("cd7", "positive", None), ("cd5", "negative", None)]
    assert markers("CD7 dim negative") == [("cd7", "negative", None)]
