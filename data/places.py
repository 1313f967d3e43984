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
