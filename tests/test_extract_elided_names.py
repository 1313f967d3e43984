"""Names that share their head word with the one before ("hepatitis B and C negative"):
a referral letter's serology line names hepatitis C too, with the same assertion."""
from __future__ import annotations

import pytest

from assertion_helpers import concepts, of


@pytest.mark.parametrize("text", ["HIV, hepatitis B and C negative.", "Hepatitis B and C serology negative",
                                  "no hep B or C", "negative for hepatitis B and C", "hepatitis B/C negative"])
def test_the_second_name_of_a_shared_head_is_read_with_the_same_assertion(text):
    assert of(text, "hbv").negated and of(text, "hcv").negated


def test_a_present_pair_stays_present():
    fact = of("chronic hepatitis B and C infection, on treatment", "hcv")
    assert not fact.negated


@pytest.mark.parametrize("text", ["lupus nephritis and arthritis", "hepatitis B and CMV negative",
                                  "hepatitis B and a clear chest"])
def test_only_a_short_last_word_that_makes_a_term_with_the_head(text):
    assert not {"hcv", "hav"} & concepts(text)


@pytest.mark.parametrize("text", ["He received UKALL 2011 induction then nelarabine",
                                  "AIEOP-BFM ALL 2017 protocol, relapsed in 2023"])
def test_a_year_in_a_protocols_name_is_not_when_it_was_given(text):
    assert of(text, "chemotherapy").date is None


def test_a_year_after_a_drug_or_disease_still_dates_it():
    assert of("rituximab 2019, MMF 2015-2018", "rituximab").date == "2019"
    assert of("had AML 2019", "aml").date == "2019"
    assert of("treated on UKALL 2003 protocol in 2015", "chemotherapy").date == "2015"
