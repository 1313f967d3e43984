"""Synthetic trials for benchmarks: realistic variants of the real records, in a separate
database.

``generate(templates, n, seed)`` yields ``n`` records, each a variant of one real record
(round robin over ``templates``, by default the bundled trials): its disease groups kept
in part, its conditions moved to other concepts of the same branch of the terminology
(an autoimmune trial stays autoimmune, a blood-cancer trial stays haematological), lab
and score thresholds and washout windows varied, a few exclusions left out or borrowed
from another record, registry age and sex limits and sites (real city names from the
records and ``data/synthetic.yaml``) drawn at random. The draws are seeded: the same
``seed`` and ``n`` give the same records.

Every synthetic record is marked: id ``SYN-000001``…, title ``[synthetic] …``, no NCT
number, no contacts, and ``origin = 'synthetic'`` in the store. ``build_database(path, n)``
writes them into the database at ``path`` (refusing the configured working database), so
they never mix with the bundled data files or a real knowledge base.

A record is validated like any other (``data.trials.validate_record``), except its id:
``SYN-`` ids are outside the record format's id patterns on purpose, so no synthetic
record can pass for a curated or imported one.
"""
from __future__ import annotations

import copy
import hashlib
import json
import random
import time
from pathlib import Path
from typing import Any, Iterator

from core.rules import iter_leaves
from data.errors import DataError
from data.files import DATA_DIR, read_yaml
from data.settings import db_path
from data.terminology import Terminology, load_terminology
from data.trials import validate_record

PARAMETERS_FILE = DATA_DIR / "synthetic.yaml"
ID_PREFIX = "SYN-"
TITLE_PREFIX = "[synthetic] "
_KEYS = {"cities", "statuses", "min_ages", "max_ages", "sexes", "threshold_factors", "score_steps",
         "diagnosis_months", "site_counts", "drop_exclusion", "borrow_exclusion"}


def load_parameters(path: Path = PARAMETERS_FILE) -> dict[str, Any]:
    """The generator's parameters (``data/synthetic.yaml``), checked."""
    doc = read_yaml(path)
    if not isinstance(doc, dict):
        raise DataError(path.name, "must be a mapping of parameters")
    unknown, missing = set(doc) - _KEYS, _KEYS - set(doc)
    if unknown or missing:
        name = sorted(unknown or missing)[0]
        raise DataError(f"{path.name}: {name}", "unknown parameter" if unknown else "missing parameter")
    for key in _KEYS - {"drop_exclusion", "borrow_exclusion"}:
        if not isinstance(doc[key], list) or not doc[key]:
            raise DataError(f"{path.name}: {key}", "must be a non-empty list")
    for i, city in enumerate(doc["cities"]):
        if not isinstance(city, dict) or not isinstance(city.get("city"), str) or set(city) - {"city", "region", "country"}:
            raise DataError(f"{path.name}: cities[{i}]", "needs city (text), and only region and country besides")
    return doc


def is_synthetic(record: dict) -> bool:
    return str(record.get("id", "")).startswith(ID_PREFIX)


# --- generating ------------------------------------------------------------------------

def generate(templates: list[dict], n: int, seed: int = 0, start: int = 1,
             params: dict | None = None, terminology: Terminology | None = None) -> Iterator[dict]:
    """``n`` validated synthetic records, numbered from ``start``, varied from ``templates``."""
    templates = [t for t in templates if not is_synthetic(t)]
    if n and not templates:
        raise DataError("synthetic", "no real trial records to vary")
    params = params or load_parameters()
    terminology = terminology or load_terminology()
    sources = [(t, json.dumps(t), _family(t, terminology)) for t in sorted(templates, key=lambda t: t["id"])]
    borrowable = _borrowable(templates)
    cities = _cities(params, templates)
    for number in range(start, start + n):
        template, text, family = sources[(number - 1) % len(sources)]
        rng = random.Random(f"{seed}:{number}")
        record = _variant(json.loads(text), template["id"], number, rng, params, family, borrowable, cities, terminology)
        checked = validate_record(dict(record, id=f"local-syn-{number}"), f"synthetic record {number}", terminology)
        checked["id"] = record["id"]
        yield checked


