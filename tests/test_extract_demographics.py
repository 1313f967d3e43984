"""Age, sex, weight, pregnancy and place."""
import pytest

from nlp import extract


def facts(text, *labels):
    return [(f.label, f.text, f.concept, f.value) for f in extract(text) if not labels or f.label in labels]


@pytest.mark.parametrize("text, span", [
    ("I'm 35", "35"), ("35 yo", "35 yo"), ("a 35-year-old", "35-year-old"), ("35 years old", "35 years old"),
    ("aged 35", "aged 35"), ("age: 35", "age: 35")])
def test_age_forms(text, span):
    assert facts(text, "AGE") == [("AGE", span, "age", 35)]


def test_age_with_sex_shorthand():
    assert facts("48 M") == [("AGE", "48", "age", 48), ("SEX", "M", "male", None)]
    assert facts("29F") == [("AGE", "29", "age", 29), ("SEX", "F", "female", None)]


def test_seventeen_year_old_girl():
    assert facts("17-year-old girl") == [("AGE", "17-year-old", "age", 17), ("SEX", "girl", "female", None)]


def test_age_is_not_read_from_other_numbers():
    assert facts("I'm 60 kg", "AGE") == []
    assert facts("I'm 28 weeks pregnant", "AGE") == []
    assert facts("for 6 years", "AGE") == []


def test_implausible_age_is_marked():
    assert extract("aged 150")[0].implausible


def test_weight_in_kg_and_pounds():
    fact = extract("weight 60 kg")[0]
    assert (fact.label, fact.value_normalized, fact.unit_normalized) == ("WEIGHT", 60, "kg")
    assert extract("I weigh 132 lbs")[0].value_normalized == pytest.approx(59.9, abs=0.1)


def test_pregnancy_states():
    assert [(f.concept, f.negated) for f in extract("not pregnant, not breastfeeding")] == [
        ("pregnant", True), ("lactating", True)]
    assert [f.concept for f in extract("we are trying to conceive")] == ["planning"]
    assert [f.concept for f in extract("planning a pregnancy next year")] == ["planning"]
    assert [f.concept for f in extract("she is lactating")] == ["lactating"]


def test_location_as_written():
    assert facts("I live in Hangzhou", "LOCATION") == [("LOCATION", "Hangzhou", "Hangzhou", None)]
    assert facts("near Shenyang", "LOCATION") == [("LOCATION", "Shenyang", "Shenyang", None)]
    assert facts("we are from Beijing", "LOCATION") == [("LOCATION", "Beijing", "Beijing", None)]
    assert facts("i live in hangzhou", "LOCATION") == [("LOCATION", "hangzhou", "hangzhou", None)]


def test_not_a_place():
    assert facts("from Monday on", "LOCATION") == []
    assert facts("switched from CellCept", "LOCATION") == []


def test_a_negative_age_keeps_its_sign_and_is_implausible():
    from nlp import extract

    (age,) = [f for f in extract("Patient is -5 years old") if f.label == "AGE"]
    assert age.value == -5 and age.implausible
    (age,) = [f for f in extract("a 35-year-old woman") if f.label == "AGE"]
    assert age.value == 35 and not age.implausible


def test_a_date_of_birth_gives_the_age_on_the_day_of_the_message():
    """Referral letters give a date of birth, not an age ("DOB 03/1979"): the age is worked
    out against the message's day; a day/month order or a year alone that allows two ages
    is uncertain (a limit of 18 may fall between them); the date dates no illness."""
    from datetime import date

    from nlp import extract

    today = date(2026, 12, 2)

    def age(text):
        found = [f for f in extract(text, today=today) if f.label == "AGE"]
        assert len(found) == 1, found
        return found[0].value, found[0].uncertain

    assert age("Re: Ms R.T., DOB 03/1979. Diffuse cutaneous systemic sclerosis") == (47.0, False)
    assert age("d.o.b. 1979-03-12, lupus") == (47.0, False)
    assert age("Date of birth: 25/12/2001") == (24.0, False)
    assert age("Date of birth: 12/03/1979") == (46.0, True)       # 12 March (47) or 3 December (46)
    assert age("she was born in 2008, lupus since 2021") == (17.0, True)
    lupus = [f for f in extract("d.o.b. 1979-03-12, lupus", today=today) if f.label == "CONDITION"][0]
    assert lupus.date is None
    assert not [f for f in extract("her son was born in 2019", today=today) if f.label == "AGE"]


def test_an_age_at_an_event_is_not_the_patients_age():
    # a real note: "A 53-year-old man ... inguinal hernia surgery when he was 20 years old"
    facts = extract("A 53-year-old man. His past medical history is only significant for inguinal hernia "
                    "surgery when he was 20 years old.")
    assert [f.value for f in facts if f.label == "AGE"] == [53]


@pytest.mark.parametrize("text, place", [
    ("We are in Glasgow. Is there a CAR-T trial he could join?", "Glasgow"), ("I'm in Leeds and have lupus", "Leeds"),
    ("we are in New York", "New York"),
])
def test_being_in_a_place_is_where_the_patient_is(text, place):
    assert [f.concept for f in extract(text) if f.label == "LOCATION"] == [place]


@pytest.mark.parametrize("text", ["we are in remission", "I am in pain", "She is in ICU", "we are in March"])
def test_being_in_a_state_is_no_place(text):
    assert not [f for f in extract(text) if f.label == "LOCATION"]


@pytest.mark.parametrize("text, place", [
    ("I am 51 years, woman, from Poland living in Dublin. I have scleroderma", "Dublin"),
    ("originally from Italy but we live in Manchester now", "Manchester"),
    ("we are from Leeds, my son has T-ALL", "Leeds"),          # where they come from, when nothing else is said
    ("She is from Nigeria and is based in London", "London"),
])
def test_where_someone_comes_from_gives_way_to_where_they_live(text, place):
    assert [f.concept for f in extract(text) if f.label == "LOCATION"] == [place]
