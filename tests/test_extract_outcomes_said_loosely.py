"""Treatment outcomes as people write them (issue #13, lead, from chats as a mother, a wife
and a patient on the real records): a list closed by "none/nothing" and an outcome with any
adverb between, even misspelt ("none realy worked" had made the last drug *never taken*),
an outcome after a clause saying the drug is still taken, "hasn't stopped the
progression", "lost effect". The same words without their "not" say no failure."""
from datetime import date

import pytest

from assertion_helpers import mentions

TODAY = date(2026, 12, 3)


def of(text, concept):
    return mentions(text, concept, TODAY)[0]


@pytest.mark.parametrize("text, concept", [
    ("they tried high dose steroids, IVIG, tacrolimus and then rituximab, none realy worked.", "rituximab"),
    ("they tried high dose steroids, IVIG, tacrolimus and then rituximab, none realy worked.", "tacrolimus"),
    ("shes had steroids, IVIG, rituximab and eltrombopag, nothing lasted.", "eltrombopag"),
    ("tried tacrolimus and rituximab, none of it really helped", "tacrolimus"),
    ("azathioprine and mtx, neither ever worked", "azathioprine"),
    ("humira, but none of it really helped", "adalimumab"),
    ("tocilizumab helped but lost effect after a year", "tocilizumab"),
    ("mtx has not slowed the fibrosis", "methotrexate"),
    ("He failed azathioprine and lost response to infliximab and adalimumab", "infliximab"),   # a forward cue
])
def test_an_outcome_closing_a_list_or_said_loosely_is_a_failure_never_a_negation(text, concept):
    fact = of(text, concept)
    assert fact.status == "failed" and not fact.negated, (text, fact)


@pytest.mark.parametrize("text, concept", [
    ("stelara which she is still on but its not really controling it", "ustekinumab"),
    ("I have been on mycophenolate since 2023 and it hasnt stopped the progression", "mycophenolate"),
    ("on mycophenolate since 2023 but it hasn't stopped the progression", "mycophenolate"),
])
def test_still_taken_and_not_working_is_a_failure_not_a_past_treatment(text, concept):
    fact = of(text, concept)
    assert fact.status == "failed" and not fact.historical and not fact.negated, (text, fact)


@pytest.mark.parametrize("text, concept, status", [
    ("stelara which she is still on", "ustekinumab", "current"),
    ("stelara which she is still on and it is controlling it", "ustekinumab", "current"),
    ("mtx did control the disease", "methotrexate", None),
    ("on mycophenolate since 2023 and it has stopped the progression", "mycophenolate", "current"),
])
def test_the_same_words_without_their_not_say_no_failure(text, concept, status):
    assert of(text, concept).status == status
