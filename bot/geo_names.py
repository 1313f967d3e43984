"""Place names without the optional ``geo`` extra (issue #13, round 12): the countries of
data/places.yaml with the names people give them ("uk", "holland", "the states"), and the
trial sites' own cities, regions and countries, as the gazetteer of names. Matched whole and
case-insensitively, never approximately: a name neither knows is not guessed."""
from __future__ import annotations

from typing import Any, Iterable

from data.places import countries, place_key

_FIELDS = ("city", "region", "country")


def country_of(name: str) -> str | None:
    """The registry's name of the country ``name`` names ("uk" -> "United Kingdom"), or None."""
    return countries().get(place_key(name))


def spellings(place: str) -> list[str]:
    """``place`` and, when it names a country another way, the country as the registry writes
    it: what a site's address is compared with."""
    country = country_of(place)
    return [place] + ([country] if country and country != place else [])


class SitePlaces:
    """The cities, regions and countries of the trials' sites, read once, by ``place_key``."""

    def __init__(self, trials: Iterable[dict]):
        self.names: dict[str, str] = {}
        for trial in trials:
            for site in (trial.get("sites") or []) if isinstance(trial, dict) else []:
                if isinstance(site, dict):
                    for field in _FIELDS:
                        value = site.get(field)
                        if isinstance(value, str) and value.strip():
                            self.names.setdefault(place_key(value), value.strip())

    def name_for(self, text: str) -> str | None:
        """The place ``text`` names whole: a country of data/places.yaml (its registry name),
        else a site's city, region or country as the registry spells it; else None."""
        key = place_key(text)
        if not key:
            return None
        return countries().get(key) or self.names.get(key)


def site_places(trials: Any) -> SitePlaces:
    """The names of ``trials``' sites, kept on the trials object when it allows it (a catalog
    or list is read once per process)."""
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
