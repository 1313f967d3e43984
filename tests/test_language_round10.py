"""People's language, round 10 (issue #13, h43): a relative's age written right after the
relation, misspelt words inside longer disease names, lab results said in words (and how
matching judges them), smoking and drinking said with their negation, a healthy person."""
from datetime import date

from core.facts import Fact, Profile
from core.truth import FALSE, TRUE, UNKNOWN
from matching.evaluate import Evaluator
from nlp import extract
from nlp.pipeline import speaker_of


def _facts(text):
    return {(f.label, f.concept): f for f in extract(text)}


def _judge(leaf, *facts):
    return Evaluator(Profile(list(facts)), today=date(2026, 1, 1)).leaf(leaf)


# --- a relative's age right after the relation word ------------------------------------

def test_age_right_after_the_relation_makes_the_relative_the_patient():
    facts = _facts("my dad 67 has ulcerative colitis")
    colitis = facts[("CONDITION", "ulcerative_colitis")]
    assert not colitis.family
    assert facts[("AGE", "age")].value == 67 and not facts[("AGE", "age")].family
    assert speaker_of("my dad 67 has ulcerative colitis").speaker == "relative"


def test_age_with_units_after_the_relation():
    assert _facts("my mum 70 yo has lupus")[("AGE", "age")].value == 70
    assert _facts("my son 19 yrs has crohns")[("AGE", "age")].value == 19


def test_a_number_after_the_relation_without_a_verb_is_no_age():
    assert ("AGE", "age") not in _facts("my son 2 times had pneumonia")


def test_a_relatives_own_illness_stays_family_history():
    facts = extract("my son 19 has crohns, my sister has crohns too")
    crohns = [f for f in facts if f.concept == "crohns_disease"]
    assert [f.family for f in crohns] == [False, True]


# --- typos inside longer names ------------------------------------------------------------

def test_misspelt_word_beside_correct_words_is_the_whole_term():
    assert ("CONDITION", "lupus_nephritis") in _facts("lupus nefritis")
    assert ("CONDITION", "sle") not in _facts("lupus nefritis")
    assert ("CONDITION", "aml") in _facts("acute myeloid leukemya")
    assert ("CONDITION", "sle") in _facts("systemic lupus erythematosis")


def test_a_correct_word_beside_an_unrelated_one_is_left_alone():
    assert set(_facts("lupus patiants")) == {("CONDITION", "sle")}


# --- lab results in words ---------------------------------------------------------------

def test_lab_said_in_words_is_a_fact_without_a_value():
    creatinine = _facts("creatinine is normal I think")[("LAB", "creatinine")]
    assert (creatinine.value, creatinine.status, creatinine.uncertain) == (None, "normal", True)
    platelets = _facts("platelets were low")[("LAB", "platelets")]
    assert (platelets.value, platelets.status, platelets.uncertain) == (None, "low", False)
    assert _facts("my kidney function is fine")[("LAB", "egfr")].status == "normal"
    assert _facts("low platelets")[("LAB", "platelets")].status == "low"


def test_a_denied_quality_says_nothing():
    assert ("LAB", "creatinine") not in _facts("creatinine is not normal")


def test_a_number_wins_over_words():
    fact = _facts("creatinine 1.3")[("LAB", "creatinine")]
    assert fact.value == 1.3 and fact.status is None


def test_lab_named_as_the_reason_a_treatment_stopped_is_past():
    assert _facts("Eltrombopag stopped for raised ALT.")[("LAB", "alt")].historical
    assert _facts("Bosentan was discontinued due to raised transaminases (ALT 5x ULN).")[("LAB", "alt")].historical
    assert not _facts("ALT is high")[("LAB", "alt")].historical


CREATININE_ULN = {"type": "lab", "analyte": "creatinine", "op": "<=", "uln": 1.5}
PLATELETS_100 = {"type": "lab", "analyte": "platelets", "op": ">=", "value": 100, "unit": "10^9/L"}


def _said(analyte, quality, hedged=False):
    return Fact("LAB", analyte, analyte, status=quality, uncertain=hedged)


def test_normal_creatinine_meets_a_multiple_of_uln():
    result = _judge(CREATININE_ULN, _said("creatinine", "normal"))
    assert result.value == TRUE and "no value given" in result.reason


def test_hedged_normal_is_never_met_and_says_so():
    result = _judge(CREATININE_ULN, _said("creatinine", "normal", hedged=True))
    assert result.value == UNKNOWN and "hedged" in result.reason
    assert result.ask == "lab:creatinine"


def test_low_platelets_leave_a_threshold_below_normal_open():
    assert _judge(PLATELETS_100, _said("platelets", "low")).value == UNKNOWN
    assert _judge(PLATELETS_100, _said("platelets", "normal")).value == TRUE


def test_normal_fails_a_threshold_far_above_normal():
    leaf = {"type": "lab", "analyte": "creatinine", "op": ">", "value": 2.5, "unit": "mg/dL"}
    assert _judge(leaf, _said("creatinine", "normal")).value == FALSE
    assert _judge(leaf, _said("creatinine", "high")).value == UNKNOWN


# --- smoking, drinking, a healthy person ---------------------------------------------------

def test_never_smoked_and_non_smoker_deny_smoking():
    for text in ("never smoked", "SH: non-smoker.", "I am a nonsmoker", "Social: never smoker"):
        fact = _facts(text)[("CONDITION", "smoking")]
        assert fact.negated, text


def test_no_alcohol_and_does_not_drink_deny_alcohol_use():
    for text in ("no alcohol", "Alcohol: nil.", "i dont drink", "She does not smoke or drink"):
        assert _facts(text)[("CONDITION", "alcohol_use")].negated, text
    assert ("CONDITION", "alcohol_use") not in _facts("he doesn't drink enough water")


def test_drinking_is_read_and_not_denied():
    assert not _facts("I drink alcohol")[("CONDITION", "alcohol_use")].negated
    assert not _facts("drinks a beer per day")[("CONDITION", "alcohol_use")].negated
    assert not _facts("never smoker, occasional alcohol")[("CONDITION", "alcohol_use")].negated


def test_a_nil_after_a_semicolon_is_the_habits_own():
    facts = _facts("ex-smoker (stopped 2019); alcohol: nil")
    assert not facts[("CONDITION", "former_smoker")].negated
    assert facts[("CONDITION", "alcohol_use")].negated


def test_a_drug_named_as_the_cause_is_no_disease():
    assert {f.concept for f in extract("muscle pain from statins")} == {"statin"}


def test_a_healthy_person_is_healthy_and_nothing_else():
    assert {f.concept for f in extract("I am healthy, no underlying disease")} == {"healthy"}
