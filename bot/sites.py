"""Which sites and contacts a trial shows, and how they are worded: one rule for chat
results, one trial (``/trial``), the referral summary and the triage report.

Which (``where_to_ask``):

* sites: the site nearest the user's place when one is found (``bot.geo``), else the
  first ``SHOW_SITES`` sites, recruiting ones first (the record's order otherwise); how
  many more there are is said;
* contacts: the trial's central contacts, then the contacts of the sites (the nearest
  site's first), each person once, at most ``SHOW_CONTACTS``; how many more is said;
* when the sources list no contact: "unknown", and where to ask instead (the research
  office of the first site shown, when there is a site);
* the registry page ``https://clinicaltrials.gov/study/<NCT number>`` whenever the trial
  has an NCT number: the registry keeps sites and contacts up to date.

How (``where_lines``): a site is "facility, city, region, country" (each part once) with
its recruitment status in words when the record gives one; a contact is "name (role),
phone …, email …", "unknown" for what the record lacks. The templates are
``data/bot_texts.yaml`` (``nearest_*``, ``sites``, ``contacts*``, ``registry_page``),
filled by a ``bot.render.Renderer``: the transports' formats, and ``PLAIN`` for triage.
``triage --json`` keeps the record's own ``sites`` and ``contacts`` lists.
"""
from __future__ import annotations

import re

from typing import TYPE_CHECKING, Any

from bot.formats import Safe
from bot.geo import Gazetteer, nearest_site
from data.places import countries, place_key, regions

if TYPE_CHECKING:  # pragma: no cover
    from bot.render import Renderer

REGISTRY_PAGE = "https://clinicaltrials.gov/study/{nct}"
SHOW_SITES = 3
SHOW_CONTACTS = 3
NEAR_KM = 25      # closer than this, a site is "in or near" the user's place


def registry_page(trial: dict) -> str | None:
    """The study's ClinicalTrials.gov page, or None without an NCT number."""
    nct = trial.get("nct_id")
    return REGISTRY_PAGE.format(nct=nct) if nct else None


def site_text(site: dict, lang: str = "en") -> str:
    """"facility, city, region, country" (each part once) and the status in words; in
    Chinese ("zh") the facility's Chinese name when the record has one (``facility_zh``)."""
    seen: list[str] = []
    facility = (site.get("facility_zh") if lang == "zh" else None) or site.get("facility")
    for part in (facility, site.get("city"), site.get("region"), site.get("country")):
        if part and part not in seen:
            seen.append(part)
    text = ", ".join(seen)
    status = site.get("status")
    if status:
        text += f" ({str(status).lower().replace('_', ' ')})"
    return text


def is_country(written: str) -> bool:
    """The place is a country of data/places.yaml ("usa", "Canada"), or a part of the world
    there ("europe"), not a town."""
    return place_key(written) in countries() or written in countries().values() or place_key(written) in regions()


def place_name(written: str) -> str:
    """A place as the reply names it: a country by its name ("uk" -> "United Kingdom"), a
    name typed in lower case with capitals ("munich" -> "Munich"), else as written."""
    country = countries().get(place_key(written)) or (regions().get(place_key(written)) or (None,))[0]
    if country:
        return country
    return written.title() if written.islower() else written


# a registry's name field that holds prose, not a name ("here may be multiple sites in this
# clinical trial. -877-CTLILLY (1-877-285-4559) or"): shown as unknown, its phone and email kept
# (the registry page has the text; lead, round 39)
NAME_MAX_WORDS = 8
_PHONE_LIKE = re.compile(r"\d{3}")


def contact_name(name: object) -> str | None:
    """A contact's name as the record gives it, or None when the field holds prose instead:
    more than ``NAME_MAX_WORDS`` words, a run of three digits, or a first letter in lower case."""
    if not isinstance(name, str) or not name.strip():
        return None
    text = name.strip()
    if len(text.split()) > NAME_MAX_WORDS or _PHONE_LIKE.search(text) or (text[0].isalpha() and text[0].islower()):
        return None
    return text


def _contact(contact: dict) -> dict:
    entry = {key: contact.get(key) for key in ("name", "role", "phone", "email")}
    entry["name"] = contact_name(entry["name"])
    return entry


def _ordered_sites(sites: list[dict]) -> list[dict]:
    return sorted(sites, key=lambda s: str(s.get("status") or "").upper() != "RECRUITING")


