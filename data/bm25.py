"""BM25 of our own from the term counts the store keeps (``trial_terms``, ``data/search.py``),
the same numbers as FTS5's ``bm25()`` with the weights of ``data.search.WEIGHTS`` (issue #14).

FTS5 scores a row for a query of phrases as the sum, phrase after phrase, of

    idf * (f * (k1 + 1)) / (f + k1 * (1 - b + b * D / avgdl))     k1 = 1.2, b = 0.75

where ``f`` is the phrase's weighted frequency in the row (each occurrence counts its
column's weight), ``D`` the row's length in tokens (every column, unweighted), ``avgdl`` the
index's tokens over its rows, and ``idf = log((N - n + 0.5) / (n + 0.5))`` (at least 1e-6)
for ``N`` rows of which ``n`` hold the phrase (ext/fts5/fts5_aux.c). Here: ``N`` and the
token total from the index's "averages" record, ``D`` from its docsize table (what FTS5
itself reads), ``f`` and ``n`` from ``trial_terms``, and each step in FTS5's order in
float64, so the scores are equal to the bit (tests/test_h68_round15.py: the 241 registry
records and a synthetic catalog). With whole-number weights a weighted count is exact in
any order of addition; other weights are refused (``weights``).

Why not ask FTS5 (sqlite-utils' full-text search, which the store still builds and keeps):
FTS5 ranks by walking each occurrence of the word in every row holding it and looking up the
row's size, 45-110 ms for a common word at 100,000 trials; here a word's rows are one range
of ``trial_terms`` read as two strings, and the formula runs with numpy over them.
"""
from __future__ import annotations

import json
import math
import re
import sqlite3
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from data.search import COLUMNS, TERMS, TOKENIZE, WEIGHTS

K1, B = 1.2, 0.75           # FTS5's bm25() constants
MIN_IDF = 1e-6              # FTS5's floor for a word in more than half of the rows
FTS = "trial_text_fts"


@lru_cache(maxsize=1)
def weights() -> tuple[int, ...]:
    """The column weights of ``WEIGHTS``, in ``COLUMNS`` order; whole numbers only."""
    values = [float(v) for v in re.findall(r"[-\d.]+", WEIGHTS.partition("(")[2])]
    values += [1.0] * (len(COLUMNS) - len(values))
    if any(v != int(v) for v in values):
        raise ValueError(f"{WEIGHTS}: BM25 from stored counts needs whole-number weights")
    return tuple(int(v) for v in values)


def _varints(blob: bytes) -> list[int]:
    """SQLite's variable-length integers one after another (FTS5's sizes and totals)."""
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
    lengths: np.ndarray         # D by rowid (tokens in every column)


def sizes(db: Any) -> Sizes:
    """The row count, token total and each row's size, as FTS5 reads them for a query."""
    conn = getattr(db, "conn", db)
    found = conn.execute(f"SELECT block FROM {FTS}_data WHERE id = 1").fetchone()
    totals = _varints(found[0]) if found else [0]
    rows, tokens = totals[0], sum(totals[1:])
    sized = conn.execute(f"SELECT id, sz FROM {FTS}_docsize").fetchall()
    lengths = np.zeros(max((rowid for rowid, _ in sized), default=0) + 1)
    if sized:
        lengths[np.fromiter((rowid for rowid, _ in sized), dtype=np.int64, count=len(sized))] = [
            sum(_varints(size)) for _, size in sized]
    return Sizes(rows, tokens / rows if rows else 0.0, lengths)


_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _tokenizer() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    conn.execute(f"CREATE VIRTUAL TABLE words USING fts5(word, tokenize='{TOKENIZE}')")
    conn.execute("CREATE VIRTUAL TABLE word_terms USING fts5vocab(words, instance)")
    return conn


@lru_cache(maxsize=8192)
def terms(word: str) -> tuple[str, ...]:
    """The index's terms of a query word, by FTS5's own tokenizer (``"Infections"``:
    ``("infect",)``; ``"anti-dsDNA"``: two terms, a phrase)."""
    with _LOCK:
        conn = _tokenizer()
        conn.execute("DELETE FROM words")
        conn.execute("INSERT INTO words (word) VALUES (?)", [word])
        return tuple(term for (term,) in conn.execute("SELECT term FROM word_terms ORDER BY offset"))


def postings(db: Any, term: str, among: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The rows holding ``term`` and its weighted count in each; with ``among`` (rowids),
    of those rows only (one look-up each: cheaper than every row for a few thousand)."""
    weighted = " + ".join(f"{column} * {weight}" for column, weight in zip(COLUMNS, weights()))
    sql = f"SELECT group_concat(doc), group_concat({weighted}) FROM {TERMS} WHERE term = ?"
    if among is None:
        found = getattr(db, "conn", db).execute(sql, [term]).fetchone()
    else:
        found = getattr(db, "conn", db).execute(sql + " AND doc IN (SELECT value FROM json_each(?))",
                                                [term, json.dumps(among.tolist())]).fetchone()
    rows, counts = found
    if rows is None:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    return np.fromstring(rows, dtype=np.int64, sep=","), np.fromstring(counts, dtype=np.int64, sep=",").astype(np.float64)


def hits(db: Any, term: str) -> int:
    """How many rows hold ``term`` (BM25's ``n``)."""
    return getattr(db, "conn", db).execute(f"SELECT count(*) FROM {TERMS} WHERE term = ?", [term]).fetchone()[0]


def scores_of(rows: np.ndarray, counts: np.ndarray, found: Sizes, held: int | None = None) -> np.ndarray:
    """FTS5's BM25 share of one term in each of ``rows`` (``counts``: its weighted counts;
    ``held``: how many rows of the index hold it, when ``rows`` are not all of them)."""
    held = len(rows) if held is None else held
    idf = math.log((found.rows - held + 0.5) / (held + 0.5))
    if idf <= 0.0:
        idf = MIN_IDF
    return idf * ((counts * (K1 + 1.0)) / (counts + K1 * (1 - B + B * found.lengths[rows] / found.average)))


def word_hits(db: Any, word: str) -> int | None:
    """How many rows hold the word (None when FTS5 reads it as a phrase)."""
    words = terms(word)
    if len(words) > 1:
        return None
    return hits(db, words[0]) if words else 0


def word_scores(db: Any, word: str, found: Sizes | None = None, among: np.ndarray | None = None,
                held: int | None = None) -> tuple[np.ndarray, np.ndarray] | None:
    """The word's rows and BM25 shares (FTS5's ``rank`` of the phrase ``"word"``, negated),
    of every row holding it or of those among ``among`` (rowids; ``held``: ``word_hits``
    when known); None when FTS5 reads the word as several terms (a phrase: ask FTS5)."""
    words = terms(word)
    if len(words) > 1:
        return None
    if not words:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    found = found if found is not None else sizes(db)
    rows, counts = postings(db, words[0], among)
    if among is not None and held is None:
        held = hits(db, words[0])
    return rows, scores_of(rows, counts, found, held)


def query_scores(db: Any, words: list[str], found: Sizes | None = None) -> dict[int, float] | None:
    """An OR query's BM25 by rowid: the words' shares added in the query's order, as FTS5
    adds its phrases' (None when a word is a phrase)."""
    found = found if found is not None else sizes(db)
    totals: dict[int, float] = {}
    for word in words:
        shares = word_scores(db, word, found)
        if shares is None:
            return None
        for rowid, score in zip(shares[0].tolist(), shares[1].tolist()):
            totals[rowid] = totals.get(rowid, 0.0) + score
    return totals
