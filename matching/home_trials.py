"""Trials with a site in the person's country, for the ranking (``matching.engine``).

Among trials fitting the patient's condition equally (the same condition fit, the same aim at
an antigen), one with a site in the country the person names ("I live in Brazil", "Melbourne,
Australia", "we're in the UK") comes before one without: a patient with lower-risk MDS in
Brazil sees the trial with Brazilian sites before the one with sites only in India. It is a
tie-break after the condition fit, never above a better fit, and it rules nothing out (the
registry's sites are often old; the trial team decides). A person naming no country (nothing,
or a town alone) keeps the order. The country is read from the person's place (``LOCATION``)
by the names of data/places.yaml (a part of the world, "Europe", by its countries); a site's
country is the registry's name (h198, round 41).
"""
from __future__ import annotations

from typing import Any, Iterable

from data.places import countries, place_key, regions
from data.store_memo import StoreMemo, stored_rows

_FOUND = StoreMemo(limit=8)


def person_countries(profile: Any) -> frozenset[str]:
    """The registry names of the country (or the countries of the part of the world) the
    person's place names ("Sao Paulo, Brazil": Brazil; "uk": United Kingdom); none for no
    place, a place denied, or a town alone. The country said last in the place wins."""
    for fact in profile.of("LOCATION"):
        if fact.negated or fact.hypothetical:
            continue
        for part in reversed([p for p in str(fact.concept or "").split(",") if p.strip()]):
            key = place_key(part)
            country = countries().get(key)
            if country:
                return frozenset({country})
            region = regions().get(key)
            if region:
                return frozenset(region[1])
    return frozenset()


def home_trials(db: Any, profile: Any) -> frozenset[str]:
    """Ids of the stored trials with a site in the person's country (``person_countries``),
    remembered per country while the trials stay the same; none when no country is known."""
    places = person_countries(profile)
    if not places:
        return frozenset()
    wanted = sorted(places)
    marks = ", ".join("?" for _ in wanted)

    def read() -> frozenset[str]:
        rows = stored_rows(db, f"SELECT DISTINCT trial_id FROM sites WHERE country IN ({marks})", wanted)
        return frozenset(row[0] for row in rows)

    return _FOUND.get(db, read, tuple(wanted))


def home_records(records: Iterable[dict], profile: Any) -> frozenset[str]:
    """``home_trials`` of trial records in memory (their ``sites``)."""
    places = person_countries(profile)
    if not places:
        return frozenset()
    return frozenset(r["id"] for r in records
                     if any(isinstance(s, dict) and s.get("country") in places for s in r.get("sites") or ()))
