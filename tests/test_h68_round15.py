"""Round 15 (h68): criteria read without the conversation-only steps give the same rules;
our BM25 from the index's stored term frequencies equals FTS5's bm25()."""
from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
import sqlite_utils

from data import bm25, search

CTGOV = Path(__file__).resolve().parents[2] / "shared" / "ctgov"


def _ctgov_files():
    files = sorted(CTGOV.glob("NCT*.json"))
    if not files:
        pytest.skip("needs the real registry records of ../shared/ctgov")
    return files


# --- criteria: no speaker, no question and answer, no request --------------------------------

def test_criteria_extraction_without_conversation_steps_gives_the_same_facts_on_criterion_texts():
    from nlp.pipeline import extract_with_doc

    texts = [
        "Patients with active hepatitis B or C infection",
        "Prior treatment with rituximab within 6 months",
        "Pregnant or breastfeeding women",
        "Platelets >= 50 x 10^9/L",
    ]
    for text in texts:
        with_steps, _ = extract_with_doc(text)
        without, _ = extract_with_doc(text, conversation=False)
        assert without == with_steps, text


def test_a_criterion_has_no_writer():
    from nlp.pipeline import extract_with_doc

    facts, _ = extract_with_doc("my son has lupus", conversation=False)
    assert not any(f.label == "SEX" for f in facts)        # no relative writes a criterion
    facts, _ = extract_with_doc("my son has lupus")
    assert any(f.label == "SEX" and f.concept == "male" for f in facts)


def test_the_241_registry_records_read_the_same_without_the_conversation_steps(monkeypatch):
    """Every criterion of the real records: the rules read with the patient-text steps
    (speaker, questions and answers, requests) equal those read without them."""
    from nlp.criteria import parser
    from nlp import pipeline
    from registry.run import read_files

    files = _ctgov_files()
    without = read_files(files)
    original = pipeline.extract_with_doc
    monkeypatch.setattr(parser, "extract_with_doc", lambda text, today=None, conversation=True: original(text, today))
    with_steps = read_files(files)

    def dump(records):
        text = json.dumps(records, sort_keys=True, default=str)
        return re.sub(r'"criteria_reader": "[0-9a-f]+"', '"criteria_reader": "X"', text)

    assert len(without) == len(files)
    assert dump(without) == dump(with_steps)


# --- BM25 of our own ---------------------------------------------------------------------------

def _index(rows: list[dict]) -> sqlite_utils.Database:
    """An index of raw text rows, its term counts read from the FTS5 index (``fill_terms``)."""
    db = sqlite_utils.Database(memory=True)
    search.create(db)
    db["trial_text"].insert_all(rows, pk="trial_id")
    search.fill_terms(db)
    return db


def _registry_rows() -> list[dict]:
    rows = []
    for path in _ctgov_files():
        study = json.loads(path.read_text(encoding="utf-8"))["protocolSection"]
        ident = study.get("identificationModule", {})
        conditions = study.get("conditionsModule", {})
        rows.append({
            "trial_id": ident.get("nctId", path.stem),
            "title": " ".join(filter(None, [ident.get("briefTitle"), ident.get("officialTitle"), ident.get("acronym")])),
            "conditions": " ; ".join(conditions.get("conditions") or []),
            "keywords": " ; ".join(conditions.get("keywords") or []),
            "criteria": study.get("eligibilityModule", {}).get("eligibilityCriteria") or "",
        })
    return rows


def _synthetic_records(n: int) -> list[dict]:
    from benchmarks.synthetic import generate
    from data.trials import load_trials

    return [*load_trials(), *generate(list(load_trials()), n, seed=3)]


def _words(rows: list[dict], count: int, seed: int) -> list[str]:
    """The most common words of the rows and a random sample of the others."""
    seen: dict[str, int] = {}
    for row in rows:
        for column in search.COLUMNS:
            for word in re.findall(r"[^\W_]{3,}", row[column] or ""):
                seen[word.lower()] = seen.get(word.lower(), 0) + 1
    common = sorted(seen, key=lambda w: (-seen[w], w))
    rest = common[count:]
    return common[:count] + random.Random(seed).sample(rest, min(count, len(rest)))


def _ranking(scores: dict) -> list:
    return sorted(scores, key=lambda row: (-scores[row], row))


def _assert_equal_to_fts5(db, words):
    found = bm25.sizes(db)
    checked = 0
    for word in words:
        shares = bm25.word_scores(db, word, found)
        if shares is None:
            continue
        mine = dict(zip(shares[0].tolist(), shares[1].tolist()))
        theirs = search.phrase_scores(db, '"' + word + '"')
        assert set(mine) == set(theirs), word
        assert all(abs(mine[r] - theirs[r]) <= 1e-9 for r in theirs), word
        assert all(mine[r] == theirs[r] for r in theirs), word       # to the bit, in fact
        assert _ranking(mine) == _ranking(theirs), word
        checked += 1
    assert checked >= len(words) * 0.9
    rng = random.Random(7)
    ids = dict(db.execute("SELECT rowid, trial_id FROM trial_text").fetchall())
    for _ in range(25):          # OR queries: the words' shares added in order
        query = rng.sample(words, 4)
        mine = bm25.query_scores(db, query, found)
        if mine is None:
            continue
        theirs = search.search(db, " OR ".join('"' + w + '"' for w in query))
        mine = {ids[rowid]: score for rowid, score in mine.items()}
        assert mine == theirs
        assert _ranking(mine) == _ranking(theirs)


