"""One duration table (core/durations.py): what the text says "3 months ago" and what a
criterion says "within 3 months" meet on the same day, and registry ages read alike."""
from datetime import date

from core.durations import DAYS, days, years
from nlp.criteria.parser import parse_criterion
from nlp.pipeline import extract
from registry.page_fields import _to_years


def test_a_month_is_a_twelfth_of_a_year_everywhere():
    assert DAYS["month"] * 12 == DAYS["year"] == 365.25
    assert days(3, "month") == 91.3125 and years(6, "month") == 0.5


def test_within_three_months_reaches_exactly_as_far_as_three_months_ago():
    rule = parse_criterion("Received rituximab within 3 months prior to screening", "exclusion")
    assert rule["within_days"] == int(days(3, "month"))          # 91: never further back than the text
    today = date(2026, 6, 1)
    [fact] = [f for f in extract("stopped rituximab 3 months ago", today=today) if f.concept == "rituximab"]
    assert (today - date.fromisoformat(fact.date)).days == int(days(3, "month"))


def test_registry_ages_in_months_weeks_and_days():
    assert _to_years("6", "Months") == 0.5
    assert _to_years("3", "m") == 0.25
    assert _to_years("28", "Days") == round(28 / 365.25, 3)
