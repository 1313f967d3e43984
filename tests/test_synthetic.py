"""Synthetic trials (benchmarks/synthetic.py): realistic variants of the real records, clearly
marked, reproducible, written into a separate database only."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from data.errors import DataError
from registry.ctgov import study_to_record
from data.store import connect, list_trials
from benchmarks.synthetic import build_database, ctgov_study, generate, load_parameters
from data.terminology import load_terminology
from data.trials import TRIALS_DIR, iter_criteria, load_trials, validate_record
from core.rules import iter_leaves

TERMINOLOGY = load_terminology()


def records(n=40, seed=0):
    return list(generate(load_trials(), n, seed=seed))


def leaves(record):
    return [leaf for c, _, _ in iter_criteria(record["criteria"]) if c.get("rule") for leaf in iter_leaves(c["rule"])]


def test_every_synthetic_record_is_marked_and_invents_no_trial_facts():
    for record in records():
        assert record["id"].startswith("SYN-")
        assert record["title"].startswith("[synthetic] ")
        assert record["nct_id"] is None and record["contacts"] == [] and record["other_ids"] == []
        assert all(site["contacts"] == [] and site["facility"].startswith("[synthetic] ") for site in record["sites"])
        assert record["sources"][0].startswith("synthetic variant of ")
        validate_record(dict(record, id="local-check"), "check")   # the record format holds


def test_the_same_seed_gives_the_same_records_and_another_seed_others():
    assert records(12, seed=5) == records(12, seed=5)
    assert records(12, seed=5) != records(12, seed=6)


def test_conditions_stay_in_the_branch_of_the_terminology_of_their_real_record():
    templates = {t["id"]: t for t in load_trials()}
    for record in records():
        template = templates[record["sources"][0].split()[3]]
        roots = {a for c in template["conditions"] for a in TERMINOLOGY.ancestors(c) if not TERMINOLOGY[a].parents}
        for concept in record["conditions"]:
            assert TERMINOLOGY[concept].category == "condition"
            assert roots & set(TERMINOLOGY.ancestors(concept))


def test_the_criteria_require_the_conditions_the_record_lists():
    for record in records():
        diagnosed = {leaf["concept"] for leaf in leaves(record) if leaf["type"] == "diagnosis"}
        assert set(record["conditions"]) <= diagnosed


def test_variants_differ_in_conditions_thresholds_limits_and_sites():
    made = records(60)
    assert len({tuple(r["conditions"]) for r in made}) > 10
    assert len({r["eligibility"]["min_age_years"] for r in made}) > 2
    assert len({r["eligibility"]["sex"] for r in made}) > 1
    assert len({site["city"] for r in made for site in r["sites"]}) > 10
    platelets = {leaf.get("value") for r in made for leaf in leaves(r) if leaf.get("analyte") == "platelets"}
    assert len(platelets) > 1
    assert len({len(r["criteria"]) for r in made}) > 4        # exclusions left out or borrowed


def test_the_parameters_file_is_checked(tmp_path):
    assert load_parameters()["cities"]
    bad = tmp_path / "synthetic.yaml"
    bad.write_text("cities: []\n", encoding="utf-8")
    with pytest.raises(DataError, match="synthetic.yaml"):
        load_parameters(bad)


def test_the_benchmark_database_is_a_separate_new_file(tmp_path):
    path = tmp_path / "bench.db"
    built = build_database(path, 30)
    assert built["trials"] == 30 and built["synthetic"] == 26 and built["bytes"] > 0
    db = connect(path)
    origins = {row["id"]: row["origin"] for row in list_trials(db)}
    assert sum(1 for o in origins.values() if o == "bundled") == 4
    assert all(o == "synthetic" for i, o in origins.items() if i.startswith("SYN-"))
    db.close()
    with pytest.raises(DataError, match="already exists"):
        build_database(path, 30)
    with pytest.raises(DataError, match="separate database"):
        build_database(Path(os.environ["TRIALBOT_DB"]), 10)
    assert not any(p.name.startswith("SYN") for p in TRIALS_DIR.iterdir())     # the bundled files untouched


def test_a_synthetic_record_reads_back_as_clinicaltrials_gov_json():
    record = records(1)[0]
    study = json.loads(json.dumps(ctgov_study(record, 1)))
    back = study_to_record(study, "bench.json", parse=lambda text, kind: {"type": "review", "reason": "other"})
    assert back["title"].startswith("[synthetic] ") and back["nct_id"] is None
    assert back["conditions_text"] == record["conditions_text"]
    assert {c["text"] for c in back["criteria"]} >= {c["text"] for c in record["criteria"]}
