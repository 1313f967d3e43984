"""A trial aimed at an antigen the patient's cells carry ranks as one for the patient's own
disease (matching/targets.py): a CD7-positive T-ALL referral saw a daratumumab trial for
T-ALL above the CD7 CAR-T trial filed under haematological malignancy. Verdicts unchanged."""
from datetime import date

from core.facts import Fact, Profile
from data.store import open_store, upsert_trials
from matching.catalog import TrialCatalog
from matching.engine import match
from matching.pruned import match as pruned_match
from matching.targets import target_names, targeted_trials
from test_relevance import STORED_FIELDS, _stated

TODAY = date(2026, 6, 1)
ADULT = {"id": "inc-1", "kind": "inclusion", "text": "Adults", "rule": {"type": "age", "min": 18}}


def _store(tmp_path):
    db = open_store(str(tmp_path / "t.db"))
    trials = [dict(STORED_FIELDS, id="local-t-dara", nct_id=None, title="Daratumumab for T acute lymphoblastic leukaemia",
                   criteria=[ADULT], conditions=["t_all"], conditions_text=["T-ALL"]),
              dict(STORED_FIELDS, id="local-t-cd7", nct_id=None, title="CD7 CAR-T cells in CD7-positive haematological tumours",
                   criteria=[ADULT], conditions=["hematologic_malignancy"], conditions_text=["Hematologic Malignancy"]),
              dict(STORED_FIELDS, id="local-t-cd19", nct_id=None, title="CD19 CAR-T cells in B-cell lymphoma",
                   criteria=[ADULT], conditions=["hematologic_malignancy"], conditions_text=["Hematologic Malignancy"])]
    upsert_trials(db, trials, "import")
    return db, trials


def _patient(*marker):
    return Profile([_stated("t_all", "T-ALL"), Fact("AGE", "age", "34", value=34), *marker])


def test_a_trial_naming_the_patients_positive_target_ranks_with_those_for_the_disease(tmp_path):
    db, trials = _store(tmp_path)
    cd7 = _patient(Fact("BIOMARKER", "cd7", "CD7 positive", 40, 52, status="positive"))
    found = targeted_trials(db, cd7)
    assert "local-t-cd7" in found and not {"local-t-dara", "local-t-cd19"} & found
    plain = [r.id for r in match(cd7, trials, today=TODAY)]
    assert plain.index("local-t-dara") < plain.index("local-t-cd7")          # without it: exact disease first
    ranked = match(cd7, trials, today=TODAY, targeted=found)
    assert [r.id for r in ranked][:2] == ["local-t-cd7", "local-t-dara"]
    assert {r.id: r.verdict for r in ranked} == {r.id: r.verdict for r in match(cd7, trials, today=TODAY)}
    chat = [r.id for r in pruned_match(cd7, TrialCatalog(db), today=TODAY) if r.id.startswith("local-t")]
    assert chat[:2] == ["local-t-cd7", "local-t-dara"]          # the chat's path


def test_a_negative_unsure_or_absent_marker_targets_nothing(tmp_path):
    db, _trials = _store(tmp_path)
    assert targeted_trials(db, _patient()) == frozenset()
    for fact in (Fact("BIOMARKER", "cd7", "CD7 negative", 0, 12, status="negative"),
                 Fact("BIOMARKER", "cd7", "CD7", 0, 3, negated=True),
                 Fact("BIOMARKER", "cd7", "CD7?", 0, 3, uncertain=True),
                 Fact("BIOMARKER", "ana", "ANA positive", 0, 12, status="positive")):   # not a target antigen
        assert target_names(_patient(fact)) == [], fact
    assert target_names(_patient(Fact("BIOMARKER", "cd7", "CD7+", 0, 4))) == ["CD7"]
