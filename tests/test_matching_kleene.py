"""Kleene logic over rule leaves and criterion groups, with "review" for what only the
trial team can judge."""
from datetime import date

from matching.evaluate import Evaluator
from core.truth import FALSE, REVIEW, TRUE, UNKNOWN, combine_statuses, kleene_all, kleene_any, kleene_not, status_of
from core.facts import Fact, Profile


def test_all_is_false_when_any_part_is_false_even_with_unknowns():
    assert kleene_all([TRUE, UNKNOWN, FALSE]) == FALSE


def test_all_is_true_only_when_every_part_is_true():
    assert kleene_all([TRUE, TRUE]) == TRUE
    assert kleene_all([TRUE, UNKNOWN]) == UNKNOWN


def test_any_is_true_when_one_part_is_true_even_with_unknowns():
    assert kleene_any([FALSE, UNKNOWN, TRUE]) == TRUE


def test_any_is_false_only_when_every_part_is_false():
    assert kleene_any([FALSE, FALSE]) == FALSE
    assert kleene_any([FALSE, UNKNOWN]) == UNKNOWN


def test_not_swaps_true_and_false_and_keeps_undecided():
    assert kleene_not(TRUE) == FALSE
    assert kleene_not(FALSE) == TRUE
    assert kleene_not(UNKNOWN) == UNKNOWN
    assert kleene_not(REVIEW) == REVIEW


def test_review_alone_keeps_a_combination_for_the_trial_team():
    assert kleene_all([TRUE, REVIEW]) == REVIEW
    assert kleene_any([FALSE, REVIEW]) == REVIEW


def test_unknown_wins_over_review_because_asking_can_still_help():
    assert kleene_all([TRUE, REVIEW, UNKNOWN]) == UNKNOWN
    assert kleene_any([FALSE, REVIEW, UNKNOWN]) == UNKNOWN


def test_exclusion_fails_when_its_rule_holds_and_passes_when_it_does_not():
    assert status_of(TRUE, "exclusion") == "fail"
    assert status_of(FALSE, "exclusion") == "pass"
    assert status_of(TRUE, "inclusion") == "pass"
    assert status_of(FALSE, "inclusion") == "fail"


def test_unknown_never_becomes_a_fail_for_either_kind():
    assert status_of(UNKNOWN, "exclusion") == UNKNOWN
    assert status_of(UNKNOWN, "inclusion") == UNKNOWN
    assert status_of(REVIEW, "exclusion") == REVIEW


def test_groups_combine_children_statuses():
    assert combine_statuses("any", ["fail", "unknown", "pass"]) == "pass"
    assert combine_statuses("any", ["fail", "unknown"]) == UNKNOWN
    assert combine_statuses("any", ["fail", "fail"]) == "fail"
    assert combine_statuses("all", ["pass", "review"]) == REVIEW
    assert combine_statuses("all", ["pass", "fail", "unknown"]) == "fail"


def _ev(*facts):
    return Evaluator(Profile(list(facts)), today=date(2026, 1, 1))


def test_nested_rule_evaluates_with_kleene_logic_and_names_the_deciding_leaves():
    rule = {"all": [
        {"type": "diagnosis", "concept": "sle"},
        {"any": [
            {"type": "infection", "agent": "hiv", "state": "positive"},
            {"type": "pregnancy", "states": ["pregnant"]},
        ]},
    ]}
    ev = _ev(Fact("CONDITION", "sle", "SLE"), Fact("INFECTION", "hiv", "HIV negative", negated=True, status="negative"))
    result = ev.rule(rule)
    assert result.value == UNKNOWN
    assert [leaf.leaf["type"] for leaf in result.leaves] == ["pregnancy"]


def test_not_of_an_unknown_leaf_stays_unknown():
    result = _ev().rule({"not": {"type": "diagnosis", "concept": "sle"}})
    assert result.value == UNKNOWN


def test_false_all_reports_only_the_false_leaves_as_evidence():
    rule = {"all": [{"type": "age", "min": 18}, {"type": "diagnosis", "concept": "sle"}]}
    result = _ev(Fact("AGE", "age", "17-year-old", value=17)).rule(rule)
    assert result.value == FALSE
    assert [leaf.leaf["type"] for leaf in result.leaves] == ["age"]
