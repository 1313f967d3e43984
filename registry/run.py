"""One import run: read every file, merge the records of one study, merge each study into
the store's copy when it has one, then write all of it in one transaction.

Reading comes first and is all-or-nothing: the first bad file raises ``DataError`` and
nothing is written. ``plan`` decides, without writing, what each resulting trial is:

* ``new``: no stored trial describes the study;
* ``merged``: a stored trial does, and this run brings a source it did not have;
* ``updated``: a stored trial does, from the same sources, and its record changes;
* ``unchanged``: re-importing changed nothing (imports are idempotent).

A study already stored as a curated (bundled) record keeps the curator's data; the import
only fills its gaps and the record stays ``bundled`` (so a later change to the data files
rebuilds it from the files; see docs/importing.md).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterator

import sqlite_utils

from core.rules import copy_rule
from data.errors import DataError
from data.store import all_trial_records, list_trials, upsert_trials
from data.trials import validate_record
from nlp.criteria.study_drugs import current_study_drugs
from nlp.pipeline import CriteriaReadings, criteria_readings
from registry import ctgov, page
from registry.criteria_text import RuleParser, default_rule_parser
from registry.merge import merge_pair, merge_run, same_study
from registry.workers import Readers, peek

JSON_SUFFIXES = (".json",)


@dataclass
class Outcome:
    record: dict
    action: str            # new | merged | updated | unchanged
    origin: str            # the origin the record is stored under
    records: int           # how many records of this run went into it

    @property
    def label(self) -> str:
        sources = len(self.record["sources"])
        if self.action == "new" and sources > 1:
            return f"new (merged {sources} sources)"
        return self.action


def _looks_like_json(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            head = handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return False
    return head[:1] in (b"{", b"[")


def read_file(path: Path | str, parse: RuleParser | None = None) -> list[dict]:
    """The records of one file: CT.gov JSON (``.json``, or text starting with ``{``/``[``)
    or a registry page saved as text."""
    return list(iter_file(path, parse))


def iter_file(path: Path | str, parse: RuleParser | None = None, found: Callable[[int], None] | None = None) -> Iterator[dict]:
    """``read_file``, one record at a time (criteria parsed as each study is read);
    ``found(n)`` is told how many studies the file holds before the first is read."""
    for function, args in file_jobs(path, found):
        yield function(*args, parse)


def file_jobs(path: Path | str, found: Callable[[int], None] | None = None) -> Iterator[tuple[Callable[..., dict], tuple]]:
    """The reading of one file's studies as jobs ``(function, args)``, each a record when
    called as ``function(*args, parse)``: the file itself is read here (a file that cannot
    be read raises DataError), a study's criteria only when its job runs."""
    path = Path(path)
    if not path.exists():
        raise DataError(str(path), "no such file")
    if path.is_dir():
        raise DataError(str(path), "is a directory, not a file")
    if path.suffix.lower() in JSON_SUFFIXES or _looks_like_json(path):
        studies = ctgov.studies_in(ctgov.read_json_file(path), path.name)
        if found is not None:
            found(len(studies))
        for where, study in studies:
            yield ctgov.study_to_record, (study, path.name, where)
        return
    if found is not None:
        found(1)
    yield _page_record, (path,)


def _page_record(path: Path, parse: RuleParser | None) -> dict:
    (record,) = page.import_file(path, parse)
    return record


def read_files(paths: list[Path | str], parse: RuleParser | None = None, progress: bool = False,
               workers: int = 1) -> list[dict]:
    """The records of every file, in order; the first bad file raises DataError.
    ``progress``: a progress bar on stderr counting studies (tqdm), for long imports.
    ``workers``: processes reading the studies (``registry.workers``; 1: this one); the
    records are the same, in the same order, with any number."""
    from tqdm import tqdm

    parse = parse or remembering(default_rule_parser())
    records: list[dict] = []
    total, bars = [0], []

    def found(count: int) -> None:
        total[0] += count
        for bar in bars:
            bar.total = total[0]
            bar.refresh()

    first, jobs = peek((job for path in paths for job in file_jobs(path, found)), 2)
    with Readers(parse, workers if len(first) == 2 else 1) as readers:   # no workers for one study
        readers.start()                   # (forked before the bar's thread)
        with tqdm(total=total[0], unit="trials", desc="reading", disable=not progress, leave=False) as bar:
            bars.append(bar)
            for record in readers.map(jobs):
                records.append(record)
                bar.update(1)
    return records


def remembering(parse: RuleParser) -> RuleParser:
    """``parse``, each distinct criterion (text and kind, on one day) read once in a run:
    registries repeat boilerplate ("Pregnancy", "Other protocol-defined Inclusion/Exclusion
    criteria apply") across studies. Every caller gets its own copy of the rule."""
    memo: dict[tuple, dict] = {}
    readings = CriteriaReadings()   # the pipeline's reading of each text, whatever the study's drugs (round 34)

    @functools.wraps(parse)              # __wrapped__: the reader whose version the records carry
    def remembered(text: str, kind: str) -> dict:
        key = (text, kind, date.today(), current_study_drugs())   # "the study drug" is each record's own
        rule = memo.get(key)
        if rule is None:
            with criteria_readings(readings):
                rule = memo[key] = parse(text, kind)
        return _copied(rule, {})

    return remembered


# ``copy.deepcopy`` for a rule, quicker (core/rules.py, shared with the record checks)
_copied = copy_rule


def plan(records: list[dict], existing: list[tuple[dict, str]]) -> list[Outcome]:
    """What the run does to the store (``existing``: stored (record, origin) pairs).
    ``records`` are read records (``read_files``, validated as each was read): a new study
    from one record is not validated again, one merged from several records (and every
    merge into a stored trial) is."""
    current = {stored["id"]: (stored, origin) for stored, origin in existing}
    originals = dict(current)
    order: list[str | Outcome] = []     # stored ids and new outcomes, in input order
    counts: dict[str, int] = {}         # stored id -> records of this run merged into it
    for record, count in merge_run(records):
        match = _find(record, list(current.values()))
        if match is None:
            record = dict(record, id=_free_id(record["id"], current, order))
            if count > 1:
                record = validate_record(record, f"import {record['id']}")
            order.append(Outcome(record, "new", "import", count))
            continue
        stored, origin = match
        merged = validate_record(merge_pair(stored, record, origin), f"import {stored['id']}")
        current[stored["id"]] = (merged, origin)
        if stored["id"] not in counts:
            order.append(stored["id"])
        counts[stored["id"]] = counts.get(stored["id"], 0) + count
    outcomes = []
    for entry in order:
        if isinstance(entry, Outcome):
            outcomes.append(entry)
            continue
        (merged, origin), original = current[entry], originals[entry][0]
        if merged == original:
            action = "unchanged"
        elif set(merged["sources"]) - set(original["sources"]):
            action = "merged"
        else:
            action = "updated"
        outcomes.append(Outcome(merged, action, "bundled" if origin == "bundled" else "import", counts[entry]))
    return outcomes


def _free_id(wanted: str, stored: dict, order: list) -> str:
    """``wanted``, or ``wanted-2``, ``wanted-3`` ... when another study already has that id
    (two different studies with the same title, and no NCT number)."""
    taken = set(stored) | {o.record["id"] for o in order if isinstance(o, Outcome)}
    candidate, n = wanted, 1
    while candidate in taken:
        n += 1
        candidate = f"{wanted}-{n}"
    return candidate


def _find(record: dict, existing: list[tuple[dict, str]]) -> tuple[dict, str] | None:
    """The stored trial describing the same study (an NCT match first)."""
    reasons = [(same_study(stored, record), stored, origin) for stored, origin in existing]
    found = [(reason != "nct", stored["id"], stored, origin) for reason, stored, origin in reasons if reason]
    if not found:
        return None
    found.sort(key=lambda item: item[:2])
    return found[0][2], found[0][3]


def stored_trials(db: sqlite_utils.Database) -> list[tuple[dict, str]]:
    origins = {row["id"]: row["origin"] for row in list_trials(db)}
    return [(record, origins[record["id"]]) for record in all_trial_records(db)]


def apply(db: sqlite_utils.Database, outcomes: list[Outcome]) -> None:
    """Write every changed trial in one transaction: all of them or none."""
    changed = [o for o in outcomes if o.action != "unchanged"]
    with db.atomic():
        for origin in ("bundled", "import"):
            records = [o.record for o in changed if o.origin == origin]
            if records:
                upsert_trials(db, records, origin, validate=False)
