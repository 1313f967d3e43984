"""The rule language rejects malformed rules with a message naming the field."""
import pytest

from data.terminology import load_terminology
from core.rules import RuleError, is_review_only, iter_leaves, validate_rule


def _concepts(leaf_type, field, value):
    return value in load_terminology()


def test_valid_nested_rule_is_accepted():
    rule = {"any": [
        {"type": "lab", "analyte": "creatinine", "op": ">", "value": 2.5, "unit": "mg/dL"},
        {"type": "lab", "analyte": "alt", "op": ">", "uln": 3},
        {"not": {"type": "infection", "agent": "hiv", "state": "positive"}},
    ]}
    validate_rule(rule, concepts=_concepts)


def test_unknown_leaf_type_names_the_path():
    with pytest.raises(RuleError) as err:
        validate_rule({"all": [{"type": "diagnosis", "concept": "sle"}, {"type": "horoscope"}]})
    assert err.value.path == "rule.all[1].type"
    assert "unknown leaf type 'horoscope'" in str(err.value)


def test_unknown_field_is_rejected():
    with pytest.raises(RuleError) as err:
        validate_rule({"type": "age", "min": 18, "maxx": 65})
    assert err.value.path == "rule.maxx"


def test_missing_required_field_is_rejected():
    with pytest.raises(RuleError) as err:
        validate_rule({"type": "diagnosis"})
    assert err.value.path == "rule.concept"


def test_lab_needs_exactly_one_threshold_form():
    with pytest.raises(RuleError):
        validate_rule({"type": "lab", "analyte": "alt", "op": ">"})
    with pytest.raises(RuleError):
        validate_rule({"type": "lab", "analyte": "alt", "op": ">", "uln": 3, "value": 120, "unit": "U/L"})
    with pytest.raises(RuleError) as err:
        validate_rule({"type": "lab", "analyte": "alt", "op": ">", "value": 120})
    assert err.value.path == "rule.unit"


def test_enumerations_are_checked():
    with pytest.raises(RuleError) as err:
        validate_rule({"type": "lab", "analyte": "alt", "op": "=>", "uln": 3})
    assert "'=>' is not one of" in str(err.value)
    with pytest.raises(RuleError):
        validate_rule({"type": "sex", "allowed": ["woman"]})
    with pytest.raises(RuleError):
        validate_rule({"type": "therapy", "concept": "biologic", "response": "worked"})


def test_booleans_are_not_numbers():
    with pytest.raises(RuleError):
        validate_rule({"type": "age", "min": True})


def test_unknown_concept_is_rejected_when_checked():
    with pytest.raises(RuleError) as err:
        validate_rule({"type": "diagnosis", "concept": "lupuss"}, concepts=_concepts)
    assert "unknown concept 'lupuss'" in str(err.value)


def test_combinator_cannot_carry_leaf_fields():
    with pytest.raises(RuleError):
        validate_rule({"all": [{"type": "review", "reason": "consent"}], "type": "age"})
    with pytest.raises(RuleError):
        validate_rule({"any": []})


def test_iter_leaves_and_review_only():
    rule = {"all": [{"type": "review", "reason": "consent"}, {"not": {"type": "review", "reason": "investigator"}}]}
    assert [leaf["reason"] for leaf in iter_leaves(rule)] == ["consent", "investigator"]
    assert is_review_only(rule)
    assert not is_review_only({"type": "age", "min": 18})
