"""Same-study detection and merging of trial records (docs/importing.md, "Merging").

Two records describe the same study when

1. both show an NCT number and the numbers are equal (different numbers: never the same);
2. otherwise (at least one has no NCT number), their titles match closely
   (rapidfuzz ``token_set_ratio`` >= ``TITLE_THRESHOLD``, brief or official title) and
   they share a site (facilities ``token_sort_ratio`` >= ``FACILITY_THRESHOLD``, cities
   equal where both are known);
3. or, when one of them shows no title at all, their summaries are near-identical
   (``ratio`` >= ``SUMMARY_THRESHOLD``) and, where both list sites, they share one.

Merging keeps everything the *primary* record says and fills its gaps from the other:
empty fields are filled, sites / contacts / outcomes / keywords / identifiers are united
(without duplicates), the criteria come from the record that has criteria, and the
sources of both are kept. The primary is the curated (bundled) record whenever there is
one (its criteria and rules, contacts, sites and the rest stay the curator's; only the
fields data/catalogue.yaml lists under ``registry_owned``, status and dates, come from a
registry record at least as recent as it); between imports it is the higher-ranked source (ClinicalTrials.gov JSON over a
page), then the one with criteria, then the one with an NCT number, then the newer one.
"""
from __future__ import annotations

import copy
import re

from rapidfuzz import fuzz, utils

from data.catalogue import load_catalogue
from registry.criteria_text import demographic_criteria, with_demographics
from registry.record import UNTITLED_NOTE, source_kind

# token_set_ratio of the two seed titles of NCT05239702 (000 / 001) is 97.4; unrelated
# CAR-T titles of the seeds score 47-62 (tests/test_merge.py shows the pairs).
TITLE_THRESHOLD = 90.0
# token_sort_ratio of "The first affiliated hospital of medical college of zhejiang
# university" / "The First Affiliated Hospital,College of Medicine, Zhejiang University"
# is 94.3; the Shenyang hospital against either scores about 55.
FACILITY_THRESHOLD = 85.0
# plain ratio over whitespace-normalised summaries: only a copy of the same text passes
SUMMARY_THRESHOLD = 95.0

_KIND_RANK = {"curated": 3, "ctgov": 2, "page": 1}
_SCALARS = ("nct_id", "title", "official_title", "acronym", "summary", "description", "phase", "status",
            "study_type")
_OBJECTS = ("design", "enrollment", "dates", "eligibility")


# --- same study ---------------------------------------------------------------------------


def _titles(record: dict) -> list[str]:
    if record.get("title_note") == UNTITLED_NOTE:
        return []
    return [t for t in (record.get("title"), record.get("official_title")) if t]


def _normalise(text: str | None) -> str:
    return " ".join((text or "").lower().split())


def title_score(a: dict, b: dict) -> float:
    """The best token_set_ratio between the titles (brief and official) of two records."""
    return max((fuzz.token_set_ratio(x, y, processor=utils.default_process)
                for x in _titles(a) for y in _titles(b)), default=0.0)


def same_site(a: dict, b: dict) -> bool:
    if not a.get("facility") or not b.get("facility"):
        return False
    if a.get("city") and b.get("city") and _normalise(a["city"]) != _normalise(b["city"]):
        return False
    score = fuzz.token_sort_ratio(a["facility"], b["facility"], processor=utils.default_process)
    return score >= FACILITY_THRESHOLD


def shared_site(a: dict, b: dict) -> bool:
    return any(same_site(x, y) for x in a["sites"] for y in b["sites"])


def same_study(a: dict, b: dict) -> str | None:
    """Why two records describe the same study ("nct", "title+site", "summary"), or None."""
    if a.get("nct_id") and b.get("nct_id"):
        return "nct" if a["nct_id"] == b["nct_id"] else None
    if _titles(a) and _titles(b):
        if title_score(a, b) >= TITLE_THRESHOLD and shared_site(a, b):
            return "title+site"
        return None
    summary_a, summary_b = _normalise(a.get("summary")), _normalise(b.get("summary"))
    if summary_a and summary_b and fuzz.ratio(summary_a, summary_b) >= SUMMARY_THRESHOLD:
        if not (a["sites"] and b["sites"]) or shared_site(a, b):
            return "summary"
    return None


# --- which record leads ------------------------------------------------------------------


def has_criteria(record: dict) -> bool:
    """True when the record has criteria from an eligibility text (not only age/sex fields)."""
    return any(c.get("verbatim", True) for c in record["criteria"])


def precedence(record: dict, origin: str | None = None) -> tuple:
    """Sort key: the higher one is the primary of a merge."""
    top = 3 if origin == "bundled" else max((_KIND_RANK[source_kind(s)] for s in record["sources"]), default=0)
    return top, has_criteria(record), bool(record.get("nct_id"))


def merge_pair(existing: dict, incoming: dict, existing_origin: str | None = None) -> dict:
    """Merge ``incoming`` into ``existing`` (ties go to the incoming, newer record). The
    result keeps the existing id when there is one."""
    if precedence(existing, existing_origin) > precedence(incoming):
        merged = merge(existing, incoming, curated=existing_origin == "bundled")
    else:
        merged = merge(incoming, existing)
    merged["id"] = existing["id"]
    return merged


