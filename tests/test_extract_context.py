"""Context flags from medspaCy ConText: negated, family, hypothetical, historical, uncertain."""
import pytest

from nlp import extract


def flags(text, concept):
    fact = next(f for f in extract(text) if f.concept == concept)
    return {name for name in ("negated", "family", "hypothetical", "historical", "uncertain") if getattr(fact, name)}


def test_negation():
    assert flags("denies seizures", "epilepsy") == {"negated"}
    assert flags("no history of stroke", "stroke") == {"negated"}
    # "never had" speaks about all of the past: negated and historical
    assert flags("She has never had cancer", "malignancy") == {"negated", "historical"}


def test_negation_stops_at_but():
    assert flags("no fever but she has lupus", "sle") == set()


def test_family_history_is_not_the_patient():
    # a parent's "had" is of the past, as "my mother had lupus" always read (h130, round 28)
    assert flags("mother had lupus", "sle") == {"family", "historical"}
    assert flags("lupus runs in my family", "sle") == {"family"}


def test_family_scope_ends_where_the_patient_speaks():
    assert flags("my sister has RA and I have scleroderma", "systemic_sclerosis") == set()


def test_hypothetical():
    assert flags("if rituximab fails they want to try CAR-T", "car_t") == {"hypothetical"}
    assert flags("my doctor wants to start belimumab next month", "belimumab") == {"hypothetical"}


def test_historical():
    assert flags("history of seizures", "epilepsy") == {"historical"}
    assert flags("i had seizures as a child", "epilepsy") == {"historical"}


def test_uncertain():
    assert flags("possible dermatomyositis", "dermatomyositis") == {"uncertain"}
    assert flags("suspected anti-synthetase syndrome", "antisynthetase_syndrome") == {"uncertain"}


def test_asserted_property():
    fact = extract("mother had lupus")[0]
    assert not fact.asserted


@pytest.mark.parametrize("text, negated, asserted", [
    # a negation does not leak over a comma onto the diagnosis (a false exclusion)
    ("No HIV, lupus since 2015", {"hiv"}, {"sle"}),
    ("34F, not pregnant and not breastfeeding, lupus", {"pregnant", "lactating"}, {"sle"}),
    ("no history of cancer, SLE diagnosed 2010", {"malignancy"}, {"sle"}),
    ("denies seizures, has lupus", {"epilepsy"}, {"sle"}),
    # lists keep their negation: "or" lists forwards, any list backwards
    ("No HIV, HBV or HCV", {"hiv", "hbv", "hcv"}, set()),
    ("no seizures, stroke, or head injury", {"epilepsy", "stroke", "head_trauma"}, set()),
    ("HBsAg, anti-HCV and HIV negative", {"hbsag", "anti_hcv", "hiv"}, set()),
])
def test_negation_scope_stops_at_a_comma_but_follows_a_list(text, negated, asserted):
    facts = extract(text)
    assert {f.concept for f in facts if f.negated} == negated
    assert asserted <= {f.concept for f in facts if not f.negated}
