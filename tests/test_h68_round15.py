"""Round 15 (h68): criteria read without the conversation-only steps give the same rules;
our BM25 from the index's stored term frequencies equals FTS5's bm25()."""
from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
import sqlite_utils

from benchmarks import bm25
from data import search

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
    db = sqlite_utils.Database(memory=True)
    search.create(db)
    db["trial_text"].insert_all(rows, pk="trial_id")
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


def _synthetic_rows(n: int) -> list[dict]:
    from benchmarks.synthetic import generate
    from data.trials import load_trials

    return [search.text_row(r) for r in [*load_trials(), *generate(list(load_trials()), n, seed=3)]]


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


def _assert_equal_to_fts5(db, words):
    found = bm25.sizes(db)
    checked = 0
    for word in words:
        mine = bm25.word_scores(db, word, found)
        theirs = search.phrase_scores(db, '"' + word + '"')
        if mine is None:
            continue
        assert set(mine) == set(theirs), word
        assert all(abs(mine[r] - theirs[r]) <= 1e-9 for r in theirs), word
        assert bm25.ranking(mine) == bm25.ranking(theirs), word
        checked += 1
    assert checked >= len(words) * 0.9
    rng = random.Random(7)
    for _ in range(25):          # OR queries: the words' shares added in order
        query = rng.sample(words, 4)
        mine = bm25.query_scores(db, query, found)
        theirs = search.search(db, " OR ".join('"' + w + '"' for w in query))
        ids = dict(db.execute("SELECT rowid, trial_id FROM trial_text").fetchall())
        theirs = {rowid: theirs[trial_id] for rowid, trial_id in ids.items() if trial_id in theirs}
        assert set(mine) == set(theirs)
        assert all(abs(mine[r] - theirs[r]) <= 1e-9 for r in theirs)
        assert bm25.ranking(mine) == bm25.ranking(theirs)


def test_own_bm25_equals_fts5_on_the_241_registry_records():
    rows = _registry_rows()
    db = _index(rows)
    _assert_equal_to_fts5(db, _words(rows, 150, 1))


def test_own_bm25_equals_fts5_on_a_synthetic_catalog():
    rows = _synthetic_rows(1500)
    db = _index(rows)
    _assert_equal_to_fts5(db, _words(rows, 100, 2))


def test_own_bm25_after_rows_are_replaced_and_deleted():
    """The index's sizes and term frequencies stay right when rows change (the store replaces
    a trial's text on every import)."""
    rows = _registry_rows()[:60]
    db = _index(rows)
    search.forget(db, [r["trial_id"] for r in rows[:10]])
    changed = dict(rows[10], title=rows[10]["title"] + " lupus nephritis lupus")
    search.index(db, [])
    db["trial_text"].upsert(changed, pk="trial_id")
    _assert_equal_to_fts5(db, _words(rows[10:], 40, 3))


def test_query_words_become_fts5_terms_by_its_own_tokenizer():
    assert bm25.terms("infections") == ("infect",)
    assert bm25.terms("Lupus") == ("lupu",)
    assert len(bm25.terms("anti-dsDNA")) == 2        # a phrase: left to FTS5
    assert bm25.weights() == {"title": 10.0, "conditions": 6.0, "keywords": 3.0, "criteria": 1.0}
