"""Therapy leaves: classes through the terminology, responses, counts of distinct drugs,
exceptions, and washout windows in days and in half-lives."""
from datetime import date

from matching.evaluate import Evaluator
from core.truth import FALSE, REVIEW, TRUE, UNKNOWN
from core.facts import Fact, Profile

TODAY = date(2026, 1, 31)
TWO_FAILED_BIOLOGICS = {"type": "therapy", "concept": "biologic", "response": "failed_or_intolerant", "min_count": 2}
STEROIDS_WITHIN_4_WEEKS = {"type": "therapy", "concept": "glucocorticoid", "within_days": 28, "except": ["inhaled_steroid"]}
BIOLOGIC_WITHIN_5_HALF_LIVES = {"type": "therapy", "concept": "biologic", "within_half_lives": 5}


def _judge(leaf, *facts):
    return Evaluator(Profile(list(facts)), today=TODAY).leaf(leaf)


def _drug(concept, text=None, **fields):
    return Fact("DRUG", concept, text or concept, **fields)


def test_brand_name_drug_counts_for_its_class():
    leaf = {"type": "therapy", "concept": "biologic"}
    result = _judge(leaf, _drug("rituximab", "MabThera"))
    assert result.value == TRUE
    assert result.facts[0].text == "MabThera"


def test_two_distinct_failed_biologics_meet_a_count_of_two():
    facts = [_drug("infliximab", status="failed"), _drug("adalimumab", "Humira", status="intolerant")]
    assert _judge(TWO_FAILED_BIOLOGICS, *facts).value == TRUE


def test_the_same_drug_twice_counts_once():
    facts = [_drug("infliximab", status="failed"), _drug("infliximab", "Remicade", status="failed")]
    result = _judge(TWO_FAILED_BIOLOGICS, *facts)
    assert result.value == UNKNOWN
    assert result.ask == "therapy_count:biologic:failed_or_intolerant"


def test_a_drug_without_a_stated_response_leaves_the_count_open():
    facts = [_drug("infliximab", status="failed"), _drug("adalimumab")]
    result = _judge(TWO_FAILED_BIOLOGICS, *facts)
    assert result.value == UNKNOWN
    assert "adalimumab" in result.reason


def test_a_class_level_count_counts_as_that_many_drugs():
    assert _judge(TWO_FAILED_BIOLOGICS, _drug("biologic", "two biologics", value=2, status="failed")).value == TRUE
    only_one = _judge(TWO_FAILED_BIOLOGICS, _drug("biologic", "one biologic", value=1, status="failed"))
    assert only_one.value == FALSE


def test_a_dose_is_not_a_count():
    leaf = {"type": "therapy", "concept": "glucocorticoid", "response": "failed", "min_count": 2}
    fact = _drug("glucocorticoid", "steroids 10 mg", value=10, unit="mg", status="failed")
    assert _judge(leaf, fact).value == UNKNOWN


def test_never_mentioned_therapy_is_unknown_not_false():
    assert _judge(TWO_FAILED_BIOLOGICS).value == UNKNOWN


def test_never_having_had_the_therapy_rules_it_out():
    never = _drug("biologic", "never had a biologic", negated=True, historical=True)
    assert _judge(TWO_FAILED_BIOLOGICS, never).value == FALSE


def test_not_taking_it_now_says_nothing_about_earlier_failure():
    not_now = _drug("glucocorticoid", "no systemic steroids in the last 3 months", negated=True)
    assert _judge({"type": "therapy", "concept": "glucocorticoid", "response": "failed"}, not_now).value == UNKNOWN
    assert _judge({"type": "therapy", "concept": "glucocorticoid", "response": "current"}, not_now).value == FALSE
    assert _judge(STEROIDS_WITHIN_4_WEEKS, not_now).value == FALSE


def test_a_narrower_negation_does_not_rule_out_the_class():
    assert _judge(TWO_FAILED_BIOLOGICS, _drug("rituximab", "never had rituximab", negated=True, historical=True)).value == UNKNOWN


def test_a_broader_mention_leaves_a_specific_drug_open():
    leaf = {"type": "therapy", "concept": "rituximab"}
    result = _judge(leaf, _drug("biologic", "biologics"))
    assert result.value == UNKNOWN


