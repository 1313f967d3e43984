"""Implausible values are questioned, not silently used.

Extraction marks a value it cannot trust ``implausible`` ("platelets 15000" has no unit,
and 15000 ×10⁹/L is not a platelet count; "aged 150"; "ECOG 7") and leaves it without a
normalised value, so matching never uses it. The engine then asks about it at once:
``confirmation(fact, ...)`` builds that question. For a lab value it offers the readings
that would be plausible, from the analyte's units and plausible range in
data/terminology/labs.yaml ("did you mean 15,000/µL (= 15 ×10⁹/L)?"); a typed answer
with a unit is read by matching's own question for the key (``confirm:lab:platelets``,
``confirm:age``, ``confirm:score:ecog``), so the answer form is the one matching uses.
The key is matching's key too: a question left open here is not asked again there.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any, Callable

from bot.texts import Texts, normalise
from data.terminology import Terminology, load_terminology
from core.facts import Fact

MAX_READINGS = 3


@dataclass(frozen=True)
class Reading:
    """One plausible reading of a value: the unit it would be in, the value in the
    analyte's canonical unit, and the option text shown."""

    unit: str
    canonical: float
    label: str


def confirm_key(fact: Fact) -> str | None:
    """The question key that confirms an implausible fact (matching's keys), or None when
    no question can (an implausible fact of another kind stays unused)."""
    if not fact.implausible or not fact.concept:
        return None
    if fact.label == "LAB":
        return f"confirm:lab:{fact.concept}"
    if fact.label == "SCORE":
        return f"confirm:score:{fact.concept}"
    if fact.label == "AGE":
        return "confirm:age"
    return None


def readings(fact: Fact, texts: Texts, terminology: Terminology | None = None) -> list[Reading]:
    """The plausible readings of a lab value written without a usable unit (or with one
    that makes it implausible): each unit the analyte is measured in that turns the
    number into a plausible value, one per distinct value, at most ``MAX_READINGS``."""
    if fact.label != "LAB" or fact.value is None or fact.uln_multiple is not None:
        return []
    term = terminology or load_terminology()
    concept = term.get(fact.concept)
    if concept is None:
        return []
    units = concept.attrs.get("units") or {}
    low, high = (concept.attrs.get("plausible") or (None, None))[:2]
    canonical_unit = concept.attrs.get("canonical_unit") or ""
    found: list[Reading] = []
    for unit, factor in units.items():
        try:
            value = float(fact.value) * float(factor)
        except (TypeError, ValueError, OverflowError):
            continue
        if low is None or high is None or not math.isfinite(value) or not low <= value <= high:
            continue
        if any(_same(value, r.canonical) for r in found):
            continue
        shown = _quantity(fact.value, texts.unit(unit))
        if unit != canonical_unit and not _same(float(factor), 1.0):
            shown += f" (= {_quantity(value, texts.unit(canonical_unit))})"
        found.append(Reading(unit, value, shown))
        if len(found) == MAX_READINGS:
            break
    return found


@dataclass
class ConfirmQuestion:
    """A question about one implausible value, in the shape the engine asks any question
    (key, both wordings, form, options, unit, ``answer_to_facts``)."""

    key: str
    patient: str
    clinician: str
    fact: Fact
    form: str = "number"
    options: list[str] = field(default_factory=list)
    unit: str | None = None
    readings: list[Reading] = field(default_factory=list)
    base: Any = None          # matching's Question for the key (reads typed answers)
    shown_units: dict[str, str] = field(default_factory=dict)
    unsure: str | None = None     # the "Not sure" option's label
    zh_patient: str | None = None     # the wordings and options in Chinese (data/bot_texts.yaml zh)
    zh_clinician: str | None = None
    zh_options: list[str] = field(default_factory=list)

    def answer_to_facts(self, text: str, today: Any = None) -> list[Fact] | None:
        """A pressed reading gives the fact with that reading; anything else is read by
        matching's question (None: not sure; []: not understood)."""
        wanted = normalise(text)
        if self.unsure and wanted == normalise(self.unsure):
            return None
        for reading in self.readings:
            if normalise(reading.label) == wanted:
                canonical_unit = load_terminology().canonical_unit(self.fact.concept)
                return [replace(self.fact, unit=self.shown_units.get(reading.unit, reading.unit),
                                value_normalized=reading.canonical, unit_normalized=canonical_unit,
                                implausible=False)]
        if self.base is None:
            return []
        if today is not None:
            return self.base.answer_to_facts(text, today=today)
        return self.base.answer_to_facts(text)