# --- merging ---------------------------------------------------------------------------


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _union(primary: list, secondary: list, key) -> list:
    result = list(primary)
    seen = [key(item) for item in primary]
    for item in secondary:
        k = key(item)
        if k not in seen:
            result.append(item)
            seen.append(k)
    return result


def _place(site: dict) -> tuple:
    return tuple(_normalise(site.get(field)) for field in ("city", "region", "country"))


def _merge_sites(primary: list[dict], secondary: list[dict], add: bool = True) -> list[dict]:
    """Sites of both; a shared site gets its empty fields filled. ``add=False`` adds no site.
    A site naming no facility is shared with one of the other list naming none in the same
    place (city, region, country), each used once: so a study re-imported keeps its
    unnamed sites once, in the incoming order (they were added again on every import)."""
    result = copy.deepcopy(primary)
    unnamed = [s for s in result if not s.get("facility")]
    for site in secondary:
        if site.get("facility"):
            match = next((s for s in result if same_site(s, site)), None)
        else:
            match = next((s for s in unnamed if _place(s) == _place(site)), None)
            if match is not None:
                unnamed.remove(match)
        if match is None:
            if add:
                result.append(copy.deepcopy(site))
            continue
        for field, value in site.items():
            if field == "contacts":
                match["contacts"] = _merge_contacts(match["contacts"], value, add=add or not match["contacts"])
            elif _empty(match.get(field)):
                match[field] = value
    return result


def _contact_key(contact: dict) -> str:
    return re.sub(r"[^a-z]", "", (contact.get("name") or "").lower()) or f"{contact.get('phone')}|{contact.get('email')}"


def _merge_contacts(primary: list[dict], secondary: list[dict], add: bool = True) -> list[dict]:
    """Contacts of both (the same name once, phone/e-mail filled in). ``add=False`` adds none."""
    result = copy.deepcopy(primary)
    for contact in secondary:
        match = next((c for c in result if _contact_key(c) == _contact_key(contact)), None)
        if match is None:
            if add:
                result.append(copy.deepcopy(contact))
        else:
            for field in ("phone", "email", "role"):
                if _empty(match.get(field)):
                    match[field] = contact.get(field)
    return result


def merge(primary: dict, secondary: dict, curated: bool = False) -> dict:
    """``primary`` with its gaps filled from ``secondary`` (see the module docstring)."""
    out = copy.deepcopy(primary)
    for field in _SCALARS:
        if _empty(out.get(field)) and not _empty(secondary.get(field)):
            out[field] = secondary[field]
            if field == "title":
                out["title_note"] = secondary.get("title_note")
    if out.get("title_note") == UNTITLED_NOTE and _titles(secondary):
        out["title"], out["title_note"] = secondary["title"], secondary.get("title_note")
    for field in _OBJECTS:
        for key, value in secondary[field].items():
            if _empty(out[field].get(key)):
                out[field][key] = value
    # a curated record's lists are the curator's: an import fills an empty list and the
    # empty fields of a site or contact it shares, but adds no items
    union = (lambda mine, theirs, key: mine if mine else copy.deepcopy(theirs)) if curated else _union
    out["outcomes"] = {kind: union(out["outcomes"][kind], secondary["outcomes"][kind], lambda o: _normalise(o["measure"]))
                       for kind in out["outcomes"]}
    for field in ("conditions", "conditions_text", "keywords"):
        out[field] = union(out[field], secondary[field], _normalise)
    out["other_ids"] = union(out["other_ids"], secondary["other_ids"], lambda i: _normalise(i["id"]))
    out["sponsors"] = union(out["sponsors"], [
        {**s, "role": "collaborator"} if out["sponsors"] and s.get("role") == "lead" else s for s in secondary["sponsors"]
    ], lambda s: _normalise(s["name"]))
    out["interventions"] = union(out["interventions"], secondary["interventions"], lambda i: _normalise(i.get("name")))
    out["arms"] = out["arms"] or copy.deepcopy(secondary["arms"])
    out["sites"] = _merge_sites(out["sites"], secondary["sites"], add=not curated or not out["sites"])
    out["contacts"] = _merge_contacts(out["contacts"], secondary["contacts"], add=not curated or not out["contacts"])
    out["sources"] = _union(out["sources"], secondary["sources"], lambda s: s)
    if not has_criteria(out) and has_criteria(secondary):
        own = [c for c in out["criteria"] if c["id"] not in {s["id"] for s in secondary["criteria"]}]
        out["criteria"] = copy.deepcopy(secondary["criteria"]) + own
        out["criteria_reader"] = secondary.get("criteria_reader")   # the reader of the rules kept
    if out.get("nct_id") and not out["id"].startswith("NCT") and not curated:
        out["id"] = out["nct_id"]
    if curated:
        _registry_owned(out, secondary)
    else:
        _add_demographics(out)
    return out