def _terms_table(db) -> list:
    return db.execute("SELECT * FROM trial_terms ORDER BY term, doc").fetchall()


def test_own_bm25_equals_fts5_on_the_241_registry_records():
    rows = _registry_rows()
    db = _index(rows)
    _assert_equal_to_fts5(db, _words(rows, 150, 1))


def test_own_bm25_equals_fts5_on_a_synthetic_catalog():
    records = _synthetic_records(1500)
    db = sqlite_utils.Database(memory=True)
    search.create(db)
    for start in range(0, len(records), 500):       # written as the store writes them, in batches
        search.index(db, records[start:start + 500])
    kept = _terms_table(db)
    search.fill_terms(db)
    assert _terms_table(db) == kept                   # the counts kept at import = the index's own
    _assert_equal_to_fts5(db, _words([search.text_row(r) for r in records], 100, 2))


def test_term_counts_follow_replaced_and_deleted_rows():
    """The store replaces a trial's text on every import and deletes it with the trial: the
    counts kept stay those of the index, and the scores FTS5's."""
    records = _synthetic_records(200)
    db = sqlite_utils.Database(memory=True)
    search.create(db)
    search.index(db, records)
    search.forget(db, [r["id"] for r in records[:20]])
    changed = [dict(r, title=(r.get("title") or "") + " lupus nephritis lupus", keywords=["scleroderma"])
               for r in records[20:40]]
    search.index(db, changed)
    kept = _terms_table(db)
    search.fill_terms(db)
    assert _terms_table(db) == kept
    _assert_equal_to_fts5(db, ["lupus", "nephritis", "scleroderma", "active", "infection", "rituximab"])


def test_keyword_scores_from_term_counts_equal_those_from_fts5(tmp_path):
    """``matching.keywords`` on a store: the scores from the term counts equal the scores it
    read from FTS5 before (its fallback, for a word FTS5 reads as a phrase)."""
    from core.facts import Fact, Profile
    from data.store import open_store, upsert_trials
    from matching import keywords

    db = open_store(str(tmp_path / "k.db"))
    upsert_trials(db, _synthetic_records(300), "synthetic", validate=False)
    profile = Profile([Fact("CONDITION", "sle", "lupus", 0, 5), Fact("DRUG", "rituximab", "rituximab", 10, 19),
                       Fact("INFECTION", "hepatitis_b", "hepatitis B", 20, 31)])
    version = keywords.store_key(db)
    words = keywords.query_words(profile)
    every = [r[0] for r in db.execute("SELECT id FROM trials ORDER BY id").fetchall()]
    for wanted in (None, every[::3], every[::10], every[5:15]):
        keywords._OWN.clear()       # few candidates: words read for them alone; else whole
        own = keywords._own_scores(db, version, words, keywords._trial_ids(db, version), wanted, None)
        if wanted is not None:      # and the same from words read whole before
            keywords._own_scores(db, version, words, keywords._trial_ids(db, version), None, None)
            assert keywords._own_scores(db, version, words, keywords._trial_ids(db, version), wanted, "k") == own
        keywords._WORDS.clear()
        keywords._SUMS.clear()
        ids = keywords._trial_ids(db, version)
        if wanted is None:
            totals = {}
            for word in words:
                for rowid, score in keywords._word_scores(db, version, word).items():
                    totals[rowid] = totals.get(rowid, 0.0) + score
            fts = {ids[r]: s for r, s in totals.items()}
        else:
            rows = keywords._rows_among(version, ids, wanted, None)
            sums = keywords._sums_among(db, version, tuple(words), rows)
            fts = {ids[r]: sums[r] for r in rows if r in sums}
        assert own == fts and own


def test_own_bm25_of_some_rows_equals_that_of_every_row():
    records = _synthetic_records(300)
    db = sqlite_utils.Database(memory=True)
    search.create(db)
    search.index(db, records)
    found = bm25.sizes(db)
    import numpy as np
    for word in ("lupus", "active", "infection", "platelets", "nothing"):
        rows, scores = bm25.word_scores(db, word, found)
        whole = dict(zip(rows.tolist(), scores.tolist()))
        some = np.arange(1, len(found.lengths), 7)
        rows, scores = bm25.word_scores(db, word, found, some)
        assert dict(zip(rows.tolist(), scores.tolist())) == {r: s for r, s in whole.items() if r in set(some.tolist())}


def test_query_words_become_fts5_terms_by_its_own_tokenizer():
    assert bm25.terms("infections") == ("infect",)
    assert bm25.terms("Lupus") == ("lupu",)
    assert len(bm25.terms("anti-dsDNA")) == 2        # a phrase: left to FTS5
    assert bm25.weights() == (10, 6, 3, 1)