def test_hypothetical_and_family_mentions_do_not_count():
    leaf = {"type": "therapy", "concept": "rituximab"}
    assert _judge(leaf, _drug("rituximab", hypothetical=True)).value == UNKNOWN
    assert _judge(leaf, _drug("rituximab", family=True)).value == UNKNOWN


def test_a_negation_with_a_response_rules_out_only_that_response():
    did_not_fail = _drug("methotrexate", "methotrexate worked", negated=True, status="failed")
    assert _judge({"type": "therapy", "concept": "methotrexate", "response": "failed"}, did_not_fail).value == FALSE
    assert _judge({"type": "therapy", "concept": "methotrexate"}, did_not_fail).value == UNKNOWN


def test_current_steroids_within_a_washout_window_are_for_the_trial_team():
    result = _judge(STEROIDS_WITHIN_4_WEEKS, _drug("prednisone", "on prednisone 10 mg", status="current"))
    assert result.value == REVIEW


def test_inhaled_steroids_are_excepted():
    assert _judge(STEROIDS_WITHIN_4_WEEKS, _drug("inhaled_steroid", "budesonide inhaler", status="current")).value == UNKNOWN


def test_washout_decided_by_the_last_dose_date():
    assert _judge(STEROIDS_WITHIN_4_WEEKS, _drug("prednisone", status="failed", date="2026-01-20")).value == REVIEW
    # an old dose of one steroid says nothing about the others: still unknown
    old = _judge(STEROIDS_WITHIN_4_WEEKS, _drug("prednisone", date="2025-06"))
    assert old.value == UNKNOWN
    assert old.ask == "last_dose:glucocorticoid"
    # an answer about the whole class decides
    assert _judge(STEROIDS_WITHIN_4_WEEKS, _drug("glucocorticoid", "steroids", date="2025-06")).value == FALSE


def test_washout_without_a_date_asks_for_the_last_dose_of_that_drug():
    result = _judge(STEROIDS_WITHIN_4_WEEKS, _drug("methylprednisolone", "IV methylpred pulses"))
    assert result.value == UNKNOWN
    assert result.ask == "last_dose:methylprednisolone"


def test_no_steroids_rules_the_washout_out():
    assert _judge(STEROIDS_WITHIN_4_WEEKS, _drug("glucocorticoid", "no steroids", negated=True)).value == FALSE


def test_half_life_washout_uses_the_drug_half_life():
    # rituximab half-life 22 days: five half-lives = 110 days
    assert _judge(BIOLOGIC_WITHIN_5_HALF_LIVES, _drug("rituximab", date="2025-12-01")).value == REVIEW
    assert _judge(BIOLOGIC_WITHIN_5_HALF_LIVES, _drug("rituximab", date="2025-06-01")).value == UNKNOWN  # others?
    undated = _judge(BIOLOGIC_WITHIN_5_HALF_LIVES, _drug("rituximab"))
    assert undated.value == UNKNOWN and undated.ask == "last_dose:rituximab"


def test_half_life_washout_for_a_drug_without_a_known_half_life_stays_unknown():
    assert _judge(BIOLOGIC_WITHIN_5_HALF_LIVES, _drug("telitacicept", date="2025-12-20")).value == UNKNOWN


def test_class_answer_against_a_half_life_window_decides_only_when_every_member_agrees():
    leaf = {"type": "therapy", "concept": "anti_tnf", "within_half_lives": 5}
    # TNF inhibitors: half-lives 4-14 days, five half-lives 20-70 days
    assert _judge(leaf, _drug("anti_tnf", "TNF inhibitors", date="2025-01")).value == FALSE
    assert _judge(leaf, _drug("anti_tnf", "TNF inhibitors", date="2026-01-25")).value == REVIEW
    assert _judge(leaf, _drug("anti_tnf", "TNF inhibitors", date="2025-12-01")).value == UNKNOWN


def test_procedure_concepts_match_through_the_hierarchy():
    leaf = {"type": "procedure", "concept": "gene_therapy"}
    assert _judge(leaf, Fact("PROCEDURE", "car_t", "prior CD19 CAR-T")).value == TRUE
    assert _judge(leaf, Fact("PROCEDURE", "car_t", "no prior CAR-T", negated=True)).value == UNKNOWN
    assert _judge(leaf, Fact("PROCEDURE", "gene_therapy", "no gene therapy", negated=True)).value == FALSE
