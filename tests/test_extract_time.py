"""Time: dates and durations attached to the fact they belong to, anchored at ``today``."""
from datetime import date

import pytest

from nlp import extract

TODAY = date(2025, 6, 1)


def when(text):
    return [(f.concept, f.date, f.duration_days) for f in extract(text, today=TODAY) if f.date or f.duration_days]


def test_diagnosis_year():
    assert when("diagnosed with SLE in 2015") == [("sle", "2015", None)]
    assert when("In 2018 I was diagnosed with scleroderma") == [("systemic_sclerosis", "2018", None)]


def test_since_and_iso_dates():
    assert when("lupus since 2010") == [("sle", "2010", None)]
    assert when("UC since 2010ish") == [("ulcerative_colitis", "2010", None)]       # hedged years
    assert when("lupus since about 2015") == [("sle", "2015", None)]
    assert when("polymyositis diagnosed 2021-03") == [("polymyositis", "2021-03", None)]
    assert when("on haemodialysis since March 2024") == [("dialysis", "2024-03", None)]


def test_durations():
    assert when("ulcerative colitis for 8 years") == [("ulcerative_colitis", None, 2922.0)]


def test_relative_times_use_today():
    assert when("last dose of rituximab 2 months ago") == [("rituximab", "2025-04-01", None)]
    assert when("stopped prednisone 3 weeks ago") == [("prednisone", "2025-05-11", None)]
    assert when("Still's disease diagnosed 2 years ago") == [("adult_onset_stills_disease", "2023-06", None)]


def test_cue_word_picks_the_fact():
    assert when("Still's disease diagnosed 2 years ago, on anakinra now") == [
        ("adult_onset_stills_disease", "2023-06", None)]
    assert when("diagnosed with lupus in 2015 and started MMF in 2016") == [
        ("sle", "2015", None), ("mycophenolate", "2016", None)]


def test_future_years_are_not_dates():
    assert when("lupus since 2099") == []


def test_since_an_age_gives_how_long_with_the_patients_age():
    """"17, dermatomyositis since she was 14": 3 years (a relative's wording); without the
    patient's age, or with two ages, no duration is guessed."""
    facts = extract("my daughter (17) has dermatomyositis since she was 14")
    assert [round(f.duration_days / 365.25) for f in facts if f.label == "CONDITION"] == [3]
    facts = extract("I am 40, lupus since the age of 25")
    assert [f.value for f in facts if f.label == "AGE"] == [40]
    assert [round(f.duration_days / 365.25) for f in facts if f.label == "CONDITION"] == [15]
    assert [f.duration_days for f in extract("lupus since age 12") if f.label == "CONDITION"] == [None]


def test_a_duration_written_right_after_the_illness_is_its_duration():
    facts = extract("hi im 61 with rheumatoid arthritis 20 yrs. been thru mtx")
    assert [round(f.duration_days / 365.25) for f in facts if f.label == "CONDITION"] == [20]
    assert [f.value for f in facts if f.label == "AGE"] == [61]
    # only the mention right before it: never an age, never a dose
    assert all(f.duration_days is None for f in extract("she is 24 years old, lupus"))
    assert [f.duration_days for f in extract("prednisone 10 mg daily") if f.label == "DRUG"] == [None]


@pytest.mark.parametrize("text, expected", [
    ("diagnosed with dermatomyositis last year", "2025"), ("lupus since the previous year", "2025"),
    ("rituximab in the past year", "2025-12"),     # "past year": the last twelve months
])
def test_last_year_is_the_calendar_year_before(text, expected):
    [fact] = [f for f in extract(text, today=date(2026, 12, 3)) if f.label in ("CONDITION", "DRUG")]
    assert fact.date == expected