def _variant(record: dict, template_id: str, number: int, rng: random.Random, params: dict,
             family: list[str], borrowable: list[tuple[str, dict]], cities: list[dict],
             terminology: Terminology) -> dict:
    conditions = _keep_disease_groups(record, rng)
    fresh = rng.sample(family, min(len(conditions), len(family))) if family else conditions
    mapping = dict(zip(conditions, fresh))
    for leaf in _leaves(record["criteria"]):
        _vary_leaf(leaf, mapping, rng, params, terminology)
    _vary_exclusions(record, template_id, rng, params, borrowable)
    low, high = rng.choice(params["min_ages"]), rng.choice(params["max_ages"])
    if low is not None and high is not None and low > high:
        low, high = high, low
    sex = rng.choice(params["sexes"])
    _set_demographics(record, low, high, sex)
    new_conditions = list(dict.fromkeys(mapping.get(c, c) for c in conditions))
    summary = record.get("summary") or ""
    record.update({
        "id": f"{ID_PREFIX}{number:06d}",
        "nct_id": None,
        "sources": [f"synthetic variant of {template_id} (benchmarks/synthetic.py)"],
        "title": TITLE_PREFIX + record["title"],
        "official_title": TITLE_PREFIX + record["official_title"] if record.get("official_title") else None,
        "acronym": None,
        "summary": f"{TITLE_PREFIX}Generated for benchmarks from {template_id}; not a real trial. {summary}".strip(),
        "conditions": new_conditions,
        "conditions_text": [terminology.label(c) for c in new_conditions],
        "status": rng.choice(params["statuses"]),
        "sponsors": [],
        "contacts": [],
        "other_ids": [],
    })
    count = min(rng.choice(params["site_counts"]), len(cities))
    record["sites"] = [_site(city, j, record["id"]) for j, city in enumerate(rng.sample(cities, count))]
    return record


def _family(template: dict, terminology: Terminology) -> list[str]:
    """The condition concepts a variant of ``template`` may treat: every concept under the
    top-most ancestors of the template's conditions (the roots themselves left out)."""
    roots = {a for c in template.get("conditions") or [] for a in terminology.ancestors(c)
             if a in terminology and not terminology[a].parents}
    pool = {d for root in roots for d in terminology.descendants(root) if d != root}
    pool |= set(template.get("conditions") or [])
    return sorted(c for c in pool if terminology[c].category == "condition")


def _keep_disease_groups(record: dict, rng: random.Random) -> list[str]:
    """Keep a random non-empty subset of a basket trial's disease groups (an ``any`` group
    whose children each require one of the trial's conditions); return the conditions the
    trial still treats."""
    conditions = list(record.get("conditions") or [])
    for criterion in record["criteria"]:
        children = criterion.get("children") or []
        if criterion.get("kind") != "inclusion" or criterion.get("combine") != "any" or len(children) < 2:
            continue
        named = [{leaf["concept"] for leaf in _leaves([child]) if leaf.get("type") == "diagnosis"} & set(conditions)
                 for child in children]
        if not all(named):
            continue
        keep = sorted(rng.sample(range(len(children)), rng.randint(1, len(children))))
        kept = set().union(*(named[i] for i in keep))
        dropped = set().union(*(named[i] for i in range(len(children)) if i not in keep)) - kept
        criterion["children"] = [children[i] for i in keep]
        conditions = [c for c in conditions if c not in dropped]
    return conditions


def _vary_leaf(leaf: dict, mapping: dict[str, str], rng: random.Random, params: dict,
               terminology: Terminology) -> None:
    kind = leaf.get("type")
    if kind == "diagnosis":
        if leaf["concept"] in mapping:
            leaf["concept"] = mapping[leaf["concept"]]
        if "min_duration_months" in leaf:
            months = rng.choice(params["diagnosis_months"])
            if months is None:
                del leaf["min_duration_months"]
            else:
                leaf["min_duration_months"] = months
    elif kind == "lab":
        for key in ("value", "uln"):
            if key in leaf:
                leaf[key] = _scaled(leaf[key], rng.choice(params["threshold_factors"]))
    elif kind == "score":
        score = terminology.get(leaf["score"])
        low, high = (score.attrs.get("range") if score is not None else None) or (0, None)
        value = max(low, leaf["value"] + rng.choice(params["score_steps"]))
        leaf["value"] = value if high is None else min(high, value)
    elif kind == "therapy" and "within_days" in leaf:
        leaf["within_days"] = max(1, round(leaf["within_days"] * rng.choice(params["threshold_factors"])))


