"""Disease and performance scores."""
from nlp import extract


def scores(text):
    return [(f.concept, f.value) for f in extract(text) if f.label == "SCORE"]


def test_bilag_counts():
    assert scores("BILAG 1 A and 2 B") == [("bilag_a", 1), ("bilag_b", 2)]
    assert scores("BILAG-2004: two B") == [("bilag_b", 2)]


def test_sledai_ecog_nyha():
    assert scores("SLEDAI-2K 14, ECOG 1, NYHA class III") == [("sledai", 14), ("ecog", 1), ("nyha", 3)]


def test_other_scores():
    assert scores("mRSS 31, MMT-8 score 98/150, DAS28 5.8, Karnofsky 80%") == [
        ("mrss", 31), ("mmt8", 98), ("das28", 5.8), ("karnofsky", 80)]


def test_score_outside_its_range_is_implausible():
    fact = [f for f in extract("ECOG 7") if f.label == "SCORE"][0]
    assert fact.implausible


def test_a_stroke_scale_names_no_stroke():
    facts = extract("His National Institutes of Health Stroke Scale (NIHSS) score was calculated as 7.")
    assert not any(f.concept == "stroke" for f in facts)
    assert [(f.concept, f.value) for f in extract("NIHSS 4")] == [("nihss", 4)]
