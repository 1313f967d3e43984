"""The speaker is not always the patient (issue #13): a relative writing for the patient
("my daughter is 24", "my wife has SSc") describes the patient; relatives' own conditions
("her sister has myasthenia", "my mum had breast cancer") stay family history; and
``nlp.pipeline.speaker_of`` tells callers who wrote and about whom."""
import pytest

from nlp import extract
from nlp.pipeline import speaker_of


def ages(text):
    return [f.value for f in extract(text) if f.label == "AGE" and not f.family]


def fact(text, concept):
    """The first fact of ``concept`` or of a kind of it ("breast cancer" is a malignancy)."""
    from data.terminology import load_terminology

    return next(f for f in extract(text) if f.concept == concept or load_terminology().is_a(f.concept, concept))


# --- ages given by a relative ---------------------------------------------------------------

@pytest.mark.parametrize("text, age", [
    ("my daughter is 24", 24), ("my son is 19", 19), ("our son (now 31) has lupus", 31),
    ("my husband (58) has dermatomyositis", 58), ("My brother is 36 and has lupus", 36),
    ("my wife, 45, has SSc", 45), ("mum is 74, ITP for years", 74), ("my son has T-ALL, he's 16.", 16),
])
def test_a_relatives_age_is_the_patients_age(text, age):
    assert ages(text) == [age]


@pytest.mark.parametrize("text, age", [
    ("my son Tomas is 16, he has T-ALL", 16), ("my daughter, Ana, is 9 and has ITP", 9),
    ("our boy Sam (16) has T-ALL", 16), ("my husband John Smith is 52 and has RA", 52),
    ("My son Tomas, 16, has relapsed T-ALL", 16), ("my little son Tomas is 6 and has T-ALL", 6),
])
def test_a_first_name_between_the_relation_and_the_age(text, age):
    assert ages(text) == [age]


def test_a_capitalised_word_after_my_is_not_taken_for_the_relation():
    assert ages("my son's friend Tom is 16 and I have lupus") == []


def test_the_age_at_onset_is_not_the_age():
    assert ages("my son is 19 with crohns disease since age 12") == [19]
    assert ages("lupus since age 10") == []


def test_a_relation_that_is_not_a_relation_word_gives_no_age():
    assert ages("my platelets is 45") == []


# --- whose condition --------------------------------------------------------------------------

@pytest.mark.parametrize("text, concept", [
    ("my wife has SSc", "systemic_sclerosis"),
    ("my son has T-ALL", "t_all"),
    ("mum is 74, ITP for years, on nplate weekly", "itp"),
    ("im asking for my dad, peripheral T-cell lymphoma", "ptcl"),
    ("My sister (39) has systemic sclerosis. I'm her carer.", "systemic_sclerosis"),
    ("my father has T-cell lymphoma and COPD. he's 73", "ptcl"),
])
def test_the_relative_written_for_is_the_patient(text, concept):
    assert not fact(text, concept).family


@pytest.mark.parametrize("text, concept", [
    ("her sister has myasthenia", "myasthenia_gravis"),
    ("my mum had breast cancer", "malignancy"),
    ("My sister (39) has systemic sclerosis. my mum had scleroderma too", None),
    ("my mom had leukemia and my dad has diabetes. my son has T-ALL", "leukemia"),
])
def test_a_relatives_own_condition_is_family_history(text, concept):
    if concept is None:   # the second mention is the mother's
        facts = [f for f in extract(text) if f.concept == "systemic_sclerosis"]
        assert [f.family for f in facts] == [False, True]
    else:
        assert fact(text, concept).family


def test_when_a_relative_writes_what_they_say_of_themself_is_family_history():
    facts = [f for f in extract("my daughter is 21 and has crohn's since she was 13. i have crohn's too") if f.concept == "crohns_disease"]
    assert [f.family for f in facts] == [False, True]


def test_a_patient_writing_is_the_patient():
    assert not fact("I have lupus and my mum had RA", "sle").family
    assert fact("I have lupus and my mum had RA", "rheumatoid_arthritis").family


def test_the_relation_gives_the_patients_sex():
    sexes = [(f.concept, f.text) for f in extract("my son has crohns") if f.label == "SEX"]
    assert sexes == [("male", "son")]
    assert [f.concept for f in extract("my wife has SSc") if f.label == "SEX"] == ["female"]
    assert [f.label for f in extract("my partner has SSc")].count("SEX") == 0


