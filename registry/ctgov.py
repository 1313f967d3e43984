"""ClinicalTrials.gov API v2 study JSON -> trial record dicts (docs/importing.md).

Accepts one study (``{"protocolSection": ...}``), a bundle (``{"studies": [...]}``, as the
``/api/v2/studies`` endpoint returns) or a plain list of studies. Every field is read
with its type checked: a wrong type fails with a ``DataError`` naming the file and the
JSON path; a missing field stays null. Nothing is invented: an age the registry does not
give stays null, a contact without a phone number has ``phone: null``.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from core import durations
from data.errors import DataError
from nlp.criteria.study_drugs import reading_study
from registry.concepts import condition_concepts, target_antigens
from data.condition_names import category_heads, concepts_within, excluded_words, narrowed_by_title
from registry.criteria_text import (
    RuleParser,
    demographic_criteria,
    reader_stamp,
    split_criteria,
    with_demographics,
)
from registry.record import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_TEXT_CHARS,
    check_text,
    clean_text,
    finish,
    new_record,
    read_text_file,
    repair_text,
    source_name,
)

_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(year|month|week|day|hour|minute)s?\s*$", re.IGNORECASE)



def read_json_file(path: Path) -> Any:
    """Parse a JSON file, refusing binary, oversized and too deeply nested input."""
    name = path.name
    text = read_text_file(path, MAX_FILE_BYTES, "JSON")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"{name}:{exc.lineno}", f"not valid JSON ({exc.msg}, column {exc.colno})") from None
    except RecursionError:
        raise DataError(name, f"JSON nested too deeply (more than {MAX_DEPTH} levels)") from None
    _check_depth(data, name)
    return data


def _check_depth(data: Any, name: str) -> None:
    """Refuse a value deeper than ``MAX_DEPTH`` levels (the top value is level 1). Only
    containers are walked: a non-empty one at the last level has values too deep."""
    if not isinstance(data, (dict, list)):
        return
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH or (depth == MAX_DEPTH and value):
            raise DataError(name, f"JSON nested too deeply (more than {MAX_DEPTH} levels)")
        for item in (value.values() if isinstance(value, dict) else value):
            if isinstance(item, (dict, list)):
                stack.append((item, depth + 1))


def studies_in(data: Any, name: str) -> list[tuple[str, dict]]:
    """The studies in a parsed file as (JSON path, study)."""
    if isinstance(data, dict) and "protocolSection" in data:
        items = [("", data)]
    elif isinstance(data, dict) and "studies" in data:
        if not isinstance(data["studies"], list):
            raise DataError(f"{name}: studies", f"must be a list of studies, got {_type(data['studies'])}")
        items = [(f"studies[{i}]", s) for i, s in enumerate(data["studies"])]
    elif isinstance(data, list):
        items = [(f"[{i}]", s) for i, s in enumerate(data)]
    else:
        raise DataError(name, "not a ClinicalTrials.gov API v2 study: expected an object with "
                              "'protocolSection' or 'studies'")
    if not items:
        raise DataError(name, "holds no studies")
    for path, study in items:
        if not isinstance(study, dict) or not isinstance(study.get("protocolSection"), dict):
            raise DataError(f"{name}: {path or 'study'}", "not a ClinicalTrials.gov API v2 study (no protocolSection object)")
    return items


def import_file(path: Path | str, parse: RuleParser | None = None) -> list[dict]:
    """Every study of a CT.gov JSON file as a validated record."""
    path = Path(path)
    data = read_json_file(path)
    return [study_to_record(study, path.name, where, parse) for where, study in studies_in(data, path.name)]


@lru_cache(maxsize=512)
def _keys(path: str) -> tuple[str, ...]:
    return tuple(path.split("."))


class _Reader:
    """Typed access to a study; errors name the file and the JSON path."""

    def __init__(self, file_name: str, base: str):
        self.file_name = file_name
        self.base = base

    def _where(self, path: str) -> str:
        full = f"{self.base}.{path}" if self.base else path
        return f"{self.file_name}: {full}"

    def get(self, data: dict, path: str, kind: type | tuple, default: Any = None) -> Any:
        value: Any = data
        for key in _keys(path):
            if not isinstance(value, dict):
                return default
            value = value.get(key)
            if value is None:
                return default
        if kind is float:
            kind = (int, float)
        if isinstance(value, bool) and kind is not bool:
            raise DataError(self._where(path), f"expected {_names(kind)}, got true/false")
        if not isinstance(value, kind):
            raise DataError(self._where(path), f"expected {_names(kind)}, got {_type(value)}")
        if isinstance(value, str):
            if len(value) > MAX_TEXT_CHARS or "\x00" in value:
                value = check_text(value, self._where(path))    # raises, naming the field
            value = repair_text(clean_text(value)).strip()
            return value or default
        return value

    def text(self, data: dict, path: str) -> str | None:
        return self.get(data, path, str)

    def obj(self, data: dict, path: str) -> dict:
        return self.get(data, path, dict, {})

    def items(self, data: dict, path: str) -> list[tuple["_Reader", dict]]:
        """The objects of a list, each with a reader whose errors name the item."""
        values = self.get(data, path, list, [])
        result = []
        for i, item in enumerate(values):
            if not isinstance(item, dict):
                raise DataError(self._where(f"{path}[{i}]"), f"expected an object, got {_type(item)}")
            base = f"{self.base}.{path}[{i}]" if self.base else f"{path}[{i}]"
            result.append((_Reader(self.file_name, base), item))
        return result

    def texts(self, data: dict, path: str) -> list[str]:
        values = self.get(data, path, list, [])
        result = []
        for i, item in enumerate(values):
            if not isinstance(item, str):
                raise DataError(self._where(f"{path}[{i}]"), f"expected text, got {_type(item)}")
            item = repair_text(check_text(item, self._where(f"{path}[{i}]")))
            if item.strip():
                result.append(item.strip())
        return result

    def age(self, data: dict, path: str) -> tuple[float, str] | None:
        value = self.text(data, path)
        if value is None or value.upper() in ("N/A", "NA", "NONE"):
            return None
        match = _AGE.match(value)
        if not match:
            raise DataError(self._where(path), f"{value!r} is not an age such as '18 Years' or '6 Months'")
        years = durations.years(float(match.group(1)), match.group(2).lower())
        years = round(years, 3)
        return (int(years) if years.is_integer() else years), value


def study_to_record(study: dict, file_name: str, base: str = "", parse: RuleParser | None = None) -> dict:
    """One API v2 study -> a validated record."""
    r = _Reader(file_name, f"{base}.protocolSection" if base else "protocolSection")
    p = study["protocolSection"]
    record = new_record(source_name("ctgov", file_name))
    nct = r.text(p, "identificationModule.nctId")
    if nct is not None and not re.fullmatch(r"NCT\d{8}", nct):
        raise DataError(r._where("identificationModule.nctId"), f"{nct!r} is not an NCT number")
    record["nct_id"] = nct
    record["title"] = r.text(p, "identificationModule.briefTitle") or r.text(p, "identificationModule.officialTitle")
    record["official_title"] = r.text(p, "identificationModule.officialTitle")
    record["acronym"] = r.text(p, "identificationModule.acronym")
    org_id = r.text(p, "identificationModule.orgStudyIdInfo.id")
    if org_id:
        record["other_ids"].append({"id": org_id, "type": "org_study_id"})
    for ri, info in r.items(p, "identificationModule.secondaryIdInfos"):
        sid = ri.text(info, "id")
        if sid:
            kind = ri.text(info, "type")
            record["other_ids"].append({"id": sid, "type": kind.lower() if kind else "secondary_id"})

    record["status"] = r.text(p, "statusModule.overallStatus")
    for field, key in (("start", "startDateStruct"), ("primary_completion", "primaryCompletionDateStruct"),
                       ("completion", "completionDateStruct"), ("last_updated", "lastUpdatePostDateStruct")):
        record["dates"][field] = r.text(p, f"statusModule.{key}.date")

    lead = r.obj(p, "sponsorCollaboratorsModule.leadSponsor")
    if r.text(lead, "name"):
        record["sponsors"].append({"name": r.text(lead, "name"), "class": r.text(lead, "class"), "role": "lead"})
    for rc, collaborator in r.items(p, "sponsorCollaboratorsModule.collaborators"):
        if rc.text(collaborator, "name"):
            record["sponsors"].append({"name": rc.text(collaborator, "name"), "class": rc.text(collaborator, "class"),
                                       "role": "collaborator"})

    record["summary"] = r.text(p, "descriptionModule.briefSummary")
    record["description"] = r.text(p, "descriptionModule.detailedDescription")
    record["conditions_text"] = r.texts(p, "conditionsModule.conditions")
    record["keywords"] = r.texts(p, "conditionsModule.keywords")
    # the registry's own MeSH indexing: the terms of the trial's conditions, and the broader
    # headings they are filed under (which say what kind of disease an unknown name is)
    derived = _Reader(file_name, f"{base}.derivedSection" if base else "derivedSection")
    browse = study.get("derivedSection") if isinstance(study.get("derivedSection"), dict) else {}
    meshes = [derived.text(item, "term") for _, item in derived.items(browse, "conditionBrowseModule.meshes")]
    ancestors = [derived.text(item, "term") for _, item in derived.items(browse, "conditionBrowseModule.ancestors")]
    known = {t.lower() for t in record["conditions_text"]}
    own_text = " ".join([*record["conditions_text"], *record["keywords"], r.text(p, "identificationModule.briefTitle") or "",
                         r.text(p, "identificationModule.officialTitle") or ""])
    record["condition_terms"] = supported_terms([t for t in dict.fromkeys(filter(None, meshes)) if t.lower() not in known],
                                                record["conditions_text"], own_text)
    record["conditions"] = indexed_conditions(condition_concepts(record["conditions_text"]),
                                              condition_concepts(record["condition_terms"]),
                                              [c for t in record["conditions_text"] for c in concepts_within(t)])
    record["conditions"] = narrowed_by_title(record["conditions"], [r.text(p, "identificationModule.briefTitle"),
                                                                    r.text(p, "identificationModule.officialTitle")])
    record["condition_ancestors"] = [c for c in condition_concepts([a for a in ancestors if a])
                                     if c not in record["conditions"]]

    record["study_type"] = r.text(p, "designModule.studyType")
    phases = r.texts(p, "designModule.phases")
    record["phase"] = "/".join(phases) if phases else None
    record["design"] = {
        "allocation": r.text(p, "designModule.designInfo.allocation"),
        "purpose": r.text(p, "designModule.designInfo.primaryPurpose"),
        "masking": r.text(p, "designModule.designInfo.maskingInfo.masking"),
        "model": r.text(p, "designModule.designInfo.interventionModel"),
    }
    count = r.get(p, "designModule.enrollmentInfo.count", int)
    if count is not None and count < 0:
        raise DataError(r._where("designModule.enrollmentInfo.count"), f"{count} is not a participant count")
    record["enrollment"] = {"count": count, "type": r.text(p, "designModule.enrollmentInfo.type")}

    for ra, arm in r.items(p, "armsInterventionsModule.armGroups"):
        record["arms"].append({"label": ra.text(arm, "label"), "type": ra.text(arm, "type"),
                               "description": ra.text(arm, "description")})
    for ri, intervention in r.items(p, "armsInterventionsModule.interventions"):
        name = ri.text(intervention, "name")
        names = " ".join([name or "", *ri.texts(intervention, "otherNames")])
        record["interventions"].append({
            "type": ri.text(intervention, "type"), "name": name,
            "target_antigens": target_antigens(names), "description": ri.text(intervention, "description"),
        })

    for field, key in (("primary", "primaryOutcomes"), ("secondary", "secondaryOutcomes"),
                       ("unclassified", "otherOutcomes")):
        for ro, outcome in r.items(p, f"outcomesModule.{key}"):
            measure = ro.text(outcome, "measure")
            if measure:
                record["outcomes"][field].append({"measure": measure, "description": ro.text(outcome, "description"),
                                                  "time_frame": ro.text(outcome, "timeFrame")})

    _eligibility(r, p, record, parse)
    # a trial filed under "cancer" alone whose own inclusion criteria name only solid tumours
    # ("HER2 positive solid tumor", "Advanced Cancers" in the title) is for solid tumours
    record["conditions"] = narrowed_by_title(record["conditions"], titles_and_inclusions(record))
    _contacts_locations(r, p, record)
    where = f"{file_name}: {base}" if base else file_name
    return finish(record, file_name, where, text=lambda: json.dumps(study, sort_keys=True))


def _eligibility(r: _Reader, p: dict, record: dict, parse: RuleParser | None) -> None:
    min_age = r.age(p, "eligibilityModule.minimumAge")
    max_age = r.age(p, "eligibilityModule.maximumAge")
    if min_age and max_age and min_age[0] > max_age[0]:
        raise DataError(r._where("eligibilityModule.minimumAge"), f"{min_age[1]} is above the maximum age {max_age[1]}")
    sex = r.text(p, "eligibilityModule.sex")
    if sex is not None and sex.upper() not in ("ALL", "FEMALE", "MALE"):
        raise DataError(r._where("eligibilityModule.sex"), f"{sex!r} is not one of ALL, FEMALE, MALE")
    sex = sex.upper() if sex else None
    record["eligibility"] = {
        "min_age_years": min_age[0] if min_age else None,
        "max_age_years": max_age[0] if max_age else None,
        "sex": sex,
        "healthy_volunteers": r.get(p, "eligibilityModule.healthyVolunteers", bool),
    }
    text = r.text(p, "eligibilityModule.eligibilityCriteria")
    with reading_study(record["interventions"]):     # "hypersensitivity to the study drug": these drugs
        criteria = split_criteria(text or "", parse)
    record["criteria"] = with_demographics(criteria, demographic_criteria(min_age, max_age, sex))
    record["criteria_reader"] = reader_stamp(getattr(parse, "__wrapped__", parse))


def _contact(r: _Reader, data: dict, default_role: str) -> dict | None:
    name = r.text(data, "name")
    phone = r.text(data, "phone")
    extension = r.text(data, "phoneExt")
    if phone and extension:
        phone = f"{phone} ext. {extension}"
    email = r.text(data, "email")
    if not (name or phone or email):
        return None
    role = r.text(data, "role")
    return {"name": name, "role": role.lower() if role else default_role, "phone": phone, "email": email}


def _contacts_locations(r: _Reader, p: dict, record: dict) -> None:
    for rc, contact in r.items(p, "contactsLocationsModule.centralContacts"):
        found = _contact(rc, contact, "central")
        if found:
            found["role"] = "central"
            record["contacts"].append(found)
    for ro, official in r.items(p, "contactsLocationsModule.overallOfficials"):
        found = _contact(ro, official, "official")
        if found:
            record["contacts"].append(found)
    for rl, location in r.items(p, "contactsLocationsModule.locations"):
        lat, lon = rl.get(location, "geoPoint.lat", float), rl.get(location, "geoPoint.lon", float)
        if lat is not None and not -90 <= lat <= 90:
            raise DataError(rl._where("geoPoint.lat"), f"{lat} is not a latitude")
        if lon is not None and not -180 <= lon <= 180:
            raise DataError(rl._where("geoPoint.lon"), f"{lon} is not a longitude")
        site = {
            "facility": rl.text(location, "facility"), "city": rl.text(location, "city"),
            "region": rl.text(location, "state"), "country": rl.text(location, "country"),
            "status": rl.text(location, "status"), "lat": lat, "lon": lon, "contacts": [],
        }
        for rc, contact in rl.items(location, "contacts"):
            found = _contact(rc, contact, "site")
            if found:
                site["contacts"].append(found)
        record["sites"].append(site)


def _type(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false", type(None): "null"}.get(
        type(value), "a number" if isinstance(value, (int, float)) else type(value).__name__)


def _names(kind: Any) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {dict: "an object", list: "a list", str: "text", int: "a number", float: "a number", bool: "true/false"}
    return " or ".join(sorted({names.get(k, k.__name__) for k in kinds}))


_STEM = 6          # "metastasis" ~ "metastatic", "neoplasm" ~ "neoplasms"


def _stems(text: str) -> set[str]:
    return {w[:_STEM] for w in re.findall(r"[a-z]+", text.lower()) if len(w) >= 5}


def titles_and_inclusions(record: dict) -> list[str]:
    """The texts whose named kinds of disease may narrow a trial's split top condition
    (``narrowed_by_title``): its titles and its inclusion criteria (never its exclusions:
    "other malignancy" there names what the trial does not take)."""
    texts = [record.get("title"), record.get("official_title")]
    return texts + [c.get("text") for c in record.get("criteria") or ()
                    if isinstance(c, dict) and c.get("kind") == "inclusion" and isinstance(c.get("text"), str)]


def indexed_conditions(own: list[str], indexed: list[str], inside: list[str] = ()) -> list[str]:
    """The trial's condition concepts: those of its own conditions list, then those of the
    registry's MeSH terms that are not broader than one of its own or than a kind of disease
    inside its own names (``inside``: "Philadelphia Chromosome-Positive Chronic Myeloid
    Leukemia in Chronic Phase" is a CML). The registry files a CML trial also under
    "Leukemia" and a breast cancer trial under "Neoplasm Metastasis": those broader headings
    say what kind of disease it is, not that the trial takes every leukaemia or cancer (a
    T-ALL patient was offered both)."""
    from data.terminology import load_terminology  # start-up: the terminology once a record is imported

    terminology = load_terminology()
    kept = list(own)
    kinds = [*own, *inside]
    for concept in indexed:
        narrower = [mine for mine in kinds if mine != concept and terminology.is_a(mine, concept)]
        # a broader heading gives way to what the trial's own words name under it
        for found in narrower or [concept]:
            if found not in kept:
                kept.append(found)
    return kept


def supported_terms(terms: list[str], conditions: list[str], own_text: str) -> list[str]:
    """The registry's MeSH terms the trial's own words support. The indexer sometimes adds
    a term the study is not about (a multiple sclerosis study indexed "Neoplasm Metastasis"
    for "Progressive", which opened it to every cancer patient): a term is kept when its
    concept is the same as, above or below one the conditions name, or when a word of it
    appears in the trial's conditions, keywords or titles (every word, category heads aside,
    for a term naming another disease the terminology knows: "Urinary Bladder Neoplasms" on a
    gallbladder cancer trial shares only "bladder"); when the conditions name no concept at
    all, every term is kept (the terms are then all there is to go by). A term made of words
    the trial names only to exclude them ("Any Tumor Type Excluding Breast, Gastric,
    Colorectal Cancer": "Colorectal Neoplasms") is never kept."""
    from data.terminology import load_terminology  # start-up: the terminology once a record is imported

    excluded = {w[:_STEM] for w in excluded_words(own_text) if len(w) >= 5}   # "Excluding ... Colorectal Cancer"
    terms = [t for t in terms if not (_stems(t) & excluded)]
    listed = condition_concepts(conditions)
    if not listed:
        return terms
    terminology = load_terminology()
    around = set(listed)
    for concept in listed:
        if concept in terminology:
            around.update(terminology.ancestors(concept))
            around.update(terminology.descendants(concept))
    words = _stems(own_text)
    own_words = set(re.findall(r"[a-z]+", own_text.lower()))
    kept = []
    for term in terms:
        concepts = condition_concepts([term])
        if any(c in around for c in concepts):
            kept.append(term)
        elif _stems(term) & words and (not concepts or _named_in(term, own_words)):
            kept.append(term)
    return kept


def _named_in(term: str, own_words: set[str]) -> bool:
    """Every word of a MeSH term for a disease the trial's conditions do not name is in the
    trial's own words (inside one: "esophageal" in "gastroesophageal"), category heads
    ("Neoplasms") aside: one shared word is not enough ("Urinary Bladder Neoplasms" on a
    "Gall Bladder Carcinoma" trial is another disease)."""
    heads = {h[:_STEM] for h in category_heads()}
    return all(any(stem in word for word in own_words) for stem in _stems(term) - heads)
