"""Round 32 (h153, issue #15): reproductive, demographic and consent lines of registry criteria:
a pregnancy test's result written after it, the trial's day 1 as when a test is taken, an age
range whose upper limit has its own sign, men and non-pregnant, non-lactating women with their
ages, a breastfeeding promise for the trial's time kept for the team, a lower-case comparison
tail no age, lower-case pregnancy items read, "kilograms per meter square"."""
from datetime import date

from core.facts import Profile
from core.rules import iter_leaves
from matching.evaluate import Evaluator
from nlp import extract
from nlp.criteria.parser import parse_criterion

NOT_PREGNANT = {"not": {"type": "pregnancy", "states": ["pregnant"]}}


def _plain(rule):
    if isinstance(rule, dict):
        return {k: _plain(v) for k, v in rule.items() if k != "note"}
    if isinstance(rule, list):
        return [_plain(x) for x in rule]
    return rule


def _verdict(rule: dict, patient: str) -> str:
    return Evaluator(Profile(extract(patient)), today=date(2026, 12, 6)).rule(rule).value


def test_a_pregnancy_test_whose_result_follows_it_is_not_pregnant():
    # s32-0007: "must be negative" after both tests (it was the team's: read as a test alone)
    rule = parse_criterion("Serum pregnancy test at screening and urine pregnancy test on Day 1 "
                           "(before randomization) must be negative.", "inclusion")
    assert rule == NOT_PREGNANT
    assert parse_criterion("Urine pregnancy test must be negative.", "inclusion") == NOT_PREGNANT


def test_the_negative_test_verdicts():
    rule = parse_criterion("Serum pregnancy test at screening and urine pregnancy test on Day 1 "
                           "(before randomization) must be negative.", "inclusion")
    assert _verdict(rule, "I am a 30 year old woman, 12 weeks pregnant.") == "false"
    assert _verdict(rule, "I am a 40 year old man.") == "true"
    assert _verdict(rule, "I am a 30 year old woman.") == "unknown"      # never failed for silence


def test_a_test_without_a_result_is_still_no_pregnancy():
    # the result cue reads only a pregnancy test's own result: no test, no "not pregnant"
    rule = parse_criterion("Pregnancy test must be performed; if positive the patient is excluded", "inclusion")
    assert all(leaf.get("type") != "pregnancy" for leaf in iter_leaves(rule)) or any(
        leaf.get("type") == "review" for leaf in iter_leaves(rule))


def test_day_one_as_when_the_test_is_taken_is_no_condition():
    # s21-0009 (round 21) gains it: "... during the screening period or a positive pregnancy test on Day 1"
    rule = _plain(parse_criterion(
        "Female participants who are both lactating and breastfeeding or who have a positive serum pregnancy "
        "test during the screening period or a positive pregnancy test on Day 1 before first dose of study drug.",
        "exclusion"))
    assert rule == {"type": "pregnancy", "states": ["pregnant", "lactating"]}


def test_an_age_range_with_a_signed_upper_limit():
    # s27-0002: "from 2 to <12 years of age" is 2 to 11 in whole years
    assert parse_criterion("Male or female from 2 to <12 years of age.", "inclusion") == {
        "type": "age", "min": 2, "max": 11}
    assert parse_criterion("Aged 6 to ≤ 17 years", "inclusion") == {"type": "age", "min": 6, "max": 17}


def test_a_decimal_lower_limit_is_never_read_as_its_tail():
    rule = parse_criterion("2.5 to \\< 18 years of age.", "inclusion")
    assert {"type": "age", "min": 5, "max": 17} not in [_plain(leaf) for leaf in iter_leaves(rule)]


def test_men_and_non_pregnant_non_lactating_women_with_their_ages():
    # s32-0071 and another record's line of the same form
    assert parse_criterion("Male or non-pregnant, non-lactating females ages 18 to 75 inclusive.", "inclusion") == {
        "all": [{"not": {"type": "pregnancy", "states": ["pregnant", "lactating"]}},
                {"type": "age", "min": 18, "max": 75}]}
    assert parse_criterion("Male, non-pregnant and non-lactating female subjects (20-65 years of age, inclusive).",
                           "inclusion") == {
        "all": [{"not": {"type": "pregnancy", "states": ["pregnant", "lactating"]}},
                {"type": "age", "min": 20, "max": 65}]}