def _registry_owned(curated: dict, incoming: dict) -> None:
    """The live fields of a curated record (``registry_owned`` in data/catalogue.yaml:
    status, dates) taken from a registry record at least as recent: one that shows its
    last update, on or after the curated record's. Nothing else of the curator's changes."""
    theirs = (incoming.get("dates") or {}).get("last_updated")
    mine = (curated.get("dates") or {}).get("last_updated")
    if not theirs or (mine and str(theirs)[:10] < str(mine)[:10]):
        return
    for field in load_catalogue().registry_owned:
        value = incoming.get(field)
        if isinstance(value, dict):
            curated[field] = {**curated[field], **{k: v for k, v in value.items() if not _empty(v)}}
        elif not _empty(value):
            curated[field] = value


def _add_demographics(record: dict) -> None:
    """Age/sex criteria for limits a merge brought in (an imported record only; a curated
    record's criteria are the curator's)."""
    ids = {c["id"] for c in record["criteria"]}
    eligibility = record["eligibility"]
    low, high = eligibility["min_age_years"], eligibility["max_age_years"]
    extra = demographic_criteria(
        (low, f"{low:g} Years") if low is not None and "inc-age" not in ids else None,
        (high, f"{high:g} Years") if high is not None and "inc-age" not in ids else None,
        eligibility["sex"] if "inc-sex" not in ids else None,
    )
    if extra:
        record["criteria"] = with_demographics(record["criteria"], extra)


def merge_run(records: list[dict], same=None) -> list[tuple[dict, int]]:
    """Group the records of one import run by study and merge each group, in input order.
    Returns (record, number of records merged into it).

    A record joins the first group (in order) that ``same_study`` says describes its study,
    as a pairwise comparison with every group would, but only the groups that could match
    are compared (blocking): a record with an NCT number is compared with the groups showing
    the same number and the groups showing none (different numbers never match); a record
    without one, with the groups ``_SiteBlocks`` says could share a site with it or match it
    by summary (every group for a record without a title). A run of registry downloads,
    which all show NCT numbers, is linear; so is a run of pages from different sites.
    ``same`` replaces ``same_study`` (tests count the comparisons)."""
    same = same or same_study
    groups: list[tuple[dict, int]] = []
    by_nct: dict[str, list[int]] = {}     # NCT number -> indexes of the groups showing it
    without_nct: list[int] = []           # indexes of the groups showing none
    blocks = _SiteBlocks()
    for record in records:
        nct = record.get("nct_id")
        if nct:
            candidates = sorted(by_nct.get(nct, []) + without_nct)
        else:
            candidates = blocks.candidates(record, len(groups))
        for index in candidates:
            group, count = groups[index]
            if same(group, record):
                if precedence(group) > precedence(record):
                    merged = merge(group, record)
                else:
                    merged = merge(record, group)
                groups[index] = (merged, count + 1)
                blocks.add(index, merged)
                if merged.get("nct_id") != group.get("nct_id"):
                    _reindex(index, group.get("nct_id"), merged.get("nct_id"), by_nct, without_nct)
                break
        else:
            groups.append((copy.deepcopy(record), 1))
            blocks.add(len(groups) - 1, groups[-1][0])
            _reindex(len(groups) - 1, None, nct, by_nct, without_nct, new=True)
    return groups


class _SiteBlocks:
    """Which groups a record without an NCT number could be the same study as (a superset,
    in group order; ``same_study`` decides). Such a record matches a group by title and a
    shared site, or by summary when one of the two has no title. A shared site
    (``same_site``) needs a facility on both and, when both sites name a city, the same
    city: so a titled record with sites in cities C is compared with the untitled groups,
    the groups with a site in one of C and the groups with a site naming no city; one with
    a site naming no city, or an untitled one, with every group. A group's keys are added
    each time it changes (a merge only adds sites), never removed: the sets stay supersets."""

    def __init__(self) -> None:
        self.by_city: dict[str, set[int]] = {}   # a site's normalised city -> groups
        self.no_city: set[int] = set()            # groups with a facility in no named city
        self.untitled: set[int] = set()           # groups without a title (summary matches)

    def add(self, index: int, record: dict) -> None:
        if not _titles(record):
            self.untitled.add(index)
        for site in record.get("sites") or []:
            if site.get("facility"):
                if site.get("city"):
                    self.by_city.setdefault(_normalise(site["city"]), set()).add(index)
                else:
                    self.no_city.add(index)

    def candidates(self, record: dict, count: int) -> list[int] | range:
        if not _titles(record):
            return range(count)
        found = set(self.untitled) | self.no_city
        for site in record.get("sites") or []:
            if site.get("facility"):
                if not site.get("city"):
                    return range(count)
                found |= self.by_city.get(_normalise(site["city"]), set())
        return sorted(found)


def _reindex(index: int, old: str | None, new_nct: str | None, by_nct: dict[str, list[int]],
             without_nct: list[int], new: bool = False) -> None:
    """Keep the blocking index right when a group is added or its NCT number changes."""
    if not new:
        if old:
            by_nct[old].remove(index)
        else:
            without_nct.remove(index)
    if new_nct:
        by_nct.setdefault(new_nct, []).append(index)
    else:
        without_nct.append(index)
