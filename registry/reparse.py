"""Criteria of stored imported trials read again when the criteria reader changed.

Every imported record carries ``criteria_reader``, the version of the reader that wrote its
rules (``registry.reader_version``). ``stale`` finds the imported trials written by another
version (or by none: imported before the stamp existed); ``reread_record`` reads their
criteria again from the stored text (the registry's words are kept verbatim, so nothing is
fetched); ``reparse`` writes every changed one in one transaction. ``sync`` does this at
the end of each run, ``import --reparse`` on demand. Curated (bundled) trials are never
touched: their rules are the curator's.

The version covers the terminology, so a changed terminology makes every imported trial
stale too, and ``reread_record`` derives its condition concepts again (``rederive_conditions``)
from the stored registry names, MeSH terms and titles, the way the importer does: a name
the terminology learnt ("Larynx Cancer") becomes the trial's concept without fetching
anything; the MeSH headings' concepts the stored record kept are kept.

A change to how eligibility text is split into criteria (not to how a criterion is read)
needs the registry's text again: ``sync --full``.
"""
from __future__ import annotations

import json

import sqlite_utils

from data.condition_names import concepts_within, narrowed_by_title
from data.store import upsert_trials
from data.terminology import load_terminology
from data.trials import validate_record
from nlp.criteria.study_drugs import reading_study
from registry.concepts import condition_concepts
from registry.criteria_text import RuleParser, reader_stamp, reread, with_background_drugs
from registry.ctgov import indexed_conditions, supported_terms, titles_and_inclusions
from registry.workers import Readers


def imported(db: sqlite_utils.Database) -> list[dict]:
    """Every stored imported trial record, by id."""
    return [json.loads(row[0]) for row in db.execute("SELECT record FROM trials WHERE origin = 'import' ORDER BY id")]


def stale(db: sqlite_utils.Database, parse: RuleParser | None = None) -> list[dict]:
    """The imported trials whose rules another reader version wrote."""
    current = reader_stamp(parse)
    if current is None:
        return []   # a parser of the caller's own: no version to compare with
    return [r for r in imported(db) if r.get("criteria_reader") != current]


def reread_record(record: dict, parse: RuleParser | None = None) -> dict:
    """``record`` with its criteria read again, its condition concepts derived again and the
    current reader's stamp, validated."""
    with reading_study(record.get("interventions")):  # as the importer read them (registry.ctgov)
        criteria = with_background_drugs(reread(record["criteria"], parse), parse)
    out = dict(record, criteria=criteria, criteria_reader=reader_stamp(parse))
    out.update(rederive_conditions(out))
    return validate_record(out, f"reparse {record.get('id')}")


def rederive_conditions(record: dict) -> dict:
    """``conditions``, ``condition_terms`` and ``condition_ancestors`` of an imported record
    worked out again with the current terminology from what the record stores (the
    importer's steps, ``registry.ctgov``: the registry's names, the MeSH terms the trial's
    own words support, the title's narrowing). Empty for a record with no registry names
    (then nothing is changed). The MeSH ancestors are stored as concepts only: those the
    terminology still knows are kept."""
    texts = [t for t in record.get("conditions_text") or [] if isinstance(t, str)]
    if not texts:
        return {}
    titles = [record.get("title"), record.get("official_title")]
    own_text = " ".join([*texts, *(record.get("keywords") or []), *(t or "" for t in titles)])
    terms = supported_terms(list(record.get("condition_terms") or []), texts, own_text)
    conditions = indexed_conditions(condition_concepts(texts), condition_concepts(terms),
                                    [c for t in texts for c in concepts_within(t)])
    conditions = narrowed_by_title(conditions, titles_and_inclusions(record))
    terminology = load_terminology()
    ancestors = [c for c in record.get("condition_ancestors") or [] if c in terminology and c not in conditions]
    return {"conditions": conditions, "condition_terms": terms, "condition_ancestors": ancestors}


def reparse(db: sqlite_utils.Database, everything: bool = False, parse: RuleParser | None = None,
            workers: int = 1) -> list[str]:
    """Read again the criteria of the stale imported trials (``everything``: of all
    imported trials) and write the changed records in one transaction; the ids whose
    stored record changed (a new stamp alone counts). ``workers``: processes reading them
    (``registry.workers``; the same records with any number)."""
    records = imported(db) if everything else stale(db, parse)
    changed = []
    with Readers(parse, workers if len(records) > 1 else 1) as readers:
        for record, fresh in zip(records, readers.map((reread_record, (record,)) for record in records)):
            if fresh != record:
                changed.append(fresh)
    if changed:
        upsert_trials(db, changed, "import", validate=False)
    return [r["id"] for r in changed]