def test_non_pregnant_women_alone_are_women():
    assert parse_criterion("Non-pregnant women", "inclusion") == {
        "all": [{"type": "sex", "allowed": ["female"]}, NOT_PREGNANT]}


def test_the_population_verdicts():
    rule = parse_criterion("Male or non-pregnant, non-lactating females ages 18 to 75 inclusive.", "inclusion")
    assert _verdict(rule, "I am a 40 year old man with asthma.") == "true"
    assert _verdict(rule, "I am a 30 year old woman, 12 weeks pregnant.") == "false"
    assert _verdict(rule, "I am a 30 year old woman. I am breastfeeding my baby.") == "false"
    assert _verdict(rule, "I am an 80 year old man.") == "false"
    assert _verdict(rule, "I am a 45 year old woman.") == "unknown"


def test_a_population_line_with_more_than_ages_is_not_read_so():
    rule = parse_criterion("Non-pregnant women with breast cancer", "inclusion")
    assert rule.get("type") == "review" or any(leaf.get("type") == "review" for leaf in iter_leaves(rule))


def test_not_breastfeeding_during_treatment_is_a_promise_for_the_team():
    # s32-0018: it had read as "not breastfeeding now", failing a mother who would stop first
    rule = parse_criterion("Not be breastfeeding during treatment", "inclusion")
    assert rule["type"] == "review" and rule["reason"] == "compliance"
    assert _verdict(rule, "I am a 30 year old woman. I am breastfeeding my baby.") == "review"


def test_a_plan_for_the_study_time_stays_the_patients_plan():
    # an exclusion's "planning to become pregnant while enrolled" is the plan now (crit-0123)
    rule = parse_criterion("Pregnancy or women breastfeeding or planning to become pregnant while enrolled in "
                           "this study.", "exclusion")
    assert _plain(rule) == {"type": "pregnancy", "states": ["pregnant", "lactating", "planning"]}


def test_a_lower_case_comparison_tail_is_no_age():
    # s32-0140: the tail of "... for more than 3 years;" had read as an age of 3 or more
    rule = parse_criterion("more than 3 years;", "exclusion")
    assert rule["type"] == "review"
    assert parse_criterion("younger than 18 years of age;", "exclusion") == {"type": "age", "max": 17}


def test_lower_case_pregnancy_items_are_read():
    # s28-0109, s25-0084: items of an exclusion list written in lower case
    assert _plain(parse_criterion("pregnant women", "exclusion")) == {"type": "pregnancy", "states": ["pregnant"]}
    assert _plain(parse_criterion("positive pregnancy test", "exclusion")) == {
        "type": "pregnancy", "states": ["pregnant"]}
    assert parse_criterion("pregnant/ lactating women and", "exclusion")["type"] == "review"   # a wrapped line


def test_kilograms_per_meter_square_is_kg_per_m2():
    rule = parse_criterion("Body mass index (BMI) greater than or equal 23.0 kilograms per meter square (kg/m\\^2).",
                           "inclusion")
    assert rule == {"type": "lab", "analyte": "bmi", "op": ">=", "value": 23, "unit": "kg/m2"}


def test_a_condom_fragment_never_requires_a_pregnancy():
    # s27-0106: the partner's pregnancy in a wrapped contraception line had read as a pregnancy the
    # inclusion required (every man and every woman not pregnant failed it)
    rule = parse_criterion("condom for the duration of the pregnancy throughout the study period and for 3 months",
                           "inclusion")
    assert rule["type"] == "review" and rule["reason"] == "compliance"
    assert _verdict(rule, "I am a 40 year old man.") == "review"


def test_a_highly_sensitive_test_within_hours_before_the_first_dose():
    # s17-0024 (round 17): "WOCBP", "highly sensitive" and a window in hours were unread words
    rule = parse_criterion("A WOCBP must have a negative highly sensitive serum pregnancy test within 24 hours "
                           "before the first dose of study treatment", "inclusion")
    assert rule == NOT_PREGNANT


def test_the_investigational_medicinal_product_is_the_first_dose():
    # s27-0111 (round 27): "prior to administration of IMP"
    rule = parse_criterion("For female of child bearing potential participants, a negative urine pregnancy test "
                           "prior to administration of IMP.", "inclusion")
    assert rule == NOT_PREGNANT
