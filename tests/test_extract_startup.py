"""Start-up of the extraction pipeline. The build cache (nlp/build_cache.py, beside the
chat's database) changes nothing the pipeline finds; a missing, corrupt, stale or
unwritable cache only means a slower build. medspaCy's ConText loads without the rest of
medspaCy and NLTK (nlp/medspacy_context.py), and spaCy without its command line
(nlp/lazy_imports.py): all still whole for whoever asks."""
from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nlp.build_cache import FORMAT, BuildCache, beside

ROOT = Path(__file__).resolve().parent.parent
PHRASES = ["systemic lupus erythematosus", "SLEDAI-2K", "Sledai-2k", "no evidence of", "hepatitis b.",
           "can't tolerate", "HBsAg(-)", "ALT≤3×ULN", "29F", "anti-dsDNA  positive"]


@pytest.fixture(scope="module")
def nlp():
    from spacy.lang.en import English

    from nlp.tokenizer import clinical_tokenizer

    return English(create_tokenizer=clinical_tokenizer)


class CountingTokenizer:
    def __init__(self, tokenizer):
        self.tokenizer, self.vocab, self.calls = tokenizer, tokenizer.vocab, 0

    def __call__(self, text):
        self.calls += 1
        return self.tokenizer(text)


def split(doc) -> list[tuple[str, str]]:
    return [(t.text, t.whitespace_) for t in doc]


def tokenized(nlp, cache: BuildCache, texts: list[str]) -> list[list[tuple[str, str]]]:
    with cache.tokenizing(nlp):
        return [split(nlp.make_doc(text)) for text in texts]


def test_a_warm_cache_gives_the_tokenizers_tokens_without_tokenizing(nlp, tmp_path):
    path = tmp_path / "chat.db.nlp-cache.json"
    cold = BuildCache(path)
    first = tokenized(nlp, cold, PHRASES)
    cold.save()
    real = nlp.tokenizer
    counting = nlp.tokenizer = CountingTokenizer(real)
    try:
        second = tokenized(nlp, BuildCache(path), PHRASES)
    finally:
        nlp.tokenizer = real
    assert first == second == [split(real(text)) for text in PHRASES]
    assert counting.calls == 0


def test_the_real_tokenizer_is_back_after_the_build_even_when_it_fails(nlp, tmp_path):
    real = nlp.tokenizer
    with pytest.raises(RuntimeError):
        with BuildCache(tmp_path / "c.json").tokenizing(nlp):
            assert nlp.tokenizer is not real
            raise RuntimeError("a data file is broken")
    assert nlp.tokenizer is real


def test_a_corrupt_cache_file_is_ignored_and_rewritten(nlp, tmp_path):
    path = tmp_path / "chat.db.nlp-cache.json"
    path.write_bytes(b'{"format": 1, "tokens": {"lupus": [["lu')
    cache = BuildCache(path)
    assert tokenized(nlp, cache, ["lupus"]) == [[("lupus", "")]]
    cache.save()
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["format"] == FORMAT and doc["tokens"] == {"lupus": [["lupus"], "0"]}


def test_tokens_cached_for_another_tokenizer_are_not_used(nlp, tmp_path):
    path = tmp_path / "c.json"
    fresh = BuildCache(path)
    path.write_text(json.dumps({"format": FORMAT, "tokens_key": "spacy 0.0; tokenizer 0", "tokens": {"lupus": [["lup", "us"], "00"]},
                                "words_key": fresh.words_key, "common_words": {}}), encoding="utf-8")
    assert tokenized(nlp, BuildCache(path), ["lupus"]) == [[("lupus", "")]]


def test_an_entry_that_does_not_spell_its_text_is_not_used(nlp, tmp_path):
    path = tmp_path / "c.json"
    fresh = BuildCache(path)
    path.write_text(json.dumps({"format": FORMAT, "tokens_key": fresh.tokens_key, "tokens": {"lupus": [["lupus", "x"], "00"]},
                                "words_key": fresh.words_key, "common_words": {}}), encoding="utf-8")
    assert tokenized(nlp, BuildCache(path), ["lupus"]) == [[("lupus", "")]]


