"""Full-text search over the stored trials (SQLite FTS5 through sqlite-utils): each trial's
title, conditions (the registry's names, MeSH terms and concept labels), keywords and
criteria text in ``trial_text``, indexed by ``trial_text_fts`` and kept in step by
triggers. Ranking reads BM25 (``matching.keywords``); columns are weighted so a word in the
title or the conditions counts more than one deep in the criteria.

``trial_terms`` keeps, per term of the index and row holding it, the term's count in each
column, written with the rows (``index``, ``forget``) from FTS5's own tokens (the rows
tokenized by a temporary FTS5 table with the same tokenizer): the ranking computes BM25 from
it (``data/bm25.py``) over the query words' rows alone, the same numbers as FTS5's
``bm25()`` to the bit, without FTS5 ranking every row holding a common word (45-110 ms a turn
at 100,000 trials). The FTS5 table stays: phrase searches (``matching_rows``), the reference
scores (``phrase_scores``), a query word FTS5 reads as a phrase."""
from __future__ import annotations

import json
import sys

import sqlite_utils

from data.rule_nodes import walk_criteria
from data.terminology import load_terminology

COLUMNS = ("title", "conditions", "keywords", "criteria")
WEIGHTS = "bm25(10.0, 6.0, 3.0, 1.0)"       # per column of COLUMNS (the id is not indexed)


TOKENIZE = "porter"
TERMS = "trial_terms"


def create(db: sqlite_utils.Database) -> None:
    """The table, its FTS5 index (porter stemming) and the weighted rank."""
    db["trial_text"].create({"trial_id": str, **{c: str for c in COLUMNS}}, pk="trial_id")
    db["trial_text"].enable_fts(list(COLUMNS), fts_version="FTS5", create_triggers=True, tokenize=TOKENIZE)
    db.execute(f"INSERT INTO trial_text_fts(trial_text_fts, rank) VALUES ('rank', '{WEIGHTS}')")
    create_terms(db)


def create_terms(db: sqlite_utils.Database) -> None:
    """``trial_terms``: a term, a row of ``trial_text`` holding it, its count per column."""
    db.execute(f"CREATE TABLE IF NOT EXISTS {TERMS} (term TEXT NOT NULL, doc INTEGER NOT NULL, "
               + ", ".join(f"{c} INTEGER NOT NULL" for c in COLUMNS) + ", PRIMARY KEY (term, doc)) WITHOUT ROWID")


def fill_terms(db: sqlite_utils.Database) -> None:
    """``trial_terms`` of every row, from the FTS5 index itself (a store made before it)."""
    conn = db.conn
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.trial_text_instances USING fts5vocab(main, trial_text_fts, instance)")
    conn.execute(f"DELETE FROM {TERMS}")
    conn.execute(f"INSERT INTO {TERMS} SELECT term, doc, {_COUNTS} FROM temp.trial_text_instances GROUP BY term, doc")


_COUNTS = ", ".join(f"sum(col = '{c}')" for c in COLUMNS)


def _tokens(db: sqlite_utils.Database, rowids: list[int]) -> None:
    """The rows ``rowids`` of ``trial_text`` tokenized by a temporary FTS5 table with the
    index's tokenizer (its terms in ``temp.trial_text_tokens_vocab``)."""
    conn = db.conn
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.trial_text_tokens USING fts5("
                 + ", ".join(COLUMNS) + f", tokenize='{TOKENIZE}')")
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.trial_text_tokens_vocab USING fts5vocab(temp, trial_text_tokens, instance)")
    conn.execute("DELETE FROM temp.trial_text_tokens")
    conn.execute(f"INSERT INTO temp.trial_text_tokens (rowid, {', '.join(COLUMNS)}) SELECT rowid, {', '.join(COLUMNS)} "
                 "FROM trial_text WHERE rowid IN (SELECT value FROM json_each(?))", [json.dumps(rowids)])


def _terms_of(db: sqlite_utils.Database, trial_ids: list[str], add: bool) -> None:
    """Write (``add``) or remove the ``trial_terms`` rows of these trials' text rows."""
    if not trial_ids:
        return
    rowids = [rowid for (rowid,) in db.execute(
        "SELECT rowid FROM trial_text WHERE trial_id IN (SELECT value FROM json_each(?))", [json.dumps(trial_ids)])]
    if not rowids:
        return
    _tokens(db, rowids)
    if add:
        db.conn.execute(f"INSERT OR REPLACE INTO {TERMS} SELECT term, doc, {_COUNTS} "
                        "FROM temp.trial_text_tokens_vocab GROUP BY term, doc")
    else:
        db.conn.execute(f"DELETE FROM {TERMS} WHERE (term, doc) IN (SELECT term, doc FROM temp.trial_text_tokens_vocab)")
    db.conn.execute("DELETE FROM temp.trial_text_tokens")


