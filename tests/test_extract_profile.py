"""A patient profile merged across messages, each fact keeping its message id."""
from datetime import date

from nlp.pipeline import profile_from_messages


def test_profile_merges_messages_and_keeps_sources():
    profile = profile_from_messages([
        ("m1", "I'm 34 and have lupus"),
        ("m2", "tried cellcept, didn't work"),
        ("m3", "creatinine 265 umol/L"),
    ], today=date(2025, 6, 1))
    assert profile.age == 34
    assert {(f.concept, f.source) for f in profile.facts} == {
        ("age", "m1"), ("sle", "m1"), ("mycophenolate", "m2"), ("creatinine", "m3")}
    assert round(profile.lab("creatinine").value_normalized, 1) == 3.0


def test_a_later_message_corrects_an_earlier_one():
    profile = profile_from_messages([("m1", "I'm 34"), ("m2", "sorry, I'm 43")])
    assert profile.age == 43
    assert profile.first("AGE").source == "m2"


def test_empty_messages_give_an_empty_profile():
    assert profile_from_messages([("m1", ""), ("m2", "   ")]).facts == []