def where_to_ask(trial: dict, place: str | None = None, gazetteer: Gazetteer | None = None) -> dict[str, Any]:
    """The sites and contacts to show for ``trial`` (a record), as plain data:
    ``nearest`` ({site, km, place, matched_on} or None), ``sites`` (texts), ``more_sites``,
    ``contacts`` ({name, role, phone, email}), ``more_contacts``, ``office`` (the site whose
    research office to ask when no contact is listed, or None) and ``registry_page``."""
    sites = [s for s in trial.get("sites") or [] if isinstance(s, dict)]
    match = nearest_site(place, sites, gazetteer) if place and sites else None
    shown = [match.site] if match is not None else _ordered_sites(sites)[:SHOW_SITES]
    people: list[dict] = []
    for contact in [*(trial.get("contacts") or []),
                    *(c for site in [*shown, *sites] for c in site.get("contacts") or [])]:
        entry = _contact(contact)
        if entry not in people and any(entry[k] for k in ("name", "phone", "email")):
            people.append(entry)
    chinese = any(s.get("facility_zh") for s in shown)      # the record names a site in Chinese
    return {
        "nearest": None if match is None else {"site": site_text(match.site), "km": match.km, "place": match.place,
                                                 "matched_on": match.matched_on,
                                                 **({"site_zh": site_text(match.site, "zh")} if chinese else {})},
        "sites": [site_text(s) for s in shown],
        # the person's place, when no site was found in or near it ("we're in bristol")
        "not_near": place if place and sites and match is None else None,
        **({"sites_zh": [site_text(s, "zh") for s in shown]} if chinese else {}),
        "more_sites": len(sites) - len(shown),
        "contacts": people[:SHOW_CONTACTS],
        "more_contacts": max(0, len(people) - SHOW_CONTACTS),
        "office": (shown[0].get("facility") or site_text(shown[0])) if shown and not people else None,
        **({"office_zh": shown[0].get("facility_zh") or shown[0].get("facility") or site_text(shown[0], "zh")}
           if chinese and shown and not people else {}),
        "registry_page": registry_page(trial),
    }


def where_lines(r: "Renderer", role: str | None, view: dict[str, Any]) -> list[Safe]:
    """The sites line, the contacts line and, with an NCT number, the registry page line,
    worded for ``role`` by ``r`` from a ``where_to_ask`` view."""
    return [line for line in (_sites_line(r, role, view), _contacts_line(r, role, view),
                              r.t("registry_page", role, url=view["registry_page"]) if view.get("registry_page") else None)
            if line is not None]


def _more(r: "Renderer", role: str | None, count: int) -> str:
    return f" {r.t('more_items', role, count=count)}" if count else ""


def _sites_line(r: "Renderer", role: str | None, view: dict) -> Safe:
    nearest = view.get("nearest")
    if r.lang == "zh" and nearest and nearest.get("site_zh"):
        nearest = {**nearest, "site": nearest["site_zh"]}
    if r.lang == "zh" and view.get("sites_zh"):
        view = {**view, "sites": view["sites_zh"]}
    more = _more(r, role, view.get("more_sites", 0))
    if nearest and nearest.get("km") is not None:
        if nearest["km"] < NEAR_KM:
            return Safe(r.t("nearest_here", role, site=nearest["site"], place=nearest["place"]) + more)
        return Safe(r.t("nearest_km", role, site=nearest["site"], km=f"{nearest['km']:,.0f}", place=nearest["place"]) + more)
    if nearest:
        return Safe(r.t("nearest_text", role, site=nearest["site"], place=place_name(nearest["place"])) + more)
    if view.get("sites") and view.get("not_near"):
        return Safe(r.t("sites_not_near", role, sites="; ".join(view["sites"]), place=place_name(view["not_near"])) + more)
    if view.get("sites"):
        return Safe(r.t("sites", role, sites="; ".join(view["sites"])) + more)
    return r.t("sites_none", role)


def _contacts_line(r: "Renderer", role: str | None, view: dict) -> Safe:
    contacts = view.get("contacts") or []
    if not contacts:
        if view.get("office"):
            office = view.get("office_zh") if r.lang == "zh" and view.get("office_zh") else view["office"]
            return r.t("contacts_office", role, site=office)
        return r.t("contacts_none", role)
    unknown = r.texts.text("unknown", role, r.lang)
    lines = [r.t("contact_line", role, name=c.get("name") or unknown, kind=c.get("role") or unknown,
                 phone=c.get("phone") or unknown, email=c.get("email") or unknown) for c in contacts]
    return Safe(r.t("contacts", role, contacts=Safe("; ".join(lines))) + _more(r, role, view.get("more_contacts", 0)))