def confirmation(fact: Fact, texts: Texts, build: Callable[[str], Any] | None) -> ConfirmQuestion | None:
    """The question confirming ``fact`` (implausible), or None when none applies."""
    key = confirm_key(fact)
    if key is None:
        return None
    base = build(key) if build is not None else None
    found = readings(fact, texts)
    term = load_terminology()
    label = term.label(fact.concept) if fact.concept in term else fact.concept
    values = {"label": label, "value": _written(fact)}
    zh_names = getattr(term.get(fact.concept), "zh", ()) if fact.concept in term else ()
    zh_values = {**values, "label": zh_names[0] if zh_names else label}
    if found:
        values["readings"] = texts.phrase("or_separator").join(r.label for r in found)
        zh_values["readings"] = texts.phrase("or_separator", "zh").join(r.label for r in found)
        patient = texts.text("confirm_reading", "patient").format(**values)
        clinician = texts.text("confirm_reading", "clinician").format(**values)
        zh_patient = texts.text("confirm_reading", "patient", "zh").format(**zh_values)
        zh_clinician = texts.text("confirm_reading", "clinician", "zh").format(**zh_values)
    elif base is not None:
        patient, clinician = base.patient, base.clinician
        zh_patient, zh_clinician = getattr(base, "zh_patient", None), getattr(base, "zh_clinician", None)
    else:
        patient = texts.text("confirm_value", "patient").format(**values)
        clinician = texts.text("confirm_value", "clinician").format(**values)
        zh_patient = texts.text("confirm_value", "patient", "zh").format(**zh_values)
        zh_clinician = texts.text("confirm_value", "clinician", "zh").format(**zh_values)
    unsure = texts.label("unsure")
    options = [r.label for r in found] + ([unsure] if found else [])
    zh_options = [r.label for r in found] + ([texts.label("unsure", "zh")] if found else [])
    return ConfirmQuestion(key=key, patient=patient, clinician=clinician, fact=fact,
                           form=getattr(base, "form", "number") or "number", options=options,
                           unit=getattr(base, "unit", None), readings=found, base=base,
                           shown_units={r.unit: texts.unit(r.unit) for r in found}, unsure=unsure,
                           zh_patient=zh_patient, zh_clinician=zh_clinician, zh_options=zh_options)


def _written(fact: Fact) -> str:
    value = _num(fact.value) if fact.value is not None else (fact.text or "")
    unit = f" {fact.unit}" if fact.unit else ""
    return f"{fact.comparator or ''}{value}{unit}"


def _quantity(value: float, unit: str) -> str:
    """15000 and "/µL" -> "15,000/µL"; 15 and "×10⁹/L" -> "15 ×10⁹/L"."""
    if not unit:
        return _num(value)
    return f"{_num(value)}{'' if unit.startswith('/') else ' '}{unit}"


def _num(value: float) -> str:
    """15000 -> "15,000"; 1.13120 -> "1.13"; 0.015 -> "0.015"."""
    number = float(value)
    if not math.isfinite(number) or abs(number) >= 1e9:
        return f"{number:.3g}"
    if abs(number) >= 1000:
        return f"{number:,.0f}" if number == int(number) else f"{number:,.1f}"
    return f"{number:.3g}"


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
