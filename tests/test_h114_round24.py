"""Round 24 (h114), issue #15: the pipeline's build cache shared by every build of a user
(nlp/build_cache.py ``shared()``), so a fresh database's import or chat does not tokenize
the terms' phrases again. A build with no file of its own reads the user's; a phrase it has
no entry for (an edited data file) is tokenized and the file rewritten; an entry of another
tokenizer is never used; a corrupt or unwritable file only means a slower build; the
pipeline finds the same with and without."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nlp.build_cache import FORMAT, SHARED_NAME, BuildCache, beside, shared

ROOT = Path(__file__).resolve().parent.parent
PHRASES = ["granulomatosis with polyangiitis", "anti-MDA5", "CD7+ T-ALL", "eGFR<30 mL/min", "can't tolerate"]


@pytest.fixture(scope="module")
def nlp():
    from spacy.lang.en import English

    from nlp.tokenizer import clinical_tokenizer

    return English(create_tokenizer=clinical_tokenizer)


class Counting:
    def __init__(self, tokenizer):
        self.tokenizer, self.vocab, self.texts = tokenizer, tokenizer.vocab, []

    def __call__(self, text):
        self.texts.append(text)
        return self.tokenizer(text)


def tokenize(nlp, cache: BuildCache, texts: list[str]) -> tuple[list, list[str]]:
    """The (text, whitespace) of each text's tokens, and the texts the real tokenizer split."""
    real = nlp.tokenizer
    counting = nlp.tokenizer = Counting(real)
    try:
        with cache.tokenizing(nlp):
            split = [[(t.text, t.whitespace_) for t in nlp.make_doc(text)] for text in texts]
    finally:
        nlp.tokenizer = real
    return split, counting.texts


def truth(nlp, texts):
    return [[(t.text, t.whitespace_) for t in nlp.tokenizer(text)] for text in texts]


