"""Unit strings and numbers as people write them, normalised to the unit keys of
``data/terminology/labs.yaml``.

The character folding (micro signs, superscripts, powers of ten) is code; which spelling
means which unit is data (``data/nlp/units.yaml``). Conversion factors live with each
analyte in the terminology (``Terminology.to_canonical``); this module never converts.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Callable

from nlp.resources import no_system_witnesses, unit_aliases, unit_systems, vocabulary_words

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_FOLD = str.maketrans({"µ": "u", "μ": "u", "×": "x", "·": ".", "⁄": "/", "∕": "/"})
# "x10^9/L", "10E9/L", "10*9/L", "10**9/L", "10 9/L" (after superscript folding) -> "10^9/L"
_POWER = re.compile(r"^[x*]?10(?:\^|e|E|\*\*?)(\d{1,2})(?=/)")
_POWER_SUPERSCRIPT = re.compile(r"^[x*]?10(?=[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,2}/)")
_NUMBER = re.compile(r"^\s*(\d{1,3}(?:,\d{3})+|\d+)(?:[.,](\d+))?\s*$")


def fold_unit(raw: str) -> str:
    """Fold a written unit to a comparable ASCII form (no spaces, 'u' for micro, '10^N')."""
    text = raw.strip().translate(_FOLD)
    text = re.sub(r"\s+", "", text)
    if _POWER_SUPERSCRIPT.match(text):
        text = _POWER_SUPERSCRIPT.sub("10^", text, count=1)
    text = text.translate(_SUPERSCRIPTS)
    text = _POWER.sub(r"10^\1", text, count=1)
    text = re.sub(r"^[x*](?=10)", "", text)  # "x109/L" -> "109/L" (see units.yaml)
    text = text.replace("m^2", "m2").replace("mm^3", "mm3")
    return text.rstrip(".")


@lru_cache(maxsize=4096)
def unit_candidates(raw: str) -> tuple[str, ...]:
    """Normalised unit keys a written unit may mean, most likely first; () when unknown."""
    if not raw or not raw.strip():
        return ()
    folded = fold_unit(raw)
    exact, aliases = unit_aliases()
    if folded in exact:
        return exact[folded]
    return aliases.get(folded.lower(), ())


def normalize_unit(raw: str, accepted: dict | None = None) -> str | None:
    """The unit key for ``raw``; with ``accepted`` (an analyte's ``units`` map), the first
    candidate the analyte is measured in. None when the unit is not known (or not accepted)."""
    candidates = unit_candidates(raw)
    if accepted is None:
        return candidates[0] if candidates else None
    return next((c for c in candidates if c in accepted), None)


def parse_number(raw: str) -> float | None:
    """'1.2' -> 1.2, '15,000' -> 15000.0, '1,2' -> 1.2 (a decimal comma); None if not a number."""
    match = _NUMBER.match(raw.translate(_FOLD))
    if not match:
        return None
    whole, fraction = match.groups()
    if "," in whole:  # thousands separators
        whole = whole.replace(",", "")
    value = float(whole)
    if fraction:
        value = float(f"{whole}.{fraction}")
    return value


def _bare_readings(attrs: dict, value: float) -> list[float]:
    """A unitless value in the canonical unit, once per unit of ``bare_units`` that reads it
    as a typical value (``typical``, canonical unit); a unit of ``whole_units`` only reads
    whole numbers (µmol/L creatinine and bilirubin, g/L haemoglobin are written so)."""
    return [reading for _, reading in _bare_fits(attrs, value)]


def _bare_fits(attrs: dict, value: float) -> list[tuple[str, float]]:
    """(unit, value in the canonical unit) for each unit of ``bare_units`` that reads the
    unitless value as typical (see ``_bare_readings``)."""
    low, high = attrs.get("typical", [float("-inf"), float("inf")])
    whole, units = attrs.get("whole_units") or (), attrs.get("units", {})
    readings = ((unit, value * units[unit]) for unit in attrs["bare_units"] if unit in units
                and not (unit in whole and value != int(value)))
    return [(unit, reading) for unit, reading in readings if low <= reading <= high]


def prefer_written_system(facts: list[Any], terminology: Any) -> None:
    """A unitless value a text leaves open between two units ("bilirubin 9": 9 mg/dL or
    9 µmol/L) is read in the unit system the same text writes its other lab values in
    ("creatinine 71 umol/L, ALT 22, bilirubin 9": µmol/L), when it writes them in one system
    only (``systems`` of data/nlp/units.yaml); a text with units of both systems, or none,
    leaves it asked."""
    systems = unit_systems()
    open_values = [f for f in facts if f.label == "LAB" and f.unit is None and f.implausible
                   and f.value is not None and not f.family]
    if not open_values:
        return
    written: set[str] = set()
    for fact in facts:
        if fact.label != "LAB" or not fact.unit or fact.family or fact.implausible:
            continue
        analyte = terminology.get(fact.concept)
        key = normalize_unit(fact.unit, analyte.attrs.get("units", {})) if analyte is not None else None
        if key in systems and _witnesses(fact, systems[key]):
            written.add(systems[key])
    if not written:
        # no unit written: a unitless value that only SI units can hold at all ("Creat 78": 78
        # mg/dL is no one's, 78 µmol/L is) tells the system as a written unit would; one that
        # both can hold ("creat 19": a dialysis patient's mg/dL, or µmol/L) tells nothing. Only
        # SI is told so: a conventional-unit message never holds a value only µmol/L or g/L can
        # read, but an SI one can hold a value only g/dL reads ("Hb 5.7": mmol/L in the
        # Netherlands, no unit of ``bare_units``), so a value never tells conventional units
        # (h111, round 24); it only keeps a message with values of both ("Creat 78, Hb 9.2") asked
        written = {system for fact in facts if (system := _only_system(fact, terminology, systems, open_values))
                   and _witnesses(fact, system)}
        if written != {_SI}:
            return
    if len(written) != 1:
        return
    (system,) = written
    for fact in open_values:
        analyte = terminology.get(fact.concept)
        if analyte is None or not analyte.attrs.get("bare_units"):
            continue
        fits = [(unit, reading) for unit, reading in _bare_fits(analyte.attrs, fact.value)
                if systems.get(unit) == system]
        if len(fits) == 1:
            fact.value_normalized = round(fits[0][1], 4)
            fact.unit_normalized = analyte.attrs.get("canonical_unit")
            fact.implausible = False


_SI = "si"


def _witnesses(fact: Any, system: str) -> bool:
    """The fact's unit tells the text's system: not a conventional unit of an analyte of
    ``no_system_witness`` ("Hb 11.2 g/dL" tells nothing beside "creatinine 68" in µmol/L;
    "Hb 112 g/L" tells SI)."""
    return system == _SI or fact.concept not in no_system_witnesses()


def _only_system(fact: Any, terminology: Any, systems: dict[str, str], open_values: list[Any]) -> str | None:
    """The one unit system of a unitless lab value that only the units of that system read as a
    possible value at all (the analyte's ``plausible`` range, not its ``typical`` one), else None."""
    if fact.label != "LAB" or fact.unit is not None or fact.family or fact.value is None or fact in open_values:
        return None
    analyte = terminology.get(fact.concept)
    if analyte is None or not analyte.attrs.get("bare_units"):
        return None
    low, high = analyte.attrs.get("plausible", [float("-inf"), float("inf")])
    units = analyte.attrs.get("units", {})
    possible = {systems.get(unit) for unit in analyte.attrs["bare_units"]
                if unit in units and low <= fact.value * units[unit] <= high}
    return possible.pop() if len(possible) == 1 and None not in possible else None


def normalise_lab(fact: Any, terminology: Any, unit_key: Callable[[str, dict], str | None] = normalize_unit) -> None:
    """A lab fact's value in its analyte's canonical unit, and whether it is plausible (the
    analyte's ``plausible`` range): a value without a unit is taken in the canonical unit
    when plausible, else marked implausible (an analyte with ``bare_units`` is read in the
    unit that makes it typical: ``_bare_readings``); a unit the analyte is not measured in leaves
    the normalised value empty. ``unit_key`` finds the written unit among the analyte's
    (``normalize_unit``; the Chinese reader knows Chinese unit names first)."""
    analyte = terminology.get(fact.concept)
    if analyte is None:
        return
    units = analyte.attrs.get("units", {})
    canonical = analyte.attrs.get("canonical_unit")
    low, high = analyte.attrs.get("plausible", [float("-inf"), float("inf")])
    if fact.unit is None and analyte.attrs.get("bare_units"):
        fits = _bare_readings(analyte.attrs, fact.value)
        if len(fits) == 1:          # "Bili 14": µmol/L, the only unit that reads it as a typical value
            fact.value_normalized, fact.unit_normalized = round(fits[0], 4), canonical
            return
        if len(fits) > 1:           # "Bili 3": 3 mg/dL or 3 µmol/L; questioned, never guessed
            fact.implausible = True
            return
    if fact.unit is None:
        if low <= fact.value <= high:
            fact.value_normalized, fact.unit_normalized = fact.value, canonical
        else:
            fact.implausible = True
        return
    unit = unit_key(fact.unit, units)
    if unit is None and fact.unit.strip().lower() in vocabulary_words("thousands_suffixes") and low <= fact.value * 1000 <= high:
        # "my ck is like 4k", "ferritin 9k": thousands of the analyte's own unit when it is no
        # count per microlitre (h140, round 30); "plts 40k" stays 40 x10^3/uL
        fact.value_normalized, fact.unit_normalized = fact.value * 1000, canonical
        return
    if unit is None:
        return
    converted = terminology.to_canonical(fact.concept, fact.value, unit)
    fact.value_normalized = round(converted, 4) if converted is not None else None
    fact.unit_normalized = canonical
    if converted is not None and not (low <= converted <= high):
        fact.implausible = True

