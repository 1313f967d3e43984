"""Import speed, round 11 (issue #15): a study's JSON is written out for its local id only
when the study has neither an NCT number nor a title; the records stay the same."""
from __future__ import annotations

import json

from registry.criteria_text import REVIEW_RULE
from registry.ctgov import study_to_record
from registry.record import finish, local_id, new_record, source_name

REVIEW = lambda text, kind: dict(REVIEW_RULE)  # noqa: E731


def _study(identification: dict) -> dict:
    return {"protocolSection": {"identificationModule": identification,
                                "eligibilityModule": {"eligibilityCriteria": "Inclusion Criteria:\n* Adults"}}}


def _record(nct: str | None, title: str | None) -> dict:
    record = new_record(source_name("ctgov", "x.json"))
    record["nct_id"], record["title"] = nct, title
    return record


def test_the_text_is_written_out_only_for_a_study_with_neither_nct_number_nor_title():
    calls = []

    def text() -> str:
        calls.append(1)
        return '{"protocolSection": {}}'

    assert finish(_record("NCT09900011", "A title"), "x.json", "x.json", text=text)["id"] == "NCT09900011"
    assert finish(_record(None, "A title"), "x.json", "x.json", text=text)["id"] == local_id("A title", "")
    assert calls == []
    untitled = finish(_record(None, None), "x.json", "x.json", text=text)
    assert calls == [1]
    assert untitled["id"] == local_id(None, '{"protocolSection": {}}')


def test_a_text_given_as_a_string_gives_the_same_ids_as_a_function_giving_it():
    for nct, title in (("NCT09900012", "T"), (None, "Some study title"), (None, None)):
        as_text = finish(_record(nct, title), "x.json", "x.json", text="the study's text")
        as_function = finish(_record(nct, title), "x.json", "x.json", text=lambda: "the study's text")
        assert as_text == as_function


def test_a_study_without_nct_number_or_title_keeps_the_id_of_its_whole_json():
    study = _study({"orgStudyIdInfo": {"id": "ORG-1"}})
    record = study_to_record(study, "x.json", parse=REVIEW)
    # the id of earlier imports: the hash over the study's JSON, keys sorted
    assert record["id"] == local_id(None, json.dumps(study, sort_keys=True))
    titled = study_to_record(_study({"briefTitle": "Lupus study"}), "x.json", parse=REVIEW)
    assert titled["id"] == local_id("Lupus study", "")
    numbered = study_to_record(_study({"nctId": "NCT09900013", "briefTitle": "T"}), "x.json", parse=REVIEW)
    assert numbered["id"] == "NCT09900013"


# --- the pipeline's build: each of ConText's patterns checked against spaCy's schema once ---


def test_a_bad_pattern_is_refused_once_and_a_checked_one_is_not_checked_again():
    import pytest
    import spacy
    from spacy.matcher import Matcher

    from nlp.pipeline import FirstWordMatcher

    nlp = spacy.blank("en")
    with pytest.raises(ValueError):
        FirstWordMatcher(nlp.vocab).add("bad", [[{"LOWER": "no", "NOT_AN_ATTRIBUTE": 1}]])
    patterns = {"exact": [{"LOWER": "no"}, {"LOWER": "evidence"}],
                "set": [{"LOWER": {"IN": ["history", "hx"]}}, {"LOWER": "of", "OP": "?"}],
                "other": [{"IS_ALPHA": True, "OP": "?"}, {"LOWER": "denies"}]}
    checked, unchecked, one = FirstWordMatcher(nlp.vocab), FirstWordMatcher(nlp.vocab, validate=False), Matcher(nlp.vocab)
    for key, pattern in patterns.items():
        for matcher in (checked, unchecked, one):
            matcher.add(key, [pattern])
    assert unchecked.full.validate is False and all(m.validate is False for m in checked.by_word.values())
    for text in ("no evidence of hx of lupus", "she denies history", "history of no evidence"):
        doc = nlp(text)
        assert sorted(checked(doc)) == sorted(unchecked(doc)) == sorted(one(doc))


def test_the_pipeline_files_the_patterns_medspacy_checked_without_checking_them_again():
    from nlp.components.context import CONTEXT_PIPE
    from nlp.pipeline import FirstWordMatcher, build_pipeline

    rules = build_pipeline().get_pipe(CONTEXT_PIPE)._ConText__matcher
    filed = rules._MedspacyMatcher__matcher
    assert isinstance(filed, FirstWordMatcher)
    # medspaCy's own Matcher checked them, and is kept as the one of every pattern: they are
    # neither added nor checked again (round 22, h101; before, a copy was built unchecked)
    assert filed.full.validate is True and filed._given_full
    assert len(filed.full) == sum(1 for rule in rules.rule_map.values() if isinstance(rule.pattern, list))


# --- the importer's pipeline keeps its build cache beside the database ---


def test_a_build_started_without_a_cache_reads_the_one_set_for_it(monkeypatch, tmp_path):
    import nlp.pipeline as pipeline

    built = []
    monkeypatch.setattr(pipeline, "_built", None)
    monkeypatch.setattr(pipeline, "_cache_for_build", None)
    monkeypatch.setattr(pipeline, "_build", lambda cache: built.append(cache) or object())
    pipeline.use_build_cache(tmp_path / "x.db.nlp-cache.json")
    first = pipeline.build_pipeline()
    assert built == [tmp_path / "x.db.nlp-cache.json"]
    assert pipeline.build_pipeline() is first and len(built) == 1      # built once per process
    monkeypatch.setattr(pipeline, "_built", None)
    pipeline.build_pipeline(tmp_path / "own.json")
    assert built[-1] == tmp_path / "own.json"                        # a cache given to the call wins


def test_the_import_command_sets_the_cache_beside_its_database_and_a_dry_run_none(monkeypatch, tmp_path, capsys):
    from pathlib import Path

    import nlp.pipeline as pipeline
    from bot.cli import main
    from nlp.build_cache import beside

    db = tmp_path / "trialbot.db"
    monkeypatch.setenv("TRIALBOT_DB", str(db))
    monkeypatch.setattr(pipeline, "_cache_for_build", None)
    set_to = []
    monkeypatch.setattr(pipeline, "use_build_cache", lambda cache: set_to.append(cache))
    study = Path(__file__).parent / "data" / "ctgov" / "single_study.json"
    assert main(["import", "--dry-run", str(study)]) == 0
    assert set_to == [None, None]
    set_to.clear()
    assert main(["import", str(study)]) == 0
    assert set_to == [beside(str(db)), None]          # set for the reading, then let go
    capsys.readouterr()