def test_common_words_are_computed_once_per_wordfreq_version(tmp_path):
    path = tmp_path / "c.json"
    calls = []

    def compute(count):
        calls.append(count)
        return frozenset({"the", "of", "and"})

    first = BuildCache(path)
    assert first.common_words(3, compute) == {"the", "of", "and"}
    first.save()
    assert BuildCache(path).common_words(3, compute) == {"the", "of", "and"}
    assert calls == [3]
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["words_key"] = "wordfreq 0.0"
    path.write_text(json.dumps(doc), encoding="utf-8")
    BuildCache(path).common_words(3, compute)
    assert calls == [3, 3]


def test_entries_the_last_build_did_not_use_are_dropped(nlp, tmp_path):
    path = tmp_path / "c.json"
    cache = BuildCache(path)
    tokenized(nlp, cache, ["lupus", "vasculitis"])
    cache.save()
    cache = BuildCache(path)
    tokenized(nlp, cache, ["lupus"])
    cache.save()
    assert set(json.loads(path.read_text(encoding="utf-8"))["tokens"]) == {"lupus"}


def test_an_unwritable_place_only_means_no_cache(nlp, tmp_path):
    path = tmp_path / "no such folder" / "chat.db.nlp-cache.json"
    cache = BuildCache(path)
    assert tokenized(nlp, cache, ["lupus"]) == [[("lupus", "")]]
    cache.save()
    assert not path.exists()


def test_the_cache_lives_beside_a_database_file_only():
    assert beside("/srv/trialbot.db") == Path("/srv/trialbot.db.nlp-cache.json")
    assert beside(":memory:") is None and beside(None) is None


EXTRACT_GOLD = (
    "import json, sys; from pathlib import Path; "
    "from benchmarks.extraction import load_gold, GOLD_TODAY; from nlp.pipeline import build_pipeline, extract_many; "
    "build_pipeline(Path(sys.argv[1]) if sys.argv[1] != '-' else None); "
    "print(json.dumps([[repr(f) for f in facts] for facts in extract_many((r['text'] for r in load_gold()), today=GOLD_TODAY)]))"
)


