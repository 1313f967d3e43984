"""Score limits as registries write them (issue #14's false exclusions): ranges with "~",
lists ("0, 1 or 2"), and "2 or less" are bounds, never "= 0" or "≥ 0.1"."""
import pytest

from nlp.criteria.parser import parse_criterion


@pytest.mark.parametrize("text, op, value", [
    ("ECOG score is 0~2;", "<=", 2),
    ("Have an Eastern Cooperative Oncology Group (ECOG) performance status score of 2 or less", "<=", 2),
    ("ECOG PS 0, 1, or 2", "<=", 2),
    ("ECOG performance status of 0 or 1", "<=", 1),
    ("Karnofsky performance status 70 or more", ">=", 70),
    ("ECOG 0-1", "<=", 1),
])
def test_score_ranges_lists_and_trailing_bounds(text, op, value):
    rule = parse_criterion(text, "inclusion")
    assert rule["type"] == "score" and (rule["op"], rule["value"]) == (op, value)


def test_a_list_with_another_score_keeps_both_bounds():
    rule = parse_criterion("ECOG Performance Status Score 0,1 or 2 alternatively Karnofsky 60-100", "inclusion")
    scores = {(r["score"], r["op"], r["value"]) for r in rule.get("all", rule.get("any", [])) if r.get("type") == "score"}
    assert ("ecog", "<=", 2) in scores and ("karnofsky", ">=", 60) in scores


def test_a_negative_pregnancy_test_a_few_words_after_negative_is_not_pregnant():
    for text in ("A woman of childbearing potential must have a negative serum or urine pregnancy test at screening",
                 "WOCBP must have a negative highly sensitive serum pregnancy test"):
        rule = parse_criterion(text, "inclusion")
        assert rule.get("not", {}).get("type") == "pregnancy" or rule.get("not", {}).get("all"), rule
    assert parse_criterion("Positive pregnancy test", "exclusion") == {"type": "pregnancy", "states": ["pregnant"]}


def test_the_age_of_a_sample_or_of_an_age_group_in_brackets_is_not_an_age_limit():
    def ages(rule):
        found = [rule] if rule.get("type") == "age" else []
        for key in ("all", "any"):
            for sub in rule.get(key, []):
                found += ages(sub)
        return found + (ages(rule["not"]) if "not" in rule else [])

    assert not ages(parse_criterion("Provision of FFPE tumor sample that is no older than 3 years;", "inclusion"))
    assert not ages(parse_criterion("Pre-BD FEV1 ≥40% and <80% (<90% for participants 12 to 17 years of age) of "
                                    "predicted at Screening Visit 2.", "inclusion"))
    assert ages(parse_criterion("Patients aged 18 years or older with a tissue biopsy", "inclusion")) == \
        [{"type": "age", "min": 18}]