def _scaled(value: float, factor: float) -> float:
    scaled = value * factor
    if isinstance(value, int) and float(scaled).is_integer():
        return int(scaled)
    return round(scaled, 2)


def _vary_exclusions(record: dict, template_id: str, rng: random.Random, params: dict,
                     borrowable: list[tuple[str, dict]]) -> None:
    """Leave out some single exclusions (never every child of a group), maybe borrow one
    exclusion from another record."""
    chance = params["drop_exclusion"]
    record["criteria"] = [c for c in record["criteria"]
                          if c["kind"] != "exclusion" or c.get("children") or rng.random() >= chance]
    for criterion in record["criteria"]:
        if criterion["kind"] == "exclusion" and criterion.get("children"):
            children = criterion["children"]
            criterion["children"] = [c for c in children if c.get("children") or rng.random() >= chance] or children[:1]
    if borrowable and rng.random() < params["borrow_exclusion"]:
        source_id, criterion = rng.choice(borrowable)
        present = {json.dumps(c.get("rule"), sort_keys=True) for c in _criteria(record["criteria"])}
        if source_id != template_id and json.dumps(criterion["rule"], sort_keys=True) not in present:
            record["criteria"].append({
                "id": "exc-syn-1", "kind": "exclusion", "text": criterion["text"], "rule": copy.deepcopy(criterion["rule"]),
                "note": f"synthetic: exclusion {criterion['id']} of {source_id}",
            })


def _set_demographics(record: dict, low: float | None, high: float | None, sex: str) -> None:
    """Registry limits, and the same limits in any top-level age/sex criterion (imported
    records carry them as criteria), so that the two never disagree."""
    record["eligibility"] = dict(record.get("eligibility") or {}, min_age_years=low, max_age_years=high, sex=sex)
    for criterion in record["criteria"]:
        rule = criterion.get("rule") or {}
        if rule.get("type") == "age":
            criterion["rule"] = {"type": "age", **({"min": low} if low is not None else {}),
                                 **({"max": high} if high is not None else {})}
            if low is None and high is None:
                criterion["rule"] = {"type": "review", "reason": "other"}
            criterion["text"] = f"Ages eligible for study: {_years(low)} to {_years(high)}"
        elif rule.get("type") == "sex":
            allowed = ["female", "male"] if sex == "ALL" else [sex.lower()]
            criterion["rule"] = {"type": "sex", "allowed": allowed}
            criterion["text"] = f"Sexes eligible for study: {sex.title()}"


def _years(value: float | None) -> str:
    return "no limit" if value is None else f"{value:g} years"


def _site(city: dict, position: int, trial_id: str) -> dict:
    return {"facility": f"{TITLE_PREFIX}site {position + 1} of {trial_id} in {city['city']}", "city": city["city"],
            "region": city.get("region"), "country": city.get("country"), "status": "RECRUITING",
            "lat": None, "lon": None, "contacts": []}


def _cities(params: dict, templates: list[dict]) -> list[dict]:
    found: dict[str, dict] = {}
    for record in templates:
        for site in record.get("sites") or []:
            if site.get("city"):
                found.setdefault(site["city"], {"city": site["city"], "region": site.get("region"),
                                                 "country": site.get("country")})
    for city in params["cities"]:
        found.setdefault(city["city"], city)
    return [found[name] for name in sorted(found)]


def _borrowable(templates: list[dict]) -> list[tuple[str, dict]]:
    """Single exclusion criteria with a rule that is not review-only, from every record."""
    found = []
    for record in sorted(templates, key=lambda t: t["id"]):
        for criterion in _criteria(record["criteria"]):
            rule = criterion.get("rule")
            if criterion.get("kind") == "exclusion" and rule and any(l.get("type") != "review" for l in _leaves([criterion])):
                found.append((record["id"], criterion))
    return found


def _criteria(criteria: list[dict]) -> Iterator[dict]:
    for criterion in criteria:
        yield criterion
        yield from _criteria(criterion.get("children") or [])


def _leaves(criteria: list[dict]) -> Iterator[dict]:
    for criterion in _criteria(criteria):
        if criterion.get("rule"):
            yield from iter_leaves(criterion["rule"])


