"""Round 21 of turn latency at scale (h99): what a turn showing results read again and
again is read once (data/evidence.yaml's lists, a trial's criteria as matching reads them,
a result's record, an abbreviation's pattern, a word's BM25 row count), and the young
garbage collection waits longer. Each gives what the slower way gave."""
from __future__ import annotations

import gc
import json
import re

from core.facts import Fact, Profile
from data import condition_names, rule_nodes
from data.files import DATA_DIR, read_yaml
from data.rule_nodes import registry_criteria
from data.store import open_store, upsert_trials
from data.terminology import load_terminology
from data.trials import load_trials
from matching import engine
from matching.engine import judge_criteria, judge_plans, planned_criteria
from matching.evaluate import Evaluator
from matching.plans import Judgement, PlanBook

TODAY = "2026-01-15"


def _records() -> list[dict]:
    from benchmarks.synthetic import generate

    return [*load_trials(), *generate(list(load_trials()), 60, seed=21)]


def test_every_list_of_the_evidence_file_is_the_one_the_file_holds():
    # one read of data/evidence.yaml serves every list: each equals what reading the file
    # for that list alone gives
    doc = read_yaml(DATA_DIR / "evidence.yaml")
    assert condition_names._evidence() == doc
    assert condition_names.class_qualifiers() == frozenset(w.lower() for w in doc["class_qualifiers"])
    assert condition_names.healthy_volunteer_names() == tuple(doc["healthy_volunteer_names"])
    pattern, not_after = condition_names.at_risk_words()
    assert not_after == frozenset(w.strip().lower() for w in doc["at_risk_not_after"])
    for phrase in doc["at_risk_words"]:
        assert pattern.search(f"Children {phrase} Systemic Fungal Infection"), phrase
    assert condition_names.stratum_label().pattern == doc["stratum_label"]


def test_the_start_up_loads_every_list_showing_criteria_reads():
    condition_names.preload()
    for load in (condition_names.at_risk_words, condition_names.at_risk_before, condition_names.stratum_label,
                 condition_names.alteration_words, condition_names.care_conditions,
                 condition_names.healthy_volunteer_names, condition_names._phrases_by_word):
        assert load.cache_info().currsize == 1, load.__name__


def test_a_trials_criteria_are_read_once_per_record_and_are_the_same():
    for trial in _records():
        first = planned_criteria(trial)
        assert json.dumps(first, sort_keys=True, default=str) == json.dumps(registry_criteria(trial), sort_keys=True,
                                                                            default=str), trial["id"]
        assert planned_criteria(trial) is first          # the same record: remembered
    trial = load_trials()[0]
    changed = json.loads(json.dumps(trial))              # a changed trial is a new record object
    changed["eligibility"] = {**(changed.get("eligibility") or {}), "min_age_years": 77}
    assert planned_criteria(trial) is not planned_criteria(changed)
    assert any(c["id"] == "elig-age" or "77" in json.dumps(c) for c in planned_criteria(changed))
    assert len(engine._PLANNED) <= engine._PLANNED_LIMIT


def test_criteria_explained_from_remembered_criteria_equal_those_read_anew():
    profile = Profile([Fact("CONDITION", "sle", "lupus", 0, 5), Fact("AGE", "age", "34", 0, 2, value=34.0)])
    for trial in _records()[:20]:
        remembered = judge_criteria(trial, Evaluator(profile, today=TODAY))
        planned_criteria(trial)
        again = judge_criteria(trial, Evaluator(profile, today=TODAY))
        fresh = judge_criteria(json.loads(json.dumps(trial)), Evaluator(profile, today=TODAY))
        for one in (again, fresh):
            assert [c.to_dict() for c in one] == [c.to_dict() for c in remembered], trial["id"]


