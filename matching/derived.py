"""Values matching computes from facts: creatinine clearance (Cockcroft–Gault), time since
a date (diagnosis, last dose, an event), and washout windows in elimination half-lives.

Dates in facts may be partial (``2019``, ``2019-03``, ``2019-03-14``); a partial date is a
range of days, so every "time since" here is a range ``(shortest, longest)`` and a window
is decided only when the whole range falls on one side of it.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from core import durations
from data.terminology import Terminology

_ISO = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*$")


def date_range(value: str | None) -> tuple[date, date] | None:
    """The first and last day an ISO date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) may mean;
    None when it cannot be read."""
    if not value:
        return None
    match = _ISO.match(str(value))
    if not match:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        if month is None:
            return date(year, 1, 1), date(year, 12, 31)
        if day is None:
            last = calendar.monthrange(year, month)[1]
            return date(year, month, 1), date(year, month, last)
        exact = date(year, month, day)
        return exact, exact
    except ValueError:
        return None


def days_since(value: str | None, today: date) -> tuple[float, float] | None:
    """(fewest, most) days from the date to ``today``; None when the date cannot be read."""
    span = date_range(value)
    if span is None:
        return None
    earliest, latest = span
    return float((today - latest).days), float((today - earliest).days)


def add_months(start: date, months: float) -> date:
    """``start`` plus a number of calendar months (fractions of a month by ``core.durations``)."""
    whole = int(months)
    index = start.month - 1 + whole
    year, month = start.year + index // 12, index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day) + timedelta(days=round(durations.days(months - whole, "month")))


def at_least_months_ago(value: str | None, months: float, today: date) -> bool | None:
    """True when the date lies at least ``months`` calendar months before ``today``, False
    when it lies less, None when a partial date leaves it open or the date is unreadable."""
    span = date_range(value)
    if span is None:
        return None
    earliest, latest = span
    if add_months(latest, months) <= today:
        return True
    if add_months(earliest, months) > today:
        return False
    return None


def within_days(value: str | None, window: float, today: date) -> bool | None:
    """True when the date lies within ``window`` days before ``today``, False when it lies
    earlier, None when the date's precision leaves it open or it is unreadable."""
    span = days_since(value, today)
    if span is None:
        return None
    fewest, most = span
    if most <= window:
        return True
    if fewest > window:
        return False
    return None


def window_days(days: float) -> str:
    """A window in words: "28 days", "90 days (about 3 months)", "1826 days (about 5 years)"."""
    text = f"{days:g} days"
    if days >= 730:
        return f"{text} (about {durations.in_unit(days, 'year'):.0f} years)"
    if days >= 60:
        return f"{text} (about {durations.in_unit(days, 'month'):.0f} months)"
    return text


# --- creatinine clearance -----------------------------------------------------------------

FEMALE_FACTOR = 0.85


def cockcroft_gault(age_years: float, weight_kg: float, creatinine_mg_dl: float, female: bool) -> float:
    """Creatinine clearance in mL/min: (140 − age) × weight / (72 × creatinine), × 0.85 for women."""
    if creatinine_mg_dl <= 0:
        raise ValueError("creatinine must be positive")
    clearance = (140 - age_years) * weight_kg / (72 * creatinine_mg_dl)
    return clearance * FEMALE_FACTOR if female else clearance


@dataclass
class ClearanceEstimate:
    """Creatinine clearance from Cockcroft–Gault, or what is missing to compute it.

    ``low``/``high`` differ only when sex is unknown (the female and male estimates).
    """

    low: float | None
    high: float | None
    inputs: dict[str, float | str]
    missing: list[str]

    @property
    def known(self) -> bool:
        return self.low is not None

    def describe(self) -> str:
        parts = [f"{k} {v}" for k, v in self.inputs.items()]
        if not self.known:
            return "creatinine clearance cannot be estimated: missing " + ", ".join(self.missing)
        if self.low == self.high:
            value = f"{self.low:.0f} mL/min"
        else:
            value = f"{self.low:.0f}–{self.high:.0f} mL/min (female–male; sex not given)"
        return f"creatinine clearance by Cockcroft–Gault ≈ {value} from " + ", ".join(parts)


def estimate_clearance(age: float | None, weight_kg: float | None, creatinine_mg_dl: float | None,
                       sex: str | None) -> ClearanceEstimate:
    """Cockcroft–Gault from whatever inputs are known; missing inputs are named, in the order
    a question should ask for them."""
    inputs: dict[str, float | str] = {}
    missing: list[str] = []
    for name, value, shown in (
        ("creatinine", creatinine_mg_dl, None if creatinine_mg_dl is None else f"{creatinine_mg_dl:.2f} mg/dL"),
        ("weight", weight_kg, None if weight_kg is None else f"{weight_kg:g} kg"),
        ("age", age, None if age is None else f"{age:g} years"),
    ):
        if value is None:
            missing.append(name)
        else:
            inputs[name] = shown
    if sex in ("female", "male"):
        inputs["sex"] = sex
    if missing or not creatinine_mg_dl or creatinine_mg_dl <= 0:
        return ClearanceEstimate(None, None, inputs, missing or ["creatinine"])
    female = cockcroft_gault(age, weight_kg, creatinine_mg_dl, female=True)
    male = cockcroft_gault(age, weight_kg, creatinine_mg_dl, female=False)
    if sex == "female":
        return ClearanceEstimate(female, female, inputs, [])
    if sex == "male":
        return ClearanceEstimate(male, male, inputs, [])
    return ClearanceEstimate(female, male, inputs, [])


# --- washout in half-lives ------------------------------------------------------------------

@lru_cache(maxsize=1024)
def half_life_window(terminology: Terminology, concept: str, half_lives: float) -> tuple[float, float] | None:
    """(shortest, longest) washout in days for ``half_lives`` half-lives of a drug, or of any
    drug under a class (the class spans its members' half-lives; the longest is infinite
    when a member's half-life is not known). None when no half-life is known at all."""
    own = terminology.get(concept)
    if own is not None and own.attrs.get("half_life_days") is not None:
        days = float(own.attrs["half_life_days"]) * half_lives
        return days, days
    below = [d for d in terminology.descendants(concept) if d != concept]
    parents = {p for d in below for p in terminology[d].parents}
    # the drugs under the class (not sub-classes, not inhaled/topical forms)
    members = [terminology[d] for d in below if d not in parents]
    members = [c for c in members if c.kind == "therapy" and not c.attrs.get("route")]
    known = [float(c.attrs["half_life_days"]) * half_lives for c in members if c.attrs.get("half_life_days") is not None]
    if not known:
        return None
    # a member without a known half-life could wash out later than any known one
    longest = max(known) if len(known) == len(members) else float("inf")
    return min(known), longest
