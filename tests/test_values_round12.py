"""Values, drug names and places as people write them (issue #13, round 12)."""
import pytest

from bot.answering import _place_name
from bot.geo import nearest_site
from bot.geo_names import SitePlaces, country_of
from criteria_helpers import parse, verdict
from nlp.pipeline import extract


def _one(text, label, concept=None):
    found = [f for f in extract(text) if f.label == label and (concept is None or f.concept == concept)]
    assert found, f"no {label} {concept} in {text!r}"
    return found[0]


@pytest.mark.parametrize("text, value", [
    ("my daughter has lupus, shes losing 2 grams of protein in her urine a day", 2.0),
    ("about 300mg of protein in 24h on the last collection", 0.3),
    ("300 mg protein a day", 0.3),
])
def test_an_amount_before_the_analyte_is_its_value(text, value):
    fact = _one(text, "LAB", "urine_protein_24h")
    assert fact.value_normalized == pytest.approx(value)


def test_protein_in_the_urine_without_an_amount_stays_the_finding():
    assert {f.concept for f in extract("there is still protein in her urine")} == {"proteinuria"}


@pytest.mark.parametrize("text, concept, value", [
    ("hb of about 7 point 5 they said", "hemoglobin", 7.5),
    ("his haemoglobin was 8 point 2 on monday", "hemoglobin", 8.2),
    ("her platelets were 12 thousand last week", "platelets", 12),
])
def test_a_value_said_in_words(text, concept, value):
    assert _one(text, "LAB", concept).value == value


@pytest.mark.parametrize("text", ["ITP in remission, plt 150+ on no treatment.", "my platelets have been 150k+ since"])
def test_a_plus_after_a_count_is_at_least(text):
    fact = _one(text, "LAB", "platelets")
    assert (fact.comparator, fact.value_normalized) == (">=", 150)


def test_a_plus_after_a_dipstick_analyte_is_a_grade_not_an_amount():
    assert not any(f.label == "LAB" and f.value is not None for f in extract("proteinuria 2+"))
    assert not any(f.label == "LAB" and f.value is not None for f in extract("Urine dip: protein 3+"))


@pytest.mark.parametrize("text, concept", [
    ("im on bactrim to stop pneumonia", "co_trimoxazole"),
    ("Previously Septrin, now dapsone", "co_trimoxazole"),
    ("tmp/smx prophylaxis", "co_trimoxazole"),
    ("my mum was given co-amoxiclav for a chest infection", "co_amoxiclav"),
    ("had augmentin for a tooth infection", "co_amoxiclav"),
    ("treated with IV Zosyn then meropenem", "piperacillin_tazobactam"),
    ("On piperacillin-tazobactam day 3", "piperacillin_tazobactam"),
    ("they put him on tazocin in hospital", "piperacillin_tazobactam"),
])
def test_combination_antibiotics_are_one_drug(text, concept):
    drugs = {f.concept for f in extract(text) if f.label == "DRUG"}
    assert concept in drugs
    assert not drugs & {"amoxicillin", "trimethoprim", "piperacillin"}


@pytest.mark.parametrize("text, drug", [
    ("romiplostim since 2023 but platelets persistently 10-20", "romiplostim"),
    ("ITP. Eltrombopag 75mg for 6 months, platelets remain <20.", "eltrombopag"),
    ("been on rituximab and still my platelets are 15", "rituximab"),
    ("on MMF for a year, her proteinuria is still 3 grams", "mycophenolate"),
    ("platelets still 20 despite eltrombopag", "eltrombopag"),
])
def test_a_value_that_persists_after_a_treatment_fails_it(text, drug):
    assert _one(text, "DRUG", drug).status == "failed"


@pytest.mark.parametrize("text, drug", [
    ("romiplostim since 2023, platelets now 120", "romiplostim"),      # a response
    ("on eltrombopag, platelets 20", "eltrombopag"),                   # no word that it persists
    ("on MMF for a year, her proteinuria is still 0.4 g", "mycophenolate"),
    ("my sister is on eltrombopag, my platelets are still 15", "eltrombopag"),
])
def test_no_failure_without_a_persisting_value_past_the_bound(text, drug):
    assert _one(text, "DRUG", drug).status != "failed"


def test_refractory_criterion_reads_the_failure_in_numbers():
    rule = parse("Refractory to romiplostim", "inclusion")
    assert verdict(rule, "ITP, romiplostim since 2023 but platelets persistently 10-20") == "true"


@pytest.mark.parametrize("text, place", [
    ("netherlands", "netherlands"), ("uk", "uk"), ("near leeds", "leeds"),
    ("I'm in the UK, is there anything for me", "UK"), ("hes in the US, texas", "US"),
    ("we live in the Netherlands", "Netherlands"),
])
def test_a_place_typed_alone_or_after_in(text, place):
    assert _one(text, "LOCATION").text == place


@pytest.mark.parametrize("text", ["I am in pain", "she is in remission", "in the hospital now", "with us in clinic"])
def test_no_place_without_a_known_name(text):
    assert not any(f.label == "LOCATION" for f in extract(text))


def test_without_the_geo_extra_a_country_alias_finds_the_sites_country():
    sites = [{"city": "Phoenix", "region": "Arizona", "country": "United States"},
             {"city": "Leeds", "country": "United Kingdom"}]
    assert nearest_site("uk", sites).site["city"] == "Leeds"
    assert nearest_site("the states", sites).site["city"] == "Phoenix"
    assert nearest_site("Netherlands", sites) is None        # no site there: nothing guessed
    assert country_of("Holland") == "Netherlands"


def test_the_sites_own_places_name_a_bare_reply():
    places = SitePlaces([{"sites": [{"city": "Leeds", "country": "United Kingdom"}]}])
    assert places.name_for("leeds") == "Leeds"
    assert places.name_for("uk") == "United Kingdom"
    assert places.name_for("leeeds") is None                # never approximately
    assert _place_name("uk", None, said=[], declined=False, names=places) == "United Kingdom"
    assert _place_name("Springfield", None, said=[], declined=False, names=places) == "Springfield"