def test_an_abbreviation_is_found_as_a_whole_word_as_before():
    old = lambda a, text: re.search(rf"(?<![\w-]){re.escape(a)}(?![\w-])", text) is not None  # noqa: E731
    texts = ["Increase HBV Vaccinations", "HBV-related liver disease", "anti-HBVs", "(NSCLC)", "NSCLC, stage IV",
             "nsclc", "SLE", "SLEDAI 6", "CAR-T for ITP.", "T-ALL", "the t-all study", ""]
    for abbreviation in ("HBV", "NSCLC", "SLE", "ITP", "T-ALL", "C3"):
        for text in texts:
            assert (rule_nodes._abbreviation(abbreviation).search(text) is not None) == old(abbreviation, text)
    terminology = load_terminology()
    concept = next(c for c in terminology.concepts if terminology[c].abbreviations)
    abbreviation = terminology[concept].abbreviations[0]
    assert rule_nodes._abbreviated(concept, f"to prevent {abbreviation} in adults", terminology)
    assert not rule_nodes._abbreviated(concept, f"to prevent x{abbreviation}x in adults", terminology)


def test_a_healthy_volunteer_phrase_is_found_in_any_case():
    phrase = condition_names.healthy_volunteer_names()[0]
    record = {"title": f"A Study in {phrase.upper()}", "healthy_volunteers": True, "conditions": []}
    assert rule_nodes._whole_phrase(phrase).search(record["title"])
    assert rule_nodes._whole_phrase(phrase) is rule_nodes._whole_phrase(phrase)


def test_a_shown_result_reads_its_record_once():
    trials = _records()[:12]
    loads: list[str] = []
    by_id = {t["id"]: t for t in trials}

    def load(trial_id: str) -> dict:
        loads.append(trial_id)
        return by_id[trial_id]

    book = PlanBook()
    plans = [book.plan(t) for t in trials]
    judgement = Judgement(book, Evaluator(Profile([Fact("CONDITION", "sle", "lupus", 0, 5)]), today=TODAY))
    results = judge_plans([t["id"] for t in trials], plans, judgement, load=load)
    assert not loads                                       # verdicts need no record
    shown = results[0]
    assert shown.trial is by_id[shown.id] and shown.trial is shown.trial
    assert [c.id for c in shown.criteria] == [c.id for c in judge_criteria(by_id[shown.id], judgement.ev)]
    assert loads == [shown.id]                             # its view, its criteria: one read
    assert results[1].trial is by_id[results[1].id] and loads == [shown.id, results[1].id]


def test_a_words_row_count_is_read_once_per_store_and_scores_stay_the_same(tmp_path):
    from benchmarks.synthetic import generate
    from matching import keywords

    db = open_store(str(tmp_path / "k.db"))
    upsert_trials(db, [*load_trials(), *generate(list(load_trials()), 80, seed=5)], "synthetic", validate=False)
    profile = Profile([Fact("CONDITION", "sle", "lupus", 0, 5), Fact("DRUG", "rituximab", "rituximab", 0, 9)])
    ids = sorted(r for (r,) in db.execute("SELECT id FROM trials"))
    keywords._MEMO.clear()
    keywords._HITS.clear()
    keywords._OWN.clear()
    keywords._OWN_AMONG.clear()
    parts = [(among, keywords.keyword_scores(db, profile, among=among)) for among in (ids[:3], ids[10:14], ids[2:5])]
    counted = len(keywords._HITS)
    assert counted <= len(keywords.query_words(profile))  # each word counted once, whatever the candidates
    keywords._MEMO.clear()
    keywords._OWN.clear()
    keywords._OWN_AMONG.clear()
    everything = keywords.keyword_scores(db, profile)
    assert everything
    for among, got in parts:
        assert got == {k: v for k, v in everything.items() if k in among}


def test_the_collector_waits_for_many_new_objects_once_settled():
    from bot import collaborators

    before = gc.get_threshold()
    try:
        collaborators.settle()
        assert gc.get_threshold() == collaborators.GC_THRESHOLDS
        assert collaborators.GC_THRESHOLDS[0] >= 10_000
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
