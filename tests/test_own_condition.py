"""A criterion against the patient that names the trial's own disease, or a broader one,
is not decided by the patient's diagnosis of that disease (issue #14): in a breast cancer
trial, "inoperable metastatic breast cancer" or "any other malignancy" is about a form of
the disease every patient of the trial has. The trial team judges; the trial is not ruled
out. A narrower form ("active lupus nephritis" in a lupus trial) is judged as usual."""
import json
from datetime import date

from core.facts import Fact, Profile
from data.rule_nodes import PLAN_VERSION, registry_criteria
from data.store import open_store, replan, upsert_trials
from matching.engine import match
from test_relevance import STORED_FIELDS

TODAY = date(2026, 6, 1)


def _stated(concept, text):
    return Fact("CONDITION", concept, text, 0, len(text))


def _breast_trial(**extra):
    return {"id": "T-BC", "nct_id": None, "title": "A breast cancer trial", "conditions": ["breast_cancer"],
            "conditions_text": ["Breast Cancer"], **extra, "criteria": [
                {"id": "inc-1", "kind": "inclusion", "text": "Histologically confirmed breast cancer",
                 "rule": {"type": "diagnosis", "concept": "breast_cancer"}},
                {"id": "exc-1", "kind": "exclusion", "text": "Inoperable locally advanced or metastatic breast cancer",
                 "rule": {"type": "diagnosis", "concept": "breast_cancer"}},
                {"id": "exc-2", "kind": "exclusion", "text": "History of any other malignancy",
                 "rule": {"type": "history", "concept": "malignancy"}},
                {"id": "inc-2", "kind": "inclusion", "text": "No prior malignancy",
                 "rule": {"not": {"type": "history", "concept": "malignancy"}}}]}


def _statuses(result):
    return {c.id: c.status for c in result.criteria}


def test_the_trials_own_disease_named_against_the_patient_is_for_the_trial_team():
    result = match(Profile([_stated("breast_cancer", "breast cancer")]), [_breast_trial()], today=TODAY)[0]
    statuses = _statuses(result)
    assert result.verdict != "ineligible"
    assert statuses["inc-1"] == "pass"                       # for the trial, the diagnosis still counts
    assert statuses["exc-1"] == statuses["exc-2"] == statuses["inc-2"] == "review"
    exc = next(c for c in result.criteria if c.id == "exc-1")
    assert "the trial is for breast cancer" in exc.evidence[0].reason
    assert [f.text for f in exc.evidence[0].facts] == ["breast cancer"]     # what it rests on


def test_another_disease_still_decides():
    facts = [_stated("breast_cancer", "breast cancer"), Fact("CONDITION", "melanoma", "melanoma", 20, 28)]
    result = match(Profile(facts), [_breast_trial()], today=TODAY)[0]
    assert result.verdict == "ineligible"
    assert _statuses(result)["exc-2"] == "fail"


def test_inclusion_of_the_own_disease_and_trials_without_conditions_are_unchanged():
    record = _breast_trial()
    marked = {c["id"]: c["rule"] for c in registry_criteria(record)}
    assert "besides" not in marked["inc-1"]
    assert marked["exc-1"]["besides"] == ["breast_cancer"]
    assert marked["inc-2"]["not"]["besides"] == ["breast_cancer"]            # "no ..." is against the patient
    assert "besides" not in record["criteria"][1]["rule"]                    # the record is not changed
    bare = dict(record, conditions=[])
    assert all("besides" not in json.dumps(c.get("rule")) for c in registry_criteria(bare))


def test_a_narrower_form_of_the_trials_disease_is_judged_and_asked_as_before():
    record = {"id": "T-SLE", "nct_id": None, "title": "lupus", "conditions": ["sle"], "conditions_text": ["SLE"],
              "criteria": [{"id": "exc-1", "kind": "exclusion", "text": "Systemic sclerosis overlap",
                            "rule": {"type": "diagnosis", "concept": "systemic_sclerosis"}}]}
    result = match(Profile([_stated("sle", "lupus")]), [record], today=TODAY)[0]
    assert _statuses(result)["exc-1"] == "unknown"


def test_stored_plans_are_made_again_when_the_planner_changes(tmp_path):
    db = open_store(str(tmp_path / "p.db"))
    upsert_trials(db, [{**STORED_FIELDS, **_breast_trial(), "id": "local-bc"}], "import")
    assert db.execute("SELECT value FROM meta WHERE key = 'plan_version'").fetchone()[0] == PLAN_VERSION
    db.execute("UPDATE meta SET value = 'old' WHERE key = 'plan_version'")
    db.execute("UPDATE trial_limits SET plan = '[]' WHERE trial_id = 'local-bc'")
    db.conn.commit()
    assert replan(db) is True and replan(db) is False
    assert json.loads(db.execute("SELECT plan FROM trial_limits WHERE trial_id = 'local-bc'").fetchone()[0])


def test_a_site_the_cancer_spread_to_is_not_another_malignancy():
    # rel-028 of the relevance set: "liver mets" of a lung cancer excluded every SCLC patient
    # with liver metastases from "other cancers"
    facts = [_stated("breast_cancer", "breast cancer"), Fact("CONDITION", "liver_metastases", "liver mets", 20, 30)]
    result = match(Profile(facts), [_breast_trial()], today=TODAY)[0]
    assert result.verdict != "ineligible"
    assert _statuses(result)["exc-2"] == "review"
    alone = match(Profile([Fact("CONDITION", "liver_metastases", "liver mets", 0, 10)]), [_breast_trial()],
                  today=TODAY)[0]
    assert _statuses(alone)["exc-2"] == "review"


def test_replanning_reads_the_records_in_batches_and_plans_every_one(tmp_path, monkeypatch):
    """Records are read a batch at a time (100,000 read at once held ~2.6 GB); every trial
    of every batch is planned again."""
    import data.store as store

    monkeypatch.setattr(store, "_REPLAN_BATCH", 2)
    db = open_store(str(tmp_path / "p.db"))
    upsert_trials(db, [{**STORED_FIELDS, **_breast_trial(), "id": f"local-bc{i}"} for i in range(5)], "import")
    db.execute("UPDATE meta SET value = 'old' WHERE key = 'plan_version'")
    db.execute("UPDATE trial_limits SET plan = '[]'")
    db.conn.commit()
    assert replan(db) is True
    plans = [json.loads(row[0]) for row in db.execute("SELECT plan FROM trial_limits")]
    trials = db.execute("SELECT count(*) FROM trials").fetchone()[0]
    assert len(plans) == trials >= 5 and all(plans)
