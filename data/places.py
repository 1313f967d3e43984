"""Country names and the other names people give them (data/places.yaml): the place a person
lives, matched whole and case-insensitively when no gazetteer is installed."""
from __future__ import annotations

from functools import lru_cache

from data.errors import DataError
from data.files import DATA_DIR, read_yaml

PLACES_FILE = DATA_DIR / "places.yaml"


def place_key(text: str) -> str:
    """A name as looked up: lower case, single spaces, no trailing full stop."""
    return " ".join(text.casefold().split()).rstrip(".") if text else ""


@lru_cache(maxsize=None)
def countries() -> dict[str, str]:
    """Every name of data/places.yaml (each country's registry name and its other names,
    keyed by ``place_key``) -> the registry name ("uk" -> "United Kingdom")."""
    raw = read_yaml(PLACES_FILE) or {}
    table = raw.get("countries")
    if not isinstance(table, dict):
        raise DataError(PLACES_FILE.name, "needs a 'countries' mapping")
    names: dict[str, str] = {}
    for country, others in table.items():
        if not isinstance(others, list) or not all(isinstance(o, str) and o for o in others):
            raise DataError(f"{PLACES_FILE.name}.countries.{country}", "must be a list of names")
        for name in (country, *others):
            key = place_key(name)
            if names.setdefault(key, country) != country:
                raise DataError(f"{PLACES_FILE.name}.countries.{country}", f"{name!r} already names {names[key]}")
    return names


@lru_cache(maxsize=None)
def regions() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Every name of a part of the world in data/places.yaml ``regions`` (keyed by
    ``place_key``) -> (its name, the registry names of its countries): "europe" ->
    ("Europe", ("United Kingdom", ...)). A region's country is one of ``countries``; no
    region's name is a country's."""
    raw = read_yaml(PLACES_FILE) or {}
    table = raw.get("regions") or {}
    if not isinstance(table, dict):
        raise DataError(f"{PLACES_FILE.name}.regions", "must map a region to {names, countries}")
    known = set(countries().values())
    found: dict[str, tuple[str, tuple[str, ...]]] = {}
    for region, spec in table.items():
        where = f"{PLACES_FILE.name}.regions.{region}"
        if not isinstance(spec, dict) or set(spec) != {"names", "countries"}:
            raise DataError(where, "needs exactly: names, countries")
        members = spec["countries"]
        if not isinstance(members, list) or not members or any(c not in known for c in members):
            raise DataError(where, "countries must be a list of the countries of this file")
        names = spec["names"]
        if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
            raise DataError(where, "names must be a list of names")
        for name in (region, *names):
            key = place_key(name)
            if key in countries() or found.setdefault(key, (region, tuple(members)))[0] != region:
                raise DataError(where, f"{name!r} already names another place")
    return found
