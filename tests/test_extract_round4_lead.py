"""Treatment outcomes, reasons for stopping and resolved problems as people and letters put
them (issue #13, lead, seventh session, from chats and letters on the real records): "tried
A, B and C but his muscles still weak", "no meaningful response", "with ongoing decline",
"not doing much", "stopped X because her liver numbers went up", "discontinued due to
recurrent infections", "no prior rituximab", "GVHD, resolved", "weight loss 20 pounds"."""
from datetime import date

import pytest

from assertion_helpers import of
from nlp import extract

TODAY = date(2026, 12, 3)


@pytest.mark.parametrize("text, concept", [
    ("he has tried prednisone, methotrexate and IVIG but his muscles still weak", "ivig"),
    ("he has tried prednisone, methotrexate and IVIG but his muscles still weak", "methotrexate"),
    ("received 6 cycles of IV cyclophosphamide in 2023 with ongoing decline", "cyclophosphamide"),
    ("Rituximab 2 courses in 2024, no meaningful response.", "rituximab"),
    ("Tried tacrolimus for a year with no real improvement", "tacrolimus"),
])
def test_a_treatment_followed_by_no_improvement_failed(text, concept):
    fact = of(text, concept)
    assert fact.status == "failed" and not fact.negated, (text, fact)


@pytest.mark.parametrize("text, concept", [
    ("she is on tofacitinib now but still has bloody diarrhoea", "tofacitinib"),
    ("she's been on benlysta for a year, her doctor says its not doing much", "belimumab"),
])
def test_still_taken_but_not_working_is_a_failure(text, concept):
    fact = of(text, concept)
    assert fact.status == "failed" and not fact.negated and not fact.historical, (text, fact)


@pytest.mark.parametrize("text, concept", [
    ("we stopped the methotrexate because her liver numbers went up", "methotrexate"),
    ("Tocilizumab was discontinued after 3 months due to recurrent infections.", "tocilizumab"),
    ("azathioprine was stopped because her white count dropped", "azathioprine"),
])
def test_stopped_because_of_a_harm_is_intolerance(text, concept):
    assert of(text, concept).status == "intolerant", text


def test_infections_that_stopped_a_drug_are_not_an_active_infection():
    facts = extract("Tocilizumab was discontinued after 3 months due to recurrent infections.", today=TODAY)
    assert not [f for f in facts if f.label == "INFECTION" and f.concept == "active_infection"
                and not (f.historical or f.negated)]


def test_no_prior_treatment_is_never_taken():
    fact = of("no prior rituximab", "rituximab")
    assert fact.negated and fact.historical


def test_a_resolved_problem_is_past():
    fact = of("Mild skin GVHD, resolved, off ciclosporin since 05/2026.", "gvhd")
    assert fact.historical or fact.negated


def test_a_weight_change_is_no_weight():
    facts = extract("75 yo M presented with weight loss 20 pounds over last several weeks", today=TODAY)
    assert not [f for f in facts if f.label == "WEIGHT"]