# --- the benchmark database -------------------------------------------------------------

def build_database(path: str | Path, n: int, seed: int = 0, templates: list[dict] | None = None,
                   progress: bool = False, batch: int = 500) -> dict[str, Any]:
    """Create the database at ``path`` (a new file) with ``n`` trials: the bundled ones
    plus synthetic variants of the real records up to ``n``. Refuses the configured working
    database ($TRIALBOT_DB / ./trialbot.db). Returns what was built:
    ``trials``, ``synthetic``, ``seconds`` and ``bytes`` (the database file's size)."""
    from data.store import all_trial_records, open_store, upsert_trials  # start-up: the store only for commands that open it

    target = Path(path)
    if str(path) == ":memory:" or target.resolve() == Path(db_path()).resolve():
        raise DataError(str(path), "synthetic trials go into a separate database file, not the working one")
    if target.exists():
        raise DataError(str(path), "already exists: synthetic trials are written into a new database file")
    started = time.perf_counter()
    db = open_store(target)
    try:
        real = [r for r in (templates if templates is not None else all_trial_records(db)) if not is_synthetic(r)]
        stored = db.execute("SELECT count(*) FROM trials").fetchone()[0]
        wanted = max(0, n - stored)
        bar = _progress(wanted, progress)
        chunk: list[dict] = []
        for record in generate(real, wanted, seed):
            chunk.append(record)
            if len(chunk) >= batch:
                upsert_trials(db, chunk, "synthetic", validate=False)
                bar.update(len(chunk))
                chunk = []
        if chunk:
            upsert_trials(db, chunk, "synthetic", validate=False)
            bar.update(len(chunk))
        bar.close()
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        total = db.execute("SELECT count(*) FROM trials").fetchone()[0]
    finally:
        db.close()
    return {"trials": total, "synthetic": wanted, "seconds": time.perf_counter() - started,
            "bytes": _size(target)}


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists())


def _progress(total: int, shown: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, unit="trials", desc="synthetic trials", disable=not shown, leave=False)



# --- as ClinicalTrials.gov JSON (import benchmarks) --------------------------------------

def ctgov_study(record: dict, number: int) -> dict:
    """A synthetic record as a ClinicalTrials.gov API v2 study, for import benchmarks: no
    NCT number, title and site names made distinct with a token from ``number`` (so the
    importer's same-study detection does not merge variants of one real record), the
    criteria written out as the registry's eligibility text (importing parses them again)."""
    eligibility = record.get("eligibility") or {}
    lines = {"inclusion": [], "exclusion": []}
    for criterion in record["criteria"]:
        lines[criterion["kind"]].append(f"* {criterion['text']}")
        lines[criterion["kind"]].extend(f"  * {child['text']}" for child in _criteria(criterion.get("children") or []))
    text = ("Inclusion Criteria:\n\n" + "\n".join(lines["inclusion"])
            + "\n\nExclusion Criteria:\n\n" + "\n".join(lines["exclusion"]))
    token = hashlib.blake2b(f"{record['id']}:{number}".encode(), digest_size=5).hexdigest()
    title = f"{record['title']} ({token})"   # a token no other study shares (no false merges)
    return {"protocolSection": {
        "identificationModule": {"briefTitle": title, "officialTitle": record.get("official_title")},
        "statusModule": {"overallStatus": record.get("status")},
        "descriptionModule": {"briefSummary": record.get("summary")},
        "conditionsModule": {"conditions": list(record.get("conditions_text") or []),
                             "keywords": list(record.get("keywords") or [])},
        "designModule": {"studyType": record.get("study_type")},
        "eligibilityModule": {
            "eligibilityCriteria": text,
            "sex": eligibility.get("sex") or "ALL",
            **{field: f"{eligibility[key]:g} Years" for field, key in (("minimumAge", "min_age_years"),
                                                                       ("maximumAge", "max_age_years"))
               if eligibility.get(key) is not None},
        },
        "contactsLocationsModule": {"locations": [
            {"facility": f"{TITLE_PREFIX}site {k + 1} {token}", "status": s.get("status"), "city": s.get("city"),
             "state": s.get("region"), "country": s.get("country")} for k, s in enumerate(record.get("sites") or [])]},
    }}
