"""The one duration table: how many days a unit of time is, for everything that reads or
compares times (extraction's "3 months ago", the criteria's "within 3 months", registry
ages "6 Months", derived dates and what the bot says). A month is a twelfth of a Julian
year, so "3 months ago" and "within 3 months" meet on the same day."""
from __future__ import annotations

DAYS = {
    "minute": 1 / 1440,
    "hour": 1 / 24,
    "day": 1.0,
    "week": 7.0,
    "month": 365.25 / 12,      # 30.4375
    "year": 365.25,
    "decade": 3652.5,
}


def days(value: float, unit: str) -> float:
    """``value`` units in days (``unit`` one of ``DAYS``)."""
    return value * DAYS[unit]


def years(value: float, unit: str) -> float:
    """``value`` units in years."""
    return value * DAYS[unit] / DAYS["year"]


def in_unit(day_count: float, unit: str) -> float:
    """A number of days in ``unit``s."""
    return day_count / DAYS[unit]