def text_row(record: dict) -> dict[str, str]:
    """The searchable text of a record."""
    terminology = load_terminology()
    labels = [terminology.label(c) for c in record.get("conditions") or [] if c in terminology]
    conditions = [*(record.get("conditions_text") or []), *(record.get("condition_terms") or []), *labels]
    return {
        "trial_id": record["id"],
        "title": " ".join(filter(None, [record.get("title"), record.get("official_title"), record.get("acronym")])),
        "conditions": " ; ".join(conditions),
        "keywords": " ; ".join(record.get("keywords") or []),
        "criteria": " ".join(c.get("text") or "" for c in walk_criteria(record.get("criteria") or [])),
    }


def index(db: sqlite_utils.Database, records: list[dict]) -> None:
    """Write the searchable text of ``records`` (their old rows replaced), and their terms."""
    ids = [r["id"] for r in records]
    _terms_of(db, ids, add=False)
    db["trial_text"].upsert_all([text_row(r) for r in records], pk="trial_id")
    _terms_of(db, ids, add=True)


def forget(db: sqlite_utils.Database, trial_ids: list[str]) -> None:
    """Delete these trials' searchable text and their terms."""
    _terms_of(db, trial_ids, add=False)
    db.conn.executemany("DELETE FROM trial_text WHERE trial_id = ?", [(t,) for t in trial_ids])


def search(db: sqlite_utils.Database, query: str) -> dict[str, float]:
    """BM25 relevance (higher is better, the weighted ``rank`` of ``create``) of every trial
    matching an FTS5 ``query``. Read straight from the index sqlite-utils built (its
    ``Table.search`` makes a dict per row: thousands of matches cost tens of ms a turn)."""
    rows = db.execute(
        "SELECT trial_text.trial_id, trial_text_fts.rank FROM trial_text_fts "
        "JOIN trial_text ON trial_text.rowid = trial_text_fts.rowid WHERE trial_text_fts MATCH ?", [query])
    return {trial_id: -rank for trial_id, rank in rows}


def phrase_scores(db: sqlite_utils.Database, phrase: str, rowids: list[int] | None = None) -> dict[int, float]:
    """One quoted phrase's BM25 share (the weighted ``rank``) of every row containing it, by
    rowid; with ``rowids``, of those rows only (the rank, BM25 over the whole table, is the
    same; computing it is most of a query's cost, so a turn reads only its candidates').
    FTS5's BM25 of an OR of phrases is the sum of each phrase's share, so a query's scores
    can be summed from its phrases' (``matching.keywords`` remembers them per word)."""
    if rowids is None:
        rows = db.execute("SELECT rowid, rank FROM trial_text_fts WHERE trial_text_fts MATCH ?", [phrase])
    else:       # "+rowid": filtered after the match (a plain rowid IN makes FTS5 look up each row: 30x slower)
        rows = db.execute("SELECT rowid, rank FROM trial_text_fts WHERE trial_text_fts MATCH ? "
                          "AND +rowid IN (SELECT value FROM json_each(?))", [phrase, json.dumps(rowids)])
    return {rowid: -rank for rowid, rank in rows}


def matching_rows(db: sqlite_utils.Database, query: str) -> list[int]:
    """The rowids of every row matching an FTS5 ``query``, without their rank: the same
    rows ``phrase_scores`` gives, at a quarter of the cost when only which rows match is
    wanted (100,000 rows matching status words in their titles: 150 -> 40 ms)."""
    return [rowid for (rowid,) in db.execute("SELECT rowid FROM trial_text_fts WHERE trial_text_fts MATCH ?", [query])]


def trial_ids(db: sqlite_utils.Database) -> dict[int, str]:
    """The trial id of every row of ``trial_text``, by rowid."""
    intern = sys.intern         # one string per id, shared with the catalog's caches
    return {rowid: intern(trial_id) for rowid, trial_id in db.execute("SELECT rowid, trial_id FROM trial_text")}

