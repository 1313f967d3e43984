"""Our BM25 (``data/bm25.py``, from the store's ``trial_terms``) against FTS5's ``bm25()``
on a store's full-text index: per word, equal scores and ranking, and the CPU time of each.

``python -m benchmarks.bm25 --db PATH WORD...`` prints one JSON object per word: ``rows``,
``exact`` (equal to the bit), ``within_1e-9``, ``same_ranking``, ``own_ms`` (reading the
word's counts and scoring them; the index sizes are read once before) and ``fts5_ms``
(FTS5's rank of every row holding the word). Numbers in docs/benchmarks.md (round 15).

Example: python -m benchmarks.bm25 --db /tmp/t10k.db active infection lupus
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from typing import Any

from data import bm25, search


def ranking(scores: dict[int, float]) -> list[int]:
    """Rows best first (ties by rowid)."""
    return sorted(scores, key=lambda rowid: (-scores[rowid], rowid))


def compare(db: Any, words: list[str]) -> list[dict[str, Any]]:
    found = bm25.sizes(db)
    out = []
    for word in words:
        began = time.process_time()
        shares = bm25.word_scores(db, word, found)
        mine = None if shares is None else dict(zip(shares[0].tolist(), shares[1].tolist()))
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
    parser.add_argument("--db", required=True, help="a trialbot database (with trial_terms)")
    parser.add_argument("words", nargs="+")
    args = parser.parse_args(argv)
    conn = sqlite3.connect(args.db)
    try:
        for row in compare(conn, args.words):
            print(json.dumps(row))
    finally:
        conn.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