def test_the_user_cache_folder_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TRIALBOT_CACHE_DIR", str(tmp_path / "mine"))
    assert shared() == tmp_path / "mine" / SHARED_NAME
    monkeypatch.setenv("TRIALBOT_CACHE_DIR", "")
    assert shared() is None                                     # set empty: no shared cache
    monkeypatch.delenv("TRIALBOT_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert shared() == tmp_path / "xdg" / "trialbot" / SHARED_NAME
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert shared() == tmp_path / "home" / ".cache" / "trialbot" / SHARED_NAME


def test_a_build_without_a_file_of_its_own_reads_the_users_and_tokenizes_nothing(nlp, tmp_path):
    user = tmp_path / "cache" / "trialbot" / SHARED_NAME          # its folder made when first written
    first = BuildCache(None, user)
    cold, split_cold = tokenize(nlp, first, PHRASES)
    first.save()
    assert user.exists() and split_cold == PHRASES
    # a fresh database: no file beside it; the user's file answers, the database's is written
    fresh_db = tmp_path / "fresh.db"
    second = BuildCache(beside(fresh_db), user)
    warm, split_warm = tokenize(nlp, second, PHRASES)
    second.save()
    assert cold == warm == truth(nlp, PHRASES) and split_warm == []
    assert json.loads(beside(fresh_db).read_text(encoding="utf-8"))["tokens"] == json.loads(user.read_text(encoding="utf-8"))["tokens"]


def test_a_phrase_the_data_did_not_have_is_tokenized_and_the_users_file_rewritten(nlp, tmp_path):
    user = tmp_path / SHARED_NAME
    cache = BuildCache(None, user)
    tokenize(nlp, cache, PHRASES[:3])
    cache.save()
    edited = PHRASES[1:]                     # a data file edited: one phrase gone, two new
    cache = BuildCache(None, user)
    split, tokenized = tokenize(nlp, cache, edited)
    cache.save()
    assert split == truth(nlp, edited) and tokenized == PHRASES[3:]
    assert set(json.loads(user.read_text(encoding="utf-8"))["tokens"]) == set(edited)
    assert tokenize(nlp, BuildCache(None, user), edited)[1] == []


def test_the_users_file_of_another_tokenizer_or_a_wrong_entry_is_never_used(nlp, tmp_path):
    user = tmp_path / SHARED_NAME
    fresh = BuildCache(None, user)
    user.write_text(json.dumps({"format": FORMAT, "tokens_key": "spacy 0.0; python 3.0.0; tokenizer 0",
                                "tokens": {"anti-MDA5": [["anti-MDA5"], "0"]}, "words_key": fresh.words_key,
                                "common_words": {}}), encoding="utf-8")
    split, tokenized = tokenize(nlp, BuildCache(None, user), ["anti-MDA5"])
    assert split == truth(nlp, ["anti-MDA5"]) and tokenized == ["anti-MDA5"]
    user.write_text(json.dumps({"format": FORMAT, "tokens_key": fresh.tokens_key,
                                "tokens": {"CD7+ T-ALL": [["CD7+", "T", "ALL"], "100"]}, "words_key": fresh.words_key,
                                "common_words": {}}), encoding="utf-8")
    split, tokenized = tokenize(nlp, BuildCache(None, user), ["CD7+ T-ALL"])      # does not spell its text
    assert split == truth(nlp, ["CD7+ T-ALL"]) and tokenized == ["CD7+ T-ALL"]


def test_the_databases_own_file_wins_over_the_users(nlp, tmp_path):
    user, own = tmp_path / SHARED_NAME, tmp_path / "chat.db.nlp-cache.json"
    cache = BuildCache(own)
    tokenize(nlp, cache, PHRASES)
    cache.save()
    user.write_text("not json", encoding="utf-8")                 # not even read
    assert tokenize(nlp, BuildCache(own, user), PHRASES)[1] == []


@pytest.mark.parametrize("content", [b"", b"not json", b'{"format": 1, "tokens": {"lupus": [["lu', b"[1, 2]",
                                     json.dumps({"format": 99, "tokens": {}}).encode()])
def test_a_corrupt_users_file_is_ignored_and_rewritten(nlp, tmp_path, content):
    user = tmp_path / SHARED_NAME
    user.write_bytes(content)
    cache = BuildCache(None, user)
    split, tokenized = tokenize(nlp, cache, ["lupus"])
    cache.save()
    assert split == [[("lupus", "")]] and tokenized == ["lupus"]
    doc = json.loads(user.read_text(encoding="utf-8"))
    assert doc["format"] == FORMAT and doc["tokens"] == {"lupus": [["lupus"], "0"]}


def test_a_users_folder_that_cannot_be_made_only_means_no_shared_cache(nlp, tmp_path):
    (tmp_path / "a file").write_text("x", encoding="utf-8")
    user = tmp_path / "a file" / "trialbot" / SHARED_NAME        # its "folder" is a file
    cache = BuildCache(None, user)
    assert tokenize(nlp, cache, ["lupus"])[0] == [[("lupus", "")]]
    cache.save()                                                   # logged, not raised
    assert not user.exists()


TEXTS = (
    "import json, sys; from benchmarks.extraction import load_gold, GOLD_TODAY; "
    "from nlp.pipeline import build_pipeline, extract_many; build_pipeline(); "
    "print(json.dumps([[repr(f) for f in facts] for facts in "
    "extract_many([r['text'] for r in load_gold()][:150], today=GOLD_TODAY)]))"
)


def run_with(folder: str) -> list:
    env = {**os.environ, "TRIALBOT_CACHE_DIR": folder}
    done = subprocess.run([sys.executable, "-c", TEXTS], cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return json.loads(done.stdout)


def test_the_pipeline_finds_the_same_with_no_cold_warm_or_broken_users_cache(tmp_path):
    none = run_with("")
    cold = run_with(str(tmp_path))
    assert (tmp_path / SHARED_NAME).exists()
    warm = run_with(str(tmp_path))
    (tmp_path / SHARED_NAME).write_text('{"format": 1, "tokens_key": ', encoding="utf-8")
    broken = run_with(str(tmp_path))
    assert none == cold == warm == broken
    assert sum(map(len, none)) > 150
    assert json.loads((tmp_path / SHARED_NAME).read_text(encoding="utf-8"))["format"] == FORMAT


def test_a_fresh_databases_import_starts_from_the_users_cache(tmp_path):
    study = ROOT / "tests" / "data" / "ctgov" / "single_study.json"
    user = tmp_path / "user-cache"

    def imported(name: str) -> list:
        env = {**os.environ, "TRIALBOT_CACHE_DIR": str(user), "TRIALBOT_DB": str(tmp_path / name)}
        done = subprocess.run([sys.executable, str(ROOT / "bot.py"), "import", str(study)], cwd=tmp_path,
                              capture_output=True, text=True, timeout=600, env=env)
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
        from data.store import connect

        db = connect(str(tmp_path / name))
        try:
            return [dict(row) for row in db["trials"].rows]
        finally:
            db.close()

    first = imported("one.db")
    written = (user / SHARED_NAME).stat().st_mtime_ns
    second = imported("two.db")                     # a fresh database: the user's file read, not rewritten
    assert (user / SHARED_NAME).stat().st_mtime_ns == written
    assert beside(tmp_path / "two.db").exists()

    def same(rows):
        return [{k: v for k, v in row.items() if k not in {"imported_at", "updated_at", "fetched_at"}} for row in rows]

    assert first and same(first) == same(second)


def test_a_words_respelling_is_the_same_whichever_phrase_or_direction_asked_first():
    from nlp.components import terms

    phrases = ["oesophageal cancer", "esophageal cancer", "acute leukaemia", "anaemia", "haemolytic anaemia",
               "systemic lupus erythematosus"]
    first = [terms._other_spellings(p) for p in phrases]
    terms._RESPELT.clear()
    second = [terms._other_spellings(p) for p in reversed(phrases)][::-1]
    assert first == second
    assert "esophageal cancer" in first[0] and "oesophageal cancer" in first[1]
    assert "acute leukemia" in first[2] and first[5] == set()