def test_a_stated_sex_wins_over_the_relation():
    assert [f.concept for f in extract("my child is 9, a boy with T-ALL") if f.label == "SEX"] == ["male"]


# --- speaker_of -----------------------------------------------------------------------------

@pytest.mark.parametrize("text, speaker, relation, sex", [
    ("my daughter is 24", "relative", "daughter", "female"),
    ("our son (now 31) has lupus", "relative", "son", "male"),
    ("I'm asking for my father, he has AML", "relative", "father", "male"),
    ("could car-t help my brother? he has crohns", "relative", "brother", "male"),
    ("mum is 74, ITP for years", "relative", "mother", "female"),
    ("my partner has lupus", "relative", "partner", None),
    ("i have lupus", "patient", None, None),
    ("my mum had breast cancer, I have lupus", "patient", None, None),
    ("I am breastfeeding my baby.", "patient", None, None),
    ("53F myositis, CK 2100", None, None, None),
    ("", None, None, None),
])
def test_speaker_of(text, speaker, relation, sex):
    found = speaker_of(text)
    assert (found.speaker, found.relation, found.sex) == (speaker, relation, sex)


def test_speaker_of_says_where_the_relation_is_written():
    found = speaker_of("Hello, my Daughter has lupus")
    assert (found.word, found.start, found.end, found.role) == ("Daughter", 10, 18, "patient")


def test_speaker_of_never_raises():
    for text in ["my " * 2000, "😀" * 3000, "我的女儿24岁", "\x00", "my son is 9" * 500]:
        speaker_of(text)


def test_a_patient_who_speaks_of_their_health_first_stays_the_patient():
    facts = extract("I have RA. my son is 12")
    assert not fact("I have RA. my son is 12", "rheumatoid_arthritis").family
    assert [f.family for f in facts if f.label == "AGE"] == [True]   # the son's age, not the patient's
    assert speaker_of("I have lupus, my daughter has asthma").speaker == "patient"


def test_a_relative_the_message_goes_on_about_is_the_patient_even_after_the_writers_own_health():
    text = "I have lupus myself and now my daughter (15) has just been diagnosed with dermatomyositis"
    assert fact(text, "sle").family and not fact(text, "dermatomyositis").family
    assert ages(text) == [15]


@pytest.mark.parametrize("text, sex", [("I don't think she has TB", "female"), ("maybe hep C? he used drugs, we never checked", "male")])
def test_a_writer_speaking_of_she_or_he_is_a_relative(text, sex):
    found = speaker_of(text)
    assert (found.speaker, found.relation, found.sex) == ("relative", None, sex)


def test_a_relative_of_unknown_relation_does_not_make_the_writers_words_family():
    assert not fact("I doubt it's TB, she has never been abroad", "tuberculosis").family


def test_a_relative_named_with_her_or_his_is_someone_else_to_the_end_of_the_sentence():
    # a real physician note: the husband's cancer and chemotherapy are not the patient's
    facts = extract("A 46-year-old woman with MDD. Her husband was diagnosed with colon cancer a year ago "
                    "and is undergoing chemotherapy.")
    assert {f.concept: f.family for f in facts if f.label in ("CONDITION", "DRUG")} == {
        "major_depressive_disorder": False, "colorectal_cancer": True, "chemotherapy": True}
    # the patient named nearer keeps the fact hers
    assert [f.family for f in extract("The patient and her husband report that she has had lupus since 2010.")
            if f.label == "CONDITION"] == [False]
    assert [(f.concept, f.family) for f in extract("my daughter has lupus. her husband has psoriasis")
            if f.label == "CONDITION"] == [("sle", False), ("psoriasis", True)]


def test_a_relative_misspelt_is_still_the_patient():
    """A mother's "my daugther is 19, she has lupus" gave no age and spoke to her as the
    patient (the relation words hold the usual misspellings, as "grandaughter" did)."""
    facts = extract("my daugther is 19, she has lupus since she was 14")
    assert any(f.label == "AGE" and f.value == 19 and not f.family for f in facts)
    assert any(f.label == "SEX" and f.concept == "female" for f in facts)
