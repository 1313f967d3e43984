"""Condition, infection, pregnancy, biomarker and demographic leaves: presence needs an
asserted fact, absence needs an explicit negation, and doubt stays unknown."""
from datetime import date

import pytest

from matching.evaluate import Evaluator
from core.truth import FALSE, TRUE, UNKNOWN
from core.facts import Fact, Profile

TODAY = date(2026, 1, 31)


def _judge(leaf, *facts):
    return Evaluator(Profile(list(facts)), today=TODAY).leaf(leaf)


def _condition(concept, text=None, **fields):
    return Fact("CONDITION", concept, text or concept, **fields)


# --- diagnosis ------------------------------------------------------------------------

def test_narrower_diagnosis_satisfies_a_broader_criterion():
    leaf = {"type": "diagnosis", "concept": "inflammatory_myopathy"}
    result = _judge(leaf, _condition("dermatomyositis", "DM"))
    assert result.value == TRUE
    assert result.facts[0].text == "DM"


def test_broader_mention_leaves_a_specific_diagnosis_unknown():
    leaf = {"type": "diagnosis", "concept": "dermatomyositis"}
    result = _judge(leaf, _condition("inflammatory_myopathy", "myositis"))
    assert result.value == UNKNOWN
    assert result.ask == "diagnosis:dermatomyositis"


def test_uncertain_diagnosis_is_unknown_and_says_so():
    leaf = {"type": "diagnosis", "concept": "dermatomyositis"}
    result = _judge(leaf, _condition("dermatomyositis", "possible dermatomyositis", uncertain=True))
    assert result.value == UNKNOWN
    assert "not confirmed" in result.reason


def test_family_history_is_not_the_patients_diagnosis():
    leaf = {"type": "diagnosis", "concept": "sle"}
    assert _judge(leaf, _condition("sle", "mother had lupus", family=True)).value == UNKNOWN


def test_an_unmentioned_diagnosis_is_unknown_even_when_another_is_stated():
    leaf = {"type": "diagnosis", "concept": "crohns_disease"}
    result = _judge(leaf, _condition("sle", "SLE"))
    assert result.value == UNKNOWN


def test_negated_diagnosis_is_false():
    leaf = {"type": "diagnosis", "concept": "crohns_disease"}
    assert _judge(leaf, _condition("crohns_disease", "no Crohn's", negated=True)).value == FALSE


def test_negating_a_class_rules_out_its_members_but_not_the_reverse():
    assert _judge({"type": "diagnosis", "concept": "dermatomyositis"},
                  _condition("inflammatory_myopathy", "no myositis", negated=True)).value == FALSE
    assert _judge({"type": "diagnosis", "concept": "inflammatory_myopathy"},
                  _condition("dermatomyositis", "not DM", negated=True)).value == UNKNOWN


@pytest.mark.parametrize("fact_fields, expected", [
    ({"date": "2025-01"}, TRUE),
    ({"date": "2025-11-15"}, FALSE),
    ({"duration_days": 365 * 3}, TRUE),
    ({"duration_days": 60}, FALSE),
    ({}, UNKNOWN),
])
def test_minimum_time_since_diagnosis(fact_fields, expected):
    leaf = {"type": "diagnosis", "concept": "crohns_disease", "min_duration_months": 6}
    result = _judge(leaf, _condition("crohns_disease", "Crohn's", **fact_fields))
    assert result.value == expected
    if expected == UNKNOWN:
        assert result.ask == "diagnosis_date:crohns_disease"


def test_misspelled_concept_outside_the_terminology_matches_by_similarity():
    leaf = {"type": "diagnosis", "concept": "dermatomyositis"}
    assert _judge(leaf, _condition("dermatomyosits", "dermatomyosits")).value == TRUE
    assert _judge(leaf, _condition("polymyositis_overlap", "polymyositis overlap")).value == UNKNOWN


# --- history --------------------------------------------------------------------------

def test_history_counts_past_conditions_and_child_concepts():
    leaf = {"type": "history", "concept": "cns_disorder"}
    assert _judge(leaf, _condition("epilepsy", "seizures as a child", historical=True)).value == TRUE


def test_denied_history_is_false():
    leaf = {"type": "history", "concept": "epilepsy"}
    assert _judge(leaf, _condition("epilepsy", "denies seizures", negated=True)).value == FALSE