def extract_gold(cache: str) -> list:
    env = {**os.environ, "TRIALBOT_CACHE_DIR": ""}                  # the file given, or none at all
    done = subprocess.run([sys.executable, "-c", EXTRACT_GOLD, cache], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_build_from_a_cold_or_warm_cache_finds_what_a_fresh_build_finds(tmp_path):
    path = tmp_path / "chat.db.nlp-cache.json"
    fresh = extract_gold("-")
    cold = extract_gold(str(path))
    assert path.exists()
    warm = extract_gold(str(path))
    assert fresh == cold == warm
    assert sum(map(len, fresh)) > 400


def chat(folder: Path) -> subprocess.CompletedProcess:
    folder.mkdir(exist_ok=True)
    env = {**os.environ, "TRIALBOT_DB": str(folder / "chat.db")}
    lines = ["I'm 34, I have lupus since 2015, mycophenolate and belimumab didn't help, no HIV", "show me"]
    return subprocess.run([sys.executable, str(ROOT / "bot.py"), "chat", "--role", "patient", "--session", "alice"],
                          input="\n".join(lines) + "\n", capture_output=True, text=True, env=env, cwd=folder, timeout=300)


def test_the_chat_keeps_its_cache_beside_its_database_and_a_broken_one_changes_nothing(tmp_path):
    # each run has a database of its own: only the pipeline's cache differs (none, warm, broken)
    cold, warm, broken = tmp_path / "cold", tmp_path / "warm", tmp_path / "broken"
    first = chat(cold)
    assert first.returncode == 0, first.stderr
    cache = cold / "chat.db.nlp-cache.json"
    assert json.loads(cache.read_text(encoding="utf-8"))["format"] == FORMAT
    warm.mkdir()
    (warm / cache.name).write_bytes(cache.read_bytes())
    second = chat(warm)
    broken.mkdir()
    (broken / cache.name).write_text("not json", encoding="utf-8")
    third = chat(broken)
    assert first.stdout == second.stdout == third.stdout
    assert "systemic lupus erythematosus since 2015" in first.stdout
    assert json.loads((broken / cache.name).read_text(encoding="utf-8"))["format"] == FORMAT
    assert "Traceback" not in first.stderr + second.stderr + third.stderr


def fresh_python(code: str) -> list[str]:
    """The words ``code`` prints, run in a new interpreter (nothing imported yet)."""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_context_loads_without_the_rest_of_medspacy_and_nltk_which_stay_whole():
    code = ("import sys; from nlp.pipeline import build_pipeline; nlp = build_pipeline(); import medspacy.context as c; "
            "print(type(nlp.get_pipe('medspacy_context')) is c.ConText, 'medspacy.components' in sys.modules, "
            "'nltk.corpus' in sys.modules); "
            "import medspacy; from medspacy import components; import nltk; "
            "print(callable(medspacy.load), components.ConText is c.ConText, medspacy.__version__ != '', "
            "nltk.wordpunct_tokenize('CD7+, no HIV') == ['CD7', '+,', 'no', 'HIV'])")
    assert fresh_python(code) == ["True", "False", "False", "True", "True", "True", "True"]


def test_spacy_loads_without_its_command_line_langcodes_pydantic_2_and_pysbd_which_stay_whole():
    code = ("import sys, nlp, spacy; from spacy.lang.en import English; English(); "
            "print(any(m in sys.modules for m in ('spacy.cli', 'spacy.cli.info', 'typer', 'requests', 'jinja2')), "
            "any(m in sys.modules for m in ('langcodes.data_dicts', 'pysbd.segmenter', 'pydantic_core', 'tqdm.std')), "
            "type(spacy.__spec__.loader).__name__); "
            "print(spacy.info(silent=True)['spacy_version'] == spacy.__version__); "
            "import spacy.cli; from spacy.cli.info import info; "
            "print(callable(spacy.cli.download), callable(spacy.cli.setup_cli), info is spacy.cli.info); "
            "from spacy.util import find_matching_language; import langcodes; "
            "print(find_matching_language('en-GB'), langcodes.standardize_tag('eng_US')); import pysbd; "
            "print(len(pysbd.Segmenter(language='en', clean=False).segment('Dr. Smith saw her. She has SLE.'))); "
            "import pydantic; M = pydantic.create_model('M', x=(int, ...)); print(M(x='3').x, pydantic.VERSION[0]); "
            "from tqdm import tqdm; print(sum(tqdm(range(4), disable=True)))")
    assert fresh_python(code) == ["False", "False", "SourceFileLoader", "True", "True", "True", "True", "en",
                            "en-US", "2", "3", "2", "6"]


class NoGazetteer:
    gazetteer = None


def test_background_loading_leaves_garbage_collection_as_it_found_it(tmp_path):
    from bot.collaborators import Preload

    Preload(NoGazetteer(), nlp_cache=tmp_path / "chat.db.nlp-cache.json").start().wait()
    assert gc.isenabled()
    gc.disable()
    try:
        Preload(NoGazetteer()).start().wait()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_tokenizer_trusting_spacys_own_exceptions_splits_exactly_as_spacys_and_checks_the_rest(nlp):
    from spacy.tokenizer import Tokenizer

    from benchmarks.extraction import load_gold

    mine = nlp.tokenizer
    plain = Tokenizer(nlp.vocab, rules=mine.rules, prefix_search=mine.prefix_search, suffix_search=mine.suffix_search,
                      infix_finditer=mine.infix_finditer, token_match=mine.token_match, url_match=mine.url_match)
    texts = [row["text"] for row in load_gold()] + PHRASES + ["I don't, can't, won't; he's 5'10\", 10a.m. Dr. Smith :)"]
    assert [split(mine(t)) for t in texts] == [split(plain(t)) for t in texts]
    assert mine.rules == plain.rules and len(mine.rules) > 1000
    with pytest.raises(ValueError):
        mine.add_special_case("HBsAg", [{"ORTH": "HBs"}])            # the pieces must spell the string
    with pytest.raises(ValueError):
        mine.add_special_case("don't", [{"ORTH": "do", "LEMMA": "do"}, {"ORTH": "n't"}])
