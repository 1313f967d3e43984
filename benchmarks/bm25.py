"""BM25 of our own from the term frequencies the full-text index stores, against FTS5's
``bm25()`` (issue #14): the reference for a ranking that would read stored postings instead
of asking FTS5 to rank.

The ranking (``matching.keywords``) asks SQLite FTS5 (built by sqlite-utils,
``data/search.py``) for BM25 with the column weights of ``data.search.WEIGHTS``. FTS5 scores
a row for a query of phrases as the sum, phrase after phrase, of

    idf * (f * (k1 + 1)) / (f + k1 * (1 - b + b * D / avgdl))     k1 = 1.2, b = 0.75

where ``f`` is the phrase's weighted frequency in the row (each occurrence counts its
column's weight), ``D`` the row's length in tokens (all columns, unweighted), ``avgdl`` the
index's total tokens over its rows, and ``idf = log((N - n + 0.5) / (n + 0.5))`` (at least
1e-6) for ``N`` rows of which ``n`` hold the phrase. Here the same is computed with numpy
from what the index stores: the rows' sizes (``<table>_docsize``), the totals (the
"averages" record of ``<table>_data``) and each term's occurrences by row and column
(``fts5vocab`` of type ``instance``); a query word is turned into FTS5's term by FTS5's own
tokenizer (porter over unicode61, in an in-memory table). The scores are the same to the
bit (``compare``; tests/test_h68_round15.py on the 241 registry records and a synthetic
catalog).

Measured (``python -m benchmarks.bm25 --db DB WORD...``, docs/benchmarks.md, round 15):
reading a term's occurrences through ``fts5vocab`` costs as much as FTS5's own ranking of
the same rows (at 100,000 trials 28-120 ms for a common word, FTS5 48-109 ms), so the
ranking still asks FTS5; a faster one needs the postings stored at import in a table of
their own (one row per term: row numbers and weighted frequencies as arrays), which this
module's formula would then score.
"""
from __future__ import annotations

import argparse
import json
import math
import re
import sqlite3
import sys
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from data import search

K1, B = 1.2, 0.75           # FTS5's bm25() constants (ext/fts5/fts5_aux.c)
MIN_IDF = 1e-6              # FTS5's floor for a phrase in more than half of the rows
TABLE = "trial_text_fts"
VOCAB = "trial_text_vocab"


def weights() -> dict[str, float]:
    """Column -> weight, as ``data.search.WEIGHTS`` gives FTS5's rank."""
    values = [float(v) for v in re.findall(r"[-\d.]+", search.WEIGHTS.partition("(")[2])]
    return dict(zip(search.COLUMNS, values + [1.0] * (len(search.COLUMNS) - len(values))))


def _varints(blob: bytes) -> list[int]:
    """SQLite's variable-length integers, one after another (FTS5's sizes and totals)."""
    out, i = [], 0
    while i < len(blob):
        value = 0
        for k in range(9):
            byte = blob[i]
            i += 1
            if k == 8:
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        out.append(value)
    return out


@dataclass
class Sizes:
    rows: int                   # N: rows in the index
    average: float              # avgdl: tokens over rows
    lengths: np.ndarray         # D by rowid (tokens of every column)


def sizes(db: Any) -> Sizes:
    """What FTS5 reads for every query: the row count and token totals ("averages", record 1
    of the data table) and each row's size (the docsize table)."""
    conn = getattr(db, "conn", db)
    totals = _varints(conn.execute(f"SELECT block FROM {TABLE}_data WHERE id = 1").fetchone()[0])
    rows, tokens = totals[0], sum(totals[1:])
    found = conn.execute(f"SELECT id, sz FROM {TABLE}_docsize").fetchall()
    lengths = np.zeros(max((rowid for rowid, _ in found), default=0) + 1)
    for rowid, size in found:
        lengths[rowid] = sum(_varints(size))
    return Sizes(rows, tokens / rows if rows else 0.0, lengths)


_TOKENIZER_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _tokenizer() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    conn.execute("CREATE VIRTUAL TABLE words USING fts5(word, tokenize='porter')")
    conn.execute("CREATE VIRTUAL TABLE word_terms USING fts5vocab(words, instance)")
    return conn


