"""data/search.py ``matching_rows``: the rows an FTS5 query matches, read without their BM25
(``matching.keywords.trials_naming`` wants only which trials name a word): the same rows
``phrase_scores`` ranks."""
from __future__ import annotations

from data import search
from data.store import open_store


def test_the_rows_matched_without_rank_are_the_rows_ranked(tmp_path):
    db = open_store(str(tmp_path / "t.db"))        # the bundled trials are loaded into it
    queries = ['"lupus"', '{title keywords} : ("relapsed" OR "refractory" OR "car")',
               '"cd19" OR "nephritis"', '{title keywords} : ("no such word anywhere")']
    matched = 0
    for query in queries:
        rows = search.matching_rows(db, query)
        assert sorted(rows) == sorted(search.phrase_scores(db, query))
        matched += len(rows)
    assert matched > 0
