"""Place names without the optional ``geo`` extra (issue #13, round 12): the countries of
data/places.yaml with the names people give them ("uk", "holland", "the states"), and the
trial sites' own cities, regions and countries, as the gazetteer of names. Matched whole and
case-insensitively, never approximately: a name neither knows is not guessed."""
from __future__ import annotations

from itertools import chain
from typing import Any, Iterable

from data.places import countries, place_key, regions
from data.store_memo import StoreMemo, stored_rows

_FIELDS = ("city", "region", "country")
_STORED = StoreMemo()


def country_of(name: str) -> str | None:
    """The registry's name of the country ``name`` names ("uk" -> "United Kingdom"), or None."""
    return countries().get(place_key(name))


def region_of(name: str) -> str | None:
    """The part of the world ``name`` names ("europe" -> "Europe"; data/places.yaml
    ``regions``), or None."""
    found = regions().get(place_key(name))
    return found[0] if found else None


def spellings(place: str) -> list[str]:
    """``place`` and, when it names a country another way, the country as the registry writes
    it: what a site's address is compared with. A part of the world ("europe",
    data/places.yaml ``regions``): each of its countries by every name (h185, round 38)."""
    region = regions().get(place_key(place))
    if region is not None:
        members = set(region[1])
        return [place] + [name for name, country in countries().items() if country in members] + list(region[1])
    country = country_of(place)
    return [place] + ([country] if country and country != place else [])


class SitePlaces:
    """The cities, regions and countries of the trials' sites, read once, by ``place_key``."""

    def __init__(self, trials: Iterable[dict]):
        self.names: dict[str, str] = {}
        self._add(site.get(field) for trial in trials
                  for site in ((trial.get("sites") or []) if isinstance(trial, dict) else []) if isinstance(site, dict)
                  for field in _FIELDS)

    @classmethod
    def stored(cls, db: Any) -> "SitePlaces":
        """The names of the store's sites, read from its sites table (the records' sites, in
        the same order: by trial id, then as listed), not from every record's JSON (the
        first place answer at 100,000 trials parsed them all: ~8 s CPU)."""
        places = cls([])
        rows = stored_rows(db, "SELECT city, region, country FROM sites ORDER BY trial_id, position")
        places._add(dict.fromkeys(chain.from_iterable(rows)))     # each spelling once, first seen first
        return places

    def _add(self, values: Iterable[Any]) -> None:
        for value in values:
            if isinstance(value, str) and value.strip():
                self.names.setdefault(place_key(value), value.strip())

    def name_for(self, text: str) -> str | None:
        """The place ``text`` names whole: a country of data/places.yaml (its registry name),
        a part of the world there ("europe": "Europe"), else a site's city, region or country as the registry spells it; else None."""
        key = place_key(text)
        if not key:
            return None
        return countries().get(key) or (regions().get(key) or (None,))[0] or self.names.get(key)


def site_places(trials: Any) -> SitePlaces:
    """The names of ``trials``' sites: of a catalog over a store (``TrialCatalog``) from its
    sites table, remembered while its trials stay the same; else kept on the trials object
    when it allows it (read once per process)."""
    db = None if isinstance(trials, list) else getattr(trials, "db", None)
    if db is not None:
        return _STORED.get(db, lambda: SitePlaces.stored(db))
    cached = getattr(trials, "_site_places", None) if not isinstance(trials, list) else None
    if cached is not None:
        return cached
    places = SitePlaces(trials)
    try:
        if not isinstance(trials, list):
            trials._site_places = places
    except AttributeError:
        pass
    return places