def test_history_within_a_window_uses_the_date():
    leaf = {"type": "history", "concept": "malignancy", "within_days": 5 * 365}
    assert _judge(leaf, _condition("malignancy", "breast cancer 2015", historical=True, date="2015")).value == FALSE
    assert _judge(leaf, _condition("malignancy", "breast cancer 2023", historical=True, date="2023-04")).value == TRUE
    undated = _judge(leaf, _condition("malignancy", "previous breast cancer", historical=True))
    assert undated.value == UNKNOWN and undated.ask == "history_date:malignancy"


def test_history_of_an_infection_reads_test_results():
    leaf = {"type": "history", "concept": "tuberculosis"}
    assert _judge(leaf, Fact("INFECTION", "tuberculosis", "TB treated 2010", historical=True, date="2010")).value == TRUE
    assert _judge(leaf, Fact("INFECTION", "tuberculosis", "IGRA negative", status="negative")).value == FALSE


def test_a_current_condition_is_within_any_window():
    leaf = {"type": "history", "concept": "malignancy", "within_days": 5 * 365}
    assert _judge(leaf, _condition("malignancy", "active lymphoma")).value == TRUE


# --- infections -----------------------------------------------------------------------

def test_negative_serology_rules_an_infection_out():
    leaf = {"type": "infection", "agent": "hiv", "state": "positive"}
    assert _judge(leaf, Fact("INFECTION", "hiv", "HIV negative", negated=True, status="negative")).value == FALSE
    assert _judge(leaf, Fact("INFECTION", "hiv", "HIV-", status="negative")).value == FALSE


def test_unmentioned_infection_is_unknown():
    result = _judge({"type": "infection", "agent": "hiv", "state": "positive"})
    assert result.value == UNKNOWN
    assert result.ask == "infection:hiv:positive"


def test_a_marker_counts_for_its_virus():
    leaf = {"type": "infection", "agent": "hbv", "state": "positive"}
    assert _judge(leaf, Fact("INFECTION", "hbsag", "HBsAg positive", status="positive")).value == TRUE
    assert _judge(leaf, Fact("INFECTION", "hbsag", "HBsAg negative", status="negative", negated=True)).value == FALSE


def test_a_positive_marker_does_not_by_itself_say_the_infection_is_active():
    leaf = {"type": "infection", "agent": "hbv", "state": "active"}
    result = _judge(leaf, Fact("INFECTION", "hbsag", "HBsAg positive", status="positive"))
    assert result.value == UNKNOWN
    assert _judge(leaf, Fact("INFECTION", "hbv", "active hepatitis B", status="active")).value == TRUE


def test_a_positive_replication_marker_is_an_active_infection():
    leaf = {"type": "infection", "agent": "hcv", "state": "active"}
    assert _judge(leaf, Fact("INFECTION", "hcv_rna", "HCV RNA detectable", status="positive")).value == TRUE
    assert _judge(leaf, Fact("INFECTION", "anti_hcv", "anti-HCV positive", status="positive")).value == UNKNOWN


def test_a_measured_viral_load_is_a_positive_replication_marker():
    leaf = {"type": "infection", "agent": "hbv", "state": "active"}
    load = Fact("LAB", "hbv_dna_load", "HBV DNA 2.1 x 10^5 IU/mL", value=210000, unit="IU/mL")
    assert _judge(leaf, load).value == TRUE
    undetectable = Fact("LAB", "hbv_dna_load", "HBV DNA < 20 IU/mL", value=20, unit="IU/mL", comparator="<")
    assert _judge(leaf, undetectable).value == FALSE


def test_no_infection_rules_out_a_urinary_infection_too():
    leaf = {"type": "infection", "agent": "uti", "state": "active"}
    assert _judge(leaf, Fact("INFECTION", "active_infection", "no current infections", negated=True)).value == FALSE


def test_excepted_infections_do_not_count():
    leaf = {"type": "infection", "agent": "active_infection", "state": "active", "except": ["uti"]}
    assert _judge(leaf, Fact("INFECTION", "uti", "simple UTI", status="active")).value == UNKNOWN
    assert _judge(leaf, Fact("INFECTION", "active_infection", "pneumonia")).value == TRUE


def test_a_named_clinical_infection_is_active_but_a_named_virus_without_result_is_unknown():
    active = {"type": "infection", "agent": "active_infection", "state": "active"}
    assert _judge(active, Fact("INFECTION", "active_infection", "pneumonia", status="positive")).value == TRUE
    assert _judge({"type": "infection", "agent": "uti", "state": "active"}, Fact("INFECTION", "uti", "UTI")).value == TRUE
    hiv = {"type": "infection", "agent": "hiv", "state": "positive"}
    assert _judge(hiv, Fact("INFECTION", "hiv", "HIV status unknown")).value == UNKNOWN
    assert _judge(hiv, Fact("INFECTION", "hiv", "HIV test pending", uncertain=True)).value == UNKNOWN


