"""Criteria of stored imported trials read again when the criteria reader changed.

Every imported record carries ``criteria_reader``, the version of the reader that wrote its
rules (``registry.reader_version``). ``stale`` finds the imported trials written by another
version (or by none: imported before the stamp existed); ``reread_record`` reads their
criteria again from the stored text (the registry's words are kept verbatim, so nothing is
fetched); ``reparse`` writes every changed one in one transaction. ``sync`` does this at
the end of each run, ``import --reparse`` on demand. Curated (bundled) trials are never
touched: their rules are the curator's.

A change to how eligibility text is split into criteria (not to how a criterion is read)
needs the registry's text again: ``sync --full``.
"""
from __future__ import annotations

import json

import sqlite_utils

from data.store import upsert_trials
from data.trials import validate_record
from registry.criteria_text import RuleParser, reader_stamp, reread


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
    """``record`` with its criteria read again and the current reader's stamp, validated."""
    out = dict(record, criteria=reread(record["criteria"], parse), criteria_reader=reader_stamp(parse))
    return validate_record(out, f"reparse {record.get('id')}")


def reparse(db: sqlite_utils.Database, everything: bool = False, parse: RuleParser | None = None) -> list[str]:
    """Read again the criteria of the stale imported trials (``everything``: of all
    imported trials) and write the changed records in one transaction; the ids whose
    stored record changed (a new stamp alone counts)."""
    records = imported(db) if everything else stale(db, parse)
    changed = []
    for record in records:
        fresh = reread_record(record, parse)
        if fresh != record:
            changed.append(fresh)
    if changed:
        upsert_trials(db, changed, "import", validate=False)
    return [r["id"] for r in changed]
