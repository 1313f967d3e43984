"""Derived values: Cockcroft–Gault, time since a (partial) date, half-life windows."""
from datetime import date

import pytest

from data.terminology import load_terminology
from matching.derived import (
    at_least_months_ago, cockcroft_gault, date_range, days_since, estimate_clearance, half_life_window,
    within_days,
)

TODAY = date(2026, 3, 15)


def test_cockcroft_gault_for_a_man_and_a_woman():
    # (140 - 40) * 70 / (72 * 1.0) = 97.2
    assert cockcroft_gault(40, 70, 1.0, female=False) == pytest.approx(97.22, abs=0.01)
    assert cockcroft_gault(40, 70, 1.0, female=True) == pytest.approx(97.22 * 0.85, abs=0.01)


def test_cockcroft_gault_rejects_a_zero_creatinine():
    with pytest.raises(ValueError):
        cockcroft_gault(40, 70, 0, female=False)


def test_clearance_estimate_names_missing_inputs_in_asking_order():
    estimate = estimate_clearance(age=None, weight_kg=None, creatinine_mg_dl=None, sex=None)
    assert not estimate.known
    assert estimate.missing == ["creatinine", "weight", "age"]


def test_clearance_estimate_without_sex_spans_female_to_male():
    estimate = estimate_clearance(40, 70, 1.0, None)
    assert estimate.low == pytest.approx(82.6, abs=0.1)
    assert estimate.high == pytest.approx(97.2, abs=0.1)
    assert "sex not given" in estimate.describe()


def test_partial_dates_are_ranges():
    assert date_range("2019") == (date(2019, 1, 1), date(2019, 12, 31))
    assert date_range("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert date_range("2024-02-10") == (date(2024, 2, 10), date(2024, 2, 10))
    assert date_range("last spring") is None
    assert date_range("2024-13") is None


def test_days_since_a_month_is_a_range():
    assert days_since("2026-02", TODAY) == (15.0, 42.0)


def test_at_least_months_ago_with_exact_and_partial_dates():
    assert at_least_months_ago("2025-09-15", 6, TODAY) is True
    assert at_least_months_ago("2025-09-16", 6, TODAY) is False
    assert at_least_months_ago("2025-09", 6, TODAY) is None   # 1–30 Sep straddles 15 Sep
    assert at_least_months_ago("2015", 6, TODAY) is True
    assert at_least_months_ago(None, 6, TODAY) is None


def test_within_days_decides_only_when_the_whole_range_agrees():
    assert within_days("2026-03-01", 28, TODAY) is True
    assert within_days("2026-01-01", 28, TODAY) is False
    assert within_days("2026-02", 28, TODAY) is None
    assert within_days("2020", 28, TODAY) is False


def test_half_life_window_of_a_drug_and_of_a_class():
    term = load_terminology()
    assert half_life_window(term, "rituximab", 5) == (110.0, 110.0)
    shortest, longest = half_life_window(term, "biologic", 5)
    assert shortest == pytest.approx(1.25)      # anakinra 0.25 d
    assert longest == float("inf")              # telitacicept has no known half-life
    assert half_life_window(term, "danazol", 5) is None