@lru_cache(maxsize=4096)
def terms(word: str) -> tuple[str, ...]:
    """FTS5's terms of a query word (porter over unicode61, as ``data.search.create``)."""
    with _TOKENIZER_LOCK:
        conn = _tokenizer()
        conn.execute("DELETE FROM words")
        conn.execute("INSERT INTO words (word) VALUES (?)", [word])
        return tuple(term for (term,) in conn.execute("SELECT term FROM word_terms ORDER BY offset"))


def postings(db: Any, term: str) -> tuple[np.ndarray, np.ndarray]:
    """The rows holding ``term`` (ascending rowids) and its weighted frequency in each."""
    conn = getattr(db, "conn", db)
    conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{VOCAB} USING fts5vocab(main, {TABLE}, instance)")
    weight = weights()
    counts = None
    for column, docs in conn.execute(f"SELECT col, group_concat(doc) FROM temp.{VOCAB} WHERE term = ? GROUP BY col", [term]):
        found = np.bincount(np.array(docs.split(","), dtype=np.int64))
        part = found * weight[column]
        counts = part if counts is None else _add(counts, part)
    if counts is None:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    rows = np.flatnonzero(counts)
    return rows, counts[rows]


def _add(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if len(a) < len(b):
        a, b = b, a
    out = a.copy()
    out[:len(b)] += b
    return out


def word_scores(db: Any, word: str, found: Sizes | None = None) -> dict[int, float] | None:
    """The word's BM25 share by rowid (FTS5's ``rank`` of the phrase ``"word"``, negated),
    from the stored postings; None for a word FTS5 reads as several terms (a phrase)."""
    words = terms(word)
    if len(words) > 1:
        return None
    if not words:
        return {}
    found = found if found is not None else sizes(db)
    rows, frequency = postings(db, words[0])
    hits = len(rows)
    idf = math.log((found.rows - hits + 0.5) / (hits + 0.5))
    if idf <= 0.0:
        idf = MIN_IDF
    scores = idf * ((frequency * (K1 + 1.0)) / (frequency + K1 * (1 - B + B * found.lengths[rows] / found.average)))
    return dict(zip(rows.tolist(), scores.tolist()))


def query_scores(db: Any, words: list[str], found: Sizes | None = None) -> dict[int, float] | None:
    """An OR query's BM25 by rowid: the words' shares added in the query's order, as FTS5
    adds its phrases' (None when a word is a phrase)."""
    found = found if found is not None else sizes(db)
    totals: dict[int, float] = {}
    for word in words:
        scores = word_scores(db, word, found)
        if scores is None:
            return None
        for rowid, score in scores.items():
            totals[rowid] = totals.get(rowid, 0.0) + score
    return totals


def ranking(scores: dict[int, float]) -> list[int]:
    """Rows best first (ties by rowid)."""
    return sorted(scores, key=lambda rowid: (-scores[rowid], rowid))


def compare(db: Any, words: list[str]) -> list[dict[str, Any]]:
    """Per word: rows, whether our scores equal FTS5's (to the bit, and within 1e-9), the
    same ranking, and the CPU ms of each (ours includes reading the sizes once before)."""
    found = sizes(db)
    out = []
    for word in words:
        began = time.process_time()
        mine = word_scores(db, word, found)
        own_ms = (time.process_time() - began) * 1000
        began = time.process_time()
        theirs = search.phrase_scores(db, '"' + word.replace('"', "") + '"')
        fts_ms = (time.process_time() - began) * 1000
        if mine is None:
            out.append({"word": word, "phrase": True})
            continue
        same_rows = set(mine) == set(theirs)
        out.append({
            "word": word, "rows": len(theirs),
            "exact": same_rows and all(mine[r] == theirs[r] for r in theirs),
            "within_1e-9": same_rows and all(abs(mine[r] - theirs[r]) <= 1e-9 for r in theirs),
            "same_ranking": ranking(mine) == ranking(theirs),
            "own_ms": round(own_ms, 2), "fts5_ms": round(fts_ms, 2),
        })
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Our BM25 against FTS5's on a store's full-text index.")
    parser.add_argument("--db", required=True, help="a trialbot database")
    parser.add_argument("words", nargs="+")
    args = parser.parse_args(argv)
    conn = sqlite3.connect(args.db)
    try:
        json.dump(compare(conn, args.words), sys.stdout, indent=1)
        print()
    finally:
        conn.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
