"""Round 35 (h165, issue #13): what patients and their relatives write: a relative's age and
sex letter right after the relation, the writer's own age before "asking for", the one the
writer says they ask for among several relatives, the writer's own illness shown as theirs,
"X only" / "just X so far", lists closed by "all tried", "and now it isnt working", a "no"
reply before a clause that says what the person has, lower-case test names before their
result, shorthand ("tmrw", "high bp", "diabetic type 2"), and the conversations
these writers have with the bot (gold: conv-7152 … conv-7231)."""
from __future__ import annotations

from datetime import date

from assertion_helpers import FAMILY, NOW, PAST, one, reading
from benchmarks.assertion import predicted_assertion
from bundled_engine import bundled_engine, said, talk, tracker_of
from nlp import extract

TODAY = date(2026, 12, 7)


def _facts(text: str):
    return extract(text, today=TODAY)


def _ages(text: str) -> list[tuple[float, bool]]:
    return [(f.value, f.family) for f in _facts(text) if f.label == "AGE"]


# --- who the message is about -------------------------------------------------------------

def test_a_relative_named_with_an_age_and_a_sex_letter_is_the_patient():
    # no verb after the relation: the age and its letter mark whom the message is about
    assert reading("my cousin 33 f, lupus, on mmf", "sle") == NOW
    assert reading("for my brother: 40 m, crohns w a fistula", "crohns_disease") == NOW
    assert reading("uncle 61 m, t-lbl, chemo finished", "t_lbl") == NOW


def test_an_age_between_commas_after_the_relatives_disease_marks_them():
    assert reading("my mum has ITP, 66, plts 12 despite romiplostim. my dad has copd", "itp") == NOW
    assert reading("my mum has ITP, 66, plts 12 despite romiplostim. my dad has copd", "copd") == FAMILY


def test_the_relative_the_writer_asks_for_wins_over_one_named_first():
    text = "my brother 40 has crohns, my sister 35 has UC, im asking for my sister"
    assert reading(text, "ulcerative_colitis") == NOW
    assert reading(text, "crohns_disease") == FAMILY


def test_the_writers_own_age_and_sex_before_asking_for_someone():
    text = "52 m, writing for my wife, she has dermatomyositis"
    assert _ages(text) == [(52, True)]
    assert reading(text, "dermatomyositis") == NOW
    assert [f.concept for f in _facts(text) if f.label == "SEX" and not f.family] == ["female"]


# --- ages and sexes in lower case ---------------------------------------------------------

def test_an_age_and_sex_letter_after_a_relation_now_a_duration_or_an_emoji():
    assert _ages("my husband 61 m ra, on baricitinib") == [(61, False)]
    assert _ages("crohns since i was a kid, now 52 m.") == [(52, False)]
    assert _ages("psoriasis 5 yrs 33 f, on ustekinumab") == [(33, False)]
    assert _ages("plts 6 \U0001F62D 44 f, ivig done") == [(44, False)]
    # a letter the relation's sex contradicts is months, not a sex: no age of 18
    assert (18, False) not in _ages("my daughter 18 m, itp since birth")


def test_the_relation_word_keeps_its_sex_beside_a_letter_that_agrees():
    sexes = [(f.concept, f.text) for f in _facts("my wife, 39 f, has lupus") if f.label == "SEX"]
    assert ("female", "wife") in sexes and ("female", "f") in sexes


# --- treatments -----------------------------------------------------------------------------

def test_a_relative_named_without_my_is_on_a_treatment_now():
    # the relative's cue ("dad is") must not swallow the "is" of "is on"
    assert one("im writing for dad. dad is on abatacept", "abatacept").status == "current"
    assert reading("im writing for dad. dad is on abatacept", "abatacept") == NOW


def test_a_list_closed_by_all_tried_is_of_the_past():
    text = "methotrexate, leflunomide and sulfasalazine all tried, now on etanercept"
    assert reading(text, "leflunomide") == PAST
    assert reading(text, "etanercept") == NOW


def test_just_x_so_far_and_x_only_are_taken_now():
    assert one("just hcq so far, no steroids", "hydroxychloroquine").status == "current"
    assert one("budesonide only, still flaring", "budesonide").status in ("current", "failed")
    assert not one("budesonide only, still flaring", "budesonide").historical
    # a harm denied from a drug taken "so far" leaves the drug taken
    assert reading("no pancreatitis from the mercaptopurine so far", "mercaptopurine") == NOW


def test_a_failure_said_now_after_and_now_is_of_the_drug_still_taken():
    fact = one("she has been on benlysta 3 yrs and now it isnt working", "belimumab")
    assert fact.status == "failed" and predicted_assertion(fact) == NOW


def test_tomorrow_in_shorthand_is_not_given_yet():
    assert one("first rituximab infusion tmrw", "rituximab").hypothetical
    assert one("ivig 2moro", "ivig").hypothetical


def test_pulses_between_a_drug_and_its_year():
    assert reading("ivig pulses 2021, now romiplostim", "ivig") == PAST


# --- words ------------------------------------------------------------------------------------

def test_a_lower_case_test_name_before_its_result():
    assert one("her ana was positive, dsdna neg", "ana").status == "positive"
    assert not [f for f in _facts("my daughter ana is 12") if f.concept == "ana"]


def test_everyday_shorthand_for_drugs_and_conditions():
    assert one("dad is diabetic type 2", "type_2_diabetes")
    assert one("i have high bp", "hypertension")
    assert one("had part of his bowel resected in 2019", "bowel_resection").historical


def test_a_no_before_a_clause_that_says_what_they_have():
    assert reading("no, the doctors said its crohns", "crohns_disease") == NOW
    assert reading("no lupus here", "sle")[0] == "absent"


def test_the_writers_own_illness_is_marked_as_theirs():
    facts = [f for f in _facts("asking for my wife, she has lupus. i have asthma myself") if f.concept == "asthma"]
    assert len(facts) == 1 and facts[0].family and facts[0].writer


# --- conversations ------------------------------------------------------------------------------

def test_a_mother_giving_her_own_age_first_is_no_clinician(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    reply = talk(engine, "c", "39 f, asking for my daughter who is 15 and has lupus, on hcq")[0]
    assert "Clinician mode" not in reply and "I noted" in reply
    assert "age 15" in reply and "age 39" not in reply


def test_the_writers_own_illness_is_shown_as_theirs(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    reply = talk(engine, "c", "asking for my husband, 61, myositis on ivig. i have type 2 diabetes myself")[0]
    assert "your own type 2 diabetes" in reply
    assert "family history of type 2 diabetes" not in reply


def test_a_no_with_the_right_diagnosis_answers_the_question_once(tmp_path):
    engine = bundled_engine(tmp_path / "t.db", today=TODAY)
    first = talk(engine, "c", "im 20, stills disease since i was 11, on canakinumab but still getting fevers")[0]
    assert "adult-onset Still's disease?" in first
    second = said(engine.message("c", "no it began when i was 11 so they said systemic jia"))
    assert "systemic juvenile idiopathic arthritis" in second
    assert "adult-onset Still's disease?" not in second
    profile = tracker_of(engine, "c").profile
    assert any(f.concept == "systemic_jia" and not f.negated for f in profile.facts)