def test_suspected_infection_is_unknown():
    leaf = {"type": "infection", "agent": "tuberculosis", "state": "active"}
    assert _judge(leaf, Fact("INFECTION", "tuberculosis", "possible TB", status="active", uncertain=True)).value == UNKNOWN


# --- pregnancy, sex, age --------------------------------------------------------------

def test_pregnancy_needs_every_listed_state_ruled_out():
    leaf = {"type": "pregnancy", "states": ["pregnant", "lactating"]}
    not_pregnant = Fact("PREGNANCY", "pregnant", "not pregnant", negated=True)
    result = _judge(leaf, not_pregnant)
    assert result.value == UNKNOWN and result.ask == "pregnancy"
    not_lactating = Fact("PREGNANCY", "lactating", "not breastfeeding", negated=True)
    assert _judge(leaf, not_pregnant, not_lactating).value == FALSE
    assert _judge(leaf, Fact("PREGNANCY", "lactating", "breastfeeding")).value == TRUE


def test_a_man_is_not_pregnant():
    leaf = {"type": "pregnancy", "states": ["pregnant", "planning"]}
    assert _judge(leaf, Fact("SEX", "male", "48M")).value == FALSE


@pytest.mark.parametrize("age, expected", [(17, FALSE), (18, TRUE), (65, TRUE), (66, FALSE), (65.9, TRUE)])
def test_age_limits_are_inclusive_whole_years(age, expected):
    leaf = {"type": "age", "min": 18, "max": 65}
    assert _judge(leaf, Fact("AGE", "age", f"{age}", value=age)).value == expected


def test_implausible_age_is_not_used():
    result = _judge({"type": "age", "min": 18}, Fact("AGE", "age", "-5 years old", value=-5))
    assert result.value == UNKNOWN
    assert result.ask == "confirm:age"


def test_two_different_ages_in_one_text_leave_the_age_unknown():
    result = _judge({"type": "age", "min": 18, "max": 65},
                    Fact("AGE", "age", "31-year-old", value=31), Fact("AGE", "age", "4-month-old", value=4))
    assert result.value == UNKNOWN and result.ask == "confirm:age"


def test_sex_leaf():
    leaf = {"type": "sex", "allowed": ["female"]}
    assert _judge(leaf, Fact("SEX", "female", "29F")).value == TRUE
    assert _judge(leaf, Fact("SEX", "male", "48 M")).value == FALSE
    assert _judge(leaf).value == UNKNOWN


def test_a_relatives_sex_word_is_not_the_patients_sex():
    # an infant's note: "male infant ... The mother is a 32-year-old woman"
    leaf = {"type": "sex", "allowed": ["female"]}
    boy, mother = Fact("SEX", "male", "male"), Fact("SEX", "female", "woman", family=True)
    assert _judge(leaf, boy, mother).value == FALSE
    assert _judge(leaf, mother).value == UNKNOWN


# --- biomarkers, review ---------------------------------------------------------------

def test_biomarker_states_and_percentages():
    leaf = {"type": "biomarker", "marker": "cd7", "state": "positive"}
    assert _judge(leaf, Fact("BIOMARKER", "cd7", "CD7+ blasts", status="positive")).value == TRUE
    assert _judge(leaf, Fact("BIOMARKER", "cd7", "CD7 negative", status="negative", negated=True)).value == FALSE
    assert _judge(leaf, Fact("BIOMARKER", "cd7", "CD7 tested")).value == UNKNOWN
    with_min = {**leaf, "min_percent": 50}
    assert _judge(with_min, Fact("BIOMARKER", "cd7", "CD7 80%", status="positive", value=80)).value == TRUE
    assert _judge(with_min, Fact("BIOMARKER", "cd7", "CD7 positive", status="positive")).value == UNKNOWN


def test_review_leaf_is_for_the_trial_team():
    result = _judge({"type": "review", "reason": "consent"})
    assert result.value == "review"
    assert result.ask is None


def test_a_past_pregnancy_is_not_a_pregnancy_now():
    from core.facts import Fact, Profile
    from matching.evaluate import Evaluator

    leaf = {"type": "pregnancy", "states": ["pregnant"]}
    past = Evaluator(Profile([Fact("PREGNANCY", "pregnant", "ectopic pregnancy", historical=True),
                              Fact("SEX", "female", "woman")])).leaf(leaf)
    assert past.value == "unknown"
    now = Evaluator(Profile([Fact("PREGNANCY", "pregnant", "pregnant")])).leaf(leaf)
    assert now.value == "true"
