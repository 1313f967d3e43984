"""A trial aimed at an antigen the patient is not known to carry ("CD7 CAR-T cells in
CD7-positive ... tumours" for a relapsed B-ALL whose CD7 is not stated) ranks after the trials
fitting the patient's condition as well (matching/targets.py ``untargeted_trials``); a patient
stated CD7 positive keeps it first. Verdicts unchanged."""
from datetime import date

from core.facts import Fact, Profile
from data.store import open_store, upsert_trials
from matching.engine import match
from matching.targets import targeted_trials, untargeted_trials
from test_relevance import STORED_FIELDS, _stated

TODAY = date(2026, 6, 1)
ADULT = {"id": "inc-1", "kind": "inclusion", "text": "Adults", "rule": {"type": "age", "min": 18}}


def _store(tmp_path):
    db = open_store(str(tmp_path / "t.db"))
    trials = [dict(STORED_FIELDS, id="local-a-cd7", nct_id=None, title="CD7 CAR-T cells in CD7-positive haematological tumours",
                   criteria=[ADULT], conditions=["hematologic_malignancy"], conditions_text=["Hematologic Malignancy"]),
              dict(STORED_FIELDS, id="local-b-act", nct_id=None, title="Immune monitoring of cell therapy in blood cancers",
                   criteria=[ADULT], conditions=["hematologic_malignancy"], conditions_text=["Hematologic Malignancy"])]
    upsert_trials(db, trials, "import")
    return db, trials


def test_a_trial_for_an_antigen_not_known_ranks_after_one_fitting_as_well(tmp_path):
    db, trials = _store(tmp_path)
    ball = Profile([_stated("b_all", "B-ALL"), _stated("relapsed_disease", "relapsed"), Fact("AGE", "age", "30", value=30)])
    assert "local-a-cd7" in untargeted_trials(db, ball) and "local-b-act" not in untargeted_trials(db, ball)
    plain = [r.id for r in match(ball, trials, today=TODAY)]
    assert plain[0] == "local-a-cd7"                     # id order alone put it first
    ranked = match(ball, trials, today=TODAY, untargeted=untargeted_trials(db, ball))
    assert [r.id for r in ranked] == ["local-b-act", "local-a-cd7"]
    assert {r.id: r.verdict for r in ranked} == {r.id: r.verdict for r in match(ball, trials, today=TODAY)}
    positive = Profile([*ball.facts, Fact("BIOMARKER", "cd7", "CD7+", 0, 4, status="positive")])
    assert "local-a-cd7" not in untargeted_trials(db, positive)
    ranked = match(positive, trials, today=TODAY, targeted=targeted_trials(db, positive),
                   untargeted=untargeted_trials(db, positive))
    assert ranked[0].id == "local-a-cd7"
