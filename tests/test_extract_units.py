"""Unit strings normalised to the keys of labs.yaml, and numbers as written."""
import pytest

from nlp.units import normalize_unit, parse_number, unit_candidates


@pytest.mark.parametrize("written, key", [
    ("x10^9/L", "10^9/L"), ("×10⁹/L", "10^9/L"), ("10E9/L", "10^9/L"), ("10*9/L", "10^9/L"),
    ("x 10^9 /L", "10^9/L"), ("G/L", "10^9/L"), ("k/uL", "10^3/uL"), ("K/µL", "10^3/uL"),
    ("10^3/µL", "10^3/uL"), ("/µL", "/uL"), ("/mm3", "/mm3"), ("mg/dl", "mg/dL"),
    ("µmol/L", "umol/L"), ("μmol/l", "umol/L"), ("IU/L", "IU/L"), ("u/l", "U/L"),
    ("mL/min/1.73 m²", "mL/min/1.73m2"), ("%", "%"), ("msec", "ms"), ("lbs", "lbs"),
])
def test_unit_spellings(written, key):
    assert normalize_unit(written) == key


def test_109_per_litre_is_read_as_a_cell_count():
    assert normalize_unit("×109/L") == "10^9/L"


def test_g_per_litre_depends_on_the_analyte():
    assert normalize_unit("g/L", {"g/L": 1, "g/dL": 10}) == "g/L"
    assert normalize_unit("g/L", {"10^9/L": 1}) == "10^9/L"


def test_unknown_units_are_none():
    assert unit_candidates("today") == ()
    assert normalize_unit("furlongs") is None


@pytest.mark.parametrize("written, value", [("1.2", 1.2), ("15,000", 15000), ("1,2", 1.2), ("265", 265)])
def test_numbers(written, value):
    assert parse_number(written) == value
